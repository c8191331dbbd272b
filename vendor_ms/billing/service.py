"""Billing services: incidents, billing runs, invoices and their lifecycle, live scorecards.

The arithmetic is `vendor_ms.domain.billing`; this module gathers its inputs with set-based
queries, stores what it computed (amounts in fen, lines and inputs as JSON) and enforces the
lifecycle draft → issued → paid | void. Each public function owns its transaction:

* a billing run writes all of its drafts or none, replaces drafts freely, never an issued
  invoice, and carries "adjustment for <period> (<number>)" lines for earlier issued periods
  whose data changed after they were issued (SPEC 5.8);
* issuing takes the next number of the gapless yearly sequence inside the issuing transaction.
"""

from __future__ import annotations

import asyncio
import contextvars
import gc
import hashlib
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from contextlib import asynccontextmanager, contextmanager, suppress
from datetime import date
from decimal import Decimal
from typing import Any

import msgspec

from vendor_ms import clock
from vendor_ms.access import audit
from vendor_ms.access.caller import Caller
from vendor_ms.billing.documents import render_invoice_pdf
from vendor_ms.billing.queries import NAMED_CONTRACTS_AT_MOST, VersionInForce, period_incidents, versions_in_force
from vendor_ms.billing.schemas import (
    BillingRunOut,
    IncidentIn,
    IncidentOut,
    InvoiceOut,
    InvoiceSummary,
    ScorecardOut,
)
from vendor_ms.contracts.service import contract_scope, visible_contract
from vendor_ms.db.engine import (
    copy_rows,
    current_engine,
    execute,
    is_postgres,
    reserve_ids,
    transaction,
    write_behind,
)
from vendor_ms.db.tables import (
    AccountBinding,
    BillingRun,
    Contract,
    Incident,
    Invoice,
    InvoiceAdjustment,
    Shop,
    Vendor,
    via,
)
from vendor_ms.domain.billing import (
    AdjustmentInput,
    BillingComputation,
    IncidentInput,
    InvoiceLine,
    ScorecardResult,
    canonical_inputs,
    compute_invoice,
    inputs_snapshot,
)
from vendor_ms.domain.metrics import PerformanceTotals
from vendor_ms.domain.money import ZERO, from_fen, to_fen
from vendor_ms.domain.periods import Period, parse_period, period_containing
from vendor_ms.errors import Conflict, FieldError, NotFound, ValidationFailed
from vendor_ms.pagination import Page, Window
from vendor_ms.performance.queries import contract_totals

LIVE = ("issued", "paid")  # statuses of an invoice that has been billed and stands
_NO_TOTALS = PerformanceTotals()

Progress = Callable[[int, int], None]


def _period(text: str, field: str = "period") -> Period:
    try:
        return parse_period(text)
    except ValueError as exc:
        raise ValidationFailed([FieldError(field, str(exc))]) from None


# ---------------------------------------------------------------------------------------------
# incidents


async def record_incident(caller: Caller, data: IncidentIn) -> IncidentOut:
    """Record an incident; it counts in the billing period of its date."""
    contract = await visible_contract(caller, data.contract)
    errors = []
    if not contract["starts_on"] <= data.date <= contract["ends_on"]:
        errors.append(
            FieldError("date", f"must lie within the contract term {contract['starts_on']} – {contract['ends_on']}")
        )
    penalty_fen: int | None = None
    if data.penalty_amount is not None:
        penalty_fen = to_fen(Decimal(data.penalty_amount))
    account_id: int | None = None
    if data.account is not None:
        binding = (
            await AccountBinding.select(AccountBinding.account)
            .where(AccountBinding.account.code == data.account, AccountBinding.contract == contract["id"])
            .first()
        )
        if binding is None:
            errors.append(FieldError("account", f"account {data.account!r} is not bound to contract {data.contract!r}"))
        else:
            account_id = binding["account"]
    if errors:
        raise ValidationFailed(errors)
    async with transaction():
        incident = Incident(
            contract=contract["id"],
            day=data.date,
            account=account_id,
            kind=data.kind,
            points=data.points,
            penalty_fen=penalty_fen,
            note=data.note,
            evidence_url=data.evidence_url or "",
            created_by=caller.name,
        )
        await incident.save()
        await audit.record(
            caller,
            "incident.create",
            "incident",
            f"#{incident.id}",
            shops=[contract["shop_code"]],
            vendors=[contract["vendor_code"]],
            detail={"contract": data.contract, "date": data.date.isoformat(), "kind": data.kind, "points": data.points},
        )
    return (await _incidents(Incident.id == incident.id, Window(1, 0))).items[0]


async def list_incidents(
    caller: Caller, *, contract: str | None, period: str | None, window: Window
) -> Page[IncidentOut]:
    clauses: list[Any] = []
    scope = contract_scope(caller)
    if scope is not None:
        clauses.append(Incident.contract.id.is_in(Contract.select(Contract.id).where(scope)))
    if contract is not None:
        row = await visible_contract(caller, contract)
        clauses.append(Incident.contract == row["id"])
    if period is not None:
        p = _period(period)
        clauses.extend([Incident.day >= p.start, Incident.day <= p.end])
    where = None
    for clause in clauses:
        where = clause if where is None else where & clause
    return await _incidents(where, window)


async def _incidents(where: Any, window: Window) -> Page[IncidentOut]:
    query = Incident.select(
        Incident.id,
        Incident.contract.code.as_alias("contract"),
        Incident.day,
        Incident.kind,
        Incident.points,
        Incident.account.code.as_alias("account"),
        Incident.penalty_fen,
        Incident.note,
        Incident.evidence_url,
        Incident.created_at,
        Incident.created_by,
    )
    count = Incident.count()
    if where is not None:
        query, count = query.where(where), count.where(where)
    rows = await query.order_by(Incident.day).order_by(Incident.id).limit(window.limit).offset(window.offset)
    return Page(
        items=[
            IncidentOut(
                id=r["id"],
                contract=r["contract"],
                date=r["day"],
                kind=r["kind"],
                points=r["points"],
                account=r["account"],
                penalty_amount=from_fen(r["penalty_fen"]) if r["penalty_fen"] is not None else None,
                note=r["note"],
                evidence_url=r["evidence_url"] or None,
                created_at=r["created_at"],
                created_by=r["created_by"],
            )
            for r in rows
        ],
        total=await count,
    )


# ---------------------------------------------------------------------------------------------
# computing a period


class Computed(msgspec.Struct):
    contract_id: int
    version: int
    document_sha256: str
    computation: BillingComputation
    adjustments: list[AdjustmentInput]
    targets: list[int]  # invoice ids the adjustments correct, parallel to `adjustments`
    incidents: list[IncidentInput]


Pending = dict[int, list[tuple[AdjustmentInput, int]]]


class PeriodInputs:
    """Everything a period's invoices are computed from, each read with one set-based query."""

    __slots__ = ("incidents", "totals", "versions")

    def __init__(
        self,
        versions: dict[int, VersionInForce],
        totals: dict[int, PerformanceTotals],
        incidents: dict[int, list[IncidentInput]],
    ) -> None:
        self.versions = versions
        self.totals = totals
        self.incidents = incidents


@asynccontextmanager
async def _totals_meanwhile(
    period: Period, ids: list[int] | None
) -> AsyncIterator[asyncio.Task[dict[int, PerformanceTotals]]]:
    """The GROUP BY over the period's records, running while the block uses this connection.

    It is the one heavy query, so it runs on a connection of its own (a fresh context has no
    transaction) while the caller reads versions and incidents, or replaces drafts. It reads
    committed records only, which is all a billing run ever bills. `None`, or many contracts:
    it sums the whole period in one pass (the floor's own query) rather than name thousands of
    ids; the totals of contracts not asked for are simply not used.
    """
    scope = None if ids is None or len(ids) > NAMED_CONTRACTS_AT_MOST else ids
    task = asyncio.create_task(contract_totals(scope, period.start, period.end), context=contextvars.Context())
    try:
        yield task
    finally:
        if not task.done():
            task.cancel()
        with suppress(asyncio.CancelledError):
            await task


async def _read_inputs(
    period: Period, ids: list[int], totals: asyncio.Task[dict[int, PerformanceTotals]]
) -> PeriodInputs:
    versions = await versions_in_force(ids, period.end)
    incidents = await period_incidents(ids, period.start, period.end)
    return PeriodInputs(versions, await totals, incidents)


def _computations(period: Period, ids: list[int], inputs: PeriodInputs, pending: Pending) -> Iterator[Computed]:
    """Each listed contract's invoice for the period, lazily, in id order; contracts without an
    active day are left out."""
    for contract_id in ids:
        version = inputs.versions[contract_id]
        incidents = inputs.incidents.get(contract_id, [])
        corrections = pending.get(contract_id, [])
        adjustments = [a for a, _ in corrections]
        computation = compute_invoice(
            version.document,
            period,
            inputs.totals.get(contract_id, _NO_TOTALS),
            incidents,
            adjustments,
            plan=version.plan,
        )
        if computation is not None:
            yield Computed(
                contract_id=contract_id,
                version=version.version,
                document_sha256=version.sha256,
                computation=computation,
                adjustments=adjustments,
                targets=[t for _, t in corrections],
                incidents=incidents,
            )


async def compute_period(
    period: Period,
    contract_ids: Iterable[int],
    *,
    adjustments: Pending | None = None,
) -> dict[int, Computed]:
    """Compute every listed contract's invoice for the period (contracts without an active day
    are left out). Set-based: one query each for totals, incidents and versions."""
    ids = sorted(set(contract_ids))
    if not ids:
        return {}
    async with _totals_meanwhile(period, ids) as totals:
        inputs = await _read_inputs(period, ids, totals)
    with _collector_paused():
        return {c.contract_id: c for c in _computations(period, ids, inputs, adjustments or {})}


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Thousands of short-lived objects and no cycles: the cyclic collector only gets in the way
    (a sixth of a billing run's computation otherwise)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


async def _pending_adjustments(contract_ids: list[int], before: date) -> Pending:
    """For each contract, earlier issued periods whose data changed after issue, recomputed.

    The difference between the recomputed net (before adjustments) and what was billed for that
    period (its issued net before adjustments plus adjustments for it already issued) becomes an
    adjustment; drafts never count as billed, so re-running a billing run never doubles one.
    """
    if not contract_ids:
        return {}
    changed = await execute(
        "SELECT i.id, i.contract, i.period, i.number, i.net_before_adjustments_fen FROM invoices i"
        " WHERE i.credit_note_for IS NULL AND i.status IN ('issued', 'paid') AND i.period_end < {}"
        " AND (EXISTS (SELECT 1 FROM daily_records r WHERE r.contract = i.contract"
        "   AND r.day >= i.period_start AND r.day <= i.period_end AND r.updated_at > i.issued_at)"
        "  OR EXISTS (SELECT 1 FROM incidents n WHERE n.contract = i.contract"
        "   AND n.day >= i.period_start AND n.day <= i.period_end AND n.created_at > i.issued_at))"
        " ORDER BY i.period_start",
        before,
    )
    wanted = set(contract_ids)
    changed = [row for row in changed if row["contract"] in wanted]
    if not changed:
        return {}
    already: dict[int, int] = defaultdict(int)
    for row in await InvoiceAdjustment.select(InvoiceAdjustment.target, InvoiceAdjustment.amount_fen).where(
        InvoiceAdjustment.target.is_in([r["id"] for r in changed]),
        InvoiceAdjustment.invoice.status.is_in(list(LIVE)),
    ):
        already[row["target"]] += row["amount_fen"]
    by_period: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in changed:
        by_period[row["period"]].append(row)
    found: dict[int, list[tuple[AdjustmentInput, int]]] = defaultdict(list)
    for label, rows in by_period.items():
        recomputed = await compute_period(parse_period(label), [r["contract"] for r in rows])
        for row in rows:
            result = recomputed.get(row["contract"])
            now = result.computation.net_before_adjustments if result else ZERO
            billed = from_fen(row["net_before_adjustments_fen"] + already[row["id"]])
            adjustment = AdjustmentInput(
                period=label, invoice_number=row["number"], recomputed_net=now, billed_net=billed
            )
            if adjustment.amount:
                found[row["contract"]].append((adjustment, row["id"]))
    return found


# ---------------------------------------------------------------------------------------------
# billing runs


async def run_billing(caller: Caller, period_text: str, progress: Progress | None = None) -> BillingRunOut:
    """Compute drafts for every contract with active days in the period, atomically."""
    caller.require_role("admin", "finance", action="running billing")
    period = _period(period_text)
    started = clock.now()
    async with transaction():
        # The period's totals are summed for every contract, from the start: a run bills most
        # of them, and naming them would first need the list.
        async with _totals_meanwhile(period, None) as totals:
            if is_postgres(current_engine()):
                # One billing run per period at a time; a second waits and then replaces drafts.
                await execute("SELECT pg_advisory_xact_lock(hashtext({}))", f"vendor-ms:billing:{period.label}")
            candidates = await Contract.select(
                Contract.id,
                Contract.code,
                Contract.shop.code.as_alias("shop"),
                Contract.vendor.code.as_alias("vendor"),
            ).where(
                Contract.billing_cycle == period.cycle,
                Contract.starts_on <= period.end,
                Contract.ends_on >= period.start,
            )
            by_id = {row["id"]: row for row in candidates}
            ids = sorted(by_id)
            skipped = await _lock_period(ids, period.label)
            billable = [cid for cid in ids if cid not in skipped]
            ids_ahead = await reserve_ids("invoices", len(billable))
            adjustments = await _pending_adjustments(billable, period.start)
            run = BillingRun(period=period.label, started_by=caller.name, started_at=started)
            await run.save()
            inputs = await _read_inputs(period, billable, totals)
        computations = _computations(period, billable, inputs, adjustments)
        written = await _write_drafts(run.id, period, computations, ids_ahead, progress)
        finished = clock.now()
        await BillingRun.update(
            {
                BillingRun.finished_at: finished,
                BillingRun.contracts: len(ids),
                BillingRun.drafts: len(written),
                BillingRun.skipped_issued: len(skipped),
            }
        ).where(BillingRun.id == run.id)
        await audit.record(
            caller,
            "billing.run",
            "billing_run",
            f"#{run.id}",
            shops=sorted({by_id[c]["shop"] for c in written}),
            vendors=sorted({by_id[c]["vendor"] for c in written}),
            detail={"period": period.label, "drafts": len(written), "skipped_issued": len(skipped)},
        )
    return BillingRunOut(
        id=run.id,
        period=period.label,
        contracts=len(ids),
        drafts=len(written),
        skipped_issued=len(skipped),
        invoice_ids=list(written.values()),
        started_at=started,
        finished_at=finished,
    )


async def _lock_period(contract_ids: list[int], period: str) -> set[int]:
    """Lock the period's live (non-void) invoices against issuing, voiding and paying until the
    run commits, and clear its drafts' adjustment rows; return the contracts whose invoice is
    already issued or paid (not billed again).

    Drafts are locked too, before they are replaced: a draft issued meanwhile would otherwise
    lose its adjustment rows, or collide with its replacement.
    """
    if not contract_ids:
        return set()
    live = "period = {} AND credit_note_for IS NULL AND status <> 'void'"
    if is_postgres(current_engine()):
        await execute(f"SELECT count(*) FROM (SELECT 1 FROM invoices WHERE {live} FOR UPDATE) AS locked", period)
    # The drafts' adjustment rows go now, in one statement, before their drafts are replaced
    # range by range (explicitly: SQLite does not enforce ON DELETE CASCADE unless told to).
    drafts = "SELECT id FROM invoices WHERE period = {} AND status = 'draft'"
    await execute(f"DELETE FROM invoice_adjustments WHERE invoice IN ({drafts})", period)
    rows = await execute(f"SELECT contract FROM invoices WHERE {live} AND status IN ('issued', 'paid')", period)
    wanted = set(contract_ids)
    return {row["contract"] for row in rows if row["contract"] in wanted}


def _encode(value: Any) -> str:
    return msgspec.json.encode(value).decode()


_YIELD_EVERY = 25  # drafts computed between two turns of the event loop while writing
_DRAFTS_PER_COPY = 250  # small enough that the last chunk's COPY is short, large enough to amortise one
_DRAFT_COLUMNS = (
    "id",
    "contract",
    "contract_version",
    "period",
    "period_start",
    "period_end",
    "status",
    "kind",
    "billing_run",
    "service_charges_fen",
    "bonus_fen",
    "penalties_fen",
    "adjustments_fen",
    "net_before_adjustments_fen",
    "net_fen",
    "tax_fen",
    "total_fen",
    "lines",
    "inputs",
    "inputs_sha256",
    "created_at",
)


async def _write_drafts(
    run_id: int, period: Period, computations: Iterator[Computed], ids: list[int], progress: Progress | None
) -> dict[int, int]:
    """Replace the period's drafts with the computed ones, numbered from `ids` (one for each
    possible draft); {contract id: draft id}, in contract order.

    Contract by contract range, a chunk at a time: the previous drafts of the range go, the new
    ones are written with COPY, all while the next chunk is being computed. Drafts of contracts
    no longer billed go as well.
    """
    fresh = iter(ids)
    now = clock.now()
    written: dict[int, int] = {}
    corrections: list[tuple[int, int, int]] = []

    def row(item: Computed) -> tuple[Any, ...]:
        invoice_id = written[item.contract_id] = next(fresh)
        c = item.computation
        # Stored as its canonical text, so the stored inputs hash to the stored SHA-256.
        inputs = canonical_inputs(
            inputs_snapshot(item.document_sha256, item.version, c, item.incidents, item.adjustments)
        )
        corrections.extend(
            (invoice_id, target, to_fen(adjustment.amount))
            for adjustment, target in zip(item.adjustments, item.targets, strict=True)
            if adjustment.amount
        )
        return (
            invoice_id,
            item.contract_id,
            item.version,
            period.label,
            period.start,
            period.end,
            "draft",
            c.kind,
            run_id,
            to_fen(c.service_charges),
            to_fen(c.bonus),
            to_fen(c.penalties),
            to_fen(c.adjustments),
            to_fen(c.net_before_adjustments),
            to_fen(c.net),
            to_fen(c.tax),
            to_fen(c.total),
            _encode(c.lines),
            inputs.decode(),
            hashlib.sha256(inputs).hexdigest(),
            now,
        )

    covered: int | None = None  # the drafts of contracts up to this id are replaced

    async def chunks() -> AsyncIterator[tuple[int | None, int, list[tuple[Any, ...]]]]:
        nonlocal covered
        rows: list[tuple[Any, ...]] = []
        for item in computations:
            rows.append(row(item))
            if len(rows) % _YIELD_EVERY == 0:
                await asyncio.sleep(0)  # the previous chunk's write sends its next statement
            if len(rows) == _DRAFTS_PER_COPY:
                yield covered, item.contract_id, rows
                covered, rows = item.contract_id, []
        if rows:
            yield covered, rows[-1][1], rows
            covered = rows[-1][1]

    done = 0

    async def replace(chunk: tuple[int | None, int, list[tuple[Any, ...]]]) -> None:
        nonlocal done
        above, upper, rows = chunk
        await _delete_drafts(period, above, upper)  # first: one live invoice per contract and period
        await copy_rows("invoices", _DRAFT_COLUMNS, rows)
        done += len(rows)
        if progress:
            progress(done, max(done, len(ids)))

    with _collector_paused():
        await write_behind(chunks(), replace)
    if progress:
        progress(done, done)
    await _delete_drafts(period, covered, None)
    if corrections:
        await copy_rows("invoice_adjustments", ("invoice", "target", "amount_fen"), corrections)
    return written


async def _delete_drafts(period: Period, above: int | None, up_to: int | None) -> None:
    """Delete the period's drafts of contracts in (above, up_to] (None: unbounded). Issued
    invoices are never touched. Their adjustment rows are gone already (`_lock_period`)."""
    where = "period = {} AND status = 'draft'"
    args: list[Any] = [period.label]
    if above is not None:
        where += " AND contract > {}"
        args.append(above)
    if up_to is not None:
        where += " AND contract <= {}"
        args.append(up_to)
    await execute(f"DELETE FROM invoices WHERE {where}", *args)


# ---------------------------------------------------------------------------------------------
# invoices


def _invoice_scope(caller: Caller) -> Any:
    if caller.sees_everything:
        return None
    if caller.role == "shop_owner":
        return via(Invoice.contract.shop, Shop).code.is_in(sorted(caller.shop_codes) or [""])
    return via(Invoice.contract.vendor, Vendor).code == (caller.vendor_code or "")


_SUMMARY = (
    Invoice.id,
    Invoice.number,
    Invoice.contract.code.as_alias("contract"),
    via(Invoice.contract.shop, Shop).code.as_alias("shop"),
    via(Invoice.contract.vendor, Vendor).code.as_alias("vendor"),
    Invoice.period,
    Invoice.status,
    Invoice.kind,
    Invoice.net_fen,
    Invoice.tax_fen,
    Invoice.total_fen,
)


def _summary(row: dict[str, Any]) -> InvoiceSummary:
    return InvoiceSummary(
        id=row["id"],
        number=row["number"],
        contract=row["contract"],
        shop=row["shop"],
        vendor=row["vendor"],
        period=row["period"],
        status=row["status"],
        kind=row["kind"],
        net=from_fen(row["net_fen"]),
        tax=from_fen(row["tax_fen"]),
        total=from_fen(row["total_fen"]),
    )


async def list_invoices(
    caller: Caller,
    *,
    period: str | None = None,
    contract: str | None = None,
    status: str | None = None,
    within: Period | None = None,
    window: Window,
) -> Page[InvoiceSummary]:
    """Invoices in scope; `period` matches one billing period, `within` every period inside a
    date range (a month's daily and weekly invoices too)."""
    clauses: list[Any] = [c for c in [_invoice_scope(caller)] if c is not None]
    if period is not None:
        clauses.append(Invoice.period == _period(period).label)
    if within is not None:
        clauses.extend([Invoice.period_start >= within.start, Invoice.period_end <= within.end])
    if contract is not None:
        clauses.append(Invoice.contract.code == contract)
    if status is not None:
        clauses.append(Invoice.status == status)
    query, count = Invoice.select(*_SUMMARY), Invoice.count()
    for clause in clauses:
        query, count = query.where(clause), count.where(clause)
    rows = (
        await query.order_by(Invoice.period)
        .order_by(Invoice.contract.code)
        .order_by(Invoice.id)
        .limit(window.limit)
        .offset(window.offset)
    )
    return Page(items=[_summary(r) for r in rows], total=await count)


async def _invoice_row(caller: Caller, invoice_id: int, *, lock: bool = False) -> dict[str, Any]:
    query = Invoice.select(
        *Invoice.all_columns(exclude=[Invoice.pdf]),
        Invoice.contract.code.as_alias("contract_code"),
        via(Invoice.contract.shop, Shop).code.as_alias("shop"),
        via(Invoice.contract.vendor, Vendor).code.as_alias("vendor"),
        Invoice.contract.timezone.as_alias("timezone"),
        Invoice.credit_note_for.number.as_alias("credit_note_for_number"),
    ).where(Invoice.id == invoice_id)
    scope = _invoice_scope(caller)
    if scope is not None:
        query = query.where(scope)
    if lock and is_postgres(current_engine()):
        query = query.lock_rows("UPDATE", of=(Invoice,))
    row = await query.first()
    if row is None:
        raise NotFound(f"no invoice {invoice_id}")
    return row


def _invoice_out(row: dict[str, Any]) -> InvoiceOut:
    # The row's "contract" is the foreign key; its code comes aliased as "contract_code".
    summary = _summary({**row, "contract": row["contract_code"]})
    inputs = msgspec.json.decode(row["inputs"])
    return InvoiceOut(
        **msgspec.structs.asdict(summary),
        contract_version=row["contract_version"],
        period_start=row["period_start"],
        period_end=row["period_end"],
        lines=msgspec.json.decode(row["lines"], type=list[InvoiceLine]),
        service_charges=from_fen(row["service_charges_fen"]),
        bonus=from_fen(row["bonus_fen"]),
        penalties=from_fen(row["penalties_fen"]),
        adjustments=from_fen(row["adjustments_fen"]),
        # The scorecard is stored once, in the inputs it was computed with.
        scorecard=msgspec.convert(inputs["scorecard"], ScorecardResult),
        inputs=inputs,
        inputs_sha256=row["inputs_sha256"],
        credit_note_for=row["credit_note_for_number"],
        void_reason=row["void_reason"],
        created_at=row["created_at"],
        issued_at=row["issued_at"],
        paid_at=row["paid_at"],
        voided_at=row["voided_at"],
        pdf_sha256=row["pdf_sha256"],
    )


async def get_invoice(caller: Caller, invoice_id: int) -> InvoiceOut:
    return _invoice_out(await _invoice_row(caller, invoice_id))


async def _next_number(year: int) -> str:
    """The next number of the gapless yearly sequence; call inside the issuing transaction.

    The UPDATE row-locks the year's counter until the transaction ends, so concurrent issuers
    queue and a rolled-back issue gives its number back.
    """
    bump = "UPDATE invoice_sequences SET last_number = last_number + 1 WHERE year = {} RETURNING last_number"
    rows = await execute(bump, year)
    if not rows:
        await execute(
            "INSERT INTO invoice_sequences (year, last_number) VALUES ({}, 0) ON CONFLICT (year) DO NOTHING", year
        )
        rows = await execute(bump, year)
    return f"VMS-{year}-{int(rows[0]['last_number']):06d}"


def _require_status(row: dict[str, Any], allowed: tuple[str, ...], action: str) -> None:
    if row["status"] not in allowed:
        what = row["number"] or f"draft {row['id']}"
        raise Conflict(f"cannot {action} invoice {what}: it is {row['status']}")


async def issue_invoice(caller: Caller, invoice_id: int) -> InvoiceOut:
    """draft → issued: number, issue time and the PDF (rendered once, hashed) in one transaction."""
    caller.require_role("admin", "finance", action="issuing invoices")
    async with transaction():
        row = await _invoice_row(caller, invoice_id, lock=True)
        _require_status(row, ("draft",), "issue")
        now = clock.now()
        number = await _next_number(clock.numbering_year(now))
        await Invoice.update(
            {Invoice.status: "issued", Invoice.number: number, Invoice.issued_at: now, Invoice.issued_by: caller.name}
        ).where(Invoice.id == invoice_id)
        issued = await _invoice_row(caller, invoice_id)
        await _store_pdf(issued)
        await audit.record(
            caller,
            "invoice.issue",
            "invoice",
            number,
            shops=[row["shop"]],
            vendors=[row["vendor"]],
            detail={"id": invoice_id, "period": row["period"], "total": str(from_fen(row["total_fen"]))},
        )
        return _invoice_out(await _invoice_row(caller, invoice_id))


async def pay_invoice(caller: Caller, invoice_id: int) -> InvoiceOut:
    caller.require_role("admin", "finance", action="marking invoices paid")
    async with transaction():
        row = await _invoice_row(caller, invoice_id, lock=True)
        _require_status(row, ("issued",), "mark paid")
        if row["credit_note_for"] is not None:
            raise Conflict(f"{row['number']} is the credit note of a void; there is nothing to pay")
        await Invoice.update({Invoice.status: "paid", Invoice.paid_at: clock.now()}).where(Invoice.id == invoice_id)
        await audit.record(
            caller, "invoice.pay", "invoice", row["number"], shops=[row["shop"]], vendors=[row["vendor"]]
        )
        return _invoice_out(await _invoice_row(caller, invoice_id))


async def void_invoice(caller: Caller, invoice_id: int, reason: str) -> InvoiceOut:
    """issued|paid → void, with a credit note (issued at once) that reverses it; returns the note."""
    caller.require_role("admin", "finance", action="voiding invoices")
    if not reason.strip():
        raise ValidationFailed([FieldError("reason", "a void needs a reason")])
    async with transaction():
        row = await _invoice_row(caller, invoice_id, lock=True)
        _require_status(row, LIVE, "void")
        if row["credit_note_for"] is not None:
            raise Conflict(f"{row['number']} is the credit note of a void; it cannot be voided")
        now = clock.now()
        await Invoice.update(
            {Invoice.status: "void", Invoice.voided_at: now, Invoice.void_reason: reason.strip()}
        ).where(Invoice.id == invoice_id)
        number = await _next_number(clock.numbering_year(now))
        lines = [
            InvoiceLine(
                kind="credit",
                description=f"冲销 credit for {row['number']}: {reason.strip()}",
                amount=-from_fen(row["net_fen"]),
                invoice_number=row["number"],
                period=row["period"],
            )
        ]
        note = Invoice(
            contract=row["contract"],
            contract_version=row["contract_version"],
            period=row["period"],
            period_start=row["period_start"],
            period_end=row["period_end"],
            status="issued",
            kind="credit_note",
            number=number,
            credit_note_for=invoice_id,
            service_charges_fen=-row["service_charges_fen"],
            bonus_fen=-row["bonus_fen"],
            penalties_fen=-row["penalties_fen"],
            adjustments_fen=-row["adjustments_fen"],
            net_before_adjustments_fen=-row["net_before_adjustments_fen"],
            net_fen=-row["net_fen"],
            tax_fen=-row["tax_fen"],
            total_fen=-row["total_fen"],
            lines=_encode(lines),
            inputs=row["inputs"],
            inputs_sha256=row["inputs_sha256"],
            issued_at=now,
            issued_by=caller.name,
            void_reason=reason.strip(),
        )
        await note.save()
        await _store_pdf(await _invoice_row(caller, note.id))
        await audit.record(
            caller,
            "invoice.void",
            "invoice",
            row["number"],
            shops=[row["shop"]],
            vendors=[row["vendor"]],
            detail={"reason": reason.strip(), "credit_note": number},
        )
        return _invoice_out(await _invoice_row(caller, note.id))


async def _store_pdf(row: dict[str, Any]) -> None:
    """Render an issued document once and keep its bytes and SHA-256 forever."""
    pdf = await render_invoice_pdf(_invoice_out(row))
    await Invoice.update({Invoice.pdf: pdf, Invoice.pdf_sha256: hashlib.sha256(pdf).hexdigest()}).where(
        Invoice.id == row["id"]
    )


async def invoice_pdf(caller: Caller, invoice_id: int) -> tuple[bytes, InvoiceOut]:
    """The stored PDF of an issued document, or a draft rendered now (marked 草稿 DRAFT)."""
    row = await _invoice_row(caller, invoice_id)
    invoice = _invoice_out(row)
    if row["status"] == "draft":
        return await render_invoice_pdf(invoice), invoice
    stored = await Invoice.select(Invoice.pdf).where(Invoice.id == invoice_id).first()
    pdf = stored["pdf"] if stored else None
    if pdf is None:  # pragma: no cover - issue always stores one
        raise NotFound(f"invoice {row['number']} has no stored PDF")
    return bytes(pdf), invoice


# ---------------------------------------------------------------------------------------------
# live scorecards


async def live_scorecard(caller: Caller, code: str, period_text: str | None) -> ScorecardOut:
    """The scorecard of any period, open or closed, computed from the data as it is now."""
    contract = await visible_contract(caller, code)
    if period_text is None:
        today = clock.today(contract["timezone"])
        period = period_containing(today, contract["billing_cycle"])
    else:
        period = _period(period_text)
        if period.cycle != contract["billing_cycle"]:
            raise ValidationFailed(
                [
                    FieldError(
                        "period",
                        f"contract {code} is billed {contract['billing_cycle']}: give a period of that cycle",
                    )
                ]
            )
    computed = (await compute_period(period, [contract["id"]])).get(contract["id"])
    if computed is None:
        raise ValidationFailed([FieldError("period", f"contract {code} has no active day in {period.label}")])
    return ScorecardOut(
        contract=code,
        period=period.label,
        contract_version=computed.version,
        active_days=computed.computation.active_days,
        metrics=computed.computation.metrics,
        scorecard=computed.computation.scorecard,
    )
