"""The Tasks to-do list and the to-do count sensors, through Home Assistant and Assist."""

from collections.abc import Callable
import copy
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from unittest.mock import patch

from homeassistant.components.todo.const import DOMAIN as TODO_DOMAIN
from homeassistant.const import (
    ATTR_ENTITY_ID,
    CONF_PASSWORD,
    CONF_USERNAME,
    Platform,
)
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)

from custom_components.synology_native.api.notestation import TODO_PAGE_SIZE
from custom_components.synology_native.apps.notestation.coordinator import NOTESTATION
from custom_components.synology_native.apps.notestation.todo import shown_todos
from custom_components.synology_native.const import (
    CONF_APPS,
    DOMAIN,
)
from tests.conftest import advance_time, demo_entry, say
from tests.fake_dsm.store import DEMO_SERIAL
from tests.test_init import poll, setup_entry

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers import entity_registry as er
    from syrupy.assertion import SnapshotAssertion

    from tests.fake_dsm import FakeDsm
    from tests.fake_dsm.notestation_store import NoteStationStore

TASKS = "todo.tasks"
OPEN = "sensor.ds923_demo_open_to_dos"
OVERDUE = "sensor.ds923_demo_overdue_to_dos"
DUE_TODAY = "sensor.ds923_demo_to_dos_due_today"


@pytest.fixture
def config_entry(notestation_entry: MockConfigEntry) -> MockConfigEntry:
    """Use the demo account with Note Station only: these tests move the clock."""
    return notestation_entry


async def items(hass: HomeAssistant) -> list[dict[str, Any]]:
    """Return the list's items as todo.get_items gives them."""
    response = await hass.services.async_call(
        TODO_DOMAIN,
        "get_items",
        {ATTR_ENTITY_ID: TASKS},
        blocking=True,
        return_response=True,
    )
    result: list[dict[str, Any]] = response[TASKS]["items"]  # type: ignore[index]
    return result


async def call_todo(hass: HomeAssistant, action: str, **data: Any) -> None:
    """Call a todo action on the Tasks list."""
    await hass.services.async_call(
        TODO_DOMAIN, action, {ATTR_ENTITY_ID: TASKS, **data}, blocking=True
    )


def state_of(hass: HomeAssistant, entity_id: str) -> str:
    """Return an entity's state."""
    state = hass.states.get(entity_id)
    assert state is not None
    return state.state


@pytest.mark.usefixtures("loaded")
async def test_list_shows_subtasks_under_their_parent(
    hass: HomeAssistant, nas: NoteStationStore
) -> None:
    """Top-level to-dos in DSM's order, each subtask right after its parent.

    A subtask's name is its own: no mark sits in the name the user edits.
    """
    listed = await items(hass)
    assert [item["summary"] for item in listed] == [
        "Pay rent",
        "Plan trip",
        "Book flights",
        "Pack bags",
        "Call the plumber",
    ]
    assert [item["status"] for item in listed] == [
        "needs_action",
        "needs_action",
        "needs_action",
        "needs_action",
        "completed",
    ]
    trip = listed[1]
    assert trip["uid"] == nas.todo_by_title("Plan trip").object_id
    assert trip["description"] == "Summer holiday"
    rent_due = nas.todo_by_title("Pay rent").due_date
    assert (
        listed[0]["due"]
        == dt_util.as_local(dt_util.utc_from_timestamp(rent_due)).isoformat()
    )
    state = hass.states.get(TASKS)
    assert state is not None
    assert state.state == "4"
    assert state.attributes["friendly_name"] == "Tasks"


@pytest.mark.usefixtures("loaded")
async def test_create_update_and_delete(
    hass: HomeAssistant, nas: NoteStationStore
) -> None:
    """Items are created with a due date and description, changed, and removed."""
    await call_todo(
        hass,
        "add_item",
        item="Water plants",
        due_date="2026-12-24",
        description="Balcony",
    )
    plants = nas.todo_by_title("Water plants")
    assert plants.comment == "Balcony"
    assert plants.due_date == int(
        dt_util.start_of_local_day(date(2026, 12, 24)).timestamp()
    )
    listed = {item["summary"]: item for item in await items(hass)}
    assert listed["Water plants"]["due"] == "2026-12-24"

    due = datetime(2026, 12, 24, 18, 30, tzinfo=dt_util.get_default_time_zone())
    await call_todo(
        hass,
        "update_item",
        item="Water plants",
        rename="Water the plants",
        status="completed",
        due_datetime=due.isoformat(),
        description=None,
    )
    assert (plants.title, plants.done, plants.comment, plants.due_date) == (
        "Water the plants",
        True,
        "",
        int(due.timestamp()),
    )
    listed = {item["summary"]: item for item in await items(hass)}
    assert listed["Water the plants"]["due"] == due.isoformat()

    await call_todo(hass, "remove_item", item="Water the plants")
    assert plants.object_id not in nas.todos
    assert "Water the plants" not in {item["summary"] for item in await items(hass)}


@pytest.mark.usefixtures("loaded")
async def test_subtask_round_trip(hass: HomeAssistant, nas: NoteStationStore) -> None:
    """An edited subtask keeps its parent and place."""
    pack = nas.todo_by_title("Pack bags")
    parent_id = pack.parent_id
    await call_todo(
        hass,
        "update_item",
        item="Pack bags",
        rename="Pack the suitcase",
        status="completed",
    )
    assert (pack.title, pack.done, pack.parent_id) == (
        "Pack the suitcase",
        True,
        parent_id,
    )
    assert nas.todos[parent_id].items[-1] == pack.object_id
    summaries = [item["summary"] for item in await items(hass)]
    assert summaries[2:4] == [
        "Book flights",
        "Pack the suitcase",
    ]
    await call_todo(hass, "remove_item", item="Plan trip")
    assert parent_id not in nas.todos
    assert pack.object_id not in nas.todos


@pytest.mark.usefixtures("loaded")
async def test_edit_keeps_what_another_device_changed(
    hass: HomeAssistant, nas: NoteStationStore
) -> None:
    """Completing an item sends only the status; a comment written elsewhere stays."""
    trip = nas.todo_by_title("Plan trip")
    trip.comment = "Winter holiday instead"  # another device, after the last refresh
    await call_todo(hass, "update_item", item="Plan trip", status="completed")
    assert (trip.done, trip.comment) == (True, "Winter holiday instead")
    listed = {item["summary"]: item for item in await items(hass)}
    assert listed["Plan trip"]["description"] == "Winter holiday instead"


@pytest.mark.usefixtures("loaded")
async def test_unchanged_update_sends_nothing(
    hass: HomeAssistant, fake_dsm: FakeDsm
) -> None:
    """An update that changes nothing does not call the NAS."""
    fake_dsm.reset_request_log()
    await call_todo(hass, "update_item", item="Plan trip", description="Summer holiday")
    assert fake_dsm.requests == []


@pytest.mark.usefixtures("loaded")
async def test_refused_and_vanished_items(
    hass: HomeAssistant, fake_dsm: FakeDsm, nas: NoteStationStore
) -> None:
    """DSM refusing a write is a translated error; an item gone from the NAS too."""
    fake_dsm.faults.fail_api("SYNO.NoteStation.Todo", "create", 105)
    with pytest.raises(HomeAssistantError, match="no permission"):
        await call_todo(hass, "add_item", item="Milk")
    entity = hass.data[TODO_DOMAIN].get_entity(TASKS)
    trip = nas.todo_by_title("Plan trip")
    with pytest.raises(ServiceValidationError, match="no to-do 1026_GONE"):
        await entity.async_update_todo_item(
            type(entity.todo_items[0])(uid="1026_GONE", summary="x")
        )
    assert not trip.done


async def refresh_notestation(entry: MockConfigEntry) -> None:
    """Read Note Station again now, as the next poll would."""
    notestation = entry.runtime_data.app(NOTESTATION)
    assert notestation is not None
    await notestation.coordinator.async_refresh()


@pytest.mark.usefixtures("loaded")
async def test_changes_rebuild_only_their_items(
    hass: HomeAssistant,
    nas: NoteStationStore,
    config_entry: MockConfigEntry,
) -> None:
    """A changed to-do gets a new item, and so does a new one and its parent.

    Every other item stays as built, also when a new to-do moves the list.
    """
    entity = hass.data[TODO_DOMAIN].get_entity(TASKS)

    async def rebuilt_by(change: Callable[[], object]) -> list[str | None]:
        before = {item.uid: item for item in entity.todo_items}
        change()
        await refresh_notestation(config_entry)
        return [
            item.summary
            for item in entity.todo_items
            if item is not before.get(item.uid)
        ]

    rent = nas.todo_by_title("Pay rent")
    assert await rebuilt_by(lambda: setattr(rent, "done", True)) == ["Pay rent"]
    assert entity.todo_items[0].status == "completed"
    trip = nas.todo_by_title("Plan trip")
    added = await rebuilt_by(
        lambda: nas.add_todo("Buy sunscreen", parent_id=trip.object_id)
    )
    assert added == ["Plan trip", "Buy sunscreen"]
    assert [item["summary"] for item in await items(hass)] == [
        "Pay rent",
        "Plan trip",
        "Book flights",
        "Pack bags",
        "Buy sunscreen",
        "Call the plumber",
    ]
    # Home Assistant copies the items to notice changes: a built item is its own copy.
    assert all(copy.copy(item) is item for item in entity.todo_items)


@pytest.mark.usefixtures("loaded")
async def test_an_equal_todo_read_anew_keeps_its_item(
    config_entry: MockConfigEntry,
) -> None:
    """A to-do read as another object but unchanged keeps the item built for it."""
    notestation = config_entry.runtime_data.app(NOTESTATION)
    assert notestation is not None
    todos = notestation.coordinator.data.todos
    first = shown_todos(todos, None)
    again = shown_todos(tuple(replace(todo) for todo in todos), first)
    assert all(a is b for a, b in zip(first.items, again.items, strict=True))


@pytest.mark.usefixtures("loaded")
async def test_subtask_named_twice_shows_once(
    hass: HomeAssistant, nas: NoteStationStore, config_entry: MockConfigEntry
) -> None:
    """A NAS naming one subtask under two to-dos still lists it once, first place."""
    flights = nas.todo_by_title("Book flights")
    nas.todo_by_title("Call the plumber").items.append(flights.object_id)
    await refresh_notestation(config_entry)
    assert [item["summary"] for item in await items(hass)] == [
        "Pay rent",
        "Plan trip",
        "Book flights",
        "Pack bags",
        "Call the plumber",
    ]


@pytest.mark.usefixtures("loaded")
async def test_assist_adds_completes_and_removes(
    hass: HomeAssistant, nas: NoteStationStore
) -> None:
    """Voice works by the list's name: "add milk to my tasks" and friends."""
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})

    assert await say(hass, "add milk to my tasks") == "Added milk"
    milk = nas.todo_by_title("Milk")
    assert not milk.done
    # Checking off by voice keeps what the item already had.
    await call_todo(
        hass, "update_item", item="Milk", due_date="2030-01-02", description="2 l"
    )
    await say(hass, "check off milk from my tasks")
    assert milk.done
    assert (milk.comment, milk.due_date) == (
        "2 l",
        int(dt_util.start_of_local_day(date(2030, 1, 2)).timestamp()),
    )
    await say(hass, "remove milk from my tasks")
    assert milk.object_id not in nas.todos
    assert state_of(hass, TASKS) == "4"


async def test_sensors_count_and_follow_the_clock(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    nas: NoteStationStore,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Open, overdue and due-today counts change as due times pass, without a poll."""
    # 23:40 local, so midnight comes within a few small steps of the clock.
    freezer.move_to(dt_util.start_of_local_day() + timedelta(hours=23, minutes=40))
    now = dt_util.now()
    soon = now + timedelta(minutes=10)
    nas.todo_by_title("Pay rent").due_date = int(soon.timestamp())
    nas.todo_by_title("Book flights").due_date = int(
        dt_util.start_of_local_day(now - timedelta(days=1)).timestamp()
    )
    nas.todo_by_title("Pack bags").due_date = int(
        dt_util.start_of_local_day(now).timestamp()
    )
    nas.todo_by_title("Call the plumber").due_date = int(
        (now - timedelta(days=3)).timestamp()
    )  # done: never overdue
    await setup_entry(hass, config_entry)
    assert state_of(hass, OPEN) == "4"
    # Book flights was due yesterday (a date); Pack bags is due today, not yet overdue.
    assert state_of(hass, OVERDUE) == "1"
    assert state_of(hass, DUE_TODAY) == "2"

    await advance_time(hass, freezer, timedelta(minutes=11))
    assert state_of(hass, OVERDUE) == "2"

    await advance_time(hass, freezer, timedelta(minutes=10))  # past midnight
    assert state_of(hass, OVERDUE) == "3"
    assert state_of(hass, DUE_TODAY) == "0"


async def test_refresh_writes_no_state_when_nothing_changed(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    nas: NoteStationStore,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An unchanged NAS writes no state; a change made on the NAS shows next poll."""
    await setup_entry(hass, config_entry)
    before = {
        entity_id: hass.states.get(entity_id)
        for entity_id in (TASKS, OPEN, OVERDUE, DUE_TODAY)
    }
    await poll(hass, freezer)
    for entity_id, state in before.items():
        after = hass.states.get(entity_id)
        assert after is not None
        assert state is not None
        assert after.last_reported == state.last_reported, entity_id

    nas.todo_by_title("Pay rent").done = True
    await poll(hass, freezer)
    assert state_of(hass, TASKS) == "3"
    assert state_of(hass, OPEN) == "3"


async def test_every_todo_beyond_one_page(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    fake_dsm: FakeDsm,
    nas: NoteStationStore,
) -> None:
    """More to-dos than DSM gives in a page: all of them are read, in two requests."""
    for number in range(TODO_PAGE_SIZE * 2 + 5):
        nas.add_todo(f"Chore {number}")
    total = sum(1 for todo in nas.todos.values() if not todo.done)
    await setup_entry(hass, config_entry)
    assert state_of(hass, TASKS) == state_of(hass, OPEN) == str(total)
    listed = await items(hass)
    assert listed[-1]["summary"] == f"Chore {TODO_PAGE_SIZE * 2 + 4}"
    notestation = config_entry.runtime_data.app(NOTESTATION)
    assert notestation is not None
    coordinator = notestation.coordinator
    fake_dsm.reset_request_log()
    await coordinator.async_refresh()
    pages = [
        request.compound
        for request in fake_dsm.requests
        if ("SYNO.NoteStation.Todo", "list") in request.compound
    ]
    # The first page with the other reads, then the two later pages together.
    assert [page.count(("SYNO.NoteStation.Todo", "list")) for page in pages] == [2, 2]


async def test_pages_shorter_than_asked(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    fake_dsm: FakeDsm,
    nas: NoteStationStore,
) -> None:
    """A NAS that hands out fewer to-dos than asked still gives every one, by total."""
    nas.todo_page_cap = 300
    for number in range(1000):
        nas.add_todo(f"Chore {number}")
    await setup_entry(hass, config_entry)
    titles = {item["summary"] for item in await items(hass)}
    assert {f"Chore {number}" for number in range(1000)} <= titles
    assert state_of(hass, TASKS) == "1004"


async def test_an_odd_due_date_spoils_only_its_own_todo(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    nas: NoteStationStore,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Year 10000 or 1e20 reads as no due date with one warning; 1969 is a date."""
    rent = nas.todo_by_title("Pay rent")
    rent.due_date = 253402300800  # 10000-01-01 UTC
    nas.todo_by_title("Book flights").due_date = 10**20
    nas.todo_by_title("Pack bags").due_date = -86400  # 1969-12-31 UTC
    await setup_entry(hass, config_entry)
    await poll(hass, freezer)
    listed = {item["summary"]: item for item in await items(hass)}
    assert "due" not in listed["Pay rent"]
    assert "due" not in listed["Book flights"]
    # Midnight UTC is 16:00 the day before in the tests' time zone (US/Pacific).
    assert listed["Pack bags"]["due"] == "1969-12-30T16:00:00-08:00"
    assert state_of(hass, OPEN) == "4"
    assert state_of(hass, OVERDUE) == "1"  # Pack bags, due in 1969
    warnings = [
        record.getMessage()
        for record in caplog.records
        if record.levelname == "WARNING" and "no calendar can hold" in record.message
    ]
    assert len(warnings) == 2
    assert "'Pay rent'" in warnings[0]
    assert rent.object_id in warnings[0]
    assert "'Book flights'" in warnings[1]


async def test_assist_with_two_accounts(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    entry_data: dict[str, Any],
    fake_dsm: FakeDsm,
    nas: NoteStationStore,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Each account's list has its own name, so voice commands reach the right one."""
    alice = fake_dsm.store.add_user("alice", "alice-pw")
    await setup_entry(hass, config_entry)
    freezer.tick(timedelta(seconds=1))  # alice's account is added later
    second = MockConfigEntry(
        domain=DOMAIN,
        title="alice",
        unique_id=f"{DEMO_SERIAL}_alice",
        data=entry_data | {CONF_USERNAME: "alice", CONF_PASSWORD: "alice-pw"},
        options={CONF_APPS: ["notestation"]},
    )
    await setup_entry(hass, second)
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    assert hass.states.get(TASKS) is not None
    state = hass.states.get("todo.alice_tasks")
    assert state is not None
    assert state.attributes["friendly_name"] == "alice tasks"

    await say(hass, "add milk to my tasks")
    await say(hass, "add cat food to alice tasks")
    library = fake_dsm.store.notestation_of(alice)
    assert [todo.title for todo in library.todos.values()] == ["Cat food"]
    assert "Milk" in [todo.title for todo in nas.todos.values()]
    assert "Cat food" not in [todo.title for todo in nas.todos.values()]


@pytest.mark.parametrize("platform", [Platform.TODO, Platform.SENSOR])
async def test_entities_snapshot(
    hass: HomeAssistant,
    entry_data: dict[str, Any],
    nas: NoteStationStore,
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    platform: Platform,
) -> None:
    """The Note Station entities' registry entries, states and attributes."""
    freezer.move_to("2026-11-30 12:00:00+00:00")
    nas.todo_by_title("Pay rent").due_date = int(
        datetime(2026, 11, 29, 9, tzinfo=UTC).timestamp()
    )
    entry = demo_entry(entry_data, {CONF_APPS: ["notestation"]})
    with patch("custom_components.synology_native.PLATFORMS", [platform]):
        await setup_entry(hass, entry)
    await snapshot_platform(hass, entity_registry, snapshot, entry.entry_id)
