"""Set-based reads of performance data: sums of the latest revisions, for metrics and billing.

`sum_totals` is one GROUP BY over `daily_records` (which holds only the latest revision of each
account-day) for any number of contracts. Counts are summed as integers in SQL; milliseconds
and fen become exact Decimals only at the end, so no total ever passes through a float.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any, Literal, NamedTuple

from vendor_ms.db.engine import execute
from vendor_ms.domain.metrics import RECORD_FIELDS, PerformanceTotals

# The column of each field of RECORD_FIELDS in daily_records / daily_record_revisions:
# decimals are stored as integers of their smallest unit.
STORAGE_COLUMNS: tuple[str, ...] = tuple(
    {"response_seconds_total": "response_ms_total", "sales_amount": "sales_fen"}.get(f.name, f.name)
    for f in RECORD_FIELDS
)

# Sums as BIGINT: PostgreSQL sums bigints as numeric, which is slower to send and to read back.
# Records are capped at 10^12 units a field, so a sum cannot reach 2^63 below 9 million records
# per group (and an overflow is an error in both engines, never a wrapped value).
_SUMS = ", ".join(f"CAST(SUM(r.{column}) AS BIGINT) AS {column}" for column in STORAGE_COLUMNS)
_COUNTS = "CAST(SUM(CASE WHEN r.consultations > 0 THEN 1 ELSE 0 END) AS BIGINT) AS seat_days, COUNT(*) AS records"

GroupBy = Literal["contract", "day", "account"]
# Parameters per statement stay far below SQLite's 32,766 and asyncpg's 32,767.
_CHUNK = 5_000


class TotalsKey(NamedTuple):
    """What a row of `sum_totals` sums over: a contract, and a day or an account code within it."""

    contract_id: int
    day: date | None = None
    account: str | None = None


async def sum_totals(
    contract_ids: Iterable[int], start: date, end: date, group_by: GroupBy = "contract"
) -> dict[TotalsKey, PerformanceTotals]:
    """Totals of the latest revisions of the contracts' records dated in [start, end].

    One GROUP BY per 5,000 contracts. Groups without records are absent; ordered by contract,
    then day or account code. `seat_days` counts the account-days with consultations > 0.
    """
    ids = sorted(set(contract_ids))
    sums = _SUMS
    extra, join = {
        "contract": ("", ""),
        "day": (", r.day", ""),
        "account": (", a.code", " JOIN accounts a ON a.id = r.account"),
    }[group_by]
    out: dict[TotalsKey, PerformanceTotals] = {}
    for offset in range(0, len(ids), _CHUNK):
        chunk = ids[offset : offset + _CHUNK]
        marks = ", ".join("{}" for _ in chunk)
        rows = await execute(
            f"SELECT r.contract AS contract_id{extra}, {sums}, {_COUNTS}"
            f" FROM daily_records r{join}"
            f" WHERE r.contract IN ({marks}) AND r.day >= {{}} AND r.day <= {{}}"
            f" GROUP BY r.contract{extra} ORDER BY r.contract{extra}",
            *chunk,
            start,
            end,
        )
        for row in rows:
            out[_key(row, group_by)] = totals_from_row(row)
    return out


async def contract_totals(contract_ids: Iterable[int] | None, start: date, end: date) -> dict[int, PerformanceTotals]:
    """Totals per contract over [start, end]; every contract asked for is present (zero when no data).

    `None` sums every contract with records in the range in one GROUP BY, without naming them.
    """
    if contract_ids is None:
        rows = await execute(
            f"SELECT r.contract AS contract_id, {_SUMS}, {_COUNTS} FROM daily_records r"
            " WHERE r.day >= {} AND r.day <= {} GROUP BY r.contract",
            start,
            end,
        )
        return {int(row["contract_id"]): totals_from_row(row) for row in rows}
    ids = set(contract_ids)
    found = await sum_totals(ids, start, end, "contract")
    totals = {key.contract_id: value for key, value in found.items()}
    return {contract_id: totals.get(contract_id, PerformanceTotals()) for contract_id in sorted(ids)}


def _key(row: dict[str, Any], group_by: GroupBy) -> TotalsKey:
    contract_id = int(row["contract_id"])
    if group_by == "day":
        day = row["day"]
        return TotalsKey(contract_id, day=day if isinstance(day, date) else date.fromisoformat(str(day)))
    if group_by == "account":
        return TotalsKey(contract_id, account=row["code"])
    return TotalsKey(contract_id)


def totals_from_row(row: Any) -> PerformanceTotals:
    """PerformanceTotals from a row of sums named like STORAGE_COLUMNS (integers, or the
    numeric that PostgreSQL makes of a SUM of bigints without a cast)."""
    values: dict[str, int | Decimal] = {
        name: int(row[column] or 0) if places is None else Decimal(int(row[column] or 0)).scaleb(-places)
        for name, column, places in _FROM_STORAGE
    }
    return PerformanceTotals(
        **values,  # type: ignore[arg-type]
        seat_days=int(row["seat_days"] or 0),
        records=int(row["records"] or 0),
    )


# (field, column, decimal places or None for counts): a stored integer back in the field's unit.
_FROM_STORAGE = tuple(
    (f.name, column, f.places if f.kind == "decimal" else None)
    for f, column in zip(RECORD_FIELDS, STORAGE_COLUMNS, strict=True)
)
