"""Sign-in (issue 11, point 1): the form, sessions in a secure cookie, CSRF, sign-out, lockout."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.web.conftest import PASSWORD, csrf_token, form_post, sign_in
from vendor_ms.access.caller import local_admin
from vendor_ms.access.passwords import MAX_FAILURES, WINDOW, set_password
from vendor_ms.db.tables import AuditEvent, User


async def test_the_dashboard_without_a_session_sends_to_the_sign_in_form(web) -> None:
    answer = await web.get("/")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=%2F"
    form = await web.get("/login")
    assert form.status_code == 200
    assert form.headers["content-type"].startswith("text/html")
    for field in ('name="username"', 'name="password"', 'name="_csrf_token"'):
        assert field in form.text


async def test_signing_in_opens_a_secure_httponly_samesite_session_with_expiry(web, make_user) -> None:
    name = await make_user("finance")
    answer = await sign_in(web, name)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/"
    cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith("vms_session="))
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert {"secure", "httponly", "max-age"} <= attributes
    assert "samesite=lax" in cookie.lower()
    dashboard = await web.get("/")
    assert dashboard.status_code == 200
    assert name in dashboard.text


async def test_a_wrong_password_opens_no_session(web, make_user) -> None:
    name = await make_user("finance")
    answer = await sign_in(web, name, "not the password")
    assert answer.status_code == 401
    assert "用户名或密码错误" in answer.text
    assert (await web.get("/")).status_code == 303


async def test_an_unknown_name_reads_like_a_wrong_password(web, make_user) -> None:
    answer = await sign_in(web, "nobody-at-all", PASSWORD)
    assert answer.status_code == 401
    assert "用户名或密码错误" in answer.text


async def test_a_form_without_its_csrf_token_is_refused(web, make_user) -> None:
    name = await make_user("finance")
    await web.get("/login")  # the CSRF cookie is set, but the form does not carry the token
    answer = await web.post("/login", data={"username": name, "password": PASSWORD})
    assert answer.status_code == 403
    assert (await web.get("/")).status_code == 303


async def test_the_next_page_is_followed_but_never_to_another_host(web, make_user) -> None:
    name = await make_user("finance")
    opened = await web.get("/login?next=/invoices")
    answer = await web.post(
        "/login",
        data={"username": name, "password": PASSWORD, "next": "/invoices", "_csrf_token": csrf_token(opened.text)},
    )
    assert answer.headers["location"] == "/invoices"
    web.cookies.clear()
    opened = await web.get("/login")
    answer = await web.post(
        "/login",
        data={
            "username": name,
            "password": PASSWORD,
            "next": "//evil.example/",
            "_csrf_token": csrf_token(opened.text),
        },
    )
    assert answer.headers["location"] == "/"


async def test_signing_out_ends_the_session(web, make_user) -> None:
    name = await make_user("vendor", vendor="yunke")
    await sign_in(web, name)
    session = web.cookies.get("vms_session")
    answer = await form_post(web, "/", "/logout", {})
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login"
    assert (await web.get("/")).status_code == 303
    # the old session id is worth nothing either
    web.cookies.set("vms_session", session, domain="vendor-ms.test")
    assert (await web.get("/")).status_code == 303


async def test_a_new_password_ends_the_sessions_of_the_old_one(web, make_user) -> None:
    name = await make_user("finance")
    await sign_in(web, name)
    await set_password(local_admin(), name, "a brand new password")
    assert (await web.get("/")).status_code == 303
    assert (await sign_in(web, name, "a brand new password")).status_code == 303


async def test_ten_failures_in_fifteen_minutes_lock_the_name_for_fifteen_minutes(web, make_user, fixed_clock) -> None:
    name = await make_user("finance")
    for _ in range(MAX_FAILURES):
        assert (await sign_in(web, name, "wrong password")).status_code == 401
        fixed_clock.advance(timedelta(seconds=30))
    refused = await sign_in(web, name)  # the right password, but locked
    assert refused.status_code == 429
    assert "登录失败次数过多" in refused.text
    # the lock lasts 15 minutes from the failure that filled the count
    fixed_clock.advance(WINDOW - timedelta(seconds=30) - timedelta(seconds=2))
    assert (await sign_in(web, name)).status_code == 429
    fixed_clock.advance(timedelta(seconds=3))
    assert (await sign_in(web, name)).status_code == 303


async def test_nine_failures_do_not_lock(web, make_user, fixed_clock) -> None:
    name = await make_user("finance")
    for _ in range(MAX_FAILURES - 1):
        assert (await sign_in(web, name, "wrong password")).status_code == 401
    assert (await sign_in(web, name)).status_code == 303


async def test_failures_older_than_fifteen_minutes_do_not_count(web, make_user, fixed_clock) -> None:
    name = await make_user("finance")
    for _ in range(MAX_FAILURES - 1):
        await sign_in(web, name, "wrong password")
    fixed_clock.advance(WINDOW + timedelta(seconds=1))
    assert (await sign_in(web, name, "wrong password")).status_code == 401
    assert (await sign_in(web, name)).status_code == 303


async def test_sign_in_and_sign_out_are_in_the_audit_trail(web, make_user) -> None:
    name = await make_user("vendor", vendor="yunke")
    await sign_in(web, name)
    await form_post(web, "/", "/logout", {})
    rows = await AuditEvent.select(AuditEvent.action, AuditEvent.actor_name, AuditEvent.vendor_codes).where(
        AuditEvent.action.like("user.sign_%")
    )
    assert [(r["action"], r["actor_name"], r["vendor_codes"].split()) for r in rows] == [
        ("user.sign_in", name, ["yunke"]),
        ("user.sign_out", name, ["yunke"]),
    ]


async def test_passwords_are_stored_as_argon2id_hashes(make_user) -> None:
    name = await make_user("finance")
    row = await User.select(User.password_hash).where(User.name == name).first()
    assert row["password_hash"].startswith("$argon2id$")
    assert PASSWORD not in row["password_hash"]


@pytest.mark.parametrize("password", ["short", "x" * 1025])
async def test_passwords_too_short_or_too_long_are_refused(make_user, password) -> None:
    from vendor_ms.errors import ValidationFailed

    name = await make_user("finance")
    with pytest.raises(ValidationFailed):
        await set_password(local_admin(), name, password)
