"""Uploads (`/upload`): a CSV or XLSX file is checked and previewed, and written only on confirmation.

The file is read once (`tabular.read_table`: the API's CSV encodings, XLSX, title lines above
the header skipped) for the preview and for the check, which is the ingestion's own
(`performance.service.read_records` under the export profile of the accounts' platform, then
`performance.service.problems`: same parser, same placement rules). Problems show the row and the
column as the file wrote it, in Chinese with the English beside (`FieldError.render`). The
confirmed file is read again and written by `performance.service.ingest`, all-or-nothing, which
checks everything once more. Between the two the file waits in the database store for an hour,
for the user who sent it only.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

import msgspec
from litestar import Request, post
from litestar import get as get_
from litestar.datastructures import UploadFile
from litestar.response import Template

from vendor_ms.access import policy
from vendor_ms.access.caller import Caller
from vendor_ms.api.auth import allow
from vendor_ms.api.params import CallerDep
from vendor_ms.errors import AppError, FieldError, NotFound, ValidationFailed
from vendor_ms.performance import service
from vendor_ms.tabular import read_table
from vendor_ms.web.pages._common import MultipartForm, page
from vendor_ms.web.store import DatabaseStore

PREVIEW_ROWS = 10
PENDING_SECONDS = 3600
_pending = DatabaseStore("uploads")


@dataclass
class UploadForm:
    file: UploadFile


class Pending(msgspec.Struct):
    user_id: int | None
    file_name: str
    content: bytes  # the file as uploaded (CSV or XLSX)


@dataclass
class Checked:
    file_name: str
    header: list[str] = field(default_factory=list)
    header_row: int = 1
    rows: list[tuple[int, list[str]]] = field(default_factory=list)  # (row number, cells)
    records: int = 0
    problems: list[dict[str, Any]] = field(default_factory=list)
    token: str | None = None


def _problem_rows(errors: list[FieldError]) -> list[dict[str, Any]]:
    """Each problem with its row, the column as the file wrote it (满意数, not `satisfied`) and its
    message in Chinese and in English."""
    return [{"row": e.row, "column": e.field, "zh": e.render("zh"), "en": e.render("en")} for e in errors]


async def _check(caller: Caller, file_name: str, raw: bytes) -> Checked:
    checked = Checked(file_name=file_name)
    errors: list[FieldError]
    try:
        table = read_table(raw)
        rows = list(table.rows)
        table.rows = iter(rows)
        checked.header, checked.header_row, checked.rows = table.header, table.header_row, rows[:PREVIEW_ROWS]
        parsed = await service.read_records(caller, table)
        checked.records = parsed.count
        errors = await service.problems(caller, parsed)
    except ValidationFailed as exc:
        errors = exc.errors
    except AppError as exc:  # unreadable: not CSV text, not an XLSX workbook
        errors = [FieldError("", exc.message)]
    checked.problems = _problem_rows(errors)
    if not errors:
        checked.token = secrets.token_urlsafe(24)
        pending = Pending(user_id=caller.user_id, file_name=file_name, content=raw)
        await _pending.set(checked.token, msgspec.msgpack.encode(pending), expires_in=PENDING_SECONDS)
    return checked


@get_("/upload", opt=allow(policy.SUBMIT_PERFORMANCE), include_in_schema=False)
async def upload_form(caller: CallerDep) -> Template:
    return page("upload.html", caller, checked=None, result=None)


@post("/upload", opt=allow(policy.SUBMIT_PERFORMANCE), include_in_schema=False)
async def check(caller: CallerDep, data: MultipartForm[UploadForm]) -> Template:
    raw = await data.file.read()
    checked = await _check(caller, data.file.filename or "upload", raw)
    return page("upload.html", caller, checked=checked, result=None)


@post("/upload/confirm", opt=allow(policy.SUBMIT_PERFORMANCE), include_in_schema=False)
async def confirm(request: Request[Any, Any, Any], caller: CallerDep) -> Template:
    token = str((await request.form()).get("token") or "")
    stored = await _pending.get(token) if token else None
    pending = msgspec.msgpack.decode(stored, type=Pending) if stored else None
    if pending is None or pending.user_id != caller.user_id:
        raise NotFound("this upload has expired or was already written: upload the file again")
    # the token is the idempotency key: confirming twice (a double click) writes once
    parsed = await service.read_file(caller, pending.content)
    result = await service.ingest(caller, parsed, idempotency_key=f"web-upload:{token}")
    await _pending.delete(token)
    return page("upload.html", caller, checked=None, result=result.answer, file_name=pending.file_name)


ROUTES = [upload_form, check, confirm]
