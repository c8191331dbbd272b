"""Gapless invoice numbers (SPEC 5, lifecycle): an issue that fails after it has taken its
number gives the number back, and the next issue takes it.

The failure is injected where a real one would strike after the number is taken: rendering the
issued document's PDF (WeasyPrint), which the number is printed on. The rendering function is the
seam (`vendor_ms.documents.render.html_to_pdf`); everything else goes through the HTTP API.

Bug this catches: numbers from a plain sequence (or a counter committed apart from the issue),
which leave a gap when the issuing transaction rolls back.
"""

from __future__ import annotations

import hashlib

import pytest

from tests.support import bearer, import_examples
from vendor_ms.db.tables import Invoice


class RenderFailure(RuntimeError):
    pass


class Renderer:
    """A fast stand-in for WeasyPrint that fails the next `fail` renders."""

    def __init__(self) -> None:
        self.fail = 0

    def __call__(self, html: str) -> bytes:
        if self.fail:
            self.fail -= 1
            raise RenderFailure("WeasyPrint crashed")
        return b"%PDF-1.7\n% stub " + hashlib.sha256(html.encode()).hexdigest().encode() + b"\n%%EOF\n"


@pytest.fixture
def renderer(monkeypatch: pytest.MonkeyPatch) -> Renderer:
    stub = Renderer()
    monkeypatch.setattr("vendor_ms.documents.render.html_to_pdf", stub)
    return stub


async def numbered() -> list[tuple[int, str]]:
    rows = await Invoice.select(Invoice.id, Invoice.number).where(Invoice.number.is_not_null()).order_by(Invoice.id)
    return [(r["id"], r["number"]) for r in rows]


async def test_a_failed_issue_gives_its_number_to_the_next(client, make_token, renderer, pinned_clock) -> None:
    await import_examples("pdd-mengmeng-presale", "pdd-jiayi-presale", "pdd-youpin-full")
    finance = bearer(await make_token("finance"))
    run = await client.post("/api/v1/billing-runs", json={"period": "2026-10"}, headers=finance)
    assert run.status_code == 201, run.text
    a, b, c = run.json()["invoice_ids"]

    async def issue(invoice_id: int) -> tuple[int, str | None]:
        response = await client.post(f"/api/v1/invoices/{invoice_id}/issue", headers=finance)
        return response.status_code, response.json().get("number")

    assert await issue(a) == (200, "VMS-2026-000001")
    renderer.fail = 1
    assert await issue(b) == (500, None)  # took 000002, then its PDF failed: all rolled back
    assert (await client.get(f"/api/v1/invoices/{b}", headers=finance)).json()["status"] == "draft"
    assert await issue(c) == (200, "VMS-2026-000002")  # the number b gave back
    assert await issue(b) == (200, "VMS-2026-000003")

    # Voiding takes a number for its credit note: a failure there gives it back too.
    renderer.fail = 1
    failed = await client.post(f"/api/v1/invoices/{a}/void", json={"reason": "金额有误"}, headers=finance)
    assert failed.status_code == 500
    assert (await client.get(f"/api/v1/invoices/{a}", headers=finance)).json()["status"] == "issued"
    note = await client.post(f"/api/v1/invoices/{a}/void", json={"reason": "金额有误"}, headers=finance)
    assert (note.status_code, note.json()["number"]) == (201, "VMS-2026-000004")
    assert await numbered() == [
        (a, "VMS-2026-000001"),
        (b, "VMS-2026-000003"),
        (c, "VMS-2026-000002"),
        (note.json()["id"], "VMS-2026-000004"),
    ]
