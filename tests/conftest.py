"""Shared fixtures: one `db` fixture parametrised over SQLite and (when configured) PostgreSQL.

Every DB-touching test takes `db` (directly or through `client`/`tokens`) and so runs on each
engine. SQLite tests get a fresh copy of a migrated template file; PostgreSQL tests share one
migrated database (VENDOR_MS_TEST_POSTGRES_URL) whose tables are truncated before each test, so
tests can commit for real (concurrency, crash safety) and still start from empty.

The database stack (Piccolo, asyncpg, aiosqlite, Litestar, httpx) is imported inside the fixtures
that need it, never at module level: the pure domain tests load this file too and must not pay
for, or come to depend on, what they do not use (`tests/test_imports.py` holds this).
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from vendor_ms import clock

if TYPE_CHECKING:
    import httpx

POSTGRES_URL = os.environ.get("VENDOR_MS_TEST_POSTGRES_URL")
ENGINES = ["sqlite", "postgres"]  # without a URL the PostgreSQL variants are skipped, with the reason
REPO = Path(__file__).resolve().parents[1]
CONTRACTS_DIR = REPO / "contracts"


# The instant `pinned_clock` starts at: October 2026 has ended, its invoices are numbered VMS-2026.
PINNED_START = datetime(2026, 11, 15, 10, 0, tzinfo=clock.NUMBERING_TIMEZONE)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--clock",
        metavar="ISO-TIME",
        help="run the suite as if the wall clock read this time when it started, e.g. "
        "2027-01-02T00:00:00+08:00 (vendor-ms subprocesses inherit it as VENDOR_MS_NOW)",
    )


def pytest_configure(config: pytest.Config) -> None:
    start = config.getoption("--clock")
    if start:
        os.environ["VENDOR_MS_NOW"] = start
        clock.install(clock.ShiftedClock(datetime.fromisoformat(start)))


def pytest_report_header(config: pytest.Config) -> str:
    return f"vendor-ms clock: {clock.now().isoformat()} ({'--clock' if config.getoption('--clock') else 'system'})"


@pytest.fixture
def pinned_clock() -> Iterator[clock.Clock]:
    """For tests whose expectations name a date (invoice numbers VMS-2026-…): the clock reads
    `PINNED_START` when the test starts and ticks from there, whatever the wall clock says."""
    with clock.use(clock.ShiftedClock(PINNED_START)) as pinned:
        yield pinned


@pytest.fixture
def fixed_clock() -> Iterator[clock.FixedClock]:
    """A clock that stands at `PINNED_START` until the test moves it."""
    with clock.use(clock.FixedClock(PINNED_START)) as fixed:
        yield fixed


@pytest.fixture
def fast_pdfs(monkeypatch: pytest.MonkeyPatch) -> None:
    """PDFs as a stub instead of WeasyPrint (see `tests.support.stub_pdfs`)."""
    from tests.support import stub_pdfs

    stub_pdfs(monkeypatch)


@dataclass
class Database:
    kind: str
    url: str

    @property
    def is_postgres(self) -> bool:
        return self.kind == "postgres"


def _run_in_thread(coro_fn: Callable[[], Awaitable[None]]) -> None:
    """Run a coroutine to completion on a fresh loop in a thread (fixtures may be inside a loop)."""
    import threading

    failure: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(coro_fn())  # type: ignore[arg-type]
        except BaseException as exc:  # re-raised in the caller's thread
            failure.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from vendor_ms.db.engine import open_database

    path = tmp_path_factory.mktemp("template") / "template.sqlite3"

    async def build() -> None:
        async with open_database(f"sqlite:///{path}", auto_migrate=True):
            pass

    _run_in_thread(build)
    return path


@pytest.fixture(scope="session")
def postgres_schema() -> str:
    """Reset the PostgreSQL test database to an empty, migrated schema once per session."""
    from vendor_ms.db.engine import execute, migrate, open_database

    assert POSTGRES_URL

    async def build() -> None:
        async with open_database(POSTGRES_URL, auto_migrate=False, pool_max_size=2):
            await execute("DROP SCHEMA IF EXISTS public CASCADE")
            await execute("CREATE SCHEMA public")
            await migrate()

    _run_in_thread(build)
    return POSTGRES_URL


async def _truncate_all() -> None:
    from vendor_ms.db.engine import execute
    from vendor_ms.db.tables import TABLES

    names = ", ".join(t._meta.tablename for t in TABLES)
    await execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


@pytest.fixture(params=ENGINES)
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    from vendor_ms.db.engine import is_postgres, open_database

    if request.param == "postgres" and not POSTGRES_URL:
        pytest.skip("PostgreSQL variant: set VENDOR_MS_TEST_POSTGRES_URL to run it (.ci/run always does)")
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "vendor-ms.sqlite3"
        shutil.copyfile(template, path)
        url = f"sqlite:///{path}"
        async with open_database(url, auto_migrate=False):
            yield Database("sqlite", url)
    else:
        url = request.getfixturevalue("postgres_schema")
        async with open_database(url, auto_migrate=False, pool_max_size=12) as engine:
            assert is_postgres(engine)
            await _truncate_all()
            yield Database("postgres", url)


@pytest.fixture
async def client(db: Database) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on the app, in this test's event loop (so DB state is shared)."""
    import httpx

    from vendor_ms.api.app import create_app
    from vendor_ms.settings import load_settings

    app = create_app(load_settings(database_url=db.url), manage_database=False)
    # No app.lifespan(): with manage_database=False it does nothing, and entering it in a
    # fixture would straddle two tasks.
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://vendor-ms.test") as http:
        yield http


TokenFactory = Callable[..., Awaitable[str]]


@pytest.fixture
def make_token(db: Database) -> TokenFactory:
    """`await make_token("vendor", vendor="yunke")` creates a user and returns its bearer secret."""
    from vendor_ms.access.caller import local_admin
    from vendor_ms.access.service import create_user

    counter = 0

    async def make(role: str, *, shops: list[str] | None = None, vendor: str | None = None, **kw: object) -> str:
        nonlocal counter
        counter += 1
        issued = await create_user(
            local_admin(),
            name=f"{role}-{counter}",
            role=role,
            shops=shops,
            vendor=vendor,
            **kw,  # type: ignore[arg-type]
        )
        return issued.secret

    return make
