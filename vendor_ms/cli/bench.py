"""`vendor-ms bench NAME`: throughput measured against the floor of the underlying tool.

Each bench is one small function below that adds its subcommand to the `bench` subparser and
is listed in BENCHES; the work itself lives in `vendor_ms.bench.<name>`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TypeAlias

from vendor_ms.settings import Settings

BenchSubparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    bench = sub.add_parser("bench", help="throughput against the floor of the underlying tool")
    benches = bench.add_subparsers(dest="bench_command", required=True, metavar="BENCH")
    for add in BENCHES:
        add(benches)


def _database_option(parser: argparse.ArgumentParser) -> None:
    # Also accepted after the bench name; a dest of its own so it cannot clobber the global one.
    parser.add_argument(
        "--database-url",
        dest="bench_database_url",
        metavar="URL",
        help="postgresql://... (the bench works in schemas of its own there) or sqlite:///path/name.sqlite3 "
        "(it writes name-app.sqlite3 and name-floor.sqlite3 next to it); default: temporary SQLite files",
    )


def _bench_url(args: argparse.Namespace) -> str | None:
    # The global --database-url counts only when given explicitly: a bench never writes to the
    # database configured in the environment by accident.
    url: str | None = args.bench_database_url or args.database_url
    return url


def _on_step(name: str) -> Callable[[str], None]:
    return lambda step: print(f"bench {name}: {step}", file=sys.stderr)


# ---------------------------------------------------------------------------------------------
# ingest


def _ingest(benches: BenchSubparsers) -> None:
    parser = benches.add_parser(
        "ingest", help="daily records/s through the HTTP API vs COPY (executemany on SQLite) of the same rows"
    )
    parser.add_argument("--records", type=int, default=200_000, help="daily records to push (default 200,000)")
    parser.add_argument("--batch-size", type=int, default=20_000, help="records per request (default 20,000)")
    parser.add_argument("--accounts", type=int, default=100, help="accounts the records spread over (default 100)")
    _database_option(parser)
    parser.set_defaults(handler=run_ingest)


async def run_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from vendor_ms.bench.ingest import print_report, run_ingest_bench

    result = await run_ingest_bench(
        _bench_url(args), args.records, args.batch_size, accounts=args.accounts, on_step=_on_step("ingest")
    )
    print_report(result)
    return 0


# ---------------------------------------------------------------------------------------------
# billing


def _billing(benches: BenchSubparsers) -> None:
    parser = benches.add_parser(
        "billing", help="a month's billing run vs the one SQL GROUP BY that yields its per-contract totals"
    )
    parser.add_argument("--contracts", type=int, default=2000, help="contracts to bill (default 2,000)")
    parser.add_argument("--accounts", type=int, default=5, help="accounts per contract (default 5)")
    parser.add_argument("--repeat", type=int, default=3, help="timed repetitions; the median is reported")
    _database_option(parser)
    parser.set_defaults(handler=run_billing)


async def run_billing(args: argparse.Namespace, settings: Settings) -> int:
    from vendor_ms.bench.billing import print_report, run_billing_bench

    result = await run_billing_bench(
        _bench_url(args), args.contracts, args.accounts, repeat=args.repeat, on_step=_on_step("billing")
    )
    print_report(result)
    return 0


# ---------------------------------------------------------------------------------------------
# api


def _api(benches: BenchSubparsers) -> None:
    parser = benches.add_parser(
        "api", help="requests/s of the API's reads (vendor-ms serve, one worker) vs a Litestar hello-world"
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per route and server (default 10)")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections (default 16)")
    parser.add_argument("--contracts", type=int, default=60, help="contracts seeded, 3 accounts each (default 60)")
    parser.add_argument(
        "--port", type=int, help="the app listens on PORT, the hello-world on PORT+1 (default: free ports)"
    )
    _database_option(parser)
    parser.set_defaults(handler=run_api)


def run_api(args: argparse.Namespace, settings: Settings) -> int:
    from vendor_ms.bench.api import print_report, run_api_bench

    result = run_api_bench(
        _bench_url(args),
        duration_s=args.duration,
        connections=args.connections,
        contracts=args.contracts,
        port=args.port,
        on_step=_on_step("api"),
    )
    print_report(result)
    return 0


# ---------------------------------------------------------------------------------------------
# pdf (no database)


def _pdf(benches: BenchSubparsers) -> None:
    from vendor_ms.bench.pdf import register_pdf_bench

    register_pdf_bench(benches)


BENCHES: list[Callable[[BenchSubparsers], None]] = [_ingest, _billing, _api, _pdf]
