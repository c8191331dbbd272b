"""The scorecard of a contract document (SPEC 4, 5.4, 12.1, 15): its items and their validation.

An item has a `kind`:
- `metric` (the default, and the only kind in v1): `bands` map the metric's value to points,
  `red_lines` cost a share of the service charges, and `daily_red_lines` (SPEC 12.1) cost a fixed
  amount per day on which the metric of that day alone breaches them;
- `graded`: `grades` a manager gives per period (`{ grade = "优", points = 20 }`);
- `deductions`: starts at `max_points` and loses each recorded event's points
  (`{ event = "late", label = "迟到", points = 5 }`).

Choices where the spec is silent:
- `name` defaults to the metric's name; graded and deductions items have no metric, so they must
  be named. Names (as given or defaulted) are unique within the scorecard, compared exactly.
- Two metric items on the same metric stay an error, as in v1.
- A grade is a short text (1–20 characters), unique within its item; an event is a code
  (letters, digits, `._:-`, as account codes) that incidents name, unique within its item, with
  a `label` (1–200 characters) that documents print.
- Points of grades and events are 0–10,000 and `max_points` of a deductions item 1–10,000 (SPEC 14:
  every count has a bound). An event may cost more than its item's `max_points`: the item is
  floored at 0 when scored (SPEC 15).
- A field that does not belong to the item's kind (bands on a graded item, grades on a metric
  item, ...) is an error where it is written, not ignored. An empty list counts as not written.

Billing (v1) evaluates only `metric_items`; graded and deductions items are scored by SPEC 15's
rules, which later work adds. `Scorecard.deduction_event` is the check incidents naming an `item`
and an `event` go through.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, ClassVar, Literal

import msgspec

from vendor_ms.domain.document_base import AddedDocStruct, DocStruct, Problems, in_unit
from vendor_ms.domain.metrics import METRICS, MetricName
from vendor_ms.errors import FieldError, ValidationFailed
from vendor_ms.messages import Text

ItemKind = Literal["metric", "graded", "deductions"]
ItemName = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
GradeText = Annotated[str, msgspec.Meta(min_length=1, max_length=20)]
EventCode = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:\-]{0,63}$", max_length=64)]
EventLabel = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
POINTS_LIMIT = 10_000


class Band(DocStruct, kw_only=True):
    at_least: Decimal | None = None
    at_most: Decimal | None = None
    points: int

    @property
    def threshold(self) -> Decimal:
        value = self.at_least if self.at_least is not None else self.at_most
        assert value is not None
        return value


class RedLine(DocStruct, kw_only=True):
    below: Decimal | None = None
    above: Decimal | None = None
    penalty_rate: Decimal

    @property
    def threshold(self) -> Decimal:
        value = self.below if self.below is not None else self.above
        assert value is not None
        return value


class DailyRedLine(AddedDocStruct, kw_only=True):
    """SPEC 12.1: breached on a day when that day's value alone is below / above the threshold."""

    below: Decimal | None = None
    above: Decimal | None = None
    penalty_per_day: Decimal

    @property
    def threshold(self) -> Decimal:
        value = self.below if self.below is not None else self.above
        assert value is not None
        return value


class Grade(AddedDocStruct, kw_only=True):
    grade: GradeText
    points: int


class DeductionEvent(AddedDocStruct, kw_only=True):
    event: EventCode
    label: EventLabel
    points: int


class ScorecardItem(DocStruct, kw_only=True):
    omitted_at_default: ClassVar[frozenset[str]] = frozenset(
        {"name", "kind", "metric", "daily_red_lines", "grades", "max_points", "events"}
    )

    name: ItemName | None = None
    kind: ItemKind = "metric"
    metric: MetricName | None = None
    bands: list[Band] = msgspec.field(default_factory=list)
    red_lines: list[RedLine] = msgspec.field(default_factory=list)
    daily_red_lines: list[DailyRedLine] = msgspec.field(default_factory=list)
    grades: list[Grade] = msgspec.field(default_factory=list)
    max_points: int | None = None  # deductions items only: the points they start from
    events: list[DeductionEvent] = msgspec.field(default_factory=list)

    @property
    def effective_name(self) -> str:
        """The item's name as written, else its metric's name."""
        return self.name if self.name is not None else (self.metric or "")

    @property
    def full_points(self) -> int:
        """The most points the item can give: its best band, its best grade, or `max_points`."""
        if self.kind == "graded":
            return max((g.points for g in self.grades), default=0)
        if self.kind == "deductions":
            return self.max_points or 0
        return max((b.points for b in self.bands), default=0)


@dataclass(frozen=True, slots=True)
class MetricItem:
    """A `metric` item seen with its metric known: what billing evaluates (SPEC 5.4, 12.1)."""

    name: str
    metric: str
    bands: list[Band]
    red_lines: list[RedLine]
    daily_red_lines: list[DailyRedLine]

    @property
    def max_points(self) -> int:
        return max((b.points for b in self.bands), default=0)


class Scorecard(DocStruct, kw_only=True):
    bonus_pool: Decimal = Decimal("0")
    pass_ratio: Decimal = Decimal("0")
    items: list[ScorecardItem] = msgspec.field(default_factory=list)

    @property
    def metric_items(self) -> tuple[MetricItem, ...]:
        """The items of kind `metric`, in the order written (graded and deductions items left out)."""
        return tuple(
            MetricItem(item.effective_name, item.metric, item.bands, item.red_lines, item.daily_red_lines)
            for item in self.items
            if item.kind == "metric" and item.metric is not None
        )

    def item(self, name: str) -> ScorecardItem | None:
        return next((i for i in self.items if i.effective_name == name), None)

    def deduction_event(self, item: str, event: str) -> DeductionEvent:
        """The event `event` of the deductions item named `item`; ValidationFailed (fields `item`,
        `event`) when the scorecard has no such item or the item lists no such event."""
        found = self.item(item)
        if found is None or found.kind != "deductions":
            names: list[str | Text] = [i.effective_name for i in self.items if i.kind == "deductions"]
            names = names or [Text("scorecard.none")]
            raise ValidationFailed([FieldError("item", Text("scorecard.no_deductions_item", item=item, names=names))])
        for candidate in found.events:
            if candidate.event == event:
                return candidate
        listed = [e.event for e in found.events]
        raise ValidationFailed([FieldError("event", Text("scorecard.no_event", item=item, event=event, events=listed))])


# ---------------------------------------------------------------------------------------------
# validation

# Which fields each kind may carry, beyond name and kind (an empty list counts as not written).
_FIELDS_OF_KIND: dict[str, frozenset[str]] = {
    "metric": frozenset({"metric", "bands", "red_lines", "daily_red_lines"}),
    "graded": frozenset({"grades"}),
    "deductions": frozenset({"max_points", "events"}),
}
_KIND_FIELDS = ("metric", "bands", "red_lines", "daily_red_lines", "grades", "max_points", "events")


def check_scorecard(s: Scorecard, problems: Problems) -> None:
    problems.money("scorecard.bonus_pool", s.bonus_pool)
    problems.rate("scorecard.pass_ratio", s.pass_ratio)
    seen_metrics: set[str] = set()
    seen_names: set[str] = set()
    for i, item in enumerate(s.items):
        path = f"scorecard.items[{i}]"
        duplicate_metric = item.metric is not None and item.kind == "metric" and item.metric in seen_metrics
        if duplicate_metric:
            problems.add(f"{path}.metric", Text("scorecard.duplicate_metric", metric=item.metric))
        if item.metric is not None and item.kind == "metric":
            seen_metrics.add(item.metric)
        name = item.effective_name
        # An unnamed item repeating a metric is already reported above, as in v1.
        if name and name in seen_names and not (duplicate_metric and item.name is None):
            problems.add(f"{path}.name", Text("scorecard.duplicate_name", name=name))
        seen_names.add(name)
        for field in _KIND_FIELDS:
            if field not in _FIELDS_OF_KIND[item.kind] and getattr(item, field) not in (None, []):
                problems.add(f"{path}.{field}", Text("scorecard.not_of_kind", kind=item.kind))
        if item.kind == "metric":
            _check_metric_item(item, path, problems)
        else:
            if item.name is None:
                problems.add(f"{path}.name", Text("scorecard.name_required", kind=item.kind))
            if item.kind == "graded":
                _check_graded_item(item, path, problems)
            else:
                _check_deductions_item(item, path, problems)


def _check_metric_item(item: ScorecardItem, path: str, problems: Problems) -> None:
    if item.metric is None:
        problems.add(f"{path}.metric", Text("scorecard.metric_required"))
        return
    is_rate = METRICS[item.metric].is_rate
    bound = Text("doc.rate" if is_rate else "doc.not_negative")

    def threshold(where: str, value: Decimal) -> None:
        if (is_rate and not in_unit(value)) or value < 0:
            problems.add(where, bound)

    _check_bands(item.bands, path, threshold, problems)
    for j, line in enumerate(item.red_lines):
        rpath = f"{path}.red_lines[{j}]"
        if (line.below is None) == (line.above is None):
            problems.add(rpath, Text("scorecard.below_or_above"))
            continue
        threshold(f"{rpath}.{'below' if line.below is not None else 'above'}", line.threshold)
        problems.rate(f"{rpath}.penalty_rate", line.penalty_rate)
    for j, daily in enumerate(item.daily_red_lines):
        dpath = f"{path}.daily_red_lines[{j}]"
        if (daily.below is None) == (daily.above is None):
            problems.add(dpath, Text("scorecard.below_or_above"))
        else:
            threshold(f"{dpath}.{'below' if daily.below is not None else 'above'}", daily.threshold)
        problems.money(f"{dpath}.penalty_per_day", daily.penalty_per_day)


def _check_bands(bands: list[Band], path: str, threshold: Callable[[str, Decimal], None], problems: Problems) -> None:
    directions: set[str] = set()
    previous: Decimal | None = None
    for j, band in enumerate(bands):
        bpath = f"{path}.bands[{j}]"
        if (band.at_least is None) == (band.at_most is None):
            problems.add(bpath, Text("scorecard.least_or_most"))
            continue
        key = "at_least" if band.at_least is not None else "at_most"
        directions.add(key)
        threshold(f"{bpath}.{key}", band.threshold)
        if band.points < 0:
            problems.add(f"{bpath}.points", Text("scorecard.points_negative"))
        if previous is not None and len(directions) == 1:
            # The first band met wins, so a later band must be harder to miss than the one before.
            in_order = band.threshold < previous if key == "at_least" else band.threshold > previous
            if not in_order:
                order = "scorecard.bands_descending" if key == "at_least" else "scorecard.bands_ascending"
                problems.add(f"{bpath}.{key}", Text(order, key=key))
        previous = band.threshold
    if len(directions) > 1:
        problems.add(f"{path}.bands", Text("scorecard.bands_mixed"))


def _check_graded_item(item: ScorecardItem, path: str, problems: Problems) -> None:
    if not item.grades:
        problems.add(f"{path}.grades", Text("scorecard.grades_required"))
    seen: set[str] = set()
    for j, grade in enumerate(item.grades):
        gpath = f"{path}.grades[{j}]"
        if grade.grade in seen:
            problems.add(f"{gpath}.grade", Text("scorecard.duplicate_grade", grade=grade.grade))
        seen.add(grade.grade)
        problems.within(f"{gpath}.points", grade.points, 0, POINTS_LIMIT)


def _check_deductions_item(item: ScorecardItem, path: str, problems: Problems) -> None:
    if item.max_points is None:
        problems.add(f"{path}.max_points", Text("scorecard.max_points_required"))
    else:
        problems.within(f"{path}.max_points", item.max_points, 1, POINTS_LIMIT)
    if not item.events:
        problems.add(f"{path}.events", Text("scorecard.events_required"))
    seen: set[str] = set()
    for j, event in enumerate(item.events):
        epath = f"{path}.events[{j}]"
        if event.event in seen:
            problems.add(f"{epath}.event", Text("scorecard.duplicate_event", event=event.event))
        seen.add(event.event)
        problems.within(f"{epath}.points", event.points, 0, POINTS_LIMIT)
