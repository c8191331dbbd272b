"""Piccolo tables of vendor-ms.

Money is never stored as Numeric (SQLite would keep a float): amounts are integer fen
(`*_fen` BigInt columns), and documents (contract versions, invoice lines, input snapshots)
are JSON text whose decimals are strings. Composite unique keys that Piccolo cannot declare
are created by raw SQL in the migrations (see `migrations/`).
"""

from __future__ import annotations

from typing import TypeVar

from piccolo.columns import (
    BigInt,
    Bytea,
    Date,
    ForeignKey,
    Integer,
    OnDelete,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from vendor_ms import clock


class ClockNow(TimestamptzNow):
    """`now` from vendor-ms's clock (`vendor_ms.clock`), so that rows written while a test or a tool
    sets the time carry that time; the column's SQL default stays `current_timestamp`."""

    def python(self):  # type: ignore[no-untyped-def]
        return clock.now()


class Shop(Table, tablename="shops"):
    id = Serial(primary_key=True)
    code = Varchar(length=64, unique=True, index=True)
    name = Varchar(length=200)
    platform = Varchar(length=20)
    category = Varchar(length=200, index=True)
    created_at = Timestamptz(default=ClockNow())


class Vendor(Table, tablename="vendors"):
    id = Serial(primary_key=True)
    code = Varchar(length=64, unique=True, index=True)
    name = Varchar(length=200)
    created_at = Timestamptz(default=ClockNow())


class Contract(Table, tablename="contracts"):
    """A contract; the columns mirror its latest version for listing and scoping."""

    id = Serial(primary_key=True)
    code = Varchar(length=64, unique=True, index=True)
    shop = ForeignKey[Shop](Shop, on_delete=OnDelete.restrict, index=True)
    vendor = ForeignKey[Vendor](Vendor, on_delete=OnDelete.restrict, index=True)
    title = Varchar(length=200)
    scope = Varchar(length=20)
    billing_cycle = Varchar(length=10)
    starts_on = Date()
    ends_on = Date()
    timezone = Varchar(length=64)
    current_version = Integer(default=1)
    created_at = Timestamptz(default=ClockNow())
    updated_at = Timestamptz(default=ClockNow())


class ContractVersion(Table, tablename="contract_versions"):
    """One version of a contract document; an amendment adds a version effective from a date."""

    id = Serial(primary_key=True)
    contract = ForeignKey[Contract](Contract, on_delete=OnDelete.cascade, index=True)
    version = Integer()
    effective_from = Date()
    document = Text()  # canonical JSON of the ContractDocument
    document_sha256 = Varchar(length=64)
    created_at = Timestamptz(default=ClockNow())
    created_by = Varchar(length=100, default="")


class Account(Table, tablename="accounts"):
    """An outsourced customer-service login (客服外包账号) on a platform."""

    id = Serial(primary_key=True)
    code = Varchar(length=64, unique=True, index=True)
    created_at = Timestamptz(default=ClockNow())


class AccountBinding(Table, tablename="account_bindings"):
    """The account serves this contract from active_from to active_to (inclusive, open when null)."""

    id = Serial(primary_key=True)
    account = ForeignKey[Account](Account, on_delete=OnDelete.cascade, index=True)
    contract = ForeignKey[Contract](Contract, on_delete=OnDelete.cascade, index=True)
    active_from = Date()
    active_to = Date(null=True, default=None)


class User(Table, tablename="users"):
    id = Serial(primary_key=True)
    name = Varchar(length=100, unique=True)
    role = Varchar(length=20)  # admin | shop_owner | vendor | finance
    vendor_code = Varchar(length=64, null=True, default=None)
    created_at = Timestamptz(default=ClockNow())
    # argon2id hash (PHC string) of the sign-in password; null: the user signs in with tokens only
    password_hash = Varchar(length=200, null=True, default=None)


class UserShop(Table, tablename="user_shops"):
    """A shop (by code, which may not exist yet) that a shop owner acts for."""

    id = Serial(primary_key=True)
    owner = ForeignKey[User](User, on_delete=OnDelete.cascade, index=True)
    shop_code = Varchar(length=64)


class ApiToken(Table, tablename="api_tokens"):
    """A bearer token. Only the SHA-256 of the secret is stored; the secret is shown once."""

    id = Serial(primary_key=True)
    owner = ForeignKey[User](User, on_delete=OnDelete.cascade, index=True)
    token_hash = Varchar(length=64, unique=True, index=True)
    prefix = Varchar(length=16)  # the first characters, so people can tell tokens apart
    label = Varchar(length=100, default="")
    created_at = Timestamptz(default=ClockNow())
    expires_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)
    last_used_at = Timestamptz(null=True, default=None)


class AuditEvent(Table, tablename="audit_events"):
    """Who did what, when, to which records. Shop and vendor codes make it scopable."""

    id = Serial(primary_key=True)
    at = Timestamptz(default=ClockNow(), index=True)
    actor_id = Integer(null=True, default=None)
    actor_name = Varchar(length=100)
    actor_role = Varchar(length=20)
    action = Varchar(length=50, index=True)
    entity = Varchar(length=50)
    entity_ref = Varchar(length=200, default="")
    shop_codes = Text(default="")  # space-separated codes the event concerns
    vendor_codes = Text(default="")
    detail = Text(default="{}")  # JSON


class LoginFailure(Table, tablename="login_failures"):
    """A failed sign-in for a user name (known or not): what the lockout counts."""

    id = Serial(primary_key=True)
    user_name = Varchar(length=100, index=True)
    at = Timestamptz(default=ClockNow())


class WebStoreEntry(Table, tablename="web_store"):
    """Litestar's key-value store on the database (web sessions, the web app's secret), so every
    server worker sees the same sessions."""

    id = Serial(primary_key=True)
    key = Varchar(length=200, unique=True, index=True)  # "<namespace>:<key>"
    value = Bytea()
    expires_at = Timestamptz(null=True, default=None)


class IngestBatch(Table, tablename="ingest_batches"):
    """One submission of performance data; every revision points at its batch."""

    id = Serial(primary_key=True)
    submitted_at = Timestamptz(default=ClockNow())
    submitted_by = ForeignKey[User](User, on_delete=OnDelete.restrict, null=True)
    submitter_name = Varchar(length=100)
    source = Varchar(length=20)  # vendor | platform_export
    idempotency_key = Varchar(length=200, null=True, default=None)  # unique per submitter
    content_sha256 = Varchar(length=64, index=True)
    records = Integer(default=0)
    inserted = Integer(default=0)
    revised = Integer(default=0)
    unchanged = Integer(default=0)


class DailyRecordRevision(Table, tablename="daily_record_revisions"):
    """Every revision ever submitted of one account-day. Append-only."""

    id = Serial(primary_key=True)
    batch = ForeignKey[IngestBatch](IngestBatch, on_delete=OnDelete.restrict, index=True)
    account = ForeignKey[Account](Account, on_delete=OnDelete.restrict)
    contract = ForeignKey[Contract](Contract, on_delete=OnDelete.restrict)
    day = Date()
    revision = Integer()
    submitted_at = Timestamptz(default=ClockNow())
    consultations = BigInt()
    unanswered_3min = BigInt()
    answered_30s = BigInt()
    response_ms_total = BigInt()  # response_seconds_total in milliseconds, exact
    responses = BigInt()
    inquiries = BigInt()
    paid_buyers = BigInt()
    sales_fen = BigInt()  # sales_amount in fen, exact
    orders = BigInt()
    dispute_refunds = BigInt()
    surveys = BigInt()
    satisfied = BigInt()


class DailyRecord(Table, tablename="daily_records"):
    """The latest revision of each account-day: what metrics and billing read.

    Written only by ingestion, together with the revision it copies; on PostgreSQL its references
    are checked on daily_record_revisions alone (migration 2026-11-23T05:00).
    """

    id = Serial(primary_key=True)
    account = ForeignKey[Account](Account, on_delete=OnDelete.restrict)
    contract = ForeignKey[Contract](Contract, on_delete=OnDelete.restrict)
    day = Date()
    revision = Integer()
    batch = ForeignKey[IngestBatch](IngestBatch, on_delete=OnDelete.restrict)
    updated_at = Timestamptz(default=ClockNow())
    consultations = BigInt()
    unanswered_3min = BigInt()
    answered_30s = BigInt()
    response_ms_total = BigInt()
    responses = BigInt()
    inquiries = BigInt()
    paid_buyers = BigInt()
    sales_fen = BigInt()
    orders = BigInt()
    dispute_refunds = BigInt()
    surveys = BigInt()
    satisfied = BigInt()


class Incident(Table, tablename="incidents"):
    """考核事件: complaint, praise, violation or QA inspection, counted in its date's period."""

    id = Serial(primary_key=True)
    contract = ForeignKey[Contract](Contract, on_delete=OnDelete.restrict, index=True)
    day = Date()
    account = ForeignKey[Account](Account, on_delete=OnDelete.restrict, null=True)
    kind = Varchar(length=20)
    points = Integer(default=0)
    penalty_fen = BigInt(null=True, default=None)
    note = Text(default="")
    evidence_url = Text(default="")
    created_at = Timestamptz(default=ClockNow())
    created_by = Varchar(length=100, default="")


class BillingRun(Table, tablename="billing_runs"):
    id = Serial(primary_key=True)
    period = Varchar(length=12, index=True)
    started_at = Timestamptz(default=ClockNow())
    finished_at = Timestamptz(null=True, default=None)
    started_by = Varchar(length=100, default="")
    contracts = Integer(default=0)
    drafts = Integer(default=0)
    skipped_issued = Integer(default=0)


class Invoice(Table, tablename="invoices"):
    """An invoice or credit note for one contract and period; amounts in fen, documents as JSON."""

    id = Serial(primary_key=True)
    contract = ForeignKey[Contract](
        Contract, on_delete=OnDelete.restrict
    )  # indexed with period (invoices_contract_period)
    contract_version = Integer()
    period = Varchar(length=12, index=True)
    period_start = Date()
    period_end = Date()
    status = Varchar(length=10)  # draft | issued | paid | void (four values: an index would not help)
    kind = Varchar(length=12)  # invoice | credit_note
    number = Varchar(length=20, null=True, default=None, unique=True)
    billing_run = ForeignKey[BillingRun](BillingRun, on_delete=OnDelete.set_null, null=True)
    credit_note_for: ForeignKey[Invoice] = ForeignKey("self", on_delete=OnDelete.restrict, null=True)
    service_charges_fen = BigInt(default=0)
    bonus_fen = BigInt(default=0)
    penalties_fen = BigInt(default=0)
    adjustments_fen = BigInt(default=0)
    net_before_adjustments_fen = BigInt(default=0)
    net_fen = BigInt(default=0)
    tax_fen = BigInt(default=0)
    total_fen = BigInt(default=0)
    lines = Text(default="[]")
    inputs = Text(default="{}")
    inputs_sha256 = Varchar(length=64, default="")
    pdf = Bytea(null=True, default=None)
    pdf_sha256 = Varchar(length=64, null=True, default=None)
    created_at = Timestamptz(default=ClockNow())
    issued_at = Timestamptz(null=True, default=None)
    issued_by = Varchar(length=100, default="")
    paid_at = Timestamptz(null=True, default=None)
    voided_at = Timestamptz(null=True, default=None)
    void_reason = Text(default="")


class InvoiceAdjustment(Table, tablename="invoice_adjustments"):
    """An adjustment line of `invoice` that corrects what was billed for `target` (SPEC 5.8)."""

    id = Serial(primary_key=True)
    invoice = ForeignKey[Invoice](Invoice, on_delete=OnDelete.cascade, index=True)
    target = ForeignKey[Invoice](Invoice, on_delete=OnDelete.restrict, index=True)
    amount_fen = BigInt()


class InvoiceSequence(Table, tablename="invoice_sequences"):
    """The gapless yearly invoice number counter; bumped inside the issuing transaction."""

    id = Serial(primary_key=True)
    year = Integer(unique=True)
    last_number = Integer(default=0)


TABLES: tuple[type[Table], ...] = (
    Shop,
    Vendor,
    Contract,
    ContractVersion,
    Account,
    AccountBinding,
    User,
    UserShop,
    ApiToken,
    AuditEvent,
    LoginFailure,
    WebStoreEntry,
    IngestBatch,
    DailyRecordRevision,
    DailyRecord,
    Incident,
    BillingRun,
    Invoice,
    InvoiceAdjustment,
    InvoiceSequence,
)


T = TypeVar("T", bound=Table)


def via(column: object, table: type[T]) -> ForeignKey[T]:
    """A foreign key reached through another one, typed as the foreign key to `table` it is.

    Piccolo types the columns of a joined table as plain `Column`, so `Invoice.contract.shop.code`
    does not type-check; `via(Invoice.contract.shop, Shop).code` does. `table` is for the type
    checker: the path itself is Piccolo's, as written.
    """
    if not isinstance(column, ForeignKey):
        raise TypeError(f"{column!r} is not a foreign key (to {table.__name__})")
    return column
