"""Bulk writes of a billing run: ids reserved ahead of a COPY, and writes made behind the
computation of the next chunk, in order."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from vendor_ms import clock
from vendor_ms.db.engine import copy_rows, execute, reserve_ids, transaction, write_behind
from vendor_ms.db.tables import BillingRun


async def test_reserved_ids_are_fresh_and_usable(db) -> None:
    async with transaction():
        await BillingRun(period="2026-10", started_by="test", started_at=clock.now()).save()
        first = await reserve_ids("billing_runs", 3)
        now = clock.now()
        await copy_rows(
            "billing_runs", ("id", "period", "started_by", "started_at"), [(i, "2026-10", "test", now) for i in first]
        )
        second = await reserve_ids("billing_runs", 2)
    assert len(set(first)) == 3 and first == sorted(first)
    assert min(second) > max(first)
    rows = await execute("SELECT id FROM billing_runs ORDER BY id")
    assert [r["id"] for r in rows][-3:] == first
    assert await reserve_ids("billing_runs", 0) == []


async def test_write_behind_writes_in_order_while_the_next_chunk_is_made() -> None:
    events: list[str] = []

    async def chunks() -> AsyncIterator[int]:
        for n in range(3):
            events.append(f"make {n}")
            yield n
            await asyncio.sleep(0)

    async def write(n: int) -> None:
        events.append(f"write {n}")
        await asyncio.sleep(0.01)
        events.append(f"wrote {n}")

    await write_behind(chunks(), write)
    # Chunk 1 is made while chunk 0 is being written; one write at a time, in order.
    assert events == ["make 0", "write 0", "make 1", "wrote 0", "write 1", "make 2", "wrote 1", "write 2", "wrote 2"]


async def test_write_behind_stops_at_a_failed_write() -> None:
    written: list[int] = []

    async def chunks() -> AsyncIterator[int]:
        for n in range(5):
            yield n

    async def write(n: int) -> None:
        await asyncio.sleep(0)
        if n == 1:
            raise RuntimeError("disk full")
        written.append(n)

    with pytest.raises(RuntimeError, match="disk full"):
        await write_behind(chunks(), write)
    assert written == [0]
