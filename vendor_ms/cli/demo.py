"""`vendor-ms demo`: the whole product on a fresh SQLite file, in one command.

Imports contracts/, creates a user per role (an API token and a web sign-in each), generates a
seeded month (October 2026) of per-account data, records the month's incidents, bills the month
(and each promotion day),
issues every invoice (numbers and stored PDFs), renders every scorecard, comparison and the
finance summary into reports/out/, and prints who earned what.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from vendor_ms.settings import Settings

DEMO_CONTRACTS = Path("contracts")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    demo = sub.add_parser("demo", help="the whole product on a fresh SQLite file: data, billing, invoices, PDFs")
    demo.add_argument("--contracts", type=Path, default=DEMO_CONTRACTS, help="folder of contract documents")
    demo.add_argument("--out", type=Path, help="output folder (default: reports/out)")
    demo.add_argument("--processes", type=int, help="render processes (default: every core)")
    demo.set_defaults(handler=run_demo)


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_demo(args: argparse.Namespace, settings: Settings) -> int:
    from vendor_ms.cli.reports import write_documents
    from vendor_ms.errors import AppError

    started = time.monotonic()
    out: Path = args.out or settings.reports_out_dir
    out.mkdir(parents=True, exist_ok=True)
    database = out / "demo.sqlite3"
    for stale in out.glob("demo.sqlite3*"):
        stale.unlink()
    files = sorted(args.contracts.glob("*.toml"))
    if not files:
        raise AppError(f"no contract documents (*.toml) in {args.contracts}")
    world = asyncio.run(_build_world(database, files, out))
    _say(f"rendering {len(world['jobs'])} documents on {args.processes or os.cpu_count()} processes")
    written = write_documents(world["jobs"], world["copies"], processes=args.processes, description="rendering PDFs")
    _print_summary(world["rows"])
    print(
        f"\n{len(written)} PDFs in {out}/ (invoices/, scorecards/, comparisons/, summary-2026-10.pdf)"
        f"\ndatabase: {database}   API tokens: {out / 'demo-tokens.txt'}"
        f"\ndone in {time.monotonic() - started:.1f} s"
        f"\n\nweb sign-ins (also in {out / 'demo-logins.txt'}):"
    )
    for line in world["logins"]:
        print(f"  {line}")
    print("\nnow run `./dev serve` and open http://127.0.0.1:8000/ (the API reference is at /schema)")
    return 0


async def _build_world(database: Path, files: list[Path], out: Path) -> dict[str, Any]:
    import msgspec

    from vendor_ms.access.caller import Caller, local_admin
    from vendor_ms.access.service import create_user
    from vendor_ms.billing.schemas import IncidentIn
    from vendor_ms.billing.service import issue_invoice, list_invoices, record_incident, run_billing
    from vendor_ms.cli.reports import gather_jobs
    from vendor_ms.contracts.service import import_document
    from vendor_ms.db.engine import open_database
    from vendor_ms.db.tables import AccountBinding
    from vendor_ms.demo import DEMO_MONTH, INCIDENTS, ServedAccount, daily_records
    from vendor_ms.domain.contract import parse_toml
    from vendor_ms.domain.performance import parse_json
    from vendor_ms.domain.periods import day_period
    from vendor_ms.pagination import MAX_LIMIT, Window
    from vendor_ms.performance.service import ingest

    admin = local_admin()
    async with open_database(f"sqlite:///{database}"):
        docs = [parse_toml(f.read_text(encoding="utf-8")) for f in files]
        for doc in docs:
            await import_document(admin, doc)
        shops, vendors = len({d.shop.code for d in docs}), len({d.vendor.code for d in docs})
        _say(f"imported {len(docs)} contracts: {shops} shops, {vendors} vendors")

        tokens, logins = [], []
        for name, role, shop_codes, vendor in (
            ("demo-admin", "admin", None, None),
            ("demo-finance", "finance", None, None),
            ("demo-owner-mengmeng", "shop_owner", ["pdd-mengmeng"], None),
            ("demo-vendor-yunke", "vendor", None, "yunke"),
        ):
            password = secrets.token_urlsafe(9)  # a fresh one each demo: never a known default
            issued = await create_user(admin, name=name, role=role, shops=shop_codes, vendor=vendor, password=password)
            tokens.append(f"{name:<22} {role:<10} {issued.secret}")
            logins.append(f"{name:<22} {role:<10} {password}")
        for file_name, lines in (("demo-tokens.txt", tokens), ("demo-logins.txt", logins)):
            secret_file = out / file_name
            secret_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
            secret_file.chmod(0o600)

        bindings = await AccountBinding.select(
            AccountBinding.account.code.as_alias("code"),
            AccountBinding.contract.code.as_alias("contract"),
            AccountBinding.active_from,
            AccountBinding.active_to,
        )
        by_code = {d.code: d for d in docs}
        per_vendor: dict[str, list[ServedAccount]] = {}
        for b in bindings:
            doc = by_code[b["contract"]]
            per_vendor.setdefault(doc.vendor.code, []).append(
                ServedAccount(
                    code=b["code"],
                    vendor=doc.vendor.code,
                    category=doc.shop.category,
                    scope=doc.scope,
                    first_day=max(b["active_from"], doc.starts_on),
                    last_day=min(b["active_to"] or doc.ends_on, doc.ends_on),
                )
            )
        total = 0
        for vendor, accounts in sorted(per_vendor.items()):
            records = daily_records(accounts)
            if not records:
                continue
            caller = Caller(user_id=None, name=f"demo:{vendor}", role="vendor", vendor_code=vendor)
            await ingest(caller, parse_json(msgspec.json.encode({"records": records})))
            total += len(records)
        served = sum(len(a) for a in per_vendor.values())
        _say(f"ingested {total} daily records for {DEMO_MONTH.label} ({served} accounts)")

        for incident in INCIDENTS:
            if incident["contract"] in by_code:
                await record_incident(admin, msgspec.convert(incident, IncidentIn))

        periods = [DEMO_MONTH.label]
        daily = [d for d in docs if d.billing_cycle == "daily"]
        for doc in daily:
            day = max(doc.starts_on, DEMO_MONTH.start)
            while day <= min(doc.ends_on, DEMO_MONTH.end):
                periods.append(day_period(day).label)
                day += timedelta(days=1)
        for label in sorted(set(periods)):
            await run_billing(admin, label)
        drafts = []
        for label in sorted(set(periods)):
            drafts.extend((await list_invoices(admin, period=label, status="draft", window=Window(MAX_LIMIT, 0))).items)
        _say(f"billed {len(set(periods))} periods; issuing {len(drafts)} invoices (each PDF rendered once and stored)")
        issued_rows = [await issue_invoice(admin, d.id) for d in drafts]

        jobs, copies = await gather_jobs(admin, "invoice", [str(i.id) for i in issued_rows], None, 6, out)
        for kind in ("scorecard", "comparison", "summary"):
            more_jobs, more_copies = await gather_jobs(admin, kind, [], DEMO_MONTH.label, 6, out)
            jobs.extend(more_jobs)
            copies.extend(more_copies)
        return {"jobs": jobs, "copies": copies, "rows": _summary_rows(issued_rows, by_code), "logins": logins}


def _summary_rows(invoices: list[Any], docs: dict[str, Any]) -> list[list[str]]:
    grouped: dict[str, list[Any]] = {}
    for invoice in invoices:
        grouped.setdefault(invoice.contract, []).append(invoice)
    rows = []
    for code, items in sorted(grouped.items(), key=lambda kv: (docs[kv[0]].vendor.name, kv[0])):
        doc = docs[code]
        if len(items) == 1:
            card = items[0].scorecard
            score = f"{card.score}/{card.max_points}" if card.max_points else "—"
        else:
            score = f"{len(items)} daily"
        rows.append(
            [
                doc.vendor.name,
                doc.shop.name,
                code,
                score,
                _sum(items, "bonus"),
                _sum(items, "penalties"),
                _sum(items, "total"),
            ]
        )
    return rows


def _sum(items: list[Any], field: str) -> str:
    return f"{sum((getattr(i, field) for i in items), Decimal('0.00')):,.2f}"


def _print_summary(rows: list[list[str]]) -> None:
    from vendor_ms.cli._table import print_table

    print()
    print_table(["vendor", "shop", "contract", "score", "bonus", "penalties", "total"], rows, right=(4, 5, 6))
