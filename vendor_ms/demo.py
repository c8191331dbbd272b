"""The demo world: a seeded month of realistic performance data for the contracts in contracts/.

Six vendors of different quality serve eight shops: 云客 and 馨辰 are good, 好客 and 钱塘 are
middling, 速服 breaches the 3-minute red line, 美讯 staffs a Douyin 双11 promotion billed daily.
Volumes, rates, order values and the weekend swell are drawn from one seeded generator, so the
same seed always gives the same month, the same invoices and the same PDFs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from vendor_ms.domain.periods import Period, month_period

DEMO_MONTH = month_period(2026, 10)
SEED = 2026


@dataclass(frozen=True, slots=True)
class Quality:
    """A vendor's service level (means; each account-day varies around them)."""

    reply_3min: float
    answer_30s: float
    avg_response_s: float
    conversion: float
    satisfaction: float
    dispute_rate: float


VENDOR_QUALITY = {
    "yunke": Quality(0.965, 0.86, 16.5, 0.37, 0.965, 0.015),
    "xinchen": Quality(0.955, 0.84, 21.0, 0.27, 0.955, 0.030),
    "haoke": Quality(0.915, 0.74, 27.0, 0.31, 0.925, 0.045),
    "qiantang": Quality(0.885, 0.70, 29.0, 0.28, 0.900, 0.040),
    "sufu": Quality(0.782, 0.58, 38.0, 0.27, 0.870, 0.060),
    "meixun": Quality(0.905, 0.73, 24.0, 0.33, 0.915, 0.020),
}
DEFAULT_QUALITY = Quality(0.9, 0.7, 28.0, 0.3, 0.9, 0.04)

# Average order value by category (CNY), for the sales the service converted.
ORDER_VALUE = {"家居日用": 89.9, "服饰内衣": 159.0, "美妆护肤": 128.0, "食品饮料": 46.5}


@dataclass(frozen=True, slots=True)
class ServedAccount:
    code: str
    vendor: str
    category: str
    scope: str
    first_day: date
    last_day: date


def _clamp(value: float, low: float = 0.0, high: float = 1.0) -> float:
    return max(low, min(high, value))


def daily_records(
    accounts: list[ServedAccount], period: Period = DEMO_MONTH, seed: int = SEED
) -> list[dict[str, object]]:
    """One record per account and day of the period on which the account serves."""
    rng = random.Random(seed)
    records: list[dict[str, object]] = []
    for account in sorted(accounts, key=lambda a: a.code):
        q = VENDOR_QUALITY.get(account.vendor, DEFAULT_QUALITY)
        base = rng.randint(140, 260) if account.scope != "promo" else rng.randint(320, 420)
        day = max(period.start, account.first_day)
        while day <= min(period.end, account.last_day):
            swell = 1.25 if day.weekday() >= 5 else 1.0
            if account.scope == "promo":
                # The promotion builds toward 11.11.
                swell *= 1 + (day - date(2026, 10, 20)).days * 0.06
            consultations = max(0, int(rng.gauss(base * swell, base * 0.12)))
            reply = _clamp(rng.gauss(q.reply_3min, 0.02))
            answered = _clamp(rng.gauss(q.answer_30s, 0.04))
            responses = int(consultations * rng.uniform(2.0, 2.6))
            avg = max(3.0, rng.gauss(q.avg_response_s, 2.5))
            inquiries = int(consultations * rng.uniform(0.38, 0.5))
            paid = int(inquiries * _clamp(rng.gauss(q.conversion, 0.03)))
            value = ORDER_VALUE.get(account.category, 80.0) * rng.uniform(0.85, 1.2)
            orders = paid + rng.randint(0, max(1, paid // 10))
            surveys = int(consultations * rng.uniform(0.15, 0.25))
            records.append(
                {
                    "account": account.code,
                    "date": day.isoformat(),
                    "consultations": consultations,
                    "unanswered_3min": min(consultations, round(consultations * (1 - reply))),
                    "answered_30s": min(consultations, round(consultations * answered)),
                    "response_seconds_total": f"{Decimal(responses) * Decimal(str(round(avg, 1))):.1f}",
                    "responses": responses,
                    "inquiries": inquiries,
                    "paid_buyers": paid,
                    "sales_amount": f"{Decimal(str(round(paid * value, 2))):.2f}",
                    "orders": orders,
                    "dispute_refunds": min(orders, round(orders * _clamp(rng.gauss(q.dispute_rate, 0.01)))),
                    "surveys": surveys,
                    "satisfied": min(surveys, round(surveys * _clamp(rng.gauss(q.satisfaction, 0.02)))),
                }
            )
            day += timedelta(days=1)
    return records


# Incidents of the month: what shop owners record by hand.
INCIDENTS: tuple[dict[str, object], ...] = (
    {
        "contract": "PDD-JY-PRE-2026",
        "date": "2026-10-12",
        "kind": "violation",
        "points": -10,
        "penalty_amount": "500.00",
        "note": "客服辱骂买家 (abusive language), 平台判定违规",
        "evidence_url": "https://mms.pinduoduo.com/evidence/20261012-0031",
    },
    {
        "contract": "TM-YS-AFT-2026",
        "date": "2026-10-08",
        "kind": "praise",
        "points": 2,
        "note": "买家表扬: 退换货处理及时",
    },
    {
        "contract": "PDD-MM-AFT-2026",
        "date": "2026-10-21",
        "kind": "inspection",
        "points": -3,
        "note": "抽检: 未核实订单信息即承诺退款",
    },
    {
        "contract": "KS-LWD-FULL-2026",
        "date": "2026-10-17",
        "kind": "complaint",
        "points": -5,
        "penalty_amount": "100.00",
        "note": "买家投诉: 发货时间答复错误",
    },
)
