"""`vendor-ms bench billing`: a billing run against the floor of one SQL GROUP BY.

Set-up (not timed): a fresh schema with N contracts of M accounts each and a month of daily
records per account (2000 × 5 × 31 = 310,000), written with COPY on PostgreSQL. Then, timed:
the floor is the single GROUP BY that produces the per-contract totals a billing run needs;
the run is `run_billing` for the month (totals, incidents, versions, adjustments, the
computation of every invoice, and writing every draft in one transaction).
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from vendor_ms import clock
from vendor_ms.access.caller import local_admin
from vendor_ms.bench._databases import bench_database, is_postgres_url
from vendor_ms.domain.contract import canonical_json, document_sha256, parse_toml
from vendor_ms.domain.periods import parse_period
from vendor_ms.performance.queries import STORAGE_COLUMNS

PERIOD = "2026-10"

_TEMPLATE = """
code = "BENCH-0000"
title = "bench contract"
scope = "presale"
starts_on = 2026-01-01
ends_on = 2026-12-31
tax_rate = "0.06"
billing_cycle = "monthly"

[shop]
code = "bench-shop-0000"
name = "压测店铺"
platform = "pinduoduo"
category = "家居日用"

[vendor]
code = "bench-vendor-00"
name = "压测服务商"

[pricing]
base_fee = "3000.00"
consultation_tier_mode = "graduated"
consultation_tiers = [ { up_to = 10000, unit_price = "0.80" }, { unit_price = "0.60" } ]

[scorecard]
bonus_pool = "1000.00"
pass_ratio = "0.70"

[[scorecard.items]]
metric = "reply_rate_3min"
bands = [ { at_least = "0.95", points = 40 }, { at_least = "0.90", points = 30 }, { at_least = "0.85", points = 15 } ]
red_lines = [ { below = "0.85", penalty_rate = "0.05" }, { below = "0.80", penalty_rate = "0.15" } ]

[[scorecard.items]]
metric = "avg_response_seconds"
bands = [ { at_most = "20", points = 30 }, { at_most = "30", points = 20 }, { at_most = "45", points = 10 } ]

[[scorecard.items]]
metric = "inquiry_conversion"
bands = [ { at_least = "0.35", points = 30 }, { at_least = "0.30", points = 20 } ]

[penalties]
cap_rate = "0.20"
"""

# The floor: the one GROUP BY that yields every contract's totals for the month, written directly,
# summing as BIGINT like the run does (PostgreSQL's numeric sums are slower to send and read).
FLOOR_SQL = (
    "SELECT contract, "
    + ", ".join(f"CAST(SUM({c}) AS BIGINT) AS {c}" for c in STORAGE_COLUMNS)
    + ", CAST(SUM(CASE WHEN consultations > 0 THEN 1 ELSE 0 END) AS BIGINT) AS seat_days, COUNT(*) AS records"
    " FROM daily_records WHERE day >= {} AND day <= {} GROUP BY contract"
)

RECORD_COLUMNS = ("account", "contract", "day", "revision", "batch", "updated_at", *STORAGE_COLUMNS)


async def _populate(contracts: int, accounts: int, seed: int, on_step: Callable[[str], None]) -> int:
    """Shops, vendors, contracts, versions, accounts, bindings and a month of records."""
    from vendor_ms.db.engine import copy_rows, current_engine, is_postgres, transaction
    from vendor_ms.db.tables import (
        Account,
        AccountBinding,
        Contract,
        ContractVersion,
        IngestBatch,
        Shop,
        Vendor,
    )

    rng = random.Random(seed)
    template = parse_toml(_TEMPLATE)
    period = parse_period(PERIOD)
    async with transaction():
        vendors = [Vendor(code=f"bench-vendor-{v:02d}", name=f"压测服务商{v}") for v in range(20)]
        await Vendor.insert(*vendors)
        shops = [
            Shop(code=f"bench-shop-{s:04d}", name=f"压测店铺{s}", platform="pinduoduo", category="家居日用")
            for s in range(contracts)
        ]
        for chunk in range(0, len(shops), 500):
            await Shop.insert(*shops[chunk : chunk + 500])
        batch = IngestBatch(submitter_name="bench", source="vendor", content_sha256="bench")
        await batch.save()
        on_step(f"{contracts} contracts")
        contract_rows, version_rows, account_rows, binding_rows = [], [], [], []
        for n in range(contracts):
            code = f"BENCH-{n:04d}"
            doc = template.__class__(
                **{
                    **{f: getattr(template, f) for f in template.__struct_fields__},
                    "code": code,
                    "shop": template.shop.__class__(
                        code=f"bench-shop-{n:04d}", name=f"压测店铺{n}", platform="pinduoduo", category="家居日用"
                    ),
                    "vendor": template.vendor.__class__(code=f"bench-vendor-{n % 20:02d}", name=f"压测服务商{n % 20}"),
                }
            )
            contract_rows.append(
                Contract(
                    id=n + 1,
                    code=code,
                    shop=n + 1,
                    vendor=n % 20 + 1,
                    title=doc.title,
                    scope=doc.scope,
                    billing_cycle=doc.billing_cycle,
                    starts_on=doc.starts_on,
                    ends_on=doc.ends_on,
                    timezone=doc.timezone,
                )
            )
            version_rows.append(
                ContractVersion(
                    contract=n + 1,
                    version=1,
                    effective_from=doc.starts_on,
                    document=canonical_json(doc).decode(),
                    document_sha256=document_sha256(doc),
                )
            )
            for a in range(accounts):
                account_id = n * accounts + a + 1
                account_rows.append(Account(id=account_id, code=f"bench:{n:04d}:{a:02d}"))
                binding_rows.append(AccountBinding(account=account_id, contract=n + 1, active_from=doc.starts_on))
        for rows, table in (
            (contract_rows, Contract),
            (version_rows, ContractVersion),
            (account_rows, Account),
            (binding_rows, AccountBinding),
        ):
            for chunk in range(0, len(rows), 500):
                await table.insert(*rows[chunk : chunk + 500])
        records: list[tuple[Any, ...]] = []
        now = clock.now()
        for n in range(contracts):
            quality = rng.random()
            for a in range(accounts):
                account_id = n * accounts + a + 1
                day = period.start
                while day <= period.end:
                    consultations = rng.randint(40, 160)
                    unanswered = int(consultations * (0.02 + 0.18 * quality * rng.random()))
                    responses = consultations * 2
                    inquiries = consultations // 2
                    records.append(
                        (
                            account_id,
                            n + 1,
                            day,
                            1,
                            batch.id,
                            now,
                            consultations,
                            unanswered,
                            int(consultations * 0.7),
                            responses * rng.randint(12_000, 40_000),
                            responses,
                            inquiries,
                            int(inquiries * (0.25 + 0.15 * rng.random())),
                            rng.randint(0, 5_000_00),
                            inquiries // 3,
                            0,
                            consultations // 10,
                            consultations // 11,
                        )
                    )
                    day += timedelta(days=1)
        on_step(f"{len(records)} daily records")
        await copy_rows("daily_records", RECORD_COLUMNS, records)
    if is_postgres(current_engine()):
        from vendor_ms.db.engine import execute

        await execute("ANALYZE")
    return len(records)


async def run_billing_bench(
    database_url: str | None,
    contracts: int,
    accounts: int,
    *,
    repeat: int = 3,
    seed: int = 7,
    on_step: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    from vendor_ms.billing.service import run_billing
    from vendor_ms.db.engine import execute, open_database

    tmp: tempfile.TemporaryDirectory[str] | None = None
    if database_url is None:
        tmp = tempfile.TemporaryDirectory(prefix="vms-bench-")
        database_url = f"sqlite:///{Path(tmp.name) / 'bench.sqlite3'}"
    engine_name = "postgresql" if is_postgres_url(database_url) else "sqlite"
    try:
        async with bench_database(database_url, "billing") as url, open_database(url, pool_max_size=4):
            on_step("setting up")
            records = await _populate(contracts, accounts, seed, on_step)
            period = parse_period(PERIOD)
            floors, runs = [], []
            for _ in range(repeat):
                started = time.perf_counter()
                rows = await execute(FLOOR_SQL, period.start, period.end)
                floors.append(time.perf_counter() - started)
                assert len(rows) == contracts
            on_step("floor measured")
            drafts = 0
            for _ in range(repeat):
                started = time.perf_counter()
                result = await run_billing(local_admin(), PERIOD)
                runs.append(time.perf_counter() - started)
                drafts = result.drafts
            on_step("billing measured")
    finally:
        if tmp is not None:
            tmp.cleanup()
    floor, run = statistics.median(floors), statistics.median(runs)
    return {
        "engine": engine_name,
        "contracts": contracts,
        "accounts": accounts,
        "records": records,
        "drafts": drafts,
        "floor_seconds": floor,
        "run_seconds": run,
        "ratio": run / floor,
    }


def print_report(result: dict[str, Any]) -> None:
    print(
        f"billing bench ({result['engine']}): {result['contracts']} contracts × {result['accounts']} accounts, "
        f"{result['records']:,} daily records, {result['drafts']} drafts\n"
        f"  billing run        {result['run_seconds']:.3f} s\n"
        f"  floor (GROUP BY)   {result['floor_seconds']:.3f} s\n"
        f"  ratio              {result['ratio']:.2f}× the floor"
    )
