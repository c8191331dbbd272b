"""Schemathesis against the app's own OpenAPI document (issue item 4).

Every operation of the OpenAPI document is called with generated requests, valid and invalid
ones (schemathesis' positive and negative modes) plus its coverage phase (boundary values of
every parameter and body field), with an admin token, on a database with data in it
(`world.py`: contracts, performance data, incidents, invoices in every state), in process
through the ASGI app. Every response must be no 5xx, have a documented status and content
type, and match the documented schema (problem documents included).

Bounded and reproducible: at most 25 generated examples per operation and mode, derandomised
(the same requests on every run). SQLite only: this is about what the HTTP layer accepts and
answers, which does not depend on the engine, and one engine keeps it to seconds; the
engine-specific paths (locks, COPY) are covered by the API tests, which run on both.

The schema is loaded when the module is imported (schemathesis makes one test per operation
then); the app is built without a database of its own (`manage_database=False`) and the
module's fixture binds it to the seeded SQLite copy. One test per operation: select one with
`-k`, e.g. `pytest tests/security/test_schemathesis.py -k billing-runs`.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.security.world import build_world
from tests.support import bearer, stub_pdfs
from vendor_ms.api.app import create_app
from vendor_ms.db.engine import bind, engine_from_url, open_database
from vendor_ms.settings import load_settings
from vendor_ms.tabular import XLSX_MEDIA_TYPE

MAX_EXAMPLES = 25
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

# No rate limit: one token sends every request (the limiter has tests of its own).
APP = create_app(load_settings(write_rate_limit_per_minute=0), manage_database=False)
# An XLSX body is binary: whatever schemathesis generates is sent as its bytes (the app must
# answer a clean 400 for a body that is not a workbook, never a 5xx).
schemathesis.serializer.alias(XLSX_MEDIA_TYPE, "application/octet-stream")
schema = schemathesis.openapi.from_dict(APP.openapi_schema.to_schema())
schema.app = APP
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=MAX_EXAMPLES, deterministic=True
)


@pytest.fixture(scope="module")
def world_database(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A SQLite copy of the migrated template with the world in it: (database URL, admin token)."""
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.sqlite3"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"

    async def seed() -> str:
        async with open_database(url, auto_migrate=False):
            return (await build_world()).tokens["admin"]

    with pytest.MonkeyPatch.context() as patch:
        stub_pdfs(patch)
        yield url, asyncio.run(seed())


@pytest.fixture(scope="module")
def admin_token(world_database: tuple[str, str]) -> str:
    return world_database[1]


@pytest.fixture(autouse=True)
def _bound_to_the_world(world_database: tuple[str, str]) -> None:
    # Other tests bind the tables to their own database; bind them to this one for each test.
    # SQLite opens a connection per query, so the engine serves schemathesis' event loop too.
    bind(engine_from_url(world_database[0]))


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)
def test_every_operation_conforms_and_never_fails(case: schemathesis.Case, admin_token: str) -> None:
    response = case.call(headers=bearer(admin_token))
    case.validate_response(response, checks=CHECKS)
