"""Daily records from a file (SPEC 3, 10.3, 10.4): a CSV or XLSX table whose columns an export
profile names, every cell checked, rate columns checked against the counts of their row.

Pure: a `tabular.Table` (or the file's bytes) in, a `ParsedBatch` out. Every message names the
row as the spreadsheet numbers it (the header is row 1 unless title lines precede it) and the
column exactly as the file wrote it (满意数, not `satisfied`). Header problems (an unknown, a
repeated or a missing column) are all reported together before any row is read; then every row's
problems are collected, never stopping at the first.

Cells: counts are whole numbers, with or without thousands separators (1,234); decimals likewise
(1,234.5); dates as 2026-11-02, 2026/11/2, 2026.11.2, 20261102 or 2026年11月2日 (an XLSX date
cell is a date). A row whose account cell is 合计, 总计, 汇总, 平均 or 均值 is the export's own
summary line and is skipped. Rate columns (see `export_profiles`) are checked once the row's
counts are valid, and never stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from vendor_ms.domain.export_profiles import (
    ACCOUNT,
    DATE,
    KEY_HEADERS,
    PLATFORM_PROFILES,
    SKIP,
    STANDARD,
    ExportProfile,
    read_shown,
)
from vendor_ms.domain.metrics import RECORD_FIELDS, PerformanceTotals, metric_ratio
from vendor_ms.domain.performance import (
    MAX_BATCH_RECORDS,
    MAX_UNITS,
    ParsedBatch,
    account_problem,
    add_key,
    check_count,
    finish_values,
    from_units,
)
from vendor_ms.errors import FieldError, ValidationFailed
from vendor_ms.messages import Text
from vendor_ms.tabular import FileFormat, Table, read_table

_ZH = {**dict(KEY_HEADERS), **{f.name: f.zh for f in RECORD_FIELDS}}
_COLUMNS: tuple[str, ...] = (ACCOUNT, DATE, *(f.name for f in RECORD_FIELDS))
SUMMARY_ROWS = frozenset({"合计", "总计", "汇总", "平均", "均值"})

# Each metric's formula over the counts, for the message of a rate that disagrees (checked
# against METRICS by a test): numerator terms (the first minus the others), denominator.
FORMULAS: Mapping[str, tuple[tuple[str, ...], str]] = {
    "reply_rate_3min": (("consultations", "unanswered_3min"), "consultations"),
    "answer_rate_30s": (("answered_30s",), "consultations"),
    "avg_response_seconds": (("response_seconds_total",), "responses"),
    "inquiry_conversion": (("paid_buyers",), "inquiries"),
    "satisfaction_rate": (("satisfied",), "surveys"),
    "dispute_refund_rate": (("dispute_refunds",), "orders"),
}


@dataclass(slots=True)
class Columns:
    """Where each column of SPEC 3 is in a file, how the file named it, and its rate columns."""

    positions: list[int]  # of _COLUMNS: account, date, then RECORD_FIELDS order
    names: dict[str, str]  # account, date, each field -> the header as written
    derived: list[tuple[int, str, str, bool]] = field(default_factory=list)  # (position, metric, header, percent)
    width: int = 0


def map_columns(header: Sequence[str], header_row: int, profile: ExportProfile) -> Columns:
    """The columns of `header` under `profile`; ValidationFailed naming every header problem."""
    positions: dict[str, int] = {}
    written: dict[str, str] = {}
    derived: list[tuple[int, str, str, bool]] = []
    errors: list[FieldError] = []
    for i, cell in enumerate(header):
        if not cell:
            continue  # a blank header cell (a spacer column) holds nothing we read
        column = profile.column(cell)
        if column is None:
            errors.append(FieldError(cell[:64], Text("column.unknown", profile=profile.zh), header_row))
        elif column.target == SKIP:
            continue
        elif column.target in positions:
            first = positions[column.target] + 1
            errors.append(FieldError(cell[:64], Text("column.twice", first=first, second=i + 1), header_row))
        else:
            positions[column.target] = i
            if column.is_rate:
                derived.append((i, column.target, cell, column.percent))
            else:
                written[column.target] = cell
    for target in _COLUMNS:
        if target not in positions:
            shown = [f"“{_ZH[target]}”", f"“{target}”"]
            shown += [f"“{h}”" for h in profile.headers_of(target) if h not in (target, _ZH[target].casefold())][:3]
            errors.append(FieldError(_ZH[target], Text("column.missing", names=shown), header_row))
    if errors:
        raise ValidationFailed(errors)
    return Columns([positions[t] for t in _COLUMNS], written, derived, len(header))


def parse_file(
    raw: bytes,
    *,
    profile: ExportProfile = STANDARD,
    sheet: str | None = None,
    file_format: FileFormat | None = None,
    max_records: int | None = MAX_BATCH_RECORDS,
    progress: Callable[[int], None] | None = None,
) -> ParsedBatch:
    """Read a CSV or XLSX file (see `tabular`) and parse it under `profile`."""
    table = read_table(raw, sheet=sheet, file_format=file_format)
    return parse_table(table, profile, max_records=max_records, progress=progress)


def parse_csv(
    raw: bytes,
    *,
    profile: ExportProfile = STANDARD,
    max_records: int | None = MAX_BATCH_RECORDS,
    progress: Callable[[int], None] | None = None,
) -> ParsedBatch:
    """A CSV upload (UTF-8 with or without BOM, UTF-16 with BOM, GBK or GB18030)."""
    return parse_file(raw, profile=profile, file_format="csv", max_records=max_records, progress=progress)


def parse_table(
    table: Table,
    profile: ExportProfile,
    *,
    max_records: int | None = MAX_BATCH_RECORDS,
    progress: Callable[[int], None] | None = None,
) -> ParsedBatch:
    """Every record of the table, every problem of every row (see the module docstring).

    `progress`, if given, is called with the number of records read so far every 10,000 rows.
    """
    columns = map_columns(table.header, table.header_row, profile)
    parsed = ParsedBatch(
        source_format=table.format,
        profile=profile.name,
        account_field=columns.names[ACCOUNT],
        date_field=columns.names[DATE],
    )
    seen: dict[tuple[str, date], int] = {}
    account_at = columns.positions[0]
    for row, cells in table.rows:
        if account_at < len(cells) and cells[account_at] in SUMMARY_ROWS:
            continue
        parsed.count += 1
        if max_records is not None and parsed.count > max_records:
            # Too many: count the rest without parsing them, for the message.
            parsed.count += sum(1 for _ in table.rows)
            break
        _row(parsed, seen, row, cells, columns, table.format)
        if progress is not None and parsed.count % 10_000 == 0:
            progress(parsed.count)
    check_count(parsed.count, max_records)
    if progress is not None:
        progress(parsed.count)
    return parsed


def account_column(header: Sequence[str]) -> int | None:
    """The account column of a header as any platform's export names it (to find the platform)."""
    for i, cell in enumerate(header):
        for profile in (STANDARD, *PLATFORM_PROFILES.values()):
            column = profile.column(cell) if cell else None
            if column is not None and column.target == ACCOUNT:
                return i
    return None


def _row(
    parsed: ParsedBatch,
    seen: dict[tuple[str, date], int],
    row: int,
    cells: list[str],
    columns: Columns,
    file_format: str,
) -> None:
    errors = parsed.errors
    width = columns.width
    if len(cells) < width and file_format == "xlsx":
        cells = cells + [""] * (width - len(cells))  # XLSX rows end at their last non-empty cell
    if len(cells) != width and (file_format == "csv" or any(cells[width:])):
        code = "row.cell_count_separator" if len(cells) > width else "row.cell_count"
        errors.append(FieldError("", Text(code, cells=len(cells), width=width), row))
        return
    names = columns.names
    account = cells[columns.positions[0]]
    day = _date(cells[columns.positions[1]], names[DATE], row, errors)
    problem = Text("value.empty") if not account else account_problem(account)
    if problem is not None:
        errors.append(FieldError(names[ACCOUNT], problem, row))
    elif day is not None:
        add_key(parsed, seen, row, (account, day))
    before = len(errors)
    values: list[Any] = []
    for f, position in zip(RECORD_FIELDS, columns.positions[2:], strict=True):
        cell = cells[position]
        if f.kind == "int":
            values.append(_int(cell, names[f.name], row, errors))
        else:
            values.append(_decimal(cell, names[f.name], row, errors))
    if len(errors) == before:
        finished = finish_values(values, row, errors, names)
        parsed.values.append(finished)
        if columns.derived and len(errors) == before:
            _check_derived(finished, cells, columns, row, errors)


def _check_derived(
    values: Sequence[int], cells: list[str], columns: Columns, row: int, errors: list[FieldError]
) -> None:
    """Each rate column of the row against the exact ratio of the row's counts (never stored)."""
    counts: dict[str, Any] = {f.name: from_units(f, v) for f, v in zip(RECORD_FIELDS, values, strict=True)}
    totals = PerformanceTotals(**counts)
    for position, metric, header, percent in columns.derived:
        shown = read_shown(cells[position], metric, percent)
        if shown is None:
            continue
        if isinstance(shown, Text):
            errors.append(FieldError(header, shown, row))
            continue
        ratio = metric_ratio(totals, metric)
        if ratio is None or shown.agrees(ratio):
            continue  # undefined (denominator 0): nothing to check against
        errors.append(
            FieldError(
                header,
                Text(
                    "rate.disagrees",
                    shown=cells[position],
                    formula=_formula(metric, totals, columns.names),
                    expected=shown.like(ratio),
                ),
                row,
            )
        )


def _formula(metric: str, totals: PerformanceTotals, names: Mapping[str, str]) -> str:
    """ "(咨询人数 − 3分钟未人工回复人数) / 咨询人数 = (500 − 30) / 500": names as written, then values."""
    terms, denominator = FORMULAS[metric]

    def written(fields: Sequence[str]) -> str:
        text = " − ".join(fields)
        return f"({text})" if len(fields) > 1 else text

    named = f"{written([names[t] for t in terms])} / {names[denominator]}"
    valued = f"{written([str(getattr(totals, t)) for t in terms])} / {getattr(totals, denominator)}"
    return f"{named} = {valued}"


_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(\s+0{1,2}:00(:00)?)?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DATE_ZH = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
_GROUPED_INT = re.compile(r"^\d{1,3}(,\d{3})+$")
_DECIMAL = re.compile(r"^(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$|^\.\d+$")
_MAX_INT_DIGITS = 100


def _date(cell: str, name: str, row: int, errors: list[FieldError]) -> date | None:
    match = _DATE.match(cell) or _DATE_COMPACT.match(cell) or _DATE_ZH.match(cell)
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            pass
    message = Text("value.empty") if not cell else Text("value.not_date", value=repr(cell[:40]))
    errors.append(FieldError(name, message, row))
    return None


def _int(cell: str, name: str, row: int, errors: list[FieldError]) -> int:
    if (cell.isascii() and cell.isdigit()) or _GROUPED_INT.match(cell):
        digits = cell.replace(",", "")
        # int() refuses more than 4,300 digits (ValueError); anything that long is too large anyway.
        value = int(digits) if len(digits) <= _MAX_INT_DIGITS else MAX_UNITS + 1
    else:
        if not cell:
            message = Text("value.empty")
        elif cell.startswith("-") and _DECIMAL.match(cell[1:]):
            message = Text("value.negative", value=cell)
        else:
            message = Text("value.not_whole", value=repr(cell[:40]))
        errors.append(FieldError(name, message, row))
        return 0
    if value > MAX_UNITS:
        errors.append(FieldError(name, Text("value.too_large_max", limit=MAX_UNITS), row))
        return 0
    return value


def _decimal(cell: str, name: str, row: int, errors: list[FieldError]) -> Decimal:
    if _DECIMAL.match(cell):
        try:
            return Decimal(cell.replace(",", ""))
        except InvalidOperation:  # pragma: no cover - the pattern already excludes these
            pass
    if not cell:
        message = Text("value.empty")
    elif cell.startswith("-") and _DECIMAL.match(cell[1:]):
        message = Text("value.negative", value=cell)
    else:
        message = Text("value.not_decimal", value=repr(cell[:40]))
    errors.append(FieldError(name, message, row))
    return Decimal(0)


# ---------------------------------------------------------------------------------------------
# writing records as a file has them


def csv_header(*, chinese: bool = False) -> list[str]:
    """The header row of a CSV upload, in the order of SPEC section 3."""
    return [_ZH[name] if chinese else name for name in _COLUMNS]


def csv_cells(account: str, day: date, values: Sequence[int]) -> list[str]:
    """One record as CSV cells (the inverse of parsing), decimals written exactly."""
    cells = [account, day.isoformat()]
    cells.extend(str(from_units(f, v)) for f, v in zip(RECORD_FIELDS, values, strict=True))
    return cells
