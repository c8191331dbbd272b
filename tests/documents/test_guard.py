"""The rendering guard: a missing hb-subset or CJK font fails loudly, naming the Debian package."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from vendor_ms.documents import render
from vendor_ms.documents.render import RenderingUnavailable, ensure_fast_rendering, html_to_pdf
from vendor_ms.errors import AppError


@pytest.fixture(autouse=True)
def fresh_guard() -> Iterator[None]:
    render.reset_guard()
    yield
    render.reset_guard()  # later tests check the real machine again


def test_this_machine_renders_fast() -> None:
    # the dev set-up (./dev) installs libharfbuzz-subset0 and fonts-noto-cjk
    assert render._harfbuzz_subset_status() is None
    assert render.CJK_FAMILY in render._font_families()
    ensure_fast_rendering()


def test_missing_harfbuzz_subset_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render, "_harfbuzz_subset_status", lambda: "libharfbuzz-subset is not installed")
    with pytest.raises(RenderingUnavailable) as info:
        ensure_fast_rendering()
    assert "apt-get install libharfbuzz-subset0" in info.value.detail
    assert "times slower" in info.value.detail
    assert isinstance(info.value, AppError) and info.value.status_code == 503
    # and so is every render: no silent fallback to the slow path
    with pytest.raises(RenderingUnavailable, match="libharfbuzz-subset0"):
        html_to_pdf("<p>账单</p>")


def test_missing_cjk_font_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render, "_font_families", lambda: {"DejaVu Sans"})
    with pytest.raises(RenderingUnavailable, match="apt-get install fonts-noto-cjk"):
        ensure_fast_rendering()


def test_a_failed_check_is_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    # installing the package fixes a running process without a restart
    monkeypatch.setattr(render, "_harfbuzz_subset_status", lambda: "libharfbuzz-subset is not installed")
    with pytest.raises(RenderingUnavailable):
        ensure_fast_rendering()
    monkeypatch.undo()
    ensure_fast_rendering()


def test_the_library_probe_reports_a_missing_library(monkeypatch: pytest.MonkeyPatch) -> None:
    from weasyprint.text import ffi

    monkeypatch.setattr(ffi, "harfbuzz_subset", None)

    def no_library(name: str) -> None:
        raise OSError(f"{name}: cannot open shared object file")

    monkeypatch.setattr("ctypes.CDLL", no_library)
    monkeypatch.setattr("ctypes.util.find_library", lambda name: None)
    assert render._harfbuzz_subset_status() == "libharfbuzz-subset is not installed"
