"""The dashboard: each visible contract in its current period, computed from the data so far.

Score so far, the red lines breached so far, and what the period costs so far (net before tax),
from the same billing computation as invoices (`billing.service.compute_period`), one computation
per distinct current period. The current period is the one holding today in the contract's
timezone. The dashboard shows at most `DASHBOARD_CONTRACTS` contracts (the list page has all).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

import msgspec

from vendor_ms import clock
from vendor_ms.access.caller import Caller
from vendor_ms.billing.service import compute_period
from vendor_ms.contracts.schemas import ContractSummary
from vendor_ms.contracts.service import list_contracts
from vendor_ms.db.tables import Contract
from vendor_ms.domain.periods import Period, period_containing
from vendor_ms.pagination import Window

DASHBOARD_CONTRACTS = 50


class ContractNow(msgspec.Struct, kw_only=True):
    code: str
    title: str
    shop_name: str
    vendor_name: str
    timezone: str
    period: str
    period_end: date
    active: bool  # the period holds a day of the contract's term
    consultations: int = 0
    metrics: dict[str, str | None] = msgspec.field(default_factory=dict)
    score: int = 0
    max_points: int = 0
    ratio: str | None = None
    passed: bool = False
    breached: list[str] = msgspec.field(default_factory=list)  # metrics whose red line applies
    net: Decimal = Decimal(0)


class Dashboard(msgspec.Struct, kw_only=True):
    contracts: list[ContractNow]
    total_contracts: int


async def dashboard(caller: Caller) -> Dashboard:
    page = await list_contracts(caller, Window(DASHBOARD_CONTRACTS, 0))
    ids = {
        r["code"]: r["id"]
        for r in await Contract.select(Contract.id, Contract.code).where(
            Contract.code.is_in([c.code for c in page.items] or [""])
        )
    }
    by_period: dict[Period, list[ContractSummary]] = defaultdict(list)
    for summary in page.items:
        today = clock.today(summary.timezone)
        by_period[period_containing(today, summary.billing_cycle)].append(summary)  # type: ignore[arg-type]
    rows: dict[str, ContractNow] = {}
    for period, summaries in by_period.items():
        computed = await compute_period(period, [ids[s.code] for s in summaries])
        for s in summaries:
            row = ContractNow(
                code=s.code,
                title=s.title,
                shop_name=s.shop_name,
                vendor_name=s.vendor_name,
                timezone=s.timezone,
                period=period.label,
                period_end=period.end,
                active=False,
            )
            result = computed.get(ids[s.code])
            if result is not None:
                c = result.computation
                row.active = True
                row.consultations = c.totals.consultations
                row.metrics = c.metrics
                row.score, row.max_points, row.ratio = c.scorecard.score, c.scorecard.max_points, c.scorecard.ratio
                row.passed = c.scorecard.passed
                row.breached = [i.metric for i in c.scorecard.items if i.red_line_breached]
                row.net = c.net_before_adjustments
            rows[s.code] = row
    return Dashboard(contracts=[rows[s.code] for s in page.items], total_contracts=page.total)
