"""Contracts as documents (SPEC sections 4, 9–12, 15): the Structs, their validation, and
canonical forms.

A contract document arrives as TOML (files in `contracts/`) or JSON (the API); both decode to
the same `ContractDocument`. `validate_document` reports every problem with its path. The
canonical JSON form (`canonical_json`) is what versions store and compare, so importing the
same document twice is recognisably "unchanged". Sections and fields added in v2 are left out of
the canonical form while they hold their defaults (`document_base`), so every document written
before them keeps its bytes and its `document_sha256`.

The v2 sections (the scorecard's item kinds are in `scorecard`), with the choices made where the
spec is silent:
- `[settlement]` (SPEC 9.4, 9.5): `vendor_confirmation = "required" | "none"` (default none),
  `payment_terms_days` (default 30; 0–365, 0 meaning due on the day of issue).
- `[data]` (SPEC 10.1): `precedence = "platform_first" | "latest"` (default platform_first),
  `service_counts_from = "records" | "conversation_log"` (default records).
- `[quality]` (SPEC 10.5, 11.3, 11.4): `appeal_window_hours` (default 72; 1–720, i.e. up to 30
  days), `robot_counts_as_reply` (absent: the platform's default, `robot_counts_as_reply()`: true
  on pinduoduo, false elsewhere; an explicit value is kept as written, even when it equals the
  default), `forbidden_words` (at most 500 words of 1–20 characters, without surrounding
  whitespace, distinct after `fold_text`: NFKC normalisation and case folding, the same folding
  the flagging of messages applies).
- `[alerts]` (SPEC 12.3): the spec names no key for the `data.missing` deadline; it is
  `data_missing_deadline = "HH:MM"` (default "10:00"), local time in the contract's timezone,
  00:00–23:59.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import date, time
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec

from vendor_ms.domain.decoding import decode, decode_json_bytes
from vendor_ms.domain.document_base import AddedDocStruct, DocStruct, Problems, document_builtins
from vendor_ms.domain.money import decimal_places
from vendor_ms.domain.periods import BillingCycle
from vendor_ms.domain.scorecard import (
    Band,
    DailyRedLine,
    DeductionEvent,
    Grade,
    MetricItem,
    RedLine,
    Scorecard,
    ScorecardItem,
    check_scorecard,
)
from vendor_ms.errors import FieldError, ValidationFailed
from vendor_ms.messages import Text

__all__ = [
    "Band",
    "ContractDocument",
    "DailyRedLine",
    "DeductionEvent",
    "Grade",
    "MetricItem",
    "RedLine",
    "Scorecard",
    "ScorecardItem",
]

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


class ServiceHours(DocStruct, kw_only=True):
    from_: str = msgspec.field(name="from")
    to: str


class ShopRef(DocStruct, kw_only=True):
    code: Code
    name: Name
    platform: Platform
    category: Name


class VendorRef(DocStruct, kw_only=True):
    code: Code
    name: Name


class AccountTerm(DocStruct, kw_only=True):
    code: Code
    active_from: date
    active_to: date | None = None


class ConsultationTier(DocStruct, kw_only=True):
    up_to: int | None = None
    unit_price: Decimal


class Pricing(DocStruct, kw_only=True):
    base_fee: Decimal = Decimal("0")
    seat_day_fee: Decimal = Decimal("0")
    minimum_fee: Decimal = Decimal("0")
    commission_rate: Decimal = Decimal("0")
    consultation_tier_mode: TierMode = "graduated"
    consultation_tiers: list[ConsultationTier] = msgspec.field(default_factory=list)


class Penalties(DocStruct, kw_only=True):
    cap_rate: Decimal | None = None


class Settlement(AddedDocStruct, kw_only=True):
    vendor_confirmation: Literal["required", "none"] = "none"
    payment_terms_days: int = 30


class DataRules(AddedDocStruct, kw_only=True):
    precedence: Literal["platform_first", "latest"] = "platform_first"
    service_counts_from: Literal["records", "conversation_log"] = "records"


class Quality(AddedDocStruct, kw_only=True):
    appeal_window_hours: int = 72
    robot_counts_as_reply: bool | None = None  # None: the platform's rule (ContractDocument.robot_counts_as_reply)
    forbidden_words: list[str] = msgspec.field(default_factory=list)

    def folded_forbidden_words(self) -> list[str]:
        """The words as messages are matched against them (SPEC 11.4): `fold_text` of each."""
        return [fold_text(word) for word in self.forbidden_words]


class Alerts(AddedDocStruct, kw_only=True):
    data_missing_deadline: str = "10:00"  # local time of day the data.missing check runs at (SPEC 12.3)

    @property
    def data_missing_deadline_time(self) -> time:
        hours, minutes = self.data_missing_deadline.split(":")
        return time(int(hours), int(minutes))


# Platforms whose own rules count a robot's reply as a reply (SPEC 11.3).
ROBOT_REPLIES_COUNT_ON: frozenset[str] = frozenset({"pinduoduo"})


def fold_text(text: str) -> str:
    """NFKC normalisation and case folding (again NFKC: folding can undo it), so that full-width,
    compatibility and upper-case forms of a word match (SPEC 11.4)."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


class ContractDocument(DocStruct, kw_only=True):
    omitted_at_default: ClassVar[frozenset[str]] = frozenset({"settlement", "data", "quality", "alerts"})

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
    settlement: Settlement = msgspec.field(default_factory=Settlement)
    data: DataRules = msgspec.field(default_factory=DataRules)
    quality: Quality = msgspec.field(default_factory=Quality)
    alerts: Alerts = msgspec.field(default_factory=Alerts)

    @property
    def robot_counts_as_reply(self) -> bool:
        """Whether robot replies count as replies (SPEC 11.3): as written, else the platform's rule."""
        if self.quality.robot_counts_as_reply is not None:
            return self.quality.robot_counts_as_reply
        return self.shop.platform in ROBOT_REPLIES_COUNT_ON


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
        raise ValidationFailed([FieldError("", Text("toml.invalid", reason=str(exc)))]) from None
    return parse_document(data)


def parse_json(raw: bytes) -> ContractDocument:
    return parse_document(decode_json_bytes(raw))


_HHMM = re.compile(r"^([01]\d|2[0-4]):[0-5]\d$")
FORBIDDEN_WORDS_LIMIT = 500
FORBIDDEN_WORD_LENGTH = 20


def validate_document(doc: ContractDocument) -> list[FieldError]:
    """Every semantic problem of a structurally valid document, each with its path."""
    problems = Problems()
    err = problems.add
    if doc.ends_on < doc.starts_on:
        err("ends_on", Text("contract.ends_before_start", start=doc.starts_on.isoformat()))
    try:
        ZoneInfo(doc.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        err("timezone", Text("contract.timezone", timezone=doc.timezone))
    if doc.service_hours is not None:
        for key, value in (("from", doc.service_hours.from_), ("to", doc.service_hours.to)):
            if not _HHMM.match(value) or (value.startswith("24") and value != "24:00"):
                err(f"service_hours.{key}", Text("contract.hhmm"))
        if not problems.any_under("service_hours"):
            start = _hhmm(doc.service_hours.from_)
            end = _hhmm(doc.service_hours.to)
            if end <= start:
                err("service_hours.to", Text("contract.hours_order"))
    problems.rate("tax_rate", doc.tax_rate)

    seen_accounts: set[str] = set()
    for i, account in enumerate(doc.accounts):
        path = f"accounts[{i}]"
        if account.code in seen_accounts:
            err(f"{path}.code", Text("contract.duplicate_account", code=account.code))
        seen_accounts.add(account.code)
        if account.active_to is not None and account.active_to < account.active_from:
            err(f"{path}.active_to", Text("contract.before_active_from"))
        if account.active_from > doc.ends_on or (account.active_to is not None and account.active_to < doc.starts_on):
            err(path, Text("contract.account_outside_term"))

    _check_pricing(doc.pricing, problems)
    check_scorecard(doc.scorecard, problems)
    if doc.penalties.cap_rate is not None:
        problems.rate("penalties.cap_rate", doc.penalties.cap_rate)
    _check_v2_sections(doc, problems)
    return problems.errors


def _check_pricing(p: Pricing, problems: Problems) -> None:
    for name in ("base_fee", "seat_day_fee", "minimum_fee"):
        problems.money(f"pricing.{name}", getattr(p, name))
    problems.rate("pricing.commission_rate", p.commission_rate)
    previous_up_to = 0
    for i, tier in enumerate(p.consultation_tiers):
        path = f"pricing.consultation_tiers[{i}]"
        last = i == len(p.consultation_tiers) - 1
        if tier.up_to is None and not last:
            problems.add(f"{path}.up_to", Text("contract.tier_open_end"))
        if tier.up_to is not None:
            if tier.up_to <= previous_up_to:
                problems.add(
                    f"{path}.up_to",
                    Text("contract.tiers_ascending" if i else "contract.positive_int"),
                )
            previous_up_to = max(previous_up_to, tier.up_to)
        if tier.unit_price < 0:
            problems.add(f"{path}.unit_price", Text("doc.not_negative"))
        elif decimal_places(tier.unit_price) > 4:
            problems.add(f"{path}.unit_price", Text("doc.places", places=4))


def _check_v2_sections(doc: ContractDocument, problems: Problems) -> None:
    problems.within("settlement.payment_terms_days", doc.settlement.payment_terms_days, 0, 365)
    problems.within("quality.appeal_window_hours", doc.quality.appeal_window_hours, 1, 720)
    words = doc.quality.forbidden_words
    if len(words) > FORBIDDEN_WORDS_LIMIT:
        problems.add("quality.forbidden_words", Text("contract.words_limit", limit=FORBIDDEN_WORDS_LIMIT))
    first_seen: dict[str, int] = {}
    for i, word in enumerate(words):
        path = f"quality.forbidden_words[{i}]"
        folded = fold_text(word)
        if not folded.strip():
            problems.add(path, Text("doc.not_empty"))
        elif word != word.strip():
            problems.add(path, Text("contract.word_whitespace"))
        elif len(word) > FORBIDDEN_WORD_LENGTH:
            problems.add(path, Text("field.max_chars", limit=FORBIDDEN_WORD_LENGTH))
        elif folded in first_seen:
            j = first_seen[folded]
            problems.add(path, Text("contract.word_duplicate", index=j, word=words[j]))
        else:
            first_seen[folded] = i
    deadline = doc.alerts.data_missing_deadline
    if not _HHMM.match(deadline) or deadline.startswith("24"):
        problems.add("alerts.data_missing_deadline", Text("contract.deadline"))


def _hhmm(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


# ---------------------------------------------------------------------------------------------
# canonical forms


def to_builtins(doc: ContractDocument) -> dict[str, Any]:
    """Builtins with decimals as strings and dates as `date`: the shape TOML and JSON share
    (post-v1 fields at their defaults left out, as in the canonical form)."""
    return document_builtins(doc, builtin_types=(date,))


def canonical_json(doc: ContractDocument) -> bytes:
    """A stable JSON encoding: equal documents give equal bytes (every v1 field, every post-v1
    field that differs from its default, keys sorted)."""
    return msgspec.json.encode(document_builtins(doc), order="sorted")


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
