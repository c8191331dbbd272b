"""Set-based reads that billing needs besides the totals (`performance.queries.contract_totals`):
incidents and the contract versions in force. One query each for all contracts of a run.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from functools import lru_cache

from vendor_ms.db.tables import ContractVersion, Incident
from vendor_ms.domain.billing import IncidentInput
from vendor_ms.domain.contract import ContractDocument, from_canonical_json
from vendor_ms.domain.money import from_fen


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
