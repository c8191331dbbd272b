"""Chinese capital numerals for amounts (大写金额), as printed on invoices and credit notes.

The rules are those of the People's Bank of China for filling in bills (《支付结算办法》附件
"正确填写票据和结算凭证的基本规定"), with these choices where they leave room:

* Tens are always written with their digit: 10 → 壹拾, 100100 → 壹拾万零壹佰 (the bank convention;
  a bare 拾 at the start could be altered by prefixing a digit).
* Groups of four digits carry 万 and 亿 (10^12 is 壹万亿). A run of zeros inside the number is
  written as one 零, also across a group boundary (1000001 → 壹佰万零壹); zeros that end a group
  before a non-zero 仟 are not (10001000 → 壹仟万壹仟, 107000 → 壹拾万柒仟: the rules allow either,
  and this is how the number is read aloud); trailing zeros of the yuan are not written
  (20000000 → 贰仟万).
* 元 is followed by 零 only when 角 is 0 and 分 is not (10.05 → 壹拾元零伍分); a zero in the
  units of yuan before a non-zero 角 is not written (20000000.30 → 贰仟万元叁角整), which the
  rules allow.
* 整 closes an amount that has no 分, also after 角 (0.50 → 伍角整, 12345.60 → …陆角整).
* Amounts below one yuan start at their first non-zero unit (0.05 → 伍分); zero is 零元整.
* A negative amount (a credit note) is prefixed with 负.

Nothing is rounded: an amount that is not exact to the fen is refused with ValueError.
"""

from __future__ import annotations

from decimal import Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SECTION_UNITS = ("", "拾", "佰", "仟")  # within a group of four digits
_WAN = 10**4
_YI = 10**8
# 万亿 is the largest unit written; 10^16 yuan would need 亿亿, which no bill uses.
LIMIT = 10**16


def _section(n: int) -> str:
    """A number 1..9999 with its 拾/佰/仟, one 零 for each run of inner zeros, none trailing."""
    out: list[str] = []
    zero_pending = False
    for position in range(3, -1, -1):
        digit = n // 10**position % 10
        if digit == 0:
            # only a zero between two written digits is spoken
            zero_pending = bool(out)
            continue
        if zero_pending:
            out.append("零")
            zero_pending = False
        out.append(DIGITS[digit] + _SECTION_UNITS[position])
    return "".join(out)


def _integer(n: int) -> str:
    """1 ≤ n < 10^16 in capitals: 亿 and 万 split the number, 零 bridges a gap after them."""
    for unit, name in ((_YI, "亿"), (_WAN, "万")):
        if n >= unit:
            high, rest = divmod(n, unit)
            text = _integer(high) + name
            if rest:
                # the rest has fewer digits than its group: the missing leading digits are zeros
                if rest < unit // 10:
                    text += "零"
                text += _integer(rest)
            return text
    return _section(n)


def capital_amount(amount: Decimal) -> str:
    """大写金额 of a CNY amount: 1001.01 → 壹仟零壹元零壹分, -0.50 → 负伍角整, 0 → 零元整."""
    if not amount.is_finite():
        raise ValueError(f"{amount} is not an amount")
    scaled = amount * 100
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} has more than two decimal places (capitals round nothing)")
    fen_total = int(scaled)
    if abs(fen_total) >= LIMIT * 100:
        raise ValueError(f"{amount} is too large for capital numerals (at most 万亿)")
    sign = "负" if fen_total < 0 else ""
    yuan, cents = divmod(abs(fen_total), 100)
    jiao, fen = divmod(cents, 10)
    if yuan == 0 and cents == 0:
        return "零元整"
    text = _integer(yuan) + "元" if yuan else ""
    if jiao:
        text += DIGITS[jiao] + "角"
    elif fen and yuan:
        text += "零"
    if fen:
        text += DIGITS[fen] + "分"
    else:
        text += "整"
    return sign + text
