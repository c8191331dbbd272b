"""Daily performance records (SPEC section 3): parsing JSON and CSV batches and validating every row.

Pure: bytes in, typed rows (or every row's errors) out; no database. A batch is all-or-nothing,
so parsing never stops at the first problem: it collects each row's errors (row number, field,
reason) and the service adds the errors only the database can find (unknown accounts, dates
outside a binding) before refusing the batch as a whole.

Values are stored as integers: counts as they are, `response_seconds_total` in milliseconds and
`sales_amount` in fen (`RecordField.places` decimals, never more). A validated record is the
tuple `DailyValues` of those integers in `RECORD_FIELDS` order.

JSON takes a fast path for valid batches (msgspec decoding straight into Structs, in C) and falls
back to a field-by-field walk that names every problem only when that fails. CSV is UTF-8 (with
or without BOM), UTF-16 with BOM or GBK/GB18030; headers are the JSON keys or the Chinese headers
of SPEC section 3, in any order; numbers may carry thousands separators.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import operator
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

import msgspec

from vendor_ms.domain.contract import CODE_PATTERN
from vendor_ms.domain.decoding import decode_json_bytes
from vendor_ms.domain.metrics import RECORD_FIELDS, RecordField
from vendor_ms.errors import FieldError, MalformedInput, RecordsNotFound, ValidationFailed

MAX_BATCH_RECORDS = 100_000
UNKNOWN_ACCOUNT = "unknown account"  # an account the submitter cannot see, or that does not exist
# Upper bound of any stored integer (a count, milliseconds, fen): far above any real account-day,
# far enough below 2**63 that sums over millions of records cannot overflow.
MAX_UNITS = 10**12
ACCOUNT_MAX_LENGTH = 64
# Account codes follow the contract documents' code pattern; anything else (a formula such as
# =HYPERLINK(...), spaces, control characters) is malformed rather than an unknown account.
_ACCOUNT_CODE = re.compile(CODE_PATTERN)
NOT_A_CODE = "is not an account code (letters and digits, then letters, digits, . _ : -)"

FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in RECORD_FIELDS)
KEY_FIELDS: tuple[tuple[str, str], ...] = (("account", "客服账号"), ("date", "日期"))

# The validated counts of one record, in RECORD_FIELDS order: ints, decimals in storage units.
DailyValues = tuple[int, ...]

_INDEX = {f.name: i for i, f in enumerate(RECORD_FIELDS)}
_DECIMALS: tuple[tuple[int, RecordField], ...] = tuple(
    (i, f) for i, f in enumerate(RECORD_FIELDS) if f.kind == "decimal"
)
_BOUNDS: tuple[tuple[int, int, str, str], ...] = tuple(
    (i, _INDEX[f.not_above], f.name, f.not_above) for i, f in enumerate(RECORD_FIELDS) if f.not_above
)


def _tuple_getter(indexes: Sequence[int]) -> Callable[[Sequence[int]], tuple[int, ...]]:
    if len(indexes) == 1:  # itemgetter of one index returns the item, not a tuple
        return lambda values: (values[indexes[0]],)
    return operator.itemgetter(*indexes)


# The bounded values of a record and their bounds, each as one tuple, for a fast elementwise check.
_BOUNDED = _tuple_getter([i for i, _, _, _ in _BOUNDS])
_BOUNDS_BY = _tuple_getter([j for _, j, _, _ in _BOUNDS])


def from_units(f: RecordField, value: int) -> int | Decimal:
    """A stored integer back in the field's own unit, exactly (Decimal with `places` decimals)."""
    if f.kind == "int":
        return value
    return Decimal(value).scaleb(-f.places)


# ---------------------------------------------------------------------------------------------
# the JSON request shape (also what OpenAPI documents), built from RECORD_FIELDS

_Count = Annotated[int, msgspec.Meta(ge=0, le=MAX_UNITS)]
_Account = Annotated[str, msgspec.Meta(min_length=1, max_length=ACCOUNT_MAX_LENGTH, pattern=CODE_PATTERN)]

DailyRecordIn: type[msgspec.Struct] = msgspec.defstruct(
    "DailyRecordIn",
    [
        ("account", _Account),
        ("date", date),
        *((f.name, _Count if f.kind == "int" else Decimal) for f in RECORD_FIELDS),
    ],
    kw_only=True,
    forbid_unknown_fields=True,
    # Its fields hold no containers, so it can form no cycle: untracked by the cyclic GC, which
    # would otherwise scan every record of a large batch over and over while it is decoded.
    gc=False,
)
DailyRecordIn.__doc__ = (
    "One account's counts for one day (SPEC section 3). Decimals are strings or JSON numbers, read "
    "exactly: response_seconds_total with at most 3 decimals, sales_amount with at most 2."
)

DailyBatchIn: type[msgspec.Struct] = msgspec.defstruct(
    "DailyBatchIn",
    [("records", Annotated[list[DailyRecordIn], msgspec.Meta(max_length=MAX_BATCH_RECORDS)])],  # type: ignore[valid-type]
    forbid_unknown_fields=True,
)
DailyBatchIn.__doc__ = f"A batch of daily records: all valid or none written; at most {MAX_BATCH_RECORDS:,} records."

DailyValuesOut: type[msgspec.Struct] = msgspec.defstruct(
    "DailyValues",
    [(f.name, int if f.kind == "int" else Decimal) for f in RECORD_FIELDS],
    kw_only=True,
)


def values_out(values: Sequence[int]) -> Any:
    """A `DailyValues` Struct (decimals as exact Decimals) from stored integers in field order."""
    return DailyValuesOut(**{f.name: from_units(f, v) for f, v in zip(RECORD_FIELDS, values, strict=True)})


# ---------------------------------------------------------------------------------------------
# the parsed batch


@dataclass(slots=True)
class ParsedBatch:
    """Records as parsed, and every problem found in them.

    `keys[i]` (account code, date) and `rows[i]` (the row number errors refer to) exist for every
    record whose account and date are valid, so the service can check those against the database
    even when other fields are wrong. When `errors` is empty, `keys`, `rows` and `values` cover
    every record, in order.
    """

    keys: list[tuple[str, date]] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    values: list[DailyValues] = field(default_factory=list)
    errors: list[FieldError] = field(default_factory=list)
    count: int = 0  # records in the batch, valid or not
    source_format: str = "json"

    def raise_errors(self, more: Iterable[FieldError] = ()) -> None:
        """Raise ValidationFailed with these errors and `more`, ordered by row; nothing if none."""
        errors = [*self.errors, *more]
        if errors:
            # Rows first, then in the order found within a row (sorted() is stable).
            ordered = sorted(errors, key=lambda e: e.row or 0)
            # An account the caller cannot see makes the batch a 404 (SPEC 7: scope never reveals
            # existence), whatever else is wrong with it; every row's errors are listed either way.
            if any(e.field == "account" and e.message.startswith(UNKNOWN_ACCOUNT) for e in errors):
                raise RecordsNotFound(ordered)
            raise ValidationFailed(ordered)

    def content_sha256(self) -> str:
        """A digest of the records (accounts, dates, values, in order), whatever format they came in."""
        digest = hashlib.sha256(msgspec.json.encode(self.keys))
        digest.update(msgspec.json.encode(self.values))
        return digest.hexdigest()


def _check_count(count: int, max_records: int | None) -> None:
    if count == 0:
        raise ValidationFailed([FieldError("records", "is empty: send at least one record")])
    if max_records is not None and count > max_records:
        raise ValidationFailed(
            [FieldError("records", f"has {count:,} records; at most {max_records:,} are accepted per batch")]
        )


def _add(parsed: ParsedBatch, seen: dict[tuple[str, date], int], row: int, key: tuple[str, date]) -> None:
    """Record a valid (account, date) key, refusing a second record for the same account-day."""
    first = seen.setdefault(key, row)
    if first != row:
        parsed.errors.append(
            FieldError("date", f"account {key[0]!r} on {key[1]} already appears in row {first} of this batch", row)
        )
    parsed.keys.append(key)
    parsed.rows.append(row)


def _decimal_units(value: Decimal, f: RecordField, row: int, errors: list[FieldError]) -> int:
    """The decimal in storage units; appends an error (and returns 0) when it cannot be stored exactly."""
    if not value.is_finite():
        errors.append(FieldError(f.name, "must be a finite decimal", row))
        return 0
    if value < 0:
        errors.append(FieldError(f.name, f"must not be negative, got {value}", row))
        return 0
    if value.adjusted() >= 15:
        errors.append(FieldError(f.name, f"is too large ({value:.6g})", row))
        return 0
    # A tiny value would underflow to 0 when scaled; it has too many decimal places anyway.
    scaled = value.scaleb(f.places)
    units = int(scaled)
    if units != scaled or (value and value.adjusted() < -f.places):
        errors.append(FieldError(f.name, f"has more than {f.places} decimal places ({value})", row))
        return 0
    if units > MAX_UNITS:
        errors.append(FieldError(f.name, f"is too large ({value})", row))
        return 0
    return units


def _finish_values(values: list[Any], row: int, errors: list[FieldError]) -> DailyValues:
    """Decimals to storage units and the `not_above` bounds of one record (types already checked)."""
    for i, f in _DECIMALS:
        values[i] = _decimal_units(values[i], f, row, errors)
    for i, j, name, bound in _BOUNDS:
        if values[i] > values[j]:
            errors.append(FieldError(name, f"must not exceed {bound} ({values[i]} > {values[j]})", row))
    return tuple(values)


# ---------------------------------------------------------------------------------------------
# JSON

_BATCH_DECODER = msgspec.json.Decoder(DailyBatchIn)


def parse_json(raw: bytes, *, max_records: int | None = MAX_BATCH_RECORDS) -> ParsedBatch:
    """Parse a `{"records": [...]}` body; every problem lands in `errors`, nothing is raised for rows.

    Raises MalformedInput when the body is not JSON at all, ValidationFailed when it is not a
    batch (not an object, no `records` list, empty, too many records).
    """
    try:
        batch = _BATCH_DECODER.decode(raw)
    except (msgspec.DecodeError, RecursionError, UnicodeDecodeError):
        # Something is wrong somewhere: walk the whole body to name every problem.
        return _parse_json_slowly(raw, max_records)
    records = batch.records  # type: ignore[attr-defined]
    _check_count(len(records), max_records)
    parsed = ParsedBatch(count=len(records))
    _fast_rows(parsed, records)
    return parsed


def _fast_rows(parsed: ParsedBatch, records: list[Any]) -> None:
    """Structs msgspec has already type-checked: decimals to units, bounds, duplicates.

    This loop is the hot path of a valid batch, hence local names and C-level helpers; any
    record it does not accept outright goes through `_finish_values`, which names the problem.
    """
    astuple = msgspec.structs.astuple
    keys, rows, out, errors = parsed.keys, parsed.rows, parsed.values, parsed.errors
    seen: dict[tuple[str, date], int] = {}
    setdefault = seen.setdefault
    decimals = tuple((i, 10**f.places) for i, f in _DECIMALS)
    bounded, bounds = _BOUNDED, _BOUNDS_BY
    le = operator.le
    for row, record in enumerate(records, 1):
        t = astuple(record)
        key = (t[0], t[1])
        first = setdefault(key, row)
        if first != row:
            errors.append(
                FieldError("date", f"account {key[0]!r} on {key[1]} already appears in row {first} of this batch", row)
            )
        keys.append(key)
        rows.append(row)
        values = list(t[2:])
        exact = True
        for i, per_unit in decimals:
            value = values[i]
            # msgspec accepts any exponent: 1E+999999999 as a ratio of integers would never finish.
            if not -20 < value.adjusted() < 15:
                exact = False
                break
            try:
                numerator, denominator = value.as_integer_ratio()
            except (ValueError, OverflowError):  # NaN, infinities
                exact = False
                break
            units = numerator * (per_unit // denominator)
            if per_unit % denominator or not 0 <= units <= MAX_UNITS:
                exact = False
                break
            values[i] = units
        if exact and all(map(le, bounded(values), bounds(values))):
            out.append(tuple(values))
        else:
            out.append(_finish_values(list(t[2:]), row, errors))


def _parse_json_slowly(raw: bytes, max_records: int | None) -> ParsedBatch:
    body = decode_json_bytes(raw)  # MalformedInput for broken, too deeply nested or non-UTF-8 JSON
    if not isinstance(body, dict):
        raise ValidationFailed([FieldError("", 'the body must be an object {"records": [...]}')])
    problems = [FieldError(str(k), "unknown field") for k in body if k != "records"]
    records = body.get("records")
    if records is None:
        problems.append(FieldError("records", "is required"))
    elif not isinstance(records, list):
        problems.append(FieldError("records", "must be a list of records"))
    if problems:
        raise ValidationFailed(problems)
    assert isinstance(records, list)
    _check_count(len(records), max_records)
    parsed = ParsedBatch(count=len(records))
    seen: dict[tuple[str, date], int] = {}
    for row, item in enumerate(records, 1):
        _json_row(parsed, seen, row, item)
    return parsed


def _json_row(parsed: ParsedBatch, seen: dict[tuple[str, date], int], row: int, item: object) -> None:
    errors = parsed.errors
    if not isinstance(item, dict):
        errors.append(FieldError("", "must be an object with the fields of a daily record", row))
        return
    for key in item:
        if key not in _INDEX and key not in ("account", "date"):
            errors.append(FieldError(str(key)[:64], "unknown field", row))
    account = _json_account(item.get("account"), row, errors)
    day = _json_date(item.get("date"), row, errors)
    if account is not None and day is not None:
        _add(parsed, seen, row, (account, day))
    before = len(errors)
    values: list[Any] = []
    for f in RECORD_FIELDS:
        value = item.get(f.name)
        if value is None:
            errors.append(FieldError(f.name, "is required" if f.name not in item else "must not be null", row))
            values.append(0)
        elif f.kind == "int":
            values.append(_json_int(value, f, row, errors))
        else:
            values.append(_json_decimal(value, f, row, errors))
    if len(errors) == before:
        parsed.values.append(_finish_values(values, row, errors))


def _json_account(value: object, row: int, errors: list[FieldError]) -> str | None:
    if value is None:
        errors.append(FieldError("account", "is required", row))
    elif not isinstance(value, str):
        errors.append(FieldError("account", "must be a string (the account's code)", row))
    elif not value:
        errors.append(FieldError("account", "must not be empty", row))
    elif len(value) > ACCOUNT_MAX_LENGTH:
        errors.append(FieldError("account", f"must be at most {ACCOUNT_MAX_LENGTH} characters", row))
    elif not _ACCOUNT_CODE.match(value):
        errors.append(FieldError("account", NOT_A_CODE, row))
    else:
        return value
    return None


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _json_date(value: object, row: int, errors: list[FieldError]) -> date | None:
    if value is None:
        errors.append(FieldError("date", "is required", row))
        return None
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    errors.append(FieldError("date", f"must be a date (YYYY-MM-DD), got {_show(value)}", row))
    return None


def _json_int(value: object, f: RecordField, row: int, errors: list[FieldError]) -> int:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        errors.append(FieldError(f.name, f"must be a whole number, got {_show(value)}", row))
    elif isinstance(value, Decimal):
        errors.append(FieldError(f.name, f"must be a whole number, got {value}", row))
    elif value < 0:
        errors.append(FieldError(f.name, f"must not be negative, got {value}", row))
    elif value > MAX_UNITS:
        errors.append(FieldError(f.name, f"is too large (at most {MAX_UNITS})", row))
    else:
        return value
    return 0


_DECIMAL_TEXT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def _json_decimal(value: object, f: RecordField, row: int, errors: list[FieldError]) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, str) and len(value) <= 40 and _DECIMAL_TEXT.match(value):
        return Decimal(value)
    errors.append(FieldError(f.name, f'must be a decimal number or string such as "12.5", got {_show(value)}', row))
    return Decimal(0)


def _show(value: object) -> str:
    if isinstance(value, str):
        return repr(value[:40])
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return "a list" if isinstance(value, list) else "an object"
    return str(value)[:40]


# ---------------------------------------------------------------------------------------------
# CSV

CSV_HEADERS: Mapping[str, str] = {
    **{name.lower(): name for name, _ in KEY_FIELDS},
    **{zh: name for name, zh in KEY_FIELDS},
    **{f.name.lower(): f.name for f in RECORD_FIELDS},
    **{f.zh: f.name for f in RECORD_FIELDS},
}
_CSV_COLUMNS: tuple[str, ...] = ("account", "date", *FIELD_NAMES)
_ZH = {**dict(KEY_FIELDS), **{f.name: f.zh for f in RECORD_FIELDS}}

_CSV_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_GROUPED_INT = re.compile(r"^\d{1,3}(,\d{3})+$")
_CSV_DECIMAL = re.compile(r"^(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$|^\.\d+$")


def decode_csv_text(raw: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-8 with or without BOM, UTF-16 with BOM, else GBK/GB18030.

    GB18030 is a superset of GBK, so one decoder reads both. A Chinese file in GBK is almost never
    valid UTF-8, so trying UTF-8 first is safe.
    """
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
    raise MalformedInput("the CSV is not text in UTF-8, UTF-16 (with BOM), GBK or GB18030")


def parse_csv(
    raw: bytes,
    *,
    max_records: int | None = MAX_BATCH_RECORDS,
    progress: Callable[[int], None] | None = None,
) -> ParsedBatch:
    """Parse a CSV upload. Row numbers are the spreadsheet's: the header is row 1.

    `progress`, if given, is called with the number of rows read so far every 10,000 rows.
    """
    text, _encoding = decode_csv_text(raw)
    lines = text.splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        raise ValidationFailed([FieldError("", "the CSV is empty: expected a header row and data rows")])
    delimiter = "\t" if "\t" in lines[0] and "," not in lines[0] else ","
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise MalformedInput(f"the CSV header cannot be read: {exc}") from None
    columns = _csv_columns(header)
    parsed = ParsedBatch(source_format="csv")
    seen: dict[tuple[str, date], int] = {}
    try:
        for row, cells in enumerate(reader, 2):
            if not any(cell.strip() for cell in cells):
                continue  # blank lines (Excel leaves some at the end) are not records
            parsed.count += 1
            if max_records is not None and parsed.count > max_records:
                # Too many: count the rest without parsing them, for the message.
                parsed.count += sum(1 for cells in reader if any(cell.strip() for cell in cells))
                break
            _csv_row(parsed, seen, row, cells, columns, len(header))
            if progress is not None and parsed.count % 10_000 == 0:
                progress(parsed.count)
    except csv.Error as exc:
        raise MalformedInput(f"the CSV cannot be read near row {reader.line_num}: {exc}") from None
    _check_count(parsed.count, max_records)
    if progress is not None:
        progress(parsed.count)
    return parsed


def _csv_columns(header: list[str]) -> list[int]:
    """The position of each of `_CSV_COLUMNS` in the header; ValidationFailed naming every problem."""
    positions: dict[str, int] = {}
    errors: list[FieldError] = []
    for i, cell in enumerate(header):
        text = cell.strip().lstrip("\ufeff").strip()
        name = CSV_HEADERS.get(text) or CSV_HEADERS.get(text.lower())
        if name is None:
            errors.append(FieldError(text[:64] or f"column {i + 1}", "unknown column", 1))
        elif name in positions:
            errors.append(FieldError(name, f"appears twice (columns {positions[name] + 1} and {i + 1})", 1))
        else:
            positions[name] = i
    for name in _CSV_COLUMNS:
        if name not in positions:
            errors.append(FieldError(name, f"missing column (header {name!r} or {_ZH[name]!r})", 1))
    if errors:
        raise ValidationFailed(errors)
    return [positions[name] for name in _CSV_COLUMNS]


def _csv_row(
    parsed: ParsedBatch,
    seen: dict[tuple[str, date], int],
    row: int,
    cells: list[str],
    columns: list[int],
    width: int,
) -> None:
    errors = parsed.errors
    if len(cells) != width:
        hint = " (an unquoted thousands separator? quote such numbers)" if len(cells) > width else ""
        errors.append(FieldError("", f"has {len(cells)} cells; the header has {width} columns{hint}", row))
        return
    account = cells[columns[0]].strip()
    day = _csv_date(cells[columns[1]], row, errors)
    if not account:
        errors.append(FieldError("account", "is empty", row))
    elif len(account) > ACCOUNT_MAX_LENGTH:
        errors.append(FieldError("account", f"must be at most {ACCOUNT_MAX_LENGTH} characters", row))
    elif not _ACCOUNT_CODE.match(account):
        errors.append(FieldError("account", NOT_A_CODE, row))
    elif day is not None:
        _add(parsed, seen, row, (account, day))
    before = len(errors)
    values: list[Any] = []
    for f, position in zip(RECORD_FIELDS, columns[2:], strict=True):
        cell = cells[position].strip()
        if f.kind == "int":
            values.append(_csv_int(cell, f, row, errors))
        else:
            values.append(_csv_decimal(cell, f, row, errors))
    if len(errors) == before:
        parsed.values.append(_finish_values(values, row, errors))


def _csv_date(cell: str, row: int, errors: list[FieldError]) -> date | None:
    text = cell.strip()
    if match := _CSV_DATE.match(text):
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            pass
    message = "is empty" if not text else f"must be a date (YYYY-MM-DD or YYYY/M/D), got {text[:40]!r}"
    errors.append(FieldError("date", message, row))
    return None


_MAX_INT_DIGITS = 100


def _csv_int(cell: str, f: RecordField, row: int, errors: list[FieldError]) -> int:
    if (cell.isascii() and cell.isdigit()) or _GROUPED_INT.match(cell):
        digits = cell.replace(",", "")
        # int() refuses more than 4,300 digits (ValueError); anything that long is too large anyway.
        value = int(digits) if len(digits) <= _MAX_INT_DIGITS else MAX_UNITS + 1
    else:
        if not cell:
            message = "is empty"
        elif cell.startswith("-") and _CSV_DECIMAL.match(cell[1:]):
            message = f"must not be negative, got {cell}"
        else:
            message = f"must be a whole number, got {cell[:40]!r}"
        errors.append(FieldError(f.name, message, row))
        return 0
    if value > MAX_UNITS:
        errors.append(FieldError(f.name, f"is too large (at most {MAX_UNITS})", row))
        return 0
    return value


def _csv_decimal(cell: str, f: RecordField, row: int, errors: list[FieldError]) -> Decimal:
    if _CSV_DECIMAL.match(cell):
        try:
            return Decimal(cell.replace(",", ""))
        except InvalidOperation:  # pragma: no cover - the pattern already excludes these
            pass
    if not cell:
        message = "is empty"
    elif cell.startswith("-") and _CSV_DECIMAL.match(cell[1:]):
        message = f"must not be negative, got {cell}"
    else:
        message = f"must be a decimal number such as 12.5, got {cell[:40]!r}"
    errors.append(FieldError(f.name, message, row))
    return Decimal(0)


def csv_header(*, chinese: bool = False) -> list[str]:
    """The header row of a CSV upload, in the order of SPEC section 3."""
    return [_ZH[name] if chinese else name for name in _CSV_COLUMNS]


def csv_cells(account: str, day: date, values: Sequence[int]) -> list[str]:
    """One record as CSV cells (the inverse of parsing), decimals written exactly."""
    cells = [account, day.isoformat()]
    cells.extend(str(from_units(f, v)) for f, v in zip(RECORD_FIELDS, values, strict=True))
    return cells


# ---------------------------------------------------------------------------------------------
# placing records on their contracts


@dataclass(frozen=True, slots=True)
class AccountTerm:
    """One binding of an account to a contract, as the caller may submit for it."""

    account_id: int
    contract_id: int
    active_from: date
    active_to: date | None
    starts_on: date
    ends_on: date

    def covers(self, day: date) -> bool:
        return self.active_from <= day and (self.active_to is None or day <= self.active_to)


def place_records(
    keys: Sequence[tuple[str, date]],
    rows: Sequence[int],
    terms: Mapping[str, Sequence[AccountTerm]],
) -> tuple[list[tuple[int, int]], list[FieldError]]:
    """(account_id, contract_id) for every record, or the errors of those that fit no binding.

    `terms` holds only the bindings the caller may submit for, so an account of someone else's
    contract reads exactly like one that does not exist.
    """
    placed: list[tuple[int, int]] = []
    errors: list[FieldError] = []
    # Most accounts have one binding: its valid days are one range, checked inline.
    single: dict[str, tuple[date, date, tuple[int, int]]] = {
        code: (
            max(t.active_from, t.starts_on),
            min(t.active_to or date.max, t.ends_on),
            (t.account_id, t.contract_id),
        )
        for code, bindings in terms.items()
        if len(bindings) == 1
        for t in bindings
    }
    for key, row in zip(keys, rows, strict=True):
        fast = single.get(key[0])
        if fast is not None and fast[0] <= key[1] <= fast[1]:
            placed.append(fast[2])
            continue
        error = _placement_error(key[0], key[1], terms.get(key[0]) or (), row)
        if error is None:
            term = next(t for t in terms[key[0]] if t.covers(key[1]))
            placed.append((term.account_id, term.contract_id))
        else:
            errors.append(error)
    return placed, errors


def _placement_error(code: str, day: date, bindings: Sequence[AccountTerm], row: int) -> FieldError | None:
    if not bindings:
        return FieldError("account", f"{UNKNOWN_ACCOUNT} {code!r}", row)
    term = next((t for t in bindings if t.covers(day)), None)
    if term is None:
        spans = ", ".join(f"{t.active_from} – {t.active_to or 'open end'}" for t in bindings)
        return FieldError("date", f"{day} is outside the binding of account {code!r} ({spans})", row)
    if not term.starts_on <= day <= term.ends_on:
        return FieldError("date", f"{day} is outside the contract term ({term.starts_on} – {term.ends_on})", row)
    return None
