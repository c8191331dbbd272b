"""Decoding untrusted builtins (from JSON or TOML) into msgspec Structs, reporting every problem.

msgspec stops at the first error; users fixing a contract file want all of them at once, each
with its path (`scorecard.items[1].bands[0].at_least`). This walks the Struct's type info,
collects every error, and only then lets msgspec build the object.

Decimals are accepted as strings, integers or decimal literals (TOML is read with
`parse_float=Decimal`); never NaN, infinities or absurdly long numbers.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

import msgspec
from msgspec import inspect as mi

from vendor_ms.errors import FieldError, MalformedInput, ValidationFailed
from vendor_ms.messages import Text

T = TypeVar("T")

_DECIMAL_TEXT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
MAX_DECIMAL_DIGITS = 30


class DecimalProblem(ValueError):
    """Why a value is not a decimal, as a message (`str()` is its English, for msgspec)."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.render("en"))
        self.text = text


def parse_decimal(value: object) -> Decimal:
    """A finite Decimal from a decimal string, an int or a Decimal; else ValueError.

    JSON numbers arrive as Decimal (decoded with `float_hook=Decimal`), TOML ones too
    (`parse_float=Decimal`); a float here would already have lost digits, so it is refused.
    NaN, infinities and numbers with more than 30 digits are refused.
    """
    if isinstance(value, bool):
        raise DecimalProblem(Text("decimal.not_boolean"))
    if isinstance(value, float):
        raise DecimalProblem(Text("decimal.not_float"))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise DecimalProblem(Text("value.not_finite"))
        if abs(value.adjusted()) > MAX_DECIMAL_DIGITS:
            raise DecimalProblem(Text("decimal.too_many_digits", limit=MAX_DECIMAL_DIGITS))
        value = format(value, "f")
    if isinstance(value, int):
        if abs(value) >= 10**MAX_DECIMAL_DIGITS:
            raise DecimalProblem(Text("decimal.too_many_digits", limit=MAX_DECIMAL_DIGITS))
        return Decimal(value)
    if not isinstance(value, str):
        raise DecimalProblem(Text("decimal.not_text"))
    text = value.strip()
    if len(text) > MAX_DECIMAL_DIGITS + 2 or not _DECIMAL_TEXT.match(text):
        raise DecimalProblem(Text("decimal.invalid", value=value[:40]))
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern already excludes these
        raise DecimalProblem(Text("decimal.invalid", value=value[:40])) from None


# JSON numbers become exact Decimals, never floats.
JSON_DECODER = msgspec.json.Decoder(float_hook=Decimal)


def decode_json_bytes(raw: bytes) -> Any:
    """Builtins from JSON bytes, numbers with a fraction as Decimal; ValidationFailed if malformed."""
    try:
        return JSON_DECODER.decode(raw)
    except msgspec.DecodeError as exc:
        raise MalformedInput(Text("json.malformed", reason=str(exc))) from None
    except RecursionError:
        # msgspec recurses per nesting level; `[[[[...` 100,000 deep must be a 400, not a crash.
        raise MalformedInput(Text("json.too_deep")) from None
    except UnicodeDecodeError as exc:
        raise MalformedInput(Text("json.not_utf8", byte=exc.start)) from None


def decode(data: object, type_: type[T], path: str = "") -> T:
    """Convert `data` into `type_`, or raise ValidationFailed listing every problem found."""
    errors: list[FieldError] = []
    _check(data, mi.type_info(type_), path, errors)
    if errors:
        raise ValidationFailed(errors)
    try:
        return msgspec.convert(data, type_, dec_hook=_dec_hook)
    except msgspec.ValidationError as exc:  # a case the walker does not model
        raise ValidationFailed([FieldError(path, str(exc))]) from None


def _dec_hook(type_: type, obj: Any) -> Any:
    if type_ is Decimal:
        return parse_decimal(obj)
    raise NotImplementedError


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _type_name(t: mi.Type) -> str:
    names = {
        mi.StrType: "a string",
        mi.IntType: "an integer",
        mi.BoolType: "a boolean",
        mi.DecimalType: "a decimal string",
        mi.DateType: "a date (YYYY-MM-DD)",
        mi.ListType: "a list",
        mi.StructType: "a table",
        mi.DictType: "a table",
    }
    return names.get(type(t), str(type(t).__name__))


def _check(value: object, t: mi.Type, path: str, errors: list[FieldError]) -> None:
    while isinstance(t, mi.Metadata):  # descriptions and examples wrap the real type
        t = t.type
    if isinstance(t, mi.AnyType):
        return
    if isinstance(t, mi.UnionType):
        if value is None and any(isinstance(x, mi.NoneType) for x in t.types):
            return
        others = [x for x in t.types if not isinstance(x, mi.NoneType)]
        if len(others) == 1:
            _check(value, others[0], path, errors)
            return
        trial: list[FieldError] = []
        for option in others:
            trial = []
            _check(value, option, path, trial)
            if not trial:
                return
        errors.extend(trial)
        return
    if isinstance(t, mi.NoneType):
        if value is not None:
            errors.append(FieldError(path, Text("field.must_be_empty")))
        return
    if isinstance(t, mi.StructType):
        _check_struct(value, t, path, errors)
        return
    if isinstance(t, mi.ListType):
        if not isinstance(value, list):
            errors.append(FieldError(path, Text("field.must_be_list")))
            return
        for i, item in enumerate(value):
            _check(item, t.item_type, _join(path, i), errors)
        return
    if isinstance(t, mi.LiteralType):
        if value not in t.values:
            choices = ", ".join(str(v) for v in t.values)
            errors.append(FieldError(path, Text("field.one_of", choices=choices, value=str(value)[:40])))
        return
    if isinstance(t, mi.StrType):
        if not isinstance(value, str):
            errors.append(FieldError(path, Text("field.must_be_string")))
        elif t.max_length is not None and len(value) > t.max_length:
            errors.append(FieldError(path, Text("field.max_chars", limit=t.max_length)))
        elif t.min_length is not None and len(value) < t.min_length:
            errors.append(FieldError(path, Text("doc.not_empty" if t.min_length == 1 else "field.too_short")))
        elif t.pattern is not None and not re.search(t.pattern, value):
            errors.append(FieldError(path, Text("field.pattern", pattern=t.pattern)))
        return
    if isinstance(t, mi.BoolType):
        if not isinstance(value, bool):
            errors.append(FieldError(path, Text("field.must_be_bool")))
        return
    if isinstance(t, mi.IntType):
        if isinstance(value, bool) or not isinstance(value, int):
            errors.append(FieldError(path, Text("field.must_be_int")))
        elif t.ge is not None and value < t.ge:
            errors.append(FieldError(path, Text("field.at_least", limit=t.ge)))
        elif abs(value) >= 2**63:
            errors.append(FieldError(path, Text("field.too_large")))
        return
    if isinstance(t, mi.DecimalType):
        try:
            parse_decimal(value)
        except DecimalProblem as exc:
            errors.append(FieldError(path, exc.text))
        return
    if isinstance(t, mi.DateType):
        if isinstance(value, datetime) or not isinstance(value, date | str):
            errors.append(FieldError(path, Text("field.must_be_date")))
        elif isinstance(value, str):
            try:
                date.fromisoformat(value)
                if len(value) != 10:
                    raise ValueError
            except ValueError:
                errors.append(FieldError(path, Text("value.not_date_iso", value=repr(value[:40]))))
        return
    # Anything else: let msgspec judge this one value.
    try:
        msgspec.convert(value, t.cls if hasattr(t, "cls") else object)
    except (msgspec.ValidationError, TypeError) as exc:
        errors.append(FieldError(path, str(exc)))


def _check_struct(value: object, t: mi.StructType, path: str, errors: list[FieldError]) -> None:
    if not isinstance(value, dict):
        errors.append(FieldError(path, Text("field.must_be_table")))
        return
    known = {f.encode_name for f in t.fields}
    for key in value:
        if key not in known:
            errors.append(FieldError(_join(path, str(key)), Text("field.unknown")))
    for f in t.fields:
        field_path = _join(path, f.encode_name)
        if f.encode_name not in value:
            if f.required:
                errors.append(FieldError(field_path, Text("field.required")))
            continue
        _check(value[f.encode_name], f.type, field_path, errors)
