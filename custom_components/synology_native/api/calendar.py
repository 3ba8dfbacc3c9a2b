"""Synology Calendar (``SYNO.Cal.*``): calendars, task lists, events, tasks, iCalendar.

Wire facts follow the project's Calendar reference (v5 generation, Calendar >= 2.5.3):
every parameter JSON-encoded (strings quoted), times in epoch seconds, events zoned by
``tz_id`` and tasks by ``tzid``, all-day ends exclusive, writes guarded by ``dav_etag``.
Where the reference marks a fact INFERRED, CONFLICT or UNKNOWN, the choice made here
lives in one named constant or function with a comment, so a capture from a real NAS
corrects it in one place.
"""

import asyncio
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
import re
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ical.exceptions import CalendarParseError
from ical.types.recur import Frequency, Recur, Weekday, WeekdayValue

from .errors import (
    DsmApiError,
    DsmConflictError,
    DsmError,
    DsmNotFoundError,
    DsmResponseError,
    register_error_codes,
)
from .models import Call, Endpoint
from .typed import Fields, objects_of

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from .client import DsmClient

_CAL = "SYNO.Cal.Cal"
_EVENT = "SYNO.Cal.Event"
_TODO = "SYNO.Cal.Todo"

# v5 only: v1-v3 take string times and other field names (calendar.md §3). A 2026 NAS
# offers Event and Todo up to v6, whose changes are unknown, so v5 is pinned.
CAL_LIST = Endpoint(_CAL, "list", 5, 5)
CAL_GET = Endpoint(_CAL, "get", 5, 5)
CAL_CREATE = Endpoint(_CAL, "create", 5, 5)
CAL_SET = Endpoint(_CAL, "set", 5, 5)
CAL_DELETE = Endpoint(_CAL, "delete", 5, 5)
# Export and import exist in v1 only (calendar.md §6.6).
CAL_EXPORT = Endpoint(_CAL, "export", 1, 1)
CAL_IMPORT = Endpoint(_CAL, "import", 1, 1)
EVENT_LIST = Endpoint(_EVENT, "list", 5, 5)
EVENT_GET = Endpoint(_EVENT, "get", 5, 5)
EVENT_CREATE = Endpoint(_EVENT, "create", 5, 5)
EVENT_SET = Endpoint(_EVENT, "set", 5, 5)
EVENT_DELETE = Endpoint(_EVENT, "delete", 5, 5)
EVENT_SUBEVENT_SET = Endpoint(_EVENT, "subevent_set", 5, 5)
EVENT_SET_EXDATE = Endpoint(_EVENT, "set_exdate", 5, 5)
TODO_LIST = Endpoint(_TODO, "list", 5, 5)
TODO_GET = Endpoint(_TODO, "get", 5, 5)
TODO_CREATE = Endpoint(_TODO, "create", 5, 5)
TODO_SET = Endpoint(_TODO, "set", 5, 5)
TODO_DELETE = Endpoint(_TODO, "delete", 5, 5)
SETTING_GET = Endpoint("SYNO.Cal.Setting", "get", 5, 5)
TIMEZONE_LIST = Endpoint("SYNO.Cal.Timezone", "list", 5, 5)

# UNKNOWN in the reference (§13): the codes for a stale `dav_etag` and for an `evt_id`
# that does not exist. These numbers are guesses the simulator shares; a capture from a
# real NAS replaces them here and nowhere else. Whatever DSM really answers, a stale
# etag fails the write: it is never retried without the etag.
STALE_ETAG_CODE = 9007
NO_SUCH_ITEM_CODE = 9008
# VERIFIED on two NASes (§6.1): Calendar was never opened in DSM, so its database is
# missing.
DATABASE_NOT_READY_CODE = 9006

register_error_codes(
    "SYNO.Cal.",
    {
        STALE_ETAG_CODE: (DsmConflictError, "the item changed since it was read"),
        NO_SUCH_ITEM_CODE: (DsmNotFoundError, "no such event or task"),
        DATABASE_NOT_READY_CODE: (
            DsmApiError,
            "Calendar is not set up yet: open it once in DSM",
        ),
    },
)

# The value DSM's v5 filters take for "no filter" (calendar.md §7.1, §8.2).
FILTER_ALL = "all"
# CONFLICT (calendar.md §8.4 and 2026-12): Synology's documentation names a task's zone
# ``tzid``; N4S4/synology-api (every version, `calendar.py` todo_create/todo_set) sends
# ``tz_id``. Both go, with the same value, until a capture decides: a self-check that saw
# the NAS answer with one (the client's form TASK_ZONE_FORM) sends only that one.
TASK_ZONE_KEYS = ("tzid", "tz_id")
TASK_ZONE_KEY = TASK_ZONE_KEYS[0]
TASK_ZONE_FORM = "calendar_task_zone_key"
# INFERRED: one limit large enough for every task of a list; the page size is unknown.
TODO_LIST_LIMIT = 5000
# INFERRED (§7.4, from one client): Calendar 3.x refuses an empty description or colour.
EMPTY_DESCRIPTION = " "
DEFAULT_COLOR = "#000000"
# The "no location" value one working client sends (§7.2).
NO_GPS = -1
# The reminder text DSM itself writes into VALARM DESCRIPTION (§7.2).
REMINDER_TEXT = "This is an event reminder"


class CalendarKind(StrEnum):
    """What a calendar holds: events or tasks (a task list)."""

    EVENT = "event"
    TODO = "todo"


class Privilege(StrEnum):
    """The signed-in user's access to a calendar."""

    READ_WRITE = "RW"
    READ_ONLY = "RO"


class RecurrenceError(ValueError):
    """A recurrence rule Synology Calendar cannot store (DSM keeps only a subset)."""


# --- time on the wire ----------------------------------------------------------------


def all_day_epoch(day: date) -> int:
    """Write an all-day date as epoch seconds.

    UNKNOWN in the reference (§5): which midnight an all-day epoch denotes. Midnight UTC
    is used, matching how the simulator derives ``dtstart_string``; reads trust the
    ``*_string`` fields instead, so only writes depend on this choice.
    """
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def day_from_wire(text: str) -> date:
    """Read ``YYYYMMDD`` (all-day ``*_string``); a time part, seen on old builds, is cut."""
    return datetime.strptime(text[:8], "%Y%m%d").date()  # noqa: DTZ007 - a date, no zone


def _zone(item: Fields, key: str, tz_id: str) -> ZoneInfo:
    """Return the IANA zone of an event or task; an unknown name is a malformed answer."""
    try:
        return ZoneInfo(tz_id)
    except (ZoneInfoNotFoundError, ValueError) as err:
        raise item.error(key, "is not a known time zone") from err


# --- recurrence: RRULE <-> repeat_setting ------------------------------------------------

_REPEAT_TYPES: Mapping[Frequency, str] = {
    Frequency.DAILY: "day",
    Frequency.WEEKLY: "week",
    Frequency.MONTHLY: "month",
    Frequency.YEARLY: "year",
}
_WEEKDAY_NAMES: Mapping[Weekday, str] = {
    Weekday.SUNDAY: "Sunday",
    Weekday.MONDAY: "Monday",
    Weekday.TUESDAY: "Tuesday",
    Weekday.WEDNESDAY: "Wednesday",
    Weekday.THURSDAY: "Thursday",
    Weekday.FRIDAY: "Friday",
    Weekday.SATURDAY: "Saturday",
}
_WEEKDAYS_BY_NAME = {name: day for day, name in _WEEKDAY_NAMES.items()}
_PY_WEEKDAYS = (
    Weekday.MONDAY,
    Weekday.TUESDAY,
    Weekday.WEDNESDAY,
    Weekday.THURSDAY,
    Weekday.FRIDAY,
    Weekday.SATURDAY,
    Weekday.SUNDAY,
)


class RepeatEnd(StrEnum):
    """How a series ends.

    UNKNOWN in the reference (§7.2): the values of ``repeat_setting.end.type``; these
    three names are a guess the simulator shares.
    """

    NEVER = "never"
    COUNT = "count"
    DATE = "date"


class MonthOption(StrEnum):
    """How a monthly series repeats: same day number, or same weekday of the week."""

    DAY_OF_MONTH = "day_of_month"
    DAY_OF_WEEK = "day_of_week"


@dataclass(frozen=True, slots=True)
class Repeat:
    """DSM's ``repeat_setting``: the subset of RRULE Synology Calendar stores."""

    frequency: Frequency
    interval: int = 1
    weekdays: tuple[Weekday, ...] = ()  # weekly series only
    month_option: MonthOption = MonthOption.DAY_OF_MONTH
    count: int | None = None
    until: datetime | None = None  # the last instant an occurrence may start

    def wire(self) -> dict[str, Any]:
        """Return the ``repeat_setting`` object."""
        end: dict[str, Any] = {"type": RepeatEnd.NEVER}
        if self.count is not None:
            end = {"type": RepeatEnd.COUNT, "count": self.count}
        elif self.until is not None:
            end = {"type": RepeatEnd.DATE, "date": int(self.until.timestamp())}
        return {
            "type": _REPEAT_TYPES[self.frequency],
            "interval": self.interval,
            "weekday": [_WEEKDAY_NAMES[day] for day in self.weekdays],
            "week_start_day": "",
            "month_option": self.month_option,
            "end": end,
        }

    def rrule(self, start: date | datetime) -> str:
        """Return the RRULE text of this series starting at start."""
        rule = Recur(freq=self.frequency, interval=self.interval, count=self.count)
        if self.until is not None:
            rule.until = (
                self.until.astimezone(UTC)
                if isinstance(start, datetime)
                else self.until.date()
            )
        if self.weekdays:
            rule.by_weekday = [WeekdayValue(day) for day in self.weekdays]
        if self.frequency is Frequency.MONTHLY:
            if self.month_option is MonthOption.DAY_OF_WEEK:
                week = (start.day - 1) // 7 + 1
                day = _PY_WEEKDAYS[start.weekday()]
                rule.by_weekday = [WeekdayValue(day, occurrence=week)]
            else:
                rule.by_month_day = [start.day]
        return rule.as_rrule_str()


def repeat_from_wire(item: Fields) -> Repeat:
    """Read one ``repeat_setting`` object."""
    types = {name: freq for freq, name in _REPEAT_TYPES.items()}
    end = item.optional_object("end")
    end_type = (
        end.optional_converted("type", str, _repeat_end, RepeatEnd.NEVER)
        if end is not None
        else RepeatEnd.NEVER
    )
    weekdays = item.optional_list_of("weekday", str)
    if not set(weekdays) <= _WEEKDAYS_BY_NAME.keys():
        raise item.error("weekday", "names a day that is not a weekday")
    return Repeat(
        frequency=item.converted("type", str, types.__getitem__),
        interval=item.optional("interval", int, 1) or 1,
        weekdays=tuple(_WEEKDAYS_BY_NAME[day] for day in weekdays),
        month_option=item.optional_converted(
            "month_option", str, _month_option, MonthOption.DAY_OF_MONTH
        ),
        count=end.field("count", int)
        if end is not None and end_type is RepeatEnd.COUNT
        else None,
        until=end.converted("date", int, _utc)
        if end is not None and end_type is RepeatEnd.DATE
        else None,
    )


def _repeat_end(text: str) -> RepeatEnd:
    return RepeatEnd(text or RepeatEnd.NEVER)


def _month_option(text: str) -> MonthOption:
    return MonthOption(text or MonthOption.DAY_OF_MONTH)


def _utc(epoch: float) -> datetime:
    return datetime.fromtimestamp(int(epoch), UTC)


def _rule_days(
    rule: Recur, start: date | datetime, text: str
) -> tuple[MonthOption, tuple[Weekday, ...]]:
    """Return how a rule picks its days, or raise RecurrenceError if DSM cannot."""
    unsupported = bool(
        rule.by_setpos
        or rule.by_hour
        or rule.by_minute
        or rule.by_second
        or rule.by_year_day
        or rule.by_week_no
    )
    month_option = MonthOption.DAY_OF_MONTH
    weekdays: tuple[Weekday, ...] = ()
    if rule.freq is Frequency.WEEKLY:
        unsupported = unsupported or any(day.occurrence for day in rule.by_weekday)
        weekdays = tuple(day.weekday for day in rule.by_weekday)
    elif rule.freq is Frequency.MONTHLY and rule.by_weekday:
        nth = (start.day - 1) // 7 + 1
        wanted = WeekdayValue(_PY_WEEKDAYS[start.weekday()], occurrence=nth)
        unsupported = unsupported or rule.by_weekday != [wanted]
        unsupported = unsupported or bool(rule.by_month_day)
        month_option = MonthOption.DAY_OF_WEEK
    elif rule.by_weekday:
        unsupported = True
    unsupported = unsupported or rule.by_month_day not in ([], [start.day])
    unsupported = unsupported or rule.by_month not in ([], [start.month])
    if unsupported:
        msg = f"Synology Calendar cannot store the rule {text}"
        raise RecurrenceError(msg)
    return month_option, weekdays


def repeat_from_rrule(text: str, start: date | datetime) -> Repeat:
    """Turn an RRULE into DSM's repeat object, or raise RecurrenceError.

    DSM stores frequency, interval, weekdays of a weekly series, "same day" or "same
    weekday" of a monthly series, and an end by count or date. Anything else (BYSETPOS,
    hours, several monthly weekdays, a day other than the start's) cannot be stored
    without changing which days the series falls on.
    """
    try:
        rule = Recur.from_rrule(text.removeprefix("RRULE:"))
    except (CalendarParseError, ValueError, AttributeError) as err:
        # ical 14.3 raises AttributeError for text without "=".
        msg = f"not a recurrence rule: {text}"
        raise RecurrenceError(msg) from err
    if rule.freq not in _REPEAT_TYPES:
        msg = f"Synology Calendar cannot repeat {rule.freq.value.lower()}"
        raise RecurrenceError(msg)
    month_option, weekdays = _rule_days(rule, start, text)
    until = None
    if rule.until is not None:
        until = (
            rule.until.astimezone(UTC)
            if isinstance(rule.until, datetime)
            else datetime(rule.until.year, rule.until.month, rule.until.day, tzinfo=UTC)
        )
    return Repeat(
        frequency=rule.freq,
        interval=rule.interval,
        weekdays=weekdays,
        month_option=month_option,
        count=rule.count,
        until=until,
    )


# --- models --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SynoCalendar:
    """A calendar or task list as the signed-in user sees it."""

    cal_id: str
    original_cal_id: str  # the owner's id; equal to cal_id unless shared to us
    owner: str
    name: str
    description: str
    color: str
    privilege: Privilege
    kind: CalendarKind
    is_default: bool

    @property
    def writable(self) -> bool:
        """Tell whether the user may change what the calendar holds."""
        return self.privilege is Privilege.READ_WRITE

    @property
    def shared(self) -> bool:
        """Tell whether someone else shared it with the user."""
        return self.cal_id != self.original_cal_id


@dataclass(frozen=True, slots=True)
class Reminder:
    """A reminder (VALARM) some minutes before (negative: after) the start or end."""

    minutes_before: int
    related_to_end: bool = False

    def wire(self) -> dict[str, Any]:
        """Return the ``notify_setting`` item.

        INFERRED (§7.4): ``minutes`` is negative before the event, as ICS
        ``TRIGGER:-PT10M``.
        """
        return {
            "action": "DISPLAY",
            "description": REMINDER_TEXT,
            "type": "duration",
            "duration": {
                "related": "end" if self.related_to_end else "start",
                "minutes": -self.minutes_before,
            },
        }


@dataclass(frozen=True, slots=True)
class Attendee:
    """A participant: a DSM user or an e-mail address."""

    name: str  # the DSM account, or the e-mail for someone outside the NAS
    email: str
    is_dsm_user: bool
    organizer: bool = False
    status: str = "needs_action"

    def wire(self) -> dict[str, Any]:
        """Return the ``participant`` item."""
        return {
            "type": "dsm" if self.is_dsm_user else "email",
            "status": self.status,
            "role": "organizer" if self.organizer else "attendee",
            "user_name": self.name,
            "email": self.email,
            "is_real_email": bool(self.email),
        }


@dataclass(frozen=True, slots=True)
class EventDraft:
    """Everything ``Event.create`` and ``Event.set`` send (``set`` is a full replace).

    start and end are dates for an all-day event (end exclusive) or aware datetimes.
    """

    summary: str
    start: date | datetime
    end: date | datetime
    tz_id: str  # the IANA zone of the wall times; for all-day, the user's zone
    description: str = ""
    color: str = ""
    location: str = ""
    meeting_url: str = ""
    reminders: tuple[Reminder, ...] = ()
    attendees: tuple[Attendee, ...] = ()
    repeat: Repeat | None = None
    # Attachments are sent back as read: this client does not edit them.
    attachments: tuple[Mapping[str, Any], ...] = ()
    location_extra: Mapping[str, Any] = field(default_factory=dict)
    # The event's personal_property as DSM answered it (None for a new event); ``set``
    # sends it back (see personal_property_wire).
    personal_property: Any = None

    @property
    def all_day(self) -> bool:
        """Tell whether start and end are dates."""
        return not isinstance(self.start, datetime)

    def validate(self) -> None:
        """Raise ValueError for times DSM would store wrongly."""
        if isinstance(self.start, datetime) != isinstance(self.end, datetime):
            msg = "start and end must both be dates or both be date-times"
            raise ValueError(msg)
        if isinstance(self.start, datetime) and self.start.tzinfo is None:
            msg = "date-times must carry a time zone"
            raise ValueError(msg)
        if self.end <= self.start:
            msg = "the end must be after the start"
            raise ValueError(msg)

    def times(self) -> dict[str, Any]:
        """Return ``is_all_day``, ``tz_id``, ``dtstart`` and ``dtend``."""
        if isinstance(self.start, datetime) and isinstance(self.end, datetime):
            return {
                "is_all_day": False,
                "tz_id": self.tz_id,
                "dtstart": int(self.start.timestamp()),
                "dtend": int(self.end.timestamp()),
            }
        assert not isinstance(self.end, datetime)  # noqa: S101 - validate() checked
        return {
            "is_all_day": True,
            "tz_id": self.tz_id,
            "dtstart": all_day_epoch(self.start),
            "dtend": all_day_epoch(self.end),
        }

    def wire(self) -> dict[str, Any]:
        """Return the fields common to create, set and subevent_set."""
        return {
            "summary": self.summary,
            **self.times(),
            "color": self.color or DEFAULT_COLOR,
            "description": with_meeting_url(self.description, self.meeting_url)
            or EMPTY_DESCRIPTION,
            "notify_setting": [reminder.wire() for reminder in self.reminders],
            "participant": [attendee.wire() for attendee in self.attendees],
            "location_info": location_wire(self.location, self.location_extra),
            "attachments": list(self.attachments),
        }


# INFERRED (§11): the API has no documented field for a video-meeting link, so the link
# is kept as the description's last line, introduced by this label, where Synology
# Calendar's own UI shows it and other CalDAV clients see it too.
MEETING_LABEL = "Meeting link: "
_MEETING_LINE = re.compile(rf"(?:\n|^){re.escape(MEETING_LABEL)}(\S+)\s*$")


def with_meeting_url(description: str, url: str) -> str:
    """Append the meeting-link line to a description."""
    if not url:
        return description
    return (
        f"{description}\n{MEETING_LABEL}{url}" if description else MEETING_LABEL + url
    )


def split_meeting_url(description: str) -> tuple[str, str]:
    """Split a description into its text and its meeting link ("" when none)."""
    if match := _MEETING_LINE.search(description):
        return description[: match.start()], match.group(1)
    return description, ""


# CONFLICT (calendar.md 2026-12): the one public client tested on Calendar 3.x
# (N4S4/synology-api 0.9.4 `calendar.py` event_set) sends this object; DSM's own answer
# (calendar.md §7.1, OAS) draws an array of such objects.
DEFAULT_PERSONAL_PROPERTY: Mapping[str, Any] = {"is_visible": True}


def personal_property_wire(current: Any) -> Any:
    """Return the ``personal_property`` that ``Event.set`` must send (Calendar 3.x).

    The event's current value goes back in the form DSM answered it (an object or an
    array of objects with ``is_visible``); without one, DEFAULT_PERSONAL_PROPERTY.
    """
    if isinstance(current, dict) and isinstance(current.get("is_visible"), bool):
        return current
    if (
        isinstance(current, list)
        and current
        and all(
            isinstance(item, dict) and isinstance(item.get("is_visible"), bool)
            for item in current
        )
    ):
        return current
    return dict(DEFAULT_PERSONAL_PROPERTY)


def location_wire(name: str, extra: Mapping[str, Any]) -> dict[str, Any]:
    """Return ``location_info``; Calendar 3.x wants it present even when empty (§7.2)."""
    base: dict[str, Any] = {
        "map_type": "",
        "name": "",
        "address": "",
        "place_id": "",
        "gps": {"lat": NO_GPS, "lng": NO_GPS},
    }
    return {**base, **extra, "name": name}


@dataclass(frozen=True, slots=True)
class CalEvent:
    """An event, or one occurrence of a recurring event (``recurrence_id`` set)."""

    evt_id: int
    cal_id: str
    original_cal_id: str
    uid: str
    etag: str
    draft: EventDraft
    recurrence_id: str | None  # None for a single event or a series' master as a whole
    recurring: bool
    master_start: date | datetime | None  # the series' first start, for occurrences
    repeat_index: int | None  # 1 for a series' first occurrence
    modified: datetime | None

    @property
    def summary(self) -> str:
        """Return the title."""
        return self.draft.summary

    @property
    def start(self) -> date | datetime:
        """Return the start (a date for all-day events)."""
        return self.draft.start

    @property
    def end(self) -> date | datetime:
        """Return the end (exclusive date for all-day events)."""
        return self.draft.end

    @property
    def rrule(self) -> str | None:
        """Return the series' RRULE, None for a single event."""
        repeat = self.draft.repeat
        if repeat is None:
            return None
        return repeat.rrule(self.master_start or self.start)


@dataclass(frozen=True, slots=True)
class TaskDraft:
    """What ``Todo.create`` and ``Todo.set`` send."""

    summary: str
    description: str = ""
    due: date | datetime | None = None
    done: bool = False
    tz_id: str = "UTC"

    def wire(self, zone_keys: tuple[str, ...] = TASK_ZONE_KEYS) -> dict[str, Any]:
        """Return the task fields, the zone under each of zone_keys."""
        params: dict[str, Any] = {
            "summary": self.summary,
            "description": self.description or EMPTY_DESCRIPTION,
            "has_start_time": False,
            "has_end_time": self.due is not None,
            # §8.1: percent_complete is 0 or 100, DSM's done flag.
            "percent_complete": 100 if self.done else 0,
            **dict.fromkeys(zone_keys, self.tz_id),
            "is_all_day": self.due is not None and not isinstance(self.due, datetime),
        }
        if isinstance(self.due, datetime):
            params["due"] = int(self.due.timestamp())
        elif self.due is not None:
            params["due"] = all_day_epoch(self.due)
        return params


@dataclass(frozen=True, slots=True)
class CalTask:
    """A task of a Calendar task list."""

    evt_id: int
    list_id: str  # the original_cal_id of its task list
    uid: str
    etag: str
    priority_order: int
    draft: TaskDraft
    modified: datetime | None

    @property
    def summary(self) -> str:
        """Return the title."""
        return self.draft.summary


@dataclass(frozen=True, slots=True)
class CalSettings:
    """The user's Calendar preferences this integration reads."""

    time_zone: str
    default_cal_id: str
    week_start_day: int  # 0 Sunday, 1 Monday, 6 Saturday


# --- reading DSM's answers -------------------------------------------------------------


def calendar_from_wire(kind: CalendarKind) -> Callable[[Fields], SynoCalendar]:
    """Return the parser of a v5 calendar object of kind (the object does not say)."""

    def parse(item: Fields) -> SynoCalendar:
        return SynoCalendar(
            cal_id=item.field("cal_id", str),
            original_cal_id=item.field("original_cal_id", str),
            owner=item.optional("original_ug_name", str, ""),
            name=item.field("cal_displayname", str),
            description=item.optional("cal_description", str, ""),
            color=item.optional("cal_color", str, ""),
            privilege=item.converted("cal_privilege", str, Privilege),
            kind=kind,
            is_default=item.optional("default_calendar", bool, False),
        )

    return parse


def _times(
    item: Fields, start_key: str, end_key: str, tz: ZoneInfo | None
) -> tuple[date | datetime, date | datetime]:
    """Read an event's (or occurrence's) start and end; tz None: all day.

    All-day items are read from ``*_string`` (§5: the epoch's reference zone is
    unknown); timed ones from the epoch, shown in ``tz_id``.
    """
    if tz is None:
        return (
            item.converted(f"{start_key}_string", str, day_from_wire),
            item.converted(f"{end_key}_string", str, day_from_wire),
        )
    return (
        item.converted(start_key, int, lambda epoch: datetime.fromtimestamp(epoch, tz)),
        item.converted(end_key, int, lambda epoch: datetime.fromtimestamp(epoch, tz)),
    )


def _reminder(item: Fields) -> Reminder:
    duration = item.optional_object("duration")
    if duration is None:
        return Reminder(minutes_before=0, related_to_end=False)
    return Reminder(
        minutes_before=-duration.optional("minutes", int, 0),
        related_to_end=duration.optional("related", str, "") == "end",
    )


def _attendee(item: Fields) -> Attendee:
    return Attendee(
        name=item.field("user_name", str),
        email=item.optional("email", str, ""),
        is_dsm_user=item.optional("type", str, "") == "dsm",
        organizer=item.optional("role", str, "") == "organizer",
        status=item.optional("status", str, "") or "needs_action",
    )


def _repeat(item: Fields) -> Repeat | None:
    """Read ``repeat_setting``; CONFLICT (§7.2): accept a one-item array as well."""
    if not item.field("is_repeat_evt", bool) or "repeat_setting" not in item:
        return None
    if isinstance(item.raw["repeat_setting"], list):
        settings = item.objects("repeat_setting")
        setting = settings[0] if settings else None
    else:
        setting = item.object("repeat_setting")
    return repeat_from_wire(setting) if setting is not None and setting.raw else None


def event_from_wire(item: Fields) -> CalEvent:
    """Parse a v5 event object (a list item is one occurrence of it)."""
    tz_id = item.optional("tz_id", str, "")
    tz = None if item.field("is_all_day", bool) else _zone(item, "tz_id", tz_id)
    start, end = _times(item, "dtstart", "dtend", tz)
    place = item.optional_object("location_info")
    description, meeting_url = split_meeting_url(item.optional("description", str, ""))
    extra = item.optional_object("extra_info")
    master_start: date | datetime | None = None
    if extra is not None and (
        extra.raw.get("main_event_dtstart_string")
        or extra.raw.get("main_event_dtstart")
    ):
        master_start, _ = _times(extra, "main_event_dtstart", "main_event_dtend", tz)
    draft = EventDraft(
        summary=item.optional("summary", str, ""),
        start=start,
        end=end,
        tz_id=tz_id,
        description=description.strip(),
        color=item.optional("color", str, ""),
        location=place.optional("name", str, "") if place is not None else "",
        meeting_url=meeting_url,
        reminders=tuple(
            _reminder(it) for it in item.optional_objects("notify_setting")
        ),
        attendees=tuple(_attendee(it) for it in item.optional_objects("participant")),
        repeat=_repeat(item),
        attachments=tuple(dict(it.raw) for it in item.optional_objects("attachments")),
        location_extra={key: value for key, value in place.raw.items() if key != "name"}
        if place is not None
        else {},
        personal_property=item.raw.get("personal_property"),
    )
    return CalEvent(
        evt_id=item.field("evt_id", int),
        cal_id=item.field("cal_id", str),
        original_cal_id=item.field("original_cal_id", str),
        uid=item.field("ical_uid", str),
        etag=item.field("dav_etag", str),
        draft=draft,
        recurrence_id=item.optional("recurrence_id", str, "") or None,
        recurring=item.field("is_repeat_evt", bool),
        master_start=master_start,
        repeat_index=extra.optional("repeat_index", int, None)
        if extra is not None
        else None,
        modified=_modified(item),
    )


def _modified(item: Fields) -> datetime | None:
    """Read ``modify_time``: epoch seconds, a float in some lists (§3)."""
    return item.optional_converted("modify_time", float, _utc, None)


def event_list_items(data: Any) -> list[Fields]:
    """Return the events of an ``Event.list`` answer.

    CONFLICT (§7.1): the v5 envelope is undocumented. ``data.list`` (as every other v5
    list), an object keyed by calendar id (v1-v4) and a bare array are all read.
    """
    if isinstance(data, list):
        return objects_of(data, EVENT_LIST)
    answer = Fields.of(data, EVENT_LIST)
    if "list" in answer:
        return answer.objects("list")
    return [item for cal_id in answer for item in answer.objects(cal_id)]


def parse_events(data: Any) -> tuple[CalEvent, ...]:
    """Read ``Event.list``: one item per occurrence, in start order."""
    events = [event_from_wire(item) for item in event_list_items(data)]
    return tuple(sorted(events, key=lambda event: _sort_key(event.start)))


def _sort_key(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


def task_from_wire(item: Fields) -> CalTask:
    """Parse a v5 task object; the zone may come under either of TASK_ZONE_KEYS."""
    zone_key = next(
        (key for key in TASK_ZONE_KEYS if item.optional(key, str, "")), TASK_ZONE_KEY
    )
    tz_id = item.optional(zone_key, str, "") or "UTC"
    due: date | datetime | None = None
    if item.optional("has_end_time", bool, False):
        if item.optional("is_all_day", bool, False):
            due = item.converted("due_string", str, day_from_wire)
        else:
            tz = _zone(item, zone_key, tz_id)
            due = item.converted(
                "due", int, lambda epoch: datetime.fromtimestamp(epoch, tz)
            )
    return CalTask(
        evt_id=item.field("evt_id", int),
        list_id=item.field("original_cal_id", str),
        uid=item.optional("ical_uid", str, ""),
        etag=item.field("dav_etag", str),
        priority_order=item.optional("priority_order", int, 0),
        draft=TaskDraft(
            summary=item.optional("summary", str, ""),
            description=item.optional("description", str, "").strip(),
            due=due,
            done=item.field("percent_complete", int) >= 100,  # noqa: PLR2004 - DSM's done
            tz_id=tz_id,
        ),
        modified=_modified(item),
    )


def parse_tasks(data: Any) -> tuple[CalTask, ...]:
    """Read ``Todo.list``."""
    return tuple(
        task_from_wire(item) for item in Fields.of(data, TODO_LIST).objects("list")
    )


def parse_calendars(data: Any, kind: CalendarKind) -> tuple[SynoCalendar, ...]:
    """Read ``Cal.list`` of one kind."""
    parse = calendar_from_wire(kind)
    return tuple(parse(item) for item in Fields.of(data, CAL_LIST).objects("list"))


def calendar_list_call(kind: CalendarKind) -> Call:
    """Build ``Cal.list`` for calendars or task lists."""
    return Call(CAL_LIST, {"cal_type": kind})


def event_list_call(cal_ids: Sequence[str], start: datetime, end: datetime) -> Call:
    """Build ``Event.list`` for the occurrences in [start, end) of many calendars."""
    return Call(
        EVENT_LIST,
        {
            # §7.1: omitting cal_id_list fails with 117, so it is always sent.
            "cal_id_list": list(cal_ids),
            "start": int(start.timestamp()),
            "end": int(end.timestamp()),
        },
    )


def event_list_window(call: Call) -> tuple[datetime, datetime]:
    """Return the [start, end) an ``event_list_call`` asked for."""
    return (
        datetime.fromtimestamp(call.params["start"], UTC),
        datetime.fromtimestamp(call.params["end"], UTC),
    )


def task_list_call(list_ids: Sequence[str]) -> Call:
    """Build ``Todo.list`` for every task, done or not, of many task lists."""
    return Call(
        TODO_LIST,
        {
            "cal_id_list": list(list_ids),
            "filter_complete": FILTER_ALL,
            "filter_due": FILTER_ALL,
            "limit": TODO_LIST_LIMIT,
        },
    )


def following_split(
    occurrence: CalEvent,
) -> tuple[Repeat, Repeat | None]:
    """Split a series at an occurrence: the master's shortened rule, the rest's rule.

    The rest is None when no occurrence is left after the split point.
    """
    repeat = occurrence.draft.repeat
    if repeat is None or occurrence.recurrence_id is None:
        msg = "the event is not an occurrence of a series"
        raise RecurrenceError(msg)
    split = _sort_key(occurrence.start)
    head = replace(repeat, count=None, until=split - timedelta(seconds=1))
    if repeat.count is not None and occurrence.repeat_index is not None:
        rest = repeat.count - occurrence.repeat_index + 1
        head = replace(repeat, count=occurrence.repeat_index - 1)
        return head, replace(repeat, count=rest) if rest > 0 else None
    return head, repeat


# --- the calls ----------------------------------------------------------------------


class SynoCalendarApi:
    """Calls to Synology Calendar for the signed-in user."""

    def __init__(self, client: DsmClient) -> None:
        """Use client for every call."""
        self._client = client

    # calendars and task lists

    async def calendars(self, kind: CalendarKind) -> tuple[SynoCalendar, ...]:
        """Return the user's own and shared calendars (or task lists)."""
        call = calendar_list_call(kind)
        return parse_calendars(
            await self._client.call(call.endpoint, call.params), kind
        )

    async def calendar(self, cal_id: str, kind: CalendarKind) -> SynoCalendar:
        """Return one calendar."""
        data = await self._client.call(CAL_GET, {"cal_id": cal_id})
        return calendar_from_wire(kind)(Fields.of(data, CAL_GET))

    async def create_calendar(
        self, name: str, kind: CalendarKind, *, color: str = "", description: str = ""
    ) -> SynoCalendar:
        """Create a calendar or task list (every v5 field is required, §6.3)."""
        data = await self._client.call(
            CAL_CREATE,
            {**_calendar_fields(name, color, description), "cal_type": kind},
        )
        return calendar_from_wire(kind)(Fields.of(data, CAL_CREATE))

    async def set_calendar(
        self, calendar: SynoCalendar, *, name: str, color: str, description: str
    ) -> SynoCalendar:
        """Rename or recolour a calendar."""
        data = await self._client.call(
            CAL_SET,
            {
                "cal_id": calendar.cal_id,
                "original_cal_id": calendar.original_cal_id,
                **_calendar_fields(name, color, description),
            },
        )
        return calendar_from_wire(calendar.kind)(Fields.of(data, CAL_SET))

    async def delete_calendar(self, cal_id: str) -> None:
        """Delete a calendar with everything in it."""
        await self._client.call(CAL_DELETE, {"cal_id": cal_id})

    # events

    async def events(
        self, cal_ids: Sequence[str], start: datetime, end: datetime
    ) -> tuple[CalEvent, ...]:
        """Return the occurrences in [start, end) of many calendars, in one request."""
        if not cal_ids:
            return ()
        call = event_list_call(cal_ids, start, end)
        data = await self._client.call(call.endpoint, call.params)
        # Thousands of events take tens of milliseconds to parse: off the event loop.
        return await asyncio.get_running_loop().run_in_executor(
            None, parse_events, data
        )

    async def event(self, evt_id: int, recurrence_id: str | None = None) -> CalEvent:
        """Return an event (a series' master), or one occurrence of it."""
        params: dict[str, Any] = {"evt_id": evt_id}
        if recurrence_id is not None:
            params["recurrence_id"] = recurrence_id
        return event_from_wire(
            Fields.of(await self._client.call(EVENT_GET, params), EVENT_GET)
        )

    async def event_by_uid(self, cal_id: str, uid: str) -> CalEvent:
        """Return an event by its iCalendar UID within a calendar."""
        data = await self._client.call(EVENT_GET, {"ical_uid": uid, "cal_id": cal_id})
        return event_from_wire(Fields.of(data, EVENT_GET))

    async def create_event(self, calendar: SynoCalendar, draft: EventDraft) -> CalEvent:
        """Create an event (a series when draft.repeat is set).

        Without a colour of its own it takes its calendar's (``#RRGGBB`` of it), as
        DSM's own editor does; DSM stores no "inherit" value (§7.4).
        """
        draft.validate()
        if not draft.color:
            draft = replace(draft, color=calendar.color[:7])
        params = {
            "cal_id": calendar.cal_id,
            "original_cal_id": calendar.original_cal_id,
            **draft.wire(),
            **_repeat_params(draft.repeat),
        }
        params.pop("attachments")  # not a create field (§7.4)
        data = await self._client.call(EVENT_CREATE, params)
        return event_from_wire(Fields.of(data, EVENT_CREATE))

    async def update_event(self, event: CalEvent, draft: EventDraft) -> CalEvent:
        """Replace an event (a whole series) as long as it is still at event.etag.

        A stale etag raises DsmConflictError and changes nothing.
        """
        draft.validate()
        data = await self._client.call(
            EVENT_SET,
            {
                **_identity(event),
                **draft.wire(),
                **_repeat_params(draft.repeat),
                # calendar.md 2026-12: Calendar 3.x refuses a set without it.
                "personal_property": personal_property_wire(draft.personal_property),
            },
        )
        return event_from_wire(Fields.of(data, EVENT_SET))

    async def update_occurrence(
        self, occurrence: CalEvent, draft: EventDraft
    ) -> CalEvent:
        """Change one occurrence of a series only (``subevent_set``)."""
        draft.validate()
        params = {
            **_identity(occurrence),
            "recurrence_id": _recurrence_id(occurrence),
            **draft.wire(),
        }
        params.pop("participant")  # subevent_set takes no participants (§7.6)
        data = await self._client.call(EVENT_SUBEVENT_SET, params)
        return event_from_wire(Fields.of(data, EVENT_SUBEVENT_SET))

    async def delete_event(self, evt_id: int) -> None:
        """Delete an event; for a series, every occurrence."""
        await self._client.call(EVENT_DELETE, {"evt_id": evt_id})

    async def delete_occurrence(self, occurrence: CalEvent) -> None:
        """Delete one occurrence of a series (``set_exdate``)."""
        await self._client.call(
            EVENT_SET_EXDATE,
            {
                "evt_id": occurrence.evt_id,
                "dav_etag": occurrence.etag,
                "exdate": _recurrence_id(occurrence),
            },
        )

    async def update_following(
        self, occurrence: CalEvent, draft: EventDraft
    ) -> CalEvent:
        """Change an occurrence and every later one.

        A new series with the changes starts at the occurrence, then the old one ends
        before it. DSM has no call for "this and following" (§7.6); this is what CalDAV
        clients do. In this order a stop between the two calls leaves the rest twice
        (deleting the new series removes it), never lost; the second call failing
        deletes the new series again.
        """
        master = await self.event(occurrence.evt_id)
        head, rest = following_split(occurrence)
        calendar = _calendar_of(master)
        if occurrence.repeat_index == 1:
            # The first occurrence: the whole series changes, keeping its id and UID.
            return await self.update_event(master, replace(draft, repeat=draft.repeat))
        repeat = draft.repeat if draft.repeat != occurrence.draft.repeat else rest
        created = await self.create_event(calendar, replace(draft, repeat=repeat))
        try:
            await self.update_event(master, replace(master.draft, repeat=head))
        except DsmError:
            await self.delete_event(created.evt_id)
            raise
        return created

    async def delete_following(self, occurrence: CalEvent) -> None:
        """Delete an occurrence and every later one (the series ends before it)."""
        head, _ = following_split(occurrence)
        if occurrence.repeat_index == 1:
            await self.delete_event(occurrence.evt_id)
            return
        master = await self.event(occurrence.evt_id)
        await self.update_event(master, replace(master.draft, repeat=head))

    # tasks

    async def tasks(self, list_ids: Sequence[str]) -> tuple[CalTask, ...]:
        """Return every task of many task lists, in one request."""
        if not list_ids:
            return ()
        call = task_list_call(list_ids)
        return parse_tasks(await self._client.call(call.endpoint, call.params))

    async def task(self, evt_id: int) -> CalTask:
        """Return one task."""
        data = await self._client.call(TODO_GET, {"evt_id": evt_id})
        return task_from_wire(Fields.of(data, TODO_GET))

    async def create_task(self, task_list: SynoCalendar, draft: TaskDraft) -> CalTask:
        """Create a task in a task list."""
        data = await self._client.call(
            TODO_CREATE,
            {
                "original_cal_id": task_list.original_cal_id,
                **draft.wire(self._task_zone_keys()),
            },
        )
        return task_from_wire(Fields.of(data, TODO_CREATE))

    async def update_task(self, task: CalTask, draft: TaskDraft) -> CalTask:
        """Replace a task still at task.etag (a stale one raises DsmConflictError).

        INFERRED (§8.5): ``evt_id`` is sent although the reference's list omits it.
        """
        data = await self._client.call(
            TODO_SET,
            {
                "evt_id": task.evt_id,
                "original_cal_id": task.list_id,
                "dav_etag": task.etag,
                "priority_order": task.priority_order,
                **draft.wire(self._task_zone_keys()),
            },
        )
        return task_from_wire(Fields.of(data, TODO_SET))

    def _task_zone_keys(self) -> tuple[str, ...]:
        """Return the zone keys to send: the NAS's own, once a self-check saw it."""
        form = self._client.forms.get(TASK_ZONE_FORM)
        return TASK_ZONE_KEYS if form is None else (form,)

    async def delete_task(self, evt_id: int) -> None:
        """Delete a task."""
        await self._client.call(TODO_DELETE, {"evt_id": evt_id})

    # settings, time zones, iCalendar

    async def settings(self) -> CalSettings:
        """Return the user's Calendar preferences."""
        answer = Fields.of(await self._client.call(SETTING_GET), SETTING_GET)
        return CalSettings(
            time_zone=answer.field("time_zone", str),
            default_cal_id=answer.optional("default_cal", str, ""),
            week_start_day=answer.optional("week_start_day", int, 0),
        )

    async def time_zones(self) -> tuple[str, ...]:
        """Return the IANA names Calendar offers."""
        data = await self._client.call(TIMEZONE_LIST)
        answer = Fields.of(data, TIMEZONE_LIST)
        return tuple(item.field("tzid", str) for item in answer.objects("list"))

    async def export_ics(self, cal_id: str) -> str:
        """Return a whole calendar as iCalendar text (``Cal.export`` answers raw ICS)."""
        body = await self._client.download(CAL_EXPORT, {"cal_id": cal_id})
        try:
            return body.decode()
        except UnicodeDecodeError as err:
            msg = "Cal.export answered with a body that is not text"
            raise DsmResponseError(msg) from err

    async def import_ics(self, cal_id: str, ics: str) -> None:
        """Add the events and tasks of iCalendar text to a calendar.

        INFERRED (§6.6): ``Cal.import`` is a multipart upload of ``cal_id`` and a file
        part. UIDs in the file are kept, so importing an export restores it.
        """
        await self._client.upload(
            CAL_IMPORT,
            {"cal_id": cal_id},
            file_name="calendar.ics",
            content=ics.encode(),
            content_type="text/calendar",
        )


def _calendar_fields(name: str, color: str, description: str) -> dict[str, Any]:
    return {
        "cal_displayname": name,
        "cal_description": description,
        "cal_color": color or DEFAULT_COLOR,
        "is_hidden_in_cal": False,
        "is_hidden_in_list": False,
        "notify_alarm_by_browser": True,
        "notify_alarm_by_mail": False,
        "notify_evt_by_browser": True,
        "notify_evt_by_mail": False,
        "notify_import_cal_by_browser": True,
        "notify_import_cal_by_mail": False,
    }


def _identity(event: CalEvent) -> dict[str, Any]:
    return {
        "evt_id": event.evt_id,
        "cal_id": event.cal_id,
        "original_cal_id": event.original_cal_id,
        "dav_etag": event.etag,
    }


def _repeat_params(repeat: Repeat | None) -> dict[str, Any]:
    """Return ``is_repeat_evt`` and ``repeat_setting``.

    CONFLICT (§7.2): the reference types repeat_setting as an array on input; the
    working client sends one object, which is what is sent here.
    """
    if repeat is None:
        return {"is_repeat_evt": False}
    return {"is_repeat_evt": True, "repeat_setting": repeat.wire()}


def _recurrence_id(occurrence: CalEvent) -> str:
    if occurrence.recurrence_id is None:
        msg = "the event is not an occurrence of a series"
        raise RecurrenceError(msg)
    return occurrence.recurrence_id


def _calendar_of(event: CalEvent) -> SynoCalendar:
    """Return the identity of an event's calendar, enough to create another event in it."""
    return SynoCalendar(
        cal_id=event.cal_id,
        original_cal_id=event.original_cal_id,
        owner="",
        name="",
        description="",
        color="",
        privilege=Privilege.READ_WRITE,
        kind=CalendarKind.EVENT,
        is_default=False,
    )
