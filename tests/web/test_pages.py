"""What the pages show, to whom (issue 11, points 2, 5 and 9)."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlencode

import msgspec

from tests.support import CONTRACTS_DIR, daily, import_examples, month_days
from tests.web.conftest import csrf_token, form_post, sign_in
from vendor_ms import clock
from vendor_ms.access.caller import local_admin
from vendor_ms.contracts.service import import_document
from vendor_ms.db.tables import Invoice
from vendor_ms.domain.contract import parse_toml
from vendor_ms.domain.performance import parse_json
from vendor_ms.performance.service import ingest


async def _october_data() -> None:
    records = [
        daily(
            account,
            day,
            consultations=100,
            unanswered_3min=12,
            answered_30s=70,
            response_seconds_total="2000",
            responses=100,
            inquiries=40,
            paid_buyers=14,
            sales_amount="1400.00",
            orders=14,
            surveys=20,
            satisfied=19,
        )
        for account in ("pdd-mm:yk01", "pdd-mm:yk02")
        for day in month_days(2026, 10)
    ]
    await ingest(local_admin(), parse_json(msgspec.json.encode({"records": records})))


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


async def test_a_shop_named_script_is_text(web, make_user, pinned_clock) -> None:
    toml = (CONTRACTS_DIR / "pdd-mengmeng-presale.toml").read_text(encoding="utf-8")
    toml = toml.replace('name = "萌萌家居旗舰店"', 'name = "<script>alert(1)</script>"')
    toml = toml.replace('title = "萌萌家居 拼多多售前客服外包"', 'title = "<img src=x onerror=alert(2)>"')
    await import_document(local_admin(), parse_toml(toml))
    await sign_in(web, await make_user("shop_owner", shops=["pdd-mengmeng"]))
    for path in ("/", "/contracts", "/contracts/PDD-MM-PRE-2026", "/contracts/PDD-MM-PRE-2026/scorecard"):
        html = (await web.get(path)).text
        assert "<script>alert" not in html and "<img src=x" not in html, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html or "&lt;img src=x" in html, path


async def test_a_vendor_sees_its_own_contracts_only(web, make_user, pinned_clock) -> None:
    await import_examples("pdd-mengmeng-presale", "pdd-jiayi-presale")
    await sign_in(web, await make_user("vendor", vendor="yunke"))
    listing = (await web.get("/contracts")).text
    assert "PDD-MM-PRE-2026" in listing and "PDD-JY-PRE-2026" not in listing
    hidden = await web.get("/contracts/PDD-JY-PRE-2026")
    missing = await web.get("/contracts/NO-SUCH-CONTRACT")
    assert hidden.status_code == missing.status_code == 404
    assert text(hidden.text) == text(missing.text)
    comparison = await web.get("/shops/pdd-mengmeng/comparison?period=2026-10")
    assert comparison.status_code == 404  # a vendor never sees its competitors
    assert text(comparison.text) == text(missing.text)


async def test_unknown_pages_and_records_are_the_same_not_found_page(web, make_user) -> None:
    await sign_in(web, await make_user("finance"))
    record = await web.get("/invoices/999999")
    page = await web.get("/no/such/page")
    assert record.status_code == page.status_code == 404
    assert record.headers["content-type"].startswith("text/html")
    assert text(record.text) == text(page.text)


async def test_the_dashboard_shows_score_red_lines_and_cost_in_chinese(web, make_user, fixed_clock) -> None:
    await import_examples("pdd-mengmeng-presale")
    await _october_data()
    fixed_clock.set(datetime(2026, 10, 31, 20, 0, tzinfo=clock.NUMBERING_TIMEZONE))
    await sign_in(web, await make_user("shop_owner", shops=["pdd-mengmeng"]))
    board = text((await web.get("/")).text)
    assert "2026-10" in board
    # 88% 3-minute reply rate: 15 points of 40, the 85% red line is clear
    assert "3分钟人工回复率" in (await web.get("/contracts/PDD-MM-PRE-2026/scorecard")).text
    assert "reply_rate_3min" not in board
    assert re.search(r"¥\d{1,3}(,\d{3})*\.\d\d", board)
    assert "无 none breached" in board


async def test_finance_closes_a_month_issues_all_drafts_and_downloads_a_pdf(web, make_user, pinned_clock) -> None:
    await import_examples("pdd-mengmeng-presale", "pdd-jiayi-presale")
    await _october_data()
    await sign_in(web, await make_user("finance"))
    closed = await form_post(web, "/billing?period=2026-10", "/billing/run", {"period": "2026-10"})
    assert closed.status_code == 303
    review = await web.get(closed.headers["location"])
    drafts = re.findall(r'name="invoice" value="(\d+)"', review.text)
    assert len(drafts) == 2
    pairs = [("_csrf_token", csrf_token(review.text)), ("period", "2026-10"), *[("invoice", d) for d in drafts]]
    issued = await web.post(
        "/billing/issue", content=urlencode(pairs), headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert issued.status_code == 303
    rows = await Invoice.select(Invoice.id, Invoice.status, Invoice.number).order_by(Invoice.id)
    assert [r["status"] for r in rows] == ["issued", "issued"]
    page = await web.get(f"/invoices/{rows[0]['id']}")
    assert rows[0]["number"] in page.text
    pdf = await web.get(f"/invoices/{rows[0]['id']}/pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
