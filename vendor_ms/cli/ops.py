"""`vendor-ms db backup`: a consistent online copy of the database."""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path

from vendor_ms.errors import AppError
from vendor_ms.settings import Settings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    db = sub.add_parser("db", help="database operations")
    dsub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    backup = dsub.add_parser("backup", help="consistent online copy of the SQLite database (PostgreSQL: pg_dump)")
    backup.add_argument("path", type=Path, help="file to write (must not exist)")
    backup.set_defaults(handler=run_backup)


def run_backup(args: argparse.Namespace, settings: Settings) -> int:
    from vendor_ms.db.engine import sqlite_path

    if not settings.is_sqlite:
        raise AppError(
            "backups of PostgreSQL are taken with its own tools: "
            "pg_dump --format=custom --file=vendor-ms.dump <database URL> (restore with pg_restore)"
        )
    source = sqlite_path(settings.database_url)
    if not source.exists():
        raise AppError(f"no database at {source}")
    target: Path = args.path
    if target.exists():
        raise AppError(f"{target} exists; choose a new file")
    target.parent.mkdir(parents=True, exist_ok=True)
    # SQLite's online backup API copies a consistent snapshot while writers carry on.
    # Read-only, by URI; as_uri() escapes what a path may hold and a URI may not (#, ?, %).
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst, pages=1024)
        check = dst.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        src.close()
        dst.close()
    if check != "ok":
        raise AppError(f"the copy failed its integrity check: {check}")
    print(f"backed up {source} to {target} ({target.stat().st_size:,} bytes)", file=sys.stderr)
    return 0
