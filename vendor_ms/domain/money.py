"""Money: exact decimal CNY, rounded half-up to the fen only where the billing rules say so."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal, Inexact, InvalidOperation
from fractions import Fraction

FEN = Decimal("0.01")
ZERO = Decimal("0.00")

# Products of amounts and rates must be exact before the one rounding SPEC 5 allows; with this
# context a product that would not fit raises instead of rounding silently.
_EXACT = Context(prec=60, rounding=ROUND_HALF_UP, traps=[Inexact, InvalidOperation])
_ROUND = Context(prec=60, rounding=ROUND_HALF_UP, traps=[InvalidOperation])


def round2(x: Decimal | Fraction | int) -> Decimal:
    """Round to 0.01 with ROUND_HALF_UP (SPEC 5: `round2`). Exact for Fractions too."""
    if isinstance(x, Fraction):
        return round_fraction(x, 2)
    return Decimal(x).quantize(FEN, rounding=ROUND_HALF_UP)


def round2_mul(amount: Decimal | int, factor: Decimal | int) -> Decimal:
    """round2 of the exact product of two factors (`count × unit_price`, `net × tax_rate`)."""
    return _ROUND.quantize(_EXACT.multiply(amount, factor), FEN)


def round_ratio(numerator: int, denominator: int, places: int) -> Decimal:
    """Round numerator / denominator (denominator > 0) exactly to `places` decimals, half away
    from zero (ROUND_HALF_UP).

    Dividing into a Decimal first could round twice; this rounds the exact value once, in
    integers.
    """
    units = (2 * abs(numerator) * 10**places + denominator) // (2 * denominator)
    return Decimal(-units if numerator < 0 else units).scaleb(-places)


def round_fraction(x: Fraction, places: int) -> Decimal:
    """`round_ratio` of a Fraction (whose denominator is always positive)."""
    return round_ratio(x.numerator, x.denominator, places)


def to_fen(amount: Decimal) -> int:
    """Exact conversion to integer fen; refuses amounts with more than two decimal places."""
    n, d = amount.as_integer_ratio()
    fen, rest = divmod(n * 100, d)
    if rest:
        raise ValueError(f"{amount} has more than two decimal places")
    return fen


def from_fen(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(FEN)


def money_str(amount: Decimal) -> str:
    """The canonical text of an amount: always two decimals, no exponent."""
    return f"{amount.quantize(FEN):f}"


def decimal_places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0
