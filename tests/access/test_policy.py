"""The access policy itself (`vendor_ms.access.policy`), table by table.

Who may do what: every action against the roles SPEC and README promise. Who may see what: a
small world of three contracts (one shop with two vendors, a second shop sharing a vendor), a
shop and a vendor without contracts, and audit events of every sort; for each kind of record and
each caller, the rows its SQL condition keeps must be exactly the expected ones, and the Python
check must say the same of every row. Shop codes `pdd_mm` and `pddxmm` differ only where LIKE's
`_` would match anything, so a scope matched loosely shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from litestar.routes import HTTPRoute

from vendor_ms.access import policy
from vendor_ms.access.caller import ROLES, Caller
from vendor_ms.access.policy import Facts, owned_by
from vendor_ms.api.app import create_app
from vendor_ms.db.tables import (
    Account,
    AccountBinding,
    AuditEvent,
    Contract,
    DailyRecord,
    DailyRecordRevision,
    Incident,
    IngestBatch,
    Invoice,
    Shop,
    Vendor,
)
from vendor_ms.errors import PermissionDenied
from vendor_ms.settings import load_settings

# ---------------------------------------------------------------------------------------------
# who may do what

ADMIN, OWNER, VENDOR, FINANCE = "admin", "shop_owner", "vendor", "finance"
EVERYONE = {ADMIN, OWNER, VENDOR, FINANCE}

WHO_MAY = {
    "contract.read": EVERYONE,
    "contract.import": {ADMIN, OWNER},
    "performance.ingest": {ADMIN, OWNER, VENDOR},
    "performance.read": EVERYONE,
    "incident.read": EVERYONE,
    "incident.create": {ADMIN, OWNER},
    "billing.run": {ADMIN, FINANCE},
    "invoice.read": EVERYONE,
    "invoice.issue": {ADMIN, FINANCE},
    "invoice.pay": {ADMIN, FINANCE},
    "invoice.void": {ADMIN, FINANCE},
    "scorecard.read": EVERYONE,
    "comparison.read": {ADMIN, OWNER, FINANCE},
    "summary.read": {ADMIN, FINANCE},
    "audit.read": EVERYONE,
    "user.create": {ADMIN},
    "user.read": {ADMIN},
    "user.set_password": {ADMIN},
    "token.create": {ADMIN},
    "token.revoke": {ADMIN},
}


def caller(role: str, **kw: Any) -> Caller:
    return Caller(user_id=kw.pop("user_id", 99), name=f"{role}-test", role=role, **kw)  # type: ignore[arg-type]


def test_the_policy_declares_exactly_these_actions() -> None:
    assert sorted(policy.ACTIONS) == sorted(WHO_MAY)


def test_the_docstring_table_says_what_the_policy_declares() -> None:
    rows = {}
    for line in (policy.__doc__ or "").splitlines():
        name, _, rest = line.strip().partition(" ")
        if name in WHO_MAY:
            roles = rest.strip().split("  ")[0]
            rows[name] = EVERYONE if roles == "everyone" else set(roles.split(", "))
    assert rows == WHO_MAY


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(WHO_MAY))
def test_each_role_may_take_exactly_its_actions(name: str, role: str) -> None:
    action = policy.ACTIONS[name]
    allowed = role in WHO_MAY[name]
    assert action.allows(role) is allowed
    if allowed:
        action.require(caller(role))
    else:
        with pytest.raises(PermissionDenied) as refused:
            action.require(caller(role))
        assert refused.value.detail == action.refused(role)


@pytest.mark.parametrize(
    ("action", "role", "message"),
    [
        (policy.ISSUE_INVOICE, VENDOR, "issuing invoices needs the role admin, finance; this token's role is vendor"),
        (
            policy.SUBMIT_PERFORMANCE,
            FINANCE,
            "submitting performance data needs the role admin, vendor, shop_owner; this token's role is finance",
        ),
        (policy.CREATE_USER, OWNER, "creating users needs the role admin; this token's role is shop_owner"),
        (policy.IMPORT_CONTRACT, VENDOR, "only admins and shop owners create contracts; this token's role is vendor"),
        (policy.COMPARE_VENDORS, VENDOR, "vendors cannot compare the vendors of a shop"),
        (
            policy.FINANCE_SUMMARY,
            OWNER,
            "the finance summary needs the role admin, finance; this token's role is shop_owner",
        ),
    ],
)
def test_refusals_say_what_was_refused_and_why(action: policy.Action, role: str, message: str) -> None:
    with pytest.raises(PermissionDenied) as refused:
        action.require(caller(role))
    assert refused.value.detail == message


def test_routes_take_their_roles_from_the_actions_they_declare() -> None:
    app = create_app(load_settings(database_url="sqlite:///unused.sqlite3"), manage_database=False)
    declared = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or not route.path.startswith("/api/v1/"):
            continue
        for handler in route.route_handlers:
            if handler.handler_name == "options_handler":
                continue
            if "action" not in handler.opt and handler.fn.__module__.startswith("vendor_ms.billing."):
                continue  # billing's routes name their roles until billing declares its actions
            action = policy.ACTIONS[handler.opt["action"]]
            assert handler.opt["roles"] == action.roles, (route.path, action.name)
            declared.append(action.name)
    assert len(declared) >= 15


# ---------------------------------------------------------------------------------------------
# who may see what: the world

CONTRACTS = {"MM-YK": ("pdd_mm", "yunke"), "MM-SF": ("pdd_mm", "sufu"), "XM-SF": ("pddxmm", "sufu")}
SHOPS = ("pdd_mm", "pddxmm", "jd-lone")
VENDORS = ("yunke", "sufu", "solo")
# user ids: 2 the shop owner, 3 yunke's user, 4 finance, 5 sufu's user; None a CLI operator.
EVENTS = {
    "owner amends": (2, "contract.amend", ("pdd_mm",), ("yunke",)),
    "yunke ingests": (3, "performance.ingest", ("pdd_mm",), ("yunke",)),
    "sufu ingests": (5, "performance.ingest", ("pddxmm",), ("sufu",)),
    "finance issues": (4, "invoice.issue", ("pddxmm",), ("sufu",)),
    "finance runs": (4, "billing.run", ("pdd_mm", "pddxmm"), ("sufu", "yunke")),
    "operator creates a user": (None, "user.create", (), ()),
}

CALLERS = {
    "admin": caller(ADMIN, user_id=1),
    "finance": caller(FINANCE, user_id=4),
    "owner of pdd_mm": caller(OWNER, user_id=2, shop_codes=frozenset({"pdd_mm"})),
    "owner of both shops": caller(OWNER, user_id=6, shop_codes=frozenset({"pdd_mm", "pddxmm"})),
    "owner of no shop": caller(OWNER, user_id=7),
    "vendor yunke": caller(VENDOR, user_id=3, vendor_code="yunke"),
    "vendor sufu": caller(VENDOR, user_id=5, vendor_code="sufu"),
    "vendor of no vendor, no user": caller(VENDOR, user_id=None),
}

ALL_CONTRACTS = set(CONTRACTS)
# caller → the contracts whose records it sees (contracts, bindings, records, incidents, invoices)
SEES_CONTRACTS = {
    "admin": ALL_CONTRACTS,
    "finance": ALL_CONTRACTS,
    "owner of pdd_mm": {"MM-YK", "MM-SF"},
    "owner of both shops": ALL_CONTRACTS,
    "owner of no shop": set(),
    "vendor yunke": {"MM-YK"},
    "vendor sufu": {"MM-SF", "XM-SF"},
    "vendor of no vendor, no user": set(),
}
SEES_SHOPS = {
    "admin": set(SHOPS),
    "finance": set(SHOPS),
    "owner of pdd_mm": {"pdd_mm"},
    "owner of both shops": {"pdd_mm", "pddxmm"},
    "owner of no shop": set(),
    "vendor yunke": {"pdd_mm"},
    "vendor sufu": {"pdd_mm", "pddxmm"},
    "vendor of no vendor, no user": set(),
}
SEES_VENDORS = {
    "admin": set(VENDORS),
    "finance": set(VENDORS),
    "owner of pdd_mm": {"yunke", "sufu"},
    "owner of both shops": {"yunke", "sufu"},
    "owner of no shop": set(),
    "vendor yunke": {"yunke"},
    "vendor sufu": {"sufu"},
    "vendor of no vendor, no user": set(),
}
SEES_EVENTS = {
    "admin": set(EVENTS),
    "finance": {"finance issues", "finance runs"},
    "owner of pdd_mm": {"owner amends", "yunke ingests", "finance runs"},
    "owner of both shops": set(EVENTS) - {"operator creates a user"},
    "owner of no shop": set(),
    "vendor yunke": {"yunke ingests"},
    "vendor sufu": {"sufu ingests"},
    "vendor of no vendor, no user": set(),
}


@dataclass
class World:
    """Row id → label, per table; label → facts, per kind."""

    ids: dict[str, dict[int, str]]
    facts: dict[str, dict[str, Facts]]


async def build_world() -> World:
    ids: dict[str, dict[int, str]] = {}
    shops, vendors = {}, {}
    for code in SHOPS:
        shops[code] = await _insert(Shop(code=code, name=code, platform="pinduoduo", category="x"))
    for code in VENDORS:
        vendors[code] = await _insert(Vendor(code=code, name=code))
    batch = await _insert(IngestBatch(submitter_name="t", source="vendor", content_sha256="0" * 64))
    day = date(2026, 10, 1)
    # Per contract, one row of each kind that belongs to it (c: the contract's id, a: an account's).
    per_contract: dict[str, Any] = {
        "account_bindings": lambda c, a: AccountBinding(account=a, contract=c, active_from=day),
        "daily_records": lambda c, a: DailyRecord(account=a, contract=c, day=day, revision=1, batch=batch),
        "daily_record_revisions": lambda c, a: DailyRecordRevision(
            batch=batch, account=a, contract=c, day=day, revision=1
        ),
        "incidents": lambda c, a: Incident(contract=c, day=day, kind="praise", points=1),
        "invoices": lambda c, a: Invoice(
            contract=c,
            contract_version=1,
            period="2026-10",
            period_start=day,
            period_end=day,
            status="draft",
            kind="invoice",
        ),
    }
    ids.update({kind: {} for kind in ["contracts", *per_contract]})
    for n, (code, (shop, vendor)) in enumerate(CONTRACTS.items()):
        contract = await _insert(
            Contract(
                code=code,
                shop=shops[shop],
                vendor=vendors[vendor],
                title=code,
                scope="presale",
                billing_cycle="monthly",
                starts_on=date(2026, 1, 1),
                ends_on=date(2026, 12, 31),
                timezone="Asia/Shanghai",
            )
        )
        ids["contracts"][contract] = code
        account = await _insert(Account(code=f"acct-{n}"))
        for kind, make in per_contract.items():
            ids[kind][await _insert(make(contract, account))] = code
    ids["shops"] = {v: k for k, v in shops.items()}
    ids["vendors"] = {v: k for k, v in vendors.items()}
    ids["audit_events"] = {}
    for label, (actor, action, shop_codes, vendor_codes) in EVENTS.items():
        event = AuditEvent(
            actor_id=actor,
            actor_name=label,
            actor_role="x",
            action=action,
            entity="x",
            shop_codes=f" {' '.join(shop_codes)} " if shop_codes else "",
            vendor_codes=f" {' '.join(vendor_codes)} " if vendor_codes else "",
        )
        ids["audit_events"][await _insert(event)] = label

    contract_facts = {code: owned_by(shop, vendor) for code, (shop, vendor) in CONTRACTS.items()}
    facts = {kind: contract_facts for kind in ["contracts", *per_contract]}
    facts["shops"] = {
        shop: Facts(shops=frozenset({shop}), vendors=frozenset(v for s, v in CONTRACTS.values() if s == shop))
        for shop in SHOPS
    }
    facts["vendors"] = {
        vendor: Facts(shops=frozenset(s for s, v in CONTRACTS.values() if v == vendor), vendors=frozenset({vendor}))
        for vendor in VENDORS
    }
    facts["audit_events"] = {
        label: Facts(shops=frozenset(s), vendors=frozenset(v), user_id=actor, action=action)
        for label, (actor, action, s, v) in EVENTS.items()
    }
    return World(ids, facts)


async def _insert(row: Any) -> int:
    await row.save()
    return int(row.id)


KIND_TABLES = {
    "contracts": (Contract, SEES_CONTRACTS),
    "account_bindings": (AccountBinding, SEES_CONTRACTS),
    "daily_records": (DailyRecord, SEES_CONTRACTS),
    "daily_record_revisions": (DailyRecordRevision, SEES_CONTRACTS),
    "incidents": (Incident, SEES_CONTRACTS),
    "invoices": (Invoice, SEES_CONTRACTS),
    "shops": (Shop, SEES_SHOPS),
    "vendors": (Vendor, SEES_VENDORS),
    "audit_events": (AuditEvent, SEES_EVENTS),
}


def test_every_kind_of_the_policy_is_tested() -> None:
    assert sorted(policy.KINDS) == sorted(KIND_TABLES)


async def test_each_caller_sees_exactly_its_records_in_sql_and_in_python(db) -> None:
    world = await build_world()
    differences = []
    for kind_name, (table, expected) in KIND_TABLES.items():
        kind = policy.KINDS[kind_name]
        for who, who_caller in CALLERS.items():
            rows = await kind.restrict(table.select(table.id), who_caller)
            in_sql = sorted(world.ids[kind_name][row["id"]] for row in rows)
            count = await kind.restrict(table.count(), who_caller)
            in_python = sorted(
                label
                for label in world.ids[kind_name].values()
                if kind.allows(who_caller, world.facts[kind_name][label])
            )
            want = sorted(label for label in world.ids[kind_name].values() if label in expected[who])
            if not in_sql == in_python == want or count != len(want):
                differences.append(f"{kind_name} as {who}: want {want}, SQL {in_sql} ({count}), Python {in_python}")
    assert differences == []


async def test_hand_written_statements_see_exactly_what_the_policy_lets_them(db) -> None:
    from vendor_ms.db.statements import reading

    world = await build_world()
    to_shop_and_vendor = "JOIN shops s ON s.id = c.shop JOIN vendors v ON v.id = c.vendor"
    differences = []
    for kind_name, kind in policy.KINDS.items():
        if not kind.sql_anchors:
            continue
        table, expected = KIND_TABLES[kind_name]
        if table is Contract:
            source = f"contracts c {to_shop_and_vendor}"
        else:
            source = f"{table._meta.tablename} t JOIN contracts c ON c.id = t.contract {to_shop_and_vendor}"
        alias = source.split()[1]
        for who, who_caller in CALLERS.items():
            condition = kind.sql_condition(who_caller, shop="s.code", vendor="v.code")
            where, args = (f" WHERE {condition.text}", condition.args) if condition else ("", ())
            async with reading() as read:
                rows = await read.rows(f"SELECT {alias}.id FROM {source}{where}", *args)
            in_sql = sorted(world.ids[kind_name][row["id"]] for row in rows)
            want = sorted(label for label in world.ids[kind_name].values() if label in expected[who])
            if in_sql != want:
                differences.append(f"{kind_name} as {who}: want {want}, hand-written SQL {in_sql}")
    assert differences == []
    with pytest.raises(ValueError, match="needs the SQL of"):
        policy.INVOICES.sql_condition(CALLERS["vendor yunke"], shop="s.code")
    with pytest.raises(ValueError, match="has no SQL for its shop"):
        policy.SHOPS.sql_condition(CALLERS["owner of pdd_mm"], shop="s.code")


def test_every_role_has_a_rule_for_every_kind() -> None:
    for kind in policy.KINDS.values():
        assert set(kind.rules) == set(ROLES), kind.name
