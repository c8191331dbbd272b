"""`vendor-ms bench api`: requests/s of the API's reads, as a ratio of a Litestar hello-world.

Set-up (not timed): a fresh database of the bench's own (PostgreSQL: a schema in the given
database; else a temporary SQLite file), seeded through the services as a user would: CONTRACTS
monthly contracts of ACCOUNTS accounts each, spread over shops and the demo's six vendors, a month
of daily records per account (the demo's generator), the month billed (one draft invoice per
contract) and an admin token.

Timed: `vendor-ms serve` (one uvicorn worker) and the hello-world of `vendor_ms.bench.hello`
(served the same way) both run; for each route of ROUTES the same load generator (wrk, CONNECTIONS
connections, a fixed duration) drives the hello-world and then the app, so a busy moment on a
shared machine weighs on both; ratio = app requests/s / hello-world requests/s of that pair.
Every route is first read once and must answer 200 with its media type; any non-2xx answer or
socket error during a measurement fails the bench.

To bench another read, add a `Route` to ROUTES: its path is a template filled from the seeded
`World`, its credential makes the request's headers: a bearer token for the API, the session
cookie of a signed-in shop owner (of the world's shop) for the web app's pages.
"""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from vendor_ms.bench._databases import bench_url, drop, fresh, is_postgres_url
from vendor_ms.bench._servers import Running, free_port, server, vendor_ms_serve

PERIOD = "2026-10"
VENDORS = ("yunke", "xinchen", "haoke", "qiantang", "sufu", "meixun")
SHOPS_PER_VENDOR = 4


# ---------------------------------------------------------------------------------------------
# what is measured


@dataclass(frozen=True, slots=True)
class World:
    """What the seeded database holds that a route's path or credential names."""

    admin_token: str
    contract: str  # a contract's code
    shop: str  # its shop's code
    invoice: int  # its invoice's id
    period: str
    contracts: int
    records: int
    invoices: int
    owner_name: str = ""  # a shop owner of `shop`, who signs in to the web app with this password
    owner_password: str = ""

    def fill(self, template: str) -> str:
        return template.format(contract=self.contract, shop=self.shop, invoice=self.invoice, period=self.period)


# A credential turns the world and the running app's base URL into the request's headers.
Credential = Callable[[World, str], dict[str, str]]


def admin_bearer(world: World, base: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.admin_token}"}


def _cookies(response: object) -> dict[str, str]:
    # The session and CSRF cookies are Secure, which a client keeps from plain http only by hand.
    found = {}
    for header in response.headers.get_list("set-cookie"):  # type: ignore[attr-defined]
        name, _, rest = header.partition("=")
        found[name.strip()] = rest.split(";", 1)[0]
    return found


def signed_in_owner(world: World, base: str) -> dict[str, str]:
    """The cookie of the shop owner's session, signed in through the sign-in form as a browser does."""
    import httpx

    form = httpx.get(f"{base}/login", timeout=30)
    cookies = _cookies(form)
    token = re.search(r'name="_csrf_token" value="([^"]+)"', form.text)
    if token is None:
        raise RuntimeError("the sign-in form has no CSRF field")
    answer = httpx.post(
        f"{base}/login",
        data={"username": world.owner_name, "password": world.owner_password, "_csrf_token": token.group(1)},
        headers={"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())},
        timeout=30,
    )
    if answer.status_code != 303:
        raise RuntimeError(f"the bench's shop owner cannot sign in: {answer.status_code}")
    cookies.update(_cookies(answer))
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}


@dataclass(frozen=True, slots=True)
class Goal:
    """The least ratio to hello-world a route should reach, per engine."""

    postgresql: float
    sqlite: float

    def on(self, engine: str) -> float:
        return self.postgresql if engine == "postgresql" else self.sqlite


JSON_READ = Goal(postgresql=0.3, sqlite=0.2)
LIVE_COMPUTATION = Goal(postgresql=0.1, sqlite=0.1)
HTML_PAGE = Goal(postgresql=0.1, sqlite=0.1)  # issue 11, point 8


@dataclass(frozen=True, slots=True)
class Route:
    path: str  # a template: {contract}, {shop}, {invoice}, {period} are filled from the World
    goal: Goal
    credential: Credential = admin_bearer
    media_type: str = "application/json"

    @property
    def label(self) -> str:
        return f"GET {self.path}"


ROUTES: list[Route] = [
    Route("/api/v1/contracts/{contract}", JSON_READ),
    Route("/api/v1/invoices/{invoice}", JSON_READ),
    Route("/api/v1/invoices?limit=50", JSON_READ),
    Route("/api/v1/contracts/{contract}/scorecard?period={period}", LIVE_COMPUTATION),
    # the web app, as the shop owner of {shop} sees it
    Route("/", HTML_PAGE, signed_in_owner, "text/html"),
    Route("/invoices", HTML_PAGE, signed_in_owner, "text/html"),
    Route("/shops/{shop}/comparison?period={period}", HTML_PAGE, signed_in_owner, "text/html"),
]


@dataclass(frozen=True, slots=True)
class Load:
    """What one run of the load generator against one server measured."""

    requests: int
    per_second: float
    cpu_ms_per_request: float | None  # the server process's CPU time (all threads) per request


@dataclass(frozen=True, slots=True)
class Measured:
    route: Route
    app: Load
    hello: Load

    @property
    def ratio(self) -> float:
        return self.app.per_second / self.hello.per_second

    @property
    def cpu_ratio(self) -> float | None:
        """hello-world's server CPU per request ÷ the app's: the ratio a machine shared with other
        work moves least (requests/s also depend on how the scheduler shares the cores)."""
        if self.app.cpu_ms_per_request is None or self.hello.cpu_ms_per_request is None:
            return None
        return self.hello.cpu_ms_per_request / self.app.cpu_ms_per_request


@dataclass(slots=True)
class ApiBenchResult:
    engine: str
    world: World
    connections: int
    duration_s: int
    load: list[float] = field(default_factory=list)  # 1-minute load average before and after
    measured: list[Measured] = field(default_factory=list)


def print_report(result: ApiBenchResult) -> None:
    w = result.world
    print(
        f"api bench ({result.engine}): {w.contracts} contracts, {w.records:,} daily records, {w.invoices} invoices; "
        f"wrk, {result.connections} connections, {result.duration_s} s per measurement"
    )
    width = max(len(m.route.label) for m in result.measured)
    print(
        f"  {'route':<{width}}  {'app req/s':>10}  {'hello req/s':>11}  {'ratio':>6}  {'goal':<12}"
        f"  ms CPU/request app, hello (ratio)"
    )
    for m in result.measured:
        goal = m.route.goal.on(result.engine)
        verdict = "met" if m.ratio >= goal else "BELOW"
        print(
            f"  {m.route.label:<{width}}  {m.app.per_second:>10,.0f}  {m.hello.per_second:>11,.0f}  "
            f"{m.ratio:>5.2f}×  {f'≥ {goal:.2f} {verdict}':<12}  {_ms(m.app)}, {_ms(m.hello)}"
            + (f" ({m.cpu_ratio:.2f}×)" if m.cpu_ratio is not None else "")
        )
    print(f"  load average {result.load[0]:.2f} before, {result.load[-1]:.2f} after")


def _ms(load: Load) -> str:
    return "?" if load.cpu_ms_per_request is None else f"{load.cpu_ms_per_request:.2f}"


# ---------------------------------------------------------------------------------------------
# the seeded world


def _document(n: int, accounts: int) -> dict[str, object]:
    vendor = VENDORS[n % len(VENDORS)]
    shop = n % (len(VENDORS) * SHOPS_PER_VENDOR)
    return {
        "code": f"BENCH-API-{n:04d}",
        "title": f"压测合同 {n}",
        "scope": "presale",
        "starts_on": "2026-01-01",
        "ends_on": "2027-12-31",
        "tax_rate": "0.06",
        "billing_cycle": "monthly",
        "shop": {
            "code": f"bench-shop-{shop:03d}",
            "name": f"压测店铺{shop}",
            "platform": "pinduoduo",
            "category": "家居日用",
        },
        "vendor": {"code": vendor, "name": f"压测服务商 {vendor}"},
        "accounts": [{"code": f"bench:{n:04d}:{a:02d}", "active_from": "2026-01-01"} for a in range(accounts)],
        "pricing": {
            "base_fee": "2500.00",
            "consultation_tier_mode": "graduated",
            "consultation_tiers": [{"up_to": 8000, "unit_price": "0.75"}, {"unit_price": "0.55"}],
        },
        "scorecard": {
            "bonus_pool": "1000.00",
            "pass_ratio": "0.70",
            "items": [
                {
                    "metric": "reply_rate_3min",
                    "bands": [{"at_least": "0.95", "points": 40}, {"at_least": "0.90", "points": 30}],
                    "red_lines": [{"below": "0.85", "penalty_rate": "0.05"}],
                },
                {"metric": "avg_response_seconds", "bands": [{"at_most": "20", "points": 30}]},
                {"metric": "inquiry_conversion", "bands": [{"at_least": "0.30", "points": 30}]},
            ],
        },
        "penalties": {"cap_rate": "0.20"},
    }


async def seed(url: str, contracts: int, accounts: int) -> World:
    """Contracts, a month of records, the month billed and an admin token, through the services."""
    import msgspec

    from vendor_ms.access.caller import Caller, local_admin
    from vendor_ms.access.service import create_user
    from vendor_ms.billing.service import list_invoices, run_billing
    from vendor_ms.contracts.service import import_document
    from vendor_ms.db.engine import execute, open_database
    from vendor_ms.demo import ServedAccount, daily_records
    from vendor_ms.domain.contract import parse_document
    from vendor_ms.domain.performance import parse_json
    from vendor_ms.domain.periods import parse_period
    from vendor_ms.pagination import Window
    from vendor_ms.performance.service import ingest

    admin = local_admin()
    period = parse_period(PERIOD)
    async with open_database(url, auto_migrate=False, pool_max_size=2):
        served: dict[str, list[ServedAccount]] = {}
        for n in range(contracts):
            doc = parse_document(_document(n, accounts))
            await import_document(admin, doc)
            served.setdefault(doc.vendor.code, []).extend(
                ServedAccount(a.code, doc.vendor.code, doc.shop.category, doc.scope, period.start, period.end)
                for a in doc.accounts
            )
        records = 0
        for vendor, served_accounts in served.items():
            batch = daily_records(served_accounts, period)
            caller = Caller(user_id=None, name=f"bench:{vendor}", role="vendor", vendor_code=vendor)
            await ingest(caller, parse_json(msgspec.json.encode({"records": batch})))
            records += len(batch)
        await run_billing(admin, PERIOD)
        token = await create_user(admin, name="bench-admin", role="admin")
        first = await list_invoices(admin, contract=_document(0, accounts)["code"], window=Window(1))  # type: ignore[arg-type]
        invoices = await list_invoices(admin, window=Window(1))
        shop = first.items[0].shop
        owner_password = secrets.token_urlsafe(12)
        await create_user(admin, name="bench-owner", role="shop_owner", shops=[shop], password=owner_password)
        if is_postgres_url(url):
            await execute("ANALYZE")
    invoice = first.items[0]
    return World(
        admin_token=token.secret,
        contract=invoice.contract,
        shop=invoice.shop,
        invoice=invoice.id,
        period=PERIOD,
        contracts=contracts,
        records=records,
        invoices=invoices.total,
        owner_name="bench-owner",
        owner_password=owner_password,
    )


# ---------------------------------------------------------------------------------------------
# the load generator


def _wrk() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise RuntimeError("`vendor-ms bench api` drives the servers with wrk: install it (apt-get install wrk)")
    return found


def drive(server: Running, url: str, headers: dict[str, str], *, connections: int, duration_s: int) -> Load:
    """wrk on one thread (the server has the other core), `connections` connections, `duration_s` s."""
    argv = [_wrk(), "-t1", f"-c{connections}", f"-d{duration_s}s", "--timeout", "10s"]
    for name, value in headers.items():
        argv += ["-H", f"{name}: {value}"]
    cpu_before = server.cpu_seconds()
    out = subprocess.run([*argv, url], capture_output=True, text=True, check=True).stdout
    cpu_after = server.cpu_seconds()
    failures = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    if failures or errors:
        raise RuntimeError(f"{url} failed under load:\n{out}")
    rate, count = re.search(r"Requests/sec:\s+([\d.]+)", out), re.search(r"(\d+) requests in", out)
    if rate is None or count is None or int(count.group(1)) == 0:
        raise RuntimeError(f"no requests counted in wrk's output:\n{out}")
    requests = int(count.group(1))
    cpu = None if cpu_before is None or cpu_after is None else (cpu_after - cpu_before) * 1000 / requests
    return Load(requests, float(rate.group(1)), cpu)


def _check(url: str, headers: dict[str, str], route: Route) -> None:
    import httpx

    response = httpx.get(url, headers=headers, timeout=30)
    media_type = response.headers.get("content-type", "").split(";")[0]
    if response.status_code != 200 or media_type != route.media_type:
        raise RuntimeError(f"{route.label} answered {response.status_code} {media_type}: {response.text[:500]}")


# ---------------------------------------------------------------------------------------------


@contextmanager
def _servers(url: str, port: int | None) -> Iterator[tuple[Running, Running]]:
    """(app, hello-world): `vendor-ms serve` on `port`, the hello-world on `port + 1`."""
    app_port, hello_port = (port, port + 1) if port else (free_port(), free_port())
    with ExitStack() as stack:
        hello_argv = ["-m", "vendor_ms.bench.hello", "--port", str(hello_port)]
        hello = stack.enter_context(server(hello_argv, hello_port, ready_path="/"))
        app = stack.enter_context(vendor_ms_serve(url, app_port))
        yield app, hello


def run_api_bench(
    database_url: str | None,
    *,
    duration_s: int = 10,
    connections: int = 16,
    contracts: int = 60,
    accounts: int = 3,
    port: int | None = None,
    routes: list[Route] | None = None,
    on_step: Callable[[str], None] = lambda _: None,
) -> ApiBenchResult:
    """Seed a database of the bench's own at `database_url` (None: a temporary SQLite file), then
    measure every route against the hello-world."""
    if duration_s < 1 or connections < 1 or contracts < 1 or accounts < 1:
        raise ValueError("duration, connections, contracts and accounts must be positive")
    _wrk()
    tmp: tempfile.TemporaryDirectory[str] | None = None
    if database_url is None:
        tmp = tempfile.TemporaryDirectory(prefix="vms-bench-")
        database_url = f"sqlite:///{Path(tmp.name) / 'bench.sqlite3'}"
    url = bench_url(database_url, "api")
    engine = "postgresql" if is_postgres_url(url) else "sqlite"
    try:
        on_step(f"seeding {contracts} contracts × {accounts} accounts, a month of records, billed")
        asyncio.run(fresh(url))
        world = asyncio.run(seed(url, contracts, accounts))
        result = ApiBenchResult(engine, world, connections, duration_s, load=[os.getloadavg()[0]])
        with _servers(url, port) as (app, hello):
            hello_url = hello.base + "/"
            drive(hello, hello_url, {}, connections=connections, duration_s=1)  # warm-up
            for route in routes or ROUTES:
                headers = route.credential(world, app.base)
                target = app.base + world.fill(route.path)
                _check(target, headers, route)
                on_step(f"{route.label}: hello-world, then the app, {duration_s} s each")
                drive(app, target, headers, connections=connections, duration_s=1)  # warm-up
                hello_load = drive(hello, hello_url, {}, connections=connections, duration_s=duration_s)
                app_load = drive(app, target, headers, connections=connections, duration_s=duration_s)
                result.measured.append(Measured(route, app_load, hello_load))
        result.load.append(os.getloadavg()[0])
        return result
    finally:
        asyncio.run(drop(url))
        if tmp is not None:
            tmp.cleanup()
