"""Uploads (`/upload`): a CSV or XLSX file is checked and previewed, and written only on confirmation.

The check is the ingestion's own (`performance.service.problems`: same parser, same placement
rules); the confirmed file is parsed again and written by `performance.service.ingest`,
all-or-nothing, which checks everything once more. Between the two the file waits in the
database store for an hour, for the user who sent it only.
"""

from __future__ import annotations

import csv
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
from vendor_ms.domain.performance import CSV_HEADERS, MAX_BATCH_RECORDS, decode_csv_text, parse_csv
from vendor_ms.errors import AppError, FieldError, NotFound, ValidationFailed
from vendor_ms.performance import service
from vendor_ms.performance.spreadsheets import is_xlsx, xlsx_to_csv
from vendor_ms.web.messages import chinese
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
    csv: bytes


@dataclass
class Checked:
    file_name: str
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    records: int = 0
    problems: list[dict[str, Any]] = field(default_factory=list)
    token: str | None = None


def _as_csv(raw: bytes) -> bytes:
    return xlsx_to_csv(raw, max_rows=MAX_BATCH_RECORDS + 1) if is_xlsx(raw) else raw


def _problem_rows(errors: list[FieldError], header: list[str]) -> list[dict[str, Any]]:
    """Each problem with the column as the file names it (满意数, not `satisfied`)."""
    named = {}
    for cell in header:
        text = cell.strip().lstrip("\ufeff").strip()
        name = CSV_HEADERS.get(text) or CSV_HEADERS.get(text.lower())
        if name is not None:
            named[name] = text
    return [
        {"row": e.row, "column": named.get(e.field, e.field), "zh": chinese(e.message, named), "en": e.message}
        for e in errors
    ]


def _preview(data: bytes) -> tuple[list[str], list[list[str]]]:
    text, _ = decode_csv_text(data)
    lines = text.splitlines()[: PREVIEW_ROWS + 1]
    rows = list(csv.reader(lines, delimiter="\t" if lines and "\t" in lines[0] and "," not in lines[0] else ","))
    return (rows[0], rows[1:]) if rows else ([], [])


async def _check(caller: Caller, file_name: str, raw: bytes) -> Checked:
    checked = Checked(file_name=file_name)
    try:
        data = _as_csv(raw)
        checked.header, checked.rows = _preview(data)
        parsed = parse_csv(data)
        checked.records = parsed.count
        errors = await service.problems(caller, parsed)
    except ValidationFailed as exc:
        errors = exc.errors
    except AppError as exc:  # unreadable: not CSV text, not an XLSX workbook
        errors = [FieldError("", exc.detail)]
    checked.problems = _problem_rows(errors, checked.header)
    if not errors:
        checked.token = secrets.token_urlsafe(24)
        pending = Pending(user_id=caller.user_id, file_name=file_name, csv=data)
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
    result = await service.ingest(caller, parse_csv(pending.csv), idempotency_key=f"web-upload:{token}")
    await _pending.delete(token)
    return page("upload.html", caller, checked=None, result=result.answer, file_name=pending.file_name)


ROUTES = [upload_form, check, confirm]
