"""Crash safety on PostgreSQL (SPEC 8; issue 17 item 2): SIGKILL `vendor-ms bill` and
`vendor-ms ingest` at the points of their transaction that matter; each time nothing partial
remains, and running the command again gives exactly what an uninterrupted run gives.

The points are reached by observation, never by sleeping: before starting the command, the test
takes (on a connection of its own) a lock that the command needs at that point and nowhere
before, then polls `pg_stat_activity` until the command's backend waits on that lock inside the
expected statement (and `pg_blocking_pids` names the test's connection). It then kills the
command, releases the lock and waits until the backend is gone (its transaction rolled back).
Each point is thus exact and cheap: the workloads can be small.

- billing run (600 contracts, drafts written 250 at a time, replacing an earlier run's drafts):
  during the COPY of the first chunk of new drafts (its range's old drafts already deleted: the
  test holds the first contract's row, which the COPY's foreign-key check must share), during
  the COPY of the second chunk (the first chunk replaced), and after every draft is written
  (the run's audit event waits for the audit table);
- ingestion (a batch revising 2,000 records and adding 400): after the records are staged (the
  next read of `ingest_batches` waits), and during the revision writes (every revision inserted,
  the upsert of the latest records waits for one row the test holds).

PostgreSQL only: a killed SQLite writer leaves a hot journal that the next opener rolls back,
which is SQLite's guarantee rather than ours, and SQLite cannot be observed from outside mid-way.
"""

from __future__ import annotations

import asyncio
import re
import signal
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from tests.support import CONTRACTS_DIR
from vendor_ms.access.caller import local_admin
from vendor_ms.bench.billing import _populate
from vendor_ms.contracts.service import import_document
from vendor_ms.db.engine import execute
from vendor_ms.db.tables import TABLES
from vendor_ms.domain.contract import parse_toml
from vendor_ms.performance.queries import STORAGE_COLUMNS

pytestmark = pytest.mark.slow

CLI = [sys.executable, "-c", "import sys; from vendor_ms.cli import main; sys.exit(main())"]
POLL_S = 0.005
DEADLINE_S = 120


@pytest.fixture
def postgres(db) -> Any:
    if not db.is_postgres:
        pytest.skip("crash safety is a PostgreSQL test (see the module docstring)")
    return db


def with_name(url: str, name: str) -> str:
    # asyncpg passes unknown DSN parameters on as server settings.
    return f"{url}{'&' if '?' in url else '?'}application_name={name}"


async def vendor_ms(url: str, name: str, *argv: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        *CLI,
        "--database-url",
        with_name(url, name),
        *argv,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def finish(process: asyncio.subprocess.Process) -> str:
    out, err = await asyncio.wait_for(process.communicate(), DEADLINE_S)
    assert process.returncode == 0, err.decode()
    return out.decode()


@dataclass(frozen=True)
class KillPoint:
    """Where to kill: the lock the test holds (SQL run in the test's own open transaction) and
    the statement the command must be seen waiting in (a regular expression on its text)."""

    name: str
    hold: Callable[[asyncpg.Connection], Awaitable[Any]]
    waiting_in: str


@asynccontextmanager
async def holding(url: str, point: KillPoint) -> AsyncIterator[int]:
    """Hold the point's lock for the block; yields the holder's backend pid."""
    connection = await asyncpg.connect(url)
    try:
        transaction = connection.transaction()
        await transaction.start()
        await point.hold(connection)
        try:
            yield connection.get_server_pid()
        finally:
            await transaction.rollback()
    finally:
        await connection.close()


async def kill_at(url: str, point: KillPoint, start: Callable[[str], Awaitable[asyncio.subprocess.Process]]) -> None:
    """Run the command until it waits at `point`, SIGKILL it there, then let its backend go."""
    name = f"vms-crash-{re.sub(r'[^a-z0-9]+', '-', point.name)}"
    async with holding(url, point) as holder:
        process = await start(name)
        started = time.monotonic()
        while True:
            rows = await execute(
                "SELECT query, wait_event_type, {} = ANY(pg_blocking_pids(pid)) AS blocked_by_us"
                " FROM pg_stat_activity WHERE application_name = {} AND state = 'active'",
                holder,
                name,
            )
            if any(r["blocked_by_us"] and re.search(point.waiting_in, r["query"]) for r in rows):
                break
            if process.returncode is not None:
                _, err = await process.communicate()
                pytest.fail(f"{point.name}: the command ended before it reached the point: {err.decode()[-2000:]}")
            assert time.monotonic() - started < DEADLINE_S, f"{point.name}: never reached; last seen {rows}"
            await asyncio.sleep(POLL_S)
        process.send_signal(signal.SIGKILL)
        assert await asyncio.wait_for(process.wait(), DEADLINE_S) == -signal.SIGKILL
    # The lock is released: the orphaned backend finds its client gone and rolls back.
    while (await execute("SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = {}", name))[0]["n"]:
        assert time.monotonic() - started < DEADLINE_S, f"{point.name}: the killed backend never went away"
        await asyncio.sleep(0.01)


async def row_counts() -> dict[str, int]:
    return {table._meta.tablename: await table.count() for table in TABLES}


# ---------------------------------------------------------------------------------------------
# billing run

CONTRACTS = 600  # three COPY chunks of 250 drafts


async def drafts() -> list[tuple[Any, ...]]:
    """Every invoice of the period as billing computed it, with its id (times aside)."""
    rows = await execute(
        "SELECT id, contract, contract_version, status, billing_run, service_charges_fen, bonus_fen, penalties_fen,"
        " adjustments_fen, net_fen, tax_fen, total_fen, lines, inputs, inputs_sha256"
        " FROM invoices WHERE period = '2026-10' ORDER BY contract"
    )
    return [tuple(row.values()) for row in rows]


def computed(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """What a run computes, without the ids a run gives (its own and its drafts')."""
    return [(row[1], row[2], row[3], *row[5:]) for row in rows]


def lock_contract(index: int) -> Callable[[asyncpg.Connection], Awaitable[Any]]:
    async def hold(connection: asyncpg.Connection) -> Any:
        ids = [r["id"] for r in await connection.fetch("SELECT id FROM contracts ORDER BY id")]
        return await connection.execute("SELECT 1 FROM contracts WHERE id = $1 FOR UPDATE", ids[index])

    return hold


async def lock_table(connection: asyncpg.Connection, table: str, mode: str) -> Any:
    return await connection.execute(f"LOCK TABLE {table} IN {mode} MODE")


BILLING_POINTS = [
    KillPoint("bill: COPY of the first chunk", lock_contract(0), r'^COPY\b.*"?invoices"?'),
    KillPoint("bill: COPY of the second chunk", lock_contract(300), r'^COPY\b.*"?invoices"?'),
    KillPoint(
        "bill: every draft written",
        lambda c: lock_table(c, "audit_events", "SHARE"),
        r'^INSERT INTO "?audit_events"?',
    ),
]


async def test_a_billing_run_killed_anywhere_leaves_nothing_and_a_rerun_gives_the_same_drafts(postgres) -> None:
    # 600 contracts with 2 accounts and a month of data each (37,200 daily records).
    await _populate(CONTRACTS, 2, 7, lambda _: None)
    await finish(await vendor_ms(postgres.url, "vms-bill-reference", "bill", "--period", "2026-10"))
    reference = await drafts()
    assert len(reference) == CONTRACTS
    before = await row_counts()

    async def bill(name: str) -> asyncio.subprocess.Process:
        return await vendor_ms(postgres.url, name, "bill", "--period", "2026-10")

    for point in BILLING_POINTS:
        await kill_at(postgres.url, point, bill)
        assert await row_counts() == before, point.name
        assert await drafts() == reference, point.name  # the very same rows: ids, run and all

    out = await finish(await bill("vms-bill-rerun"))
    # The run's number depends on how many killed runs had taken one from the sequence.
    assert re.fullmatch(rf"billing run #[2-5] for 2026-10: {CONTRACTS} draft\(s\) for {CONTRACTS} contract\(s\)\n", out)
    assert computed(await drafts()) == computed(reference)
    after = await row_counts()
    assert (after["billing_runs"], after["invoices"]) == (2, CONTRACTS)  # the killed runs died with their transactions
    assert after["audit_events"] == before["audit_events"] + 1


# ---------------------------------------------------------------------------------------------
# ingestion

ACCOUNTS, DAYS, NEW_DAYS = 40, 50, 10  # 2,000 account-days, revised; 400 more, new
COLUMNS = "account,date,consultations,unanswered_3min,answered_30s,response_seconds_total,responses,"
COLUMNS += "inquiries,paid_buyers,sales_amount,orders,dispute_refunds,surveys,satisfied"
FIRST_DAY = date(2026, 5, 1)

Stored = tuple[str, date, int, tuple[int, ...]]  # account, day, revision, values in STORAGE_COLUMNS order


def batch(path: Path, days: int, bump: int) -> dict[tuple[str, date], tuple[int, ...]]:
    """Write a CSV of `days` days for every account; return its records in stored units."""
    lines = [COLUMNS]
    records = {}
    for a in range(ACCOUNTS):
        for d in range(days):
            day = FIRST_DAY + timedelta(days=d)
            c = 50 + (a * 7 + d * 13) % 150 + bump
            ms = c * 15_250 + bump  # 15.25 s a response (and a millisecond more when bumped)
            fen = (a * 31 + d * 17) % 100_000 + bump
            values = (c, c // 20, c // 2, ms, c, c // 3, c // 9, fen, c // 9, 0, c // 10, c // 11)
            assert len(values) == len(STORAGE_COLUMNS)
            lines.append(
                f"pdd-mu:c{a:03d},{day.isoformat()},{c},{c // 20},{c // 2},{ms // 1000}.{ms % 1000:03d},{c},"
                f"{c // 3},{c // 9},{fen // 100}.{fen % 100:02d},{c // 9},0,{c // 10},{c // 11}"
            )
            records[(f"pdd-mu:c{a:03d}", day)] = values
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return records


async def stored(table: str) -> list[Stored]:
    rows = await execute(
        f"SELECT a.code, r.day, r.revision, {', '.join(f'r.{c}' for c in STORAGE_COLUMNS)}"
        f" FROM {table} r JOIN accounts a ON a.id = r.account ORDER BY a.code, r.day, r.revision"
    )
    return [(r["code"], r["day"], r["revision"], tuple(int(r[c]) for c in STORAGE_COLUMNS)) for r in rows]


def lock_record(connection_account: str, day: date) -> Callable[[asyncpg.Connection], Awaitable[Any]]:
    async def hold(connection: asyncpg.Connection) -> Any:
        return await connection.execute(
            "SELECT 1 FROM daily_records r JOIN accounts a ON a.id = r.account"
            " WHERE a.code = $1 AND r.day = $2 FOR UPDATE OF r",
            connection_account,
            day,
        )

    return hold


INGEST_POINTS = [
    KillPoint(
        "ingest: records staged",
        lambda c: lock_table(c, "ingest_batches", "ACCESS EXCLUSIVE"),
        r'"?ingest_batches"?',
    ),
    KillPoint(
        "ingest: revision writes",
        lock_record(f"pdd-mu:c{ACCOUNTS // 2:03d}", FIRST_DAY + timedelta(days=DAYS // 2)),
        r"INSERT INTO daily_record_revisions",
    ),
]


async def test_an_ingestion_killed_anywhere_leaves_nothing_and_a_rerun_stores_the_batch(
    postgres, tmp_path: Path
) -> None:
    text = (CONTRACTS_DIR / "pdd-mumu-presale.toml").read_text(encoding="utf-8")
    head, _, tail = text.partition("[[accounts]]")
    tail = tail[tail.index("[pricing]") :]
    accounts = "".join(f'[[accounts]]\ncode = "pdd-mu:c{a:03d}"\nactive_from = 2026-05-01\n\n' for a in range(ACCOUNTS))
    await import_document(local_admin(), parse_toml(head + accounts + tail))
    first = batch(tmp_path / "first.csv", DAYS, 0)
    second = batch(tmp_path / "second.csv", DAYS + NEW_DAYS, 1)  # every value of every record differs

    async def ingest(name: str, file: str = "second.csv") -> asyncio.subprocess.Process:
        return await vendor_ms(postgres.url, name, "ingest", str(tmp_path / file), "--vendor", "sufu")

    out = await finish(await ingest("vms-ingest-first", "first.csv"))
    assert out == "batch 1: 2,000 inserted, 0 revised, 0 unchanged\n"
    before = await row_counts()
    records, revisions = await stored("daily_records"), await stored("daily_record_revisions")
    assert records == [(a, d, 1, v) for (a, d), v in sorted(first.items())]

    for point in INGEST_POINTS:
        await kill_at(postgres.url, point, ingest)
        assert await row_counts() == before, point.name
        assert await stored("daily_records") == records, point.name
        assert await stored("daily_record_revisions") == revisions, point.name

    # (The batch id depends on how many killed runs had taken one from the sequence.)
    out = await finish(await ingest("vms-ingest-rerun"))
    assert re.fullmatch(r"batch [2-4]: 400 inserted, 2,000 revised, 0 unchanged\n", out)
    latest = {key: (2 if key in first else 1, values) for key, values in second.items()}
    assert await stored("daily_records") == [(a, d, r, v) for (a, d), (r, v) in sorted(latest.items())]
    history = [(a, d, 1, v) for (a, d), v in first.items()]
    history += [(a, d, 2 if (a, d) in first else 1, v) for (a, d), v in second.items()]
    assert await stored("daily_record_revisions") == sorted(history)
    after = await row_counts()
    assert (after["ingest_batches"], after["audit_events"]) == (2, before["audit_events"] + 1)
