"""Synology Calendar actions: events with ids, UIDs and recurrence scopes; iCalendar.

They are entity services of this integration's calendar entities: each runs as a
method of the calendar (``SynologyCalendar.async_action_*``), with the reading of its
fields from here. Unlike core's calendar actions, get_events returns each event's
iCalendar UID, DSM id and recurrence id, and the update and delete actions take the
recurrence scope the frontend offers.
"""

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
import re
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from homeassistant.components.calendar.const import DOMAIN as CALENDAR_DOMAIN
from homeassistant.core import SupportsResponse
from homeassistant.helpers import config_validation as cv
from homeassistant.util import dt as dt_util
from ical.calendar_stream import IcsCalendarStream
from ical.exceptions import CalendarParseError
import probatio

from custom_components.synology_native.api.calendar import (
    Attendee,
    CalEvent,
    EventDraft,
    Reminder,
)
from custom_components.synology_native.apps.calendar.entity import (
    THIS_AND_FUTURE,
    draft_from_ha,
)
from custom_components.synology_native.services import (
    EntityAction,
    invalid,
    parse_time,
)
from custom_components.synology_native.services.files import (
    one_chunk,
    open_for_reading,
    write_whole,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from homeassistant.core import HomeAssistant

ATTR_ATTENDEES = "attendees"
ATTR_COLOR = "color"
ATTR_DESCRIPTION = "description"
ATTR_END = "end"
ATTR_ETAG = "etag"
ATTR_ICS = "ics"
ATTR_LOCATION = "location"
ATTR_MEETING_URL = "meeting_url"
ATTR_PATH = "path"
ATTR_RECURRENCE_ID = "recurrence_id"
ATTR_REMINDERS = "reminders"
ATTR_RRULE = "rrule"
ATTR_SCOPE = "scope"
ATTR_START = "start"
ATTR_SUMMARY = "summary"
ATTR_TIME_ZONE = "time_zone"
ATTR_UID = "uid"

SCOPE_THIS = "this"
SCOPE_FOLLOWING = "this_and_following"
SCOPE_ALL = "all"
SCOPES = [SCOPE_THIS, SCOPE_FOLLOWING, SCOPE_ALL]
# Home Assistant's recurrence_range for each scope that names an occurrence.
_RANGES = {SCOPE_THIS: None, SCOPE_FOLLOWING: THIS_AND_FUTURE}

# Without an end, get_events reads this long from the start; it reads no more than
# MAX_SPAN at once (DSM lists every occurrence in the range).
DEFAULT_SPAN = timedelta(days=7)
MAX_SPAN = timedelta(days=366)
# The earliest a reminder may come before an event.
MAX_REMINDER_MINUTES = 365 * 24 * 60
# An attendee is an e-mail address, or a DSM account name (no blanks, no @ / \ :).
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_ACCOUNT = re.compile(r"[^@\s/\\:]+")

# Times are read in the action (parse_time), so a wrong one gets a translated error.
_WHEN = object
_COLOR = probatio.Match(r"^#[0-9A-Fa-f]{6}$")

EVENT_FIELDS = {
    probatio.Optional(ATTR_DESCRIPTION): cv.string,
    probatio.Optional(ATTR_LOCATION): cv.string,
    probatio.Optional(ATTR_RRULE): cv.string,
    probatio.Optional(ATTR_TIME_ZONE): cv.string,
    probatio.Optional(ATTR_COLOR): _COLOR,
    probatio.Optional(ATTR_MEETING_URL): cv.url,
    probatio.Optional(ATTR_ATTENDEES): probatio.All(cv.ensure_list, [cv.string]),
    probatio.Optional(ATTR_REMINDERS): probatio.All(
        cv.ensure_list, [probatio.Coerce(int)]
    ),
}
GET_EVENTS_SCHEMA: dict[Any, Any] = {
    probatio.Required(ATTR_START): _WHEN,
    probatio.Optional(ATTR_END): _WHEN,
}
CREATE_EVENT_SCHEMA: dict[Any, Any] = {
    probatio.Required(ATTR_SUMMARY): cv.string,
    probatio.Required(ATTR_START): _WHEN,
    probatio.Required(ATTR_END): _WHEN,
    **EVENT_FIELDS,
}
TARGET_FIELDS = {
    probatio.Required(ATTR_UID): cv.string,
    probatio.Optional(ATTR_RECURRENCE_ID): cv.string,
    probatio.Optional(ATTR_SCOPE, default=SCOPE_ALL): probatio.In(SCOPES),
}
UPDATE_EVENT_SCHEMA: dict[Any, Any] = {
    **TARGET_FIELDS,
    probatio.Optional(ATTR_ETAG): cv.string,
    probatio.Optional(ATTR_SUMMARY): cv.string,
    probatio.Optional(ATTR_START): _WHEN,
    probatio.Optional(ATTR_END): _WHEN,
    **EVENT_FIELDS,
}
DELETE_EVENT_SCHEMA: dict[Any, Any] = {**TARGET_FIELDS}
EXPORT_SCHEMA: dict[Any, Any] = {probatio.Optional(ATTR_PATH): cv.string}
IMPORT_SCHEMA: dict[Any, Any] = {
    probatio.Exclusive(ATTR_ICS, "source"): cv.string,
    probatio.Exclusive(ATTR_PATH, "source"): cv.string,
}


def _zone(hass: HomeAssistant, data: Mapping[str, Any]) -> ZoneInfo:
    """Return the zone naive times are in: the action's time_zone, else Home Assistant's."""
    name = data.get(ATTR_TIME_ZONE) or str(hass.config.time_zone)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as err:
        raise invalid("unknown_time_zone", zone=name) from err


def _when(raw: Any, zone: ZoneInfo) -> date | datetime:
    """Return a datetime in zone (naive ones are wall time there); a date as it is."""
    value = parse_time(raw, dates=True)
    if value is None:
        raise invalid("invalid_time", time=str(raw))
    if not isinstance(value, datetime):
        return value
    if value.tzinfo is None:
        return value.replace(tzinfo=zone)
    return value.astimezone(zone)


def draft_of(
    hass: HomeAssistant, data: Mapping[str, Any], base: EventDraft | None
) -> EventDraft:
    """Build the event to store from the action's fields over base (if any)."""
    zone = _zone(hass, data)
    start = _when(data[ATTR_START], zone) if ATTR_START in data else None
    end = _when(data[ATTR_END], zone) if ATTR_END in data else None
    if base is not None:
        start = start if start is not None else base.start
        end = end if end is not None else base.end
    # The schema or base gives both.
    assert start is not None  # noqa: S101
    assert end is not None  # noqa: S101
    if isinstance(start, datetime) != isinstance(end, datetime):
        raise invalid("calendar_mixed_times")
    if end <= start:
        raise invalid("calendar_end_before_start")
    fields: dict[str, Any] = {
        "dtstart": start,
        "dtend": end,
        "summary": data.get(ATTR_SUMMARY, base.summary if base else ""),
        "description": data.get(ATTR_DESCRIPTION, base.description if base else ""),
        "location": data.get(ATTR_LOCATION, base.location if base else ""),
    }
    if ATTR_RRULE in data:
        fields["rrule"] = data[ATTR_RRULE]
    elif base is not None and base.repeat is not None:
        fields["rrule"] = base.repeat.rrule(base.start)
    draft = draft_from_ha(hass, fields, base)
    if not isinstance(start, datetime):
        draft = replace(draft, tz_id=str(zone))
    return replace(
        draft,
        color=data.get(ATTR_COLOR, draft.color),
        meeting_url=data.get(ATTR_MEETING_URL, draft.meeting_url),
        attendees=tuple(_attendee(item) for item in data[ATTR_ATTENDEES])
        if ATTR_ATTENDEES in data
        else draft.attendees,
        reminders=tuple(_reminder(minutes) for minutes in data[ATTR_REMINDERS])
        if ATTR_REMINDERS in data
        else draft.reminders,
    )


def _attendee(text: str) -> Attendee:
    """Read a DSM account name, or an e-mail address for someone outside the NAS."""
    text = text.strip()
    if "@" in text and _EMAIL.fullmatch(text):
        return Attendee(name=text, email=text, is_dsm_user=False)
    if _ACCOUNT.fullmatch(text):
        return Attendee(name=text, email="", is_dsm_user=True)
    raise invalid("calendar_attendee_invalid", attendee=text)


def _reminder(minutes: int) -> Reminder:
    """Read minutes before the start, within MAX_REMINDER_MINUTES."""
    if not 0 <= minutes <= MAX_REMINDER_MINUTES:
        raise invalid("calendar_reminder_out_of_range", limit=str(MAX_REMINDER_MINUTES))
    return Reminder(minutes)


def _as_text(value: date | datetime) -> str:
    return value.isoformat()


def event_response(event: CalEvent) -> dict[str, Any]:
    """Describe an event or occurrence for an action's response."""
    draft = event.draft
    start, end = draft.start, draft.end
    return {
        ATTR_UID: event.uid,
        "event_id": event.evt_id,
        ATTR_RECURRENCE_ID: event.recurrence_id,
        ATTR_SUMMARY: draft.summary,
        ATTR_DESCRIPTION: draft.description,
        ATTR_LOCATION: draft.location,
        ATTR_START: _as_text(
            dt_util.as_local(start) if isinstance(start, datetime) else start
        ),
        ATTR_END: _as_text(dt_util.as_local(end) if isinstance(end, datetime) else end),
        "all_day": draft.all_day,
        ATTR_TIME_ZONE: draft.tz_id,
        ATTR_RRULE: event.rrule,
        ATTR_COLOR: draft.color,
        ATTR_MEETING_URL: draft.meeting_url,
        ATTR_ATTENDEES: [attendee.name for attendee in draft.attendees],
        ATTR_REMINDERS: [reminder.minutes_before for reminder in draft.reminders],
        ATTR_ETAG: event.etag,
    }


def event_range(
    hass: HomeAssistant, data: Mapping[str, Any]
) -> tuple[datetime, datetime]:
    """Return the range get_events reads: from start, to end or DEFAULT_SPAN later."""
    zone = _zone(hass, data)
    start = _bound(data[ATTR_START], zone)
    end = _bound(data[ATTR_END], zone) if ATTR_END in data else None
    end = end or start + DEFAULT_SPAN
    if end <= start:
        raise invalid("calendar_end_before_start")
    if end - start > MAX_SPAN:
        raise invalid("calendar_span_too_long", days=str(MAX_SPAN.days))
    return start, end


def _bound(raw: Any, zone: ZoneInfo) -> datetime:
    """Return a range bound: a date means its midnight in zone."""
    when = _when(raw, zone)
    if not isinstance(when, datetime):
        return datetime(when.year, when.month, when.day, tzinfo=zone)
    return when


def scope_of(data: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """Return the occurrence an action names and the recurrence range of its scope."""
    scope = data[ATTR_SCOPE]
    recurrence_id = data.get(ATTR_RECURRENCE_ID)
    if scope == SCOPE_ALL:
        return None, None
    if not recurrence_id:
        raise invalid("calendar_recurrence_id_required", scope=scope)
    return recurrence_id, _RANGES[scope]


def _allowed_path(hass: HomeAssistant, path: str) -> Path:
    """Return a path Home Assistant may read or write (allowlist_external_dirs)."""
    if not hass.config.is_allowed_path(path):
        raise invalid("calendar_path_not_allowed", path=path)
    return Path(path)


async def write_export(hass: HomeAssistant, target: Path, ics: str) -> None:
    """Write an export whole through a temporary file, never through a link."""
    await write_whole(
        hass,
        target,
        one_chunk(ics.encode()),
        lambda: invalid("calendar_path_not_allowed", path=str(target)),
    )


async def export_target(hass: HomeAssistant, data: Mapping[str, Any]) -> Path | None:
    """Return the file export_ics writes to, None to answer with the text."""
    path = data.get(ATTR_PATH)
    target = _allowed_path(hass, path) if path else None
    if target is not None and await hass.async_add_executor_job(target.is_dir):
        raise invalid("calendar_export_to_folder", path=str(target))
    return target


async def ics_to_import(hass: HomeAssistant, data: Mapping[str, Any]) -> str:
    """Return the iCalendar text import_ics was given, or read from its file."""
    if ATTR_PATH in data:
        target = _allowed_path(hass, data[ATTR_PATH])
        file = await open_for_reading(
            hass, target, lambda: invalid("file_not_readable", path=str(target))
        )
        try:
            return (await hass.async_add_executor_job(file.read)).decode()
        except (OSError, UnicodeDecodeError) as err:
            raise invalid("file_not_readable", path=str(target)) from err
        finally:
            await hass.async_add_executor_job(file.close)
    if ATTR_ICS in data:
        return str(data[ATTR_ICS])
    raise invalid("calendar_ics_missing")


def counted(ics: str) -> dict[str, Any]:
    """Count what a file holds, refusing text that is not iCalendar."""
    try:
        parsed = IcsCalendarStream.calendar_from_ics(ics)
    except CalendarParseError as err:
        raise invalid("calendar_not_ics") from err
    if any(event.dtstart is None for event in parsed.events):
        raise invalid("calendar_event_without_start")
    return {
        "events": len({event.uid for event in parsed.events}),
        "tasks": len(parsed.todos),
    }


# Each action runs the calendar entity's method of the same name.
ACTIONS = tuple(
    EntityAction(name, CALENDAR_DOMAIN, f"async_action_{name}", schema, response)
    for name, schema, response in (
        ("get_events", GET_EVENTS_SCHEMA, SupportsResponse.ONLY),
        ("create_event", CREATE_EVENT_SCHEMA, SupportsResponse.OPTIONAL),
        ("update_event", UPDATE_EVENT_SCHEMA, SupportsResponse.OPTIONAL),
        ("delete_event", DELETE_EVENT_SCHEMA, SupportsResponse.NONE),
        ("export_ics", EXPORT_SCHEMA, SupportsResponse.OPTIONAL),
        ("import_ics", IMPORT_SCHEMA, SupportsResponse.OPTIONAL),
    )
)


# The DSM methods these actions (or Home Assistant's to-do actions, "todo.*") do the
# work of; call_api covers every other method (services/call_api.py, docs/endpoints.md).
COVERS: Mapping[tuple[str, str], str] = {
    ("SYNO.Cal.Event", "list"): "get_events",
    ("SYNO.Cal.Event", "create"): "create_event",
    ("SYNO.Cal.Event", "set"): "update_event",
    ("SYNO.Cal.Event", "subevent_set"): "update_event",
    ("SYNO.Cal.Event", "set_exdate"): "delete_event",
    ("SYNO.Cal.Event", "delete"): "delete_event",
    ("SYNO.Cal.Cal", "export"): "export_ics",
    ("SYNO.Cal.Cal", "import"): "import_ics",
    ("SYNO.Cal.Todo", "list"): "todo.get_items",
    ("SYNO.Cal.Todo", "create"): "todo.add_item",
    ("SYNO.Cal.Todo", "set"): "todo.update_item",
    ("SYNO.Cal.Todo", "delete"): "todo.remove_item",
}
