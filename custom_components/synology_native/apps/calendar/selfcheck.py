"""Synology Calendar's part of the NAS self-check: its guesses and the reads for them."""

from datetime import UTC, datetime, timedelta

from custom_components.synology_native.api import calendar
from custom_components.synology_native.api.calendar import (
    CAL_LIST,
    EVENT_LIST,
    TASK_ZONE_FORM,
    TASK_ZONE_KEY,
    TASK_ZONE_KEYS,
    TODO_LIST as TASK_LIST,
    CalendarKind,
    SynoCalendarApi,
)
from custom_components.synology_native.selfcheck.guesses import (
    NOT_SEEN,
    AppSelfCheck,
    Guess,
    Status,
    Verdict,
    fields_of,
    first_answer,
    list_items,
    parsed,
    present,
)
from custom_components.synology_native.selfcheck.probe import Observations, Probe, Read

# Calendar events are read for this window around now.
CALENDAR_WINDOW = timedelta(days=35)


async def _read_events(probe: Probe) -> None:
    api = SynoCalendarApi(probe.client)
    calendars = await api.calendars(CalendarKind.EVENT)
    now = datetime.now(UTC)
    await api.events(
        [item.cal_id for item in calendars],
        now - CALENDAR_WINDOW,
        now + CALENDAR_WINDOW,
    )


async def _read_tasks(probe: Probe) -> None:
    api = SynoCalendarApi(probe.client)
    lists = await api.calendars(CalendarKind.TODO)
    await api.tasks([item.cal_id for item in lists])


def _event_list_form(seen: Observations) -> Verdict:
    answer = first_answer(seen, EVENT_LIST)
    if answer is None:
        return NOT_SEEN
    if "list" in fields_of(answer):
        return Verdict(Status.CONFIRMED, form="list")
    if isinstance(answer, dict) and "list" in answer:
        return Verdict(Status.CONTRADICTED, answer, form="array")
    return Verdict(Status.CONTRADICTED, answer, form="keyed")


def _task_zone_key(seen: Observations) -> Verdict:
    items = list_items(seen, TASK_LIST, "list")
    if not items:
        return NOT_SEEN
    keys = [key for key in TASK_ZONE_KEYS if all(present(item, key) for item in items)]
    if TASK_ZONE_KEY in keys:
        return Verdict(Status.CONFIRMED, form=TASK_ZONE_KEY)
    if keys:
        return Verdict(Status.CONTRADICTED, {"zone_key": keys[0]}, form=keys[0])
    return Verdict(Status.CONTRADICTED, items[0])


SELF_CHECK = AppSelfCheck(
    guesses=(
        Guess(
            "calendar_lists",
            "api/calendar.py parse_calendars",
            "Cal.list answers {list: [...]} with the fields calendars and task lists "
            "read.",
            parsed(Read.CALENDAR_EVENTS, CAL_LIST, "list"),
            breaks=True,
        ),
        Guess(
            "calendar_event_list_form",
            "api/calendar.py event_list_items",
            "Event.list (v5) answers {list: [...]}; a map by calendar and a bare array "
            "are read too.",
            _event_list_form,
        ),
        Guess(
            "calendar_events",
            "api/calendar.py event_from_wire",
            "Events carry the fields the calendar entities read.",
            parsed(Read.CALENDAR_EVENTS, EVENT_LIST),
            breaks=True,
        ),
        Guess(
            TASK_ZONE_FORM,
            "api/calendar.py TASK_ZONE_KEY, TaskDraft.wire, task_from_wire",
            "Tasks name their time zone tzid (Synology's documentation), not tz_id.",
            _task_zone_key,
        ),
    ),
    reads=((Read.CALENDAR_EVENTS, _read_events), (Read.CALENDAR_TASKS, _read_tasks)),
    modules=(calendar,),
    forms={TASK_ZONE_FORM: TASK_ZONE_KEYS},
)
