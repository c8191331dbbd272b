"""The access matrix of the web pages: for every page route, the status each role gets in and out
of its scope, signed in with a password (SPEC 13; issue 11, point 9).

Pages follow the API's rules with one difference: a role that may not use a page gets the same
not-found page (404) as a missing record, never a 403, so which pages exist for other roles is
not told. Without a session every page redirects to /login (303); /login and /static are public.
Forms carry the CSRF token of a page the client opened first, as a browser's do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import count

from tests.security.access_matrix import BILLING, NOT_VENDORS, SUBMITTERS
from tests.security.world import ACCOUNT, CONTRACT, READ_PERIOD, ROLES, SHOP, World

PAGE_PASSWORD = "matrix pages password"
USER_NAMES = {
    "admin": "matrix-admin",
    "shop_owner": "matrix-owner",
    "vendor": "matrix-vendor",
    "finance": "matrix-finance",
}
_fresh = count(1)


@dataclass(frozen=True)
class PageCall:
    path: str
    params: dict[str, str] = field(default_factory=dict)
    form: dict[str, str] | None = None  # sent urlencoded, with the CSRF token added
    files: dict[str, tuple[str, bytes, str]] | None = None  # sent as multipart, with the CSRF token


PageBuilder = Callable[[World, str, int, str], PageCall]  # (world, scope, expected, role) → request


@dataclass(frozen=True)
class PageEntry:
    expect: dict[str, tuple[int, int]]
    call: PageBuilder
    public: bool = False  # answers without a session too (else: 303 to /login)


def page_scoped(ok: int, *, allowed: tuple[str, ...] = ROLES, hidden: int = 404) -> dict[str, tuple[int, int]]:
    """`ok` in scope for the allowed roles; out of scope `ok` for admin and finance, `hidden` for the
    others; 404 (the not-found page) for every role that may not use the page."""
    return {
        role: ((ok, ok if role in ("admin", "finance") else hidden) if role in allowed else (404, 404))
        for role in ROLES
    }


def everyone(ok: int = 200) -> dict[str, tuple[int, int]]:
    return page_scoped(ok, hidden=ok)


def get(path: str, **params: str) -> PageBuilder:
    def build(world: World, scope: str, expected: int, role: str) -> PageCall:
        values = {
            "contract": CONTRACT[scope],
            "shop": SHOP[scope],
            "invoice": str(world.invoice[scope]),
            "period": READ_PERIOD,
        }
        return PageCall(path.format(**values), {k: v.format(**values) for k, v in params.items()})

    return build


def post(path: str, **form: str) -> PageBuilder:
    def build(world: World, scope: str, expected: int, role: str) -> PageCall:
        values = {"contract": CONTRACT[scope], "account": ACCOUNT[scope]}
        return PageCall(path.format(**values), form={k: v.format(**values) for k, v in form.items()})

    return build


def invoice_action(action: str, **form: str) -> PageBuilder:
    def build(world: World, scope: str, expected: int, role: str) -> PageCall:
        invoice_id = world.take(action, scope) if expected == 303 and role in ROLES else world.invoice[scope]
        return PageCall(f"/invoices/{invoice_id}/{action}", form=dict(form))

    return build


def upload(world: World, scope: str, expected: int, role: str) -> PageCall:
    # The check answers with its preview and problems (an account out of scope reads as unknown).
    text = f"客服账号,日期,咨询人数\n{ACCOUNT[scope]},2026-09-01,5\n"
    return PageCall("/upload", files={"file": ("data.csv", text.encode(), "text/csv")})


def new_user(world: World, scope: str, expected: int, role: str) -> PageCall:
    return PageCall("/admin/users", form={"name": f"page-user-{next(_fresh)}", "role": "finance"})


def own_sign_in(world: World, scope: str, expected: int, role: str) -> PageCall:
    return PageCall("/login", form={"username": USER_NAMES.get(role, USER_NAMES["admin"]), "password": PAGE_PASSWORD})


ADMIN = ("admin",)
RECORDERS = ("admin", "shop_owner")

PAGE_MATRIX: dict[tuple[str, str], PageEntry] = {
    # signed in, /login sends the user on to the dashboard
    ("GET", "/login"): PageEntry(everyone(303), get("/login"), public=True),
    ("POST", "/login"): PageEntry(everyone(303), own_sign_in, public=True),
    ("GET", "/static/{file_path:path}"): PageEntry(everyone(), get("/static/app.css"), public=True),
    ("POST", "/logout"): PageEntry(everyone(303), post("/logout")),
    ("GET", "/"): PageEntry(everyone(), get("/")),
    ("GET", "/contracts"): PageEntry(everyone(), get("/contracts")),
    ("GET", "/contracts/{code:str}"): PageEntry(page_scoped(200), get("/contracts/{contract}")),
    ("GET", "/contracts/{code:str}/scorecard"): PageEntry(
        page_scoped(200), get("/contracts/{contract}/scorecard", period="{period}")
    ),
    ("GET", "/shops/{code:str}/comparison"): PageEntry(
        page_scoped(200, allowed=NOT_VENDORS), get("/shops/{shop}/comparison", period="{period}")
    ),
    ("GET", "/incidents"): PageEntry(page_scoped(200), get("/incidents", contract="{contract}")),
    ("POST", "/incidents"): PageEntry(
        page_scoped(303, allowed=RECORDERS),
        post("/incidents", contract="{contract}", date="2026-10-05", kind="complaint", points="-1"),
    ),
    ("GET", "/invoices"): PageEntry(everyone(), get("/invoices", contract="{contract}")),
    ("GET", "/invoices/{invoice_id:int}"): PageEntry(page_scoped(200), get("/invoices/{invoice}")),
    ("GET", "/invoices/{invoice_id:int}/pdf"): PageEntry(page_scoped(200), get("/invoices/{invoice}/pdf")),
    ("POST", "/invoices/{invoice_id:int}/issue"): PageEntry(page_scoped(303, allowed=BILLING), invoice_action("issue")),
    ("POST", "/invoices/{invoice_id:int}/pay"): PageEntry(page_scoped(303, allowed=BILLING), invoice_action("pay")),
    ("POST", "/invoices/{invoice_id:int}/void"): PageEntry(
        page_scoped(303, allowed=BILLING), invoice_action("void", reason="开票信息有误")
    ),
    ("GET", "/billing"): PageEntry(page_scoped(200, allowed=BILLING), get("/billing", period="{period}")),
    ("POST", "/billing/run"): PageEntry(page_scoped(303, allowed=BILLING), post("/billing/run", period="2026-11")),
    ("POST", "/billing/issue"): PageEntry(page_scoped(303, allowed=BILLING), post("/billing/issue", period="2026-11")),
    ("GET", "/billing/summary.pdf"): PageEntry(
        page_scoped(200, allowed=BILLING), get("/billing/summary.pdf", period="{period}")
    ),
    ("GET", "/upload"): PageEntry(page_scoped(200, allowed=SUBMITTERS, hidden=200), get("/upload")),
    ("POST", "/upload"): PageEntry(page_scoped(200, allowed=SUBMITTERS, hidden=200), upload),
    # A confirmation names a checked upload of the same user; an unknown one is the not-found page.
    ("POST", "/upload/confirm"): PageEntry(page_scoped(404, allowed=SUBMITTERS), post("/upload/confirm", token="x")),
    ("GET", "/admin/users"): PageEntry(page_scoped(200, allowed=ADMIN), get("/admin/users")),
    ("POST", "/admin/users"): PageEntry(page_scoped(200, allowed=ADMIN), new_user),
    ("POST", "/admin/users/{name:str}/password"): PageEntry(
        page_scoped(303, allowed=ADMIN), post("/admin/users/matrix-revoked/password", password="another password")
    ),
}
