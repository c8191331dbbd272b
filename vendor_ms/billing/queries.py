"""Set-based reads that billing needs: per-contract totals, incidents, versions in force.

One query each for all contracts of a run, never a loop per record or per contract.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from functools import lru_cache

from vendor_ms.db.engine import execute
from vendor_ms.db.tables import ContractVersion, Incident
from vendor_ms.domain.billing import IncidentInput
from vendor_ms.domain.contract import ContractDocument, from_canonical_json
from vendor_ms.domain.metrics import PerformanceTotals
from vendor_ms.domain.money import from_fen

# Integer columns summed as they are; fen and milliseconds are turned back into decimals.
_SUMMED = (
    "consultations",
    "unanswered_3min",
    "answered_30s",
    "response_ms_total",
    "responses",
    "inquiries",
    "paid_buyers",
    "sales_fen",
    "orders",
    "dispute_refunds",
    "surveys",
    "satisfied",
)

TOTALS_SQL = (
    "SELECT r.contract AS contract_id, "
    + ", ".join(f"SUM(r.{c}) AS {c}" for c in _SUMMED)
    + ", SUM(CASE WHEN r.consultations > 0 THEN 1 ELSE 0 END) AS seat_days, COUNT(*) AS records"
    " FROM daily_records r JOIN contracts c ON c.id = r.contract"
    " WHERE r.day >= {} AND r.day <= {} AND c.billing_cycle = {}"
)
# Up to this many contracts are named in the query; beyond it the whole cycle is summed in one
# pass and the rest ignored, which is cheaper than a huge IN list.
_MAX_LISTED = 500


def totals_from_row(row: dict[str, object]) -> PerformanceTotals:
    """PerformanceTotals from a row of sums (PostgreSQL returns SUM(bigint) as numeric)."""
    values = {c: int(row[c] or 0) for c in (*_SUMMED, "seat_days", "records")}  # type: ignore[call-overload]
    return PerformanceTotals(
        consultations=values["consultations"],
        unanswered_3min=values["unanswered_3min"],
        answered_30s=values["answered_30s"],
        response_seconds_total=Decimal(values["response_ms_total"]) / 1000,
        responses=values["responses"],
        inquiries=values["inquiries"],
        paid_buyers=values["paid_buyers"],
        sales_amount=from_fen(values["sales_fen"]),
        orders=values["orders"],
        dispute_refunds=values["dispute_refunds"],
        surveys=values["surveys"],
        satisfied=values["satisfied"],
        seat_days=values["seat_days"],
        records=values["records"],
    )


async def period_totals(
    cycle: str, start: date, end: date, contract_ids: Iterable[int] | None = None
) -> dict[int, PerformanceTotals]:
    """Totals of the latest revisions per contract of this billing cycle, dated in [start, end].

    One GROUP BY for all contracts; `contract_ids` narrows it when there are few of them.
    """
    sql, args = TOTALS_SQL, [start, end, cycle]
    ids = sorted(set(contract_ids)) if contract_ids is not None else None
    if ids is not None and len(ids) <= _MAX_LISTED:
        if not ids:
            return {}
        sql += f" AND r.contract IN ({', '.join('{}' for _ in ids)})"
        args.extend(ids)
    rows = await execute(sql + " GROUP BY r.contract", *args)
    return {int(row["contract_id"]): totals_from_row(row) for row in rows}


async def period_incidents(contract_ids: Iterable[int], start: date, end: date) -> dict[int, list[IncidentInput]]:
    ids = list(contract_ids)
    found: dict[int, list[IncidentInput]] = defaultdict(list)
    if not ids:
        return found
    rows = await Incident.select(
        Incident.id,
        Incident.contract,
        Incident.day,
        Incident.kind,
        Incident.points,
        Incident.penalty_fen,
        Incident.note,
    ).where(Incident.day >= start, Incident.day <= end, Incident.contract.is_in(ids))
    for row in rows:
        found[row["contract"]].append(
            IncidentInput(
                date=row["day"],
                kind=row["kind"],
                points=row["points"],
                penalty_amount=from_fen(row["penalty_fen"]) if row["penalty_fen"] is not None else None,
                note=row["note"],
                ref=f"#{row['id']}",
            )
        )
    return found


class VersionInForce:
    __slots__ = ("document", "sha256", "version")

    def __init__(self, version: int, document: ContractDocument, sha256: str) -> None:
        self.version = version
        self.document = document
        self.sha256 = sha256


async def versions_in_force(contract_ids: Iterable[int], day: date) -> dict[int, VersionInForce]:
    """The version of each contract in force on `day` (SPEC 4: a period is billed under the
    version in force on its last day); version 1 for days before any amendment."""
    ids = list(contract_ids)
    if not ids:
        return {}
    rows = await ContractVersion.select(
        ContractVersion.contract,
        ContractVersion.version,
        ContractVersion.effective_from,
        ContractVersion.document,
        ContractVersion.document_sha256,
    ).where(ContractVersion.contract.is_in(ids))
    chosen: dict[int, dict[str, object]] = {}
    for row in sorted(rows, key=lambda r: r["version"]):
        current = chosen.get(row["contract"])
        if current is None or row["effective_from"] <= day:
            chosen[row["contract"]] = row
    result = {}
    for contract_id, row in chosen.items():
        sha = str(row["document_sha256"])
        result[contract_id] = VersionInForce(int(row["version"]), _document(sha, str(row["document"])), sha)  # type: ignore[call-overload]
    return result


@lru_cache(maxsize=8192)
def _document(sha256: str, canonical: str) -> ContractDocument:
    """A stored version's document, parsed once per process: a version never changes, and its
    SHA-256 names its content, so the cache can never serve a stale document."""
    return from_canonical_json(canonical)
