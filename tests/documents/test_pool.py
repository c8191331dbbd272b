"""render_many: PDFs written by a pool of processes, with progress and SHA-256 of each file."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from vendor_ms.bench.pdf import print_report, run_pdf_bench
from vendor_ms.documents.pool import RenderedFile, render_many
from vendor_ms.documents.samples import sample_invoice, sample_summary


def test_two_processes_write_every_file(tmp_path: Path) -> None:
    jobs = [("invoice", sample_invoice(i), tmp_path / "out" / f"invoice-{i}.pdf") for i in range(4)]
    jobs.append(("summary", sample_summary(3), tmp_path / "out" / "summary.pdf"))
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int, file: RenderedFile) -> None:
        seen.append((done, total))

    results = render_many(jobs, processes=2, progress=progress)  # type: ignore[arg-type]

    assert [r.path for r in results] == [str(path) for _, _, path in jobs]  # in the order of the jobs
    for result in results:
        data = Path(result.path).read_bytes()
        assert data.startswith(b"%PDF-")
        assert result.sha256 == hashlib.sha256(data).hexdigest()
        assert result.size == len(data)
    assert seen == [(n, len(jobs)) for n in range(1, len(jobs) + 1)]
    assert not list((tmp_path / "out").glob(".*.tmp"))  # no temporary files left behind


def test_one_process_renders_in_place_with_the_same_bytes(tmp_path: Path) -> None:
    [single] = render_many([("invoice", sample_invoice(0), tmp_path / "a.pdf")], processes=1)
    [pooled, _] = render_many(
        [("invoice", sample_invoice(0), tmp_path / "b.pdf"), ("invoice", sample_invoice(1), tmp_path / "c.pdf")],
        processes=2,
    )
    assert single.sha256 == pooled.sha256  # whichever process renders it


def test_a_failing_job_is_raised(tmp_path: Path) -> None:
    jobs = [("invoice", sample_summary(2), tmp_path / "wrong.pdf"), ("invoice", sample_invoice(0), tmp_path / "ok.pdf")]
    with pytest.raises(TypeError, match="InvoiceView"):
        render_many(jobs, processes=2)  # type: ignore[arg-type]


def test_no_jobs_no_pool() -> None:
    assert render_many([], processes=2) == []


def test_pdf_bench_reports_its_figures(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_pdf_bench(invoices=2, processes=1)
    assert result["invoices"] == 2
    assert result["identical_across_processes"]
    for key in ("floor_per_second", "renderer_per_second", "pool_per_second", "ratio", "speedup"):
        assert result[key] > 0
    print_report(result)
    out = capsys.readouterr().out
    assert "invoices/s" in out and "ratio renderer / floor" in out and "speed-up" in out
