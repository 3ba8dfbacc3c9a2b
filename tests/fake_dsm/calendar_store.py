"""Synology Calendar's state on the simulated NAS: calendars, task lists, events, tasks.

Each user has their own calendars (the default ones appear the first time they use
Calendar) and sees the calendars others share with them, read-only or read-write. An
event is kept as DSM keeps it under CalDAV: iCalendar components (the series' master and
its modified occurrences) plus the fields the web API adds (ids, etag, colour,
participants). Recurrence is expanded with the `ical` library.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
import secrets
from typing import Any
from zoneinfo import ZoneInfo

from ical.calendar import Calendar
from ical.calendar_stream import IcsCalendarStream
from ical.event import Event
from ical.timeline import calendar_timeline
from ical.todo import Todo
from ical.types.recur import Frequency, Recur, Weekday, WeekdayValue

EVENT = "event"
TODO = "todo"
READ_ONLY = "RO"
READ_WRITE = "RW"
DEFAULT_ZONE = "Europe/Berlin"
# The first evt_id; DSM numbers events and tasks from one sequence (calendar.md §7.1).
FIRST_EVT_ID = 1001

# The simulator's reading of DSM's repeat object (calendar.md §7.2); the end types are
# UNKNOWN there and guessed the same as the client's.
_FREQUENCIES = {
    "day": Frequency.DAILY,
    "week": Frequency.WEEKLY,
    "month": Frequency.MONTHLY,
    "year": Frequency.YEARLY,
}
_DAYS = {
    "Sunday": Weekday.SUNDAY,
    "Monday": Weekday.MONDAY,
    "Tuesday": Weekday.TUESDAY,
    "Wednesday": Weekday.WEDNESDAY,
    "Thursday": Weekday.THURSDAY,
    "Friday": Weekday.FRIDAY,
    "Saturday": Weekday.SATURDAY,
}
_PY_DAYS = [
    Weekday.MONDAY,
    Weekday.TUESDAY,
    Weekday.WEDNESDAY,
    Weekday.THURSDAY,
    Weekday.FRIDAY,
    Weekday.SATURDAY,
    Weekday.SUNDAY,
]


class RepeatSettingError(ValueError):
    """A repeat object DSM would refuse (answered 120)."""


def recur_from_setting(setting: dict[str, Any], start: date | datetime) -> Recur:
    """Build the RRULE DSM derives from a repeat object."""
    try:
        freq = _FREQUENCIES[setting["type"]]
        end = setting.get("end") or {"type": "never"}
        rule = Recur(freq=freq, interval=int(setting.get("interval") or 1))
        if freq is Frequency.WEEKLY and setting.get("weekday"):
            rule.by_weekday = [WeekdayValue(_DAYS[day]) for day in setting["weekday"]]
        if freq is Frequency.MONTHLY:
            if setting.get("month_option") == "day_of_week":
                nth = (start.day - 1) // 7 + 1
                rule.by_weekday = [WeekdayValue(_PY_DAYS[start.weekday()], nth)]
            else:
                rule.by_month_day = [start.day]
        if end["type"] == "count":
            rule.count = int(end["count"])
        elif end["type"] == "date":
            until = datetime.fromtimestamp(int(end["date"]), UTC)
            rule.until = until if isinstance(start, datetime) else until.date()
        elif end["type"] != "never":
            raise RepeatSettingError(end["type"])
    except (KeyError, TypeError, ValueError) as err:
        raise RepeatSettingError(str(err)) from err
    return rule


def setting_from_recur(rule: Recur) -> dict[str, Any]:
    """Describe an RRULE as DSM's repeat object (what `get` and `list` answer)."""
    types = {freq: name for name, freq in _FREQUENCIES.items()}
    names = {day: name for name, day in _DAYS.items()}
    end: dict[str, Any] = {"type": "never", "count": 0, "date": 0}
    if rule.count is not None:
        end = {"type": "count", "count": rule.count, "date": 0}
    elif rule.until is not None:
        until = rule.until
        if not isinstance(until, datetime):
            until = datetime(until.year, until.month, until.day, tzinfo=UTC)
        end = {"type": "date", "count": 0, "date": int(until.timestamp())}
    monthly_weekday = rule.freq is Frequency.MONTHLY and bool(rule.by_weekday)
    return {
        "type": types.get(rule.freq, "day"),
        "interval": rule.interval,
        "weekday": []
        if monthly_weekday
        else [names[day.weekday] for day in rule.by_weekday],
        "week_start_day": "",
        "month_option": "day_of_week" if monthly_weekday else "day_of_month",
        "end": end,
    }


def epoch_of(value: date | datetime) -> int:
    """Epoch seconds; an all-day date is midnight UTC (calendar.md §5, the fake's rule)."""
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day, tzinfo=UTC)
    return int(value.timestamp())


def wire_string(value: date | datetime, tz_id: str) -> str:
    """`YYYYMMDD`, or `YYYYMMDDThhmmss` in the wall time of tz_id."""
    if isinstance(value, datetime):
        return value.astimezone(ZoneInfo(tz_id)).strftime("%Y%m%dT%H%M%S")
    return value.strftime("%Y%m%d")


def recurrence_key(value: date | datetime, tz_id: str) -> str:
    """Return the `recurrence_id` of the occurrence starting at value."""
    return wire_string(value, tz_id)


@dataclass
class SimCalendar:
    """A calendar or task list, under its owner's id."""

    cal_id: str  # "/<owner>/<name>/"
    owner: str
    owner_uid: int
    name: str
    kind: str
    color: str = "#4A90E2"
    description: str = ""
    is_default: bool = False
    shares: dict[str, str] = field(default_factory=dict)  # user -> RO / RW


@dataclass
class SimEvent:
    """An event or series: iCalendar components plus the web API's own fields."""

    evt_id: int
    cal_id: str  # the owner's id of its calendar
    owner: str
    etag: str
    tz_id: str
    master: Event
    overrides: dict[str, Event] = field(default_factory=dict)  # by recurrence_id
    color: str = ""
    notify_setting: list[Any] = field(default_factory=list)
    participant: list[Any] = field(default_factory=list)
    location_info: dict[str, Any] = field(default_factory=dict)
    attachments: list[Any] = field(default_factory=list)
    visible: bool = True  # the owner's personal_property
    created: int = 0
    modified: int = 0
    # (etag, text) of the last `evt_ical` built: every write changes the etag.
    _ics: tuple[str, str] = ("", "")

    @property
    def uid(self) -> str:
        """The iCalendar UID."""
        return self.master.uid

    def components(self) -> list[Event]:
        """Return the master and its modified occurrences, as CalDAV stores them."""
        return [self.master, *self.overrides.values()]

    def occurrences(self, start: datetime, end: datetime) -> list[Event]:
        """Return the occurrences overlapping [start, end), modified ones included."""
        timeline = calendar_timeline(self.components(), UTC)
        return list(timeline.overlapping(start, end))

    def repeat_index(self, recurrence_id: str) -> int:
        """1-based position of an occurrence in the unexcluded series (§7.1)."""
        rule = self.master.rrule
        if rule is None:
            return 1
        for index, start in enumerate(rule.as_rrule(self.master.dtstart), start=1):
            if recurrence_key(start, self.tz_id) == recurrence_id:
                return index
            if index > 10_000:
                break
        return 0

    def ics(self) -> str:
        """Return the event's `evt_ical`."""
        if self._ics[0] != self.etag:
            text = IcsCalendarStream.calendar_to_ics(Calendar(events=self.components()))
            self._ics = (self.etag, text)
        return self._ics[1]


@dataclass
class SimTask:
    """A task (VTODO) in a task list."""

    evt_id: int
    cal_id: str
    owner: str
    uid: str
    etag: str
    summary: str
    description: str
    tzid: str
    due: int | None
    is_all_day: bool
    percent_complete: int
    priority_order: int
    created: int
    modified: int

    def todo(self) -> Todo:
        """Return the task as a VTODO."""
        due: date | datetime | None = None
        if self.due is not None:
            moment = datetime.fromtimestamp(self.due, UTC)
            due = (
                moment.date()
                if self.is_all_day
                else moment.astimezone(ZoneInfo(self.tzid))
            )
        return Todo(
            uid=self.uid,
            summary=self.summary,
            description=self.description or None,
            due=due,
            percent=self.percent_complete,
            status="COMPLETED" if self.percent_complete >= 100 else "NEEDS-ACTION",
        )


def new_etag() -> str:
    """Return a fresh opaque `dav_etag`."""
    return secrets.token_hex(8)


class CalendarStore:
    """Every user's calendars, events and tasks on the simulated NAS."""

    def __init__(self, clock: Callable[[], float]) -> None:
        """Start empty; `clock` gives the NAS time."""
        self.now = lambda: int(clock())
        self.calendars: dict[str, SimCalendar] = {}
        self.events: dict[int, SimEvent] = {}
        self.tasks: dict[int, SimTask] = {}
        self.time_zones: dict[str, str] = {}  # user -> Calendar's default zone
        # Users whose Calendar was never opened in DSM: answered 9006 (calendar.md §6.1).
        self.uninitialised: set[str] = set()
        self._next_id = FIRST_EVT_ID

    def next_id(self) -> int:
        """Return the next evt_id."""
        self._next_id += 1
        return self._next_id

    def ensure_user(self, user: str, uid: int) -> None:
        """Create the default calendar and task list the first time a user comes."""
        home = f"/{user}/home/"
        if home in self.calendars:
            return
        self.calendars[home] = SimCalendar(
            home, user, uid, "My Calendar", EVENT, is_default=True
        )
        todo = f"/{user}/home_todo/"
        self.calendars[todo] = SimCalendar(
            todo, user, uid, "My Tasks", TODO, color="#F5A623", is_default=True
        )

    def add_calendar(
        self, user: str, uid: int, name: str, kind: str = EVENT, **fields: Any
    ) -> SimCalendar:
        """Create a calendar with a random short id, like DSM."""
        self.ensure_user(user, uid)
        cal_id = f"/{user}/{secrets.token_hex(3)}/"
        calendar = SimCalendar(cal_id, user, uid, name, kind, **fields)
        self.calendars[cal_id] = calendar
        return calendar

    def delete_calendar(self, cal_id: str) -> None:
        """Remove a calendar and everything in it."""
        del self.calendars[cal_id]
        self.events = {
            key: event for key, event in self.events.items() if event.cal_id != cal_id
        }
        self.tasks = {
            key: task for key, task in self.tasks.items() if task.cal_id != cal_id
        }

    # --- what a user sees --------------------------------------------------------

    @staticmethod
    def view_id(calendar: SimCalendar, user: str) -> str:
        """Return the id a user sees: the owner's own, or `/<viewer>/<owner>--<name>/` (§4)."""
        if calendar.owner == user:
            return calendar.cal_id
        name = calendar.cal_id.strip("/").split("/")[1]
        return f"/{user}/{calendar.owner}--{name}/"

    def visible(self, user: str) -> list[tuple[str, SimCalendar, str]]:
        """(id seen by user, calendar, privilege) of own and shared calendars."""
        seen = []
        for calendar in self.calendars.values():
            if calendar.owner == user:
                seen.append((calendar.cal_id, calendar, READ_WRITE))
            elif user in calendar.shares:
                seen.append(
                    (self.view_id(calendar, user), calendar, calendar.shares[user])
                )
        return seen

    def resolve(self, user: str, cal_id: str) -> tuple[SimCalendar, str] | None:
        """Return the calendar behind an id the user sees (own or shared), with the privilege."""
        for view, calendar, privilege in self.visible(user):
            if cal_id in (view, calendar.cal_id):
                return calendar, privilege
        return None

    # --- events ------------------------------------------------------------------

    def add_event(
        self,
        calendar: SimCalendar,
        summary: str,
        start: date | datetime,
        end: date | datetime,
        *,
        tz_id: str = DEFAULT_ZONE,
        rrule: str | None = None,
        uid: str | None = None,
        **fields: Any,
    ) -> SimEvent:
        """Store a new event (a series with rrule)."""
        master = Event(
            summary=summary,
            dtstart=start,
            dtend=end,
            rrule=Recur.from_rrule(rrule) if rrule else None,
            **({"uid": uid} if uid else {}),
        )
        return self._store_event(calendar, master, tz_id, **fields)

    def _store_event(
        self, calendar: SimCalendar, master: Event, tz_id: str, **fields: Any
    ) -> SimEvent:
        """Store master (with its rule, if any) as a new event of calendar."""
        now = self.now()
        event = SimEvent(
            evt_id=self.next_id(),
            cal_id=calendar.cal_id,
            owner=calendar.owner,
            etag=new_etag(),
            tz_id=tz_id,
            master=master,
            created=now,
            modified=now,
            **fields,
        )
        self.events[event.evt_id] = event
        return event

    def touch(self, event: SimEvent | SimTask) -> None:
        """Record a change: new etag, new modify time."""
        event.etag = new_etag()
        event.modified = self.now()

    def event_by_uid(self, cal_id: str, uid: str) -> SimEvent | None:
        """Return the event with an iCalendar UID in a calendar (owner's id)."""
        return next(
            (
                event
                for event in self.events.values()
                if event.cal_id == cal_id and event.uid == uid
            ),
            None,
        )

    # --- tasks -------------------------------------------------------------------

    def add_task(
        self,
        task_list: SimCalendar,
        summary: str,
        *,
        due: date | datetime | None = None,
        done: bool = False,
        description: str = "",
        tzid: str = DEFAULT_ZONE,
        uid: str | None = None,
    ) -> SimTask:
        """Store a new task."""
        now = self.now()
        task = SimTask(
            evt_id=self.next_id(),
            cal_id=task_list.cal_id,
            owner=task_list.owner,
            uid=uid or f"{secrets.token_hex(8)}@simulated-calendar",
            etag=new_etag(),
            summary=summary,
            description=description,
            tzid=tzid,
            due=None if due is None else epoch_of(due),
            is_all_day=due is not None and not isinstance(due, datetime),
            percent_complete=100 if done else 0,
            priority_order=0,
            created=now,
            modified=now,
        )
        self.tasks[task.evt_id] = task
        return task

    # --- iCalendar ---------------------------------------------------------------

    def export(self, calendar: SimCalendar) -> str:
        """Return the calendar as iCalendar text."""
        events = [
            component
            for event in self.events.values()
            if event.cal_id == calendar.cal_id
            for component in event.components()
        ]
        todos = [
            task.todo()
            for task in self.tasks.values()
            if task.cal_id == calendar.cal_id
        ]
        return IcsCalendarStream.calendar_to_ics(Calendar(events=events, todos=todos))

    def import_ics(self, calendar: SimCalendar, text: str) -> None:
        """Add the file's events (grouped by UID) and tasks; a known UID is replaced."""
        parsed = IcsCalendarStream.calendar_from_ics(text)
        masters = [event for event in parsed.events if event.recurrence_id is None]
        for master in masters:
            existing = self.event_by_uid(calendar.cal_id, master.uid)
            if existing is not None:
                del self.events[existing.evt_id]
            start = master.dtstart
            tz_id = (
                str(start.tzinfo)
                if isinstance(start, datetime) and isinstance(start.tzinfo, ZoneInfo)
                else self.time_zones.get(calendar.owner, DEFAULT_ZONE)
            )
            event = self._store_event(calendar, master, tz_id, color=master.color or "")
            event.overrides = {
                str(item.recurrence_id): item
                for item in parsed.events
                if item.uid == master.uid and item.recurrence_id is not None
            }
        for todo in parsed.todos:
            due = todo.due
            self.add_task(
                calendar,
                todo.summary or "",
                due=due,
                done=(todo.percent or 0) >= 100,
                description=todo.description or "",
                uid=todo.uid,
            )


DAY = timedelta(days=1)


def seed_calendar_demo(store: CalendarStore, user: str, uid: int) -> None:
    """Return the demo user's calendar: a weekly stand-up, an all-day holiday, tasks."""
    store.ensure_user(user, uid)
    home = store.calendars[f"/{user}/home/"]
    tz = ZoneInfo(DEFAULT_ZONE)
    today = datetime.fromtimestamp(store.now(), tz).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    store.add_event(
        home,
        "Team stand-up",
        today + timedelta(hours=9, minutes=30),
        today + timedelta(hours=9, minutes=45),
        rrule="FREQ=WEEKLY;BYDAY=MO,WE,FR",
        location_info={"name": "Meeting room", "address": ""},
    )
    store.add_event(
        home,
        "Demo day",
        today.date() + 2 * DAY,
        today.date() + 3 * DAY,
        color="#7ED321",
    )
    todo = store.calendars[f"/{user}/home_todo/"]
    store.add_task(todo, "Renew the NAS warranty", due=today.date() + 7 * DAY)
    store.add_task(todo, "Back up the calendar", done=True)
