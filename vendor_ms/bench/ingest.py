"""`vendor-ms bench ingest`: daily records/s through the HTTP API against the floor of a raw bulk load.

Set-up (not timed): two fresh databases (PostgreSQL: two schemas of the bench's own in the
given database; else two temporary SQLite files), one for the app and one for the floor, each
with one contract of `accounts` accounts; a vendor token; the records, already encoded as JSON
request bodies of `batch_size` records each, and as rows for the floor.

Timed, batch by batch, alternating so that a busy moment on a shared machine weighs on both:
- the app: `vendor-ms serve` in a subprocess (a real HTTP server); each body POSTed to
  /api/v1/performance/daily, whose answer must say every record was inserted;
- the floor: the same rows written straight into the same table (daily_record_revisions) by the
  underlying tool, one transaction per batch: asyncpg `copy_records_to_table` on PostgreSQL,
  sqlite3 `executemany` on SQLite. It does none of the app's work (HTTP, JSON, validation,
  scope, revision numbers, the latest-revision table), so ratio = floor time / app time ≤ 1.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import msgspec

from vendor_ms import clock
from vendor_ms.bench._databases import bench_url, drop, fresh
from vendor_ms.bench._servers import free_port, vendor_ms_serve
from vendor_ms.domain.metrics import RECORD_FIELDS
from vendor_ms.domain.performance import from_units

FIRST_DAY = date(2020, 1, 1)
VENDOR = "bench-vendor"
CONTRACT = "BENCH-INGEST"


@dataclass(frozen=True, slots=True)
class IngestBenchResult:
    engine: str
    records: int
    batch_size: int
    app_seconds: float
    floor_seconds: float
    load: tuple[float, float]  # 1-minute load average before and after: the machine may be shared

    @property
    def app_per_second(self) -> float:
        return self.records / self.app_seconds

    @property
    def floor_per_second(self) -> float:
        return self.records / self.floor_seconds

    @property
    def ratio(self) -> float:
        return self.floor_seconds / self.app_seconds


def print_report(result: IngestBenchResult) -> None:
    batches = -(-result.records // result.batch_size)
    print(
        f"ingest bench ({result.engine}): {result.records:,} daily records in {batches} batches of "
        f"{result.batch_size:,}\n"
        f"  app (HTTP API)     {result.app_per_second:>10,.0f} records/s  ({result.app_seconds:.2f} s)\n"
        f"  floor ({_floor_name(result.engine) + ')':<12} {result.floor_per_second:>10,.0f} records/s  "
        f"({result.floor_seconds:.2f} s)\n"
        f"  ratio              {result.ratio:.2f}× the floor  (goal ≥ 0.50 on PostgreSQL)\n"
        f"  load average       {result.load[0]:.2f} before, {result.load[1]:.2f} after"
    )


def _floor_name(engine: str) -> str:
    return "COPY" if engine == "postgresql" else "executemany"


# ---------------------------------------------------------------------------------------------
# data


def _values(rng: random.Random) -> tuple[int, ...]:
    """One plausible day of an account, in storage units (RECORD_FIELDS order)."""
    consultations = rng.randint(50, 400)
    responses = consultations * 3
    inquiries = consultations // 2
    orders = inquiries // 3
    surveys = consultations // 8
    by_name = {
        "consultations": consultations,
        "unanswered_3min": rng.randint(0, consultations // 10),
        "answered_30s": rng.randint(consultations // 2, consultations),
        "response_seconds_total": responses * rng.randint(8_000, 40_000),
        "responses": responses,
        "inquiries": inquiries,
        "paid_buyers": rng.randint(0, inquiries),
        "sales_amount": rng.randint(0, 5_000_000),
        "orders": orders,
        "dispute_refunds": rng.randint(0, orders // 20),
        "surveys": surveys,
        "satisfied": rng.randint(surveys // 2, surveys),
    }
    return tuple(by_name[f.name] for f in RECORD_FIELDS)


def _records(count: int, accounts: int, seed: int) -> Iterator[tuple[int, date, tuple[int, ...]]]:
    """(account number, day, values): day by day, every account each day."""
    rng = random.Random(seed)
    for n in range(count):
        yield n % accounts, FIRST_DAY + timedelta(days=n // accounts), _values(rng)


def _account_code(n: int) -> str:
    return f"bench:{n:04d}"


def _body(records: list[tuple[int, date, tuple[int, ...]]]) -> bytes:
    return msgspec.json.encode(
        {
            "records": [
                {
                    "account": _account_code(a),
                    "date": day,
                    **{f.name: from_units(f, v) for f, v in zip(RECORD_FIELDS, values, strict=True)},
                }
                for a, day, values in records
            ]
        }
    )


# ---------------------------------------------------------------------------------------------
# databases


async def _set_up(url: str, accounts: int, days: int) -> tuple[str, dict[int, int], int]:
    """(vendor token, account number -> id, contract id): one contract with every bench account."""
    from vendor_ms.access.caller import local_admin
    from vendor_ms.access.service import create_user
    from vendor_ms.contracts.service import import_document
    from vendor_ms.db.engine import open_database
    from vendor_ms.db.tables import Account, Contract
    from vendor_ms.domain.contract import parse_document

    ends_on = FIRST_DAY + timedelta(days=max(days, 1) - 1)
    doc = parse_document(
        {
            "code": CONTRACT,
            "title": "ingest bench",
            "scope": "presale",
            "starts_on": FIRST_DAY,
            "ends_on": ends_on,
            "shop": {"code": "bench-shop", "name": "压测店铺", "platform": "pinduoduo", "category": "家居日用"},
            "vendor": {"code": VENDOR, "name": "压测服务商"},
            "accounts": [{"code": _account_code(n), "active_from": FIRST_DAY} for n in range(accounts)],
        }
    )
    async with open_database(url, auto_migrate=False, pool_max_size=2):
        await import_document(local_admin(), doc)
        issued = await create_user(local_admin(), name="bench-vendor-user", role="vendor", vendor=VENDOR)
        rows = await Account.select(Account.id, Account.code)
        ids = {int(r["code"].split(":")[1]): r["id"] for r in rows}
        contract = await Contract.select(Contract.id).where(Contract.code == CONTRACT).first()
        assert contract is not None
    return issued.secret, ids, contract["id"]


# ---------------------------------------------------------------------------------------------
# the app, over HTTP


class _App:
    """POSTs bodies to the running server, one at a time."""

    def __init__(self, base: str, token: str) -> None:
        import httpx

        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.client = httpx.AsyncClient(base_url=base, headers=headers, timeout=600)

    async def post(self, body: bytes, count: int) -> float:
        started = time.perf_counter()
        response = await self.client.post("/api/v1/performance/daily", content=body)
        elapsed = time.perf_counter() - started
        if response.status_code != 201 or response.json().get("inserted") != count:
            raise RuntimeError(f"unexpected answer {response.status_code}: {response.text[:500]}")
        return elapsed


# ---------------------------------------------------------------------------------------------
# the floor

_FLOOR_COLUMNS = ("batch", "account", "contract", "day", "revision", "submitted_at")


class _Floor:
    """Writes prepared rows into daily_record_revisions with the bare driver, one transaction each."""

    def __init__(self, url: str) -> None:
        from vendor_ms.performance.queries import STORAGE_COLUMNS

        self.url = url
        self.columns = (*_FLOOR_COLUMNS, *STORAGE_COLUMNS)
        self.connection: Any = None

    async def __aenter__(self) -> _Floor:
        if self.url.startswith("sqlite"):
            import sqlite3

            from vendor_ms.db.engine import sqlite_path

            # As the app's connections are: foreign keys enforced, explicit transactions.
            self.connection = sqlite3.connect(sqlite_path(self.url), isolation_level=None)
            self.connection.execute("PRAGMA foreign_keys = 1")
        else:
            import asyncpg

            self.connection = await asyncpg.connect(self.url)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.url.startswith("sqlite"):
            self.connection.close()
        else:
            await self.connection.close()

    def prepare(self, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        if self.url.startswith("sqlite"):
            # Dates and times as text, as Piccolo stores them, converted before the clock starts.
            return [(*r[:3], r[3].isoformat(), r[4], str(r[5]), *r[6:]) for r in rows]
        return rows

    async def write(self, rows: list[tuple[Any, ...]]) -> float:
        if self.url.startswith("sqlite"):
            marks = ", ".join("?" for _ in self.columns)
            sql = f"INSERT INTO daily_record_revisions ({', '.join(self.columns)}) VALUES ({marks})"
            started = time.perf_counter()
            self.connection.execute("BEGIN IMMEDIATE")
            self.connection.executemany(sql, rows)
            self.connection.execute("COMMIT")
            return time.perf_counter() - started
        started = time.perf_counter()
        async with self.connection.transaction():
            await self.connection.copy_records_to_table("daily_record_revisions", records=rows, columns=self.columns)
        return time.perf_counter() - started


async def _floor_batch(url: str) -> int:
    from vendor_ms.db.engine import open_database
    from vendor_ms.db.tables import IngestBatch

    async with open_database(url, auto_migrate=False, pool_max_size=2):
        batch = IngestBatch(submitter_name="bench-floor", source="vendor", content_sha256="bench")
        await batch.save()
    return int(batch.id)


# ---------------------------------------------------------------------------------------------


async def run_ingest_bench(
    database_url: str | None,
    records: int,
    batch_size: int,
    *,
    accounts: int = 100,
    seed: int = 7,
    on_step: Callable[[str], None] = lambda _: None,
) -> IngestBenchResult:
    """Measure the app and the floor on `database_url` (None: temporary SQLite files)."""
    if records < 1 or batch_size < 1 or accounts < 1:
        raise ValueError("records, batch size and accounts must be positive")
    tmp: tempfile.TemporaryDirectory[str] | None = None
    if database_url is None:
        tmp = tempfile.TemporaryDirectory(prefix="vms-bench-")
        database_url = f"sqlite:///{Path(tmp.name) / 'bench.sqlite3'}"
    app_url, floor_url = bench_url(database_url, "ingest"), bench_url(database_url, "ingest_floor")
    engine = "postgresql" if app_url.startswith("postgres") else "sqlite"
    load_before = os.getloadavg()[0]
    try:
        on_step(f"generating {records:,} records")
        data = list(_records(records, accounts, seed))
        days = (records + accounts - 1) // accounts
        chunks = [data[i : i + batch_size] for i in range(0, len(data), batch_size)]
        bodies = [_body(chunk) for chunk in chunks]

        on_step("fresh tables for the app and the floor")
        await fresh(app_url)
        token, _, _ = await _set_up(app_url, accounts, days)
        await fresh(floor_url)
        _, account_ids, contract_id = await _set_up(floor_url, accounts, days)
        batch_id = await _floor_batch(floor_url)
        now = clock.now()

        on_step("starting `vendor-ms serve`")
        app_seconds = floor_seconds = 0.0
        with vendor_ms_serve(app_url, free_port(), env={"VENDOR_MS_WRITE_RATE_LIMIT_PER_MINUTE": "0"}) as running:
            app = _App(running.base, token)
            async with _Floor(floor_url) as floor:
                await app.client.get("/health")  # connected before the first batch
                rows = [
                    floor.prepare(
                        [(batch_id, account_ids[a], contract_id, day, 1, now, *values) for a, day, values in chunk]
                    )
                    for chunk in chunks
                ]
                on_step(f"{len(chunks)} batches, each POSTed to the app and written by {_floor_name(engine)}")
                for body, chunk_rows in zip(bodies, rows, strict=True):
                    floor_seconds += await floor.write(chunk_rows)
                    app_seconds += await app.post(body, len(chunk_rows))
            await app.client.aclose()
        await _check_written(app_url, records)
    finally:
        if tmp is not None:
            tmp.cleanup()
        for url in (app_url, floor_url):
            await drop(url)
    return IngestBenchResult(engine, records, batch_size, app_seconds, floor_seconds, (load_before, os.getloadavg()[0]))


async def _check_written(url: str, records: int) -> None:
    """The app really wrote every record: one latest record and one revision each."""
    from vendor_ms.db.engine import open_database
    from vendor_ms.db.tables import DailyRecord, DailyRecordRevision

    async with open_database(url, auto_migrate=False, pool_max_size=2):
        latest, history = await DailyRecord.count(), await DailyRecordRevision.count()
    if latest != records or history != records:
        raise RuntimeError(f"expected {records} records, found {latest} latest and {history} revisions")
