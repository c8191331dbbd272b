"""The charts of pages and PDFs (issue 11, point 4): one module draws both.

Every axis covers its data (no bar reaches past the plot), bars carry their values, every red
line of a metric is drawn, periods without any score are not drawn as empty months, no legend
lists an empty series, and titles name metrics in Chinese and English, never by their id.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import msgspec

from vendor_ms.documents.charts import comparison_charts, daily_trend
from vendor_ms.documents.samples import sample_comparison
from vendor_ms.documents.views import DailySeries, TrendPoint

_BAR = re.compile(r'<rect x="[^"]*" y="([^"]*)" rx="0" ry="0" width="[^"]*" height="([^"]*)" class="rect reactive')
_PLOT = re.compile(r'<rect x="0" y="0" width="[^"]*" height="([^"]*)" class="background" />')


def _bars_inside_the_plot(svg: str) -> None:
    plot_height = float(_PLOT.findall(svg)[1])  # [0] is the whole picture, [1] the plot
    bars = [(float(y), float(h)) for y, h in _BAR.findall(svg)]
    assert bars
    for y, height in bars:
        assert y >= 0 and y + height <= plot_height + 0.01, (y, height, plot_height)


def _comparison(seconds: Decimal, rate: Decimal):
    view = sample_comparison()
    first = view.vendors[0]
    metrics = {**first.metrics, "avg_response_seconds": seconds, "reply_rate_3min": rate}
    return msgspec.structs.replace(view, vendors=[msgspec.structs.replace(first, metrics=metrics), *view.vendors[1:]])


def test_every_bar_stays_inside_its_axis() -> None:
    # the first vendor far above the others and the benchmark: 92% against ~80%, 46 s against ~24 s
    charts = comparison_charts(_comparison(Decimal("46.3"), Decimal("0.92")))
    for name in ("rates", "seconds", "costs"):
        _bars_inside_the_plot(charts[name])


def _y_labels(svg: str) -> list[str]:
    """The labels of the value axis (pygal groups them under class "axis y")."""
    axis = svg.split('class="axis y', 1)[1].split('class="axis x', 1)[0]
    return re.findall(r"<text[^>]*>([^<]+)</text>", axis)


def test_the_top_label_of_every_value_axis_is_above_the_highest_bar() -> None:
    charts = comparison_charts(_comparison(Decimal("23.3"), Decimal("0.92")))
    seconds = [float(t.rstrip("s")) for t in _y_labels(charts["seconds"]) if t.endswith("s")]
    assert max(seconds) >= 23.3
    rates = [float(t.rstrip("%")) for t in _y_labels(charts["rates"]) if t.endswith("%")]
    assert max(rates) >= 92.0


def test_bars_carry_their_values() -> None:
    charts = comparison_charts(_comparison(Decimal("23.3"), Decimal("0.92")))
    assert "23.3s" in charts["seconds"]
    assert "92.0%" in charts["rates"]
    assert re.search(r"¥\d+\.\d\d", charts["costs"])


def test_a_series_without_values_has_no_legend() -> None:
    view = sample_comparison()
    assert view.benchmark is not None
    hidden = [msgspec.structs.replace(m, top_decile_mean=None) for m in view.benchmark.metrics]
    charts = comparison_charts(
        msgspec.structs.replace(view, benchmark=msgspec.structs.replace(view.benchmark, metrics=hidden))
    )
    assert "行业前10%" not in charts["rates"] and "行业前10%" not in charts["seconds"]
    assert "行业均值" in charts["rates"]


def test_periods_before_any_score_are_not_drawn_as_empty_months() -> None:
    view = sample_comparison()
    vendors = [
        msgspec.structs.replace(
            row,
            trend=[
                TrendPoint(
                    period_label=p.period_label, score_ratio=p.score_ratio if p.period_label >= "2026-08" else None
                )
                for p in row.trend
            ],
        )
        for row in view.vendors
    ]
    svg = comparison_charts(msgspec.structs.replace(view, vendors=vendors))["trend"]
    assert "2026-07" not in svg and "2026-05" not in svg
    assert "2026-08" in svg and "2026-10" in svg


def test_one_period_of_scores_draws_no_trend() -> None:
    view = sample_comparison()
    vendors = [
        msgspec.structs.replace(row, trend=[p for p in row.trend if p.period_label == "2026-10"])
        for row in view.vendors
    ]
    assert "trend" not in comparison_charts(msgspec.structs.replace(view, vendors=vendors))


def _reply_rates(values: list[str]) -> DailySeries:
    start = date(2026, 10, 1)
    return DailySeries(
        metric="reply_rate_3min",
        metric_zh="3分钟人工回复率",
        points=[(start + timedelta(days=i), Decimal(v)) for i, v in enumerate(values)],
        target=Decimal("0.95"),
        red_lines=[Decimal("0.85"), Decimal("0.80")],
        higher_is_better=True,
    )


def test_every_red_line_is_drawn_and_the_axis_holds_them() -> None:
    svg = daily_trend(_reply_rates(["0.97", "0.96", "0.98"]))
    assert "红线 red line 85%" in svg and "红线 red line 80%" in svg
    # the y axis reaches down to the lowest red line: its dashed line lies inside the plot
    plot_height = float(_PLOT.findall(svg)[1])
    lines = re.findall(r'<path d="M([^"]+)" class="line reactive nofill"', svg)
    assert len(lines) == 4  # actual, target, two red lines
    for path in lines:
        ys = [float(y) for y in re.findall(r"[\d.]+ ([\d.]+)", path)]
        assert all(0 <= y <= plot_height + 0.01 for y in ys)


def test_titles_name_the_metric_in_chinese_and_english_never_its_id() -> None:
    svg = daily_trend(_reply_rates(["0.9"]))
    assert "3分钟人工回复率 3-min reply rate" in svg
    assert "reply_rate_3min" not in svg
