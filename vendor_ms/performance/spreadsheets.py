"""XLSX uploads, read as the CSV they stand for, so that one parser holds every ingestion rule.

The first worksheet's rows become CSV rows (header first); dates become ISO dates, whole numbers
print without a decimal point, and other numbers print from their exact decimal text. Row
numbers therefore stay the spreadsheet's own, as in CSV error messages.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

from openpyxl import load_workbook

from vendor_ms.errors import MalformedInput


def is_xlsx(raw: bytes) -> bool:
    return raw.startswith(b"PK\x03\x04")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        # openpyxl reads numbers as float; the shortest repr is the number as Excel shows it
        exact = Decimal(repr(value))
        return str(int(exact)) if exact == exact.to_integral_value() else format(exact, "f")
    return str(value)


def xlsx_to_csv(raw: bytes, *, max_rows: int) -> bytes:
    """The first worksheet as UTF-8 CSV; at most `max_rows` rows are read (the batch limit)."""
    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise MalformedInput(f"the XLSX file cannot be read: {exc}") from None
    try:
        sheet = book.worksheets[0]
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        for index, row in enumerate(sheet.iter_rows(values_only=True)):
            if index > max_rows:
                break
            writer.writerow([_cell(v) for v in row])
    finally:
        book.close()
    return out.getvalue().encode()
