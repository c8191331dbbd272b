"""What time it is: the one place vendor-ms reads the wall clock.

Invoice numbers take their year from the issue date, billing refuses periods that have not
ended, performance data may not be dated after today: all of it depends on "now". Services ask
this module (`now()`, `today(tz)`), never `datetime.now()` directly (ruff bans it elsewhere), so
tests and tools can set the time the product runs at: `use(FixedClock(...))` for one block,
`install(...)` for the process.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

# Invoice numbers' yearly sequence follows the Chinese calendar year (SPEC 5: VMS-2026-000042).
NUMBERING_TIMEZONE = ZoneInfo("Asia/Shanghai")


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware (UTC)."""
        ...


class SystemClock:
    """The machine's clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)  # noqa: TID251 - the one sanctioned read of the wall clock


class FixedClock:
    """A clock that stands still at `at` until moved with `advance` or `set`."""

    def __init__(self, at: datetime) -> None:
        self.set(at)

    def set(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("a clock's time must be timezone-aware")
        self._at = at.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        self._at += delta

    def now(self) -> datetime:
        return self._at


class ShiftedClock:
    """The machine's clock moved so that it read `start` when this clock was made: it ticks."""

    def __init__(self, start: datetime, base: Clock | None = None) -> None:
        self._base = base or SystemClock()
        self._offset = start.astimezone(UTC) - self._base.now()

    def now(self) -> datetime:
        return self._base.now() + self._offset


_current: Clock = SystemClock()


def now() -> datetime:
    """The current instant (UTC, aware) on the installed clock."""
    return _current.now()


def today(timezone: str | ZoneInfo) -> date:
    """Today's local date in `timezone` (a contract's, say)."""
    zone = timezone if isinstance(timezone, ZoneInfo) else ZoneInfo(timezone)
    return _current.now().astimezone(zone).date()


def numbering_year(at: datetime) -> int:
    """The year of the invoice-number sequence an issue at `at` takes (Asia/Shanghai)."""
    return at.astimezone(NUMBERING_TIMEZONE).year


def install_from_settings(start: datetime | None) -> None:
    """`VENDOR_MS_NOW` (settings.now): run the process as if the clock read `start` now."""
    if start is not None:
        install(ShiftedClock(start))


def install(clock: Clock) -> Clock:
    """Make `clock` the process's clock; returns the one it replaces."""
    global _current
    previous, _current = _current, clock
    return previous


@contextmanager
def use(clock: Clock) -> Iterator[Clock]:
    """Run a block on `clock`, then put the previous one back."""
    previous = install(clock)
    try:
        yield clock
    finally:
        install(previous)
