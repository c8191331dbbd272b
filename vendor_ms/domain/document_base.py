"""What every part of a contract document shares: the Struct bases, the problem collector, and
the canonical builtins that keep documents written before v2 byte for byte as they were.

Stored contract versions and invoices name a document by the SHA-256 of its canonical JSON, and
re-importing an unchanged file must answer "unchanged". `msgspec.to_builtins` writes every field,
defaults included, so a field added to the schema would change every stored hash. Hence two rules
for every addition to the schema:
- a Struct added after v1 derives from `AddedDocStruct` (msgspec's `omit_defaults`): its fields
  are written only when they differ from their defaults;
- a field added to a v1 Struct is named in that Struct's `omitted_at_default`: `document_builtins`
  leaves it out while it holds its default.
A document that uses none of the additions therefore encodes exactly as it did in v1.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

import msgspec

from vendor_ms.domain.money import decimal_places
from vendor_ms.errors import FieldError
from vendor_ms.messages import Message, Text

MONEY_LIMIT = Decimal("1e13")  # every amount of a document stays below this (SPEC 14)


class DocStruct(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A table of a contract document: unknown keys are refused, not ignored."""

    # Fields added after v1, left out of the canonical form while they hold their default.
    omitted_at_default: ClassVar[frozenset[str]] = frozenset()


class AddedDocStruct(DocStruct, omit_defaults=True, kw_only=True):
    """A table added after v1: only the fields that differ from their defaults are written."""


def document_builtins(doc: msgspec.Struct, builtin_types: tuple[type, ...] = ()) -> dict[str, Any]:
    """`msgspec.to_builtins` without the post-v1 fields that hold their defaults."""
    data: dict[str, Any] = msgspec.to_builtins(doc, builtin_types=builtin_types)
    _drop_added_defaults(doc, data)
    return data


def _drop_added_defaults(obj: msgspec.Struct, data: dict[str, Any]) -> None:
    omitted: frozenset[str] = getattr(type(obj), "omitted_at_default", frozenset())
    for field in msgspec.structs.fields(obj):
        if field.encode_name not in data:
            continue
        value = getattr(obj, field.name)
        if field.name in omitted and value == _default(field):
            del data[field.encode_name]
        elif isinstance(value, msgspec.Struct):
            _drop_added_defaults(value, data[field.encode_name])
        elif isinstance(value, list):
            for item, encoded in zip(value, data[field.encode_name], strict=True):
                if isinstance(item, msgspec.Struct):
                    _drop_added_defaults(item, encoded)


def _default(field: msgspec.structs.FieldInfo) -> Any:
    if field.default_factory is not msgspec.NODEFAULT:
        return field.default_factory()
    return field.default


class Problems:
    """Collects every problem of a document, each with its path, and the checks they share."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, path: str, message: Message) -> None:
        self.errors.append(FieldError(path, message))

    def rate(self, path: str, value: Decimal | None) -> None:
        if value is not None and not in_unit(value):
            self.add(path, Text("doc.rate"))

    def money(self, path: str, value: Decimal) -> None:
        if value < 0:
            self.add(path, Text("doc.not_negative"))
        elif decimal_places(value) > 2:
            self.add(path, Text("doc.fen"))
        elif value >= MONEY_LIMIT:
            self.add(path, Text("doc.too_large"))

    def within(self, path: str, value: int, low: int, high: int) -> None:
        if not low <= value <= high:
            self.add(path, Text("doc.between", low=low, high=high))

    def any_under(self, prefix: str) -> bool:
        return any(e.field.startswith(prefix) for e in self.errors)


def in_unit(value: Decimal) -> bool:
    return Decimal(0) <= value <= Decimal(1)
