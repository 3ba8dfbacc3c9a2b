"""Synology Calendar's calendars through Home Assistant, against the simulator over HTTP.

The frontend's calendar commands and reads, series edits, the poll and diagnostics. The
task lists are in test_calendar_todo.py, the actions' own cases in
test_calendar_services.py; the helpers here serve all three.

Home Assistant runs in US/Pacific (the test default); the NAS user's zone is
Europe/Berlin, and some events are in America/New_York.
"""

import asyncio
from datetime import UTC, date, datetime
from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from unittest.mock import patch
from zoneinfo import ZoneInfo

from homeassistant.components.todo.const import DOMAIN as TODO_DOMAIN
from homeassistant.const import ATTR_ENTITY_ID, Platform
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)

from custom_components.synology_native.api import DsmClient
from custom_components.synology_native.apps.calendar.coordinator import (
    CALENDAR,
    window_at,
)
from custom_components.synology_native.const import CONF_APPS, DOMAIN
from tests.conftest import demo_entry
from tests.fake_dsm.calendar_store import READ_ONLY, READ_WRITE
from tests.fake_dsm.store import DEMO_USER
from tests.test_init import poll, setup_entry

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.typing import (
        ClientSessionGenerator,
        WebSocketGenerator,
    )
    from syrupy.assertion import SnapshotAssertion

    from custom_components.synology_native.api.models import Endpoint
    from tests.fake_dsm import FakeDsm
    from tests.fake_dsm.calendar_store import CalendarStore, SimCalendar

HOME = "calendar.ds923_demo_my_calendar"
TASKS = "todo.calendar_tasks"
PACIFIC = ZoneInfo("US/Pacific")
BERLIN = ZoneInfo("Europe/Berlin")


def home(cal: CalendarStore) -> SimCalendar:
    """Return the demo user's default calendar in the simulator."""
    return cal.calendars[f"/{DEMO_USER}/home/"]


async def listed(
    hass_client: ClientSessionGenerator,
    entity_id: str = HOME,
    start: str = "2026-03-01T00:00:00-08:00",
    end: str = "2026-04-30T00:00:00-07:00",
) -> list[dict[str, Any]]:
    """Read events as the frontend's calendar panel does."""
    client = await hass_client()
    response = await client.get(
        f"/api/calendars/{entity_id}", params={"start": start, "end": end}
    )
    assert response.status == HTTPStatus.OK
    result: list[dict[str, Any]] = await response.json()
    return result


async def ws(
    hass_ws_client: WebSocketGenerator, command: str, **data: Any
) -> dict[str, Any]:
    """Send one calendar WebSocket command as the frontend does; return the answer."""
    client = await hass_ws_client()
    await client.send_json_auto_id({"type": command, **data})
    result: dict[str, Any] = await client.receive_json()
    return result


async def action(hass: HomeAssistant, name: str, **data: Any) -> Any:
    """Call one of our calendar actions on the home calendar; return its response."""
    response = await hass.services.async_call(
        DOMAIN,
        name,
        {ATTR_ENTITY_ID: HOME, **data},
        blocking=True,
        return_response=name != "delete_event",
    )
    return None if response is None else response[HOME]


@pytest.mark.usefixtures("calendar_loaded")
async def test_single_event_create_edit_delete_from_the_frontend(
    hass_ws_client: WebSocketGenerator,
    hass_client: ClientSessionGenerator,
    cal: CalendarStore,
) -> None:
    """The calendar card creates, edits and deletes a one-off event."""
    answer = await ws(
        hass_ws_client,
        "calendar/event/create",
        entity_id=HOME,
        event={
            "summary": "Dentist",
            "dtstart": "2026-03-04T10:00:00-08:00",
            "dtend": "2026-03-04T11:00:00-08:00",
            "location": "Main Street",
            "description": "Bring the card",
        },
    )
    assert answer["success"], answer
    [stored] = cal.events.values()
    assert stored.tz_id == "US/Pacific"
    assert stored.master.summary == "Dentist"
    assert stored.color == home(cal).color  # the calendar's colour, not black
    [event] = await listed(hass_client)
    assert event["summary"] == "Dentist"
    assert event["start"] == {"dateTime": "2026-03-04T10:00:00-08:00"}
    assert event["location"] == "Main Street"
    assert event["uid"] == stored.uid
    assert event["recurrence_id"] is None
    answer = await ws(
        hass_ws_client,
        "calendar/event/update",
        entity_id=HOME,
        uid=stored.uid,
        event={
            "summary": "Dentist (moved)",
            "dtstart": "2026-03-05T14:00:00-08:00",
            "dtend": "2026-03-05T15:00:00-08:00",
            "description": "Bring the card",
        },
    )
    assert answer["success"], answer
    [event] = await listed(hass_client)
    assert event["summary"] == "Dentist (moved)"
    assert event["start"] == {"dateTime": "2026-03-05T14:00:00-08:00"}
    answer = await ws(
        hass_ws_client, "calendar/event/delete", entity_id=HOME, uid=stored.uid
    )
    assert answer["success"], answer
    assert await listed(hass_client) == []
    assert cal.events == {}


async def weekly_standup(
    hass_ws_client: WebSocketGenerator, hass_client: ClientSessionGenerator
) -> list[dict[str, Any]]:
    """Create a weekly 09:00 series of five from Monday 2 March; return its occurrences."""
    answer = await ws(
        hass_ws_client,
        "calendar/event/create",
        entity_id=HOME,
        event={
            "summary": "Stand-up",
            "dtstart": "2026-03-02T09:00:00-08:00",
            "dtend": "2026-03-02T09:15:00-08:00",
            "rrule": "FREQ=WEEKLY;COUNT=5",
        },
    )
    assert answer["success"], answer
    return await listed(hass_client)


@pytest.mark.usefixtures("calendar_loaded")
async def test_series_across_dst_and_the_three_scopes(
    hass_ws_client: WebSocketGenerator, hass_client: ClientSessionGenerator
) -> None:
    """A weekly series keeps 09:00 across the 8 March change; this, following, all."""
    events = await weekly_standup(hass_ws_client, hass_client)
    assert [event["start"]["dateTime"] for event in events] == [
        "2026-03-02T09:00:00-08:00",
        "2026-03-09T09:00:00-07:00",
        "2026-03-16T09:00:00-07:00",
        "2026-03-23T09:00:00-07:00",
        "2026-03-30T09:00:00-07:00",
    ]
    assert {event["rrule"] for event in events} == {"FREQ=WEEKLY;COUNT=5"}
    uid = events[0]["uid"]
    # this occurrence: move the second one an hour later
    second = events[1]
    answer = await ws(
        hass_ws_client,
        "calendar/event/update",
        entity_id=HOME,
        uid=uid,
        recurrence_id=second["recurrence_id"],
        event={
            "summary": "Stand-up (late)",
            "dtstart": "2026-03-09T10:00:00-07:00",
            "dtend": "2026-03-09T10:15:00-07:00",
        },
    )
    assert answer["success"], answer
    # this occurrence: delete the third
    answer = await ws(
        hass_ws_client,
        "calendar/event/delete",
        entity_id=HOME,
        uid=uid,
        recurrence_id=events[2]["recurrence_id"],
    )
    assert answer["success"], answer
    events = await listed(hass_client)
    assert [(event["summary"], event["start"]["dateTime"]) for event in events] == [
        ("Stand-up", "2026-03-02T09:00:00-08:00"),
        ("Stand-up (late)", "2026-03-09T10:00:00-07:00"),
        ("Stand-up", "2026-03-23T09:00:00-07:00"),
        ("Stand-up", "2026-03-30T09:00:00-07:00"),
    ]
    # this and following: rename from the fourth on
    answer = await ws(
        hass_ws_client,
        "calendar/event/update",
        entity_id=HOME,
        uid=uid,
        recurrence_id=events[2]["recurrence_id"],
        recurrence_range="THISANDFUTURE",
        event={
            "summary": "Retro",
            "dtstart": "2026-03-23T09:00:00-07:00",
            "dtend": "2026-03-23T09:15:00-07:00",
        },
    )
    assert answer["success"], answer
    events = await listed(hass_client)
    assert [event["summary"] for event in events] == [
        "Stand-up",
        "Stand-up (late)",
        "Retro",
        "Retro",
    ]
    assert events[2]["uid"] != uid
    assert events[2]["rrule"] == "FREQ=WEEKLY;COUNT=2"
    # this and following: delete the old series from its second occurrence
    answer = await ws(
        hass_ws_client,
        "calendar/event/delete",
        entity_id=HOME,
        uid=uid,
        recurrence_id=events[1]["recurrence_id"],
        recurrence_range="THISANDFUTURE",
    )
    assert answer["success"], answer
    assert [event["summary"] for event in await listed(hass_client)] == [
        "Stand-up",
        "Retro",
        "Retro",
    ]
    # all: the new series as a whole
    answer = await ws(
        hass_ws_client, "calendar/event/delete", entity_id=HOME, uid=events[2]["uid"]
    )
    assert answer["success"], answer
    assert [event["summary"] for event in await listed(hass_client)] == ["Stand-up"]


def stop_at_second_write(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Stop Home Assistant (cancel the task) when an event write follows another.

    Return the writes that reached the NAS, in order.
    """
    sent: list[str] = []
    call = DsmClient.call

    async def stopping(
        self: DsmClient, endpoint: Endpoint, *args: Any, **kwargs: Any
    ) -> Any:
        if endpoint.api == "SYNO.Cal.Event" and endpoint.method in {"create", "set"}:
            if sent:
                raise asyncio.CancelledError
            sent.append(endpoint.method)
        return await call(self, endpoint, *args, **kwargs)

    monkeypatch.setattr(DsmClient, "call", stopping)
    return sent


@pytest.mark.usefixtures("calendar_loaded")
async def test_following_edit_interrupted_loses_nothing(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    hass_client: ClientSessionGenerator,
    freezer: FrozenDateTimeFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A stop between the two calls of "this and following" leaves a duplicate.

    Every occurrence is still there; deleting the old series from that occurrence on
    (the next call) finishes the edit.
    """
    events = await weekly_standup(hass_ws_client, hass_client)
    uid, fourth = events[0]["uid"], events[3]["recurrence_id"]
    sent = stop_at_second_write(monkeypatch)
    with pytest.raises(asyncio.CancelledError):
        await action(
            hass,
            "update_event",
            uid=uid,
            recurrence_id=fourth,
            scope="this_and_following",
            summary="Retro",
        )
    assert len(sent) == 1
    monkeypatch.undo()
    await poll(hass, freezer)
    events = await listed(hass_client)
    assert [(e["summary"], e["start"]["dateTime"][:10]) for e in events] == [
        ("Stand-up", "2026-03-02"),
        ("Stand-up", "2026-03-09"),
        ("Stand-up", "2026-03-16"),
        ("Stand-up", "2026-03-23"),
        ("Retro", "2026-03-23"),
        ("Stand-up", "2026-03-30"),
        ("Retro", "2026-03-30"),
    ]
    await action(
        hass,
        "delete_event",
        uid=uid,
        recurrence_id=fourth,
        scope="this_and_following",
    )
    assert [e["summary"] for e in await listed(hass_client)] == [
        "Stand-up",
        "Stand-up",
        "Stand-up",
        "Retro",
        "Retro",
    ]


@pytest.mark.usefixtures("calendar_loaded")
async def test_following_edit_failing_changes_nothing(
    hass_ws_client: WebSocketGenerator,
    hass_client: ClientSessionGenerator,
    fake_dsm: FakeDsm,
    cal: CalendarStore,
) -> None:
    """When ending the old series fails, the new one is deleted again (frontend edit)."""
    before = await weekly_standup(hass_ws_client, hass_client)
    fake_dsm.faults.fail_api("SYNO.Cal.Event", "set", 105)
    answer = await ws(
        hass_ws_client,
        "calendar/event/update",
        entity_id=HOME,
        uid=before[0]["uid"],
        recurrence_id=before[3]["recurrence_id"],
        recurrence_range="THISANDFUTURE",
        event={
            "summary": "Retro",
            "dtstart": "2026-03-23T09:00:00-07:00",
            "dtend": "2026-03-23T09:15:00-07:00",
        },
    )
    assert not answer["success"]
    assert "permission" in answer["error"]["message"].lower()
    assert len(cal.events) == 1
    assert await listed(hass_client) == before


@pytest.mark.usefixtures("calendar_loaded")
async def test_frontend_refuses_what_dsm_should_not_store(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator, cal: CalendarStore
) -> None:
    """A blank summary, year 1 or a series of 10^8 from the calendar card: refused."""
    tasks = len(cal.tasks)
    good = {
        "summary": "Stand-up",
        "dtstart": "2026-03-02T09:00:00-08:00",
        "dtend": "2026-03-02T09:15:00-08:00",
    }
    for event, message in (
        ({**good, "summary": " "}, "needs a summary"),
        ({**good, "rrule": "FREQ=DAILY;COUNT=100000000"}, "at most 5000"),
        (
            {
                **good,
                "dtstart": "0001-01-01T09:00:00+00:00",
                "dtend": "0001-01-01T10:00:00+00:00",
            },
            "years 1900 to 2999",
        ),
    ):
        answer = await ws(
            hass_ws_client, "calendar/event/create", entity_id=HOME, event=event
        )
        assert not answer["success"], event
        assert message in answer["error"]["message"]
    with pytest.raises(ServiceValidationError, match="years 1900 to 2999"):
        await hass.services.async_call(
            TODO_DOMAIN,
            "add_item",
            {"item": "Old", "due_date": "0001-01-01"},
            target={ATTR_ENTITY_ID: TASKS},
            blocking=True,
        )
    assert cal.events == {}
    assert len(cal.tasks) == tasks


@pytest.mark.usefixtures("calendar_loaded")
async def test_all_day_end_is_exclusive(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    hass_client: ClientSessionGenerator,
    cal: CalendarStore,
) -> None:
    """A one-day event covers that day only, in the frontend and on the NAS."""
    answer = await ws(
        hass_ws_client,
        "calendar/event/create",
        entity_id=HOME,
        event={"summary": "Holiday", "dtstart": "2026-03-06", "dtend": "2026-03-07"},
    )
    assert answer["success"], answer
    [event] = await listed(hass_client)
    assert (event["start"], event["end"]) == (
        {"date": "2026-03-06"},
        {"date": "2026-03-07"},
    )
    [stored] = cal.events.values()
    assert (stored.master.dtstart, stored.master.end) == (
        date(2026, 3, 6),
        date(2026, 3, 7),
    )
    next_day = await listed(
        hass_client, start="2026-03-07T00:00:00-08:00", end="2026-03-08T00:00:00-08:00"
    )
    assert next_day == []
    day_before = await listed(
        hass_client, start="2026-03-05T00:00:00-08:00", end="2026-03-06T00:00:00-08:00"
    )
    assert day_before == []
    created = await action(
        hass, "create_event", summary="Trip", start="2026-03-10", end="2026-03-13"
    )
    assert (created["start"], created["end"], created["all_day"]) == (
        "2026-03-10",
        "2026-03-13",
        True,
    )


@pytest.mark.usefixtures("calendar_loaded")
async def test_event_in_another_time_zone(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, cal: CalendarStore
) -> None:
    """A New York meeting keeps its zone on the NAS and shows in Pacific time."""
    created = await action(
        hass,
        "create_event",
        summary="Call with NY",
        start="2026-03-04 09:00:00",
        end="2026-03-04 10:00:00",
        time_zone="America/New_York",
        attendees=["alice", "bob@example.com"],
        reminders=[15],
        color="#112233",
        meeting_url="https://meet.example.com/ny",
        location="Video",
    )
    assert created["time_zone"] == "America/New_York"
    assert created["start"] == "2026-03-04T06:00:00-08:00"
    assert created["attendees"] == ["alice", "bob@example.com"]
    assert created["reminders"] == [15]
    assert created["meeting_url"] == "https://meet.example.com/ny"
    [stored] = cal.events.values()
    assert stored.tz_id == "America/New_York"
    assert stored.color == "#112233"
    assert stored.participant[1]["type"] == "email"
    [event] = await listed(hass_client)
    assert event["start"] == {"dateTime": "2026-03-04T06:00:00-08:00"}
    assert event["description"] == "Meeting link: https://meet.example.com/ny"
    with pytest.raises(ServiceValidationError, match="not a time zone"):
        await action(
            hass,
            "create_event",
            summary="x",
            start="2026-03-04 09:00:00",
            end="2026-03-04 10:00:00",
            time_zone="Mars/Olympus",
        )


@pytest.mark.usefixtures("calendar_loaded")
async def test_stale_etag_is_refused(
    hass: HomeAssistant, cal: CalendarStore, fake_dsm: FakeDsm
) -> None:
    """An update with an etag older than the NAS's changes nothing."""
    created = await action(
        hass,
        "create_event",
        summary="Budget",
        start="2026-03-04 09:00:00",
        end="2026-03-04 10:00:00",
    )
    stored = cal.events[created["event_id"]]
    stored.master.summary = "Budget (edited on the phone)"
    cal.touch(stored)
    with pytest.raises(HomeAssistantError, match="changed since it was read"):
        await action(
            hass,
            "update_event",
            uid=created["uid"],
            etag=created["etag"],
            summary="Mine",
        )
    assert stored.master.summary == "Budget (edited on the phone)"
    updated = await action(
        hass, "update_event", uid=created["uid"], etag=stored.etag, summary="Mine"
    )
    assert updated["summary"] == "Mine"


async def test_read_only_calendar_refuses_before_sending(
    hass: HomeAssistant,
    calendar_entry: MockConfigEntry,
    fake_dsm: FakeDsm,
    cal: CalendarStore,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """A calendar shared read-only offers no editing, and our actions refuse it."""
    alice = fake_dsm.store.users["alice"]  # a demo account
    family = cal.add_calendar(
        "alice", alice.uid, "Family", shares={DEMO_USER: READ_ONLY}
    )
    party = cal.add_event(family, "Party", date(2026, 8, 1), date(2026, 8, 2))
    cal.add_calendar("alice", alice.uid, "Private")
    await setup_entry(hass, calendar_entry)
    entity_id = "calendar.ds923_demo_family_alice"
    state = hass.states.get(entity_id)
    assert state is not None
    assert state.attributes["supported_features"] == 0
    assert hass.states.get("calendar.ds923_demo_private") is None
    fake_dsm.reset_request_log()
    for name, data in (
        ("create_event", {"summary": "x", "start": "2026-08-01", "end": "2026-08-02"}),
        ("delete_event", {"uid": party.uid}),
        ("update_event", {"uid": party.uid, "summary": "Mine"}),
        ("import_ics", {"ics": "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"}),
    ):
        with pytest.raises(ServiceValidationError, match="read-only"):
            await hass.services.async_call(
                DOMAIN,
                name,
                {ATTR_ENTITY_ID: entity_id, **data},
                blocking=True,
                return_response=name != "delete_event",
            )
    assert fake_dsm.requests == []
    answer = await ws(
        hass_ws_client,
        "calendar/event/create",
        entity_id=entity_id,
        event={"summary": "x", "dtstart": "2026-08-01", "dtend": "2026-08-02"},
    )
    assert answer["error"]["code"] == "not_supported"
    assert party.master.summary == "Party"


@pytest.mark.usefixtures("calendar_loaded")
async def test_calendars_appear_and_disappear(
    hass: HomeAssistant,
    cal: CalendarStore,
    fake_dsm: FakeDsm,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A calendar and a task list added on the NAS appear; deleted ones go away."""
    registry = er.async_get(hass)
    trips = cal.add_calendar(DEMO_USER, 1026, "Trips")
    groceries = cal.add_calendar(DEMO_USER, 1026, "Groceries", kind="todo")
    alice = fake_dsm.store.users["alice"]  # a demo account
    work = cal.add_calendar("alice", alice.uid, "Work", shares={DEMO_USER: READ_WRITE})
    cal.add_event(work, "Offsite", date(2026, 3, 3), date(2026, 3, 4))
    await poll(hass, freezer)
    assert hass.states.get("calendar.ds923_demo_trips") is not None
    assert hass.states.get("todo.calendar_groceries") is not None
    state = hass.states.get("calendar.ds923_demo_work_alice")
    assert state is not None
    assert state.attributes["message"] == "Offsite"
    assert state.attributes["supported_features"] == 7
    cal.delete_calendar(trips.cal_id)
    cal.delete_calendar(groceries.cal_id)
    await poll(hass, freezer)
    assert hass.states.get("calendar.ds923_demo_trips") is None
    assert registry.async_get("calendar.ds923_demo_trips") is None
    assert registry.async_get("todo.calendar_groceries") is None
    assert hass.states.get(HOME) is not None


@pytest.mark.usefixtures("calendar_loaded")
async def test_poll_is_one_request_and_writes_nothing_unchanged(
    hass: HomeAssistant,
    fake_dsm: FakeDsm,
    cal: CalendarStore,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A cycle is one request for the entry, Calendar included; unchanged, no state."""
    cal.add_event(
        home(cal),
        "Lunch",
        datetime(2026, 3, 2, 13, tzinfo=PACIFIC),
        datetime(2026, 3, 2, 14, tzinfo=PACIFIC),
    )
    await poll(hass, freezer)
    state = hass.states.get(HOME)
    assert state is not None
    assert state.attributes["message"] == "Lunch"
    assert state.state == "off"
    fake_dsm.reset_request_log()
    await poll(hass, freezer)
    [request] = fake_dsm.requests
    calendar_items = [
        item for item in request.compound if item[0].startswith("SYNO.Cal.")
    ]
    assert calendar_items == [
        ("SYNO.Cal.Cal", "list"),
        ("SYNO.Cal.Cal", "list"),
        ("SYNO.Cal.Event", "list"),
        ("SYNO.Cal.Todo", "list"),
    ]
    assert ("SYNO.DSM.Info", "getinfo") in request.compound
    assert any(api.startswith("SYNO.NoteStation.") for api, _ in request.compound)
    after = hass.states.get(HOME)
    assert after is not None
    assert after.last_updated == state.last_updated
    # The event is on now (13:00 plus two polls of five minutes).
    freezer.move_to(datetime(2026, 3, 2, 13, 30, tzinfo=PACIFIC))
    await poll(hass, freezer)
    now_on = hass.states.get(HOME)
    assert now_on is not None
    assert now_on.state == "on"


@pytest.mark.usefixtures("calendar_loaded")
async def test_range_outside_the_window_is_one_request(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    cal: CalendarStore,
    fake_dsm: FakeDsm,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Inside the polled window no request; a range beyond it one Event.list."""
    cal.add_event(home(cal), "Far", date(2026, 9, 1), date(2026, 9, 2))
    cal.add_event(home(cal), "Near", date(2026, 3, 3), date(2026, 3, 4))
    await poll(hass, freezer)
    fake_dsm.reset_request_log()
    near = await listed(hass_client, end="2026-03-10T00:00:00-08:00")
    assert [event["summary"] for event in near] == ["Near"]
    assert calendar_requests(fake_dsm) == []
    far = await listed(
        hass_client, start="2026-08-01T00:00:00-07:00", end="2026-10-01T00:00:00-07:00"
    )
    assert [event["summary"] for event in far] == ["Far"]
    assert calendar_requests(fake_dsm) == [("SYNO.Cal.Event", "list")]


def calendar_requests(fake_dsm: FakeDsm) -> list[tuple[str | None, str | None]]:
    """Return (api, method) of the requests that read or wrote Calendar."""
    return [
        (request.api, request.method)
        for request in fake_dsm.requests
        if str(request.api).startswith("SYNO.Cal.")
        or any(api.startswith("SYNO.Cal.") for api, _ in request.compound)
    ]


@pytest.mark.usefixtures("calendar_loaded")
async def test_diagnostics_count_without_contents(
    hass: HomeAssistant,
    calendar_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
    cal: CalendarStore,
) -> None:
    """Diagnostics count calendars, events and tasks; no title or user name shows."""
    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, calendar_entry
    )
    assert diagnostics["calendar"] == {
        "last_update_success": True,
        "calendars": 1,
        "read_only_calendars": 0,
        "task_lists": 1,
        "events_in_window": 0,
        "tasks": 2,
    }
    text = str(diagnostics)
    for task in cal.tasks.values():
        assert task.summary not in text
    assert DEMO_USER not in text


@pytest.mark.usefixtures("calendar_loaded")
async def test_the_snapshot_window_is_the_one_read_across_midnight(
    hass: HomeAssistant, calendar_entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    """A UTC day that begins between the read and the parse moves no window."""
    freezer.move_to(datetime(2026, 3, 2, 23, 59, 50, tzinfo=UTC))
    calendar = calendar_entry.runtime_data.app(CALENDAR)
    assert calendar is not None
    coordinator = calendar.coordinator
    results = await coordinator.client.compound(coordinator.reads())
    freezer.move_to(datetime(2026, 3, 3, 0, 0, 10, tzinfo=UTC))
    snapshot = await coordinator._async_snapshot(results)
    assert snapshot.window == window_at(datetime(2026, 3, 2, 23, 59, 50, tzinfo=UTC))


@pytest.mark.freeze_time("2026-11-30 12:00:00+00:00", tick=True)
@pytest.mark.parametrize("platform", [Platform.CALENDAR, Platform.TODO])
async def test_entities_snapshot(
    hass: HomeAssistant,
    entry_data: dict[str, Any],
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    platform: Platform,
) -> None:
    """The calendar and the task list as Home Assistant shows them (demo data)."""
    entry = demo_entry(entry_data, {CONF_APPS: ["calendar"]})
    with patch("custom_components.synology_native.PLATFORMS", [platform]):
        await setup_entry(hass, entry)
    await snapshot_platform(hass, entity_registry, snapshot, entry.entry_id)
