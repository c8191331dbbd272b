"""The API reference at /schema, rendered on the server from the OpenAPI document.

Litestar's Scalar and Swagger pages load their JavaScript from a CDN, so on an intranet they
show a blank page (issue 11, point 6). This page needs nothing from anywhere: every operation
with its parameters, body and answers, and every schema, as plain HTML; the machine-readable
document stays at /schema/openapi.json.
"""

from __future__ import annotations

import json
from typing import Any

from litestar import Request
from litestar.openapi.plugins import OpenAPIRenderPlugin

from vendor_ms.web.templating import environment

METHODS = ("get", "post", "put", "patch", "delete")


def _ref_name(schema: dict[str, Any] | None) -> str:
    if not schema:
        return ""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if schema.get("type") == "array" and isinstance(schema.get("items"), dict):
        return f"list of {_ref_name(schema['items']) or schema['items'].get('type', '')}"
    return str(schema.get("type", ""))


def operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            body = op.get("requestBody", {}).get("content", {})
            found.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "anchor": f"{method}-{path}".replace("/", "-").replace("{", "").replace("}", ""),
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "tags": op.get("tags", []),
                    "parameters": [
                        {
                            "name": p.get("name"),
                            "in": p.get("in"),
                            "required": p.get("required", False),
                            "type": _ref_name(p.get("schema")),
                            "description": p.get("description", ""),
                        }
                        for p in op.get("parameters", [])
                    ],
                    "body": [(media, _ref_name(c.get("schema"))) for media, c in body.items()],
                    "responses": [
                        (
                            code,
                            r.get("description", ""),
                            ", ".join(_ref_name(c.get("schema")) for c in r.get("content", {}).values()),
                        )
                        for code, r in op.get("responses", {}).items()
                    ],
                }
            )
    return found


class ServerRenderedDocs(OpenAPIRenderPlugin):
    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        schemas = openapi_schema.get("components", {}).get("schemas", {})
        html = (
            environment()
            .get_template("api_docs.html")
            .render(
                info=openapi_schema.get("info", {}),
                operations=operations(openapi_schema),
                schemas={
                    name: json.dumps(s, ensure_ascii=False, indent=2, default=str)
                    for name, s in sorted(schemas.items())
                },
            )
        )
        return html.encode()
