"""大写金额: Chinese capital numerals of invoice totals, with a zero in every position."""

from __future__ import annotations

from decimal import Decimal

import pytest

from vendor_ms.domain.capitals import capital_amount

CASES = [
    # the examples of the issue
    ("1001.01", "壹仟零壹元零壹分"),
    ("12345.60", "壹万贰仟叁佰肆拾伍元陆角整"),
    ("0.50", "伍角整"),
    ("100000000", "壹亿元整"),
    ("10.05", "壹拾元零伍分"),
    ("100100", "壹拾万零壹佰元整"),
    ("1000001.00", "壹佰万零壹元整"),
    ("0.05", "伍分"),
    ("20000000.3", "贰仟万元叁角整"),
    # zero and the smallest amounts
    ("0", "零元整"),
    ("0.00", "零元整"),
    ("0.01", "壹分"),
    ("0.10", "壹角整"),
    ("0.55", "伍角伍分"),
    ("1", "壹元整"),
    ("1.00", "壹元整"),
    # tens are always written with 壹 (the bank convention)
    ("10", "壹拾元整"),
    ("11", "壹拾壹元整"),
    ("110000", "壹拾壹万元整"),
    # a zero in every position of one group: 仟 佰 拾 个
    ("9999", "玖仟玖佰玖拾玖元整"),
    ("999", "玖佰玖拾玖元整"),
    ("1999", "壹仟玖佰玖拾玖元整"),  # no zero
    ("1099", "壹仟零玖拾玖元整"),  # 佰 zero
    ("1909", "壹仟玖佰零玖元整"),  # 拾 zero
    ("1990", "壹仟玖佰玖拾元整"),  # 个 zero: trailing, not written
    ("1009", "壹仟零玖元整"),  # 佰 and 拾: one 零 for the run
    ("1090", "壹仟零玖拾元整"),
    ("1900", "壹仟玖佰元整"),
    ("1000", "壹仟元整"),
    ("101", "壹佰零壹元整"),
    ("110", "壹佰壹拾元整"),
    # zeros across the 万 boundary
    ("10000", "壹万元整"),
    ("10001", "壹万零壹元整"),
    ("10010", "壹万零壹拾元整"),
    ("10100", "壹万零壹佰元整"),
    ("11000", "壹万壹仟元整"),
    ("100010", "壹拾万零壹拾元整"),
    ("1010101", "壹佰零壹万零壹佰零壹元整"),
    # zeros ending the 万 group before a non-zero 仟 are not written (the rules allow either)
    ("10001000", "壹仟万壹仟元整"),
    ("107000.53", "壹拾万柒仟元伍角叁分"),
    ("10000100", "壹仟万零壹佰元整"),
    # zeros across the 亿 boundary
    ("100000001", "壹亿零壹元整"),
    ("100010000", "壹亿零壹万元整"),
    ("110000001", "壹亿壹仟万零壹元整"),
    ("101000000", "壹亿零壹佰万元整"),
    ("1000000000", "壹拾亿元整"),
    ("1234567890.12", "壹拾贰亿叁仟肆佰伍拾陆万柒仟捌佰玖拾元壹角贰分"),
    ("1000000000000", "壹万亿元整"),
    ("1000000000001", "壹万亿零壹元整"),
    ("9999999999999999.99", "玖仟玖佰玖拾玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    # zeros in 元, 角 and 分
    ("10.50", "壹拾元伍角整"),  # a zero 元 digit before a non-zero 角 is not written
    ("10.00", "壹拾元整"),
    ("100.01", "壹佰元零壹分"),
    ("100.10", "壹佰元壹角整"),
    ("100.11", "壹佰元壹角壹分"),
    ("3000.00", "叁仟元整"),
    # exact decimals with more digits that are still whole fen
    ("1.500", "壹元伍角整"),
    ("1E+2", "壹佰元整"),
]


@pytest.mark.parametrize(("amount", "expected"), CASES)
def test_capital_amount(amount: str, expected: str) -> None:
    assert capital_amount(Decimal(amount)) == expected


@pytest.mark.parametrize(("amount", "expected"), [(a, e) for a, e in CASES if Decimal(a) != 0])
def test_negative_amounts_are_prefixed_with_fu(amount: str, expected: str) -> None:
    # credit notes: the same words after 负
    assert capital_amount(-Decimal(amount)) == "负" + expected


def test_negative_zero_is_plain_zero() -> None:
    assert capital_amount(Decimal("-0.00")) == "零元整"


@pytest.mark.parametrize("amount", ["0.001", "12.345", "-1.005", "1E-3"])
def test_more_than_two_decimal_places_is_refused(amount: str) -> None:
    with pytest.raises(ValueError, match="more than two decimal places"):
        capital_amount(Decimal(amount))


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_is_refused(amount: str) -> None:
    with pytest.raises(ValueError, match="not an amount"):
        capital_amount(Decimal(amount))


def test_beyond_wan_yi_is_refused() -> None:
    with pytest.raises(ValueError, match="too large"):
        capital_amount(Decimal("10000000000000000"))
