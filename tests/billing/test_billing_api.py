"""Billing runs, invoices and their lifecycle over HTTP (SPEC 5), exact to the fen.

Each expected amount is worked out by hand in the comments of its test.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import msgspec
import pytest

from tests.support import CONTRACTS_DIR, bearer, daily, import_examples, month_days, submit
from vendor_ms.access.caller import local_admin
from vendor_ms.billing import service as billing_service
from vendor_ms.contracts.service import import_document
from vendor_ms.db.tables import BillingRun, Contract, Invoice, InvoiceAdjustment
from vendor_ms.domain.contract import parse_toml

MM = ["pdd-mm:yk01", "pdd-mm:yk02", "pdd-mm:yk03"]
JY = ["pdd-jy:sf01", "pdd-jy:sf02", "pdd-jy:sf03"]


def good_month(accounts: list[str], year: int = 2026, month: int = 10) -> list[dict[str, object]]:
    """Per account-day: 150 consultations, 6 unanswered, 18 s average response, 21 of 60 converted."""
    return [
        daily(
            account,
            day,
            consultations=150,
            unanswered_3min=6,
            answered_30s=120,
            response_seconds_total="2700",
            responses=150,
            inquiries=60,
            paid_buyers=21,
            sales_amount="2100.00",
            orders=21,
            surveys=30,
            satisfied=29,
        )
        for account in accounts
        for day in month_days(year, month)
    ]


def poor_month(accounts: list[str]) -> list[dict[str, object]]:
    """Per account-day: 100 consultations, 22 unanswered (78%), 35 s average, 14 of 50 converted."""
    return [
        daily(
            account,
            day,
            consultations=100,
            unanswered_3min=22,
            answered_30s=50,
            response_seconds_total="3500",
            responses=100,
            inquiries=50,
            paid_buyers=14,
            sales_amount="980.00",
            orders=14,
            surveys=20,
            satisfied=15,
        )
        for account in accounts
        for day in month_days(2026, 10)
    ]


@pytest.fixture
async def setup(client, make_token):
    await import_examples()
    return {
        "admin": await make_token("admin"),
        "finance": await make_token("finance"),
        "yunke": await make_token("vendor", vendor="yunke"),
        "sufu": await make_token("vendor", vendor="sufu"),
        "owner": await make_token("shop_owner", shops=["pdd-mengmeng"]),
    }


async def bill(client, token: str, period: str) -> dict:
    response = await client.post("/api/v1/billing-runs", json={"period": period}, headers=bearer(token))
    assert response.status_code == 201, response.text
    return response.json()


async def invoice_of(client, token: str, contract: str, period: str) -> dict:
    page = (
        await client.get("/api/v1/invoices", params={"contract": contract, "period": period}, headers=bearer(token))
    ).json()
    live = [i for i in page["items"] if i["status"] != "void" and i["kind"] == "invoice"]
    assert len(live) == 1, page
    return (await client.get(f"/api/v1/invoices/{live[0]['id']}", headers=bearer(token))).json()


def amounts(invoice: dict) -> dict[str, str]:
    keys = ("service_charges", "bonus", "penalties", "adjustments", "net", "tax", "total")
    return {k: invoice[k] for k in keys}


def lines(invoice: dict) -> list[tuple[str, str]]:
    return [(line["kind"], line["amount"]) for line in invoice["lines"]]


async def test_a_good_month_bills_tiers_bonus_and_tax(client, setup) -> None:
    await submit(client, setup["yunke"], good_month(MM))
    run = await bill(client, setup["finance"], "2026-10")
    # Monthly contracts active in October: all but the daily Douyin promotion (8 of 9).
    assert run["drafts"] == 8
    invoice = await invoice_of(client, setup["finance"], "PDD-MM-PRE-2026", "2026-10")
    # 3 accounts × 31 days × 150 = 13,950 consultations:
    #   base 3000.00 × 31/31                          = 3000.00
    #   tier 1: 10,000 × 0.80                         = 8000.00
    #   tier 2:  3,950 × 0.60                         = 2370.00   → service charges 13,370.00
    # reply rate (13950 − 558)/13950 = 0.96 ≥ 0.95 → 40; avg response 251100/13950 = 18 s ≤ 20 → 30;
    # conversion 1953/5580 = 0.35 ≥ 0.35 → 30; score 100/100 ≥ 0.70 → bonus 1000 × 1 × 31/31 = 1000.00
    # net 14,370.00; tax 14370 × 0.06 = 862.20; total 15,232.20
    assert amounts(invoice) == {
        "service_charges": "13370.00",
        "bonus": "1000.00",
        "penalties": "0.00",
        "adjustments": "0.00",
        "net": "14370.00",
        "tax": "862.20",
        "total": "15232.20",
    }
    assert lines(invoice) == [
        ("base", "3000.00"),
        ("consultations", "8000.00"),
        ("consultations", "2370.00"),
        ("bonus", "1000.00"),
    ]
    card = invoice["scorecard"]
    assert (card["score"], card["max_points"], card["ratio"], card["passed"]) == (100, 100, "1.000000", True)
    assert [(i["metric"], i["value"], i["points"]) for i in card["items"]] == [
        ("reply_rate_3min", "0.960000", 40),
        ("avg_response_seconds", "18.000000", 30),
        ("inquiry_conversion", "0.350000", 30),
    ]
    assert invoice["status"] == "draft" and invoice["number"] is None
    assert invoice["inputs"]["totals"]["consultations"] == 13950
    assert len(invoice["inputs_sha256"]) == 64
    # A contract without any data still owes its base fee (and gets no bonus: nothing evaluated).
    idle = await invoice_of(client, setup["finance"], "PDD-YP-FULL-2026", "2026-10")
    assert amounts(idle)["service_charges"] == "4000.00"
    assert idle["scorecard"]["max_points"] == 0 and idle["scorecard"]["ratio"] is None


async def test_red_lines_incidents_and_the_pass_ratio(client, setup) -> None:
    await submit(client, setup["sufu"], poor_month(JY))
    response = await client.post(
        "/api/v1/incidents",
        json={
            "contract": "PDD-JY-PRE-2026",
            "date": "2026-10-12",
            "kind": "complaint",
            "points": -5,
            "penalty_amount": "200.00",
            "note": "买家投诉客服态度差",
        },
        headers=bearer(setup["admin"]),
    )
    assert response.status_code == 201, response.text
    await bill(client, setup["finance"], "2026-10")
    invoice = await invoice_of(client, setup["finance"], "PDD-JY-PRE-2026", "2026-10")
    # 9,300 consultations: base 2500.00 + 8000 × 0.75 = 6000.00 + 1300 × 0.55 = 715.00 → 9215.00
    # reply rate 7254/9300 = 0.78: below 0.85 (5%) and below 0.80 (15%) → the larger: 9215 × 0.15 = 1382.25
    # points: reply 0, response 35 s ≤ 45 → 10, conversion 0.28 → 0; incident −5 → score 5/100 < 0.70: no bonus
    # penalties 1382.25 + 200.00 = 1582.25 (cap 9215 × 0.20 = 1843.00 not reached)
    # net 9215.00 − 1582.25 = 7632.75; tax 457.965 → 457.97; total 8090.72
    assert amounts(invoice) == {
        "service_charges": "9215.00",
        "bonus": "0.00",
        "penalties": "1582.25",
        "adjustments": "0.00",
        "net": "7632.75",
        "tax": "457.97",
        "total": "8090.72",
    }
    card = invoice["scorecard"]
    assert (card["item_points"], card["incident_points"], card["score"], card["passed"]) == (10, -5, 5, False)
    assert card["items"][0]["red_line_breached"] is True
    assert card["items"][0]["penalty_rate"] == "0.15"
    assert [k for k, _ in lines(invoice)] == ["base", "consultations", "consultations", "penalty", "incident_penalty"]


async def test_daily_and_weekly_periods(client, setup) -> None:
    # The Douyin promotion is billed daily; on 31 October three accounts serve.
    token = setup["admin"]
    records = [
        daily(
            account,
            "2026-10-31",
            consultations=400,
            unanswered_3min=40,
            answered_30s=300,
            surveys=50,
            satisfied=46,
        )
        for account in ("dy-hy:mx01", "dy-hy:mx02", "dy-hy:mx03")
    ]
    await submit(client, token, records)
    run = await bill(client, setup["finance"], "2026-10-31")
    assert run["drafts"] == 1
    invoice = await invoice_of(client, token, "DY-HY-PROMO-1111", "2026-10-31")
    # 1,200 consultations, volume: the first tier with up_to ≥ 1200 is (≤ 2000) at 1.00 → 1200.00
    # base 600.00 × 1/1; reply 1080/1200 = 0.90 → 30; 30 s answers 900/1200 = 0.75 → 30;
    # satisfaction 138/150 = 0.92 → 20; score 80/100 = 0.80 ≥ 0.80 → bonus 200 × 0.8 = 160.00
    # net 1960.00; tax 117.60; total 2077.60
    assert amounts(invoice) == {
        "service_charges": "1800.00",
        "bonus": "160.00",
        "penalties": "0.00",
        "adjustments": "0.00",
        "net": "1960.00",
        "tax": "117.60",
        "total": "2077.60",
    }

    # A weekly contract starting on a Thursday: 2026-W44 runs Mon 26 Oct – Sun 1 Nov, so 4 of 7 days.
    doc = parse_toml((CONTRACTS_DIR / "pdd-mumu-presale.toml").read_text(encoding="utf-8"))
    weekly = msgspec.structs.replace(
        doc,
        code="PDD-MU-WEEKLY",
        billing_cycle="weekly",
        starts_on=doc.starts_on.replace(year=2026, month=10, day=29),
        accounts=[
            msgspec.structs.replace(
                doc.accounts[0], code="pdd-mu:wk01", active_from=doc.starts_on.replace(month=10, day=29)
            )
        ],
        pricing=msgspec.structs.replace(
            doc.pricing, base_fee=msgspec.convert("700.00", type=type(doc.pricing.base_fee))
        ),
    )
    await import_document(local_admin(), weekly)
    run = await bill(client, setup["finance"], "2026-W44")
    assert run["drafts"] == 1
    invoice = await invoice_of(client, token, "PDD-MU-WEEKLY", "2026-W44")
    # base 700.00 × 4/7 = 400.00; no data → nothing evaluated, no bonus; tax 24.00
    assert amounts(invoice)["net"] == "400.00" and amounts(invoice)["total"] == "424.00"
    # A monthly run never bills the daily or weekly contracts.
    assert all(
        i["period"] != "2026-10"
        for i in (
            await client.get("/api/v1/invoices", params={"contract": "PDD-MU-WEEKLY"}, headers=bearer(token))
        ).json()["items"]
    )


async def test_rerunning_replaces_drafts_and_never_issued_invoices(client, setup, pinned_clock) -> None:
    await submit(client, setup["yunke"], good_month(MM))
    first = await bill(client, setup["finance"], "2026-10")
    second = await bill(client, setup["finance"], "2026-10")
    assert first["drafts"] == second["drafts"] == 8
    assert await Invoice.count() == 8
    before = await invoice_of(client, setup["finance"], "PDD-MM-PRE-2026", "2026-10")
    issued = await client.post(f"/api/v1/invoices/{before['id']}/issue", headers=bearer(setup["finance"]))
    assert issued.status_code == 200, issued.text
    third = await bill(client, setup["finance"], "2026-10")
    assert (third["drafts"], third["skipped_issued"]) == (7, 1)
    after = (await client.get(f"/api/v1/invoices/{before['id']}", headers=bearer(setup["finance"]))).json()
    assert after["status"] == "issued" and after["number"] == "VMS-2026-000001"
    assert await Invoice.count() == 8
    assert await BillingRun.count() == 3


async def test_a_rerun_replaces_every_draft_range_by_range(client, setup, monkeypatch) -> None:
    # Three drafts per COPY: the 8 October contracts are written in chunks of 3, 3 and 2, each
    # replacing the previous drafts of its range of contracts while the next is computed.
    monkeypatch.setattr(billing_service, "_DRAFTS_PER_COPY", 3)
    await submit(client, setup["yunke"], good_month(MM))
    reported: list[tuple[int, int]] = []
    first = msgspec.to_builtins(
        await billing_service.run_billing(local_admin(), "2026-10", progress=lambda n, of: reported.append((n, of)))
    )
    assert first["drafts"] == 8 and await Invoice.count() == 8
    assert reported == [(3, 8), (6, 8), (8, 8), (8, 8)]  # after each chunk is written, then done
    # Two contracts end in September by amendment: the one billed first and the one billed last.
    # Their October drafts must go although no chunk of the re-run covers them any more.
    monthly = await Contract.select(Contract.id).where(Contract.billing_cycle == "monthly").order_by(Contract.id)
    ended = [monthly[0]["id"], monthly[-1]["id"]]
    await Contract.update({Contract.ends_on: date(2026, 9, 30)}).where(Contract.id.is_in(ended))
    second = await bill(client, setup["finance"], "2026-10")
    assert (second["contracts"], second["drafts"]) == (6, 6)
    drafts = await Invoice.select(Invoice.id, Invoice.contract, Invoice.billing_run).order_by(Invoice.contract)
    assert [d["id"] for d in drafts] == second["invoice_ids"]
    assert not set(second["invoice_ids"]) & set(first["invoice_ids"])
    assert {d["billing_run"] for d in drafts} == {second["id"]}
    assert not {d["contract"] for d in drafts} & set(ended)


async def test_lifecycle_issue_pay_void(client, setup, pinned_clock) -> None:
    await submit(client, setup["yunke"], good_month(MM))
    await bill(client, setup["finance"], "2026-10")
    draft = await invoice_of(client, setup["finance"], "PDD-MM-PRE-2026", "2026-10")
    url = f"/api/v1/invoices/{draft['id']}"
    finance = bearer(setup["finance"])

    assert (await client.post(f"{url}/pay", headers=finance)).status_code == 409  # a draft is not payable
    assert (await client.post(f"{url}/void", json={"reason": "x"}, headers=finance)).status_code == 409
    # Vendors and shop owners cannot issue.
    assert (await client.post(f"{url}/issue", headers=bearer(setup["yunke"]))).status_code == 403
    assert (await client.post(f"{url}/issue", headers=bearer(setup["owner"]))).status_code == 403

    issued = (await client.post(f"{url}/issue", headers=finance)).json()
    assert issued["number"] == "VMS-2026-000001" and issued["status"] == "issued"
    assert len(issued["pdf_sha256"]) == 64
    again = await client.post(f"{url}/issue", headers=finance)
    assert again.status_code == 409
    assert again.json()["detail"] == "cannot issue invoice VMS-2026-000001: it is issued"

    pdf = await client.get(f"{url}/pdf", headers=bearer(setup["owner"]))
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    import hashlib

    assert hashlib.sha256(pdf.content).hexdigest() == issued["pdf_sha256"]
    assert (await client.get(f"{url}/pdf", headers=finance)).content == pdf.content

    paid = (await client.post(f"{url}/pay", headers=finance)).json()
    assert paid["status"] == "paid"
    assert (await client.post(f"{url}/void", json={"reason": ""}, headers=finance)).status_code == 422
    note = await client.post(f"{url}/void", json={"reason": "客户重复开票"}, headers=finance)
    assert note.status_code == 201, note.text
    credit = note.json()
    assert (credit["kind"], credit["status"], credit["number"]) == ("credit_note", "issued", "VMS-2026-000002")
    assert credit["credit_note_for"] == "VMS-2026-000001"
    assert (credit["net"], credit["tax"], credit["total"]) == ("-14370.00", "-862.20", "-15232.20")
    assert (await client.get(url, headers=finance)).json()["status"] == "void"
    assert (await client.post(f"{url}/void", json={"reason": "again"}, headers=finance)).status_code == 409
    # The voided period can be billed afresh.
    rerun = await bill(client, setup["finance"], "2026-10")
    assert rerun["skipped_issued"] == 0 and rerun["drafts"] == 8


async def test_invoice_numbers_take_the_year_of_the_issue_in_asia_shanghai(client, setup, fixed_clock) -> None:
    """The yearly sequence turns at midnight in Asia/Shanghai (16:00 UTC), not at midnight UTC."""
    await submit(client, setup["yunke"], good_month(MM))
    await bill(client, setup["finance"], "2026-10")
    finance = bearer(setup["finance"])
    drafts = (await client.get("/api/v1/invoices", params={"period": "2026-10"}, headers=finance)).json()["items"]
    first, second, third = (d["id"] for d in drafts[:3])

    fixed_clock.set(datetime(2026, 12, 31, 15, 59, 59, 999999, tzinfo=UTC))  # 23:59:59.999999 in Shanghai
    issued = (await client.post(f"/api/v1/invoices/{first}/issue", headers=finance)).json()
    assert issued["number"] == "VMS-2026-000001"
    fixed_clock.set(datetime(2026, 12, 31, 16, 0, tzinfo=UTC))  # 2027-01-01 00:00 in Shanghai, still 2026 in UTC
    issued = (await client.post(f"/api/v1/invoices/{second}/issue", headers=finance)).json()
    assert issued["number"] == "VMS-2027-000001"
    assert issued["issued_at"] == "2026-12-31T16:00:00Z"
    fixed_clock.set(datetime(2027, 1, 1, 9, 0, tzinfo=UTC))
    issued = (await client.post(f"/api/v1/invoices/{third}/issue", headers=finance)).json()
    assert issued["number"] == "VMS-2027-000002"


async def test_late_data_becomes_exact_adjustments(client, setup, pinned_clock) -> None:
    yunke, finance = setup["yunke"], bearer(setup["finance"])
    await submit(client, yunke, good_month(MM))
    await bill(client, setup["finance"], "2026-10")
    october = await invoice_of(client, setup["finance"], "PDD-MM-PRE-2026", "2026-10")
    await client.post(f"/api/v1/invoices/{october['id']}/issue", headers=finance)

    # A late correction: yk01 served 450 buyers on 15 October, not 150 (average response unchanged).
    await submit(
        client,
        yunke,
        [
            daily(
                "pdd-mm:yk01",
                "2026-10-15",
                consultations=450,
                unanswered_3min=6,
                answered_30s=120,
                response_seconds_total="8100",
                responses=450,
                inquiries=60,
                paid_buyers=21,
                sales_amount="2100.00",
                orders=21,
                surveys=30,
                satisfied=29,
            )
        ],
    )
    # October recomputed: 14,250 consultations → tier 2 4,250 × 0.60 = 2550.00, service 13,550.00,
    # still 100 points → net 14,550.00; billed 14,370.00 → adjustment +180.00.
    # November has no data: base 3000.00, nothing evaluated; net 3000.00 + 180.00 = 3180.00, tax 190.80.
    await bill(client, setup["finance"], "2026-11")
    november = await invoice_of(client, setup["finance"], "PDD-MM-PRE-2026", "2026-11")
    assert ("adjustment", "180.00") in lines(november)
    line = next(li for li in november["lines"] if li["kind"] == "adjustment")
    assert line["description"] == "adjustment for 2026-10 (VMS-2026-000001)"
    assert (november["adjustments"], november["net"], november["tax"], november["total"]) == (
        "180.00",
        "3180.00",
        "190.80",
        "3370.80",
    )
    # Billing November again gives the same adjustment, never a doubled one.
    await bill(client, setup["finance"], "2026-11")
    november = await invoice_of(client, setup["finance"], "PDD-MM-PRE-2026", "2026-11")
    assert [a for k, a in lines(november) if k == "adjustment"] == ["180.00"]
    issued = (await client.post(f"/api/v1/invoices/{november['id']}/issue", headers=finance)).json()
    assert issued["number"] == "VMS-2026-000002"

    # A second change in October after November was issued: yk02 served 250 on 20 October, and a
    # QA inspection finds a violation worth 50.00. October now: 14,350 consultations → tier 2
    # 4,350 × 0.60 = 2610.00, service 13,610.00, bonus 1000.00, penalties 50.00 → net 14,560.00.
    # Already billed for October: 14,370.00 + 180.00 = 14,550.00 → December adjusts +10.00.
    await submit(
        client,
        yunke,
        [
            daily(
                "pdd-mm:yk02",
                "2026-10-20",
                consultations=250,
                unanswered_3min=6,
                answered_30s=120,
                response_seconds_total="4500",
                responses=250,
                inquiries=60,
                paid_buyers=21,
                sales_amount="2100.00",
                orders=21,
                surveys=30,
                satisfied=29,
            )
        ],
    )
    response = await client.post(
        "/api/v1/incidents",
        json={
            "contract": "PDD-MM-PRE-2026",
            "date": "2026-10-20",
            "kind": "inspection",
            "points": 0,
            "penalty_amount": "50.00",
            "note": "抽检: 未按话术回复",
        },
        headers=bearer(setup["owner"]),
    )
    assert response.status_code == 201, response.text
    await bill(client, setup["finance"], "2026-12")
    december = await invoice_of(client, setup["finance"], "PDD-MM-PRE-2026", "2026-12")
    assert [(k, a) for k, a in lines(december) if k == "adjustment"] == [("adjustment", "10.00")]
    assert (december["net"], december["total"]) == ("3010.00", "3190.60")
    # Two adjustment rows, both correcting October: November's +180.00 and December's +10.00.
    october = await invoice_of(client, setup["finance"], "PDD-MM-PRE-2026", "2026-10")
    rows = await InvoiceAdjustment.select(
        InvoiceAdjustment.invoice.period.as_alias("on"), InvoiceAdjustment.target, InvoiceAdjustment.amount_fen
    ).order_by(InvoiceAdjustment.id)
    assert [(r["on"], r["target"], r["amount_fen"]) for r in rows] == [
        ("2026-11", october["id"], 18_000),
        ("2026-12", october["id"], 1_000),
    ]


async def test_scope_of_invoices_and_runs(client, setup) -> None:
    await submit(client, setup["yunke"], good_month(MM))
    await bill(client, setup["admin"], "2026-10")
    for role in ("yunke", "sufu", "owner"):
        response = await client.post("/api/v1/billing-runs", json={"period": "2026-10"}, headers=bearer(setup[role]))
        assert response.status_code == 403
    mine = (await client.get("/api/v1/invoices", headers=bearer(setup["owner"]))).json()
    assert sorted(i["contract"] for i in mine["items"]) == ["PDD-MM-AFT-2026", "PDD-MM-PRE-2026"]
    theirs = (await client.get("/api/v1/invoices", headers=bearer(setup["sufu"]))).json()
    assert sorted(i["contract"] for i in theirs["items"]) == ["PDD-JY-PRE-2026", "PDD-MU-PRE-2026"]
    other = next(i for i in mine["items"] if i["contract"] == "PDD-MM-PRE-2026")
    assert (await client.get(f"/api/v1/invoices/{other['id']}", headers=bearer(setup["sufu"]))).status_code == 404
    assert (await client.get(f"/api/v1/invoices/{other['id']}/pdf", headers=bearer(setup["sufu"]))).status_code == 404
    bad = await client.post("/api/v1/billing-runs", json={"period": "2026-13"}, headers=bearer(setup["finance"]))
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "period"


async def test_live_scorecard_has_the_invoice_shape(client, setup) -> None:
    await submit(client, setup["yunke"], good_month(MM))
    live = await client.get(
        "/api/v1/contracts/PDD-MM-PRE-2026/scorecard", params={"period": "2026-10"}, headers=bearer(setup["yunke"])
    )
    assert live.status_code == 200, live.text
    await bill(client, setup["finance"], "2026-10")
    invoice = await invoice_of(client, setup["finance"], "PDD-MM-PRE-2026", "2026-10")
    assert live.json()["scorecard"] == invoice["scorecard"]
    assert live.json()["metrics"]["reply_rate_3min"] == "0.960000"
    hidden = await client.get(
        "/api/v1/contracts/PDD-MM-PRE-2026/scorecard", params={"period": "2026-10"}, headers=bearer(setup["sufu"])
    )
    assert hidden.status_code == 404


async def test_incident_rules(client, setup) -> None:
    body = {"contract": "PDD-MM-PRE-2026", "date": "2026-10-05", "kind": "praise", "points": 2}
    assert (await client.post("/api/v1/incidents", json=body, headers=bearer(setup["owner"]))).status_code == 201
    assert (await client.post("/api/v1/incidents", json=body, headers=bearer(setup["yunke"]))).status_code == 403
    assert (await client.post("/api/v1/incidents", json=body, headers=bearer(setup["finance"]))).status_code == 403
    foreign = {**body, "contract": "PDD-JY-PRE-2026"}
    assert (await client.post("/api/v1/incidents", json=foreign, headers=bearer(setup["owner"]))).status_code == 404
    bad = await client.post(
        "/api/v1/incidents",
        json={**body, "date": "2027-03-01", "account": "pdd-jy:sf01", "kind": "bribery", "penalty_amount": "1.001"},
        headers=bearer(setup["admin"]),
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"kind", "penalty_amount"}
    outside = await client.post(
        "/api/v1/incidents",
        json={**body, "date": "2027-03-01", "account": "pdd-jy:sf01"},
        headers=bearer(setup["admin"]),
    )
    assert outside.status_code == 422
    assert {e["field"] for e in outside.json()["errors"]} == {"date", "account"}
    listed = (await client.get("/api/v1/incidents", headers=bearer(setup["yunke"]))).json()
    assert [(i["kind"], i["points"]) for i in listed["items"]] == [("praise", 2)]
    assert (await client.get("/api/v1/incidents", headers=bearer(setup["sufu"]))).json()["total"] == 0


async def test_concurrent_issuing_numbers_are_gapless(client, setup, db, pinned_clock) -> None:
    if not db.is_postgres:
        pytest.skip("real concurrent transactions: PostgreSQL")
    template = parse_toml((CONTRACTS_DIR / "pdd-mumu-presale.toml").read_text(encoding="utf-8"))
    for n in range(42):  # 8 monthly examples + 42 = 50 drafts for October
        doc = msgspec.structs.replace(
            template,
            code=f"PDD-MU-X{n:02d}",
            accounts=[msgspec.structs.replace(template.accounts[0], code=f"pdd-mu:x{n:02d}")],
        )
        await import_document(local_admin(), doc)
    run = await bill(client, setup["finance"], "2026-10")
    assert run["drafts"] == 50
    finance = bearer(setup["finance"])
    responses = await asyncio.gather(
        *(client.post(f"/api/v1/invoices/{invoice_id}/issue", headers=finance) for invoice_id in run["invoice_ids"])
    )
    assert all(r.status_code == 200 for r in responses), [r.text for r in responses if r.status_code != 200][:2]
    numbers = sorted(r.json()["number"] for r in responses)
    assert numbers == [f"VMS-2026-{n:06d}" for n in range(1, 51)]
