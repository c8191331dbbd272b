"""Fixtures of the security tests."""

from __future__ import annotations

import hashlib

import pytest


def _stub_pdf(html: str) -> bytes:
    return b"%PDF-1.7\n% vendor-ms test stub " + hashlib.sha256(html.encode()).hexdigest().encode() + b"\n%%EOF\n"


def stub_pdfs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Skip WeasyPrint (~0.4 s a document): these tests are about who may do what and what the
    API answers, not about PDFs (tests/documents renders them for real). The HTML is still
    rendered from the templates, so a broken view still fails."""
    monkeypatch.setattr("vendor_ms.documents.render.html_to_pdf", _stub_pdf)


@pytest.fixture
def fast_pdfs(monkeypatch: pytest.MonkeyPatch) -> None:
    stub_pdfs(monkeypatch)
