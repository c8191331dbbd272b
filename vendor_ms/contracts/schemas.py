"""Response Structs of the contracts feature."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

import msgspec

from vendor_ms.domain.contract import ContractDocument


class ShopOut(msgspec.Struct):
    code: str
    name: str
    platform: str
    category: str


class VendorOut(msgspec.Struct):
    code: str
    name: str


class AccountOut(msgspec.Struct):
    code: str
    contract: str
    shop: str
    vendor: str
    active_from: date
    active_to: date | None


class ContractVersionOut(msgspec.Struct):
    version: int
    effective_from: date
    document_sha256: str
    created_at: datetime
    created_by: str


class ContractSummary(msgspec.Struct, kw_only=True):
    code: str
    title: str
    scope: str
    billing_cycle: str
    starts_on: date
    ends_on: date
    timezone: str
    shop: str
    shop_name: str
    vendor: str
    vendor_name: str
    current_version: int


class ContractDetail(ContractSummary, kw_only=True):
    versions: list[ContractVersionOut]
    accounts: list[AccountOut]
    document: ContractDocument


ImportStatus = Literal["created", "amended", "unchanged"]


class ImportOutcome(msgspec.Struct):
    status: ImportStatus
    code: str
    version: int
