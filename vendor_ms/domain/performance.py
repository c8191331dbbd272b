"""Daily performance records (SPEC section 3): the record's shape, parsing JSON batches, and
the checks of every value that files (`performance_files`) share.

Pure: bytes in, typed rows (or every row's errors) out; no database. A batch is all-or-nothing,
so parsing never stops at the first problem: it collects each row's errors (row number, field,
message as a `Text`) and the service adds the errors only the database can find (unknown
accounts, dates outside a binding or after today: `record_placement`) before refusing the batch
as a whole, with every problem in one answer (SPEC 10.4).

Values are stored as integers: counts as they are, `response_seconds_total` in milliseconds and
`sales_amount` in fen (`RecordField.places` decimals, never more). A validated record is the
tuple `DailyValues` of those integers in `RECORD_FIELDS` order.

JSON takes a fast path for valid batches (msgspec decoding straight into Structs, in C) and falls
back to a field-by-field walk that names every problem only when that fails. CSV is UTF-8 (with
or without BOM), UTF-16 with BOM or GBK/GB18030; headers are the JSON keys or the Chinese headers
of SPEC section 3, in any order; numbers may carry thousands separators.
"""

from __future__ import annotations

import hashlib
import operator
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

import msgspec

from vendor_ms.domain.contract import CODE_PATTERN
from vendor_ms.domain.decoding import decode_json_bytes
from vendor_ms.domain.metrics import RECORD_FIELDS, RecordField
from vendor_ms.errors import FieldError, ValidationFailed
from vendor_ms.messages import Text

MAX_BATCH_RECORDS = 100_000
# Upper bound of any stored integer (a count, milliseconds, fen): far above any real account-day,
# far enough below 2**63 that sums over millions of records cannot overflow.
MAX_UNITS = 10**12
ACCOUNT_MAX_LENGTH = 64
# Account codes follow the contract documents' code pattern; anything else (a formula such as
# =HYPERLINK(...), spaces, control characters) is malformed rather than an unknown account.
_ACCOUNT_CODE = re.compile(CODE_PATTERN)

FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in RECORD_FIELDS)
# Each field's name as JSON writes it: messages about JSON name the keys.
JSON_NAMES: Mapping[str, str] = {name: name for name in FIELD_NAMES}

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
    profile: str | None = None  # files: the export profile that named the columns
    # Where placement errors point: the account and date columns as the input named them.
    account_field: str = "account"
    date_field: str = "date"

    def all_errors(self, more: Iterable[FieldError] = ()) -> list[FieldError]:
        """These errors and `more`, ordered by row (then as found within a row: sorted() is stable)."""
        return sorted([*self.errors, *more], key=lambda e: e.row or 0)

    def raise_errors(self, more: Iterable[FieldError] = ()) -> None:
        """Raise ValidationFailed with every error, ordered by row; nothing if none.

        An account outside the caller's scope is one row error among the others, worded exactly
        as for an account that does not exist, in the same 422: the answer reveals nothing."""
        errors = self.all_errors(more)
        if errors:
            raise ValidationFailed(errors)

    def content_sha256(self) -> str:
        """A digest of the records (accounts, dates, values, in order), whatever format they came in."""
        digest = hashlib.sha256(msgspec.json.encode(self.keys))
        digest.update(msgspec.json.encode(self.values))
        return digest.hexdigest()


def check_count(count: int, max_records: int | None) -> None:
    if count == 0:
        raise ValidationFailed([FieldError("records", Text("records.empty"))])
    if max_records is not None and count > max_records:
        raise ValidationFailed([FieldError("records", Text("records.too_many", count=count, limit=max_records))])


def duplicate_day(key: tuple[str, date], first: int) -> Text:
    return Text("records.duplicate_day", account=key[0], day=key[1].isoformat(), first=first)


def add_key(parsed: ParsedBatch, seen: dict[tuple[str, date], int], row: int, key: tuple[str, date]) -> None:
    """Record a valid (account, date) key, refusing a second record for the same account-day."""
    first = seen.setdefault(key, row)
    if first != row:
        parsed.errors.append(FieldError(parsed.date_field, duplicate_day(key, first), row))
    parsed.keys.append(key)
    parsed.rows.append(row)


def _decimal_units(value: Decimal, f: RecordField, name: str, row: int, errors: list[FieldError]) -> int:
    """The decimal in storage units; appends an error (and returns 0) when it cannot be stored exactly."""
    if not value.is_finite():
        errors.append(FieldError(name, Text("value.not_finite"), row))
        return 0
    if value < 0:
        errors.append(FieldError(name, Text("value.negative", value=str(value)), row))
        return 0
    if value.adjusted() >= 15:
        errors.append(FieldError(name, Text("value.too_large", value=f"{value:.6g}"), row))
        return 0
    # A tiny value would underflow to 0 when scaled; it has too many decimal places anyway.
    scaled = value.scaleb(f.places)
    units = int(scaled)
    if units != scaled or (value and value.adjusted() < -f.places):
        errors.append(FieldError(name, Text("value.too_many_places", places=f.places, value=str(value)), row))
        return 0
    if units > MAX_UNITS:
        errors.append(FieldError(name, Text("value.too_large", value=str(value)), row))
        return 0
    return units


def finish_values(
    values: list[Any], row: int, errors: list[FieldError], names: Mapping[str, str] = JSON_NAMES
) -> DailyValues:
    """Decimals to storage units and the `not_above` bounds of one record (types already checked).
    `names` are the fields as the input named them (the columns of a file), for the messages."""
    for i, f in _DECIMALS:
        values[i] = _decimal_units(values[i], f, names[f.name], row, errors)
    for i, j, name, bound in _BOUNDS:
        if values[i] > values[j]:
            message = Text("value.exceeds", bound=names[bound], value=values[i], limit=values[j])
            errors.append(FieldError(names[name], message, row))
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
    check_count(len(records), max_records)
    parsed = ParsedBatch(count=len(records))
    _fast_rows(parsed, records)
    return parsed


def _fast_rows(parsed: ParsedBatch, records: list[Any]) -> None:
    """Structs msgspec has already type-checked: decimals to units, bounds, duplicates.

    This loop is the hot path of a valid batch, hence local names and C-level helpers; any
    record it does not accept outright goes through `finish_values`, which names the problem.
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
            errors.append(FieldError("date", duplicate_day(key, first), row))
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
            out.append(finish_values(list(t[2:]), row, errors))


def _parse_json_slowly(raw: bytes, max_records: int | None) -> ParsedBatch:
    body = decode_json_bytes(raw)  # MalformedInput for broken, too deeply nested or non-UTF-8 JSON
    if not isinstance(body, dict):
        raise ValidationFailed([FieldError("", Text("records.body_not_object"))])
    problems = [FieldError(str(k)[:64], Text("field.unknown")) for k in body if k != "records"]
    records = body.get("records")
    if records is None:
        problems.append(FieldError("records", Text("field.required")))
    elif not isinstance(records, list):
        problems.append(FieldError("records", Text("records.not_list")))
    if problems:
        raise ValidationFailed(problems)
    assert isinstance(records, list)
    check_count(len(records), max_records)
    parsed = ParsedBatch(count=len(records))
    seen: dict[tuple[str, date], int] = {}
    for row, item in enumerate(records, 1):
        _json_row(parsed, seen, row, item)
    return parsed


def _json_row(parsed: ParsedBatch, seen: dict[tuple[str, date], int], row: int, item: object) -> None:
    errors = parsed.errors
    if not isinstance(item, dict):
        errors.append(FieldError("", Text("records.row_not_object"), row))
        return
    for key in item:
        if key not in _INDEX and key not in ("account", "date"):
            errors.append(FieldError(str(key)[:64], Text("field.unknown"), row))
    account = _json_account(item.get("account"), row, errors)
    day = _json_date(item.get("date"), row, errors)
    if account is not None and day is not None:
        add_key(parsed, seen, row, (account, day))
    before = len(errors)
    values: list[Any] = []
    for f in RECORD_FIELDS:
        value = item.get(f.name)
        if value is None:
            code = "field.required" if f.name not in item else "records.not_null"
            errors.append(FieldError(f.name, Text(code), row))
            values.append(0)
        elif f.kind == "int":
            values.append(_json_int(value, f, row, errors))
        else:
            values.append(_json_decimal(value, f, row, errors))
    if len(errors) == before:
        parsed.values.append(finish_values(values, row, errors))


def _json_account(value: object, row: int, errors: list[FieldError]) -> str | None:
    if value is None:
        errors.append(FieldError("account", Text("field.required"), row))
    elif not isinstance(value, str):
        errors.append(FieldError("account", Text("account.not_string"), row))
    elif not value:
        errors.append(FieldError("account", Text("value.not_empty"), row))
    else:
        problem = account_problem(value)
        if problem is None:
            return value
        errors.append(FieldError("account", problem, row))
    return None


def account_problem(code: str) -> Text | None:
    """Why a non-empty text is not an account code (too long, not the code pattern), else None.
    A formula such as =HYPERLINK(...), spaces or control characters are malformed, not unknown."""
    if len(code) > ACCOUNT_MAX_LENGTH:
        return Text("account.too_long", limit=ACCOUNT_MAX_LENGTH)
    if not _ACCOUNT_CODE.match(code):
        return Text("account.not_code")
    return None


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _json_date(value: object, row: int, errors: list[FieldError]) -> date | None:
    if value is None:
        errors.append(FieldError("date", Text("field.required"), row))
        return None
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    errors.append(FieldError("date", Text("value.not_date_iso", value=_show(value)), row))
    return None


def _json_int(value: object, f: RecordField, row: int, errors: list[FieldError]) -> int:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        errors.append(FieldError(f.name, Text("value.not_whole", value=_show(value)), row))
    elif isinstance(value, Decimal):
        errors.append(FieldError(f.name, Text("value.not_whole", value=str(value)), row))
    elif value < 0:
        errors.append(FieldError(f.name, Text("value.negative", value=value), row))
    elif value > MAX_UNITS:
        errors.append(FieldError(f.name, Text("value.too_large_max", limit=MAX_UNITS), row))
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
    errors.append(FieldError(f.name, Text("value.not_decimal_json", value=_show(value)), row))
    return Decimal(0)


def _show(value: object) -> str | Text:
    """A JSON value as a message shows it: strings quoted and cut, containers by their kind."""
    if isinstance(value, str):
        return repr(value[:40])
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return Text("value.a_list" if isinstance(value, list) else "value.an_object")
    return str(value)[:40]
