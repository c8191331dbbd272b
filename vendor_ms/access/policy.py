"""Who may do what and who may see what: the one home of vendor-ms's access rules.

Every caller has one role: `admin`, `shop_owner` (acting for a set of shops), `vendor` (acting
for one vendor) or `finance`. Two questions are answered here and nowhere else.

**May this role take this action?** (403 when not.) Each `Action` names the roles allowed:

    action               roles                          what it covers
    contract.read        everyone                       contracts, shops, vendors, accounts
    contract.import      admin, shop_owner              POST /contracts, `contracts import`
    performance.ingest   admin, vendor, shop_owner      POST /performance/daily(.csv), `ingest`
    performance.read     everyone                       revisions, metrics
    incident.read        everyone                       GET /incidents
    incident.create      admin, shop_owner              POST /incidents
    billing.run          admin, finance                 POST /billing-runs, `bill`
    invoice.read         everyone                       invoices, their PDFs and CSV
    invoice.issue        admin, finance                 draft → issued, `issue`
    invoice.pay          admin, finance                 issued → paid
    invoice.void         admin, finance                 void with a credit note
    scorecard.read       everyone                       live scorecard, scorecard PDF
    comparison.read      admin, shop_owner, finance     vendor comparison (JSON, PDF)
    summary.read         admin, finance                 the finance summary PDF
    audit.read           everyone                       the audit trail
    user.create          admin                          `users create`, the admin page's form
    user.read            admin                          the admin page's list of users
    user.set_password    admin                          `users set-password`, the admin page's form
    token.create         admin                          `tokens create`
    token.revoke         admin                          `tokens revoke`

A route declares its action (`opt=allow(policy.ISSUE_INVOICE)`, `vendor_ms.api.auth`) and the
guard refuses other roles before the handler runs; the service calls `ISSUE_INVOICE.require(caller)`
as well, because the CLI and the web pages call services directly.

**Which records may this caller see?** (404 outside, so existence never leaks.) Each `Kind` of
record gives the SQL condition that keeps a caller's rows (`kind.condition`, `kind.restrict`)
and the same rule in Python for a record in hand (`kind.allows(caller, Facts(...))`); kinds that
belong to a contract also give it for hand-written statements, whose SQL names each anchor
(`kind.sql_condition(caller, shop="s.code", vendor="v.code")`, see `vendor_ms.db.statements`):

    kind                                   admin  finance          shop_owner         vendor
    contracts, account bindings, daily     all    all              its shops'         its vendor's
      records and revisions, incidents,
      invoices (through their contract)
    shops                                  all    all              its shops          shops it has a
                                                                                      contract with
    vendors                                all    all              vendors with a     itself
                                                                   contract in its shops
    audit events                           all    the billing      events naming      its own actions
                                                  trail (billing.*, one of its shops
                                                  invoice.*)

A comparison is of a shop and is seen as its shop is (vendors may not compare: `comparison.read`).
Writing a contract needs the contract (its shop and vendor) in the writer's scope.

A new action is one `_action(...)` line. A new kind of record is one entry: `of_contract(name,
Table.contract)` for anything that belongs to a contract (a payment: `Payment.invoice.contract`),
or a `Kind` naming the rule of each role and where its rows keep their shop, vendor or user.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from piccolo.columns.combination import WhereRaw
from piccolo.custom_types import Combinable

from vendor_ms.access.caller import ROLES, Caller, Role
from vendor_ms.db.tables import (
    AccountBinding,
    AuditEvent,
    Contract,
    DailyRecord,
    DailyRecordRevision,
    Incident,
    Invoice,
    Shop,
    Vendor,
)
from vendor_ms.errors import PermissionDenied

# ---------------------------------------------------------------------------------------------
# actions: who may do what


@dataclass(frozen=True, slots=True)
class Action:
    """Something a caller does, and the roles that may do it."""

    name: str
    roles: tuple[Role, ...]
    doing: str  # completes "<doing> needs the role …", the refusal of a service
    refusal: str = ""  # a refusal worded for this action instead; `{role}` is the caller's role

    def allows(self, role: str) -> bool:
        return role in self.roles

    def require(self, caller: Caller) -> None:
        """Refuse (403) a caller whose role may not take this action."""
        if caller.role not in self.roles:
            raise PermissionDenied(self.refused(caller.role))

    def refused(self, role: str) -> str:
        if self.refusal:
            return self.refusal.format(role=role)
        return f"{self.doing} needs the role {', '.join(self.roles)}; this token's role is {role}"


ACTIONS: dict[str, Action] = {}
EVERYONE: tuple[Role, ...] = ROLES  # type: ignore[assignment]


def _action(name: str, roles: tuple[Role, ...], doing: str, refusal: str = "") -> Action:
    if name in ACTIONS:
        raise ValueError(f"action {name!r} is declared twice")
    if not roles or set(roles) - set(ROLES):
        raise ValueError(f"action {name!r} names unknown roles {roles}")
    ACTIONS[name] = Action(name, roles, doing, refusal)
    return ACTIONS[name]


READ_CONTRACTS = _action("contract.read", EVERYONE, "reading contracts")
IMPORT_CONTRACT = _action(
    "contract.import",
    ("admin", "shop_owner"),
    "creating contracts",
    "only admins and shop owners create contracts; this token's role is {role}",
)
SUBMIT_PERFORMANCE = _action("performance.ingest", ("admin", "vendor", "shop_owner"), "submitting performance data")
READ_PERFORMANCE = _action("performance.read", EVERYONE, "reading performance data")
READ_INCIDENTS = _action("incident.read", EVERYONE, "reading incidents")
RECORD_INCIDENT = _action("incident.create", ("admin", "shop_owner"), "recording incidents")
RUN_BILLING = _action("billing.run", ("admin", "finance"), "running billing")
READ_INVOICES = _action("invoice.read", EVERYONE, "reading invoices")
ISSUE_INVOICE = _action("invoice.issue", ("admin", "finance"), "issuing invoices")
PAY_INVOICE = _action("invoice.pay", ("admin", "finance"), "marking invoices paid")
VOID_INVOICE = _action("invoice.void", ("admin", "finance"), "voiding invoices")
READ_SCORECARDS = _action("scorecard.read", EVERYONE, "reading scorecards")
COMPARE_VENDORS = _action(
    "comparison.read",
    ("admin", "shop_owner", "finance"),
    "comparing vendors",
    "vendors cannot compare the vendors of a shop",
)
FINANCE_SUMMARY = _action("summary.read", ("admin", "finance"), "the finance summary")
READ_AUDIT = _action("audit.read", EVERYONE, "reading the audit trail")
CREATE_USER = _action("user.create", ("admin",), "creating users")
READ_USERS = _action("user.read", ("admin",), "listing users")
SET_PASSWORD = _action("user.set_password", ("admin",), "setting passwords")
CREATE_TOKEN = _action("token.create", ("admin",), "creating tokens")
REVOKE_TOKEN = _action("token.revoke", ("admin",), "revoking tokens")


# ---------------------------------------------------------------------------------------------
# kinds of records: who may see what


@dataclass(frozen=True, slots=True)
class Facts:
    """What decides who sees a record: the shops and vendors it concerns, the user whose act it
    records, the action it records (audit events)."""

    shops: frozenset[str] = frozenset()
    vendors: frozenset[str] = frozenset()
    user_id: int | None = None
    action: str = ""


def owned_by(shop: str, vendor: str) -> Facts:
    """The facts of a record that belongs to one contract: its shop and its vendor."""
    return Facts(shops=frozenset((shop,)), vendors=frozenset((vendor,)))


@dataclass(frozen=True, slots=True)
class SqlCondition:
    """A condition for a hand-written statement (`vendor_ms.db.statements`): `text` marks each of
    `args` `{}`."""

    text: str
    args: tuple[Any, ...] = ()


class Rule(Protocol):
    """How one role's share of a kind of record is decided, in SQL and in Python alike."""

    @property
    def needs(self) -> tuple[str, ...]:
        """The anchors of a kind this rule reads."""

    def condition(self, kind: Kind, caller: Caller) -> Combinable | None: ...

    def sql(self, kind: Kind, caller: Caller, columns: Mapping[str, str]) -> SqlCondition | None:
        """`condition` for a hand-written statement, `columns` giving the SQL of each anchor."""

    def check(self, caller: Caller, facts: Facts) -> bool: ...


class _Everything:
    needs: tuple[str, ...] = ()

    def condition(self, kind: Kind, caller: Caller) -> Combinable | None:
        return None

    def sql(self, kind: Kind, caller: Caller, columns: Mapping[str, str]) -> SqlCondition | None:
        return None

    def check(self, caller: Caller, facts: Facts) -> bool:
        return True


class _TheirShops:
    needs: tuple[str, ...] = ("shop",)

    def condition(self, kind: Kind, caller: Caller) -> Combinable | None:
        # A shop owner without shops sees nothing: "" is no shop's code.
        return kind.anchor("shop")(sorted(caller.shop_codes) or [""])

    def sql(self, kind: Kind, caller: Caller, columns: Mapping[str, str]) -> SqlCondition | None:
        return kind.sql_anchor("shop")(columns["shop"], sorted(caller.shop_codes) or [""])

    def check(self, caller: Caller, facts: Facts) -> bool:
        return not facts.shops.isdisjoint(caller.shop_codes)


class _TheirVendor:
    needs: tuple[str, ...] = ("vendor",)

    def condition(self, kind: Kind, caller: Caller) -> Combinable | None:
        return kind.anchor("vendor")(caller.vendor_code or "")

    def sql(self, kind: Kind, caller: Caller, columns: Mapping[str, str]) -> SqlCondition | None:
        return kind.sql_anchor("vendor")(columns["vendor"], caller.vendor_code or "")

    def check(self, caller: Caller, facts: Facts) -> bool:
        return caller.vendor_code is not None and caller.vendor_code in facts.vendors


class _TheirOwnActions:
    needs: tuple[str, ...] = ("user",)

    def condition(self, kind: Kind, caller: Caller) -> Combinable | None:
        # A caller without a user row (a CLI operator) has no actions of its own to see.
        return kind.anchor("user")(caller.user_id) if caller.user_id is not None else _NOTHING

    def sql(self, kind: Kind, caller: Caller, columns: Mapping[str, str]) -> SqlCondition | None:
        if caller.user_id is None:
            return SqlCondition("1 = 0")
        return kind.sql_anchor("user")(columns["user"], caller.user_id)

    def check(self, caller: Caller, facts: Facts) -> bool:
        return caller.user_id is not None and facts.user_id == caller.user_id


@dataclass(frozen=True, slots=True)
class _ActionsStartingWith:
    prefixes: tuple[str, ...]
    needs: tuple[str, ...] = ("action",)

    def condition(self, kind: Kind, caller: Caller) -> Combinable | None:
        return kind.anchor("action")(self.prefixes)

    def sql(self, kind: Kind, caller: Caller, columns: Mapping[str, str]) -> SqlCondition | None:
        return kind.sql_anchor("action")(columns["action"], self.prefixes)

    def check(self, caller: Caller, facts: Facts) -> bool:
        return facts.action.startswith(self.prefixes)


_NOTHING = WhereRaw("1 = 0")
EVERYTHING: Rule = _Everything()
THEIR_SHOPS: Rule = _TheirShops()
THEIR_VENDOR: Rule = _TheirVendor()
THEIR_OWN_ACTIONS: Rule = _TheirOwnActions()
# Finance reads everything billing-related, including who ran, issued, paid or voided what.
BILLING_TRAIL: Rule = _ActionsStartingWith(("billing.", "invoice."))

# The rule of anything that belongs to a contract: admin and finance see all of it, a shop
# owner its shops', a vendor its own.
CONTRACT_RULES: Mapping[str, Rule] = {
    "admin": EVERYTHING,
    "finance": EVERYTHING,
    "shop_owner": THEIR_SHOPS,
    "vendor": THEIR_VENDOR,
}

# An anchor turns the codes (or user id, or action prefixes) a rule allows into a condition on
# the kind's rows: "the row concerns one of these shops".
Anchor = Callable[[Any], Combinable]
# The same for a hand-written statement: (the SQL of the anchor in it, what the rule allows).
SqlAnchor = Callable[[str, Any], SqlCondition]
Query = TypeVar("Query")


@dataclass(frozen=True)
class Kind:
    """One kind of record: each role's rule, and where its rows keep what the rules read."""

    name: str
    rules: Mapping[str, Rule]
    anchors: Mapping[str, Anchor] = field(default_factory=dict)
    # Only for kinds read by hand-written statements (`sql_condition`).
    sql_anchors: Mapping[str, SqlAnchor] = field(default_factory=dict)

    def __post_init__(self) -> None:
        missing = set(ROLES) - set(self.rules)
        if missing:
            raise ValueError(f"kind {self.name!r} gives no rule for {sorted(missing)}")
        for role, rule in self.rules.items():
            for anchor in rule.needs:
                if anchor not in self.anchors:
                    raise ValueError(f"kind {self.name!r}: the rule for {role} needs its {anchor}")

    def anchor(self, name: str) -> Anchor:
        return self.anchors[name]

    def sql_anchor(self, name: str) -> SqlAnchor:
        if name not in self.sql_anchors:
            raise ValueError(f"kind {self.name!r} has no SQL for its {name} in hand-written statements")
        return self.sql_anchors[name]

    def condition(self, caller: Caller) -> Combinable | None:
        """The WHERE condition keeping the caller's rows; None when it sees them all."""
        return self.rules[caller.role].condition(self, caller)

    def restrict(self, query: Query, caller: Caller) -> Query:
        """`query` (a select, count or exists on this kind's table) narrowed to the caller's rows."""
        condition = self.condition(caller)
        return query if condition is None else query.where(condition)  # type: ignore[attr-defined]

    def sql_condition(self, caller: Caller, **columns: str) -> SqlCondition | None:
        """`condition` for a hand-written statement, which names the SQL of each anchor
        (`shop="s.code", vendor="v.code"`); None when the caller sees every row."""
        rule = self.rules[caller.role]
        missing = set(rule.needs) - set(columns)
        if missing:
            raise ValueError(f"kind {self.name!r}: the rule for {caller.role} needs the SQL of {sorted(missing)}")
        return rule.sql(self, caller, columns)

    def allows(self, caller: Caller, facts: Facts) -> bool:
        """Whether the caller sees a record with these facts: `condition` in Python."""
        return self.rules[caller.role].check(caller, facts)


KINDS: dict[str, Kind] = {}


def _kind(kind: Kind) -> Kind:
    if kind.name in KINDS:
        raise ValueError(f"kind {kind.name!r} is declared twice")
    KINDS[kind.name] = kind
    return kind


def of_contract(name: str, contract: Any) -> Kind:
    """A kind whose rows belong to one contract, reached by `contract`: the Contract table
    itself or a foreign key (chain) ending at it, e.g. `Invoice.contract`."""
    shop_code, vendor_code = contract.shop.code, contract.vendor.code
    return _kind(
        Kind(
            name,
            CONTRACT_RULES,
            {"shop": lambda codes: shop_code.is_in(codes), "vendor": lambda code: vendor_code == code},
            {"shop": _sql_one_of, "vendor": _sql_equal},
        )
    )


def _sql_one_of(column: str, values: list[Any]) -> SqlCondition:
    return SqlCondition(f"{column} IN ({', '.join('{}' for _ in values)})", tuple(values))


def _sql_equal(column: str, value: Any) -> SqlCondition:
    return SqlCondition(f"{column} = {{}}", (value,))


def _contracts_with(column: Any, condition: Combinable) -> Any:
    """Ids in `column` (Contract.shop or Contract.vendor) of the contracts meeting `condition`."""
    return Contract.select(column).where(condition)


def _audit_naming_shops(codes: Iterable[str]) -> Combinable:
    # Codes are stored space-padded; LIKE's wildcards are escaped ("_" may occur in a code).
    clause: Any = None
    for code in codes:
        match = WhereRaw("shop_codes LIKE {} ESCAPE '\\'", f"% {_like_literal(code)} %")
        clause = match if clause is None else clause | match
    return clause  # type: ignore[no-any-return]


def _audit_actions(prefixes: tuple[str, ...]) -> Combinable:
    clause: Any = None
    for prefix in prefixes:  # constants of this module, free of LIKE's wildcards
        match = AuditEvent.action.like(f"{prefix}%")
        clause = match if clause is None else clause | match
    return clause  # type: ignore[no-any-return]


def _like_literal(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


CONTRACTS = of_contract("contracts", Contract)
ACCOUNT_BINDINGS = of_contract("account_bindings", AccountBinding.contract)
DAILY_RECORDS = of_contract("daily_records", DailyRecord.contract)
REVISIONS = of_contract("daily_record_revisions", DailyRecordRevision.contract)
INCIDENTS = of_contract("incidents", Incident.contract)
INVOICES = of_contract("invoices", Invoice.contract)
SHOPS = _kind(
    Kind(
        "shops",
        CONTRACT_RULES,
        {
            "shop": lambda codes: Shop.code.is_in(codes),
            "vendor": lambda code: Shop.id.is_in(_contracts_with(Contract.shop, Contract.vendor.code == code)),
        },
    )
)
VENDORS = _kind(
    Kind(
        "vendors",
        CONTRACT_RULES,
        {
            "shop": lambda codes: Vendor.id.is_in(_contracts_with(Contract.vendor, Contract.shop.code.is_in(codes))),
            "vendor": lambda code: Vendor.code == code,
        },
    )
)
AUDIT_EVENTS = _kind(
    Kind(
        "audit_events",
        {"admin": EVERYTHING, "finance": BILLING_TRAIL, "shop_owner": THEIR_SHOPS, "vendor": THEIR_OWN_ACTIONS},
        {
            "shop": _audit_naming_shops,
            "user": lambda user_id: AuditEvent.actor_id == user_id,
            "action": _audit_actions,
        },
    )
)
