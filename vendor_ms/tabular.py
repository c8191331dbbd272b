"""Tabular files as people send them: CSV in the encodings Chinese Excel writes, or XLSX.

Bytes in, a `Table` out: the header's cells and each data row's cells as text, each row with
the number the spreadsheet shows it under (the first line is row 1), so that every message
can name the row a person sees. The one place files are read: performance records, the upload
page's preview and the conversation-log import all read through `read_table`.

- CSV: UTF-8 with or without BOM, UTF-16 with BOM, else GBK/GB18030 (GB18030 is a superset of
  GBK, so one decoder reads both; a Chinese file in GBK is almost never valid UTF-8, so trying
  UTF-8 first is safe). Comma- or tab-separated (tab when the first line has tabs and no comma).
- XLSX: the first worksheet, or the one named; read with python-calamine (Rust, ~10x faster than
  openpyxl on large sheets). Numbers are written as Excel shows them: whole numbers without a
  decimal point, others with at most 15 significant digits (Excel's own display precision), so
  a stored 1234.5600000000001 reads as 1234.56; dates as ISO dates.
- Platform exports often put a title line above the header ("客服绩效数据 2026-11-02"): the
  header is the first row with at least two non-empty cells, and the rows above it are skipped.
  Blank rows are skipped everywhere (Excel leaves some at the end).
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Literal

from vendor_ms.errors import FieldError, MalformedInput, ValidationFailed
from vendor_ms.messages import Text

FileFormat = Literal["csv", "xlsx"]
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(slots=True)
class Table:
    """A file's header and data rows, every cell as text (stripped of surrounding whitespace)."""

    header: list[str]
    header_row: int  # the row number of the header (1 unless title lines precede it)
    rows: Iterator[tuple[int, list[str]]]  # (row number, cells) of each non-blank row below the header
    format: FileFormat
    encoding: str | None = None  # CSV only: the encoding it was read in
    sheet: str | None = None  # XLSX only: the worksheet read


def is_xlsx(raw: bytes) -> bool:
    """An XLSX file is a ZIP archive."""
    return raw.startswith(b"PK\x03\x04")


def read_table(raw: bytes, *, sheet: str | None = None, file_format: FileFormat | None = None) -> Table:
    """The table in a CSV or XLSX file (told apart by content unless `file_format` is given).

    Raises MalformedInput when the file cannot be read at all, ValidationFailed when it has no
    header row or the named sheet does not exist."""
    if file_format is None:
        file_format = "xlsx" if is_xlsx(raw) else "csv"
    return read_xlsx(raw, sheet=sheet) if file_format == "xlsx" else read_csv(raw)


# ---------------------------------------------------------------------------------------------
# CSV


def decode_csv_text(raw: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-8 with or without BOM, UTF-16 with BOM, else GBK/GB18030."""
    if raw.startswith(codecs.BOM_UTF8):
        candidates = [("utf-8", raw[len(codecs.BOM_UTF8) :])]
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = [("utf-16", raw)]
    else:
        candidates = [("utf-8", raw), ("gb18030", raw)]
    for encoding, data in candidates:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise MalformedInput(Text("file.csv_encoding"))


def read_csv(raw: bytes) -> Table:
    text, encoding = decode_csv_text(raw)
    lines = text.splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise ValidationFailed([FieldError("", Text("file.empty"))])
    delimiter = "\t" if "\t" in lines[first] and "," not in lines[first] else ","
    reader = csv.reader(lines, delimiter=delimiter)
    rows = _csv_rows(reader)
    header_row, header = _header(rows)
    return Table(header, header_row, rows, "csv", encoding=encoding)


def _csv_rows(reader: Iterator[list[str]]) -> Iterator[tuple[int, list[str]]]:
    row = 0
    try:
        for row, cells in enumerate(reader, 1):
            stripped = [cell.strip() for cell in cells]
            if any(stripped):
                yield row, stripped
    except csv.Error as exc:
        raise MalformedInput(Text("file.csv_unreadable", row=row + 1, reason=str(exc))) from None


# ---------------------------------------------------------------------------------------------
# XLSX


def read_xlsx(raw: bytes, *, sheet: str | None = None) -> Table:
    from python_calamine import CalamineError, CalamineWorkbook, WorksheetNotFound

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(raw))
    except (CalamineError, OSError, ValueError) as exc:
        raise MalformedInput(Text("file.xlsx_unreadable", reason=str(exc)[:200])) from None
    names: Sequence[str] = book.sheet_names
    if sheet is None and not names:
        raise ValidationFailed([FieldError("", Text("file.empty"))])
    name = sheet if sheet is not None else names[0]
    try:
        grid = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except WorksheetNotFound:
        shown = "、".join(names)
        raise ValidationFailed([FieldError("sheet", Text("file.no_sheet", sheet=name[:40], sheets=shown))]) from None
    except (CalamineError, ValueError) as exc:
        raise MalformedInput(Text("file.xlsx_unreadable", reason=str(exc)[:200])) from None
    rows = _xlsx_rows(grid)
    header_row, header = _header(rows)
    return Table(header, header_row, rows, "xlsx", sheet=name)


def _xlsx_rows(grid: Sequence[Sequence[object]]) -> Iterator[tuple[int, list[str]]]:
    for row, values in enumerate(grid, 1):
        cells = [cell_text(value) for value in values]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            yield row, cells


def cell_text(value: object) -> str:
    """An XLSX cell's value as the text Excel shows for it (see the module docstring)."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float | int):
        if isinstance(value, float) and not value.is_integer():
            return format(Decimal(f"{value:.15g}").normalize(), "f")
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, timedelta | time):
        return str(value)
    return str(value).strip()


# ---------------------------------------------------------------------------------------------


def _header(rows: Iterator[tuple[int, list[str]]]) -> tuple[int, list[str]]:
    """The first row with at least two non-empty cells (title lines above it are skipped)."""
    for row, cells in rows:
        if sum(1 for cell in cells if cell) >= 2:
            cells = list(cells)
            if cells:
                cells[0] = cells[0].lstrip("\ufeff").strip()
            return row, cells
    raise ValidationFailed([FieldError("", Text("file.no_header"))])
