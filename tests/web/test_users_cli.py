"""`vendor-ms users create --password-stdin` and `users set-password` (issue 11, point 1)."""

from __future__ import annotations

import io
import sys

import pytest

from tests.web.conftest import sign_in
from vendor_ms.cli import main


@pytest.fixture
def cli(db, monkeypatch):
    def run(*args: str, stdin: str = "") -> int:
        import threading

        from vendor_ms.db.engine import bind, current_engine

        ours = current_engine()
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        result: list[int] = []
        thread = threading.Thread(target=lambda: result.append(main(["--database-url", db.url, *args])))
        thread.start()
        thread.join()
        bind(ours)
        return result[0]

    return run


async def test_create_with_a_password_prints_the_token_alone_and_the_user_can_sign_in(cli, web, capfd) -> None:
    code = cli(
        "users",
        "create",
        "--role",
        "vendor",
        "--vendor",
        "yunke",
        "--name",
        "yk-lead",
        "--password-stdin",
        stdin="云客 team lead 2026\n",
    )
    out = capfd.readouterr().out
    assert code == 0
    assert out.count("\n") == 1 and out.startswith("vms_")
    assert (await sign_in(web, "yk-lead", "云客 team lead 2026")).status_code == 303


async def test_set_password_replaces_the_password(cli, web, capfd) -> None:
    cli("users", "create", "--role", "finance", "--name", "clerk")
    capfd.readouterr()
    assert (await sign_in(web, "clerk", "anything at all")).status_code == 401  # no password yet
    assert cli("users", "set-password", "clerk", "--password-stdin", stdin="month end 2026\n") == 0
    assert capfd.readouterr().out == ""
    assert (await sign_in(web, "clerk", "month end 2026")).status_code == 303


async def test_set_password_of_an_unknown_user_fails(cli, capfd) -> None:
    assert cli("users", "set-password", "ghost", "--password-stdin", stdin="month end 2026\n") != 0
    assert "ghost" in capfd.readouterr().err
