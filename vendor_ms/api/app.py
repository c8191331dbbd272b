"""The Litestar application: routes under /api/v1, OpenAPI at /schema, one error mapping."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import msgspec
from litestar import Litestar, Router, get
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import HTTPException
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme

from vendor_ms import __version__, clock
from vendor_ms.access.controllers import AuditController
from vendor_ms.api.auth import WriteRateLimiter, provide_caller, require_token
from vendor_ms.api.problems import EXCEPTION_HANDLERS, document_problems
from vendor_ms.api.request import AppRequest
from vendor_ms.billing.controllers import (
    BillingRunController,
    IncidentController,
    InvoiceController,
    InvoiceExportController,
    ScorecardController,
)
from vendor_ms.comparison.controllers import ComparisonController
from vendor_ms.contracts.controllers import ContractController, DirectoryController
from vendor_ms.db.engine import open_database, pending_migrations
from vendor_ms.performance.controllers import PerformanceController, PerformanceReadController
from vendor_ms.reporting.controllers import ReportController
from vendor_ms.settings import Settings, get_settings
from vendor_ms.web.apidocs import ServerRenderedDocs
from vendor_ms.web.app import web_parts
from vendor_ms.web.errors import app_http_exception


class Health(msgspec.Struct):
    status: str
    version: str
    database: str


API_V1_HANDLERS: list[Any] = [
    ContractController,
    DirectoryController,
    IncidentController,
    BillingRunController,
    InvoiceController,
    InvoiceExportController,
    ScorecardController,
    AuditController,
    ComparisonController,
    ReportController,
]
API_V1_HANDLERS += [PerformanceController, PerformanceReadController]


def create_app(settings: Settings | None = None, *, manage_database: bool = True) -> Litestar:
    """Build the app. With `manage_database=False` the caller has already opened and bound the DB."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        if not manage_database:
            yield
            return
        async with open_database(settings.database_url, pool_max_size=settings.pg_pool_max_size):
            pending = await pending_migrations()
            if pending:
                raise RuntimeError(
                    f"the database has {len(pending)} pending migration(s): run `vendor-ms migrate` first"
                )
            yield

    @get("/health", tags=["ops"], summary="Liveness and database check")
    async def health() -> Health:
        engine = "sqlite" if settings.is_sqlite else "postgresql"
        return Health(status="ok", version=__version__, database=engine)

    api_v1 = Router(
        path="/api/v1",
        route_handlers=API_V1_HANDLERS,
        guards=[require_token],
        dependencies={"caller": Provide(provide_caller, sync_to_thread=False)},
        security=[{"bearer": []}],
    )
    web = web_parts(settings)
    app = Litestar(
        route_handlers=[health, api_v1, *web.route_handlers],
        lifespan=[lifespan],
        exception_handlers={**EXCEPTION_HANDLERS, HTTPException: app_http_exception},  # type: ignore[dict-item]
        template_config=web.template_config,
        stores=web.stores,
        request_max_body_size=settings.max_body_bytes,
        state=State({"settings": settings, "write_limiter": WriteRateLimiter(settings.write_rate_limit_per_minute)}),
        openapi_config=OpenAPIConfig(
            title="vendor-ms",
            version=__version__,
            description="Vendor management for outsourced e-commerce customer service (客服外包). "
            "Money is a decimal string; errors are RFC 9457 problem details.",
            path="/schema",
            # served from here, never from a CDN (an intranet has none): see web.apidocs
            render_plugins=[ServerRenderedDocs(path="/")],
            components=Components(
                security_schemes={
                    "bearer": SecurityScheme(type="http", scheme="bearer", description="a vendor-ms API token")
                }
            ),
        ),
        request_class=AppRequest,
        debug=False,
    )
    document_problems(app)
    return app


def create_app_from_environment() -> Litestar:
    """The app of a server worker process (`vendor-ms serve --workers N`): settings and the
    clock from the environment, as `vendor-ms` itself reads them."""
    settings = get_settings()
    clock.install_from_settings(settings.now)
    return create_app(settings)
