"""`vendor-ms users create` and `vendor-ms tokens create|revoke|list`."""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta

from vendor_ms import clock
from vendor_ms.access.caller import ROLES
from vendor_ms.settings import Settings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    users = sub.add_parser("users", help="create users (each gets a bearer token)")
    usub = users.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    create = usub.add_parser("create", help="create a user and print its bearer token (shown once)")
    create.add_argument("--name", help="unique user name (default: derived from role and scope)")
    create.add_argument("--role", required=True, choices=ROLES)
    create.add_argument("--shop", action="append", default=[], help="shop code a shop owner acts for (repeatable)")
    create.add_argument("--vendor", help="vendor code a vendor user acts for")
    create.add_argument("--expires-in-days", type=int, help="token lifetime (default: no expiry)")
    create.add_argument(
        "--password-stdin", action="store_true", help="read a web sign-in password from standard input (one line)"
    )
    create.set_defaults(handler=run_create_user)
    set_password = usub.add_parser("set-password", help="set a user's web sign-in password")
    set_password.add_argument("name")
    set_password.add_argument(
        "--password-stdin", action="store_true", required=True, help="read the password from standard input"
    )
    set_password.set_defaults(handler=run_set_password)

    tokens = sub.add_parser("tokens", help="create, revoke and list bearer tokens")
    tsub = tokens.add_subparsers(dest="tokens_command", required=True, metavar="ACTION")
    tcreate = tsub.add_parser("create", help="another token for an existing user (printed once)")
    tcreate.add_argument("user")
    tcreate.add_argument("--label", default="")
    tcreate.add_argument("--expires-in-days", type=int)
    tcreate.set_defaults(handler=run_create_token)
    revoke = tsub.add_parser("revoke", help="revoke a token by its first 12+ characters or the whole secret")
    revoke.add_argument("prefix")
    revoke.set_defaults(handler=run_revoke)
    tlist = tsub.add_parser("list", help="list tokens (prefix, user, role, last used)")
    tlist.set_defaults(handler=run_list_tokens)


def _expiry(days: int | None) -> datetime | None:
    return clock.now() + timedelta(days=days) if days else None


async def run_create_user(args: argparse.Namespace, settings: Settings) -> int:
    from vendor_ms.access.caller import local_admin
    from vendor_ms.access.service import create_user
    from vendor_ms.cli._db import database

    password = _read_password() if args.password_stdin else None
    name = args.name or "-".join([args.role, *(args.shop or []), *([args.vendor] if args.vendor else [])])
    async with database(settings):
        issued = await create_user(
            local_admin(),
            name=name,
            role=args.role,
            shops=args.shop,
            vendor=args.vendor,
            expires_at=_expiry(args.expires_in_days),
            password=password,
        )
    # The token alone on stdout, so `TOKEN=$(vendor-ms users create ...)` works.
    print(issued.secret)
    return 0


def _read_password() -> str:
    """The first line of standard input, without its line break (a password may hold spaces)."""
    import sys

    return sys.stdin.readline().rstrip("\r\n")


async def run_set_password(args: argparse.Namespace, settings: Settings) -> int:
    import sys

    from vendor_ms.access.caller import local_admin
    from vendor_ms.access.passwords import set_password
    from vendor_ms.cli._db import database

    password = _read_password()
    async with database(settings):
        await set_password(local_admin(), args.name, password)
    print(f"password set for {args.name}", file=sys.stderr)
    return 0


async def run_create_token(args: argparse.Namespace, settings: Settings) -> int:
    from vendor_ms.access.caller import local_admin
    from vendor_ms.access.service import create_token
    from vendor_ms.cli._db import database

    async with database(settings):
        issued = await create_token(
            local_admin(), user_name=args.user, expires_at=_expiry(args.expires_in_days), label=args.label
        )
    print(issued.secret)
    return 0


async def run_revoke(args: argparse.Namespace, settings: Settings) -> int:
    import sys

    from vendor_ms.access.caller import local_admin
    from vendor_ms.access.service import revoke_token
    from vendor_ms.cli._db import database

    async with database(settings):
        count = await revoke_token(local_admin(), args.prefix)
    print(f"revoked {count} token(s)", file=sys.stderr)
    return 0


async def run_list_tokens(args: argparse.Namespace, settings: Settings) -> int:
    from vendor_ms.access.service import list_tokens
    from vendor_ms.cli._db import database
    from vendor_ms.cli._table import print_table

    async with database(settings):
        rows = await list_tokens()
    print_table(
        ["prefix", "user", "role", "created", "expires", "revoked", "last used"],
        [
            [
                r["prefix"],
                r["user"],
                r["role"],
                _ts(r["created_at"]),
                _ts(r["expires_at"]),
                _ts(r["revoked_at"]),
                _ts(r["last_used_at"]),
            ]
            for r in rows
        ],
    )
    return 0


def _ts(value: object) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, datetime) else ""
