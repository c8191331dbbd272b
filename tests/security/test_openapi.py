"""The OpenAPI document states every problem an operation can answer (`api.problems.document_problems`)."""

from __future__ import annotations

from typing import Any

import pytest

from vendor_ms.api.app import create_app
from vendor_ms.settings import load_settings

PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    app = create_app(load_settings(database_url="sqlite:///unused.sqlite3"), manage_database=False)
    return app.openapi_schema.to_schema()


def test_writes_document_every_problem_with_retry_after_on_429(openapi: dict[str, Any]) -> None:
    responses = openapi["paths"]["/api/v1/invoices/{invoice_id}/void"]["post"]["responses"]
    assert sorted(responses) == ["201", "400", "401", "403", "404", "409", "413", "415", "422", "429"]
    assert all(responses[status]["content"] == PROBLEM for status in responses if status != "201")
    assert responses["429"]["headers"]["Retry-After"]["schema"] == {"type": "integer", "minimum": 1}


def test_reads_document_403_only_when_a_role_is_refused(openapi: dict[str, Any]) -> None:
    paths = openapi["paths"]
    assert sorted(paths["/api/v1/contracts/{code}"]["get"]["responses"]) == ["200", "400", "401", "404", "422"]
    assert sorted(paths["/api/v1/shops/{code}/comparison"]["get"]["responses"]) == [
        "200",
        "400",
        "401",
        "403",
        "404",
        "422",
    ]
    # An answer other than the route's own success is documented too.
    assert sorted(paths["/api/v1/contracts"]["post"]["responses"])[:2] == ["200", "201"]
    assert sorted(paths["/api/v1/performance/daily"]["post"]["responses"])[:2] == ["200", "201"]


def test_the_problem_schema_is_the_one_the_handlers_write(openapi: dict[str, Any]) -> None:
    problem = openapi["components"]["schemas"]["Problem"]
    assert problem["required"] == ["type", "title", "status", "detail"]
    assert problem["properties"]["errors"]["anyOf"][0]["items"] == {"$ref": "#/components/schemas/FieldError"}
    assert openapi["components"]["schemas"]["FieldError"]["required"] == ["field", "message"]
    # /health is outside /api/v1 and answers no problems of its own.
    assert sorted(openapi["paths"]["/health"]["get"]["responses"]) == ["200"]
