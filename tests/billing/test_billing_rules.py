"""The billing rules above the arithmetic (SPEC 4 and 5.8; issue 17 item 3), over HTTP.

One test per rule, each named for it and each failing on the bug written in its docstring
(planted, watched failing, undone). The contract is the example PDD-MM-PRE-2026 (base 3000.00 a
month, 0.80 a consultation up to 10,000, bonus pool 1000.00 from a ratio of 0.70, tax 6%).

The late record used below, worked out once: 100 consultations, none unanswered, 10 s on
average, no inquiries → reply rate 1.00 ≥ 0.95 → 40 points; 10 s ≤ 20 → 30 points; conversion
undefined (no inquiries), so max_points 70, score 70, ratio 1 ≥ 0.70 → bonus 1000.00; no red
line. A month of 31 days with it: 3000.00 + 100 × 0.80 + 1000.00 = 4080.00 (200 consultations:
4160.00). A month without data bills the base fee alone: 3000.00.
"""

from __future__ import annotations

import tomllib

import msgspec
import pytest

from tests.support import CONTRACTS_DIR, bearer, daily, import_examples, submit

CONTRACT = "PDD-MM-PRE-2026"


def late_record(day: str, consultations: int = 100) -> dict[str, object]:
    return daily(
        "pdd-mm:yk01",
        day,
        consultations=consultations,
        responses=consultations,
        response_seconds_total=str(10 * consultations),
    )


@pytest.fixture
async def api(client, make_token, fast_pdfs, pinned_clock):
    await import_examples("pdd-mengmeng-presale")
    return Api(client, bearer(await make_token("finance")), await make_token("vendor", vendor="yunke"))


class Api:
    def __init__(self, client, finance: dict[str, str], yunke: str) -> None:
        self.client, self.finance, self.yunke = client, finance, yunke

    async def bill(self, period: str) -> dict:
        response = await self.client.post("/api/v1/billing-runs", json={"period": period}, headers=self.finance)
        assert response.status_code == 201, response.text
        (invoice_id,) = response.json()["invoice_ids"]
        return (await self.client.get(f"/api/v1/invoices/{invoice_id}", headers=self.finance)).json()

    async def act(self, invoice: dict, action: str) -> dict:
        response = await self.client.post(f"/api/v1/invoices/{invoice['id']}/{action}", headers=self.finance)
        assert response.status_code == 200, response.text
        return response.json()

    async def bill_and_issue(self, period: str) -> dict:
        return await self.act(await self.bill(period), "issue")


def adjustments(invoice: dict) -> list[tuple[str, str]]:
    return [(line["description"], line["amount"]) for line in invoice["lines"] if line["kind"] == "adjustment"]


async def test_two_changed_issued_periods_each_get_their_adjustment(api: Api) -> None:
    """Bug caught: keeping only the last period's adjustment when two issued periods changed."""
    september = await api.bill_and_issue("2026-09")  # 3000.00 (30 days, no data)
    october = await api.bill_and_issue("2026-10")  # 3000.00
    assert (september["number"], october["number"]) == ("VMS-2026-000001", "VMS-2026-000002")
    await submit(api.client, api.yunke, [late_record("2026-09-10"), late_record("2026-10-10", 200)])
    november = await api.bill("2026-11")
    # September now 3000.00 + 80.00 + 1000.00 = 4080.00 → +1080.00;
    # October now 3000.00 + 160.00 + 1000.00 = 4160.00 → +1160.00.
    assert adjustments(november) == [
        ("adjustment for 2026-09 (VMS-2026-000001)", "1080.00"),
        ("adjustment for 2026-10 (VMS-2026-000002)", "1160.00"),
    ]
    # November: base 3000.00 + 2240.00 of adjustments; tax 5240.00 × 0.06 = 314.40.
    assert (november["adjustments"], november["net"], november["total"]) == ("2240.00", "5240.00", "5554.40")


async def test_an_incident_alone_changes_an_issued_period(api: Api, make_token) -> None:
    """Bug caught: only changed performance data triggering an adjustment, never an incident."""
    october = await api.bill_and_issue("2026-10")  # 3000.00, no data
    owner = bearer(await make_token("shop_owner", shops=["pdd-mengmeng"]))
    incident = {"contract": CONTRACT, "date": "2026-10-10", "kind": "violation", "points": 0}
    response = await api.client.post("/api/v1/incidents", json={**incident, "penalty_amount": "100.00"}, headers=owner)
    assert response.status_code == 201, response.text
    november = await api.bill("2026-11")
    # October now 3000.00 − 100.00 (the incident's fixed penalty, under the 600.00 cap) = 2900.00.
    assert adjustments(november) == [(f"adjustment for 2026-10 ({october['number']})", "-100.00")]
    assert november["net"] == "2900.00"


async def test_a_paid_period_whose_data_changed_is_adjusted(api: Api) -> None:
    """Bug caught: late data adjusting issued invoices only, leaving paid ones out."""
    october = await api.act(await api.bill_and_issue("2026-10"), "pay")
    assert october["status"] == "paid"
    await submit(api.client, api.yunke, [late_record("2026-10-10")])
    november = await api.bill("2026-11")
    assert adjustments(november) == [(f"adjustment for 2026-10 ({october['number']})", "1080.00")]  # 4080 − 3000


async def test_a_period_is_billed_under_the_version_in_force_on_its_last_day(api: Api, make_token) -> None:
    """Bug caught: billing a period under the version in force on its first day.

    SPEC 4 lets v1 bill a whole period under the version in force on its last day (README:
    the choice documented). Version 2 raises the base fee to 3200.00 from 15 October."""
    document = msgspec.to_builtins(tomllib.loads((CONTRACTS_DIR / "pdd-mengmeng-presale.toml").read_text("utf-8")))
    document["pricing"]["base_fee"] = "3200.00"
    admin = bearer(await make_token("admin"))
    amended = await api.client.post(
        "/api/v1/contracts", json=document, params={"effective_from": "2026-10-15"}, headers=admin
    )
    assert amended.status_code == 201, amended.text
    september, october = await api.bill("2026-09"), await api.bill("2026-10")
    assert (september["contract_version"], september["lines"][0]["amount"]) == (1, "3000.00")
    assert (october["contract_version"], october["lines"][0]["amount"]) == (2, "3200.00")
    assert october["net"] == "3200.00"
