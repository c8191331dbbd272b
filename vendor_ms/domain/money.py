"""Money: exact decimal CNY, rounded half-up to the fen only where the billing rules say so."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

FEN = Decimal("0.01")
ZERO = Decimal("0.00")


def round2(x: Decimal | Fraction | int) -> Decimal:
    """Round to 0.01 with ROUND_HALF_UP (SPEC 5: `round2`). Exact for Fractions too."""
    if isinstance(x, Fraction):
        return round_fraction(x, 2)
    return Decimal(x).quantize(FEN, rounding=ROUND_HALF_UP)


def round_fraction(x: Fraction, places: int) -> Decimal:
    """Round a rational exactly to `places` decimals, half away from zero (ROUND_HALF_UP).

    Dividing into a Decimal first could round twice; this rounds the exact value once.
    """
    scaled = abs(x) * 10**places
    units = (2 * scaled.numerator + scaled.denominator) // (2 * scaled.denominator)
    return Decimal(-units if x < 0 else units).scaleb(-places)


def to_fen(amount: Decimal) -> int:
    """Exact conversion to integer fen; refuses amounts with more than two decimal places."""
    scaled = amount * 100
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} has more than two decimal places")
    return int(scaled)


def from_fen(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(FEN)


def money_str(amount: Decimal) -> str:
    """The canonical text of an amount: always two decimals, no exponent."""
    return f"{amount.quantize(FEN):f}"


def decimal_places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0
