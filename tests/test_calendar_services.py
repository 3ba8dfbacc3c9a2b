"""Synology Calendar's actions: scoped series edits, bad input, iCalendar export and import."""

from typing import TYPE_CHECKING, Any

from homeassistant.exceptions import ServiceValidationError
from ical.calendar_stream import IcsCalendarStream
import pytest

from tests.test_calendar import action, listed, weekly_standup

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.typing import (
        ClientSessionGenerator,
        WebSocketGenerator,
    )

    from tests.fake_dsm.calendar_store import CalendarStore


@pytest.mark.usefixtures("calendar_loaded")
async def test_whole_series_edit_and_scoped_actions(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    hass_client: ClientSessionGenerator,
) -> None:
    """update_event and delete_event actions with each scope; ids in get_events."""
    await weekly_standup(hass_ws_client, hass_client)
    got = await action(hass, "get_events", start="2026-03-01", end="2026-04-01")
    events = got["events"]
    assert len(events) == 5
    assert {event["event_id"] for event in events} == {events[0]["event_id"]}
    uid = events[0]["uid"]
    assert events[1]["recurrence_id"] == "20260309T090000"
    assert events[1]["time_zone"] == "US/Pacific"
    renamed = await action(
        hass, "update_event", uid=uid, summary="Daily", rrule="FREQ=DAILY;COUNT=3"
    )
    assert renamed["rrule"] == "FREQ=DAILY;COUNT=3"
    events = (await action(hass, "get_events", start="2026-03-01", end="2026-04-01"))[
        "events"
    ]
    assert [event["start"] for event in events] == [
        "2026-03-02T09:00:00-08:00",
        "2026-03-03T09:00:00-08:00",
        "2026-03-04T09:00:00-08:00",
    ]
    await action(
        hass,
        "update_event",
        uid=uid,
        recurrence_id=events[1]["recurrence_id"],
        scope="this",
        summary="Special",
    )
    await action(
        hass,
        "delete_event",
        uid=uid,
        recurrence_id=events[2]["recurrence_id"],
        scope="this_and_following",
    )
    events = (await action(hass, "get_events", start="2026-03-01", end="2026-04-01"))[
        "events"
    ]
    assert [event["summary"] for event in events] == ["Daily", "Special"]
    with pytest.raises(ServiceValidationError, match="needs the recurrence_id"):
        await action(hass, "delete_event", uid=uid, scope="this")
    await action(hass, "delete_event", uid=uid)
    assert await action(hass, "get_events", start="2026-03-01") == {"events": []}


@pytest.mark.usefixtures("calendar_loaded")
async def test_bad_input_changes_nothing(
    hass: HomeAssistant, cal: CalendarStore
) -> None:
    """Rules DSM cannot store, reversed or mixed times: refused, nothing created."""
    for data, message in (
        (
            {"rrule": "FREQ=MONTHLY;BYDAY=-1FR"},
            "cannot store the repeat rule",
        ),
        ({"end": "2026-03-04 08:00:00"}, "end must be after"),
        ({"end": "2026-03-05"}, "both be dates"),
    ):
        with pytest.raises(ServiceValidationError, match=message):
            await action(
                hass,
                "create_event",
                **{
                    "summary": "x",
                    "start": "2026-03-04 09:00:00",
                    "end": "2026-03-04 10:00:00",
                    **data,
                },
            )
    assert cal.events == {}


@pytest.mark.usefixtures("calendar_loaded")
async def test_export_import_round_trip(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    hass_client: ClientSessionGenerator,
    cal: CalendarStore,
    tmp_path: Any,
) -> None:
    """Export to a file, wipe, import: UID, rule, moved and deleted occurrences stay."""
    events = await weekly_standup(hass_ws_client, hass_client)
    uid = events[0]["uid"]
    await action(
        hass,
        "update_event",
        uid=uid,
        recurrence_id=events[1]["recurrence_id"],
        scope="this",
        summary="Moved",
        start="2026-03-09 11:00:00",
        end="2026-03-09 11:15:00",
    )
    await action(
        hass,
        "delete_event",
        uid=uid,
        recurrence_id=events[3]["recurrence_id"],
        scope="this",
    )
    before = await listed(hass_client)
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    target = tmp_path / "home.ics"
    assert await action(hass, "export_ics", path=str(target)) == {"path": str(target)}
    text = await action(hass, "export_ics")
    assert text["ics"] == target.read_text()
    parsed = IcsCalendarStream.calendar_from_ics(text["ics"])
    assert {event.uid for event in parsed.events} == {uid}
    cal.events.clear()
    assert await action(hass, "import_ics", path=str(target)) == {
        "events": 1,
        "tasks": 0,
    }
    after = await listed(hass_client)
    assert [
        (event["uid"], event["summary"], event["start"], event["recurrence_id"])
        for event in after
    ] == [
        (event["uid"], event["summary"], event["start"], event["recurrence_id"])
        for event in before
    ]
    with pytest.raises(ServiceValidationError, match="not an iCalendar"):
        await action(hass, "import_ics", ics="hello")
    with pytest.raises(ServiceValidationError, match="allowlist_external_dirs"):
        await action(hass, "export_ics", path="/etc/passwd")
    with pytest.raises(ServiceValidationError, match="Give either"):
        await action(hass, "import_ics")
