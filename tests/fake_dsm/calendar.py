"""SYNO.Cal.*: calendars, task lists, events with recurrence, tasks, settings, iCalendar.

v5 shapes from the project's Calendar reference: `data.list` lists, epoch seconds plus
`*_string` (all-day dates derived in UTC, timed ones in the event's `tz_id`), `tz_id` on
events and `tzid` on tasks, `dav_etag` required and checked on every v5 write, `set` a
full replace, `Event.list` one item per occurrence in the window. Export and import are
v1 and move raw iCalendar text.
"""

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from aiohttp import web
from ical.event import Event
from ical.exceptions import CalendarParseError

from .calendar_store import (
    EVENT,
    READ_WRITE,
    CalendarStore,
    RepeatSettingError,
    SimCalendar,
    SimEvent,
    SimTask,
    epoch_of,
    recur_from_setting,
    recurrence_key,
    setting_from_recur,
    wire_string,
)
from .webapi import CallContext, DsmError, FileBody, handler, optional, require

# The simulator's own wire constants (calendar.md), never the client's: a wrong number in
# the client must make the tests fail, not agree with it.
# 9006: Calendar's database was never set up (calendar.md §13, VERIFIED on two NASes).
DATABASE_NOT_READY_CODE = 9006
# A stale dav_etag and an unknown evt_id: UNKNOWN (calendar.md §13); the reference keeps
# 9007 and 9008 "in one named place" (Corrections, 2026-12) until a capture says so.
STALE_ETAG_CODE = 9007
NO_SUCH_ITEM_CODE = 9008

CAL = "SYNO.Cal.Cal"
EVT = "SYNO.Cal.Event"
TODO = "SYNO.Cal.Todo"
# INFERRED (§13): a write into a calendar shared read-only answers "no permission".
READ_ONLY_CODE = 105
INVALID = {"reason": "invalid"}

# The zones `SYNO.Cal.Timezone` offers (a real NAS lists several hundred).
OFFERED_ZONES = (
    "UTC",
    "Europe/Berlin",
    "Europe/London",
    "America/New_York",
    "America/Los_Angeles",
    "Asia/Tokyo",
    "Australia/Sydney",
)


def _store(ctx: CallContext) -> CalendarStore:
    """Return the calendar state, after making sure the caller has their default calendars."""
    store = ctx.store.calendar
    assert ctx.session is not None
    user = ctx.session.user
    if user.name in store.uninitialised:
        raise DsmError(DATABASE_NOT_READY_CODE)
    store.ensure_user(user.name, user.uid)
    return store


def _user(ctx: CallContext) -> str:
    assert ctx.session is not None
    return ctx.session.user.name


def _calendar(
    ctx: CallContext, cal_id: Any, *, write: bool = False
) -> tuple[SimCalendar, str]:
    """Return the calendar behind an id the caller sees: 120 unknown, 105 read-only for writes."""
    found = _store(ctx).resolve(_user(ctx), cal_id) if isinstance(cal_id, str) else None
    if found is None:
        raise DsmError(120, {"name": "cal_id", **INVALID})
    if write and found[1] != READ_WRITE:
        raise DsmError(READ_ONLY_CODE)
    return found


def _calendar_json(
    ctx: CallContext, calendar: SimCalendar, privilege: str
) -> dict[str, Any]:
    """Return the v5 calendar object (calendar.md §6.1)."""
    return {
        "cal_id": ctx.store.calendar.view_id(calendar, _user(ctx)),
        "original_cal_id": calendar.cal_id,
        "original_ug_name": calendar.owner,
        "original_user_no": calendar.owner_uid,
        "cal_displayname": calendar.name,
        "cal_description": calendar.description,
        "cal_color": calendar.color,
        "cal_privilege": privilege,
        "cal_public_sharing_id": "",
        "default_calendar": calendar.is_default,
        "is_hidden_in_cal": False,
        "is_hidden_in_list": False,
        "notify_alarm_by_browser": True,
        "notify_alarm_by_mail": False,
        "notify_evt_by_browser": True,
        "notify_evt_by_mail": False,
        "notify_import_cal_by_browser": True,
        "notify_import_cal_by_mail": False,
    }


# --- SYNO.Cal.Cal ----------------------------------------------------------------------


@handler(CAL, "list")
async def cal_list(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """v5 `cal_type` event / todo / all → `data.list`."""
    cal_type = require(params, "cal_type", str)
    if cal_type not in (EVENT, "todo", "all"):
        raise DsmError(120, {"name": "cal_type", **INVALID})
    seen = _store(ctx).visible(_user(ctx))
    return {
        "list": [
            _calendar_json(ctx, calendar, privilege)
            for _, calendar, privilege in seen
            if cal_type in ("all", calendar.kind)
        ]
    }


@handler(CAL, "get")
async def cal_get(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """One calendar by the id the caller sees."""
    calendar, privilege = _calendar(ctx, require(params, "cal_id", str))
    return _calendar_json(ctx, calendar, privilege)


_CAL_FIELDS = ("cal_displayname", "cal_description", "cal_color")


@handler(CAL, "create")
async def cal_create(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Create a calendar or task list of the caller."""
    for name in _CAL_FIELDS:
        require(params, name, str)
    kind = require(params, "cal_type", str)
    if kind not in (EVENT, "todo"):
        raise DsmError(120, {"name": "cal_type", **INVALID})
    assert ctx.session is not None
    calendar = _store(ctx).add_calendar(
        _user(ctx),
        ctx.session.user.uid,
        params["cal_displayname"],
        kind,
        color=params["cal_color"],
        description=params["cal_description"],
    )
    return _calendar_json(ctx, calendar, READ_WRITE)


@handler(CAL, "set")
async def cal_set(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Rename or recolour a calendar the caller owns."""
    calendar, privilege = _calendar(ctx, require(params, "cal_id", str))
    require(params, "original_cal_id", str)
    if calendar.owner != _user(ctx):
        raise DsmError(READ_ONLY_CODE)
    calendar.name = require(params, "cal_displayname", str)
    calendar.color = optional(params, "cal_color", str, calendar.color)
    calendar.description = optional(
        params, "cal_description", str, calendar.description
    )
    return _calendar_json(ctx, calendar, privilege)


@handler(CAL, "delete")
async def cal_delete(ctx: CallContext, params: dict[str, Any]) -> None:
    """Delete a calendar the caller owns with everything in it."""
    calendar, _ = _calendar(ctx, require(params, "cal_id", str))
    if calendar.owner != _user(ctx):
        raise DsmError(READ_ONLY_CODE)
    _store(ctx).delete_calendar(calendar.cal_id)


@handler(CAL, "export")
async def cal_export(ctx: CallContext, params: dict[str, Any]) -> FileBody:
    """v1: the calendar as a raw `.ics` body, not an envelope (§6.6)."""
    calendar, _ = _calendar(ctx, require(params, "cal_id", str))
    text = _store(ctx).export(calendar)
    return FileBody(text.encode(), "text/calendar")


@handler(CAL, "import")
async def cal_import(ctx: CallContext, params: dict[str, Any]) -> None:
    """v1: an uploaded `.ics` file into a calendar (INFERRED parameters, §6.6)."""
    calendar, _ = _calendar(ctx, require(params, "cal_id", str), write=True)
    upload = params.get("file")
    if not isinstance(upload, web.FileField):
        raise DsmError(114)
    try:
        _store(ctx).import_ics(calendar, upload.file.read().decode())
    except (CalendarParseError, UnicodeDecodeError, ValueError) as err:
        raise DsmError(120, {"name": "file", **INVALID}) from err


# --- SYNO.Cal.Event --------------------------------------------------------------------


def _event_json(
    ctx: CallContext, event: SimEvent, occurrence: Event | None = None
) -> dict[str, Any]:
    """Return the v5 event object; for an occurrence, its own times and `recurrence_id`."""
    store = ctx.store.calendar
    calendar = store.calendars[event.cal_id]
    component = occurrence or event.master
    master = event.master
    all_day = not isinstance(master.dtstart, datetime)
    data: dict[str, Any] = {
        "evt_id": event.evt_id,
        "cal_id": store.view_id(calendar, _user(ctx)),
        "original_cal_id": event.cal_id,
        "ical_uid": event.uid,
        "dav_etag": event.etag,
        "create_time": event.created,
        "modify_time": event.modified,
        "summary": component.summary or "",
        "description": component.description or "",
        "color": event.color,
        "is_all_day": all_day,
        "tz_id": event.tz_id,
        "dtstart": epoch_of(component.dtstart),
        "dtend": epoch_of(component.end),
        "dtstart_string": wire_string(component.dtstart, event.tz_id),
        "dtend_string": wire_string(component.end, event.tz_id),
        "evt_ical": event.ics(),
        "last_modify_user": event.owner,
        "owner_id": calendar.owner_uid,
        "owner_name": event.owner,
        "from_syno_app_url": {"app": "", "msg_id": ""},
        "notify_setting": event.notify_setting,
        "is_repeat_evt": master.rrule is not None,
        "repeat_setting": setting_from_recur(master.rrule) if master.rrule else {},
        "location_info": {
            **event.location_info,
            "name": component.location or "",
        },
        "participant": event.participant,
        "attachments": event.attachments,
        "extra_info": {},
        "recurrence_id": "",
        "need_invite_response": False,
        "personal_property": [{"is_visible": event.visible}],
        "invite_status": "accepted",
    }
    if master.rrule is not None and occurrence is not None:
        key = str(occurrence.recurrence_id)
        data["recurrence_id"] = key
        data["extra_info"] = {
            "main_event_dtstart": epoch_of(master.dtstart),
            "main_event_dtstart_string": wire_string(master.dtstart, event.tz_id),
            "main_event_dtend": epoch_of(master.end),
            "main_event_dtend_string": wire_string(master.end, event.tz_id),
            "repeat_index": event.repeat_index(key),
        }
    return data


def _event(ctx: CallContext, evt_id: Any) -> tuple[SimEvent, str]:
    """Return an event the caller can see, with their privilege on its calendar."""
    store = _store(ctx)
    event = store.events.get(evt_id) if isinstance(evt_id, int) else None
    found = store.resolve(_user(ctx), event.cal_id) if event is not None else None
    if event is None or found is None:
        raise DsmError(NO_SUCH_ITEM_CODE)
    return event, found[1]


def _writable_event(ctx: CallContext, params: dict[str, Any]) -> SimEvent:
    """Return the event a write names, checked for privilege and a current `dav_etag`."""
    event, privilege = _event(ctx, require(params, "evt_id", int))
    etag = require(params, "dav_etag", str)
    if privilege != READ_WRITE:
        raise DsmError(READ_ONLY_CODE)
    if etag != event.etag:
        raise DsmError(STALE_ETAG_CODE)
    return event


def _times(params: dict[str, Any]) -> tuple[date | datetime, date | datetime, str]:
    """Read `is_all_day`, `tz_id`, `dtstart`, `dtend` (epoch seconds, §5)."""
    all_day = require(params, "is_all_day", bool)
    start = require(params, "dtstart", int)
    end = require(params, "dtend", int)
    tz_id = require(params, "tz_id", str)
    if end < start:
        raise DsmError(120, {"name": "dtend", **INVALID})
    if all_day:
        return (
            datetime.fromtimestamp(start, UTC).date(),
            datetime.fromtimestamp(end, UTC).date(),
            tz_id,
        )
    try:
        tz = ZoneInfo(tz_id)
    except (ZoneInfoNotFoundError, ValueError) as err:
        raise DsmError(120, {"name": "tz_id", **INVALID}) from err
    return datetime.fromtimestamp(start, tz), datetime.fromtimestamp(end, tz), tz_id


def _repeat_setting(params: dict[str, Any]) -> dict[str, Any] | None:
    """CONFLICT (§7.2): the repeat object alone or in a one-item array."""
    if not require(params, "is_repeat_evt", bool):
        return None
    setting = params.get("repeat_setting")
    if isinstance(setting, list) and len(setting) == 1:
        setting = setting[0]
    if not isinstance(setting, dict):
        raise DsmError(120, {"name": "repeat_setting", **INVALID})
    return setting


def _component(params: dict[str, Any], uid: str | None = None) -> tuple[Event, str]:
    """Build the VEVENT a create, set or subevent_set describes, with its zone."""
    start, end, tz_id = _times(params)
    summary = require(params, "summary", str)
    description = require(params, "description", str)
    location = params.get("location_info") or {}
    event = Event(
        summary=summary,
        description=description.strip() or None,
        dtstart=start,
        dtend=end,
        location=location.get("name") or None if isinstance(location, dict) else None,
        **({"uid": uid} if uid else {}),
    )
    return event, tz_id


def _visibility(params: dict[str, Any]) -> bool:
    """Read `personal_property`; absent or malformed is 120, as on Calendar 3.x.

    CONFLICT (calendar.md 2026-12): an object or an array of objects with `is_visible`.
    """
    if "personal_property" not in params:
        raise DsmError(120, {"name": "personal_property", "reason": "required"})
    value = params["personal_property"]
    items = value if isinstance(value, list) else [value]
    if not items or not all(
        isinstance(item, dict) and isinstance(item.get("is_visible"), bool)
        for item in items
    ):
        raise DsmError(120, {"name": "personal_property", **INVALID})
    return bool(items[0]["is_visible"])


def _sidecar(event: SimEvent, params: dict[str, Any]) -> None:
    """Keep the web API's own fields of a write."""
    event.color = require(params, "color", str)
    notify = require(params, "notify_setting", list)
    event.notify_setting = notify
    if "participant" in params:
        event.participant = require(params, "participant", list)
    location = optional(params, "location_info", dict, {})
    event.location_info = {
        key: value for key, value in location.items() if key != "name"
    }
    event.attachments = optional(params, "attachments", list, event.attachments)


def _with_rule(component: Event, setting: dict[str, Any] | None) -> Event:
    if setting is None:
        return component
    try:
        rule = recur_from_setting(setting, component.dtstart)
    except RepeatSettingError as err:
        raise DsmError(120, {"name": "repeat_setting", **INVALID}) from err
    return component.model_copy(update={"rrule": rule})


@handler(EVT, "list")
async def event_list(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Return the occurrences in [start, end) of the listed calendars, one item each (§7.1)."""
    if "cal_id_list" not in params:
        raise DsmError(117)  # §7.1: observed for a list without calendars
    cal_ids = require(params, "cal_id_list", list)
    calendars = [_calendar(ctx, cal_id)[0].cal_id for cal_id in cal_ids]
    if "start" not in params and "end" not in params and "limit" not in params:
        raise DsmError(114)
    start = datetime.fromtimestamp(optional(params, "start", int, 0), UTC)
    end = datetime.fromtimestamp(optional(params, "end", int, 2**32), UTC)
    items = []
    for event in list(_store(ctx).events.values()):
        if event.cal_id not in calendars:
            continue
        items.extend(
            _event_json(ctx, event, occurrence)
            for occurrence in event.occurrences(start, end)
        )
    limit = optional(params, "limit", int, 0)
    return {"list": items[:limit] if limit else items}


@handler(EVT, "get")
async def event_get(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """By `evt_id`, or by `ical_uid` + `cal_id`; `recurrence_id` picks an occurrence."""
    if "evt_id" in params:
        event, _ = _event(ctx, require(params, "evt_id", int))
    else:
        uid = require(params, "ical_uid", str)
        calendar, _ = _calendar(ctx, require(params, "cal_id", str))
        found = _store(ctx).event_by_uid(calendar.cal_id, uid)
        if found is None:
            raise DsmError(NO_SUCH_ITEM_CODE)
        event = found
    recurrence_id = optional(params, "recurrence_id", str, "")
    if not recurrence_id:
        return _event_json(ctx, event)
    for occurrence in event.occurrences(
        datetime.fromtimestamp(0, UTC), datetime.fromtimestamp(2**32, UTC)
    ):
        if str(occurrence.recurrence_id) == recurrence_id:
            return _event_json(ctx, event, occurrence)
    raise DsmError(NO_SUCH_ITEM_CODE)


@handler(EVT, "create")
async def event_create(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Return a new event or series in a calendar the caller may write."""
    calendar, _ = _calendar(ctx, require(params, "cal_id", str), write=True)
    require(params, "original_cal_id", str)
    require(params, "participant", list)
    component, tz_id = _component(params)
    component = _with_rule(component, _repeat_setting(params))
    store = _store(ctx)
    now = store.now()
    event = SimEvent(
        evt_id=store.next_id(),
        cal_id=calendar.cal_id,
        owner=calendar.owner,
        etag="",
        tz_id=tz_id,
        master=component,
        created=now,
        modified=now,
    )
    _sidecar(event, params)
    store.touch(event)
    store.events[event.evt_id] = event
    return _event_json(ctx, event)


@handler(EVT, "set")
async def event_set(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Replace the master (the whole series); modified occurrences outside it go."""
    event = _writable_event(ctx, params)
    for name in ("cal_id", "original_cal_id"):
        require(params, name, str)
    require(params, "participant", list)
    # calendar.md 2026-12: Calendar 3.x refuses a set without these two.
    require(params, "location_info", dict, missing=120)
    event.visible = _visibility(params)
    require(params, "attachments", list)
    component, tz_id = _component(params, event.uid)
    component = _with_rule(component, _repeat_setting(params))
    component = component.model_copy(update={"exdate": list(event.master.exdate)})
    if exdate := optional(params, "exdate", str, ""):
        component.exdate.append(_exdate_value(component, exdate, tz_id))
    event.master, event.tz_id = component, tz_id
    if component.rrule is None:
        event.overrides = {}
    else:
        keys = {recurrence_key(start, tz_id) for start in _bounded(component)}
        event.overrides = {
            key: item for key, item in event.overrides.items() if key in keys
        }
    _sidecar(event, params)
    ctx.store.calendar.touch(event)
    return _event_json(ctx, event)


def _bounded(component: Event) -> list[date | datetime]:
    """Return the starts of a series, up to a bound for endless ones."""
    assert component.rrule is not None
    starts = []
    for index, start in enumerate(component.rrule.as_rrule(component.dtstart)):
        if index > 10_000:
            break
        starts.append(start)
    return starts


def _exdate_value(component: Event, exdate: str, tz_id: str) -> date | datetime:
    """Read an `exdate` (`YYYYMMDD` / `YYYYMMDDThhmmss`) for the series' start type."""
    try:
        if isinstance(component.dtstart, datetime):
            return datetime.strptime(exdate, "%Y%m%dT%H%M%S").replace(
                tzinfo=ZoneInfo(tz_id)
            )
        return datetime.strptime(exdate, "%Y%m%d").date()  # noqa: DTZ007
    except ValueError as err:
        raise DsmError(120, {"name": "exdate", **INVALID}) from err


def _is_occurrence(event: SimEvent, recurrence_id: str) -> bool:
    if event.master.rrule is None:
        return False
    return recurrence_id in {
        recurrence_key(start, event.tz_id) for start in _bounded(event.master)
    } and recurrence_id not in {
        recurrence_key(day, event.tz_id) for day in event.master.exdate
    }


@handler(EVT, "subevent_set")
async def event_subevent_set(
    ctx: CallContext, params: dict[str, Any]
) -> dict[str, Any]:
    """Change one occurrence only: it becomes a modified occurrence (RECURRENCE-ID)."""
    event = _writable_event(ctx, params)
    recurrence_id = require(params, "recurrence_id", str)
    if not _is_occurrence(event, recurrence_id):
        raise DsmError(NO_SUCH_ITEM_CODE)
    component, _ = _component(params, event.uid)
    component = component.model_copy(update={"recurrence_id": recurrence_id})
    event.overrides[recurrence_id] = component
    ctx.store.calendar.touch(event)
    return _event_json(ctx, event, component)


@handler(EVT, "set_exdate")
async def event_set_exdate(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Delete one occurrence of a series."""
    event = _writable_event(ctx, params)
    exdate = require(params, "exdate", str)
    if not _is_occurrence(event, exdate):
        raise DsmError(NO_SUCH_ITEM_CODE)
    event.master.exdate.append(_exdate_value(event.master, exdate, event.tz_id))
    event.overrides.pop(exdate, None)
    ctx.store.calendar.touch(event)
    return {"success": True}


@handler(EVT, "delete")
async def event_delete(ctx: CallContext, params: dict[str, Any]) -> None:
    """Delete an event, or a whole series."""
    event, privilege = _event(ctx, require(params, "evt_id", int))
    if privilege != READ_WRITE:
        raise DsmError(READ_ONLY_CODE)
    del ctx.store.calendar.events[event.evt_id]


# --- SYNO.Cal.Todo ---------------------------------------------------------------------


def _task_json(ctx: CallContext, task: SimTask) -> dict[str, Any]:
    """Return the v5 task object (§8.1): `tzid`, `due`, `percent_complete`, `evt_cal`."""
    calendar = ctx.store.calendar.calendars[task.cal_id]
    due_string = ""
    if task.due is not None:
        moment = datetime.fromtimestamp(task.due, UTC)
        due_string = wire_string(
            moment.date() if task.is_all_day else moment, task.tzid
        )
    return {
        "evt_id": task.evt_id,
        "original_cal_id": task.cal_id,
        "ical_uid": task.uid,
        "dav_etag": task.etag,
        "create_time": task.created,
        "modify_time": task.modified,
        "summary": task.summary,
        "description": task.description,
        "is_all_day": task.is_all_day,
        ctx.store.dialect.task_zone_key: task.tzid,
        "has_start_time": False,
        "dtstart": 0,
        "dtstart_string": "",
        "has_end_time": task.due is not None,
        "due": task.due or 0,
        "due_string": due_string,
        "percent_complete": task.percent_complete,
        "priority_order": task.priority_order,
        "notify_setting": [],
        "from_syno_app_url": {"app": "", "msg_id": ""},
        "evt_cal": "",
        "last_modify_user": task.owner,
        "owner_id": calendar.owner_uid,
        "owner_name": task.owner,
    }


def _task(ctx: CallContext, evt_id: Any, *, write: bool = False) -> SimTask:
    store = _store(ctx)
    task = store.tasks.get(evt_id) if isinstance(evt_id, int) else None
    found = store.resolve(_user(ctx), task.cal_id) if task is not None else None
    if task is None or found is None:
        raise DsmError(NO_SUCH_ITEM_CODE)
    if write and found[1] != READ_WRITE:
        raise DsmError(READ_ONLY_CODE)
    return task


def _task_fields(task: SimTask, params: dict[str, Any], zone_key: str) -> None:
    """Apply create/set fields; CONFLICT (§8.4, 2026-12): the zone as `tzid` or `tz_id`.

    Either is accepted, the NAS's own key (zone_key) first; both must then agree.
    """
    task.summary = require(params, "summary", str)
    task.description = require(params, "description", str).strip()
    keys = (zone_key, *(key for key in ("tzid", "tz_id") if key != zone_key))
    zones = [params[key] for key in keys if key in params]
    if any(not isinstance(zone, str) or zone != zones[0] for zone in zones):
        raise DsmError(120, {"name": "tzid", **INVALID})
    task.tzid = zones[0] if zones else task.tzid
    percent = require(params, "percent_complete", int)
    task.percent_complete = 100 if percent >= 100 else 0
    require(params, "has_start_time", bool)
    if require(params, "has_end_time", bool):
        task.due = require(params, "due", int)
        task.is_all_day = optional(params, "is_all_day", bool, False)
    else:
        task.due, task.is_all_day = None, False


@handler(TODO, "list")
async def todo_list(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Tasks of the listed task lists, with v5's yes/no/all filters (§8.2)."""
    ids = require(params, "cal_id_list", list)
    lists = {_calendar(ctx, cal_id)[0].cal_id for cal_id in ids}
    complete = optional(params, "filter_complete", str, "all")
    has_due = optional(params, "filter_due", str, "all")
    tasks = [
        task
        for task in _store(ctx).tasks.values()
        if task.cal_id in lists
        and _passes(complete, task.percent_complete >= 100)
        and _passes(has_due, task.due is not None)
    ]
    limit = optional(params, "limit", int, 0)
    return {"list": [_task_json(ctx, task) for task in tasks[: limit or None]]}


def _passes(value: str, flag: bool) -> bool:
    if value not in ("yes", "no", "all"):
        raise DsmError(120, {"name": "filter", **INVALID})
    return value == "all" or (value == "yes") == flag


@handler(TODO, "get")
async def todo_get(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """One task."""
    return _task_json(ctx, _task(ctx, require(params, "evt_id", int)))


@handler(TODO, "create")
async def todo_create(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Return a task in a task list the caller may write."""
    calendar, _ = _calendar(ctx, require(params, "original_cal_id", str), write=True)
    store = _store(ctx)
    task = store.add_task(calendar, "")
    try:
        _task_fields(task, params, ctx.store.dialect.task_zone_key)
    except DsmError:
        del store.tasks[task.evt_id]
        raise
    return _task_json(ctx, task)


@handler(TODO, "set")
async def todo_set(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Replace a task that is still at `dav_etag`."""
    task = _task(ctx, require(params, "evt_id", int), write=True)
    if require(params, "dav_etag", str) != task.etag:
        raise DsmError(STALE_ETAG_CODE)
    require(params, "priority_order", int)
    _task_fields(task, params, ctx.store.dialect.task_zone_key)
    ctx.store.calendar.touch(task)
    return _task_json(ctx, task)


@handler(TODO, "delete")
async def todo_delete(ctx: CallContext, params: dict[str, Any]) -> None:
    """Delete a task."""
    task = _task(ctx, require(params, "evt_id", int), write=True)
    del ctx.store.calendar.tasks[task.evt_id]


# --- settings and time zones -----------------------------------------------------------


@handler("SYNO.Cal.Setting", "get")
async def setting_get(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Return the caller's Calendar preferences (§9.1)."""
    user = _user(ctx)
    store = _store(ctx)
    return {
        "date_format": "Y-m-d",
        "default_alarm": {"is_set": False, "minutes": 10},
        "default_alarm_ad": {"is_set": False, "minutes": 0},
        "default_cal": f"/{user}/home/",
        "default_plugin_mode": "nav_panel",
        "default_todo_view": {"type": "upcoming", "extra": ""},
        "default_view": "week",
        "enable_keyboard_shortcut": True,
        "last_used_map_type": "none",
        "show_week_numbers": False,
        "time_format": "24",
        "time_zone": store.time_zones.get(user, "Europe/Berlin"),
        "week_start_day": 1,
    }


@handler("SYNO.Cal.Setting", "set")
async def setting_set(ctx: CallContext, params: dict[str, Any]) -> None:
    """Change the default time zone (the one preference the simulator keeps)."""
    time_zone = optional(params, "time_zone", str, "")
    if time_zone:
        if time_zone not in OFFERED_ZONES:
            raise DsmError(120, {"name": "time_zone", **INVALID})
        _store(ctx).time_zones[_user(ctx)] = time_zone


@handler("SYNO.Cal.Timezone", "list")
async def timezone_list(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Return the offered zones; works even before the Calendar database exists (§9.2)."""
    return {
        "list": [
            {"tzid": name, "vtimezone": "", "active": True, "temp": ""}
            for name in OFFERED_ZONES
        ]
    }
