"""Synology Calendar's task lists as to-do lists: the to-do card, Assist, sharing."""

from datetime import datetime
from typing import TYPE_CHECKING, Any

from homeassistant.components.todo.const import DOMAIN as TODO_DOMAIN
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.exceptions import ServiceValidationError
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.synology_native.api import DsmApp
from custom_components.synology_native.const import CONF_APPS, DOMAIN
from tests.conftest import say
from tests.fake_dsm.calendar_store import READ_ONLY
from tests.fake_dsm.store import DEMO_PASSWORD, DEMO_SERIAL, DEMO_USER
from tests.test_calendar import PACIFIC, TASKS, calendar_requests, ws
from tests.test_init import poll, setup_entry

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.typing import (
        WebSocketGenerator,
    )

    from tests.fake_dsm import FakeDsm
    from tests.fake_dsm.calendar_store import CalendarStore


async def task_items(hass_ws_client: WebSocketGenerator) -> list[dict[str, Any]]:
    """Read the task list as the to-do card does."""
    answer = await ws(hass_ws_client, "todo/item/list", entity_id=TASKS)
    assert answer["success"], answer
    items: list[dict[str, Any]] = answer["result"]["items"]
    return items


@pytest.mark.usefixtures("calendar_loaded")
async def test_tasks_from_the_to_do_card(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator, cal: CalendarStore
) -> None:
    """Tasks are created with a due date, completed, re-dated and removed."""
    cal.tasks.clear()
    await hass.services.async_call(
        TODO_DOMAIN,
        "add_item",
        {
            ATTR_ENTITY_ID: TASKS,
            "item": "Pay the bill",
            "due_date": "2026-03-10",
            "description": "Electricity",
        },
        blocking=True,
    )
    [item] = await task_items(hass_ws_client)
    assert (item["summary"], item["due"], item["description"], item["status"]) == (
        "Pay the bill",
        "2026-03-10",
        "Electricity",
        "needs_action",
    )
    [task] = cal.tasks.values()
    assert task.is_all_day
    await hass.services.async_call(
        TODO_DOMAIN,
        "update_item",
        {
            ATTR_ENTITY_ID: TASKS,
            "item": item["uid"],
            "status": "completed",
            "due_datetime": "2026-03-10 18:00:00",
        },
        blocking=True,
    )
    [item] = await task_items(hass_ws_client)
    assert item["status"] == "completed"
    assert item["due"] == "2026-03-10T18:00:00-07:00"
    assert task.percent_complete == 100
    state = hass.states.get(TASKS)
    assert state is not None
    assert state.state == "0"
    assert state.attributes["friendly_name"] == "Calendar Tasks"
    await hass.services.async_call(
        TODO_DOMAIN,
        "remove_item",
        {ATTR_ENTITY_ID: TASKS, "item": item["uid"]},
        blocking=True,
    )
    assert await task_items(hass_ws_client) == []
    assert cal.tasks == {}


@pytest.mark.usefixtures("calendar_loaded")
async def test_assist_tells_the_task_lists_apart(
    hass: HomeAssistant, cal: CalendarStore, fake_dsm: FakeDsm
) -> None:
    """Say "my tasks" for Note Station's list, "my calendar tasks" for Calendar's."""
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})

    assert await say(hass, "add bread to my calendar tasks") == "Added bread"
    assert "Bread" in {task.summary for task in cal.tasks.values()}
    assert await say(hass, "add milk to my tasks") == "Added milk"
    assert "Milk" not in {task.summary for task in cal.tasks.values()}
    assert fake_dsm.notestation.todo_by_title("Milk")
    assert await say(hass, "check off bread from my calendar tasks")
    bread = next(task for task in cal.tasks.values() if task.summary == "Bread")
    assert bread.percent_complete == 100


async def test_shared_task_lists_and_refusals(
    hass: HomeAssistant,
    calendar_entry: MockConfigEntry,
    fake_dsm: FakeDsm,
    cal: CalendarStore,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A read-only shared task list refuses edits; unknown items and no-ops send nothing."""
    alice = fake_dsm.store.users["alice"]  # a demo account
    chores = cal.add_calendar(
        "alice", alice.uid, "Chores", kind="todo", shares={DEMO_USER: READ_ONLY}
    )
    cal.add_task(chores, "Water the plants")
    await setup_entry(hass, calendar_entry)
    shared = "todo.calendar_chores_alice"
    state = hass.states.get(shared)
    assert state is not None
    assert state.state == "1"
    fake_dsm.reset_request_log()
    with pytest.raises(ServiceValidationError, match="read-only"):
        await hass.services.async_call(
            TODO_DOMAIN,
            "add_item",
            {ATTR_ENTITY_ID: shared, "item": "Mow"},
            blocking=True,
        )
    with pytest.raises(ServiceValidationError, match="read-only"):
        await hass.services.async_call(
            TODO_DOMAIN,
            "remove_item",
            {ATTR_ENTITY_ID: shared, "item": "Water the plants"},
            blocking=True,
        )
    [task] = [
        task for task in cal.tasks.values() if task.summary == "Renew the NAS warranty"
    ]
    await hass.services.async_call(
        TODO_DOMAIN,
        "update_item",
        {ATTR_ENTITY_ID: TASKS, "item": str(task.evt_id), "rename": task.summary},
        blocking=True,
    )
    assert calendar_requests(fake_dsm) == []
    with pytest.raises(ServiceValidationError, match="Unable to find"):
        await hass.services.async_call(
            TODO_DOMAIN,
            "update_item",
            {ATTR_ENTITY_ID: TASKS, "item": "999999", "rename": "x"},
            blocking=True,
        )
    cal.delete_calendar(chores.cal_id)
    await poll(hass, freezer)
    assert hass.states.get(shared) is None


@pytest.mark.usefixtures("calendar_loaded")
async def test_second_account_lists_name_the_account(
    hass: HomeAssistant, entry_data: dict[str, Any], fake_dsm: FakeDsm
) -> None:
    """Each account sees its own calendars; a later account's lists carry its name."""
    alice = MockConfigEntry(
        domain=DOMAIN,
        title="alice",
        unique_id=f"{DEMO_SERIAL}_alice",
        data={**entry_data, "username": "alice", "password": DEMO_PASSWORD},
        options={CONF_APPS: [DsmApp.CALENDAR]},
    )
    # Added after the demo account (whose entry was made before the clock moved back).
    object.__setattr__(alice, "created_at", datetime(2027, 1, 1, tzinfo=PACIFIC))
    await setup_entry(hass, alice)
    state = hass.states.get("todo.calendar_tasks_alice")
    assert state is not None
    assert state.attributes["friendly_name"] == "Calendar Tasks (alice)"
    assert state.state == "0"  # alice has none of the demo user's tasks
    first = hass.states.get(TASKS)
    assert first is not None
    assert first.attributes["friendly_name"] == "Calendar Tasks"
