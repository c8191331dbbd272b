"""Audit scope matches whole shop codes, literally: LIKE's wildcards in a code match nothing else."""

from __future__ import annotations

from vendor_ms.access import audit
from vendor_ms.access.caller import Caller, local_admin
from vendor_ms.pagination import Window


async def test_a_shop_code_with_an_underscore_matches_only_itself(db) -> None:
    admin = local_admin()
    await audit.record(admin, "shop.update", "shop", "pdd_x", shops=["pdd_x"])
    await audit.record(admin, "shop.update", "shop", "pddax", shops=["pddax"])
    await audit.record(admin, "shop.update", "shop", "pdd_xy", shops=["pdd_xy"])
    owner = Caller(user_id=7, name="owner", role="shop_owner", shop_codes=frozenset({"pdd_x"}))
    page = await audit.list_events(owner, action=None, window=Window(100, 0))
    assert [(e.ref, e.shops) for e in page.items] == [("pdd_x", ["pdd_x"])]
    assert page.total == 1
