"""Note Station due dates in Home Assistant's terms: a date, or a date and time."""

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta

from homeassistant.util import dt as dt_util

from custom_components.synology_native.api.notestation import Todo


def due_for_home_assistant(due: datetime) -> date | datetime:
    """Read a due time DSM keeps as one epoch second.

    INFERRED: DSM does not say whether a to-do is due on a day or at a time, so a due
    time at local midnight reads as a date (and a date is written as local midnight).
    """
    local = dt_util.as_local(due)
    return local.date() if local.time() == time() else local


def due_for_dsm(due: date | datetime) -> datetime:
    """Write a date as its local midnight, and a date and time as it is."""
    if isinstance(due, datetime):
        return dt_util.as_local(due)
    return dt_util.start_of_local_day(due)


def is_overdue(todo: Todo, now: datetime) -> bool:
    """Tell whether an open to-do is past due: a date once that day is over."""
    return not todo.done and todo.due is not None and _past_due(todo.due, now)


def is_due_today(todo: Todo, now: datetime) -> bool:
    """Tell whether an open to-do is due on today's local date."""
    return not todo.done and todo.due is not None and _due_today(todo.due, now)


def _past_due(due: datetime, now: datetime) -> bool:
    read = due_for_home_assistant(due)
    if isinstance(read, datetime):
        return read < now
    return read < dt_util.as_local(now).date()


def _due_today(due: datetime, now: datetime) -> bool:
    return dt_util.as_local(due).date() == dt_util.as_local(now).date()


def open_dues(todos: Iterable[Todo]) -> tuple[datetime, ...]:
    """Return the due times of the open to-dos that have one, soonest first."""
    return tuple(
        sorted(todo.due for todo in todos if not todo.done and todo.due is not None)
    )


# Longer than a local day plus any clock change: a due time further from now is
# surely on another day, so only the few due closer are tested one by one (the
# counts are read on the event loop, among thousands of to-dos).
_NEAR_NOW = timedelta(days=2)


def _near_now(dues: Sequence[datetime], now: datetime) -> tuple[int, int]:
    return bisect_left(dues, now - _NEAR_NOW), bisect_right(dues, now + _NEAR_NOW)


def count_overdue(dues: Sequence[datetime], now: datetime) -> int:
    """Count the overdue among open to-dos' due times (sorted, see open_dues)."""
    start, end = _near_now(dues, now)
    # Every one due before the days near now is overdue, none after them.
    return start + sum(1 for due in dues[start:end] if _past_due(due, now))


def count_due_today(dues: Sequence[datetime], now: datetime) -> int:
    """Count the due today among open to-dos' due times (sorted, see open_dues)."""
    start, end = _near_now(dues, now)
    return sum(1 for due in dues[start:end] if _due_today(due, now))


def next_due_change(dues: Sequence[datetime], now: datetime) -> datetime:
    """Return when overdue or due-today counts next change without a NAS change.

    That is the next local midnight, or sooner the next due time still ahead
    (dues: open to-dos' due times, sorted, see open_dues).
    """
    midnight = dt_util.start_of_local_day(dt_util.as_local(now) + timedelta(days=1))
    ahead = bisect_right(dues, now)
    return midnight if ahead == len(dues) else min(midnight, dues[ahead])
