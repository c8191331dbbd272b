"""`vendor-ms bench pdf`: invoice PDFs through the project's renderer against WeasyPrint alone.

Set-up (not timed): N sample invoices (`documents.samples`, each with other data, so other
amounts and lines), a warm renderer in this process (guard, templates, stylesheet, CJK font),
and the HTML of every invoice rendered once for the floor.

Timed, each writing N PDF files into a temporary directory:

* floor: WeasyPrint writing the pre-built HTML strings directly, in one process, with the best a
  direct caller can do (one parsed stylesheet and one FontConfiguration for all documents);
* renderer: what `render_many(..., processes=1)` does per job, in one process: view → Jinja →
  WeasyPrint → SHA-256 → atomic write. Floor and renderer alternate document by document, so a
  busy stretch of a shared machine slows both alike;
* pool: `render_many(..., processes=P)`, timed from the call, so it includes starting the
  worker processes and warming each of them up.

renderer/floor is the share of WeasyPrint's speed the project keeps (goal ≥ 0.8); pool/renderer
is the speed-up of P processes (goal ≥ 1.6 with 2 processes on 2 cores).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO


def run_pdf_bench(
    invoices: int = 200,
    processes: int = 2,
    *,
    on_step: Callable[[str], None] = lambda _: None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Measure the floor, the renderer and the pool on `invoices` invoices; figures in a dict."""
    from weasyprint import HTML

    from vendor_ms.documents.pool import RenderedFile, render_many, render_to_file
    from vendor_ms.documents.render import base_url, font_config, render_html, stylesheet, warm_up
    from vendor_ms.documents.samples import sample_invoice

    if invoices < 1:
        raise ValueError("invoices must be at least 1")
    on_step("building sample invoices")
    views = [sample_invoice(i) for i in range(invoices)]
    warm_up()
    html = [render_html("invoice", view) for view in views]
    css, fonts, url = [stylesheet()], font_config(), base_url()

    def report(done: int, total: int, *_: object) -> None:
        if progress is not None:
            progress(done, total)

    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="vms-bench-pdf-") as tmp:
        out = Path(tmp)

        # Floor and renderer alternate document by document (and which goes first alternates),
        # so a slower stretch of a shared machine weighs on both alike.
        on_step("floor and renderer, 1 process, interleaved")
        floor_seconds = single_seconds = 0.0
        floor_bytes = 0
        single: list[RenderedFile] = []
        for i, (view, document) in enumerate(zip(views, html, strict=True)):
            for turn in (0, 1) if i % 2 == 0 else (1, 0):
                started = time.perf_counter()
                if turn == 0:
                    pdf = HTML(string=document, base_url=url).write_pdf(stylesheets=css, font_config=fonts)
                    assert pdf is not None
                    (out / f"floor-{i:05d}.pdf").write_bytes(pdf)
                    floor_seconds += time.perf_counter() - started
                    floor_bytes += len(pdf)
                else:
                    # what render_many(..., processes=1) does for each job
                    single.append(render_to_file("invoice", view, out / f"single-{i:05d}.pdf"))
                    single_seconds += time.perf_counter() - started
            report(i + 1, invoices)

        on_step(f"pool: views to PDF files, {processes} processes")
        started = time.perf_counter()
        pooled = render_many(
            [("invoice", view, out / f"pool-{i:05d}.pdf") for i, view in enumerate(views)],
            processes=processes,
            progress=report,
        )
        pool_seconds = time.perf_counter() - started

    load_after = os.getloadavg()[0]
    # the same views must give the same PDFs, whichever process rendered them
    identical = all(a.sha256 == b.sha256 for a, b in zip(single, pooled, strict=True))
    renderer_bytes = sum(f.size for f in single)
    return {
        "invoices": invoices,
        "processes": processes,
        "cpus": os.cpu_count(),
        "floor_seconds": floor_seconds,
        "renderer_seconds": single_seconds,
        "pool_seconds": pool_seconds,
        "floor_per_second": invoices / floor_seconds,
        "renderer_per_second": invoices / single_seconds,
        "pool_per_second": invoices / pool_seconds,
        "ratio": floor_seconds / single_seconds,  # renderer speed as a share of the floor's
        "speedup": single_seconds / pool_seconds,
        "floor_mean_bytes": floor_bytes // invoices,
        "renderer_mean_bytes": renderer_bytes // invoices,
        "identical_across_processes": identical,
        # other work on the machine skews every figure: the 1-minute load average says how busy it was
        "load_before": load_before,
        "load_after": load_after,
    }


def print_report(result: dict[str, Any], file: TextIO | None = None) -> None:
    out = file or sys.stdout
    print(
        f"pdf bench: {result['invoices']} invoices, {result['cpus']} CPUs\n"
        f"  floor (WeasyPrint, pre-built HTML, 1 process)  {result['floor_per_second']:7.2f} invoices/s"
        f"  ({result['floor_seconds']:.2f} s)\n"
        f"  renderer (views → PDF files, 1 process)         {result['renderer_per_second']:7.2f} invoices/s"
        f"  ({result['renderer_seconds']:.2f} s)\n"
        f"  renderer, {result['processes']} processes (incl. pool start-up)   "
        f"{result['pool_per_second']:7.2f} invoices/s  ({result['pool_seconds']:.2f} s)\n"
        f"  ratio renderer / floor    {result['ratio']:.2f}×  (goal ≥ 0.80)\n"
        f"  speed-up {result['processes']} processes      {result['speedup']:.2f}×  (goal ≥ 1.60)\n"
        f"  mean PDF size {result['renderer_mean_bytes'] / 1024:.0f} KiB; identical PDFs across processes: "
        f"{'yes' if result['identical_across_processes'] else 'NO'}\n"
        f"  load average before/after {result['load_before']:.2f} / {result['load_after']:.2f} "
        "(other work on the machine lowers every figure, the speed-up most)",
        file=out,
    )


def register_pdf_bench(bench_subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `pdf` to `vendor-ms bench`; its handler follows the CLI's (args, settings) convention."""
    parser = bench_subparsers.add_parser(
        "pdf",
        help="invoice PDFs/s through the renderer vs WeasyPrint alone, and the multi-process speed-up",
    )
    parser.add_argument("--invoices", type=int, default=200, help="invoices to render (default 200)")
    parser.add_argument("--processes", type=int, default=2, help="processes of the pool run (default 2)")
    parser.set_defaults(handler=_run_cli)


def _run_cli(args: argparse.Namespace, settings: object) -> int:
    result = run_pdf_bench(
        args.invoices,
        args.processes,
        on_step=lambda step: print(f"bench pdf: {step}", file=sys.stderr),
    )
    print_report(result)
    return 0


def main(argv: list[str] | None = None) -> int:
    """`python -m vendor_ms.bench.pdf --invoices 200`: the same bench without the CLI."""
    parser = argparse.ArgumentParser(prog="python -m vendor_ms.bench.pdf")
    sub = parser.add_subparsers(dest="bench_command", required=True)
    register_pdf_bench(sub)
    args = parser.parse_args(["pdf", *(sys.argv[1:] if argv is None else argv)])
    return _run_cli(args, None)


if __name__ == "__main__":
    sys.exit(main())
