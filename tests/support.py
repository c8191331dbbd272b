"""Helpers shared by tests (fixtures live in conftest.py)."""

from __future__ import annotations

from pathlib import Path

from vendor_ms.access.caller import local_admin

REPO = Path(__file__).resolve().parents[1]
CONTRACTS_DIR = REPO / "contracts"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def import_examples(*names: str) -> None:
    """Import contract documents from contracts/ (all of them when no names are given)."""
    from vendor_ms.contracts.service import import_document
    from vendor_ms.domain.contract import parse_toml

    files = [CONTRACTS_DIR / f"{n}.toml" for n in names] if names else sorted(CONTRACTS_DIR.glob("*.toml"))
    for file in files:
        await import_document(local_admin(), parse_toml(file.read_text(encoding="utf-8")))


COUNT_DEFAULTS = {
    "consultations": 0,
    "unanswered_3min": 0,
    "answered_30s": 0,
    "response_seconds_total": "0",
    "responses": 0,
    "inquiries": 0,
    "paid_buyers": 0,
    "sales_amount": "0",
    "orders": 0,
    "dispute_refunds": 0,
    "surveys": 0,
    "satisfied": 0,
}


def daily(account: str, day: str, **counts: object) -> dict[str, object]:
    """One daily record as the API takes it (SPEC 3 field names); unspecified counts are 0."""
    return {"account": account, "date": day, **COUNT_DEFAULTS, **counts}


def month_days(year: int, month: int) -> list[str]:
    import calendar

    return [f"{year:04d}-{month:02d}-{d:02d}" for d in range(1, calendar.monthrange(year, month)[1] + 1)]


async def submit(client, token: str, records: list[dict[str, object]], status: int = 201) -> dict[str, object]:
    """Submit daily records through the API: 201 a new batch (200: one already received)."""
    response = await client.post("/api/v1/performance/daily", json={"records": records}, headers=bearer(token))
    assert response.status_code == status, response.text
    return response.json()


def money(value: str) -> str:
    """A money string as the API writes it (identity; documents intent in assertions)."""
    return value


class StatementLog:
    """The SQL statements Piccolo sent through the bound engine while `statements()` was open."""

    def __init__(self) -> None:
        self.sql: list[str] = []

    def __len__(self) -> int:
        return len(self.sql)


def statements():  # -> contextmanager[StatementLog]
    """Record every statement sent through the bound engine (ORM and raw queries alike, and the
    hand-written reads of `db.statements`), to count the round trips of a read. Driver-level
    writes (COPY) do not pass through it."""
    from contextlib import contextmanager
    from unittest import mock

    from vendor_ms.db.engine import current_engine
    from vendor_ms.db.statements import Reader

    @contextmanager
    def recording():
        engine = current_engine()
        log = StatementLog()
        original = type(engine).run_querystring

        async def run_querystring(self, querystring, *args, **kwargs):
            if self is engine:
                log.sql.append(str(querystring))
            return await original(self, querystring, *args, **kwargs)

        original_rows = Reader.rows

        async def rows(self, sql, *args):
            log.sql.append(sql)
            return await original_rows(self, sql, *args)

        # On the class: engines use __slots__ (the background task of a billing run shares it).
        with (
            mock.patch.object(type(engine), "run_querystring", run_querystring),
            mock.patch.object(Reader, "rows", rows),
        ):
            yield log

    return recording()


def _stub_pdf(html: str) -> bytes:
    import hashlib

    return b"%PDF-1.7\n% vendor-ms test stub " + hashlib.sha256(html.encode()).hexdigest().encode() + b"\n%%EOF\n"


def stub_pdfs(monkeypatch) -> None:
    """Skip WeasyPrint (~0.4 s a document) in tests about who may do what and what the API
    answers, not about PDFs (tests/documents renders them for real). The HTML is still rendered
    from the templates, so a broken view still fails."""
    monkeypatch.setattr("vendor_ms.documents.render.html_to_pdf", _stub_pdf)
