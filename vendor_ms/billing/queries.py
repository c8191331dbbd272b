"""Set-based reads that billing needs besides the totals (`performance.queries.contract_totals`):
incidents and the contract versions in force. One query each for all contracts of a run.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from vendor_ms.db.tables import ContractVersion, Incident
from vendor_ms.domain.billing import BillingPlan, IncidentInput
from vendor_ms.domain.contract import ContractDocument, from_canonical_json
from vendor_ms.domain.money import from_fen

# Beyond this many contracts a query reads every row of the period and keeps the wanted ones:
# cheaper than naming thousands of ids.
NAMED_CONTRACTS_AT_MOST = 500


def _among(column: Any, ids: list[int]) -> list[Any]:
    """The WHERE clauses that keep rows of the listed contracts: none for a long list."""
    return [column.is_in(ids)] if len(ids) <= NAMED_CONTRACTS_AT_MOST else []


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
    ).where(Incident.day >= start, Incident.day <= end, *_among(Incident.contract, ids))
    wanted = set(ids)
    for row in rows:
        if row["contract"] not in wanted:
            continue
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
    __slots__ = ("plan", "sha256", "version")

    def __init__(self, version: int, plan: BillingPlan, sha256: str) -> None:
        self.version = version
        self.plan = plan  # the document, compiled for billing
        self.sha256 = sha256

    @property
    def document(self) -> ContractDocument:
        return self.plan.document


# Compiled documents by SHA-256, kept across runs: a stored version never changes and its
# SHA-256 names its content, so an entry can never be stale. Bounded; the oldest go first.
_PLANS: dict[str, BillingPlan] = {}
_PLANS_KEPT = 8192


async def versions_in_force(contract_ids: Iterable[int], day: date) -> dict[int, VersionInForce]:
    """The version of each contract in force on `day` (SPEC 4: a period is billed under the
    version in force on its last day); version 1 for days before any amendment.

    Documents are read and parsed only for versions this process has not compiled yet.
    """
    ids = list(contract_ids)
    if not ids:
        return {}
    rows = await ContractVersion.select(
        ContractVersion.contract,
        ContractVersion.version,
        ContractVersion.effective_from,
        ContractVersion.document_sha256,
    ).where(*_among(ContractVersion.contract, ids))
    wanted = set(ids)
    chosen: dict[int, dict[str, Any]] = {}
    for row in sorted(rows, key=lambda r: r["version"]):
        if row["contract"] not in wanted:
            continue
        current = chosen.get(row["contract"])
        if current is None or row["effective_from"] <= day:
            chosen[row["contract"]] = row
    missing = sorted({row["document_sha256"] for row in chosen.values()} - _PLANS.keys())
    if missing:
        for found in await ContractVersion.select(ContractVersion.document_sha256, ContractVersion.document).where(
            ContractVersion.document_sha256.is_in(missing)
        ):
            _PLANS[found["document_sha256"]] = BillingPlan.of(from_canonical_json(found["document"]))
        while len(_PLANS) > _PLANS_KEPT:
            del _PLANS[next(iter(_PLANS))]
    return {
        contract_id: VersionInForce(row["version"], _PLANS[row["document_sha256"]], row["document_sha256"])
        for contract_id, row in chosen.items()
    }
