"""Note Station due dates in Home Assistant's terms: a date, or a date and time."""

from collections.abc import Iterable
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
    if todo.done or todo.due is None:
        return False
    due = due_for_home_assistant(todo.due)
    if isinstance(due, datetime):
        return due < now
    return due < dt_util.as_local(now).date()


def is_due_today(todo: Todo, now: datetime) -> bool:
    """Tell whether an open to-do is due on today's local date."""
    if todo.done or todo.due is None:
        return False
    return dt_util.as_local(todo.due).date() == dt_util.as_local(now).date()


def next_due_change(todos: Iterable[Todo], now: datetime) -> datetime:
    """Return when overdue or due-today counts next change without a NAS change.

    That is the next local midnight, or sooner the next due time still ahead.
    """
    midnight = dt_util.start_of_local_day(dt_util.as_local(now) + timedelta(days=1))
    ahead = (
        todo.due
        for todo in todos
        if not todo.done and todo.due is not None and todo.due > now
    )
    return min([midnight, *ahead])
