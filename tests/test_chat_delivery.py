"""What the Chat listener promises: every post delivered once, across starts and faults."""

import logging
import random
from typing import TYPE_CHECKING

from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import CoreState, Event, EventStateChangedData, callback
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    async_capture_events,
    async_mock_service,
)

from custom_components.synology_native.api.chat_schedule import ConnectionMode
from custom_components.synology_native.const import EVENT_CHAT_MESSAGE
from tests.fake_dsm.chat_store import FAMILY, GENERAL
from tests.test_chat import (  # noqa: F401 - fast_listener applies to these tests too
    GENERAL_EVENTS,
    UNREAD,
    fast_listener,
    push_ready,
    setup_entry,
    texts,
    until,
)

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from tests.fake_dsm import FakeDsm

# A time no datetime can hold: year 3 million (chat.md §0.5: Chat times are ms).
FAR_FUTURE_MS = 10**17


async def test_backlog_reaches_automations_once_home_assistant_runs(
    hass: HomeAssistant, config_entry: MockConfigEntry, fake_dsm: FakeDsm
) -> None:
    """Posts made while Home Assistant was stopped each run an automation once after start."""
    messages = async_capture_events(hass, EVENT_CHAT_MESSAGE)
    await push_ready(hass, config_entry)
    assert await hass.config_entries.async_unload(config_entry.entry_id)
    posts = [
        await fake_dsm.chat.post_as("alice", GENERAL, f"while down {number}")
        for number in range(50)
    ]
    hass.set_state(CoreState.not_running)
    chat = await setup_entry(hass, config_entry)
    calls = async_mock_service(hass, "test", "automation")
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "trigger": {"trigger": "event", "event_type": EVENT_CHAT_MESSAGE},
                "action": {
                    "action": "test.automation",
                    "data": {"post_id": "{{ trigger.event.data.post_id }}"},
                },
            }
        },
    )
    await hass.async_block_till_done()
    assert messages == []  # automations are not armed yet: nothing is fired

    await hass.async_start()
    await until(lambda: len(calls) == len(posts))
    await chat.async_read_round()
    await hass.async_block_till_done()
    assert [int(call.data["post_id"]) for call in calls] == [p.post_id for p in posts]
    assert texts(messages) == [f"while down {number}" for number in range(50)]
    state = hass.states.get(GENERAL_EVENTS)
    assert state is not None
    assert state.attributes["post_id"] == posts[-1].post_id


@pytest.mark.parametrize("fault", ["411 every third call", "random HTTP 500s"])
async def test_300_replies_under_faults_arrive_once(
    hass: HomeAssistant, config_entry: MockConfigEntry, fake_dsm: FakeDsm, fault: str
) -> None:
    """No thread cursor moves past a reply not delivered; failed rounds resume."""
    messages = async_capture_events(hass, EVENT_CHAT_MESSAGE)
    chat = await push_ready(hass, config_entry)
    root = await fake_dsm.chat.post_as("alice", FAMILY, "root")
    await until(lambda: len(messages) == 1)
    if fault == "411 every third call":
        fake_dsm.faults.rate_limits.every = 3
    chance = random.Random(300)  # noqa: S311 - a repeatable fault pattern
    replies = []
    for number in range(300):
        if fault == "random HTTP 500s" and chance.random() < 0.1:
            fake_dsm.faults.fail_http(500)  # the next request, whichever it is
        replies.append(
            await fake_dsm.chat.post_as(
                "alice", FAMILY, f"r{number}", thread_id=root.post_id
            )
        )
    await until(lambda: len(messages) >= 301, seconds=25)
    await chat.async_read_round()
    fake_dsm.faults.rate_limits.every = 0
    await chat.async_read_round()
    assert [e.data["post_id"] for e in messages[1:]] == [r.post_id for r in replies]
    assert {e.data["thread_id"] for e in messages[1:]} == {root.post_id}


async def test_post_that_cannot_be_reported_is_logged_once_and_skipped(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    fake_dsm: FakeDsm,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A post with an impossible time is skipped; the posts around it arrive once."""
    messages = async_capture_events(hass, EVENT_CHAT_MESSAGE)
    chat = await push_ready(hass, config_entry)
    async with chat.catch_up._lock:  # the listener reads them all in one round
        await fake_dsm.chat.post_as("alice", GENERAL, "before")
        bad = await fake_dsm.chat.post_as("alice", GENERAL, "from the far future")
        bad.create_at = bad.update_at = FAR_FUTURE_MS
        for number in range(14):
            await fake_dsm.chat.post_as("alice", GENERAL, f"after {number}")
    await until(lambda: len(messages) == 15)
    await chat.async_read_round()
    await chat.async_read_round()
    assert texts(messages) == ["before"] + [f"after {n}" for n in range(14)]
    # Each later change of it cannot be reported either, and is not logged again.
    for name in ("heart", "grinning"):
        await fake_dsm.chat.react_as("bob", bad.post_id, name)
        await chat.async_read_round()
    assert caplog.text.count(f"Skipping Chat post {bad.post_id}") == 1


async def test_single_failed_reads_do_not_flap(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    fake_dsm: FakeDsm,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """One failed read among five leaves entities available and logs nothing."""
    chat = await push_ready(hass, config_entry)
    caplog.set_level(logging.DEBUG)
    unavailable: list[Event[EventStateChangedData]] = []

    @callback
    def record(event: Event[EventStateChangedData]) -> None:
        new_state = event.data["new_state"]
        if new_state is not None and new_state.state == STATE_UNAVAILABLE:
            unavailable.append(event)

    async_track_state_change_event(hass, UNREAD, record)
    fake_dsm.faults.http_errors.every = 5
    for _ in range(20):
        await chat.async_read_round()
    fake_dsm.faults.http_errors.every = 0
    failed = [
        r
        for r in caplog.records
        if r.getMessage().startswith("Reading Chat of demo failed")
    ]
    assert len(failed) >= 5
    assert all(r.levelno == logging.DEBUG for r in failed)
    assert unavailable == []
    assert chat.mode is ConnectionMode.PUSH
    assert "works again" not in caplog.text


async def test_restored_chat_starts_again_from_its_newest_post(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    fake_dsm: FakeDsm,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A NAS whose newest post is older than the stored cursor re-baselines, says so once."""
    messages = async_capture_events(hass, EVENT_CHAT_MESSAGE)
    await push_ready(hass, config_entry)
    for number in range(3):
        await fake_dsm.chat.post_as("alice", GENERAL, f"lost {number}")
    await until(lambda: len(messages) == 3)
    assert await hass.config_entries.async_unload(config_entry.entry_id)
    # Chat restored from a backup older than those posts: they and their ids are gone.
    general = fake_dsm.chat.channels[GENERAL]
    for post_id in sorted(general.posts)[-3:]:
        del general.posts[post_id]
    general.counter -= 3
    chat = await push_ready(hass, config_entry)
    await chat.async_read_round()
    fresh = await fake_dsm.chat.post_as("alice", GENERAL, "after the restore")
    assert fresh.post_id <= messages[-1].data["post_id"]  # an id already reported
    await until(lambda: len(messages) == 4)
    await chat.async_read_round()
    assert texts(messages)[3:] == ["after the restore"]
    assert caplog.text.count("has fewer posts than it had") == 1
