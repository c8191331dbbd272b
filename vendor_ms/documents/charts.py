"""Charts of the PDFs, drawn by pygal as static SVG strings that the templates inline.

WeasyPrint renders inline SVG on its own (an SVG does not inherit the page's CSS), so every chart
names "Noto Sans CJK SC" itself: in pygal's style and on the root element. Charts are static: no
JavaScript, no tooltips, no XML declaration (the SVG sits inside HTML), and the chart id that
pygal scopes its CSS with is derived from the content, so the same view renders the same bytes.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import OrderedDict
from collections.abc import Callable, Sequence
from decimal import Decimal

import pygal
from pygal.style import Style

from vendor_ms.documents import formatting as fmt
from vendor_ms.documents.views import ComparisonView, DailySeries
from vendor_ms.domain.metrics import METRICS

FONT_FAMILY = '"Noto Sans CJK SC", "Noto Sans CJK", sans-serif'
ACTUAL = "#1f5fa8"
TARGET = "#2e9d55"
RED_LINE = "#d13b3b"
# vendors side by side, then the benchmark's mean and top-10% mean in greys
VENDOR_COLORS = ("#1f5fa8", "#e08a1e", "#7a4fb0", "#2aa198", "#c2417a", "#6b8e23", "#8c564b", "#17becf")
BENCHMARK_COLORS = ("#9e9e9e", "#5f5f5f")

_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# pygal inlines its config for pygal.js even with js=[]: dead weight in a PDF
_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)
_ROOT = re.compile(r"<svg ")


def _style(colors: Sequence[str]) -> Style:
    return Style(
        font_family=FONT_FAMILY,
        background="white",
        plot_background="white",
        foreground="#333",
        foreground_strong="#111",
        foreground_subtle="#bbb",
        colors=tuple(colors),
        title_font_size=13,
        label_font_size=10,
        major_label_font_size=10,
        legend_font_size=10,
        value_font_size=9,
        opacity="0.85",
        stroke_opacity="1",
        guide_stroke_color="#dcdcdc",
        major_guide_stroke_color="#c8c8c8",
        guide_stroke_dasharray="2,3",
        major_guide_stroke_dasharray="2,3",
    )


def _config(series: int, columns: int = 4, **extra: object) -> dict[str, object]:
    rows = -(-series // columns)
    return {
        "js": [],  # static SVG: no pygal.js, no tooltips
        "disable_xml_declaration": True,
        "show_dots": False,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": columns,
        "margin": 8,
        # pygal places a bottom legend below the x labels without reserving its height: the
        # margin makes room for its rows, else the legend is cut off at the edge
        "margin_bottom": 8 + 16 * rows,
        "spacing": 8,
        "print_values": False,
        "truncate_label": -1,
        "max_scale": 8,  # y labels: enough to read a value, few enough to stay legible
        **extra,
    }


def _finish(chart: pygal.graph.graph.Graph, key: str) -> str:
    """Render with a stable id, without comments (pygal stamps the date) or scripts, naming the font."""
    chart.uuid = hashlib.sha256(key.encode()).hexdigest()[:12]
    svg = chart.render(is_unicode=True)
    svg = _SCRIPT.sub("", _COMMENT.sub("", svg))
    return _ROOT.sub(f"<svg font-family='{FONT_FAMILY}' ", svg, count=1)


# Drawing a chart costs pygal tens of milliseconds; the same figures draw the same SVG, so pages
# asked for again (and PDFs of the same view) reuse it. The key is everything the chart shows.
CACHED_CHARTS = 512
_drawn: OrderedDict[str, str] = OrderedDict()


def _cached(key: str, build: Callable[[], pygal.graph.graph.Graph]) -> str:
    svg = _drawn.get(key)
    if svg is None:
        svg = _drawn[key] = _finish(build(), key)
        if len(_drawn) > CACHED_CHARTS:
            _drawn.popitem(last=False)
    else:
        _drawn.move_to_end(key)
    return svg


def _f(value: Decimal | None) -> float | None:
    # pygal plots floats; display only, every figure on the page is printed from the Decimal
    return float(value) if value is not None else None


def _y_formatter(metric: str) -> object:
    if METRICS[metric].is_rate:
        return lambda v: f"{v * 100:.1f}%" if v is not None else ""
    return lambda v: f"{v:.0f}s" if v is not None else ""


def _metric_title(metric: str) -> str:
    """`3分钟人工回复率 3-min reply rate`: the Chinese name with the English beside, never the raw id."""
    return f"{METRICS[metric].zh} {fmt.metric_en(metric)}"


def _covering(values: Sequence[float], *, rate: bool, floor_at_zero: bool) -> tuple[float, float]:
    """A y range that holds every value with some room (lines: around the data)."""
    low = min(values, default=0.0)
    high = max(values, default=1.0 if rate else 10.0)
    pad = (high - low) * 0.12 or max(abs(high) * 0.1, 0.01)
    lower = 0.0 if floor_at_zero else max(low - pad, 0.0)
    upper = high + pad
    if rate:
        upper = min(upper, 1.0) if high + pad <= 1.0 else high * 1.1
    return lower, max(upper, lower + 0.01)


def bar_ticks(high: float, *, intervals: int = 5) -> list[float]:
    """Y labels from 0 in round steps whose top label is above the highest bar, with room for
    the value printed on it: the axis always covers its data."""
    if high <= 0:
        return [0.0, 1.0]
    raw = high / intervals
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    top = math.ceil(high / step) * step
    if top - high < 0.1 * top:  # the printed value needs room above the bar
        top += step
    count = round(top / step)
    return [round(i * step, 10) for i in range(count + 1)]


def daily_trend(series: DailySeries, width: int = 720, height: int = 230) -> str:
    """One metric day by day, its target as a flat green line and each red line as a dashed red one."""
    if not series.points:
        return ""
    return _cached(f"trend:{series!r}:{width}:{height}", lambda: _trend_chart(series, width, height))


def _trend_chart(series: DailySeries, width: int, height: int) -> pygal.graph.graph.Graph:
    values = [_f(value) for _, value in series.points]
    defined = [float(v) for _, v in series.points if v is not None]
    flats = [float(v) for v in (series.target, *series.red_lines) if v is not None]
    is_rate = METRICS[series.metric].is_rate
    lower, upper = _covering(defined + flats, rate=is_rate, floor_at_zero=False)
    colors = [ACTUAL]
    if series.target is not None:
        colors.append(TARGET)
    colors.extend([RED_LINE] * len(series.red_lines))
    chart = pygal.Line(
        style=_style(colors),
        **_config(
            len(colors),
            width=width,
            height=height,
            title=f"{_metric_title(series.metric)} 每日趋势 daily",
            range=(lower, upper),
            allow_interruptions=True,  # a day without data is a gap, not a line to the next day
            x_labels=[str(day.day) for day, _ in series.points],
            x_labels_major_every=max(1, len(series.points) // 15),
            show_minor_x_labels=len(series.points) <= 16,
            value_formatter=_y_formatter(series.metric),
        ),
    )
    chart.add("实际 actual", values, stroke_style={"width": 2})
    n = len(series.points)
    if series.target is not None:
        chart.add(
            f"目标 target {fmt.threshold_text(series.metric, series.target)}",
            [_f(series.target)] * n,
            stroke_style={"width": 1.5},
        )
    for line in series.red_lines:
        chart.add(
            f"红线 red line {fmt.threshold_text(series.metric, line)}",
            [_f(line)] * n,
            stroke_style={"width": 1.5, "dasharray": "6, 4"},
        )
    return chart


def _bars(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    colors: Sequence[str],
    formatter: object,
    width: int,
    height: int,
    *,
    rate: bool = False,
    **extra: object,
) -> str:
    drawn = [(name, list(values)) for name, values in series]
    return _cached(
        f"bars:{title}:{list(labels)}:{drawn}:{list(colors)}:{width}:{height}:{rate}:{sorted(extra.items())}",
        lambda: _bar_chart(title, labels, series, colors, formatter, width, height, rate=rate, **extra),
    )


def _bar_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    colors: Sequence[str],
    formatter: object,
    width: int,
    height: int,
    *,
    rate: bool,
    **extra: object,
) -> pygal.graph.graph.Graph:
    # A series without a single value would only add a legend entry for nothing.
    shown = [
        (name, values, color)
        for (name, values), color in zip(series, colors, strict=True)
        if any(v is not None for v in values)
    ]
    defined = [v for _, values, _ in shown for v in values if v is not None]
    high = max(defined, default=0.0)
    ticks = bar_ticks(high)
    if rate and high <= 1.0:
        ticks = [t for t in ticks if t <= 1.0]  # a share never needs an axis past 100%
    chart = pygal.Bar(
        style=_style([color for _, _, color in shown] or [ACTUAL]),
        **_config(
            len(shown),
            2 if width < 500 else 3,
            width=width,
            height=height,
            title=title,
            x_labels=list(labels),
            value_formatter=formatter,
            truncate_legend=-1,  # vendor names are long, and truncating them misleads
            range=(0.0, ticks[-1]),
            y_labels=ticks,
            print_values=True,  # every bar carries its value
            **extra,
        ),
    )
    for name, values, _ in shown:
        chart.add(name, list(values))
    return chart


def comparison_charts(view: ComparisonView, width: int = 720) -> dict[str, str]:
    """Bar charts of the vendors side by side (benchmark as extra series), plus the score trend."""
    charts: dict[str, str] = {}
    vendors = view.vendors
    colors = [VENDOR_COLORS[i % len(VENDOR_COLORS)] for i in range(len(vendors))]
    names = [v.vendor_name for v in vendors]

    rate_metrics = [m for m in METRICS.values() if m.is_rate]
    labels = [m.zh for m in rate_metrics] + ["得分率 score"]
    rate_series: list[tuple[str, list[float | None]]] = [
        (name, [_f(row.metrics.get(m.name)) for m in rate_metrics] + [_f(row.score_ratio)])
        for name, row in zip(names, vendors, strict=True)
    ]
    bench_colors: list[str] = []
    if view.benchmark is not None:
        means = [view.benchmark.get(m.name) for m in rate_metrics]
        rate_series.append(("行业均值 category mean", [_f(b.mean) if b else None for b in means] + [None]))
        rate_series.append(("行业前10% top-10% mean", [_f(b.top_decile_mean) if b else None for b in means] + [None]))
        bench_colors = list(BENCHMARK_COLORS)
    charts["rates"] = _bars(
        "各项指标对比 metrics side by side",
        labels,
        rate_series,
        colors + bench_colors,
        lambda v: f"{v * 100:.1f}%" if v is not None else "",
        width,
        320,
        rate=True,
    )

    seconds = METRICS["avg_response_seconds"]
    sec_series: list[tuple[str, list[float | None]]] = [
        (name, [_f(row.metrics.get(seconds.name))]) for name, row in zip(names, vendors, strict=True)
    ]
    if view.benchmark is not None:
        bench = view.benchmark.get(seconds.name)
        sec_series.append(("行业均值 category mean", [_f(bench.mean) if bench else None]))
        sec_series.append(("行业前10% top-10% mean", [_f(bench.top_decile_mean) if bench else None]))
    charts["seconds"] = _bars(
        f"{seconds.zh} (秒, 越低越好 lower is better)",
        [seconds.zh],
        sec_series,
        colors + bench_colors,
        lambda v: f"{v:.1f}s" if v is not None else "",
        width // 2 - 6,
        260,
        max_scale=5,
    )
    charts["costs"] = _bars(
        "单位成本 unit cost (¥)",
        ["每咨询 per consultation", "每成交买家 per buyer"],
        [
            (name, [_f(row.cost_per_consultation), _f(row.cost_per_converted_buyer)])
            for name, row in zip(names, vendors, strict=True)
        ],
        colors,
        lambda v: f"¥{v:,.2f}" if v is not None else "",
        width // 2 - 6,
        260,
        max_scale=5,
    )

    trend = _score_trend(view, names, colors, width)
    if trend:
        charts["trend"] = trend
    return charts


def _score_trend(view: ComparisonView, names: Sequence[str], colors: Sequence[str], width: int) -> str:
    """Score ratio per period, from the first period any vendor has a score in (earlier periods,
    before the contracts started or without data, are not drawn as empty months); none for one period."""
    by_vendor = [{p.period_label: p.score_ratio for p in row.trend} for row in view.vendors]
    periods = list(view.periods)
    while periods and all(scores.get(periods[0]) is None for scores in by_vendor):
        periods.pop(0)
    if len(periods) < 2:
        return ""
    shown = [
        (name, scores, color)
        for name, scores, color in zip(names, by_vendor, colors, strict=True)
        if any(scores.get(p) is not None for p in periods)
    ]
    drawn = [(name, [scores.get(p) for p in periods], color) for name, scores, color in shown]
    return _cached(f"score-trend:{periods}:{drawn}:{width}", lambda: _score_trend_chart(periods, drawn, width))


def _score_trend_chart(
    periods: list[str], drawn: list[tuple[str, list[Decimal | None], str]], width: int
) -> pygal.graph.graph.Graph:
    chart = pygal.Line(
        style=_style([color for _, _, color in drawn]),
        **_config(
            len(drawn),
            3,
            width=width,
            height=240,
            title=f"得分率趋势 score ratio, last {len(periods)} periods",
            x_labels=periods,
            range=(0.0, 1.0),
            show_dots=True,
            dots_size=3,
            allow_interruptions=True,
            value_formatter=lambda v: f"{v * 100:.0f}%" if v is not None else "",
            truncate_legend=-1,
        ),
    )
    for name, values, _ in drawn:
        chart.add(name, [_f(v) for v in values], stroke_style={"width": 2})
    return chart
