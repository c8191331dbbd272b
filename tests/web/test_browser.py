"""Every role's main path in a real browser (issue 11, point 7): Debian's Chromium driven by
Playwright against `vendor-ms serve` on each engine.

Sign in, read the dashboard, upload a file with errors and then a good one, compare vendors, close
a month, issue an invoice and download its PDF, sign out. Every page is saved as a screenshot (at
1366x768, and the dashboard and comparison also at phone width) into a folder of this test run,
printed at the end; any console error, page error or request to another host fails the test.
"""

from __future__ import annotations

import os
from pathlib import Path

import msgspec
import pytest

from tests.conftest import PINNED_START, REPO
from tests.web.browser import CHROMIUM, CHROMIUM_ARGS, DESKTOP, PHONE, Watch, serve
from tests.web.test_upload import BAD_ROWS, GOOD_ROWS, HEADER_ZH
from vendor_ms.access.caller import Caller, local_admin
from vendor_ms.access.service import create_user
from vendor_ms.contracts.service import import_document
from vendor_ms.db.tables import AccountBinding
from vendor_ms.demo import ServedAccount, daily_records
from vendor_ms.domain.contract import parse_toml
from vendor_ms.domain.performance import parse_json
from vendor_ms.performance.service import ingest

pytestmark = pytest.mark.slow

PASSWORD = "browser test password"
USERS = {
    "vendor": ("yk-lead", {"vendor": "yunke"}),
    "finance": ("clerk", {}),
    "shop_owner": ("mengmeng-owner", {"shops": ["pdd-mengmeng"]}),
    "admin": ("root-admin", {}),
}


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of this run: reports/out/screenshots/<run>/ (or under $VENDOR_MS_SCREENSHOTS)."""
    root = Path(os.environ.get("VENDOR_MS_SCREENSHOTS") or REPO / "reports" / "out" / "screenshots")
    folder = root / f"{tmp_path_factory.getbasetemp().name}-{os.getpid()}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


async def _seed() -> None:
    """All example contracts, a login per role, and October 2026 as the vendors reported it."""
    admin = local_admin()
    docs = [parse_toml(f.read_text(encoding="utf-8")) for f in sorted((REPO / "contracts").glob("*.toml"))]
    for doc in docs:
        await import_document(admin, doc)
    for role, (name, scope) in USERS.items():
        await create_user(admin, name=name, role=role, password=PASSWORD, **scope)  # type: ignore[arg-type]
    by_code = {d.code: d for d in docs}
    served: dict[str, list[ServedAccount]] = {}
    for b in await AccountBinding.select(
        AccountBinding.account.code.as_alias("code"),
        AccountBinding.contract.code.as_alias("contract"),
        AccountBinding.active_from,
        AccountBinding.active_to,
    ):
        doc = by_code[b["contract"]]
        served.setdefault(doc.vendor.code, []).append(
            ServedAccount(
                code=b["code"],
                vendor=doc.vendor.code,
                category=doc.shop.category,
                scope=doc.scope,
                first_day=max(b["active_from"], doc.starts_on),
                last_day=min(b["active_to"] or doc.ends_on, doc.ends_on),
            )
        )
    for vendor, accounts in sorted(served.items()):
        records = daily_records(accounts)
        if records:
            caller = Caller(user_id=None, name=f"seed:{vendor}", role="vendor", vendor_code=vendor)
            await ingest(caller, parse_json(msgspec.json.encode({"records": records})))


class Session:
    """One role in one browser context: pages, screenshots, what went wrong."""

    def __init__(self, context, base: str, folder: Path, prefix: str, watch: Watch) -> None:  # type: ignore[no-untyped-def]
        self.context, self.base, self.folder, self.prefix, self.watch = context, base, folder, prefix, watch
        self.shots = 0
        self.page = None

    async def open(self) -> None:
        self.page = await self.context.new_page()
        self.page.on("console", self.watch.on_console)
        self.page.on("pageerror", self.watch.on_page_error)

    async def shot(self, name: str, *, phone: bool = False) -> None:
        self.shots += 1
        await self.page.screenshot(path=str(self.folder / f"{self.prefix}-{self.shots:02d}-{name}.png"), full_page=True)
        if phone:
            await self.page.set_viewport_size(PHONE)
            await self.page.screenshot(
                path=str(self.folder / f"{self.prefix}-{self.shots:02d}-{name}-phone.png"), full_page=True
            )
            await self.page.set_viewport_size(DESKTOP)

    async def go(self, path: str, name: str, *, phone: bool = False, status: int = 200) -> None:
        answer = await self.page.goto(self.base + path)
        assert answer is not None and answer.status == status, f"{path}: {answer and answer.status}"
        await self.shot(name, phone=phone)

    async def sign_in(self, name: str) -> None:
        await self.go("/", "sign-in")  # sent on to the form
        assert "/login" in self.page.url
        await self.page.fill("#username", name)
        await self.page.fill("#password", PASSWORD)
        await self.page.click("form.stack button[type=submit]")
        await self.page.wait_for_url(self.base + "/")
        await self.shot("dashboard", phone=True)

    async def sign_out(self) -> None:
        await self.page.click("header form button[type=submit]")
        await self.page.wait_for_url(self.base + "/login")
        assert (await self.page.goto(self.base + "/")).url.startswith(self.base + "/login")


def _csv(rows: list[str]) -> bytes:
    return ("\r\n".join([HEADER_ZH, *rows]) + "\r\n").encode("gb18030")


async def vendor_path(s: Session) -> None:
    await s.sign_in(USERS["vendor"][0])
    await s.go("/upload", "upload")
    november = [r.replace("2026-10-0", "2026-11-0") for r in GOOD_ROWS + BAD_ROWS]
    await s.page.set_input_files(
        "#file", files=[{"name": "十一月.csv", "mimeType": "text/csv", "buffer": _csv(november)}]
    )
    await s.page.click("form.stack button[type=submit]")
    await s.page.wait_for_selector("#problems")
    assert await s.page.locator("#problems tr").count() == 3  # header + two problems
    await s.shot("upload-problems")
    good = [r.replace("2026-10-0", "2026-11-0") for r in GOOD_ROWS]
    await s.page.set_input_files("#file", files=[{"name": "十一月.csv", "mimeType": "text/csv", "buffer": _csv(good)}])
    await s.page.click("form.stack button[type=submit]")
    await s.page.wait_for_selector("text=确认写入")
    await s.shot("upload-preview")
    await s.page.click("text=确认写入")
    await s.page.wait_for_selector("#inserted")
    assert await s.page.inner_text("#inserted") == "2"
    await s.shot("upload-written")
    await s.go("/contracts/PDD-MM-PRE-2026/scorecard?period=2026-10", "scorecard", phone=True)
    await s.go("/incidents", "incidents")
    await s.go("/invoices", "invoices")
    await s.sign_out()


async def finance_path(s: Session) -> None:
    await s.sign_in(USERS["finance"][0])
    await s.go("/billing?period=2026-10", "billing")
    await s.page.click("text=结算 2026-10")
    await s.page.wait_for_selector("text=已生成")
    await s.shot("billing-drafts")
    # one draft, from its own page (issuing all of them is tests/web/test_pages.py's)
    await s.page.click("form[action='/billing/issue'] table a[href^='/invoices/']")
    await s.page.wait_for_selector("text=草稿 draft")
    await s.shot("draft")
    await s.page.click("form[action$='/issue'] button")
    await s.page.wait_for_selector("text=VMS-2026-")
    await s.shot("invoice-issued")
    await s.go("/invoices?period=2026-10&status=issued", "invoices-issued")
    await s.page.click("table a[href^='/invoices/']")
    await s.page.wait_for_selector("text=下载 PDF")
    async with s.page.expect_download() as download_info:
        await s.page.click("text=下载 PDF")
    download = await download_info.value
    pdf = Path(await download.path()).read_bytes()
    assert pdf.startswith(b"%PDF") and download.suggested_filename.startswith("VMS-2026-")
    await s.go("/no/such/page", "not-found", status=404)
    await s.go("/", "dashboard-again")
    await s.sign_out()


async def shop_owner_path(s: Session) -> None:
    await s.sign_in(USERS["shop_owner"][0])
    await s.go("/shops/pdd-mengmeng/comparison?period=2026-10", "comparison", phone=True)
    await s.go("/contracts/PDD-MM-PRE-2026", "contract")
    await s.go("/incidents", "incidents")
    await s.page.fill("input[name=date]", "2026-11-03")
    await s.page.fill("input[name=points]", "-2")
    await s.page.fill("textarea[name=note]", "<script>alert('x')</script> 回复不及时")
    await s.page.click("form.stack button[type=submit]")
    await s.page.wait_for_selector("text=已记录事件")
    assert "<script>alert('x')</script> 回复不及时" in await s.page.inner_text("table")
    await s.shot("incident-recorded")
    await s.go("/invoices", "invoices")
    await s.sign_out()


async def admin_path(s: Session) -> None:
    await s.sign_in(USERS["admin"][0])
    await s.go("/admin/users", "users")
    await s.page.fill("form.stack input[name=name]", "新财务")
    await s.page.select_option("form.stack select[name=role]", "finance")
    await s.page.fill("form.stack input[name=password]", "a long enough password")
    await s.page.click("form.stack button[type=submit]")
    await s.page.wait_for_selector(".token")
    await s.shot("user-created")
    await s.go("/schema", "api-docs")
    await s.go("/", "dashboard-again")
    await s.sign_out()


@pytest.mark.skipif(
    not CHROMIUM.exists() and os.environ.get("CI") != "true",
    reason="Debian's chromium is not installed (./dev setup installs it)",
)
async def test_every_role_in_a_real_browser(db, pinned_clock, screenshots, tmp_path) -> None:
    from playwright.async_api import async_playwright

    await _seed()
    folder = screenshots / db.kind
    folder.mkdir(exist_ok=True)
    with serve(db.url, PINNED_START.isoformat(), tmp_path / "server.log") as base:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                for n, (role, path) in enumerate(
                    [
                        ("vendor", vendor_path),
                        ("finance", finance_path),
                        ("shop_owner", shop_owner_path),
                        ("admin", admin_path),
                    ]
                ):
                    watch = Watch(base, expected_statuses={404})
                    context = await browser.new_context(viewport=DESKTOP, accept_downloads=True, locale="zh-CN")
                    await context.route("**/*", watch.on_route)
                    session = Session(context, base, folder, f"{n + 1}-{role}", watch)
                    await session.open()
                    await path(session)
                    await context.close()
                    assert watch.problems == [], f"{role}: {watch.problems}"
            finally:
                await browser.close()
    print(f"\nscreenshots: {folder}")
    assert len(list(folder.glob("*.png"))) >= 30
