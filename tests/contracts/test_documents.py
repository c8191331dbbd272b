"""Contract documents (SPEC 4): decoding, validation with paths, canonical TOML round trips."""

from __future__ import annotations

import tomllib
from decimal import Decimal

import pytest

from tests.support import CONTRACTS_DIR
from vendor_ms.domain.contract import (
    ContractDocument,
    canonical_json,
    parse_document,
    parse_json,
    parse_toml,
    to_toml,
)
from vendor_ms.errors import ValidationFailed

EXAMPLE = (CONTRACTS_DIR / "pdd-mengmeng-presale.toml").read_text(encoding="utf-8")


def problems(data: dict) -> list[str]:
    with pytest.raises(ValidationFailed) as info:
        parse_document(data)
    return [e.describe("en") for e in info.value.errors]


def example() -> dict:
    return tomllib.loads(EXAMPLE)


def test_the_spec_example_parses_exactly() -> None:
    doc = parse_toml(EXAMPLE)
    assert doc.pricing.base_fee == Decimal("3000.00")
    assert doc.pricing.consultation_tiers[0].up_to == 10000
    assert doc.pricing.consultation_tiers[1].up_to is None
    assert doc.scorecard.items[0].red_lines[1].penalty_rate == Decimal("0.15")
    assert doc.service_hours is not None and doc.service_hours.from_ == "08:00"


@pytest.mark.parametrize("path", sorted(CONTRACTS_DIR.glob("*.toml")), ids=lambda p: p.name)
def test_every_example_document_is_valid_and_round_trips(path) -> None:
    doc = parse_toml(path.read_text(encoding="utf-8"))
    again = parse_toml(to_toml(doc))
    assert again == doc
    assert canonical_json(again) == canonical_json(doc)


def test_validation_lists_every_semantic_problem_with_its_path() -> None:
    data = example()
    data["ends_on"] = data["starts_on"].replace(year=2025)
    data["tax_rate"] = "1.06"
    data["scorecard"]["items"][1]["bands"][0]["at_most"] = "40"  # 40 then 30: out of order
    data["scorecard"]["items"][0]["bands"][0]["at_least"] = "1.5"
    data["pricing"]["consultation_tiers"] = [{"up_to": 100, "unit_price": "1"}, {"up_to": 50, "unit_price": "1"}]
    data["accounts"].append({"code": "pdd-mm:yk01", "active_from": data["starts_on"]})
    found = problems(data)
    assert "ends_on: must not be before starts_on (2026-01-01)" in found
    assert "tax_rate: must be a decimal in [0, 1]" in found
    assert "scorecard.items[0].bands[0].at_least: must be a decimal in [0, 1]" in found
    assert (
        "scorecard.items[1].bands[1].at_most: bands out of order: at_most thresholds must be strictly ascending"
        in found
    )
    assert "pricing.consultation_tiers[1].up_to: tiers must be strictly ascending" in found
    assert "accounts[3].code: duplicate account code 'pdd-mm:yk01'" in found


def test_structural_problems_are_all_reported_at_once() -> None:
    data = example()
    data["scorecard"]["items"][1]["metric"] = "reply_rate_5min"
    data["pricing"]["base_fee"] = "three thousand"
    data["shop"]["platform"] = "amazon"
    data["surprise"] = 1
    del data["vendor"]["name"]
    found = problems(data)
    assert any(f.startswith("scorecard.items[1].metric: must be one of") for f in found)
    assert "pricing.base_fee: must be a decimal string such as \"0.85\", got 'three thousand'" in found
    assert any(f.startswith("shop.platform: must be one of") for f in found)
    assert "surprise: unknown field" in found
    assert "vendor.name: is required" in found
    assert len(found) == 5


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda d: d["scorecard"]["items"].append(dict(d["scorecard"]["items"][0])),
            "scorecard.items[3].metric: duplicate metric 'reply_rate_3min'",
        ),
        (lambda d: d["pricing"].update(commission_rate="-0.1"), "pricing.commission_rate: must be a decimal in [0, 1]"),
        (
            lambda d: d["pricing"].update(base_fee="10.001"),
            "pricing.base_fee: must have at most 2 decimal places (fen)",
        ),
        (lambda d: d["penalties"].update(cap_rate="2"), "penalties.cap_rate: must be a decimal in [0, 1]"),
        (
            lambda d: d.update(timezone="Mars/Olympus"),
            "timezone: unknown timezone 'Mars/Olympus' (use an IANA name such as Asia/Shanghai)",
        ),
        (
            lambda d: d["scorecard"]["items"][0]["bands"].append({"at_most": "0.5", "points": 1}),
            "scorecard.items[0].bands: mixes at_least and at_most bands",
        ),
        (
            lambda d: d["scorecard"]["items"][0]["red_lines"].append({"penalty_rate": "0.1"}),
            "scorecard.items[0].red_lines[2]: needs exactly one of below or above",
        ),
        (
            lambda d: d["pricing"]["consultation_tiers"].insert(0, {"unit_price": "1"}),
            "pricing.consultation_tiers[0].up_to: only the last tier may be open-ended",
        ),
        (
            lambda d: d.update(billing_cycle="yearly"),
            "billing_cycle: must be one of daily, monthly, weekly; got 'yearly'",
        ),
        (
            lambda d: d["scorecard"]["items"][0]["bands"][0].update(at_least="NaN"),
            "scorecard.items[0].bands[0].at_least: must be a decimal string such as \"0.85\", got 'NaN'",
        ),
    ],
)
def test_each_rule_names_its_field(mutate, expected) -> None:
    data = example()
    mutate(data)
    assert expected in problems(data)


def test_json_documents_decode_numbers_exactly() -> None:
    import msgspec

    doc = parse_toml(EXAMPLE)
    raw = msgspec.json.encode(msgspec.to_builtins(doc)).replace(b'"base_fee":"3000.00"', b'"base_fee":12345678901.23')
    parsed = parse_json(raw)
    assert parsed.pricing.base_fee == Decimal("12345678901.23")
    assert isinstance(parsed, ContractDocument)


def test_floats_never_reach_the_document() -> None:
    data = example()
    data["tax_rate"] = 0.06
    assert problems(data) == ['tax_rate: must be a decimal string such as "0.85"']
