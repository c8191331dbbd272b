"""`vendor-ms ingest FILE`: submit daily performance records from a CSV or XLSX file, all-or-nothing.

The file is read exactly as the API reads it (`performance.service.read_file`): a vendor's own
file with the headers of SPEC 3, or a platform's 客服绩效 export under its profile (`--profile`,
by default the platform of the contracts its accounts belong to); XLSX: the first sheet, or
`--sheet`.

`--token` submits as that token's user, within its scope (a vendor's accounts; a shop owner's,
as a platform export), exactly as the API would. `--vendor CODE` (or `--shop CODE`) lets the
local operator submit for one vendor (shop) without a token. The file is parsed with a progress
bar on stderr and submitted as one batch: every row's errors, or one answer on stdout.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from vendor_ms.access.caller import Caller
from vendor_ms.domain.export_profiles import PROFILES
from vendor_ms.settings import Settings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ingest = sub.add_parser(
        "ingest",
        help="submit a CSV or XLSX file of daily performance records (one all-or-nothing batch)",
        description="CSV: UTF-8 (with or without BOM), UTF-16 with BOM, GBK or GB18030; XLSX: the first sheet "
        "(or --sheet). Header with the JSON field names or the Chinese headers (客服账号, 日期, 咨询人数, ...), "
        "or a platform export's own columns (--profile); any column order; thousands separators allowed; rate "
        "columns are checked against their row's counts. Rows are numbered as the spreadsheet shows them.",
    )
    ingest.add_argument("file", type=Path, help="the CSV or XLSX file")
    ingest.add_argument(
        "--profile",
        choices=sorted(PROFILES),
        help="the export's column layout (default: the platform of the contracts its accounts belong to)",
    )
    ingest.add_argument("--sheet", help="XLSX: the worksheet to read (default: the first)")
    who = ingest.add_mutually_exclusive_group(required=True)
    who.add_argument("--token", help="submit as this bearer token's user, within its scope")
    who.add_argument("--vendor", metavar="CODE", help="local operator: submit for vendor CODE's contracts")
    who.add_argument("--shop", metavar="CODE", help="local operator: a platform export for shop CODE's contracts")
    ingest.add_argument("--idempotency-key", help="sending the same key again writes nothing and answers the first")
    ingest.set_defaults(handler=run_ingest)


async def run_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from vendor_ms.cli._db import database
    from vendor_ms.errors import AppError
    from vendor_ms.performance.service import ingest, read_file

    path: Path = args.file
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise AppError(f"cannot read {path}: {exc.strerror or exc}") from None
    async with database(settings):
        caller = await _caller(args)
        with _progress(f"reading {path.name}", total=None) as advance:
            # No per-request limit here: a file is one batch, however large.
            parsed = await read_file(
                caller, raw, profile=args.profile, sheet=args.sheet, max_records=None, progress=advance
            )
        with _progress(f"writing {parsed.count:,} records", total=None):
            result = await ingest(caller, parsed, idempotency_key=args.idempotency_key)
    answer = result.answer
    if result.replayed:
        print(f"already received as batch {answer.batch_id}: nothing written ({answer.unchanged:,} unchanged)")
    else:
        print(
            f"batch {answer.batch_id}: {answer.inserted:,} inserted, {answer.revised:,} revised, "
            f"{answer.unchanged:,} unchanged"
        )
    return 0


async def _caller(args: argparse.Namespace) -> Caller:
    from vendor_ms.access.caller import local_admin
    from vendor_ms.access.service import authenticate
    from vendor_ms.db.tables import Shop, Vendor
    from vendor_ms.errors import NotFound

    if args.token:
        return await authenticate(args.token.strip())
    operator = local_admin()
    if args.vendor:
        if not await Vendor.exists().where(Vendor.code == args.vendor):
            raise NotFound(f"no vendor {args.vendor!r}")
        return Caller(user_id=None, name=operator.name, role="vendor", vendor_code=args.vendor)
    if not await Shop.exists().where(Shop.code == args.shop):
        raise NotFound(f"no shop {args.shop!r}")
    return Caller(user_id=None, name=operator.name, role="shop_owner", shop_codes=frozenset({args.shop}))


@contextmanager
def _progress(description: str, total: int | None) -> Iterator[Callable[[int], None]]:
    """A progress bar (a spinner without a total) on stderr, so stdout stays the answer."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    columns = (
        (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        if total
        else (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    )
    with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as bar:
        task = bar.add_task(description, total=total)
        yield lambda done: bar.update(task, completed=done)
