"""`vendor-ms contracts import|export|list`."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from vendor_ms.settings import Settings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    contracts = sub.add_parser("contracts", help="import, export and list contract documents")
    csub = contracts.add_subparsers(dest="contracts_command", required=True, metavar="ACTION")

    imp = csub.add_parser("import", help="create or amend contracts from TOML (or JSON) documents")
    imp.add_argument("paths", nargs="+", type=Path, help="files, or directories of *.toml files")
    imp.add_argument(
        "--effective-from",
        type=date.fromisoformat,
        help="date an amendment takes effect (default: today in the contract's timezone)",
    )
    imp.set_defaults(handler=run_import)

    exp = csub.add_parser("export", help="write a contract's document as TOML")
    exp.add_argument("code")
    exp.add_argument("--version", type=int, help="a specific version (default: the latest)")
    exp.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    exp.set_defaults(handler=run_export)

    lst = csub.add_parser("list", help="list contracts")
    lst.set_defaults(handler=run_list)


def collect_documents(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(path.glob("*.toml")))
        elif path.exists():
            files.append(path)
        else:
            raise FileNotFoundError(path)
    return files


async def run_import(args: argparse.Namespace, settings: Settings) -> int:
    from vendor_ms.access.caller import local_admin
    from vendor_ms.cli._db import database
    from vendor_ms.contracts.service import import_document
    from vendor_ms.domain.contract import parse_json, parse_toml
    from vendor_ms.errors import AppError, ValidationFailed
    from vendor_ms.messages import DEFAULT_LANG, Text

    lang = getattr(args, "lang", DEFAULT_LANG)

    try:
        files = collect_documents(args.paths)
    except FileNotFoundError as exc:
        raise AppError(f"no such file or directory: {exc}") from None
    failures = 0
    async with database(settings):
        for file in files:
            try:
                raw = file.read_bytes()
                doc = parse_json(raw) if file.suffix == ".json" else parse_toml(raw.decode("utf-8"))
                outcome = await import_document(local_admin(), doc, effective_from=args.effective_from)
            except UnicodeDecodeError:
                failures += 1
                print(f"{file}: not UTF-8 text", file=sys.stderr)
                continue
            except ValidationFailed as exc:
                failures += 1
                print(Text("problems.in_file", file=str(file), count=exc.error_count).render(lang), file=sys.stderr)
                for error in exc.errors:
                    print(f"  {error.describe(lang)}", file=sys.stderr)
                continue
            except AppError as exc:
                failures += 1
                print(f"{file}: {exc.detail}", file=sys.stderr)
                continue
            print(f"{outcome.status:<9} {outcome.code} v{outcome.version}  ({file})")
    return 2 if failures else 0


async def run_export(args: argparse.Namespace, settings: Settings) -> int:
    from vendor_ms.access.caller import local_admin
    from vendor_ms.cli._db import database
    from vendor_ms.contracts.service import export_document
    from vendor_ms.domain.contract import to_toml

    async with database(settings):
        doc = await export_document(local_admin(), args.code, args.version)
    text = to_toml(doc)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


async def run_list(args: argparse.Namespace, settings: Settings) -> int:
    from vendor_ms.access.caller import local_admin
    from vendor_ms.cli._db import database
    from vendor_ms.cli._table import print_table
    from vendor_ms.contracts.service import list_contracts
    from vendor_ms.pagination import MAX_LIMIT, Window

    async with database(settings):
        rows, offset = [], 0
        while True:
            page = await list_contracts(local_admin(), Window(MAX_LIMIT, offset))
            rows.extend(page.items)
            offset += MAX_LIMIT
            if offset >= page.total:
                break
    print_table(
        ["code", "shop", "vendor", "scope", "cycle", "term", "v"],
        [
            [
                c.code,
                c.shop_name,
                c.vendor_name,
                c.scope,
                c.billing_cycle,
                f"{c.starts_on} – {c.ends_on}",
                c.current_version,
            ]
            for c in rows
        ],
    )
    return 0
