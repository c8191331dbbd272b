"""Money is stored exactly on every engine: integer fen, never a float.

The values are chosen so that a float column would change them: 2**53 + 1 fen is the first
integer a double cannot hold (a REAL/double precision column stores 2**53), and 3,000 records
of 0.01 CNY sum to 30.000000000000327 in floats (a column of CNY as a float, which is what
Piccolo's Numeric becomes on SQLite).
"""

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
    big = from_fen(2**53 + 1)
    assert float(to_fen(big)) != to_fen(big)  # a double would round it
    assert big == Decimal("90071992547409.93")
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
    assert str(from_fen(stored["total_fen"])) == "90071992547409.93"
    assert stored["total_fen"] == 9_007_199_254_740_993

    # 3,000 records of 0.01 CNY each sum to exactly 30.00 in SQL, where a float column of CNY
    # would drift (sum(0.01 for _ in range(3000)) == 30.000000000000327 in floats); the last one
    # is 2**53 + 1 fen more, which a float column of fen would round away.
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
            sales_fen=to_fen(Decimal("0.01")) + (2**53 + 1 if i == 2999 else 0),
            orders=0,
            dispute_refunds=0,
            surveys=0,
            satisfied=0,
        )
        for i in range(3000)
    ]
    for start in range(0, len(rows), 1000):  # asyncpg takes at most 32,767 arguments a statement
        await DailyRecord.insert(*rows[start : start + 1000]).run()
    total = await execute("SELECT SUM(sales_fen) AS fen, COUNT(*) AS n FROM daily_records")
    assert total[0]["n"] == 3000
    assert from_fen(int(total[0]["fen"])) == Decimal("30.00") + from_fen(2**53 + 1)  # 90071992547439.93
    last = await DailyRecord.select(DailyRecord.sales_fen).where(DailyRecord.day == date(2034, 3, 19)).first()
    assert last["sales_fen"] == 2**53 + 2
