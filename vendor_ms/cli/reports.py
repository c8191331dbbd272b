"""`vendor-ms report invoice|scorecard|comparison|summary`: write PDFs, on every core.

Views are gathered from the database first; then the documents are rendered by a process pool
(`documents.pool.render_many`) with a progress bar. Issued invoices are not rendered again:
their stored bytes, the ones whose SHA-256 the invoice records, are written as they are.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from vendor_ms.settings import Settings

KINDS = ("invoice", "scorecard", "comparison", "summary")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    report = sub.add_parser("report", help="write PDF documents (invoices, scorecards, comparisons, summary)")
    report.add_argument("kind", choices=KINDS)
    report.add_argument(
        "targets",
        nargs="*",
        help="invoice ids, contract codes (scorecard) or shop codes (comparison); default: all of the period",
    )
    report.add_argument("--period", help="2026-10, 2026-W44 or 2026-10-31 (required except for invoice ids)")
    report.add_argument("--periods", type=int, default=6, help="comparison: trend length (default 6)")
    report.add_argument("--out", type=Path, help="output folder (default: reports/out)")
    report.add_argument("--processes", type=int, help="render processes (default: every core)")
    report.set_defaults(handler=run_report)


def run_report(args: argparse.Namespace, settings: Settings) -> int:
    from vendor_ms.errors import AppError

    if args.kind != "invoice" and not args.period:
        raise AppError(f"report {args.kind} needs --period")
    if args.kind == "invoice" and not args.period and not args.targets:
        raise AppError("report invoice needs invoice ids or --period")
    out: Path = args.out or settings.reports_out_dir
    jobs, copies = asyncio.run(collect_jobs(settings, args.kind, args.targets, args.period, args.periods, out))
    written = write_documents(jobs, copies, processes=args.processes, description=f"rendering {args.kind}")
    for path in written:
        print(path)
    return 0


async def collect_jobs(
    settings: Settings, kind: str, targets: Sequence[str], period: str | None, periods: int, out: Path
) -> tuple[list[tuple[str, Any, Path]], list[tuple[Path, bytes]]]:
    """(render jobs, stored PDFs to copy) for the documents asked for."""
    from vendor_ms.access.caller import local_admin
    from vendor_ms.cli._db import database

    async with database(settings):
        return await gather_jobs(local_admin(), kind, targets, period, periods, out)


async def gather_jobs(
    caller: Any, kind: str, targets: Sequence[str], period: str | None, periods: int, out: Path
) -> tuple[list[tuple[str, Any, Path]], list[tuple[Path, bytes]]]:
    from vendor_ms.billing.service import list_invoices
    from vendor_ms.db.tables import Contract, Shop
    from vendor_ms.domain.periods import parse_period
    from vendor_ms.errors import AppError
    from vendor_ms.pagination import MAX_LIMIT, Window
    from vendor_ms.reporting import service

    jobs: list[tuple[str, Any, Path]] = []
    copies: list[tuple[Path, bytes]] = []
    if kind == "invoice":
        ids = [int(t) for t in targets] if targets else []
        if period and not ids:
            page = await list_invoices(caller, period=period, window=Window(MAX_LIMIT, 0))
            ids = [i.id for i in page.items]
        for invoice_id in ids:
            invoice, view = await service.invoice_document(caller, invoice_id)
            name = invoice.number or f"draft-{invoice.id}-{invoice.contract}-{invoice.period}"
            path = out / "invoices" / f"{name}.pdf"
            stored = await service.stored_pdf(invoice_id) if invoice.status != "draft" else None
            if stored is not None:
                copies.append((path, stored))
            else:
                jobs.append(("invoice", view, path))
        return jobs, copies
    assert period is not None
    label = parse_period(period).label
    if kind == "scorecard":
        codes = list(targets)
        if not codes:
            p = parse_period(period)
            rows = await Contract.select(Contract.code).where(
                Contract.billing_cycle == p.cycle, Contract.starts_on <= p.end, Contract.ends_on >= p.start
            )
            codes = sorted(r["code"] for r in rows)
        for code in codes:
            card = await service.scorecard_view(caller, code, period)
            jobs.append(("scorecard", card, out / "scorecards" / f"{code}-{label}.pdf"))
    elif kind == "comparison":
        shops = list(targets) or sorted(r["code"] for r in await Shop.select(Shop.code))
        for shop in shops:
            comparison = await service.comparison_view(caller, shop, period, periods)
            if comparison.vendors:
                jobs.append(("comparison", comparison, out / "comparisons" / f"{shop}-{label}.pdf"))
    elif kind == "summary":
        jobs.append(("summary", await service.summary_view(caller, period), out / f"summary-{label}.pdf"))
    else:  # pragma: no cover - argparse restricts the choices
        raise AppError(f"unknown report {kind}")
    return jobs, copies


def write_documents(
    jobs: Sequence[tuple[str, Any, Path]],
    copies: Sequence[tuple[Path, bytes]] = (),
    *,
    processes: int | None = None,
    description: str = "rendering",
) -> list[Path]:
    """Render the jobs on every core (progress on stderr) and write the stored PDFs."""
    from vendor_ms.cli._progress import progress_bar
    from vendor_ms.documents.pool import render_many

    written = []
    for path, content in copies:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        assert hashlib.sha256(path.read_bytes()).hexdigest() == hashlib.sha256(content).hexdigest()
        written.append(path)
    if jobs:
        for _, _, path in jobs:
            path.parent.mkdir(parents=True, exist_ok=True)
        with progress_bar(description, len(jobs)) as update:
            results = render_many(
                list(jobs),  # type: ignore[arg-type]
                processes=processes,
                progress=lambda done, total, _file: update(done, total),
            )
        written.extend(Path(r.path) for r in results)
    if not written:
        print("nothing to write", file=sys.stderr)
    return written
