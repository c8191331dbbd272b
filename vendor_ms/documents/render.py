"""The PDF renderer: a view → HTML (Jinja2 templates in `reports/`) → PDF (WeasyPrint).

Per process, built once and reused: the Jinja environment, WeasyPrint's FontConfiguration and
the parsed stylesheet (parsing CSS and loading the 20 MB CJK font collection dominate a cold
render). The stylesheet is passed to WeasyPrint as a parsed `CSS` object rather than linked from
the HTML, so it is parsed once per process instead of once per document.

`ensure_fast_rendering()` runs before the first PDF of a process. Without libharfbuzz-subset
WeasyPrint silently falls back to fontTools for subsetting the CJK font, 30-50× slower; without
Noto Sans CJK every Chinese character becomes a box. Both are refused loudly instead, naming the
Debian package that fixes them.
"""

from __future__ import annotations

import functools
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import msgspec
from markupsafe import Markup

from vendor_ms.documents import charts
from vendor_ms.documents import formatting as fmt
from vendor_ms.documents.views import (
    DOCUMENT_KINDS,
    ComparisonView,
    DocumentKind,
    InvoiceView,
    ScorecardView,
    SummaryView,
)
from vendor_ms.domain.metrics import METRIC_NAMES, METRICS
from vendor_ms.errors import AppError

if TYPE_CHECKING:
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

CJK_FAMILY = "Noto Sans CJK SC"
HARFBUZZ_SUBSET_NAMES = (
    "libharfbuzz-subset.so.0",
    "libharfbuzz-subset.0.dylib",
    "libharfbuzz-subset-0.dll",
)

View = InvoiceView | ScorecardView | ComparisonView | SummaryView
VIEW_TYPES: dict[str, type[msgspec.Struct]] = {
    "invoice": InvoiceView,
    "scorecard": ScorecardView,
    "comparison": ComparisonView,
    "summary": SummaryView,
}
assert tuple(VIEW_TYPES) == DOCUMENT_KINDS


class RenderingUnavailable(AppError):
    """This machine cannot render PDFs properly (a library or font is missing)."""

    status_code = 503
    title = "PDF rendering unavailable"
    slug = "rendering-unavailable"


# ---------------------------------------------------------------------------------------------
# where the templates are


def templates_dir() -> Path:
    """`vendor_ms/_reports` in an installed wheel (pyproject force-includes `reports/` there),
    else the repository's `reports/` (a checkout or an editable install)."""
    packaged = Path(__file__).resolve().parents[1] / "_reports"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "reports"


# ---------------------------------------------------------------------------------------------
# the rendering guard


def _harfbuzz_subset_status() -> str | None:
    """None when WeasyPrint subsets fonts with HarfBuzz, else why not.

    WeasyPrint's own binding decides (it uses hb-subset only when it loaded and HarfBuzz is at
    least 4.1); ctypes double-checks the shared library for a clear message.
    """
    import ctypes
    import ctypes.util

    from weasyprint.text import ffi

    if ffi.harfbuzz_subset is None:
        found = ctypes.util.find_library("harfbuzz-subset")
        for name in ((found,) if found else ()) + HARFBUZZ_SUBSET_NAMES:
            try:
                ctypes.CDLL(name)
            except OSError:
                continue
            return f"{name} exists but WeasyPrint could not load it"
        return "libharfbuzz-subset is not installed"
    if not ffi.harfbuzz.hb_version_atleast(4, 1, 0):
        version = ffi.ffi.string(ffi.harfbuzz.hb_version_string()).decode()
        return f"HarfBuzz {version} is too old for hb-subset (4.1 or newer is needed)"
    return None


def _font_families() -> set[str]:
    """Every font family fontconfig knows, through WeasyPrint's own fontconfig binding."""
    from weasyprint.text.ffi import ffi, fontconfig

    config = ffi.gc(fontconfig.FcInitLoadConfigAndFonts(), fontconfig.FcConfigDestroy)
    fonts = fontconfig.FcConfigGetFonts(config, fontconfig.FcSetSystem)
    families: set[str] = set()
    value = ffi.new("FcChar8 **")
    for i in range(fonts.nfont if fonts != ffi.NULL else 0):
        n = 0
        # a font may carry several family names (localised ones too)
        while fontconfig.FcPatternGetString(fonts.fonts[i], b"family", n, value) == fontconfig.FcResultMatch:
            families.add(ffi.string(value[0]).decode("utf-8", "replace"))
            n += 1
    return families


_guard_lock = threading.Lock()
_guard_passed = False


def ensure_fast_rendering() -> None:
    """Raise RenderingUnavailable unless hb-subset and Noto Sans CJK SC are available.

    Checked once per process (a few milliseconds); a failure is re-checked on the next call, so
    installing the package fixes a long-running server without a restart.
    """
    global _guard_passed
    if _guard_passed:
        return
    with _guard_lock:
        if _guard_passed:
            return
        problem = _harfbuzz_subset_status()
        if problem is not None:
            raise RenderingUnavailable(
                f"PDF rendering refused: {problem}. Without it WeasyPrint subsets the CJK font with "
                "fontTools, 30 to 50 times slower. Install it: apt-get install libharfbuzz-subset0"
            )
        if CJK_FAMILY not in _font_families():
            raise RenderingUnavailable(
                f'PDF rendering refused: fontconfig does not know the font "{CJK_FAMILY}", so Chinese '
                "would render as empty boxes. Install it: apt-get install fonts-noto-cjk"
            )
        _guard_passed = True


def reset_guard() -> None:
    """Forget a passed guard (tests simulate a missing library after a successful check)."""
    global _guard_passed
    _guard_passed = False


# ---------------------------------------------------------------------------------------------
# Jinja


def _metric_zh(metric: str) -> str:
    return METRICS[metric].zh


@functools.cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir()),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,  # a misspelt field is an error, not an empty cell
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        money=fmt.money,
        signed_money=fmt.signed_money,
        percent=fmt.percent,
        rate=fmt.rate_text,
        metric=lambda value, metric: fmt.metric_text(metric, value),
        metric_zh=_metric_zh,
        metric_en=fmt.metric_en,
        status_zh=lambda status: fmt.STATUS_ZH.get(status, status),
        kind_zh=lambda kind: fmt.KIND_ZH.get(kind, kind),
        platform_zh=lambda platform: fmt.PLATFORM_ZH.get(platform, platform),
    )
    env.globals.update(METRIC_NAMES=METRIC_NAMES, METRICS=METRICS, DASH=fmt.DASH)
    return env


def _context(kind: DocumentKind, view: Any) -> dict[str, Any]:
    context: dict[str, Any] = {"view": view, "draft": False, "charts": {}}
    # Charts are inlined as markup: pygal builds them with an XML library, which escapes every
    # label and title taken from the view, so no view text can inject markup.
    if kind == "invoice":
        context["draft"] = view.is_draft
    elif kind == "scorecard":
        context["charts"] = {s.metric: Markup(charts.daily_trend(s)) for s in view.daily}  # noqa: S704
    elif kind == "comparison":
        context["charts"] = {k: Markup(svg) for k, svg in charts.comparison_charts(view).items()}  # noqa: S704
    return context


def render_html(kind: DocumentKind, view: Any, *, inline_css: bool = False) -> str:
    """The document's HTML. `inline_css` embeds the stylesheet, for opening the HTML on its own;
    the PDF path passes the parsed stylesheet to WeasyPrint instead."""
    expected = VIEW_TYPES.get(kind)
    if expected is None:
        raise ValueError(f"unknown document kind {kind!r} (one of {', '.join(DOCUMENT_KINDS)})")
    if not isinstance(view, expected):
        raise TypeError(f"a {kind} renders from a {expected.__name__}, not {type(view).__name__}")
    context = _context(kind, view)
    context["inline_css"] = (templates_dir() / "style.css").read_text(encoding="utf-8") if inline_css else ""
    return environment().get_template(f"{kind}.html").render(context)


# ---------------------------------------------------------------------------------------------
# WeasyPrint


@functools.cache
def font_config() -> FontConfiguration:
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@functools.cache
def stylesheet() -> CSS:
    from weasyprint import CSS

    return CSS(filename=str(templates_dir() / "style.css"), font_config=font_config())


def base_url() -> str:
    """Relative URLs in templates (images, fonts in assets/) resolve against the templates dir."""
    return templates_dir().as_uri() + "/"


# One render at a time per process: the cached FontConfiguration and stylesheet are shared, and
# WeasyPrint does not promise thread safety. A server renders in a worker thread
# (asyncio.to_thread) without blocking its event loop; parallelism comes from processes (pool).
_render_lock = threading.Lock()


def html_to_pdf(html: str) -> bytes:
    """PDF bytes of a document's HTML, with the project's stylesheet and fonts."""
    from weasyprint import HTML

    ensure_fast_rendering()
    with _render_lock:
        document = HTML(string=html, base_url=base_url())
        pdf = document.write_pdf(stylesheets=[stylesheet()], font_config=font_config())
    assert isinstance(pdf, bytes)  # write_pdf without a target returns the bytes
    return pdf


def render_pdf(kind: DocumentKind, view: Any) -> bytes:
    return html_to_pdf(render_html(kind, view))


def warm_up() -> None:
    """Pay the per-process costs now: the guard, the templates, the CSS and the CJK font."""
    ensure_fast_rendering()
    env = environment()
    for kind in DOCUMENT_KINDS:
        env.get_template(f"{kind}.html")
    html_to_pdf(f"<html><body><p style=\"font-family: '{CJK_FAMILY}'\">预热 warm-up <b>预热</b></p></body></html>")
