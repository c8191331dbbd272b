"""PDFs of the sample views, rendered once per test session, and poppler helpers to read them."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from vendor_ms.documents.render import render_pdf
from vendor_ms.documents.samples import (
    sample_comparison,
    sample_credit_note,
    sample_invoice,
    sample_scorecard,
    sample_summary,
)


def poppler(tool: str, *args: str) -> str:
    if shutil.which(tool) is None:
        pytest.fail(f"{tool} is missing: apt-get install poppler-utils (./dev installs it)")
    return subprocess.run([tool, *args], check=True, capture_output=True, text=True).stdout


def pdf_text(path: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page is not None else []
    return poppler("pdftotext", *pages, str(path), "-")


def pdf_pages(path: Path) -> int:
    match = re.search(r"^Pages:\s+(\d+)", poppler("pdfinfo", str(path)), re.MULTILINE)
    assert match, "pdfinfo reports no page count"
    return int(match[1])


def embedded_fonts(path: Path) -> dict[str, bool]:
    """pdffonts' table as {font name: embedded}."""
    fonts: dict[str, bool] = {}
    for line in poppler("pdffonts", str(path)).splitlines()[2:]:
        # name, type (may contain spaces), encoding, then emb sub uni and the object id
        match = re.match(r"^(\S+)\s.*\s(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$", line)
        if match:
            fonts[match[1]] = match[2] == "yes"
    return fonts


@pytest.fixture(scope="session")
def sample_pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each document once (six renders): the four kinds, plus a draft and a credit note."""
    out = tmp_path_factory.mktemp("pdfs")
    views = {
        "invoice": ("invoice", sample_invoice(0)),
        "draft": ("invoice", sample_invoice(1, status="draft")),
        "credit_note": ("invoice", sample_credit_note()),
        "scorecard": ("scorecard", sample_scorecard()),
        "comparison": ("comparison", sample_comparison()),
        "summary": ("summary", sample_summary(6)),
    }
    paths = {}
    for name, (kind, view) in views.items():
        path = out / f"{name}.pdf"
        path.write_bytes(render_pdf(kind, view))  # type: ignore[arg-type]
        paths[name] = path
    return paths
