"""Contracts as documents (SPEC section 4): the Structs, their validation, and canonical forms.

A contract document arrives as TOML (files in `contracts/`) or JSON (the API); both decode to
the same `ContractDocument`. `validate_document` reports every problem with its path. The
canonical JSON form (`canonical_json`) is what versions store and compare, so importing the
same document twice is recognisably "unchanged".
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec

from vendor_ms.domain.decoding import decode, decode_json_bytes
from vendor_ms.domain.metrics import METRICS, MetricName
from vendor_ms.domain.money import decimal_places
from vendor_ms.domain.periods import BillingCycle
from vendor_ms.errors import FieldError, ValidationFailed

Scope = Literal["presale", "aftersale", "full", "promo", "temporary"]
Platform = Literal["pinduoduo", "taobao", "tmall", "douyin", "kuaishou", "jd", "other"]
TierMode = Literal["graduated", "volume"]

CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:\-]{0,63}$"
Code = Annotated[str, msgspec.Meta(pattern=CODE_PATTERN, max_length=64)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]

SCOPES_ZH = {"presale": "售前", "aftersale": "售后", "full": "全托管", "promo": "大促", "temporary": "临时"}
PLATFORMS_ZH = {
    "pinduoduo": "拼多多",
    "taobao": "淘宝",
    "tmall": "天猫",
    "douyin": "抖音",
    "kuaishou": "快手",
    "jd": "京东",
    "other": "其他",
}


class _Doc(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    pass


class ServiceHours(_Doc, kw_only=True):
    from_: str = msgspec.field(name="from")
    to: str


class ShopRef(_Doc, kw_only=True):
    code: Code
    name: Name
    platform: Platform
    category: Name


class VendorRef(_Doc, kw_only=True):
    code: Code
    name: Name


class AccountTerm(_Doc, kw_only=True):
    code: Code
    active_from: date
    active_to: date | None = None


class ConsultationTier(_Doc, kw_only=True):
    up_to: int | None = None
    unit_price: Decimal


class Pricing(_Doc, kw_only=True):
    base_fee: Decimal = Decimal("0")
    seat_day_fee: Decimal = Decimal("0")
    minimum_fee: Decimal = Decimal("0")
    commission_rate: Decimal = Decimal("0")
    consultation_tier_mode: TierMode = "graduated"
    consultation_tiers: list[ConsultationTier] = msgspec.field(default_factory=list)


class Band(_Doc, kw_only=True):
    at_least: Decimal | None = None
    at_most: Decimal | None = None
    points: int

    @property
    def threshold(self) -> Decimal:
        value = self.at_least if self.at_least is not None else self.at_most
        assert value is not None
        return value


class RedLine(_Doc, kw_only=True):
    below: Decimal | None = None
    above: Decimal | None = None
    penalty_rate: Decimal

    @property
    def threshold(self) -> Decimal:
        value = self.below if self.below is not None else self.above
        assert value is not None
        return value


class ScorecardItem(_Doc, kw_only=True):
    metric: MetricName
    bands: list[Band] = msgspec.field(default_factory=list)
    red_lines: list[RedLine] = msgspec.field(default_factory=list)

    @property
    def max_points(self) -> int:
        return max((b.points for b in self.bands), default=0)


class Scorecard(_Doc, kw_only=True):
    bonus_pool: Decimal = Decimal("0")
    pass_ratio: Decimal = Decimal("0")
    items: list[ScorecardItem] = msgspec.field(default_factory=list)


class Penalties(_Doc, kw_only=True):
    cap_rate: Decimal | None = None


class ContractDocument(_Doc, kw_only=True):
    code: Code
    title: Name
    scope: Scope
    starts_on: date
    ends_on: date
    timezone: str = "Asia/Shanghai"
    service_hours: ServiceHours | None = None
    currency: Literal["CNY"] = "CNY"
    tax_rate: Decimal = Decimal("0")
    billing_cycle: BillingCycle = "monthly"
    shop: ShopRef
    vendor: VendorRef
    accounts: list[AccountTerm] = msgspec.field(default_factory=list)
    pricing: Pricing = msgspec.field(default_factory=Pricing)
    scorecard: Scorecard = msgspec.field(default_factory=Scorecard)
    penalties: Penalties = msgspec.field(default_factory=Penalties)


# ---------------------------------------------------------------------------------------------
# parsing


def parse_document(data: object) -> ContractDocument:
    """Decode builtins (from TOML or JSON) and validate; raises ValidationFailed with every problem."""
    doc = decode(data, ContractDocument)
    problems = validate_document(doc)
    if problems:
        raise ValidationFailed(problems)
    return doc


def parse_toml(text: str) -> ContractDocument:
    import tomllib

    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise ValidationFailed([FieldError("", f"not valid TOML: {exc}")]) from None
    return parse_document(data)


def parse_json(raw: bytes) -> ContractDocument:
    return parse_document(decode_json_bytes(raw))


_HHMM = re.compile(r"^([01]\d|2[0-4]):[0-5]\d$")


def _in_unit(value: Decimal) -> bool:
    return Decimal(0) <= value <= Decimal(1)


def validate_document(doc: ContractDocument) -> list[FieldError]:
    """Every semantic problem of a structurally valid document, each with its path."""
    errors: list[FieldError] = []

    def err(path: str, message: str) -> None:
        errors.append(FieldError(path, message))

    def rate(path: str, value: Decimal | None) -> None:
        if value is not None and not _in_unit(value):
            err(path, "must be a decimal in [0, 1]")

    def money(path: str, value: Decimal) -> None:
        if value < 0:
            err(path, "must not be negative")
        elif decimal_places(value) > 2:
            err(path, "must have at most 2 decimal places (fen)")
        elif value >= Decimal("1e13"):
            err(path, "is too large")

    if doc.ends_on < doc.starts_on:
        err("ends_on", f"must not be before starts_on ({doc.starts_on})")
    try:
        ZoneInfo(doc.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        err("timezone", f"unknown timezone {doc.timezone!r} (use an IANA name such as Asia/Shanghai)")
    if doc.service_hours is not None:
        for key, value in (("from", doc.service_hours.from_), ("to", doc.service_hours.to)):
            if not _HHMM.match(value) or (value.startswith("24") and value != "24:00"):
                err(f"service_hours.{key}", "must be a time HH:MM")
        if not any(e.field.startswith("service_hours") for e in errors):
            start = _hhmm(doc.service_hours.from_)
            end = _hhmm(doc.service_hours.to)
            if end <= start:
                err("service_hours.to", "must be after service_hours.from")
    rate("tax_rate", doc.tax_rate)

    seen_accounts: set[str] = set()
    for i, account in enumerate(doc.accounts):
        path = f"accounts[{i}]"
        if account.code in seen_accounts:
            err(f"{path}.code", f"duplicate account code {account.code!r}")
        seen_accounts.add(account.code)
        if account.active_to is not None and account.active_to < account.active_from:
            err(f"{path}.active_to", "must not be before active_from")
        if account.active_from > doc.ends_on or (account.active_to is not None and account.active_to < doc.starts_on):
            err(path, "is active only outside the contract term")

    p = doc.pricing
    for name in ("base_fee", "seat_day_fee", "minimum_fee"):
        money(f"pricing.{name}", getattr(p, name))
    rate("pricing.commission_rate", p.commission_rate)
    previous_up_to = 0
    for i, tier in enumerate(p.consultation_tiers):
        path = f"pricing.consultation_tiers[{i}]"
        last = i == len(p.consultation_tiers) - 1
        if tier.up_to is None and not last:
            err(f"{path}.up_to", "only the last tier may be open-ended")
        if tier.up_to is not None:
            if tier.up_to <= previous_up_to:
                err(
                    f"{path}.up_to",
                    "tiers must be strictly ascending" if i else "must be a positive integer",
                )
            previous_up_to = max(previous_up_to, tier.up_to)
        if tier.unit_price < 0:
            err(f"{path}.unit_price", "must not be negative")
        elif decimal_places(tier.unit_price) > 4:
            err(f"{path}.unit_price", "must have at most 4 decimal places")

    s = doc.scorecard
    money("scorecard.bonus_pool", s.bonus_pool)
    rate("scorecard.pass_ratio", s.pass_ratio)
    seen_metrics: set[str] = set()
    for i, item in enumerate(s.items):
        path = f"scorecard.items[{i}]"
        if item.metric in seen_metrics:
            err(f"{path}.metric", f"duplicate metric {item.metric!r}")
        seen_metrics.add(item.metric)
        is_rate = METRICS[item.metric].is_rate
        bound = "must be a decimal in [0, 1]" if is_rate else "must not be negative"

        def threshold(where: str, value: Decimal, is_rate: bool = is_rate, bound: str = bound) -> None:
            if (is_rate and not _in_unit(value)) or value < 0:
                err(where, bound)

        directions: set[str] = set()
        previous: Decimal | None = None
        for j, band in enumerate(item.bands):
            bpath = f"{path}.bands[{j}]"
            if (band.at_least is None) == (band.at_most is None):
                err(bpath, "needs exactly one of at_least or at_most")
                continue
            key = "at_least" if band.at_least is not None else "at_most"
            directions.add(key)
            threshold(f"{bpath}.{key}", band.threshold)
            if band.points < 0:
                err(f"{bpath}.points", "must not be negative (use red lines or incidents for deductions)")
            if previous is not None and len(directions) == 1:
                # The first band met wins, so a later band must be harder to miss than the one before.
                in_order = band.threshold < previous if key == "at_least" else band.threshold > previous
                if not in_order:
                    order = "descending" if key == "at_least" else "ascending"
                    err(f"{bpath}.{key}", f"bands out of order: {key} thresholds must be strictly {order}")
            previous = band.threshold
        if len(directions) > 1:
            err(f"{path}.bands", "mixes at_least and at_most bands")
        for j, line in enumerate(item.red_lines):
            rpath = f"{path}.red_lines[{j}]"
            if (line.below is None) == (line.above is None):
                err(rpath, "needs exactly one of below or above")
                continue
            threshold(f"{rpath}.{'below' if line.below is not None else 'above'}", line.threshold)
            rate(f"{rpath}.penalty_rate", line.penalty_rate)
    if doc.penalties.cap_rate is not None:
        rate("penalties.cap_rate", doc.penalties.cap_rate)
    return errors


def _hhmm(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


# ---------------------------------------------------------------------------------------------
# canonical forms


def to_builtins(doc: ContractDocument) -> dict[str, Any]:
    """Builtins with decimals as strings and dates as `date`: the shape TOML and JSON share."""
    return msgspec.to_builtins(doc, builtin_types=(date,))  # type: ignore[no-any-return]


def canonical_json(doc: ContractDocument) -> bytes:
    """A stable JSON encoding: equal documents give equal bytes (every field, keys sorted)."""
    return msgspec.json.encode(msgspec.to_builtins(doc), order="sorted")


def document_sha256(doc: ContractDocument) -> str:
    return hashlib.sha256(canonical_json(doc)).hexdigest()


def from_canonical_json(raw: bytes | str) -> ContractDocument:
    return msgspec.json.decode(raw, type=ContractDocument)


# ---------------------------------------------------------------------------------------------
# TOML export: laid out like the hand-written files in contracts/ (sections, arrays of tables,
# small inline tables for tiers, bands and red lines), so an exported file reads like the source.

_INLINE_TABLES = frozenset({"service_hours"})
_ARRAYS_OF_TABLES = frozenset({"accounts", "items"})


def to_toml(doc: ContractDocument) -> str:
    lines: list[str] = []
    _emit_table(lines, "", to_builtins(doc))
    return "\n".join(lines).strip() + "\n"


def _toml_value(value: Any) -> str:
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | date):
        return str(value) if isinstance(value, int) else value.isoformat()
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        pairs = (f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items() if v is not None)
        return "{ " + ", ".join(pairs) + " }"
    if isinstance(value, list):
        return "[ " + ", ".join(_toml_value(v) for v in value) + " ]" if value else "[]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_value(key)


def _emit_table(lines: list[str], prefix: str, table: dict[str, Any]) -> None:
    def nested(key: str, value: Any) -> bool:
        if isinstance(value, dict):
            return key not in _INLINE_TABLES
        return isinstance(value, list) and key in _ARRAYS_OF_TABLES

    table = {k: v for k, v in table.items() if v is not None}  # TOML has no null: absent means None
    for key, value in table.items():
        if not nested(key, value):
            lines.append(f"{_toml_key(key)} = {_toml_value(value)}")
    for key, value in table.items():
        if not nested(key, value):
            continue
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            lines.extend(["", f"[{name}]"])
            _emit_table(lines, name, value)
        else:
            for item in value:
                lines.extend(["", f"[[{name}]]"])
                _emit_table(lines, name, item)
