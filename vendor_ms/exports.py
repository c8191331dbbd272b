"""Spreadsheet exports: CSV that is safe to open in Excel, WPS or LibreOffice.

Every CSV the system writes goes through `write_csv`, which neutralises formula injection
(OWASP "CSV injection"): a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return
would be run as a formula by a spreadsheet (`=HYPERLINK(...)` in a shop name, say), so it gets
a leading single quote, which spreadsheets show as text and do not evaluate.

Numbers are the exception, on purpose: a cell that is a plain decimal number (`-14370.00` on a
credit note, `+5`) cannot be a formula, and quoting it would turn an amount into text that
finance can no longer add up. Only cells that are not such numbers are quoted.

Files are UTF-8 with a BOM (without it Excel reads Chinese as GBK mojibake) and CRLF line ends.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

from vendor_ms.access.caller import Caller

# What spreadsheets treat as the start of a formula (tab and CR: some strip them first).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")
BOM = "\ufeff"


def csv_safe(cell: object) -> str:
    """The cell as text, quoted with a leading `'` when a spreadsheet would read it as a formula."""
    text = "" if cell is None else str(cell)
    if text.startswith(FORMULA_TRIGGERS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def write_csv(rows: Iterable[Sequence[object]]) -> bytes:
    """Rows (the header first) as CSV bytes: UTF-8 with BOM, CRLF, every cell `csv_safe`."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([csv_safe(cell) for cell in row])
    return out.getvalue().encode("utf-8")


INVOICE_COLUMNS = (
    "number",
    "contract",
    "title",
    "shop",
    "shop_name",
    "vendor",
    "vendor_name",
    "period",
    "status",
    "kind",
    "net",
    "tax",
    "total",
)


async def invoice_rows(
    caller: Caller, *, period: str | None = None, contract: str | None = None, status: str | None = None
) -> list[list[Any]]:
    """The invoices (and credit notes) the caller may see, as rows of `INVOICE_COLUMNS`.

    Pages through `billing.service.list_invoices`, so scope and filters are exactly the list's.
    """
    from vendor_ms.billing.service import list_invoices
    from vendor_ms.db.tables import Contract
    from vendor_ms.pagination import MAX_LIMIT, Window

    rows: list[list[Any]] = []
    offset = 0
    while True:
        page = await list_invoices(
            caller, period=period, contract=contract, status=status, window=Window(MAX_LIMIT, offset)
        )
        codes = sorted({i.contract for i in page.items})
        names = {
            r["code"]: r
            for r in await Contract.select(
                Contract.code,
                Contract.title,
                Contract.shop.name.as_alias("shop_name"),
                Contract.vendor.name.as_alias("vendor_name"),
            ).where(Contract.code.is_in(codes or [""]))
        }
        for i in page.items:
            named = names.get(i.contract, {})
            rows.append(
                [
                    i.number or "",
                    i.contract,
                    named.get("title", ""),
                    i.shop,
                    named.get("shop_name", ""),
                    i.vendor,
                    named.get("vendor_name", ""),
                    i.period,
                    i.status,
                    i.kind,
                    i.net,
                    i.tax,
                    i.total,
                ]
            )
        offset += MAX_LIMIT
        if offset >= page.total or not page.items:
            return rows


async def invoices_csv(
    caller: Caller, *, period: str | None = None, contract: str | None = None, status: str | None = None
) -> bytes:
    """The CSV export of invoices, as `GET /api/v1/invoices.csv` and `vendor-ms invoices export` give it."""
    rows = await invoice_rows(caller, period=period, contract=contract, status=status)
    return write_csv([INVOICE_COLUMNS, *rows])
