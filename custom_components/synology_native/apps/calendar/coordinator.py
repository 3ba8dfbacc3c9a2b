"""Synology Calendar in the entry's poll: calendars, task lists, events, tasks.

Each cycle's reads join the entry's one request (see coordinator.py): both calendar
lists, the events in the window of the calendars known at the last cycle, and their
tasks. Only when the set of calendars changed on the NAS does a second request read
the new set's events and tasks.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, override

from homeassistant.util import dt as dt_util

from custom_components.synology_native.api import CallResult
from custom_components.synology_native.api.calendar import (
    CalendarKind,
    CalEvent,
    CalTask,
    SynoCalendar,
    SynoCalendarApi,
    calendar_list_call,
    event_list_call,
    event_list_window,
    parse_calendars,
    parse_events,
    parse_tasks,
    task_list_call,
)
from custom_components.synology_native.api.system import DsmApp
from custom_components.synology_native.coordinator import (
    NasCoordinator,
    PolledAppCoordinator,
)
from custom_components.synology_native.data import AppKey, PolledApp

if TYPE_CHECKING:
    from custom_components.synology_native.api.models import Call

# The window of events each cycle reads: from yesterday on, this many days ahead. Day
# boundaries keep the window (and so the snapshot) equal between cycles of one day.
WINDOW_DAYS_BEFORE = 1
WINDOW_DAYS_AHEAD = 35


def window_at(now: datetime) -> tuple[datetime, datetime]:
    """Return the polled window for the moment now, on UTC day boundaries."""
    today = datetime(now.year, now.month, now.day, tzinfo=UTC)
    return (
        today - timedelta(days=WINDOW_DAYS_BEFORE),
        today + timedelta(days=WINDOW_DAYS_AHEAD),
    )


@dataclass(frozen=True, slots=True)
class CalendarSnapshot:
    """What Calendar entities read; equal when nothing changed on the NAS."""

    calendars: tuple[SynoCalendar, ...]
    task_lists: tuple[SynoCalendar, ...]
    window: tuple[datetime, datetime]
    events: tuple[CalEvent, ...]  # occurrences in the window, in start order
    tasks: tuple[CalTask, ...]

    @classmethod
    def parse(
        cls,
        calendars: tuple[SynoCalendar, ...],
        task_lists: tuple[SynoCalendar, ...],
        window: tuple[datetime, datetime],
        events: Any,
        tasks: Any,
    ) -> CalendarSnapshot:
        """Read the event and task lists of this cycle, read for window, into a snapshot."""
        return cls(
            calendars=calendars,
            task_lists=task_lists,
            window=window,
            events=parse_events(events),
            tasks=parse_tasks(tasks),
        )

    def calendar(self, cal_id: str) -> SynoCalendar | None:
        """Return the calendar (or task list) with this id, if it is still there."""
        return next(
            (
                item
                for item in (*self.calendars, *self.task_lists)
                if item.cal_id == cal_id
            ),
            None,
        )

    def covers(self, start: datetime, end: datetime) -> bool:
        """Tell whether [start, end) lies inside the polled window."""
        return self.window[0] <= start and end <= self.window[1]


def _parse_keeping(
    last: CalendarSnapshot | None,
    parts: tuple[
        tuple[SynoCalendar, ...],
        tuple[SynoCalendar, ...],
        tuple[datetime, datetime],
        Any,
        Any,
    ],
) -> CalendarSnapshot:
    """Parse a snapshot; hand back last itself when the new one equals it.

    The coordinator compares each snapshot with the last one on the event loop, and
    thousands of occurrences take a while to compare: here it happens in the worker,
    and the same object then compares equal at once.
    """
    snapshot = CalendarSnapshot.parse(*parts)
    return last if last is not None and snapshot == last else snapshot


class CalendarCoordinator(PolledAppCoordinator[CalendarSnapshot, SynoCalendarApi]):
    """Synology Calendar, read with the entry's poll."""

    def __init__(self, poll: NasCoordinator) -> None:
        """Join the entry's poll with the entry's Calendar client."""
        super().__init__(poll, "calendar", SynoCalendarApi)

    @override
    def reads(self) -> list[Call]:
        """Return this cycle's reads: the lists, and the known calendars' contents."""
        calls = [
            calendar_list_call(CalendarKind.EVENT),
            calendar_list_call(CalendarKind.TODO),
        ]
        if self.data is not None:
            calls += self._content_reads(self.data.calendars, self.data.task_lists)
        return calls

    @staticmethod
    def _content_reads(
        calendars: Sequence[SynoCalendar], task_lists: Sequence[SynoCalendar]
    ) -> list[Call]:
        """Read the events and tasks of these calendars.

        Nothing is read for none: DSM answers 117 to a list without calendars (§7.1).
        """
        window = window_at(dt_util.utcnow())
        calls = []
        if calendars:
            calls.append(event_list_call([item.cal_id for item in calendars], *window))
        if task_lists:
            calls.append(task_list_call([item.cal_id for item in task_lists]))
        return calls

    @override
    async def _async_snapshot(self, results: Sequence[CallResult]) -> CalendarSnapshot:
        """Build the snapshot; read the contents again if the calendars changed."""
        calendars = parse_calendars(results[0].unwrap(), CalendarKind.EVENT)
        task_lists = parse_calendars(results[1].unwrap(), CalendarKind.TODO)
        contents = results[2:]
        if self.data is None or (self.data.calendars, self.data.task_lists) != (
            calendars,
            task_lists,
        ):
            reads = self._content_reads(calendars, task_lists)
            contents = await self.client.compound(reads) if reads else []
        answers = iter(contents)
        window = window_at(dt_util.utcnow())
        events: Any = {"list": []}
        if calendars:
            read = next(answers)
            # The window the events were read for, even when a day began since.
            window = event_list_window(read.call)
            events = read.unwrap()
        tasks = next(answers).unwrap() if task_lists else {"list": []}
        # Thousands of occurrences take a while to read: not on the event loop.
        return await self.hass.async_add_executor_job(
            _parse_keeping,
            self.data,
            (calendars, task_lists, window, events, tasks),
        )

    async def async_events(
        self, cal_id: str, start: datetime, end: datetime
    ) -> tuple[CalEvent, ...]:
        """Return a calendar's occurrences overlapping [start, end).

        From the snapshot when the polled window covers the range, else with one
        request.
        """
        events = self.data.events
        if not self.data.covers(start, end):
            events = await self.api.events([cal_id], start, end)
        return tuple(
            event
            for event in events
            if event.cal_id == cal_id and overlaps(event, start, end)
        )


def overlaps(event: CalEvent, start: datetime, end: datetime) -> bool:
    """Tell whether an event overlaps [start, end); all-day ones by local days."""
    if isinstance(event.start, datetime) and isinstance(event.end, datetime):
        return event.start < end and event.end > start
    first = dt_util.start_of_local_day(event.start)
    after = dt_util.start_of_local_day(event.end)
    return first < end and after > start


# Synology Calendar as a used app of an entry: its client and this coordinator.
type CalendarApp = PolledApp[SynoCalendarApi, CalendarCoordinator]
CALENDAR: AppKey[CalendarApp] = AppKey(DsmApp.CALENDAR)
