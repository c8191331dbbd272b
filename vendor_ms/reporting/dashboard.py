"""The dashboard: each visible contract in its current period so far, and in the period before.

Score, the red lines breached and what the period costs (net before tax), from the same billing
computation as invoices (`billing.service.compute_period`), one computation per distinct period.
The current period is the one holding today in the contract's timezone; the one before is shown
too, since early in a month the new period has little data and the last one is what was billed.
The dashboard shows at most `DASHBOARD_CONTRACTS` contracts (the list page has all).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import msgspec

from vendor_ms import clock
from vendor_ms.access.caller import Caller
from vendor_ms.billing.service import Computed, compute_period
from vendor_ms.contracts.schemas import ContractSummary
from vendor_ms.contracts.service import list_contracts
from vendor_ms.db.tables import Contract
from vendor_ms.domain.periods import Period, period_containing
from vendor_ms.pagination import Window

DASHBOARD_CONTRACTS = 50


class PeriodStatus(msgspec.Struct, kw_only=True):
    period: str
    active: bool  # the period holds a day of the contract's term
    consultations: int = 0
    score: int = 0
    max_points: int = 0
    ratio: str | None = None
    passed: bool = False
    breached: list[str] = msgspec.field(default_factory=list)  # metrics whose red line applies
    net: Decimal = Decimal(0)


class ContractNow(msgspec.Struct, kw_only=True):
    code: str
    title: str
    shop: str
    shop_name: str
    vendor_name: str
    current: PeriodStatus
    previous: PeriodStatus


class Dashboard(msgspec.Struct, kw_only=True):
    contracts: list[ContractNow]
    total_contracts: int


def _status(period: Period, result: Computed | None) -> PeriodStatus:
    if result is None:
        return PeriodStatus(period=period.label, active=False)
    c = result.computation
    return PeriodStatus(
        period=period.label,
        active=True,
        consultations=c.totals.consultations,
        score=c.scorecard.score,
        max_points=c.scorecard.max_points,
        ratio=c.scorecard.ratio,
        passed=c.scorecard.passed,
        breached=[i.metric for i in c.scorecard.items if i.red_line_breached],
        net=c.net_before_adjustments,
    )


async def dashboard(caller: Caller) -> Dashboard:
    page = await list_contracts(caller, Window(DASHBOARD_CONTRACTS, 0))
    rows = await Contract.select(Contract.id, Contract.code).where(
        Contract.code.is_in([c.code for c in page.items] or [""])
    )
    ids = {r["code"]: r["id"] for r in rows}
    current: dict[str, Period] = {}
    wanted: dict[Period, list[int]] = defaultdict(list)
    for summary in page.items:
        today = clock.today(summary.timezone)
        now = period_containing(today, summary.billing_cycle)  # type: ignore[arg-type]
        current[summary.code] = now
        wanted[now].append(ids[summary.code])
        wanted[now.previous()].append(ids[summary.code])
    computed = {period: await compute_period(period, contract_ids) for period, contract_ids in wanted.items()}
    return Dashboard(
        contracts=[_row(s, current[s.code], ids[s.code], computed) for s in page.items],
        total_contracts=page.total,
    )


def _row(s: ContractSummary, now: Period, contract_id: int, computed: dict[Period, dict[int, Computed]]) -> ContractNow:
    before = now.previous()
    return ContractNow(
        code=s.code,
        title=s.title,
        shop=s.shop,
        shop_name=s.shop_name,
        vendor_name=s.vendor_name,
        current=_status(now, computed[now].get(contract_id)),
        previous=_status(before, computed[before].get(contract_id)),
    )
