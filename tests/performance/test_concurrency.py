"""Concurrent submissions for the same account-days (PostgreSQL): nothing lost, the last commit wins."""

from __future__ import annotations

import asyncio
from collections import defaultdict

import pytest

from tests.support import bearer, daily, import_examples
from vendor_ms.db.tables import DailyRecord, DailyRecordRevision, IngestBatch

SUBMISSIONS = 8
DAYS = [f"2026-03-{d:02d}" for d in range(1, 11)]
ACCOUNTS = ["pdd-mm:yk01", "pdd-mm:yk02"]


async def test_concurrent_batches_serialize_per_account_day(db, client, make_token) -> None:
    if not db.is_postgres:
        pytest.skip("SQLite runs one writer at a time; real concurrency needs PostgreSQL")
    await import_examples("pdd-mengmeng-presale")
    tokens = [await make_token("vendor", vendor="yunke") for _ in range(SUBMISSIONS)]

    def batch(n: int) -> list[dict[str, object]]:
        # Each submission has values of its own, so every one of them is a real revision.
        return [daily(a, d, consultations=1000 + n, answered_30s=n) for a in ACCOUNTS for d in DAYS]

    async def submit(n: int) -> tuple[int, dict[str, int]]:
        response = await client.post("/api/v1/performance/daily", json={"records": batch(n)}, headers=bearer(tokens[n]))
        assert response.status_code == 201, response.text
        return n, response.json()

    # Eight requests in flight at once, each in its own transaction on its own connection.
    results = await asyncio.gather(*(submit(n) for n in range(SUBMISSIONS)))

    records = len(ACCOUNTS) * len(DAYS)
    answers = [answer for _, answer in results]
    assert sorted((a["inserted"], a["revised"], a["unchanged"]) for a in answers) == [(0, records, 0)] * (
        SUBMISSIONS - 1
    ) + [(records, 0, 0)]
    batch_of = {n: answer["batch_id"] for n, answer in results}
    assert await IngestBatch.count() == SUBMISSIONS

    # Every revision is kept, numbered 1..8 without gaps for every account-day, and each batch
    # got one and the same revision number on all its account-days (batches did not interleave).
    revisions = await DailyRecordRevision.select(
        DailyRecordRevision.account.code.as_alias("account"),
        DailyRecordRevision.day,
        DailyRecordRevision.revision,
        DailyRecordRevision.batch,
        DailyRecordRevision.consultations,
    )
    assert len(revisions) == SUBMISSIONS * records
    per_day: dict[tuple[str, object], list[int]] = defaultdict(list)
    revision_of_batch: dict[int, set[int]] = defaultdict(set)
    for row in revisions:
        per_day[(row["account"], row["day"])].append(row["revision"])
        revision_of_batch[row["batch"]].add(row["revision"])
    assert all(sorted(numbers) == list(range(1, SUBMISSIONS + 1)) for numbers in per_day.values())
    assert all(len(numbers) == 1 for numbers in revision_of_batch.values())
    # Batches got their ids once they held the accounts' locks, so commit order is id order.
    order = sorted(revision_of_batch, key=lambda b: next(iter(revision_of_batch[b])))
    assert order == sorted(revision_of_batch)

    # The final state is exactly the last committed batch.
    last_batch = order[-1]
    last = next(n for n, b in batch_of.items() if b == last_batch)
    latest = await DailyRecord.select(
        DailyRecord.revision, DailyRecord.batch, DailyRecord.consultations, DailyRecord.answered_30s
    )
    assert len(latest) == records
    assert {(r["revision"], r["batch"], r["consultations"], r["answered_30s"]) for r in latest} == {
        (SUBMISSIONS, last_batch, 1000 + last, last)
    }
