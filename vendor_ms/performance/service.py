"""Performance services: read a file of records, check a batch, ingest it, list an account-day's
revisions, metrics.

`ingest` owns one transaction: resolve the batch's accounts (one query), refuse the whole batch
with every row's errors if anything is wrong, lock the accounts, then write through the bulk
path of `store` (staging table + set-based statements). Scope follows the caller: a vendor
submits for the accounts of its own contracts, a shop owner (platform exports) for those of its
shops; any other account reads as unknown, exactly like one that does not exist, as one row
error among the others (422).

`read_file` reads a CSV or XLSX file under an export profile: the one named, else the one of the
platform of the contracts its accounts belong to (SPEC 10.3). `problems` is the dry run: every
problem `ingest` would refuse the batch for, without writing (the upload page's preview).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from piccolo.columns.combination import Where

from vendor_ms import clock
from vendor_ms.access import audit, policy
from vendor_ms.access.caller import Caller
from vendor_ms.contracts.service import visible_contract
from vendor_ms.db.engine import transaction
from vendor_ms.db.tables import (
    Account,
    AccountBinding,
    DailyRecord,
    DailyRecordRevision,
    IngestBatch,
    Shop,
    Vendor,
    via,
)
from vendor_ms.domain.contract import PLATFORMS_ZH
from vendor_ms.domain.export_profiles import STANDARD, ExportProfile, profile_for_platform, profile_named
from vendor_ms.domain.metrics import PerformanceTotals, decimal_text, metric_values
from vendor_ms.domain.performance import MAX_BATCH_RECORDS, ParsedBatch, values_out
from vendor_ms.domain.performance_files import account_column, parse_table
from vendor_ms.domain.record_placement import AccountTerm, place_records
from vendor_ms.errors import FieldError, NotFound, ValidationFailed
from vendor_ms.messages import Text
from vendor_ms.pagination import Page, Window
from vendor_ms.performance import store
from vendor_ms.performance.queries import STORAGE_COLUMNS, GroupBy, TotalsKey, sum_totals
from vendor_ms.performance.schemas import (
    ContractMetricsOut,
    IngestOut,
    MetricsGroup,
    MetricsRow,
    MetricValuesOut,
    RevisionOut,
)
from vendor_ms.tabular import FileFormat, Table, read_table

IDEMPOTENCY_KEY_MAX_LENGTH = 200
# Account codes per lookup query: far below the bound-parameter limits of both engines.
_CODES_PER_QUERY = 5_000


@dataclass(frozen=True, slots=True)
class IngestResult:
    answer: IngestOut
    replayed: bool  # the answer of an earlier, identical batch; nothing was written


# ---------------------------------------------------------------------------------------------
# scope


@dataclass(frozen=True, slots=True)
class _Terms:
    by_code: dict[str, list[AccountTerm]]
    shops: dict[int, str]  # contract id -> shop code
    vendors: dict[int, str]  # contract id -> vendor code


async def _terms(caller: Caller, codes: Iterable[str]) -> _Terms:
    """Every binding in the caller's scope of these account codes, with its contract's term."""
    wanted = sorted(set(codes))
    by_code: dict[str, list[AccountTerm]] = {}
    shops: dict[int, str] = {}
    vendors: dict[int, str] = {}
    for offset in range(0, len(wanted), _CODES_PER_QUERY):
        query = AccountBinding.select(
            AccountBinding.account.code.as_alias("code"),
            AccountBinding.account.as_alias("account_id"),
            AccountBinding.contract.as_alias("contract_id"),
            AccountBinding.active_from,
            AccountBinding.active_to,
            AccountBinding.contract.starts_on.as_alias("starts_on"),
            AccountBinding.contract.ends_on.as_alias("ends_on"),
            AccountBinding.contract.timezone.as_alias("timezone"),
            via(AccountBinding.contract.shop, Shop).code.as_alias("shop_code"),
            via(AccountBinding.contract.vendor, Vendor).code.as_alias("vendor_code"),
        ).where(AccountBinding.account.code.is_in(wanted[offset : offset + _CODES_PER_QUERY]))
        query = policy.ACCOUNT_BINDINGS.restrict(query, caller)
        for row in await query.order_by(AccountBinding.active_from):
            by_code.setdefault(row["code"], []).append(
                AccountTerm(
                    account_id=row["account_id"],
                    contract_id=row["contract_id"],
                    active_from=row["active_from"],
                    active_to=row["active_to"],
                    starts_on=row["starts_on"],
                    ends_on=row["ends_on"],
                    timezone=row["timezone"],
                )
            )
            shops[row["contract_id"]] = row["shop_code"]
            vendors[row["contract_id"]] = row["vendor_code"]
    return _Terms(by_code, shops, vendors)


def _today(terms: _Terms) -> dict[str, date]:
    """Today in each timezone of these contracts: no record may be dated after it (SPEC 9.1)."""
    zones = {t.timezone for bindings in terms.by_code.values() for t in bindings}
    return {zone: clock.today(zone) for zone in zones}


def _placement(parsed: ParsedBatch, terms: _Terms) -> tuple[list[tuple[int, int]], list[FieldError]]:
    return place_records(
        parsed.keys,
        parsed.rows,
        terms.by_code,
        _today(terms),
        account_field=parsed.account_field,
        date_field=parsed.date_field,
    )


# ---------------------------------------------------------------------------------------------
# files


async def read_file(
    caller: Caller,
    raw: bytes,
    *,
    file_format: FileFormat | None = None,
    profile: str | None = None,
    sheet: str | None = None,
    max_records: int | None = MAX_BATCH_RECORDS,
    progress: Callable[[int], None] | None = None,
) -> ParsedBatch:
    """A CSV or XLSX file's records, parsed under the export profile named, else under the
    profile of the platform its accounts' contracts are on (SPEC 10.3).

    A file whose every column SPEC 3 names (a vendor's own file) needs no profile. Otherwise the
    accounts (in the caller's scope) say the platform; accounts of several platforms need the
    profile named; accounts of none (all unknown) read under SPEC 3 alone."""
    named = _profile_named(profile)
    table = read_table(raw, sheet=sheet, file_format=file_format)
    return await read_records(caller, table, profile=named, max_records=max_records, progress=progress)


async def read_records(
    caller: Caller,
    table: Table,
    *,
    profile: str | ExportProfile | None = None,
    max_records: int | None = MAX_BATCH_RECORDS,
    progress: Callable[[int], None] | None = None,
) -> ParsedBatch:
    """`read_file` of a table already read (the upload page reads it once, for its preview too)."""
    chosen = _profile_named(profile) if isinstance(profile, str) else profile
    if chosen is None:
        if all(STANDARD.column(cell) is not None for cell in table.header if cell):
            chosen = STANDARD
        else:
            rows = list(table.rows)
            table.rows = iter(rows)
            chosen = await _profile_of_accounts(caller, table.header, rows)
    return parse_table(table, chosen, max_records=max_records, progress=progress)


def _profile_named(name: str | None) -> ExportProfile | None:
    if name is None:
        return None
    named = profile_named(name)
    if isinstance(named, Text):
        raise ValidationFailed([FieldError("profile", named)])
    return named


async def _profile_of_accounts(caller: Caller, header: list[str], rows: list[tuple[int, list[str]]]) -> ExportProfile:
    at = account_column(header)
    if at is None:
        return STANDARD
    codes = sorted({cells[at] for _, cells in rows if at < len(cells) and cells[at]})
    platforms: set[str] = set()
    for offset in range(0, len(codes), _CODES_PER_QUERY):
        query = AccountBinding.select(via(AccountBinding.contract.shop, Shop).platform.as_alias("platform")).where(
            AccountBinding.account.code.is_in(codes[offset : offset + _CODES_PER_QUERY])
        )
        platforms.update(row["platform"] for row in await policy.ACCOUNT_BINDINGS.restrict(query, caller))
    profiles = {profile_for_platform(p).name: profile_for_platform(p) for p in platforms}
    if len(profiles) > 1:
        shown = [PLATFORMS_ZH.get(p, p) for p in sorted(platforms)]
        raise ValidationFailed([FieldError("profile", Text("profile.ambiguous", platforms=shown))])
    return next(iter(profiles.values()), STANDARD)


# ---------------------------------------------------------------------------------------------
# ingest


def check_idempotency_key(key: str | None) -> str | None:
    if key is None:
        return None
    if not key or len(key) > IDEMPOTENCY_KEY_MAX_LENGTH or not key.isprintable() or not key.isascii():
        raise ValidationFailed(
            [FieldError("Idempotency-Key", Text("idempotency.invalid", limit=IDEMPOTENCY_KEY_MAX_LENGTH))]
        )
    return key


def _submitter(caller: Caller) -> Where:
    if caller.user_id is not None:
        return IngestBatch.submitted_by == caller.user_id
    # CLI operators have no user row; their batches are told apart by name.
    return IngestBatch.submitted_by.is_null() & (IngestBatch.submitter_name == caller.name)  # type: ignore[return-value]


def _answer(row: dict[str, Any]) -> IngestOut:
    return IngestOut(batch_id=row["id"], inserted=row["inserted"], revised=row["revised"], unchanged=row["unchanged"])


_BATCH_ANSWER = (IngestBatch.id, IngestBatch.inserted, IngestBatch.revised, IngestBatch.unchanged)


async def problems(caller: Caller, parsed: ParsedBatch) -> list[FieldError]:
    """Every problem `ingest` would refuse this batch for, ordered by row; writes nothing.

    The dry run (the upload page's preview): the same parsing and the same placement rules
    (accounts in the caller's scope, dates inside bindings and terms and not after today) as
    `ingest`, which checks them again when the batch is sent."""
    policy.SUBMIT_PERFORMANCE.require(caller)
    terms = await _terms(caller, (code for code, _ in parsed.keys))
    return parsed.all_errors(_placement(parsed, terms)[1])


async def ingest(caller: Caller, parsed: ParsedBatch, *, idempotency_key: str | None = None) -> IngestResult:
    """Write a parsed batch all-or-nothing; ValidationFailed lists every row's errors.

    Re-sending a batch changes nothing: under the same Idempotency-Key it answers the first
    answer (a different body under that key is refused); with identical content whose every
    record still equals its latest revision it answers the earlier batch's id.
    """
    policy.SUBMIT_PERFORMANCE.require(caller)
    key = check_idempotency_key(idempotency_key)
    if parsed.errors:
        # Still check what can be checked, so one answer lists every problem of the batch.
        terms = await _terms(caller, (code for code, _ in parsed.keys))
        parsed.raise_errors(_placement(parsed, terms)[1])
    sha = parsed.content_sha256()
    async with transaction() as tx:
        if key is not None:
            await store.lock_key(tx, f"{caller.user_id}:{caller.name}:{key}")
            earlier = await IngestBatch.select(*_BATCH_ANSWER, IngestBatch.content_sha256).where(
                _submitter(caller), IngestBatch.idempotency_key == key
            )
            if earlier:
                if earlier[0]["content_sha256"] != sha:
                    raise ValidationFailed(
                        [FieldError("Idempotency-Key", Text("idempotency.reused", batch=earlier[0]["id"]))]
                    )
                return IngestResult(_answer(earlier[0]), replayed=True)

        terms = await _terms(caller, (code for code, _ in parsed.keys))
        placed, errors = _placement(parsed, terms)
        parsed.raise_errors(errors)
        await store.lock_accounts(tx, [account_id for account_id, _ in placed])
        await store.stage(
            tx,
            [
                (account_id, contract_id, key_[1], *values)
                for (account_id, contract_id), key_, values in zip(placed, parsed.keys, parsed.values, strict=True)
            ],
        )
        records = len(parsed.values)

        identical = (
            await IngestBatch.select(*_BATCH_ANSWER)
            .where(_submitter(caller), IngestBatch.content_sha256 == sha)
            .order_by(IngestBatch.id)
            .first()
        )
        if identical is not None and await store.count_unchanged(tx) == records:
            return IngestResult(IngestOut(identical["id"], 0, 0, records), replayed=True)

        now = clock.now()
        source = "platform_export" if caller.role == "shop_owner" else "vendor"
        batch = IngestBatch(
            submitted_at=now,
            submitted_by=caller.user_id,
            submitter_name=caller.name,
            source=source,
            idempotency_key=key,
            content_sha256=sha,
            records=records,
        )
        await batch.save()
        counts = await store.write_staged(tx, batch.id, now)
        answer = IngestOut(batch.id, counts.inserted, counts.revised, records - counts.inserted - counts.revised)
        await IngestBatch.update(
            {
                IngestBatch.inserted: answer.inserted,
                IngestBatch.revised: answer.revised,
                IngestBatch.unchanged: answer.unchanged,
            }
        ).where(IngestBatch.id == batch.id)
        contracts = {contract_id for _, contract_id in placed}
        await audit.record(
            caller,
            "performance.ingest",
            "ingest_batch",
            str(batch.id),
            shops=(terms.shops[c] for c in contracts),
            vendors=(terms.vendors[c] for c in contracts),
            detail={
                "source": source,
                "format": parsed.source_format,
                "profile": parsed.profile,
                "records": records,
                "inserted": answer.inserted,
                "revised": answer.revised,
                "unchanged": answer.unchanged,
                "content_sha256": sha,
                "idempotency_key": key,
                "days": [min(d for _, d in parsed.keys).isoformat(), max(d for _, d in parsed.keys).isoformat()],
            },
        )
        return IngestResult(answer, replayed=False)


# ---------------------------------------------------------------------------------------------
# revisions


async def list_revisions(caller: Caller, code: str, day: date, window: Window) -> Page[RevisionOut]:
    """Every revision of one account-day the caller may see, oldest first; NotFound outside scope."""
    policy.READ_PERFORMANCE.require(caller)
    scope = policy.ACCOUNT_BINDINGS.condition(caller)
    bound = AccountBinding.exists().where(AccountBinding.account.code == code)
    # An account bound to no contract yet is known to those who see everything, and to them only.
    if not await (bound.where(scope) if scope is not None else Account.exists().where(Account.code == code)):
        raise NotFound(f"no account {code!r}")
    clauses: list[Any] = [DailyRecordRevision.account.code == code, DailyRecordRevision.day == day]
    if (revisions := policy.REVISIONS.condition(caller)) is not None:
        clauses.append(revisions)
    rows = (
        await DailyRecordRevision.select(
            DailyRecordRevision.revision,
            DailyRecordRevision.batch.as_alias("batch_id"),
            DailyRecordRevision.batch.submitter_name.as_alias("submitted_by"),
            DailyRecordRevision.batch.source.as_alias("source"),
            DailyRecordRevision.submitted_at,
            DailyRecordRevision.contract.code.as_alias("contract"),
            *(getattr(DailyRecordRevision, column) for column in STORAGE_COLUMNS),
        )
        .where(*clauses)
        .order_by(DailyRecordRevision.revision)
        .limit(window.limit)
        .offset(window.offset)
    )
    total = await DailyRecordRevision.count().where(*clauses)
    latest = await (
        DailyRecord.select(DailyRecord.revision).where(DailyRecord.account.code == code, DailyRecord.day == day).first()
    )
    latest_revision = latest["revision"] if latest else None
    return Page(
        items=[
            RevisionOut(
                revision=row["revision"],
                latest=row["revision"] == latest_revision,
                batch_id=row["batch_id"],
                submitted_by=row["submitted_by"],
                source=row["source"],
                submitted_at=row["submitted_at"],
                contract=row["contract"],
                values=values_out([row[column] for column in STORAGE_COLUMNS]),
            )
            for row in rows
        ],
        total=total,
    )


# ---------------------------------------------------------------------------------------------
# metrics


def metrics_out(totals: PerformanceTotals) -> Any:
    """Every metric of SPEC section 3 over `totals`: 6-decimal strings, None when undefined."""
    return MetricValuesOut(**{name: decimal_text(value, 6) for name, value in metric_values(totals).items()})


_GROUP_BY: dict[str, GroupBy] = {"total": "contract", "day": "day", "account": "account"}


async def contract_metrics(
    caller: Caller, code: str, start: date | None, end: date | None, group: MetricsGroup
) -> ContractMetricsOut:
    """Sums and metrics of a contract's latest revisions in [start, end] (default: its term)."""
    policy.READ_PERFORMANCE.require(caller)
    contract = await visible_contract(caller, code)
    start = start or contract["starts_on"]
    end = end or contract["ends_on"]
    assert start is not None and end is not None
    if end < start:
        raise ValidationFailed([FieldError("to", Text("request.to_before_from", start=start.isoformat()))])
    found = await sum_totals([contract["id"]], start, end, _GROUP_BY[group])
    rows: Sequence[MetricsRow]
    if group == "total":
        totals = found.get(TotalsKey(contract["id"]), PerformanceTotals())
        rows = [MetricsRow(totals=totals, metrics=metrics_out(totals))]
    else:
        rows = [
            MetricsRow(day=key.day, account=key.account, totals=totals, metrics=metrics_out(totals))
            for key, totals in found.items()
        ]
    return ContractMetricsOut(contract=code, from_=start, to=end, group=group, rows=list(rows))
