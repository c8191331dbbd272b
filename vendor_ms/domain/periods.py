"""Billing periods: a calendar month (`2026-10`), an ISO week (`2026-W44`) or a day (`2026-10-31`).

Dates are local dates in the contract's timezone, so a period is just an inclusive date range.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

BillingCycle = Literal["monthly", "weekly", "daily"]

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


@dataclass(frozen=True, slots=True, order=True)
class Period:
    start: date
    end: date  # inclusive
    cycle: BillingCycle
    label: str

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    def active_days(self, starts_on: date, ends_on: date) -> int:
        """Days of the period inside the contract term [starts_on, ends_on]."""
        first = max(self.start, starts_on)
        last = min(self.end, ends_on)
        return max((last - first).days + 1, 0)

    def previous(self) -> Period:
        return period_containing(self.start - timedelta(days=1), self.cycle)

    def next(self) -> Period:
        return period_containing(self.end + timedelta(days=1), self.cycle)

    def __str__(self) -> str:
        return self.label


def parse_period(text: str) -> Period:
    """Parse `2026-10`, `2026-W44` or `2026-10-31`; raises ValueError with a readable reason."""
    text = text.strip()
    if m := _MONTH.match(text):
        year, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            raise ValueError(f"{text!r}: month must be 01..12")
        return month_period(year, month)
    if m := _WEEK.match(text):
        year, week = int(m[1]), int(m[2])
        try:
            monday = date.fromisocalendar(year, week, 1)
        except ValueError:
            raise ValueError(f"{text!r}: {year} has no ISO week {week}") from None
        return week_period(monday)
    if m := _DAY.match(text):
        try:
            day = date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError as exc:
            raise ValueError(f"{text!r}: {exc}") from None
        return day_period(day)
    raise ValueError(f"{text!r} is not a period: use YYYY-MM, YYYY-Www or YYYY-MM-DD")


def month_period(year: int, month: int) -> Period:
    last = calendar.monthrange(year, month)[1]
    return Period(date(year, month, 1), date(year, month, last), "monthly", f"{year:04d}-{month:02d}")


def week_period(day: date) -> Period:
    iso = day.isocalendar()
    monday = day - timedelta(days=iso.weekday - 1)
    return Period(monday, monday + timedelta(days=6), "weekly", f"{iso.year:04d}-W{iso.week:02d}")


def day_period(day: date) -> Period:
    return Period(day, day, "daily", day.isoformat())


def period_containing(day: date, cycle: BillingCycle) -> Period:
    if cycle == "monthly":
        return month_period(day.year, day.month)
    if cycle == "weekly":
        return week_period(day)
    return day_period(day)
