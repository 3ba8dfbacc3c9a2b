"""What the Chat listener promises: every post delivered once, across starts and faults."""

import asyncio
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

from custom_components.synology_native.api import chat_catchup, chat_schedule
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
    fake_dsm.reset_request_log()
    await asyncio.sleep(10 * chat_schedule.POLL_SECONDS)  # reads would have run by now
    assert messages == []  # automations are not armed yet: nothing is fired
    reads = [
        r
        for r in fake_dsm.requests
        if r.api == "SYNO.Chat.Post" or ("SYNO.Chat.Post", "list") in r.compound
    ]
    assert reads == []

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


async def test_one_conversation_failing_at_http_level_leaves_the_others_flowing(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    fake_dsm: FakeDsm,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A thread whose reads answer HTTP 500 waits alone; other conversations flow on."""
    messages = async_capture_events(hass, EVENT_CHAT_MESSAGE)
    chat = await push_ready(hass, config_entry)
    root = await fake_dsm.chat.post_as("alice", GENERAL, "root")
    await until(lambda: texts(messages) == ["root"])
    repair = fake_dsm.faults.break_calls(
        "SYNO.Chat.Post", "list", lambda params: params.get("thread_id") == root.post_id
    )
    await fake_dsm.chat.post_as("bob", GENERAL, "reply", thread_id=root.post_id)
    await fake_dsm.chat.post_as("alice", GENERAL, "general")
    family = [f"family {number}" for number in range(10)]
    for text in family:
        await fake_dsm.chat.post_as("alice", FAMILY, text)
    await until(lambda: len(messages) == 12)
    assert texts(messages) == ["root", "general", *family]
    for _ in range(chat_catchup.ROUNDS_BEFORE_WARNING):
        await chat.async_read_round()
    assert caplog.text.count("Chat conversation general of demo cannot be read") == 1
    repair()
    await until(lambda: len(messages) == 13)
    await chat.async_read_round()
    assert texts(messages)[-1] == "reply"
    assert caplog.text.count("Chat conversation general of demo can be read again") == 1


async def test_a_jump_in_post_ids_is_read_from_the_anchor(
    hass: HomeAssistant, config_entry: MockConfigEntry, fake_dsm: FakeDsm
) -> None:
    """Post ids jumping by 10^8 cost a few reads, in the main timeline and in a thread."""
    messages = async_capture_events(hass, EVENT_CHAT_MESSAGE)
    chat = await push_ready(hass, config_entry)
    root = await fake_dsm.chat.post_as("alice", GENERAL, "root")
    await until(lambda: len(messages) == 1)
    fake_dsm.reset_request_log()
    fake_dsm.chat.channels[GENERAL].counter += 10**8
    await fake_dsm.chat.post_as("bob", GENERAL, "reply", thread_id=root.post_id)
    await until(lambda: len(messages) == 2)
    async with chat.catch_up._lock:  # more than the window, read in one round
        fake_dsm.chat.channels[GENERAL].counter += 10**8
        after = [f"after {number}" for number in range(chat_catchup.RECENT_WINDOW + 10)]
        for text in after:
            await fake_dsm.chat.post_as("alice", GENERAL, text)
    await until(lambda: len(messages) == 2 + len(after))
    await chat.async_read_round()
    assert texts(messages) == ["root", "reply", *after]
    lists = [r for r in fake_dsm.requests if r.method == "list"]
    assert len(lists) < 20


async def test_a_long_backlog_is_read_a_few_pages_per_round(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    fake_dsm: FakeDsm,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Pages per round are bounded by us: one warning, and the rest in later rounds."""
    monkeypatch.setattr(chat_catchup, "MAX_PAGES_PER_ROUND", 2)
    fake_dsm.chat.page_cap = 10
    messages = async_capture_events(hass, EVENT_CHAT_MESSAGE)
    chat = await push_ready(hass, config_entry)
    backlog = [f"backlog {number}" for number in range(100)]
    async with chat.catch_up._lock:
        for text in backlog:
            await fake_dsm.chat.post_as("alice", GENERAL, text)
    await until(lambda: len(messages) == len(backlog))
    await chat.async_read_round()
    assert texts(messages) == backlog
    assert caplog.text.count("has more new posts than 2 pages") == 1


async def test_a_failing_read_of_a_gap_loses_nothing(
    hass: HomeAssistant, config_entry: MockConfigEntry, fake_dsm: FakeDsm
) -> None:
    """More new posts than the window: the gap is read first, and a failure there waits."""
    messages = async_capture_events(hass, EVENT_CHAT_MESSAGE)
    chat = await push_ready(hass, config_entry)
    repair = fake_dsm.faults.break_calls(
        "SYNO.Chat.Post",
        "list",
        lambda params: params.get("channel_id") == GENERAL and "post_id" in params,
    )
    posts = [f"post {number}" for number in range(chat_catchup.RECENT_WINDOW + 10)]
    async with chat.catch_up._lock:
        for text in posts:
            await fake_dsm.chat.post_as("alice", GENERAL, text)
    for _ in range(3):
        await chat.async_read_round()
    assert messages == []  # the gap comes first, and it cannot be read yet
    repair()
    await until(lambda: len(messages) == len(posts))
    await chat.async_read_round()
    assert texts(messages) == posts
