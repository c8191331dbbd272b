"""How many statements a contract read sends: the speed of `GET /contracts/{code}` rests on it
(`contracts.store`, `access.store`); the answers themselves are checked in test_contracts_api."""

from __future__ import annotations

from tests.support import bearer, import_examples, statements


async def test_a_contract_is_read_in_two_statements_and_a_known_token_in_none(client, make_token) -> None:
    await import_examples("pdd-mengmeng-presale")
    owner = await make_token("shop_owner", shops=["pdd-mengmeng"])
    with statements() as first:
        answer = await client.get("/api/v1/contracts/PDD-MM-PRE-2026", headers=bearer(owner))
    assert answer.status_code == 200
    # The token and its shops, its last use recorded, then the contract with its versions and its accounts.
    assert len(first) == 5, first.sql
    with statements() as again:
        assert (await client.get("/api/v1/contracts/PDD-MM-PRE-2026", headers=bearer(owner))).json() == answer.json()
    assert len(again) == 2, again.sql
    assert "contract_versions" in again.sql[0] and "account_bindings" in again.sql[1]
