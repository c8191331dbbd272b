"""The `vendor-ms` command line.

Each feature registers its subcommands from its own module (`register(subparsers)`); this
module parses arguments, opens the database, runs the command and turns errors into messages
on stderr with a non-zero exit status. Long runs show progress on stderr, so stdout stays data.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from vendor_ms import clock
from vendor_ms.errors import AppError, ValidationFailed
from vendor_ms.messages import DEFAULT_LANG, LANGS, Text
from vendor_ms.settings import Settings, load_settings

Handler = Callable[[argparse.Namespace, Settings], Coroutine[Any, Any, int | None] | int | None]


def build_parser() -> argparse.ArgumentParser:
    from vendor_ms.cli import access, contracts, server

    parser = argparse.ArgumentParser(
        prog="vendor-ms",
        description="Vendor management for outsourced e-commerce customer service (客服外包).",
    )
    parser.add_argument(
        "--database-url",
        help="sqlite:///path/to/file.sqlite3 or postgresql://... (default: $VENDOR_MS_DATABASE_URL, "
        "else sqlite:///vendor-ms.sqlite3)",
    )
    parser.add_argument(
        "--lang",
        choices=LANGS,
        default=DEFAULT_LANG,
        help="language of error messages: zh (中文, the default) or en",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (server, contracts, access, *_optional_modules()):
        module.register(sub)
    return parser


def _optional_modules() -> list[Any]:
    """Feature CLIs that exist in this build (features land one by one)."""
    import importlib

    found = []
    for name in ("performance", "billing", "reports", "bench", "demo", "ops"):
        try:
            found.append(importlib.import_module(f"vendor_ms.cli.{name}"))
        except ModuleNotFoundError as exc:
            if exc.name != f"vendor_ms.cli.{name}":
                raise
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    overrides = {"database_url": args.database_url} if args.database_url else {}
    settings = load_settings(**overrides)
    clock.install_from_settings(settings.now)
    handler: Handler = args.handler
    lang = args.lang
    try:
        outcome = handler(args, settings)
        status = asyncio.run(outcome) if asyncio.iscoroutine(outcome) else outcome
    except ValidationFailed as exc:
        code = "problems.header.one" if exc.error_count == 1 else "problems.header.many"
        header = Text(code, count=exc.error_count, title=exc.render_title(lang)).render(lang)
        print(f"error: {header}", file=sys.stderr)
        for error in exc.errors:
            print(f"  {error.describe(lang)}", file=sys.stderr)
        if exc.error_count > len(exc.errors):
            print(
                f"  {Text('problems.and_more', count=exc.error_count - len(exc.errors)).render(lang)}", file=sys.stderr
            )
        return 2
    except AppError as exc:
        print(f"error: {exc.render_detail(lang)}", file=sys.stderr)
        return 2 if exc.status_code in (400, 404, 409, 413) else 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return int(status or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
