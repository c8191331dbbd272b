"""A record resubmitted with any one field changed is a new revision; identical content changes
nothing (SPEC 3; issue 17 item 6).

Generated from `RECORD_FIELDS`, the one list of a daily record's fields: a field added to it is
covered here without touching this test. Each field is changed by its smallest step (1, or one
unit of its last decimal place) and kept valid (no count above the count it is part of).

Bugs this catches: a "did this record change?" comparison that leaves out a field (e.g.
`satisfied`) or the record's contract, or compares decimals at a coarser precision.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.support import bearer, daily, import_examples
from vendor_ms.db.engine import execute
from vendor_ms.db.tables import Contract, DailyRecord, DailyRecordRevision, IngestBatch
from vendor_ms.domain.metrics import RECORD_FIELDS

ACCOUNT = "pdd-mm:yk01"
FIRST_DAY = date(2026, 3, 1)
BASE: dict[str, object] = {
    "consultations": 100,
    "unanswered_3min": 5,
    "answered_30s": 80,
    "response_seconds_total": "1500.000",
    "responses": 100,
    "inquiries": 40,
    "paid_buyers": 12,
    "sales_amount": "1200.00",
    "orders": 12,
    "dispute_refunds": 1,
    "surveys": 20,
    "satisfied": 19,
}
FIELDS = [f.name for f in RECORD_FIELDS]


def test_the_base_record_names_every_field() -> None:
    assert list(BASE) == FIELDS


def changed(name: str) -> object:
    """BASE's value of `name`, one smallest step up."""
    field = next(f for f in RECORD_FIELDS if f.name == name)
    if field.kind == "int":
        return int(BASE[name]) + 1  # type: ignore[call-overload]
    return str(Decimal(str(BASE[name])) + Decimal(1).scaleb(-field.places))


def day_of(name: str) -> str:
    return (FIRST_DAY + timedelta(days=FIELDS.index(name))).isoformat()


async def post(client, token: str, records: list[dict[str, object]]) -> tuple[int, dict]:
    response = await client.post("/api/v1/performance/daily", json={"records": records}, headers=token)
    return response.status_code, response.json()


async def counts() -> tuple[int, int, int]:
    return await DailyRecord.count(), await DailyRecordRevision.count(), await IngestBatch.count()


@pytest.fixture
async def yunke(client, make_token) -> dict[str, str]:
    await import_examples("pdd-mengmeng-presale", "pdd-mengmeng-aftersale")
    return bearer(await make_token("vendor", vendor="yunke"))


async def test_a_change_in_any_one_field_is_a_new_revision(client, yunke) -> None:
    n = len(FIELDS)
    assert await post(client, yunke, [daily(ACCOUNT, day_of(f), **BASE) for f in FIELDS]) == (
        201,
        {"batch_id": 1, "inserted": n, "revised": 0, "unchanged": 0},
    )
    # Day i carries field i one step up, every other field as before.
    edits = [daily(ACCOUNT, day_of(f), **{**BASE, f: changed(f)}) for f in FIELDS]
    status, answer = await post(client, yunke, edits)
    assert (status, answer) == (201, {"batch_id": 2, "inserted": 0, "revised": n, "unchanged": 0})
    for name in FIELDS:
        response = await client.get(f"/api/v1/accounts/{ACCOUNT}/daily/{day_of(name)}/revisions", headers=yunke)
        revisions = response.json()["items"]
        assert [(r["revision"], r["latest"]) for r in revisions] == [(1, False), (2, True)], name
        # The new revision stores the changed value, and only it changed.
        before, after = revisions[0]["values"], revisions[1]["values"]
        assert {k for k in after if after[k] != before[k]} == {name}, name
        assert str(after[name]) == str(changed(name)), name

    # The same corrections again: identical content changes nothing, and says so.
    stored = await counts()
    assert await post(client, yunke, edits) == (200, {"batch_id": 2, "inserted": 0, "revised": 0, "unchanged": n})
    # Identical records inside a batch that also changes one: only that one is revised.
    mixed = [*edits[:-1], daily(ACCOUNT, day_of(FIELDS[-1]), **BASE)]
    assert await post(client, yunke, mixed) == (201, {"batch_id": 3, "inserted": 0, "revised": 1, "unchanged": n - 1})
    assert await counts() == (stored[0], stored[1] + 1, stored[2] + 1)


async def test_the_same_values_under_another_contract_are_a_new_revision(client, yunke, make_token) -> None:
    record = daily(ACCOUNT, "2026-03-01", **BASE)
    assert (await post(client, yunke, [record]))[0] == 201
    # The latest revision says another contract, as a record from before a re-binding would
    # (the contract service refuses to re-bind an account away from its data, so this is set
    # up in the tables).
    ids = {r["code"]: r["id"] for r in await Contract.select(Contract.code, Contract.id)}
    for table in ("daily_records", "daily_record_revisions"):
        await execute(f"UPDATE {table} SET contract = {{}}", ids["PDD-MM-AFT-2026"])

    status, answer = await post(client, yunke, [record])
    assert (status, answer) == (201, {"batch_id": 2, "inserted": 0, "revised": 1, "unchanged": 0})
    admin = bearer(await make_token("admin"))  # yunke does not see the revision under haoke's contract
    response = await client.get(f"/api/v1/accounts/{ACCOUNT}/daily/2026-03-01/revisions", headers=admin)
    assert [(r["revision"], r["contract"]) for r in response.json()["items"]] == [
        (1, "PDD-MM-AFT-2026"),
        (2, "PDD-MM-PRE-2026"),
    ]
    latest = await DailyRecord.select(DailyRecord.contract, DailyRecord.revision).first()
    assert (latest["contract"], latest["revision"]) == (ids["PDD-MM-PRE-2026"], 2)
