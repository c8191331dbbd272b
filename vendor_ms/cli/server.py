"""`vendor-ms serve` and `vendor-ms migrate`."""

from __future__ import annotations

import argparse

from vendor_ms.settings import Settings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = sub.add_parser("serve", help="run the HTTP API (OpenAPI UI at /schema)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    serve.set_defaults(handler=run_serve)

    migrate = sub.add_parser("migrate", help="apply pending schema migrations")
    migrate.set_defaults(handler=run_migrate)


def run_serve(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio
    import dataclasses
    import os

    import uvicorn

    from vendor_ms.api.app import create_app

    if not settings.secret_key:
        # One CSRF key for every worker and every restart: kept in the database.
        settings = dataclasses.replace(settings, secret_key=asyncio.run(_stored_secret_key(settings)))
    if args.workers > 1:
        # Each worker imports the app factory afresh; settings travel in the environment.
        os.environ["VENDOR_MS_DATABASE_URL"] = settings.database_url
        os.environ["VENDOR_MS_SECRET_KEY"] = settings.secret_key or ""
        uvicorn.run(
            "vendor_ms.api.app:create_app_from_environment",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
        )
    else:
        uvicorn.run(create_app(settings), host=args.host, port=args.port)
    return 0


async def _stored_secret_key(settings: Settings) -> str:
    from vendor_ms.db.engine import open_database
    from vendor_ms.web.app import stored_secret_key

    async with open_database(settings.database_url, pool_max_size=1):
        return await stored_secret_key()


async def run_migrate(args: argparse.Namespace, settings: Settings) -> int:
    from vendor_ms.cli._db import _redact
    from vendor_ms.db.engine import migrate, open_database

    async with open_database(settings.database_url, auto_migrate=False):
        applied = await migrate()
    where = _redact(settings.database_url)
    print(f"applied {len(applied)} migration(s) to {where}" if applied else f"{where} is up to date")
    for migration_id in applied:
        print(f"  {migration_id}")
    return 0
