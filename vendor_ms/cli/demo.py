"""`vendor-ms demo`: the whole product on a fresh SQLite file, in one command."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from vendor_ms.settings import Settings

DEMO_CONTRACTS = Path("contracts")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    demo = sub.add_parser("demo", help="import contracts/ into a fresh SQLite file and show the result")
    demo.add_argument("--contracts", type=Path, default=DEMO_CONTRACTS, help="folder of contract documents")
    demo.add_argument("--out", type=Path, help="output folder (default: reports/out)")
    demo.set_defaults(handler=run_demo)


async def run_demo(args: argparse.Namespace, settings: Settings) -> int:
    from vendor_ms.access.caller import local_admin
    from vendor_ms.cli._table import print_table
    from vendor_ms.contracts.service import import_document, list_contracts
    from vendor_ms.db.engine import open_database
    from vendor_ms.domain.contract import parse_toml
    from vendor_ms.errors import AppError
    from vendor_ms.pagination import Window

    started = time.monotonic()
    out: Path = args.out or settings.reports_out_dir
    out.mkdir(parents=True, exist_ok=True)
    database = out / "demo.sqlite3"
    for stale in out.glob("demo.sqlite3*"):
        stale.unlink()
    files = sorted(args.contracts.glob("*.toml"))
    if not files:
        raise AppError(f"no contract documents (*.toml) in {args.contracts}")
    admin = local_admin()
    async with open_database(f"sqlite:///{database}"):
        for file in files:
            await import_document(admin, parse_toml(file.read_text(encoding="utf-8")))
        contracts = await list_contracts(admin, Window(1000, 0))
    print_table(
        ["contract", "shop", "vendor", "scope", "billing", "term"],
        [
            [c.code, c.shop_name, c.vendor_name, c.scope, c.billing_cycle, f"{c.starts_on} – {c.ends_on}"]
            for c in contracts.items
        ],
    )
    print(f"\nimported {len(files)} contracts into {database} in {time.monotonic() - started:.1f} s")
    print(f"explore it: VENDOR_MS_DATABASE_URL=sqlite:///{database} ./dev serve   (then open /schema)")
    return 0
