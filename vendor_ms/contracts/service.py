"""Contract services: import (create or amend), read, export; shops, vendors, accounts.

Each public function owns its transaction. Roles and visibility are the policy's
(`vendor_ms.access.policy`): anything outside the caller's scope is NotFound, never
"forbidden", so existence does not leak.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from vendor_ms import clock
from vendor_ms.access import audit, policy
from vendor_ms.access.caller import Caller
from vendor_ms.contracts import store
from vendor_ms.contracts.schemas import (
    AccountOut,
    ContractDetail,
    ContractSummary,
    ContractVersionOut,
    ImportOutcome,
    ShopOut,
    VendorOut,
)
from vendor_ms.db.engine import transaction
from vendor_ms.db.tables import (
    Account,
    AccountBinding,
    Contract,
    ContractVersion,
    DailyRecord,
    Shop,
    Vendor,
    via,
)
from vendor_ms.domain.contract import (
    ContractDocument,
    canonical_json,
    document_sha256,
    from_canonical_json,
)
from vendor_ms.errors import FieldError, NotFound, PermissionDenied, ValidationFailed
from vendor_ms.messages import Text
from vendor_ms.pagination import Page, Window

# ---------------------------------------------------------------------------------------------
# scope

# Billing still narrows by this name until it asks the policy itself.
contract_scope = policy.CONTRACTS.condition


async def visible_contract(caller: Caller, code: str) -> dict[str, Any]:
    """The contract row (with shop and vendor codes) if the caller may see it, else NotFound."""
    row = await store.contract_row(code)
    if row is None or not policy.CONTRACTS.allows(caller, policy.owned_by(row["shop_code"], row["vendor_code"])):
        raise NotFound(f"no contract {code!r}")
    return row


# ---------------------------------------------------------------------------------------------
# import


async def import_document(
    caller: Caller, doc: ContractDocument, *, effective_from: date | None = None
) -> ImportOutcome:
    """Create the contract, amend it (a new version from `effective_from`), or do nothing.

    Shop, vendor and account bindings are brought in line with the document in the same
    transaction. Importing an identical document changes nothing and says "unchanged".
    """
    policy.IMPORT_CONTRACT.require(caller)
    if not policy.CONTRACTS.allows(caller, policy.owned_by(doc.shop.code, doc.vendor.code)):
        raise PermissionDenied(f"this token does not act for shop {doc.shop.code!r}")
    sha = document_sha256(doc)
    async with transaction():
        existing = (
            await Contract.select(
                Contract.id,
                Contract.current_version,
                Contract.shop.code.as_alias("shop_code"),
                Contract.vendor.code.as_alias("vendor_code"),
            )
            .where(Contract.code == doc.code)
            .first()
        )
        if existing is not None and not policy.CONTRACTS.allows(
            caller, policy.owned_by(existing["shop_code"], existing["vendor_code"])
        ):
            raise PermissionDenied(f"contract code {doc.code!r} is taken by a contract outside your scope")
        if existing is None:
            return await _create(caller, doc, sha)
        latest = (
            await ContractVersion.select()
            .where(
                ContractVersion.contract == existing["id"],
                ContractVersion.version == existing["current_version"],
            )
            .first()
        )
        assert latest is not None, "a contract always has its current version"
        if latest["document_sha256"] == sha:
            return ImportOutcome(status="unchanged", code=doc.code, version=latest["version"])
        return await _amend(caller, doc, sha, existing, latest, effective_from)


async def _upsert_party(caller: Caller, doc: ContractDocument) -> tuple[int, int]:
    shop = await Shop.objects().where(Shop.code == doc.shop.code).first()
    fields = {"name": doc.shop.name, "platform": doc.shop.platform, "category": doc.shop.category}
    if shop is None:
        shop = Shop(code=doc.shop.code, name=doc.shop.name, platform=doc.shop.platform, category=doc.shop.category)
        await shop.save()
        await audit.record(caller, "shop.create", "shop", doc.shop.code, shops=[doc.shop.code], detail=fields)
    elif any(getattr(shop, k) != v for k, v in fields.items()):
        await Shop.update(fields).where(Shop.id == shop.id)  # type: ignore[arg-type]
        await audit.record(caller, "shop.update", "shop", doc.shop.code, shops=[doc.shop.code], detail=fields)
    vendor = await Vendor.objects().where(Vendor.code == doc.vendor.code).first()
    if vendor is None:
        vendor = Vendor(code=doc.vendor.code, name=doc.vendor.name)
        await vendor.save()
        await audit.record(caller, "vendor.create", "vendor", doc.vendor.code, vendors=[doc.vendor.code])
    elif vendor.name != doc.vendor.name:
        await Vendor.update({Vendor.name: doc.vendor.name}).where(Vendor.id == vendor.id)
        detail = {"name": doc.vendor.name}
        await audit.record(caller, "vendor.update", "vendor", doc.vendor.code, vendors=[doc.vendor.code], detail=detail)
    return shop.id, vendor.id


def _contract_columns(doc: ContractDocument) -> dict[str, Any]:
    return {
        "title": doc.title,
        "scope": doc.scope,
        "billing_cycle": doc.billing_cycle,
        "starts_on": doc.starts_on,
        "ends_on": doc.ends_on,
        "timezone": doc.timezone,
    }


async def _create(caller: Caller, doc: ContractDocument, sha: str) -> ImportOutcome:
    shop_id, vendor_id = await _upsert_party(caller, doc)
    contract = Contract(code=doc.code, shop=shop_id, vendor=vendor_id, current_version=1, **_contract_columns(doc))
    await contract.save()
    # Version 1 is in force from the first day of the term.
    await ContractVersion(
        contract=contract.id,
        version=1,
        effective_from=doc.starts_on,
        document=canonical_json(doc).decode(),
        document_sha256=sha,
        created_by=caller.name,
    ).save()
    accounts = await _sync_accounts(doc, contract.id)
    await audit.record(
        caller,
        "contract.create",
        "contract",
        doc.code,
        shops=[doc.shop.code],
        vendors=[doc.vendor.code],
        detail={"version": 1, "document_sha256": sha, "accounts": accounts},
    )
    return ImportOutcome(status="created", code=doc.code, version=1)


async def _amend(
    caller: Caller,
    doc: ContractDocument,
    sha: str,
    existing: dict[str, Any],
    latest: dict[str, Any],
    effective_from: date | None,
) -> ImportOutcome:
    errors = []
    if doc.shop.code != existing["shop_code"]:
        errors.append(FieldError("shop.code", Text("contract.cannot_move_shop", shop=existing["shop_code"])))
    if doc.vendor.code != existing["vendor_code"]:
        errors.append(FieldError("vendor.code", Text("contract.cannot_move_vendor", vendor=existing["vendor_code"])))
    if effective_from is None:
        effective_from = clock.today(doc.timezone)
    if effective_from < latest["effective_from"]:
        errors.append(
            FieldError(
                "effective_from", Text("contract.effective_from_before", day=latest["effective_from"].isoformat())
            )
        )
    if errors:
        raise ValidationFailed(errors)
    await _upsert_party(caller, doc)
    version = latest["version"] + 1
    await ContractVersion(
        contract=existing["id"],
        version=version,
        effective_from=effective_from,
        document=canonical_json(doc).decode(),
        document_sha256=sha,
        created_by=caller.name,
    ).save()
    columns = {**_contract_columns(doc), "current_version": version, "updated_at": clock.now()}
    await Contract.update(columns).where(Contract.id == existing["id"])  # type: ignore[arg-type]
    accounts = await _sync_accounts(doc, existing["id"])
    await audit.record(
        caller,
        "contract.amend",
        "contract",
        doc.code,
        shops=[doc.shop.code],
        vendors=[doc.vendor.code],
        detail={
            "version": version,
            "effective_from": effective_from.isoformat(),
            "document_sha256": sha,
            "previous_sha256": latest["document_sha256"],
            "accounts": accounts,
        },
    )
    return ImportOutcome(status="amended", code=doc.code, version=version)


async def _sync_accounts(doc: ContractDocument, contract_id: int) -> list[str]:
    """Make the contract's bindings exactly the document's accounts, refusing to orphan data."""
    errors: list[FieldError] = []
    current = {
        row["account.code"]: row
        for row in await AccountBinding.select(
            AccountBinding.id,
            AccountBinding.account,
            AccountBinding.account.code,
            AccountBinding.active_from,
            AccountBinding.active_to,
        ).where(AccountBinding.contract == contract_id)
    }
    wanted = {a.code: a for a in doc.accounts}
    for i, term in enumerate(doc.accounts):
        path = f"accounts[{i}]"
        account = await Account.objects().where(Account.code == term.code).first()
        if account is None:
            account = Account(code=term.code)
            await account.save()
        others = await AccountBinding.select(
            AccountBinding.active_from, AccountBinding.active_to, AccountBinding.contract.code
        ).where(AccountBinding.account == account.id, AccountBinding.contract != contract_id)
        for other in others:
            if _overlap(term.active_from, term.active_to, other["active_from"], other["active_to"]):
                errors.append(
                    FieldError(
                        f"{path}.code",
                        Text(
                            "contract.account_bound_elsewhere",
                            code=term.code,
                            start=other["active_from"].isoformat(),
                            end=other["active_to"].isoformat() if other["active_to"] else Text("date.open_end"),
                        ),
                    )
                )
        stray = await _records_outside(account.id, contract_id, term.active_from, term.active_to)
        if stray:
            errors.append(FieldError(path, Text("contract.account_data_outside", code=term.code, day=str(stray))))
        binding = current.get(term.code)
        if binding is None:
            await AccountBinding(
                account=account.id,
                contract=contract_id,
                active_from=term.active_from,
                active_to=term.active_to,
            ).save()
        elif (binding["active_from"], binding["active_to"]) != (term.active_from, term.active_to):
            await AccountBinding.update(
                {AccountBinding.active_from: term.active_from, AccountBinding.active_to: term.active_to}
            ).where(AccountBinding.id == binding["id"])
    for code, binding in current.items():
        if code in wanted:
            continue
        stray = await _records_outside(binding["account"], contract_id, date.max, date.min)
        if stray:
            errors.append(FieldError("accounts", Text("contract.account_has_data", code=code)))
        await AccountBinding.delete().where(AccountBinding.id == binding["id"])
    if errors:
        raise ValidationFailed(errors)
    return sorted(wanted)


def _overlap(a_from: date, a_to: date | None, b_from: date, b_to: date | None) -> bool:
    return a_from <= (b_to or date.max) and b_from <= (a_to or date.max)


async def _records_outside(account_id: int, contract_id: int, first: date, last: date | None) -> str | None:
    """The first date of this account's data under this contract outside [first, last], if any."""
    row = (
        await DailyRecord.select(DailyRecord.day)
        .where(
            DailyRecord.account == account_id,
            DailyRecord.contract == contract_id,
            (DailyRecord.day < first) | (DailyRecord.day > (last or date.max)),
        )
        .order_by(DailyRecord.day)
        .first()
    )
    return None if row is None else str(row["day"])


# ---------------------------------------------------------------------------------------------
# reads


_SUMMARY_COLUMNS = (
    Contract.code,
    Contract.title,
    Contract.scope,
    Contract.billing_cycle,
    Contract.starts_on,
    Contract.ends_on,
    Contract.timezone,
    Contract.shop.code.as_alias("shop"),
    Contract.shop.name.as_alias("shop_name"),
    Contract.vendor.code.as_alias("vendor"),
    Contract.vendor.name.as_alias("vendor_name"),
    Contract.current_version,
)


async def list_contracts(caller: Caller, window: Window) -> Page[ContractSummary]:
    policy.READ_CONTRACTS.require(caller)
    rows = (
        await policy.CONTRACTS.restrict(Contract.select(*_SUMMARY_COLUMNS), caller)
        .order_by(Contract.code)
        .limit(window.limit)
        .offset(window.offset)
    )
    total = await policy.CONTRACTS.restrict(Contract.count(), caller)
    return Page(items=[ContractSummary(**row) for row in rows], total=total)


async def get_contract(caller: Caller, code: str) -> ContractDetail:
    policy.READ_CONTRACTS.require(caller)
    found = await store.contract_detail(code)
    if found is None or not policy.CONTRACTS.allows(caller, policy.owned_by(found.shop, found.vendor)):
        raise NotFound(f"no contract {code!r}")
    summary = {k: v for k, v in found.contract.items() if k != "id"}
    binding = {"contract": found.contract["code"], "shop": found.shop, "vendor": found.vendor}
    return ContractDetail(
        **summary,
        versions=[ContractVersionOut(**{k: v for k, v in ver.items() if k != "document"}) for ver in found.versions],
        accounts=[AccountOut(**account, **binding) for account in found.accounts],
        document=from_canonical_json(found.versions[-1]["document"]),
    )


async def export_document(caller: Caller, code: str, version: int | None = None) -> ContractDocument:
    policy.READ_CONTRACTS.require(caller)
    row = await visible_contract(caller, code)
    query = ContractVersion.select(ContractVersion.document).where(ContractVersion.contract == row["id"])
    if version is not None:
        query = query.where(ContractVersion.version == version)
    found = await query.order_by(ContractVersion.version, ascending=False).first()
    if found is None:
        raise NotFound(f"contract {code!r} has no version {version}")
    return from_canonical_json(found["document"])


async def list_shops(caller: Caller, window: Window) -> Page[ShopOut]:
    policy.READ_CONTRACTS.require(caller)
    query = policy.SHOPS.restrict(Shop.select(Shop.code, Shop.name, Shop.platform, Shop.category), caller)
    rows = await query.order_by(Shop.code).limit(window.limit).offset(window.offset)
    return Page(items=[ShopOut(**r) for r in rows], total=await policy.SHOPS.restrict(Shop.count(), caller))


async def list_vendors(caller: Caller, window: Window) -> Page[VendorOut]:
    policy.READ_CONTRACTS.require(caller)
    query = policy.VENDORS.restrict(Vendor.select(Vendor.code, Vendor.name), caller)
    rows = await query.order_by(Vendor.code).limit(window.limit).offset(window.offset)
    return Page(items=[VendorOut(**r) for r in rows], total=await policy.VENDORS.restrict(Vendor.count(), caller))


async def list_accounts(caller: Caller, window: Window) -> Page[AccountOut]:
    policy.READ_CONTRACTS.require(caller)
    return await _accounts(policy.ACCOUNT_BINDINGS.condition(caller), window)


async def _accounts(clause: Any, window: Window) -> Page[AccountOut]:
    query = AccountBinding.select(
        AccountBinding.account.code.as_alias("code"),
        AccountBinding.contract.code.as_alias("contract"),
        via(AccountBinding.contract.shop, Shop).code.as_alias("shop"),
        via(AccountBinding.contract.vendor, Vendor).code.as_alias("vendor"),
        AccountBinding.active_from,
        AccountBinding.active_to,
    )
    count = AccountBinding.count()
    if clause is not None:
        query = query.where(clause)
        count = count.where(clause)
    rows = (
        await query.order_by(AccountBinding.account.code)
        .order_by(AccountBinding.active_from)
        .limit(window.limit)
        .offset(window.offset)
    )
    return Page(items=[AccountOut(**r) for r in rows], total=await count)
