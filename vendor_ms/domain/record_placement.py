"""Placing daily records on their contracts (SPEC 3, 9.1): which binding of which contract each
account-day belongs to, or why it belongs to none.

Pure: the service reads the caller's bindings (`AccountTerm`) and today's date in each contract's
timezone; this decides. A record fits when its account is bound (in the caller's scope) on that
day, the day lies within the contract's term, and the day is not after today in the contract's
timezone (data about a day that has not happened is refused per row). An account outside the
caller's scope reads exactly like one that does not exist: `terms` holds only what the caller may
submit for, and the message is the same.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from vendor_ms.errors import FieldError
from vendor_ms.messages import Text


@dataclass(frozen=True, slots=True)
class AccountTerm:
    """One binding of an account to a contract, as the caller may submit for it."""

    account_id: int
    contract_id: int
    active_from: date
    active_to: date | None
    starts_on: date
    ends_on: date
    timezone: str = "Asia/Shanghai"  # the contract's: "today" is read there

    def covers(self, day: date) -> bool:
        return self.active_from <= day and (self.active_to is None or day <= self.active_to)


def place_records(
    keys: Sequence[tuple[str, date]],
    rows: Sequence[int],
    terms: Mapping[str, Sequence[AccountTerm]],
    today: Mapping[str, date],
    *,
    account_field: str = "account",
    date_field: str = "date",
) -> tuple[list[tuple[int, int]], list[FieldError]]:
    """(account_id, contract_id) for every record, or the errors of those that fit no binding.

    `today` is today's date in each timezone the terms name. `account_field` and `date_field`
    are those columns as the input named them, for the messages.
    """
    placed: list[tuple[int, int]] = []
    errors: list[FieldError] = []
    # Most accounts have one binding: its valid days are one range, checked inline.
    single: dict[str, tuple[date, date, tuple[int, int]]] = {
        code: (
            max(t.active_from, t.starts_on),
            min(t.active_to or date.max, t.ends_on, today[t.timezone]),
            (t.account_id, t.contract_id),
        )
        for code, bindings in terms.items()
        if len(bindings) == 1
        for t in bindings
    }
    for key, row in zip(keys, rows, strict=True):
        fast = single.get(key[0])
        if fast is not None and fast[0] <= key[1] <= fast[1]:
            placed.append(fast[2])
            continue
        error = _placement_error(key[0], key[1], terms.get(key[0]) or (), today)
        if error is None:
            term = next(t for t in terms[key[0]] if t.covers(key[1]))
            placed.append((term.account_id, term.contract_id))
        else:
            field, message = error
            errors.append(FieldError(account_field if field == "account" else date_field, message, row))
    return placed, errors


def _placement_error(
    code: str, day: date, bindings: Sequence[AccountTerm], today: Mapping[str, date]
) -> tuple[str, Text] | None:
    open_end = Text("date.open_end")
    if not bindings:
        return "account", Text("account.unknown", account=code)
    term = next((t for t in bindings if t.covers(day)), None)
    if term is None:
        spans = [
            Text("date.span", start=t.active_from.isoformat(), end=t.active_to.isoformat() if t.active_to else open_end)
            for t in bindings
        ]
        return "date", Text("date.outside_binding", day=day.isoformat(), account=code, spans=spans)
    if not term.starts_on <= day <= term.ends_on:
        return "date", Text(
            "date.outside_term", day=day.isoformat(), start=term.starts_on.isoformat(), end=term.ends_on.isoformat()
        )
    if day > today[term.timezone]:
        return "date", Text(
            "date.after_today", day=day.isoformat(), today=today[term.timezone].isoformat(), timezone=term.timezone
        )
    return None
