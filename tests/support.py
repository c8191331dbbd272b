"""Helpers shared by tests (fixtures live in conftest.py)."""

from __future__ import annotations

from pathlib import Path

from vendor_ms.access.caller import local_admin

REPO = Path(__file__).resolve().parents[1]
CONTRACTS_DIR = REPO / "contracts"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def import_examples(*names: str) -> None:
    """Import contract documents from contracts/ (all of them when no names are given)."""
    from vendor_ms.contracts.service import import_document
    from vendor_ms.domain.contract import parse_toml

    files = [CONTRACTS_DIR / f"{n}.toml" for n in names] if names else sorted(CONTRACTS_DIR.glob("*.toml"))
    for file in files:
        await import_document(local_admin(), parse_toml(file.read_text(encoding="utf-8")))


COUNT_DEFAULTS = {
    "consultations": 0,
    "unanswered_3min": 0,
    "answered_30s": 0,
    "response_seconds_total": "0",
    "responses": 0,
    "inquiries": 0,
    "paid_buyers": 0,
    "sales_amount": "0",
    "orders": 0,
    "dispute_refunds": 0,
    "surveys": 0,
    "satisfied": 0,
}


def daily(account: str, day: str, **counts: object) -> dict[str, object]:
    """One daily record as the API takes it (SPEC 3 field names); unspecified counts are 0."""
    return {"account": account, "date": day, **COUNT_DEFAULTS, **counts}


def month_days(year: int, month: int) -> list[str]:
    import calendar

    return [f"{year:04d}-{month:02d}-{d:02d}" for d in range(1, calendar.monthrange(year, month)[1] + 1)]


async def submit(client, token: str, records: list[dict[str, object]]) -> dict[str, object]:
    """Submit daily records through the API; fails the test on anything but success."""
    response = await client.post("/api/v1/performance/daily", json={"records": records}, headers=bearer(token))
    assert response.status_code in (200, 201), response.text
    return response.json()


def money(value: str) -> str:
    """A money string as the API writes it (identity; documents intent in assertions)."""
    return value
