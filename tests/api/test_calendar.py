"""The Calendar client against the simulator over real HTTP, without Home Assistant."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
import json
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import aiohttp
from ical.calendar_stream import IcsCalendarStream
from ical.types.recur import Frequency, Weekday
import pytest

from custom_components.synology_native.api import (
    DsmApiError,
    DsmClient,
    DsmConflictError,
    DsmInvalidParameterError,
    DsmNotFoundError,
    DsmPermissionError,
    DsmResponseError,
    PasswordCredentials,
)
from custom_components.synology_native.api.calendar import (
    DEFAULT_PERSONAL_PROPERTY,
    EVENT_SET,
    Attendee,
    CalendarKind,
    EventDraft,
    MonthOption,
    RecurrenceError,
    Reminder,
    Repeat,
    SynoCalendar,
    SynoCalendarApi,
    TaskDraft,
    event_list_items,
    parse_calendars,
    parse_events,
    personal_property_wire,
    repeat_from_rrule,
    split_meeting_url,
    with_meeting_url,
)
from tests.fake_dsm.calendar_store import READ_ONLY, READ_WRITE
from tests.fake_dsm.store import DEMO_PASSWORD, DEMO_USER

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from tests.fake_dsm import FakeDsm
    from tests.fake_dsm.calendar_store import CalendarStore

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
WINDOW = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))


@pytest.fixture
async def api(dsm_url: str) -> AsyncIterator[SynoCalendarApi]:
    """Give Calendar calls for the demo account."""
    async with aiohttp.ClientSession() as http:
        credentials = PasswordCredentials(DEMO_USER, DEMO_PASSWORD)
        yield SynoCalendarApi(DsmClient(http, dsm_url, credentials=credentials))


@pytest.fixture
def nas(fake_dsm: FakeDsm) -> CalendarStore:
    """Give the simulator's calendars, to look at or change directly."""
    return fake_dsm.store.calendar


async def home(api: SynoCalendarApi) -> SynoCalendar:
    """Return the demo user's default calendar."""
    calendars = await api.calendars(CalendarKind.EVENT)
    return next(calendar for calendar in calendars if calendar.is_default)


async def empty(api: SynoCalendarApi) -> SynoCalendar:
    """Return a new calendar without the demo's events."""
    return await api.create_calendar("Test", CalendarKind.EVENT)


def sent(fake_dsm: FakeDsm, method: str) -> list[dict[str, str]]:
    """Return the wire parameters of every SYNO.Cal.Event request to method."""
    return [
        request.params
        for request in fake_dsm.requests
        if (request.api, request.method) == ("SYNO.Cal.Event", method)
    ]


def meeting(start: datetime, **fields: Any) -> EventDraft:
    """Return a one-hour timed draft."""
    return EventDraft(
        summary="Planning",
        start=start,
        end=start + timedelta(hours=1),
        tz_id=str(start.tzinfo),
        **fields,
    )


async def test_calendars_own_shared_and_read_only(
    api: SynoCalendarApi, fake_dsm: FakeDsm, nas: CalendarStore
) -> None:
    """Own calendars, a share to us (read-only and read-write), nothing of others."""
    alice = fake_dsm.store.users["alice"]  # a demo account
    nas.ensure_user("alice", alice.uid)
    family = nas.add_calendar(
        "alice", alice.uid, "Family", shares={DEMO_USER: READ_ONLY}
    )
    nas.add_calendar("alice", alice.uid, "Work", shares={DEMO_USER: READ_WRITE})
    nas.add_calendar("alice", alice.uid, "Private")
    calendars = {item.name: item for item in await api.calendars(CalendarKind.EVENT)}
    assert set(calendars) == {"My Calendar", "Family", "Work"}
    shared = calendars["Family"]
    assert shared.shared
    assert not shared.writable
    assert shared.original_cal_id == family.cal_id
    assert shared.cal_id.startswith(f"/{DEMO_USER}/alice--")
    assert calendars["Work"].writable
    assert calendars["My Calendar"].writable
    assert not calendars["My Calendar"].shared
    lists = await api.calendars(CalendarKind.TODO)
    assert [item.name for item in lists] == ["My Tasks"]
    assert await api.calendar(shared.cal_id, CalendarKind.EVENT) == shared


async def test_calendar_create_set_delete(api: SynoCalendarApi) -> None:
    """A new calendar and task list can be renamed and deleted."""
    created = await api.create_calendar("Trips", CalendarKind.EVENT, color="#FF0000")
    assert created.writable
    assert created.color == "#FF0000"
    renamed = await api.set_calendar(created, name="Travel", color="", description="x")
    assert renamed.name == "Travel"
    assert renamed.color == "#000000"
    await api.delete_calendar(created.cal_id)
    names = [item.name for item in await api.calendars(CalendarKind.EVENT)]
    assert names == ["My Calendar"]
    with pytest.raises(DsmInvalidParameterError):
        await api.calendar(created.cal_id, CalendarKind.EVENT)


async def test_strings_go_json_quoted(api: SynoCalendarApi, fake_dsm: FakeDsm) -> None:
    """Every string is a JSON string on the wire, numbers and booleans bare."""
    calendar = await home(api)
    await api.create_event(calendar, meeting(datetime(2026, 5, 4, 10, tzinfo=BERLIN)))
    params = sent(fake_dsm, "create")[-1]
    assert params["cal_id"] == json.dumps(calendar.cal_id)
    assert params["summary"] == '"Planning"'
    assert params["tz_id"] == '"Europe/Berlin"'
    assert params["is_all_day"] == "false"
    assert params["dtstart"] == str(
        int(datetime(2026, 5, 4, 8, tzinfo=UTC).timestamp())
    )
    assert params["description"] == '" "'  # Calendar 3.x refuses an empty one


async def test_timed_event_in_another_zone(api: SynoCalendarApi) -> None:
    """A New York event keeps its zone and instant; the list shows it in that zone."""
    calendar = await home(api)
    start = datetime(2026, 6, 1, 9, tzinfo=NEW_YORK)
    created = await api.create_event(
        calendar,
        meeting(
            start,
            location="Room 1",
            meeting_url="https://meet.example/abc",
            description="Agenda",
            reminders=(Reminder(10),),
            attendees=(Attendee("alice", "alice@example.com", is_dsm_user=True),),
            color="#123456",
        ),
    )
    assert created.start == start
    assert created.draft.tz_id == "America/New_York"
    got = await api.event(created.evt_id)
    assert got.draft == created.draft
    assert got.draft.meeting_url == "https://meet.example/abc"
    assert got.draft.description == "Agenda"
    assert got.draft.location == "Room 1"
    assert got.draft.reminders == (Reminder(10),)
    assert got.draft.attendees[0].name == "alice"
    by_uid = await api.event_by_uid(calendar.cal_id, created.uid)
    assert by_uid.evt_id == created.evt_id
    [listed] = [
        event
        for event in await api.events([calendar.cal_id], *WINDOW)
        if event.evt_id == created.evt_id
    ]
    assert listed.start == start
    assert listed.recurrence_id is None


async def test_all_day_end_is_exclusive(
    api: SynoCalendarApi, fake_dsm: FakeDsm
) -> None:
    """A one-day event ends the next day; the wire uses dates, not a time zone's midnight."""
    calendar = await home(api)
    draft = EventDraft("Holiday", date(2026, 7, 3), date(2026, 7, 4), "Europe/Berlin")
    created = await api.create_event(calendar, draft)
    assert (created.start, created.end) == (date(2026, 7, 3), date(2026, 7, 4))
    params = sent(fake_dsm, "create")[-1]
    assert params["is_all_day"] == "true"
    assert params["dtstart"] == str(int(datetime(2026, 7, 3, tzinfo=UTC).timestamp()))
    day_after = await api.events(
        [calendar.cal_id],
        datetime(2026, 7, 4, tzinfo=UTC),
        datetime(2026, 7, 5, tzinfo=UTC),
    )
    assert created.evt_id not in [event.evt_id for event in day_after]


async def test_recurring_series_across_dst(api: SynoCalendarApi) -> None:
    """A weekly 09:00 Berlin series stays at 09:00 wall time across the March change."""
    calendar = await home(api)
    start = datetime(2026, 3, 23, 9, tzinfo=BERLIN)
    draft = meeting(start, repeat=repeat_from_rrule("FREQ=WEEKLY;COUNT=3", start))
    series = await api.create_event(calendar, draft)
    assert series.recurring
    assert series.rrule == "FREQ=WEEKLY;COUNT=3"
    occurrences = [
        event
        for event in await api.events([calendar.cal_id], *WINDOW)
        if event.evt_id == series.evt_id
    ]
    assert [event.start.hour for event in occurrences] == [9, 9, 9]  # type: ignore[union-attr]
    assert [event.start.utcoffset() for event in occurrences] == [  # type: ignore[union-attr]
        timedelta(hours=1),
        timedelta(hours=2),
        timedelta(hours=2),
    ]
    assert [event.recurrence_id for event in occurrences] == [
        "20260323T090000",
        "20260330T090000",
        "20260406T090000",
    ]
    assert [event.repeat_index for event in occurrences] == [1, 2, 3]
    assert occurrences[1].master_start == start


async def test_occurrence_edit_delete_and_following(api: SynoCalendarApi) -> None:
    """Edit one occurrence (subevent_set), delete one (set_exdate), split a series."""
    calendar = await empty(api)
    start = datetime(2026, 9, 7, 9, tzinfo=BERLIN)
    series = await api.create_event(
        calendar, meeting(start, repeat=repeat_from_rrule("FREQ=DAILY;COUNT=6", start))
    )

    async def occurrences() -> list[Any]:
        events = await api.events([calendar.cal_id], *WINDOW)
        return [event for event in events if event.summary != "Team stand-up"]

    first, second, third, *_ = await occurrences()
    moved = await api.update_occurrence(
        second,
        replace(
            second.draft,
            summary="Moved",
            start=second.start + timedelta(hours=2),
            end=second.end + timedelta(hours=2),
        ),
    )
    assert moved.recurrence_id == "20260908T090000"
    third = (await occurrences())[2]
    await api.delete_occurrence(third)
    listed = await occurrences()
    assert [event.summary for event in listed] == [
        "Planning",
        "Moved",
        "Planning",
        "Planning",
        "Planning",
    ]
    assert listed[1].start.hour == 11  # type: ignore[union-attr]
    # this and following, from the fifth: the series keeps four, a new one gets two
    fifth = listed[3]
    assert fifth.repeat_index == 5
    new = await api.update_following(fifth, replace(fifth.draft, summary="Later"))
    listed = await occurrences()
    assert [event.summary for event in listed] == [
        "Planning",
        "Moved",
        "Planning",
        "Later",
        "Later",
    ]
    assert new.evt_id != series.evt_id
    assert new.rrule == "FREQ=DAILY;COUNT=2"
    # delete this and following from the second of the old series
    await api.delete_following(listed[1])
    assert [event.summary for event in await occurrences()] == [
        "Planning",
        "Later",
        "Later",
    ]
    # and from the first: the whole series goes
    await api.delete_following((await occurrences())[1])
    assert [event.summary for event in await occurrences()] == ["Planning"]
    assert first.evt_id == series.evt_id


async def test_stale_etag_is_a_conflict(
    api: SynoCalendarApi, nas: CalendarStore
) -> None:
    """Someone else changed the event: the write fails and their change stays."""
    calendar = await home(api)
    created = await api.create_event(
        calendar, meeting(datetime(2026, 5, 5, 10, tzinfo=BERLIN))
    )
    nas.events[created.evt_id].master.summary = "Changed on the NAS"
    nas.touch(nas.events[created.evt_id])
    with pytest.raises(DsmConflictError):
        await api.update_event(created, replace(created.draft, summary="Mine"))
    assert (await api.event(created.evt_id)).summary == "Changed on the NAS"
    fresh = await api.event(created.evt_id)
    updated = await api.update_event(fresh, replace(fresh.draft, summary="Mine"))
    assert updated.summary == "Mine"
    assert updated.etag != fresh.etag


async def test_read_only_calendar_refuses(
    api: SynoCalendarApi, fake_dsm: FakeDsm, nas: CalendarStore
) -> None:
    """DSM answers 105 to a write into a calendar shared read-only."""
    alice = fake_dsm.store.users["alice"]  # a demo account
    family = nas.add_calendar(
        "alice", alice.uid, "Family", shares={DEMO_USER: READ_ONLY}
    )
    party = nas.add_event(family, "Party", date(2026, 8, 1), date(2026, 8, 2))
    shared = next(
        item for item in await api.calendars(CalendarKind.EVENT) if item.shared
    )
    with pytest.raises(DsmPermissionError):
        await api.create_event(shared, meeting(datetime(2026, 5, 5, 10, tzinfo=BERLIN)))
    event = await api.event(party.evt_id)
    assert event.cal_id == shared.cal_id
    with pytest.raises(DsmPermissionError):
        await api.update_event(event, event.draft)
    with pytest.raises(DsmPermissionError):
        await api.delete_event(event.evt_id)


async def test_unknown_event_and_calendar(api: SynoCalendarApi) -> None:
    """An unknown evt_id is not found; an unknown calendar is an invalid parameter."""
    with pytest.raises(DsmNotFoundError):
        await api.event(999999)
    with pytest.raises(DsmInvalidParameterError):
        await api.events(["/demo/nope/"], *WINDOW)
    assert await api.events([], *WINDOW) == ()
    assert await api.tasks([]) == ()


async def test_other_users_calendars_are_invisible(
    api: SynoCalendarApi, fake_dsm: FakeDsm, nas: CalendarStore
) -> None:
    """Alice's private event cannot be read by the demo user, even by id."""
    alice = fake_dsm.store.users["alice"]  # a demo account
    private = nas.add_calendar("alice", alice.uid, "Private")
    secret = nas.add_event(private, "Secret", date(2026, 8, 1), date(2026, 8, 2))
    with pytest.raises(DsmNotFoundError):
        await api.event(secret.evt_id)
    with pytest.raises(DsmInvalidParameterError):
        await api.events([private.cal_id], *WINDOW)


async def test_tasks(api: SynoCalendarApi, nas: CalendarStore) -> None:
    """Create, complete, re-date and delete tasks; a stale etag conflicts."""
    [task_list] = await api.calendars(CalendarKind.TODO)
    before = await api.tasks([task_list.cal_id])
    assert {task.summary for task in before} == {
        "Renew the NAS warranty",
        "Back up the calendar",
    }
    assert next(
        task for task in before if task.summary == "Back up the calendar"
    ).draft.done
    due = datetime(2026, 10, 1, 18, tzinfo=NEW_YORK)
    task = await api.create_task(
        task_list, TaskDraft("Call", "About the bill", due, tz_id="America/New_York")
    )
    assert task.draft.due == due
    assert task.draft.description == "About the bill"
    done = await api.update_task(
        task, replace(task.draft, done=True, due=date(2026, 10, 2))
    )
    assert done.draft.done
    assert done.draft.due == date(2026, 10, 2)
    with pytest.raises(DsmConflictError):
        await api.update_task(task, task.draft)
    assert (await api.task(task.evt_id)).draft.done
    undated = await api.update_task(done, replace(done.draft, due=None))
    assert undated.draft.due is None
    await api.delete_task(task.evt_id)
    with pytest.raises(DsmNotFoundError):
        await api.task(task.evt_id)


async def test_settings_and_time_zones(api: SynoCalendarApi) -> None:
    """The user's zone and default calendar; the offered zones."""
    settings = await api.settings()
    assert settings.time_zone == "Europe/Berlin"
    assert settings.default_cal_id == f"/{DEMO_USER}/home/"
    assert settings.week_start_day == 1
    assert "America/New_York" in await api.time_zones()


async def test_export_import_round_trip(api: SynoCalendarApi) -> None:
    """Export, delete, import: UIDs, the rule, a modified and a deleted occurrence stay."""
    calendar = await empty(api)
    start = datetime(2026, 11, 2, 9, tzinfo=BERLIN)
    series = await api.create_event(
        calendar, meeting(start, repeat=repeat_from_rrule("FREQ=WEEKLY;COUNT=4", start))
    )
    occurrences = [
        event
        for event in await api.events([calendar.cal_id], *WINDOW)
        if event.evt_id == series.evt_id
    ]
    await api.update_occurrence(
        occurrences[1], replace(occurrences[1].draft, summary="Special")
    )
    await api.delete_occurrence(
        next(
            event
            for event in await api.events([calendar.cal_id], *WINDOW)
            if event.recurrence_id == occurrences[2].recurrence_id
        )
    )

    def view(events: tuple[Any, ...]) -> list[tuple[str, str, Any, str | None]]:
        return [
            (event.uid, event.summary, event.start, event.recurrence_id)
            for event in events
        ]

    before = view(await api.events([calendar.cal_id], *WINDOW))
    ics = await api.export_ics(calendar.cal_id)
    parsed = IcsCalendarStream.calendar_from_ics(ics)
    assert series.uid in {event.uid for event in parsed.events}
    for event in await api.events([calendar.cal_id], *WINDOW):
        if event.recurrence_id in (None, occurrences[0].recurrence_id):
            await api.delete_event(event.evt_id)
    assert await api.events([calendar.cal_id], *WINDOW) == ()
    await api.import_ics(calendar.cal_id, ics)
    assert view(await api.events([calendar.cal_id], *WINDOW)) == before


async def test_import_rejects_garbage(api: SynoCalendarApi) -> None:
    """A file that is not iCalendar is refused."""
    calendar = await home(api)
    with pytest.raises(DsmInvalidParameterError):
        await api.import_ics(calendar.cal_id, "not a calendar")


async def test_uninitialised_calendar(api: SynoCalendarApi, nas: CalendarStore) -> None:
    """Calendar never opened in DSM: 9006, a typed error with DSM's meaning."""
    nas.uninitialised.add(DEMO_USER)
    with pytest.raises(DsmApiError, match="open it once in DSM"):
        await api.calendars(CalendarKind.EVENT)
    assert await api.time_zones()  # works before the database exists


@pytest.mark.parametrize(
    ("rule", "start", "expected"),
    [
        ("FREQ=DAILY", datetime(2026, 1, 1, tzinfo=UTC), Repeat(Frequency.DAILY)),
        (
            "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;UNTIL=20261231T000000Z",
            datetime(2026, 1, 5, tzinfo=UTC),
            Repeat(
                Frequency.WEEKLY,
                2,
                (Weekday.MONDAY, Weekday.WEDNESDAY),
                until=datetime(2026, 12, 31, tzinfo=UTC),
            ),
        ),
        (
            "FREQ=MONTHLY;BYDAY=2MO",
            datetime(2026, 1, 12, tzinfo=UTC),
            Repeat(Frequency.MONTHLY, month_option=MonthOption.DAY_OF_WEEK),
        ),
        (
            "FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=12;COUNT=3;UNTIL=20300101",
            date(2026, 1, 12),
            Repeat(Frequency.YEARLY, count=3),
        ),
    ],
)
def test_repeat_from_rrule(rule: str, start: Any, expected: Repeat) -> None:
    """The rules DSM can store are read into its repeat object."""
    repeat = repeat_from_rrule(rule, start)
    assert (
        replace(
            repeat,
            until=None if expected.until is None and repeat.count else repeat.until,
        )
        == expected
    )


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=HOURLY",
        "FREQ=MONTHLY;BYDAY=-1FR",
        "FREQ=MONTHLY;BYMONTHDAY=3",
        "FREQ=WEEKLY;BYDAY=1MO",
        "FREQ=DAILY;BYDAY=MO",
        "FREQ=YEARLY;BYMONTH=5",
        "FREQ=MONTHLY;BYSETPOS=1;BYDAY=MO",
        "garbage",
    ],
)
def test_rules_dsm_cannot_store(rule: str) -> None:
    """Rules outside DSM's subset are refused before anything is sent."""
    with pytest.raises(RecurrenceError):
        repeat_from_rrule(rule, datetime(2026, 1, 12, tzinfo=UTC))


def test_monthly_rules_round_trip() -> None:
    """Both monthly options write back the RRULE they came from."""
    start = datetime(2026, 1, 12, 9, tzinfo=UTC)
    for rule in ("FREQ=MONTHLY;BYDAY=2MO", "FREQ=MONTHLY;BYMONTHDAY=12"):
        assert repeat_from_rrule(rule, start).rrule(start) == rule
    until = Repeat(Frequency.DAILY, until=datetime(2026, 2, 1, tzinfo=UTC))
    assert until.rrule(date(2026, 1, 12)) == "FREQ=DAILY;UNTIL=20260201"


def test_meeting_link_in_description() -> None:
    """The link is the description's last line and reads back apart from it."""
    assert split_meeting_url(with_meeting_url("Agenda", "https://x/1")) == (
        "Agenda",
        "https://x/1",
    )
    assert split_meeting_url(with_meeting_url("", "https://x/1")) == ("", "https://x/1")
    assert with_meeting_url("Agenda", "") == "Agenda"


def test_draft_validation() -> None:
    """Mixed, naive or reversed times are refused before anything is sent."""
    bad = [
        EventDraft("x", date(2026, 1, 2), datetime(2026, 1, 3, tzinfo=UTC), "UTC"),
        EventDraft("x", datetime(2026, 1, 2), datetime(2026, 1, 3), "UTC"),  # noqa: DTZ001
        EventDraft("x", date(2026, 1, 2), date(2026, 1, 2), "UTC"),
    ]
    for draft in bad:
        with pytest.raises(ValueError, match="must"):
            draft.validate()


def test_event_list_shapes() -> None:
    """data.list, a cal_id-keyed object and a bare array are all read (CONFLICT §7.1)."""
    item = {"evt_id": 1}

    def raw(data: Any) -> list[Any]:
        return [fields.raw for fields in event_list_items(data)]

    assert raw({"list": [item]}) == [item]
    assert raw({"/a/home/": [item], "/a/x/": [item]}) == [item, item]
    assert raw([item]) == [item]
    with pytest.raises(
        DsmResponseError, match=r"data\./a/home/ is a string, not a list"
    ):
        event_list_items({"/a/home/": "nope"})


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"list": "x"},
        {"list": [{"evt_id": "1"}]},
        {"list": [{"evt_id": 1, "is_all_day": "no"}]},
        {
            "list": [
                {
                    "evt_id": 1,
                    "is_all_day": False,
                    "tz_id": "Mars/Olympus",
                    "dtstart": 0,
                    "dtend": 1,
                }
            ]
        },
    ],
)
def test_malformed_answers_are_typed_errors(data: Any) -> None:
    """Missing or mistyped fields raise DsmResponseError, never a default."""
    with pytest.raises(DsmResponseError):
        parse_events(data)


ALL_DAY_SERIES = {
    "evt_id": 1,
    "cal_id": "/a/home/",
    "original_cal_id": "/a/home/",
    "ical_uid": "u",
    "dav_etag": "e",
    "is_all_day": True,
    "dtstart_string": "20260105",
    "dtend_string": "20260106",
    "is_repeat_evt": True,
    "repeat_setting": [{"type": "week", "weekday": ["Monday"]}],
    "notify_setting": [{}],
}


def test_repeat_setting_shapes() -> None:
    """A one-item array (CONFLICT §7.2), an empty one and a reminder without duration."""
    (event,) = parse_events({"list": [ALL_DAY_SERIES]})
    assert event.draft.repeat == Repeat(Frequency.WEEKLY, weekdays=(Weekday.MONDAY,))
    assert event.draft.reminders == (Reminder(0),)
    (plain,) = parse_events({"list": [ALL_DAY_SERIES | {"repeat_setting": []}]})
    assert plain.draft.repeat is None
    bad = ALL_DAY_SERIES | {"repeat_setting": [{"type": "week", "weekday": ["Funday"]}]}
    with pytest.raises(
        DsmResponseError,
        match=r"^SYNO\.Cal\.Event\.list: data\.list\[0\]\.repeat_setting\[0\]\.weekday "
        "names a day",
    ):
        parse_events({"list": [bad]})


def test_malformed_calendar() -> None:
    """A calendar without its privilege is malformed."""
    with pytest.raises(DsmResponseError):
        parse_calendars(
            {
                "list": [
                    {"cal_id": "/a/", "original_cal_id": "/a/", "cal_displayname": "x"}
                ]
            },
            CalendarKind.EVENT,
        )


async def test_rest_facade(dsm_url: str, nas: CalendarStore) -> None:
    """The REST front door answers the same calls: JSON bodies, quoted query strings."""
    root = f"{dsm_url}/api/Calendar/default/v1"
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{root}/cal/list") as response:
            assert response.status == 405  # the list is a GET
        async with http.get(
            f"{root}/cal/list", params={"cal_type": '"event"'}
        ) as response:
            assert (await response.json())["error"]["code"] == 119  # no session yet
        login = {"format": "sid", "account": DEMO_USER, "passwd": DEMO_PASSWORD}
        async with http.post(f"{root}/login", json=login) as response:
            sid = (await response.json())["data"]["sid"]
        cookies = {"id": sid}
        async with http.get(
            f"{root}/cal/list", params={"cal_type": '"event"'}, cookies=cookies
        ) as response:
            [calendar] = (await response.json())["data"]["list"]
        assert calendar["cal_id"] == f"/{DEMO_USER}/home/"
        event = {
            "cal_id": calendar["cal_id"],
            "original_cal_id": calendar["original_cal_id"],
            "summary": "Via REST",
            "description": " ",
            "color": "#000000",
            "is_all_day": True,
            "tz_id": "Europe/Berlin",
            "dtstart": int(datetime(2026, 4, 1, tzinfo=UTC).timestamp()),
            "dtend": int(datetime(2026, 4, 2, tzinfo=UTC).timestamp()),
            "is_repeat_evt": False,
            "notify_setting": [],
            "participant": [],
        }
        async with http.post(f"{root}/event", json=event, cookies=cookies) as response:
            created = (await response.json())["data"]
        assert created["dtstart_string"] == "20260401"
        async with http.get(
            f"{root}/event",
            params={
                "ical_uid": json.dumps(created["ical_uid"]),
                "cal_id": json.dumps(calendar["cal_id"]),
            },
            cookies=cookies,
        ) as response:
            assert (await response.json())["data"]["evt_id"] == created["evt_id"]
        async with http.get(
            f"{root}/cal/export",
            params={"cal_id": json.dumps(calendar["cal_id"])},
            cookies=cookies,
        ) as response:
            assert response.content_type == "text/calendar"
            assert "SUMMARY:Via REST" in await response.text()
        async with http.put(
            f"{root}/event", data="not json", cookies=cookies
        ) as response:
            assert (await response.json())["error"]["code"] == 101
        async with http.delete(
            f"{root}/event", params={"evt_id": str(created["evt_id"])}, cookies=cookies
        ) as response:
            assert (await response.json()) == {"success": True}
    assert created["evt_id"] not in nas.events


async def test_event_set_sends_personal_property_and_location_info(
    api: SynoCalendarApi, fake_dsm: FakeDsm, nas: CalendarStore, dsm_url: str
) -> None:
    """Calendar 3.x refuses a set without them: both go, with the event's own values.

    The visibility DSM answered (an array) goes back as it was, not reset to visible.
    """
    calendar = await home(api)
    created = await api.create_event(
        calendar,
        meeting(datetime(2026, 5, 4, 10, tzinfo=BERLIN), location="Room 1"),
    )
    nas.events[created.evt_id].visible = False
    event = await api.event(created.evt_id)
    updated = await api.update_event(event, replace(event.draft, summary="Review"))
    params = sent(fake_dsm, "set")[-1]
    assert json.loads(params["personal_property"]) == [{"is_visible": False}]
    assert json.loads(params["location_info"])["name"] == "Room 1"
    assert nas.events[created.evt_id].visible is False
    assert updated.draft.location == "Room 1"
    # The earlier client's set (no personal_property, or no location_info) is refused.
    async with aiohttp.ClientSession() as http:
        client = DsmClient(
            http, dsm_url, credentials=PasswordCredentials(DEMO_USER, DEMO_PASSWORD)
        )
        replay = {
            name: json.loads(value)
            for name, value in params.items()
            if name not in {"api", "version", "method", "_sid", "SynoToken"}
        }
        replay["dav_etag"] = updated.etag
        for missing in ("personal_property", "location_info"):
            with pytest.raises(DsmInvalidParameterError):
                await client.call(
                    EVENT_SET,
                    {name: value for name, value in replay.items() if name != missing},
                )
    assert (await api.event(created.evt_id)).summary == "Review"


def test_personal_property_reads_both_forms() -> None:
    """An object or an array goes back as read; anything else becomes the default."""
    assert personal_property_wire({"is_visible": False}) == {"is_visible": False}
    assert personal_property_wire([{"is_visible": True}]) == [{"is_visible": True}]
    for odd in (None, [], [{"is_visible": "yes"}], {"x": 1}):
        assert personal_property_wire(odd) == dict(DEFAULT_PERSONAL_PROPERTY)


async def test_tasks_send_the_zone_under_both_keys(
    api: SynoCalendarApi, fake_dsm: FakeDsm
) -> None:
    """CONFLICT tzid/tz_id: create and set carry both, with the same zone."""
    [task_list] = await api.calendars(CalendarKind.TODO)
    task = await api.create_task(
        task_list, TaskDraft("Call", due=date(2026, 10, 2), tz_id="America/New_York")
    )
    await api.update_task(task, replace(task.draft, done=True))
    writes = [
        request.params
        for request in fake_dsm.requests
        if request.api == "SYNO.Cal.Todo" and request.method in {"create", "set"}
    ]
    assert [
        (json.loads(params["tzid"]), json.loads(params["tz_id"])) for params in writes
    ] == [("America/New_York", "America/New_York")] * 2
