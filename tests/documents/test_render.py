"""The four PDF documents (SPEC 6) rendered from sample views, read back with poppler.

The PDFs are rendered once per session (`sample_pdfs`); the remaining checks look at HTML,
which costs microseconds.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.documents.conftest import embedded_fonts, pdf_pages, pdf_text
from vendor_ms.documents.render import render_html, render_pdf, templates_dir
from vendor_ms.documents.samples import (
    sample_comparison,
    sample_credit_note,
    sample_invoice,
    sample_scorecard,
    sample_summary,
)
from vendor_ms.documents.views import BENCHMARK_HIDDEN_NOTE, DOCUMENT_KINDS


def flat(text: str) -> str:
    """pdftotext breaks lines and spaces CJK runs as it lays them out: compare without spacing."""
    return re.sub(r"\s+", "", text)


def test_templates_live_in_reports() -> None:
    folder = templates_dir()
    assert folder.name in ("reports", "_reports")
    for kind in DOCUMENT_KINDS:
        assert (folder / f"{kind}.html").is_file()
    assert (folder / "style.css").is_file()


@pytest.mark.parametrize("name", ["invoice", "draft", "credit_note", "scorecard", "comparison", "summary"])
def test_every_document_renders_with_an_embedded_cjk_font(sample_pdfs: dict[str, Path], name: str) -> None:
    path = sample_pdfs[name]
    assert path.read_bytes().startswith(b"%PDF-")
    assert pdf_pages(path) >= 1
    fonts = embedded_fonts(path)
    cjk = {font: embedded for font, embedded in fonts.items() if "Noto-Sans-CJK" in font}
    assert cjk, f"no Noto Sans CJK font in the PDF: {fonts}"
    assert all(cjk.values()), f"a CJK font is not embedded: {cjk}"
    # real glyphs: the Chinese text comes back out of the PDF as Chinese
    assert re.search(r"[\u4e00-\u9fff]{2,}", pdf_text(path))


def test_draft_invoice_is_marked_on_every_page(sample_pdfs: dict[str, Path]) -> None:
    path = sample_pdfs["draft"]
    for page in range(1, pdf_pages(path) + 1):
        text = flat(pdf_text(path, page))
        assert "草稿" in text and "DRAFT" in text, f"page {page} has no draft mark"
    assert "未编号" in flat(pdf_text(path))  # a draft has no number yet


def test_issued_invoice_has_no_draft_mark(sample_pdfs: dict[str, Path]) -> None:
    text = flat(pdf_text(sample_pdfs["invoice"]))
    assert "草稿" not in text
    assert "DRAFT" not in text
    assert "VMS-2026-000042" in text


def test_invoice_shows_totals_in_figures_and_capitals_and_its_inputs_hash(sample_pdfs: dict[str, Path]) -> None:
    view = sample_invoice(0)
    text = flat(pdf_text(sample_pdfs["invoice"]))
    assert "大写金额" in text
    assert view.total_in_capitals in text
    assert view.total_in_capitals.endswith(("整", "分"))
    assert f"¥{view.total:,.2f}" in text  # ¥12,345.60: thousands separators, two decimals
    assert f"¥{view.tax:,.2f}" in text
    assert view.inputs_sha256 in text
    # the scorecard that produced the bonus and penalties, and the adjustment for late data
    assert "3分钟人工回复率" in text and "得分率" in text
    assert view.adjustments_detail and view.adjustments_detail[0].invoice_number in text


def test_credit_note_prints_a_negative_total_in_capitals(sample_pdfs: dict[str, Path]) -> None:
    view = sample_credit_note()
    text = flat(pdf_text(sample_pdfs["credit_note"]))
    assert "红字冲销单" in text and "CREDITNOTE" in text
    assert view.total_in_capitals.startswith("负")
    assert view.total_in_capitals in text
    assert f"-¥{-view.total:,.2f}" in text
    assert "VMS-2026-000042" in text  # the invoice it reverses


def test_scorecard_pdf_has_its_charts_and_accounts(sample_pdfs: dict[str, Path]) -> None:
    text = flat(pdf_text(sample_pdfs["scorecard"]))
    assert "每日趋势" in text
    assert "目标target" in text and "红线redline" in text  # chart legends, drawn as text
    assert "pdd-mengmeng:acc04" in text


def test_comparison_and_summary_pdfs(sample_pdfs: dict[str, Path]) -> None:
    comparison = flat(pdf_text(sample_pdfs["comparison"]))
    assert "行业均值" in comparison and "杭州云客信息服务有限公司" in comparison
    summary = flat(pdf_text(sample_pdfs["summary"]))
    assert "按服务商" in summary and "按店铺" in summary and "草稿与已开具" in summary


def test_same_view_renders_the_same_bytes() -> None:
    # issued PDFs are rendered once and their SHA-256 stored: re-rendering must reproduce them
    view = sample_credit_note()
    assert render_pdf("invoice", view) == render_pdf("invoice", view)


# ---------------------------------------------------------------------------------------------
# HTML-level checks (no PDF)


def test_charts_are_static_svg_naming_the_cjk_font() -> None:
    html = render_html("scorecard", sample_scorecard())
    svgs = re.findall(r"<svg\b[^>]*>", html)
    assert len(svgs) == len(sample_scorecard().daily)
    assert all("Noto Sans CJK SC" in tag for tag in svgs)
    assert "<script" not in html
    assert "<?xml" not in html


def test_accounts_are_ranked_worst_first_in_the_scorecard() -> None:
    view = sample_scorecard()
    html = render_html("scorecard", view)
    accounts_table = html[html.index('class="data accounts"') :]
    positions = [accounts_table.index(f">{row.account}<") for row in view.ranked_accounts]
    assert positions == sorted(positions)
    assert view.ranked_accounts[0].account.endswith("acc04")  # the struggling one
    assert view.ranked_accounts[-1].consultations == 0  # undefined rates come last


def test_comparison_hides_a_benchmark_of_fewer_than_five_shops() -> None:
    shown = render_html("comparison", sample_comparison())
    assert "行业均值" in shown and BENCHMARK_HIDDEN_NOTE not in shown
    hidden_view = sample_comparison(with_benchmark=False)
    assert hidden_view.benchmark is None
    hidden = render_html("comparison", hidden_view)
    assert "benchmark hidden" in hidden
    assert "category mean</span></th>" not in hidden


def test_summary_lists_drafts_and_adjustments() -> None:
    view = sample_summary(6)
    html = render_html("summary", view)
    assert "草稿 draft" in html
    for row in view.adjustments:
        assert row.original_invoice in html


def test_autoescape_keeps_names_as_text() -> None:
    import msgspec

    view = msgspec.structs.replace(sample_invoice(2), vendor_name="<b>云客</b> & Co")
    html = render_html("invoice", view)
    assert "&lt;b&gt;云客&lt;/b&gt; &amp; Co" in html


def test_a_view_of_the_wrong_kind_is_refused() -> None:
    with pytest.raises(TypeError, match="InvoiceView"):
        render_html("invoice", sample_summary(2))
    with pytest.raises(ValueError, match="unknown document kind"):
        render_html("receipt", sample_invoice(0))  # type: ignore[arg-type]


def test_inline_css_makes_a_standalone_html() -> None:
    html = render_html("invoice", sample_invoice(0), inline_css=True)
    assert "<style>" in html and '"Noto Sans CJK SC"' in html
    assert "<style>" not in render_html("invoice", sample_invoice(0))


def test_chart_labels_from_views_are_escaped() -> None:
    import msgspec

    view = sample_comparison()
    hostile = msgspec.structs.replace(view.vendors[0], vendor_name="<script>alert(1)</script>")
    html = render_html("comparison", msgspec.structs.replace(view, vendors=[hostile, *view.vendors[1:]]))
    assert "<script" not in html
    assert "&lt;script&gt;" in html
