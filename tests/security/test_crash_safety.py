"""Crash safety on PostgreSQL (SPEC 8; issue item 7): SIGKILL a billing run and the ingestion of a
large batch in the middle of their transaction; nothing partial remains, and running them again
gives exactly what an uninterrupted run gives.

Each command runs as `vendor-ms` in a subprocess on this test's database, under an
`application_name` of its own. "In the middle" is observed, not guessed: the test polls
`pg_stat_activity` until that connection's transaction holds a transaction id (it has written or
locked rows and not committed), then kills the process. The workloads are large enough (2,000
contracts; 60,000 records) that the write phase lasts far longer than the polling interval.

PostgreSQL only: a killed SQLite writer leaves a hot journal that the next opener rolls back,
which is SQLite's guarantee rather than ours, and SQLite cannot be observed from outside mid-way.
"""

from __future__ import annotations

import asyncio
import re
import signal
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.support import CONTRACTS_DIR
from vendor_ms.access.caller import local_admin
from vendor_ms.bench.billing import _populate
from vendor_ms.contracts.service import import_document
from vendor_ms.db.engine import execute
from vendor_ms.db.tables import TABLES
from vendor_ms.domain.contract import parse_toml

pytestmark = pytest.mark.slow

CLI = [sys.executable, "-c", "import sys; from vendor_ms.cli import main; sys.exit(main())"]
POLL_S = 0.002
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


async def kill_mid_transaction(process: asyncio.subprocess.Process, name: str) -> None:
    """SIGKILL `process` once its transaction holds a transaction id, then wait until the server
    has noticed (the backend is gone, its transaction rolled back)."""
    started = time.monotonic()
    while True:
        rows = await execute(
            "SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = {} AND backend_xid IS NOT NULL",
            name,
        )
        if rows[0]["n"]:
            break
        assert process.returncode is None, "the command finished before it was seen mid-transaction"
        assert time.monotonic() - started < DEADLINE_S, "the command never opened its transaction"
        await asyncio.sleep(POLL_S)
    process.send_signal(signal.SIGKILL)
    assert await asyncio.wait_for(process.wait(), DEADLINE_S) == -signal.SIGKILL
    while (await execute("SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = {}", name))[0]["n"]:
        assert time.monotonic() - started < DEADLINE_S, "the killed backend never went away"
        await asyncio.sleep(0.01)


async def row_counts() -> dict[str, int]:
    return {table._meta.tablename: await table.count() for table in TABLES}


async def drafts() -> list[tuple[Any, ...]]:
    """Every invoice of the period, as billing computed it (ids and times aside)."""
    rows = await execute(
        "SELECT contract, contract_version, status, service_charges_fen, bonus_fen, penalties_fen,"
        " adjustments_fen, net_fen, tax_fen, total_fen, lines, inputs, inputs_sha256"
        " FROM invoices WHERE period = '2026-10' ORDER BY contract"
    )
    return [tuple(row.values()) for row in rows]


async def test_a_killed_billing_run_leaves_nothing_and_a_rerun_gives_the_same_drafts(postgres) -> None:
    # 2,000 contracts with 5 accounts and a month of data each (310,000 daily records).
    await _populate(2000, 5, 7, lambda _: None)
    await finish(await vendor_ms(postgres.url, "vms-bill-reference", "bill", "--period", "2026-10"))
    reference = await drafts()
    assert len(reference) == 2000
    ids = await execute("SELECT id FROM invoices ORDER BY id")
    before = await row_counts()

    # A second run replaces the drafts: killed after it deleted them, before it wrote new ones.
    process = await vendor_ms(postgres.url, "vms-bill-killed", "bill", "--period", "2026-10")
    await kill_mid_transaction(process, "vms-bill-killed")
    assert await row_counts() == before
    assert await execute("SELECT id FROM invoices ORDER BY id") == ids
    assert await drafts() == reference

    out = await finish(await vendor_ms(postgres.url, "vms-bill-rerun", "bill", "--period", "2026-10"))
    # The run's number depends on whether the killed run had taken one from the sequence.
    assert re.fullmatch(r"billing run #[23] for 2026-10: 2000 draft\(s\) for 2000 contract\(s\)\n", out)
    assert await drafts() == reference
    after = await row_counts()
    assert (after["billing_runs"], after["invoices"]) == (2, 2000)  # run #2 died with its transaction


ACCOUNTS, DAYS = 400, 150  # 60,000 account-days
COLUMNS = "account,date,consultations,unanswered_3min,answered_30s,response_seconds_total,responses,"
COLUMNS += "inquiries,paid_buyers,sales_amount,orders,dispute_refunds,surveys,satisfied"


def big_csv(path: Path) -> dict[str, int]:
    """Write the batch; return what an uninterrupted ingestion must store (sums in stored units)."""
    lines = [COLUMNS]
    sums = {"records": 0, "consultations": 0, "response_ms_total": 0, "sales_fen": 0}
    for a in range(ACCOUNTS):
        for d in range(DAYS):
            day = date(2026, 5, 1) + timedelta(days=d)
            consultations = 50 + (a * 7 + d * 13) % 150
            seconds_ms = consultations * 15_250  # 15.25 s a response
            sales_fen = (a * 31 + d * 17) % 100_000
            lines.append(
                f"pdd-mu:c{a:03d},{day.isoformat()},{consultations},{consultations // 20},{consultations // 2},"
                f"{seconds_ms // 1000}.{seconds_ms % 1000:03d},{consultations},{consultations // 3},"
                f"{consultations // 9},{sales_fen // 100}.{sales_fen % 100:02d},{consultations // 9},0,"
                f"{consultations // 10},{consultations // 11}"
            )
            sums["records"] += 1
            sums["consultations"] += consultations
            sums["response_ms_total"] += seconds_ms
            sums["sales_fen"] += sales_fen
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return sums


async def stored() -> dict[str, int]:
    (row,) = await execute(
        "SELECT count(*) AS records, COALESCE(SUM(consultations), 0) AS consultations,"
        " COALESCE(SUM(response_ms_total), 0) AS response_ms_total, COALESCE(SUM(sales_fen), 0) AS sales_fen"
        " FROM daily_records"
    )
    return {k: int(v) for k, v in row.items()}


async def test_a_killed_ingestion_leaves_nothing_and_a_rerun_stores_the_batch(postgres, tmp_path: Path) -> None:
    text = (CONTRACTS_DIR / "pdd-mumu-presale.toml").read_text(encoding="utf-8")
    head, _, tail = text.partition("[[accounts]]")
    tail = tail[tail.index("[pricing]") :]
    accounts = "".join(f'[[accounts]]\ncode = "pdd-mu:c{a:03d}"\nactive_from = 2026-05-01\n\n' for a in range(ACCOUNTS))
    await import_document(local_admin(), parse_toml(head + accounts + tail))
    expected = big_csv(tmp_path / "big.csv")
    before = await row_counts()

    process = await vendor_ms(
        postgres.url, "vms-ingest-killed", "ingest", str(tmp_path / "big.csv"), "--vendor", "sufu"
    )
    await kill_mid_transaction(process, "vms-ingest-killed")
    assert await row_counts() == before
    assert before["daily_records"] == before["daily_record_revisions"] == before["ingest_batches"] == 0

    rerun = await vendor_ms(postgres.url, "vms-ingest-rerun", "ingest", str(tmp_path / "big.csv"), "--vendor", "sufu")
    # (The batch id depends on whether the killed run had taken one from the sequence.)
    assert re.fullmatch(r"batch [12]: 60,000 inserted, 0 revised, 0 unchanged\n", await finish(rerun))
    assert await stored() == expected
    after = await row_counts()
    assert (after["daily_record_revisions"], after["ingest_batches"]) == (60_000, 1)
    assert after["audit_events"] == before["audit_events"] + 1
