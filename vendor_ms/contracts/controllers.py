"""HTTP routes of the contracts feature: decode, call one service, return a Struct."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromQuery, JSONBody, QueryParameter

from vendor_ms.access import policy
from vendor_ms.api.auth import allow
from vendor_ms.api.params import CallerDep, Limit, Offset, PathStr
from vendor_ms.contracts import service
from vendor_ms.contracts.schemas import AccountOut, ContractDetail, ContractSummary, ShopOut, VendorOut
from vendor_ms.domain.contract import ContractDocument, canonical_json, parse_json, to_toml
from vendor_ms.pagination import Page, Window

Version = Annotated[int | None, QueryParameter(name="version", required=False, ge=1, description="default: the latest")]


class ContractController(Controller):
    path = "/contracts"
    tags = ["contracts"]

    @post(
        "/",
        opt=allow(policy.IMPORT_CONTRACT),
        summary="Create or amend a contract from its document",
        description="201 when a contract or a new version was created, 200 when the document is unchanged, "
        "422 listing every problem. `effective_from` dates an amendment (default: today in the "
        "contract's timezone).",
        status_code=201,
        responses={200: ResponseSpec(ContractDetail, description="The document is unchanged", generate_examples=False)},
    )
    async def create(
        self,
        request: Request[Any, Any, Any],
        caller: CallerDep,
        data: JSONBody[ContractDocument],
        effective_from: FromQuery[date | None] = None,
    ) -> Response[ContractDetail]:
        # Decode the raw body again with the collecting decoder: exact decimals, every problem.
        doc = parse_json(await request.body())
        outcome = await service.import_document(caller, doc, effective_from=effective_from)
        detail = await service.get_contract(caller, outcome.code)
        return Response(detail, status_code=200 if outcome.status == "unchanged" else 201)

    @get("/", opt=allow(policy.READ_CONTRACTS), summary="Contracts in the caller's scope")
    async def list(self, caller: CallerDep, limit: Limit = 100, offset: Offset = 0) -> Page[ContractSummary]:
        return await service.list_contracts(caller, Window(limit, offset))

    @get("/{code:str}", opt=allow(policy.READ_CONTRACTS), summary="One contract with its versions and accounts")
    async def detail(self, caller: CallerDep, code: PathStr) -> ContractDetail:
        return await service.get_contract(caller, code)

    @get(
        "/{code:str}/export",
        opt=allow(policy.READ_CONTRACTS),
        summary="A version of the contract's document as stored: canonical JSON, as POST takes it",
        description="The canonical JSON the version is stored as: its SHA-256 is the version's "
        "`document_sha256`, and posting it back answers 200 unchanged. `version` defaults to the latest.",
        media_type="application/json",
        responses={200: ResponseSpec(ContractDocument, description="The document", generate_examples=False)},
    )
    async def export_json(self, caller: CallerDep, code: PathStr, version: Version = None) -> Response[bytes]:
        doc = await service.export_document(caller, code, version)
        return Response(canonical_json(doc), media_type="application/json")

    @get(
        "/{code:str}/export.toml",
        opt=allow(policy.READ_CONTRACTS),
        summary="A version of the contract's document as the TOML file `vendor-ms contracts export` writes",
        media_type="application/toml",
    )
    async def export_toml(self, caller: CallerDep, code: PathStr, version: Version = None) -> Response[bytes]:
        doc = await service.export_document(caller, code, version)
        return Response(to_toml(doc).encode(), media_type="application/toml")


class DirectoryController(Controller):
    """Shops, vendors and accounts visible to the caller."""

    path = "/"
    tags = ["directory"]

    @get("/shops", opt=allow(policy.READ_CONTRACTS))
    async def shops(self, caller: CallerDep, limit: Limit = 100, offset: Offset = 0) -> Page[ShopOut]:
        return await service.list_shops(caller, Window(limit, offset))

    @get("/vendors", opt=allow(policy.READ_CONTRACTS))
    async def vendors(self, caller: CallerDep, limit: Limit = 100, offset: Offset = 0) -> Page[VendorOut]:
        return await service.list_vendors(caller, Window(limit, offset))

    @get("/accounts", opt=allow(policy.READ_CONTRACTS))
    async def accounts(self, caller: CallerDep, limit: Limit = 100, offset: Offset = 0) -> Page[AccountOut]:
        return await service.list_accounts(caller, Window(limit, offset))
