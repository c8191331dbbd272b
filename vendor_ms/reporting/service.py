"""View models of the four documents, filled from the database.

`vendor_ms.documents` knows how to lay out an `InvoiceView`, `ScorecardView`, `ComparisonView`
or `SummaryView`; this module is where their figures come from: stored invoices, sums of the
latest performance records, the billing computation of a period. Scope is the caller's, as in
the JSON routes that show the same figures.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from vendor_ms import clock
from vendor_ms.access import policy
from vendor_ms.access.caller import Caller
from vendor_ms.billing.documents import invoice_view
from vendor_ms.billing.queries import versions_in_force
from vendor_ms.billing.schemas import InvoiceOut
from vendor_ms.billing.service import compute_period, get_invoice, list_invoices
from vendor_ms.comparison.service import compare_vendors
from vendor_ms.contracts.service import visible_contract
from vendor_ms.db.tables import Contract, ContractVersion, Invoice, InvoiceAdjustment, via
from vendor_ms.documents import views as v
from vendor_ms.documents.build import score_view
from vendor_ms.domain.contract import from_canonical_json
from vendor_ms.domain.metrics import METRICS, decimal_text, metric_values
from vendor_ms.domain.money import from_fen
from vendor_ms.domain.periods import Period, parse_period, period_containing
from vendor_ms.errors import FieldError, ValidationFailed
from vendor_ms.pagination import MAX_LIMIT, Window
from vendor_ms.performance.queries import sum_totals


def _period(text: str) -> Period:
    try:
        return parse_period(text)
    except ValueError as exc:
        raise ValidationFailed([FieldError("period", str(exc))]) from None


def _dec(text: str | None) -> Decimal | None:
    return Decimal(text) if text is not None else None


# ---------------------------------------------------------------------------------------------
# invoices


async def invoice_document(caller: Caller, invoice_id: int) -> tuple[InvoiceOut, v.InvoiceView]:
    from vendor_ms.billing.documents import contract_version_document

    invoice = await get_invoice(caller, invoice_id)
    doc = await contract_version_document(invoice.contract, invoice.contract_version)
    return invoice, invoice_view(invoice, doc)


async def stored_pdf(invoice_id: int) -> bytes | None:
    row = await Invoice.select(Invoice.pdf).where(Invoice.id == invoice_id).first()
    return bytes(row["pdf"]) if row and row["pdf"] is not None else None


# ---------------------------------------------------------------------------------------------
# vendor scorecard


async def scorecard_view(caller: Caller, contract_code: str, period_text: str | None) -> v.ScorecardView:
    """Items against bands and red lines, daily trends with their targets, accounts worst first.
    Without a period: the one holding today in the contract's timezone (the live scorecard)."""
    policy.READ_SCORECARDS.require(caller)
    contract = await visible_contract(caller, contract_code)
    if period_text is None:
        period = period_containing(clock.today(contract["timezone"]), contract["billing_cycle"])
    else:
        period = _period(period_text)
    computed = (await compute_period(period, [contract["id"]])).get(contract["id"])
    if computed is None:
        raise ValidationFailed([FieldError("period", f"contract {contract_code} has no active day in {period.label}")])
    doc = (await versions_in_force([contract["id"]], period.end))[contract["id"]].document
    by_day = await sum_totals([contract["id"]], period.start, period.end, "day")
    by_account = await sum_totals([contract["id"]], period.start, period.end, "account")
    daily_values = {key.day: metric_values(totals) for key, totals in by_day.items()}
    # The trend shows the days the contract runs, up to today: not days before it started or
    # after it ended, nor the rest of an open period, as if they were days without data.
    first = max(period.start, contract["starts_on"])
    last = min(period.end, contract["ends_on"], clock.today(contract["timezone"]))
    days = [first.fromordinal(o) for o in range(first.toordinal(), last.toordinal() + 1)]
    series = []
    for item in doc.scorecard.metric_items:
        series.append(
            v.DailySeries(
                metric=item.metric,
                metric_zh=METRICS[item.metric].zh,
                points=[(day, _dec(decimal_text(daily_values.get(day, {}).get(item.metric)))) for day in days],
                target=item.bands[0].threshold if item.bands else None,
                red_lines=[line.threshold for line in item.red_lines],
                higher_is_better=METRICS[item.metric].higher_is_better,
            )
        )
    accounts = [
        v.AccountRow(
            account=str(key.account),
            consultations=totals.consultations,
            values={name: _dec(decimal_text(value)) for name, value in metric_values(totals).items()},
        )
        for key, totals in by_account.items()
    ]
    issued = (
        await Invoice.select(Invoice.number)
        .where(
            Invoice.contract == contract["id"],
            Invoice.period == period.label,
            Invoice.credit_note_for.is_null(),
            Invoice.status.is_in(["issued", "paid"]),
        )
        .first()
    )
    return v.ScorecardView(
        contract_code=doc.code,
        contract_title=doc.title,
        shop_name=doc.shop.name,
        vendor_name=doc.vendor.name,
        period_label=period.label,
        period_start=period.start,
        period_end=period.end,
        score=score_view(doc.scorecard, computed.computation.scorecard),
        daily=series,
        accounts=accounts,
        invoice_number=issued["number"] if issued else None,
    )


# ---------------------------------------------------------------------------------------------
# vendor comparison


async def comparison_view(caller: Caller, shop_code: str, period_text: str, periods: int = 6) -> v.ComparisonView:
    out = await compare_vendors(caller, shop_code, period_text, periods)
    vendors = [
        v.VendorComparisonRow(
            vendor_name=col.vendor_name,
            vendor_code=col.vendor,
            contract_code=col.contract,
            metrics={k: _dec(x) for k, x in col.metrics.items()},
            score_ratio=_dec(col.score_ratio),
            consultations=col.consultations,
            converted_buyers=col.paid_buyers,
            cost=col.net,
            cost_per_consultation=_dec(col.cost_per_consultation),
            cost_per_converted_buyer=_dec(col.cost_per_converted_buyer),
            trend=[
                v.TrendPoint(
                    period_label=t.period,
                    score_ratio=_dec(t.score_ratio),
                    metrics={k: _dec(x) for k, x in t.metrics.items()},
                )
                for t in col.trend
            ],
        )
        for col in out.vendors
    ]
    benchmark = None
    if out.benchmark is not None:
        benchmark = v.Benchmark(
            category=out.benchmark.category,
            shops=out.benchmark.shops,
            metrics=[
                v.BenchmarkMetric(metric=m.metric, mean=_dec(m.mean), top_decile_mean=_dec(m.top10_mean), shops=m.shops)
                for m in out.benchmark.metrics
            ],
        )
    return v.ComparisonView(
        shop_code=out.shop,
        shop_name=out.shop_name,
        platform=out.platform,
        category=out.category,
        period_label=out.period,
        periods=out.periods,
        vendors=vendors,
        benchmark=benchmark,
        benchmark_shops=out.benchmark.shops if out.benchmark else 0,
    )


# ---------------------------------------------------------------------------------------------
# finance summary


async def summary_view(caller: Caller, period_text: str) -> v.SummaryView:
    """Every invoice of the period (for a month: its daily and weekly invoices too), totals by
    vendor, shop and status, and the adjustments they carry."""
    policy.FINANCE_SUMMARY.require(caller)
    period = _period(period_text)
    rows: list[Any] = []
    offset = 0
    while True:
        page = await list_invoices(caller, within=period, window=Window(MAX_LIMIT, offset))
        rows.extend(page.items)
        offset += MAX_LIMIT
        if offset >= page.total:
            break
    names = await _party_names({r.contract for r in rows})
    invoices = [
        v.SummaryInvoiceRow(
            number=r.number,
            contract_code=r.contract,
            shop_name=names[r.contract][0],
            vendor_name=names[r.contract][1],
            status=r.status,
            kind=r.kind,
            net=r.net,
            tax=r.tax,
            total=r.total,
        )
        for r in rows
    ]
    adjustments = []
    for adj in await InvoiceAdjustment.select(
        InvoiceAdjustment.amount_fen,
        InvoiceAdjustment.invoice.number.as_alias("number"),
        via(InvoiceAdjustment.invoice.contract, Contract).code.as_alias("contract"),
        InvoiceAdjustment.target.period.as_alias("target_period"),
        InvoiceAdjustment.target.number.as_alias("target_number"),
    ).where(InvoiceAdjustment.invoice.period_start >= period.start, InvoiceAdjustment.invoice.period_end <= period.end):
        adjustments.append(
            v.SummaryAdjustmentRow(
                invoice_number=adj["number"],
                contract_code=adj["contract"],
                vendor_name=names.get(adj["contract"], ("", ""))[1],
                period=adj["target_period"],
                original_invoice=adj["target_number"] or "",
                amount=from_fen(adj["amount_fen"]),
            )
        )
    today = clock.today(clock.NUMBERING_TIMEZONE)
    return v.build_summary_view(period.label, invoices, adjustments, generated_on=today)


async def _party_names(contract_codes: set[str]) -> dict[str, tuple[str, str]]:
    """Shop and vendor names as the contracts' latest documents write them."""
    if not contract_codes:
        return {}
    rows = await ContractVersion.select(
        ContractVersion.contract.code.as_alias("code"), ContractVersion.version, ContractVersion.document
    ).where(ContractVersion.contract.code.is_in(sorted(contract_codes)))
    latest: dict[str, Any] = {}
    for row in sorted(rows, key=lambda r: r["version"]):
        latest[row["code"]] = row
    names = {}
    for code, row in latest.items():
        doc = from_canonical_json(row["document"])
        names[code] = (doc.shop.name, doc.vendor.name)
    return names
