"""Response Structs of the performance feature (the request shapes live in domain.performance)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

import msgspec

from vendor_ms.domain.metrics import METRIC_NAMES, PerformanceTotals
from vendor_ms.domain.performance import DailyValuesOut

Source = Literal["vendor", "platform_export"]
MetricsGroup = Literal["total", "day", "account"]


class IngestOut(msgspec.Struct):
    """What a batch did: account-days new, given a new revision, or equal to their latest revision."""

    batch_id: int
    inserted: int
    revised: int
    unchanged: int


class RevisionOut(msgspec.Struct, kw_only=True):
    revision: int
    latest: bool
    batch_id: int
    submitted_by: str
    source: Source
    submitted_at: datetime
    contract: str
    values: DailyValuesOut  # type: ignore[valid-type]


# Each metric of SPEC section 3 as a decimal string with 6 places, null when undefined.
MetricValuesOut: type[msgspec.Struct] = msgspec.defstruct(
    "MetricValues", [(name, str | None) for name in METRIC_NAMES], kw_only=True
)


class MetricsRow(msgspec.Struct, kw_only=True, omit_defaults=True):
    """Sums and metrics of one group: the whole range, one day, or one account."""

    day: date | None = None
    account: str | None = None
    totals: PerformanceTotals
    metrics: MetricValuesOut  # type: ignore[valid-type]


class ContractMetricsOut(msgspec.Struct, kw_only=True):
    contract: str
    from_: date = msgspec.field(name="from")
    to: date
    group: MetricsGroup
    rows: list[MetricsRow]
