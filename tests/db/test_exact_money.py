"""Money is stored exactly on every engine: integer fen, never a float."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tests.support import import_examples
from vendor_ms.db.engine import execute
from vendor_ms.db.tables import (
    Account,
    BillingRun,
    Contract,
    DailyRecord,
    IngestBatch,
    Invoice,
)
from vendor_ms.domain.money import from_fen, to_fen


async def test_large_amount_and_many_cents_read_back_unchanged(db) -> None:
    await import_examples("pdd-mengmeng-presale")
    contract = await Contract.objects().where(Contract.code == "PDD-MM-PRE-2026").first()
    run = BillingRun(period="2026-10")
    await run.save()
    big = Decimal("12345678901.23")
    invoice = Invoice(
        contract=contract.id,
        contract_version=1,
        period="2026-10",
        period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 31),
        status="draft",
        kind="invoice",
        billing_run=run.id,
        total_fen=to_fen(big),
        net_fen=to_fen(big),
    )
    await invoice.save()
    stored = await Invoice.select(Invoice.total_fen).where(Invoice.id == invoice.id).first()
    assert from_fen(stored["total_fen"]) == big
    assert str(from_fen(stored["total_fen"])) == "12345678901.23"

    # 3,000 records of 0.01 CNY each sum to exactly 30.00 in SQL, where a float column
    # would drift (sum(0.01 for _ in range(3000)) == 30.000000000000327 in floats).
    assert sum(0.01 for _ in range(3000)) != 30.0
    batch = IngestBatch(submitter_name="test", source="vendor", content_sha256="x")
    await batch.save()
    account = await Account.objects().where(Account.code == "pdd-mm:yk01").first()
    day0 = date(2026, 1, 1).toordinal()
    rows = [
        DailyRecord(
            account=account.id,
            contract=contract.id,
            day=date.fromordinal(day0 + i),
            revision=1,
            batch=batch.id,
            consultations=0,
            unanswered_3min=0,
            answered_30s=0,
            response_ms_total=0,
            responses=0,
            inquiries=0,
            paid_buyers=0,
            sales_fen=to_fen(Decimal("0.01")),
            orders=0,
            dispute_refunds=0,
            surveys=0,
            satisfied=0,
        )
        for i in range(300)
    ]
    await DailyRecord.insert(*rows).run()
    total = await execute("SELECT SUM(sales_fen) AS fen, COUNT(*) AS n FROM daily_records")
    assert total[0]["n"] == 300
    assert from_fen(int(total[0]["fen"])) == Decimal("3.00")
