"""`vendor-ms bill`, `vendor-ms issue`, `vendor-ms invoices list|export`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from vendor_ms.settings import Settings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    bill = sub.add_parser("bill", help="compute draft invoices for a period (atomic; re-running replaces drafts)")
    bill.add_argument("--period", required=True, help="2026-10 (monthly), 2026-W44 (weekly) or 2026-10-31 (daily)")
    bill.set_defaults(handler=run_bill)

    issue = sub.add_parser("issue", help="issue draft invoices: number them and store their PDFs")
    target = issue.add_mutually_exclusive_group(required=True)
    target.add_argument("ids", nargs="*", type=int, default=[], help="invoice ids")
    target.add_argument("--period", help="issue every draft of this period")
    issue.set_defaults(handler=run_issue)

    invoices = sub.add_parser("invoices", help="list or export invoices")
    isub = invoices.add_subparsers(dest="invoices_command", required=True, metavar="ACTION")
    lst = isub.add_parser("list", help="list invoices")
    lst.add_argument("--period")
    lst.add_argument("--contract")
    lst.add_argument("--status", choices=["draft", "issued", "paid", "void"])
    lst.set_defaults(handler=run_list)
    export = isub.add_parser(
        "export",
        help="invoices as CSV (UTF-8 with BOM, formula-safe), as GET /api/v1/invoices.csv gives them",
    )
    export.add_argument("--period", help="only this period (e.g. 2026-10)")
    export.add_argument("--contract")
    export.add_argument("--status", choices=["draft", "issued", "paid", "void"])
    export.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    export.set_defaults(handler=run_export)


async def run_bill(args: argparse.Namespace, settings: Settings) -> int:
    from vendor_ms.access.caller import local_admin
    from vendor_ms.billing.service import run_billing
    from vendor_ms.cli._db import database
    from vendor_ms.cli._progress import progress_bar

    async with database(settings):
        with progress_bar(f"billing {args.period}") as update:
            run = await run_billing(local_admin(), args.period, progress=update)
    print(
        f"billing run #{run.id} for {run.period}: {run.drafts} draft(s) for {run.contracts} contract(s)"
        + (f", {run.skipped_issued} already issued (kept)" if run.skipped_issued else "")
    )
    return 0


async def run_issue(args: argparse.Namespace, settings: Settings) -> int:
    from vendor_ms.access.caller import local_admin
    from vendor_ms.billing.service import issue_invoice, list_invoices
    from vendor_ms.cli._db import database
    from vendor_ms.cli._progress import progress_bar
    from vendor_ms.pagination import MAX_LIMIT, Window

    admin = local_admin()
    async with database(settings):
        ids = list(args.ids)
        if args.period:
            page = await list_invoices(admin, period=args.period, status="draft", window=Window(MAX_LIMIT, 0))
            ids = [i.id for i in page.items]
        with progress_bar("issuing", len(ids)) as update:
            for n, invoice_id in enumerate(ids, 1):
                issued = await issue_invoice(admin, invoice_id)
                print(f"{issued.number}  {issued.contract}  {issued.period}  total {issued.total}")
                update(n, len(ids))
    return 0


async def run_list(args: argparse.Namespace, settings: Settings) -> int:
    from vendor_ms.access.caller import local_admin
    from vendor_ms.billing.service import list_invoices
    from vendor_ms.cli._db import database
    from vendor_ms.cli._table import print_table
    from vendor_ms.pagination import MAX_LIMIT, Window

    async with database(settings):
        items, offset = [], 0
        while True:
            page = await list_invoices(
                local_admin(),
                period=args.period,
                contract=args.contract,
                status=args.status,
                window=Window(MAX_LIMIT, offset),
            )
            items.extend(page.items)
            offset += MAX_LIMIT
            if offset >= page.total:
                break
    print_table(
        ["id", "number", "contract", "period", "status", "kind", "net", "tax", "total"],
        [[i.id, i.number or "", i.contract, i.period, i.status, i.kind, i.net, i.tax, i.total] for i in items],
        right=(6, 7, 8),
    )
    return 0


async def run_export(args: argparse.Namespace, settings: Settings) -> int:
    from vendor_ms.access.caller import local_admin
    from vendor_ms.cli._db import database
    from vendor_ms.exports import INVOICE_COLUMNS, invoice_rows, write_csv

    async with database(settings):
        rows = await invoice_rows(local_admin(), period=args.period, contract=args.contract, status=args.status)
    content = write_csv([INVOICE_COLUMNS, *rows])
    if args.output is None:
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
    else:
        args.output.write_bytes(content)
        print(f"wrote {len(rows)} invoice(s) to {args.output}", file=sys.stderr)
    return 0
