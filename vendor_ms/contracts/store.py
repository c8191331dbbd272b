"""The contract reads that serve requests, as SQL written once (see `vendor_ms.db.statements`).

`contract_detail` answers `GET /api/v1/contracts/{code}`: two statements on one connection
instead of five Piccolo queries that each took longer to build than to run; `contract_row` is the
contract that other reads start from (a live scorecard, incidents, metrics). The caller's scope
is checked by the service on the row found (the shop and vendor codes are in it).
"""

from __future__ import annotations

from dataclasses import dataclass

from vendor_ms.db.statements import Row, reading

# A contract's detail lists at most this many account bindings (as it did before this store).
ACCOUNTS_AT_MOST = 10_000

_ROW = """
SELECT c.id, c.code, c.shop, c.vendor, c.title, c.scope, c.billing_cycle, c.starts_on, c.ends_on, c.timezone,
       c.current_version, c.created_at, c.updated_at, s.code AS shop_code, v.code AS vendor_code
FROM contracts c JOIN shops s ON s.id = c.shop JOIN vendors v ON v.id = c.vendor
WHERE c.code = {}
"""
# The contract's columns come once per version (a contract has one, or a few amendments).
_CONTRACT_VERSIONS = """
SELECT c.id, c.code, c.title, c.scope, c.billing_cycle, c.starts_on, c.ends_on, c.timezone,
       s.code AS shop, s.name AS shop_name, v.code AS vendor, v.name AS vendor_name, c.current_version,
       cv.version, cv.effective_from, cv.document_sha256, cv.created_at, cv.created_by, cv.document
FROM contracts c JOIN shops s ON s.id = c.shop JOIN vendors v ON v.id = c.vendor
JOIN contract_versions cv ON cv.contract = c.id
WHERE c.code = {} ORDER BY cv.version
"""
_CONTRACT: tuple[str, ...] = ("id", "code", "title", "scope", "billing_cycle", "starts_on", "ends_on", "timezone")
_CONTRACT += ("shop", "shop_name", "vendor", "vendor_name", "current_version")
_VERSION = ("version", "effective_from", "document_sha256", "created_at", "created_by", "document")
_ACCOUNTS = f"""
SELECT a.code, b.active_from, b.active_to
FROM account_bindings b JOIN accounts a ON a.id = b.account
WHERE b.contract = {{}} ORDER BY a.code, b.active_from LIMIT {ACCOUNTS_AT_MOST}
"""


@dataclass(frozen=True, slots=True)
class ContractRows:
    """A contract as stored: its row (with shop and vendor), its versions, its account bindings."""

    contract: Row  # id, the ContractSummary fields
    versions: list[Row]  # version, effective_from, document_sha256, created_at, created_by, document
    accounts: list[Row]  # code, active_from, active_to; ordered by account code, then active_from

    @property
    def shop(self) -> str:
        return str(self.contract["shop"])

    @property
    def vendor(self) -> str:
        return str(self.contract["vendor"])


async def contract_row(code: str) -> Row | None:
    """The contract's row (every column) with its shop's and vendor's codes (`shop_code`,
    `vendor_code`)."""
    async with reading() as read:
        return await read.row(_ROW, code)


async def contract_detail(code: str) -> ContractRows | None:
    async with reading() as read:
        rows = await read.rows(_CONTRACT_VERSIONS, code)
        if not rows:
            return None
        accounts = await read.rows(_ACCOUNTS, rows[0]["id"])
    contract = {key: rows[0][key] for key in _CONTRACT}
    versions = [{key: row[key] for key in _VERSION} for row in rows]
    return ContractRows(contract, versions, accounts)
