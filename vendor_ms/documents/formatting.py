"""How numbers read on the PDFs: money, rates, thresholds, bands and red lines.

Shared by the view builders (texts stored in the views) and the Jinja filters (figures
formatted at render time), so a value reads the same everywhere. Display only: nothing here
feeds a computation.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from vendor_ms.domain.contract import PLATFORMS_ZH, Band, RedLine
from vendor_ms.domain.metrics import METRICS

DASH = "—"  # an undefined value (no denominator in scope)

STATUS_ZH = {"draft": "草稿", "issued": "已开具", "paid": "已付款", "void": "已作废"}
KIND_ZH = {"invoice": "账单", "credit_note": "红字冲销单"}
PLATFORM_ZH = PLATFORMS_ZH  # the contract documents' own names


def money(amount: Decimal | None, currency_sign: str = "¥") -> str:
    """¥12,345.60 and -¥1,000.00: thousands separators, always two decimals."""
    if amount is None:
        return DASH
    value = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    return f"{sign}{currency_sign}{abs(value):,.2f}"


def signed_money(amount: Decimal) -> str:
    """+¥100.00 / -¥50.00: for adjustments, where the direction matters."""
    return ("+" if amount > 0 else "") + money(amount)


def percent(value: Decimal | None, places: int = 2) -> str:
    """A share in [0, 1] as a percentage: 0.9612 → 96.12%."""
    if value is None:
        return DASH
    quantum = Decimal(1).scaleb(-places)
    return f"{(value * 100).quantize(quantum, rounding=ROUND_HALF_UP)}%"


def rate_text(value: Decimal | None) -> str:
    """A rate as written in a contract (0.06 → 6%), without padding decimals."""
    if value is None:
        return DASH
    text = f"{(value * 100).normalize():f}"
    return f"{text}%"


def metric_text(metric: str, value: Decimal | None) -> str:
    """A metric's value: rates as percentages, response time in seconds with one decimal."""
    if value is None:
        return DASH
    if METRICS[metric].is_rate:
        return percent(value)
    return f"{value.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)} 秒"


def threshold_text(metric: str, value: Decimal) -> str:
    """A threshold as written: 0.95 → 95%, 20 → 20 秒."""
    if METRICS[metric].is_rate:
        return rate_text(value)
    return f"{value.normalize():f} 秒"


def bands_text(metric: str, bands: Sequence[Band]) -> str:
    """`≥95% → 40分；≥90% → 30分`: every band in the order it is tried."""
    parts = []
    for band in bands:
        op = "≥" if band.at_least is not None else "≤"
        parts.append(f"{op}{threshold_text(metric, band.threshold)} → {band.points}分")
    return "；".join(parts) if parts else DASH


def red_lines_text(metric: str, red_lines: Sequence[RedLine]) -> str:
    """`<85% 扣5%；<80% 扣15%`: the threshold and the share of service charges it costs."""
    parts = []
    for line in red_lines:
        op = "<" if line.below is not None else ">"
        parts.append(f"{op}{threshold_text(metric, line.threshold)} 扣{rate_text(line.penalty_rate)}")
    return "；".join(parts) if parts else DASH


def metric_zh(metric: str) -> str:
    return METRICS[metric].zh


# The English beside the Chinese name, on pages, PDFs and charts: never the raw id.
METRIC_EN = {
    "reply_rate_3min": "3-min reply rate",
    "answer_rate_30s": "30-s answer rate",
    "avg_response_seconds": "avg response time",
    "inquiry_conversion": "inquiry conversion",
    "satisfaction_rate": "satisfaction",
    "dispute_refund_rate": "dispute refund rate",
}


def metric_en(metric: str) -> str:
    return METRIC_EN.get(metric, metric.replace("_", " "))
