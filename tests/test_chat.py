"""Chat through Home Assistant: bus events, event entities, sensors, notify, reconnects."""

import asyncio
from collections.abc import Callable
import logging
from typing import TYPE_CHECKING, Any

from homeassistant.components.notify import ATTR_MESSAGE, ATTR_TITLE
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNAVAILABLE
from homeassistant.exceptions import ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.synology_native.api import (
    chat_catchup,
    chat_schedule,
    chat_socket,
)
from custom_components.synology_native.api.chat_schedule import ConnectionMode
from custom_components.synology_native.api.chat_socket import backoff_seconds
from custom_components.synology_native.apps.chat.listener import CHAT
from custom_components.synology_native.const import (
    CONF_APPS,
    CONF_CHAT_DM_USERS,
    DOMAIN,
    EVENT_CHAT_MESSAGE,
    EVENT_CHAT_MESSAGE_DELETED,
    EVENT_CHAT_MESSAGE_UPDATED,
    EVENT_CHAT_REACTION,
)
from tests.fake_dsm.chat_store import DM_ALICE, FAMILY, GENERAL, RANDOM, PostRate

if TYPE_CHECKING:
    from homeassistant.core import Event, HomeAssistant

    from custom_components.synology_native.apps.chat.listener import ChatListener
    from tests.fake_dsm import FakeDsm

ME, ALICE, BOB = 1, 2, 3
UNREAD = "sensor.ds923_demo_unread_chat_messages"
CONNECTION = "sensor.ds923_demo_chat_connection"
GENERAL_EVENTS = "event.ds923_demo_general_chat_activity"
GENERAL_NOTIFY = "notify.ds923_demo_general_chat"


@pytest.fixture(autouse=True)
def fast_listener(monkeypatch: pytest.MonkeyPatch) -> None:
    """Shorten the listener's waits so tests run in real time quickly."""
    monkeypatch.setattr(chat_schedule, "COALESCE_SECONDS", 0.01)
    monkeypatch.setattr(chat_schedule, "POLL_SECONDS", 0.05)
    monkeypatch.setattr(chat_schedule, "CALIBRATE_SECONDS", 5.0)
    monkeypatch.setattr(chat_socket, "BACKOFF_MIN_SECONDS", 0.02)
    monkeypatch.setattr(chat_socket, "BACKOFF_MAX_SECONDS", 0.1)
    monkeypatch.setattr(chat_catchup, "RATE_LIMIT_PAUSE_SECONDS", 0.01)


async def until(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    """Wait until condition holds (the listener runs in its own task, not tracked by hass)."""
    async with asyncio.timeout(seconds):
        while not condition():  # noqa: ASYNC110 - the condition spans several objects
            await asyncio.sleep(0.01)


async def setup_entry(hass: HomeAssistant, entry: MockConfigEntry) -> ChatListener:
    """Set up entry and return its Chat listener."""
    if entry.entry_id not in hass.config_entries.async_entry_ids():
        entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    chat = entry.runtime_data.app(CHAT)
    assert chat is not None
    return chat.listener


async def push_ready(hass: HomeAssistant, entry: MockConfigEntry) -> ChatListener:
    """Set up entry and wait for the socket."""
    chat = await setup_entry(hass, entry)
    await until(lambda: chat.mode is ConnectionMode.PUSH)
    return chat


def texts(events: list[Event]) -> list[str]:
    """Return the text of each event."""
    return [event.data["text"] for event in events]


async def test_post_reaches_the_bus_once(
    hass: HomeAssistant, config_entry: MockConfigEntry, fake_dsm: FakeDsm
) -> None:
    """A post in the simulator is one bus event with the right data, and an entity event."""
    messages = async_capture_events(hass, EVENT_CHAT_MESSAGE)
    chat = await push_ready(hass, config_entry)
    assert messages == []  # what was there before is not reported
    post = await fake_dsm.chat.post_as("alice", GENERAL, "Dinner? @u:1")
    await until(lambda: len(messages) == 1)
    data = messages[0].data
    assert data == {
        "config_entry_id": config_entry.entry_id,
        "channel_id": GENERAL,
        "channel_name": "general",
        "channel_type": "public",
        "post_id": post.post_id,
        "thread_id": None,
        "author_id": ALICE,
        "author_name": "Alice",
        "own": False,
        "text": "Dinner? @u:1",
        "mentions": [ME],
        "mentions_me": True,
        "attachments": [],
        "created_at": data["created_at"],
        "updated_at": None,
    }
    assert data["created_at"].startswith("20")
    state = hass.states.get(GENERAL_EVENTS)
    assert state is not None
    assert state.attributes["event_type"] == "mention"
    assert state.attributes["post_id"] == post.post_id
    await chat.async_read_round()
    assert len(messages) == 1


async def test_threads_files_and_new_conversations(
    hass: HomeAssistant, config_entry: MockConfigEntry, fake_dsm: FakeDsm
) -> None:
    """Replies carry their thread, files their attachment; a new direct message its entity."""
    messages = async_capture_events(hass, EVENT_CHAT_MESSAGE)
    await push_ready(hass, config_entry)
    root = await fake_dsm.chat.post_as("alice", GENERAL, "root")
    await until(lambda: len(messages) == 1)
    reply = await fake_dsm.chat.post_as("bob", GENERAL, "reply", thread_id=root.post_id)
    await until(lambda: len(messages) == 2)
    assert messages[1].data["thread_id"] == root.post_id
    assert messages[1].data["post_id"] == reply.post_id
    report = {"name": "report.pdf", "size": 48211, "type": "pdf"}
    file_post = await fake_dsm.chat.create_post(
        fake_dsm.chat.channels[GENERAL], BOB, "", kind="file", file_props=report
    )
    await until(lambda: len(messages) == 3)
    assert messages[2].data["attachments"] == [report | {"post_id": file_post.post_id}]
    channel = fake_dsm.chat.add_channel("", "anonymous", BOB, [ME, BOB])
    await fake_dsm.chat.post_as("bob", channel.channel_id, "hi from bob")
    await until(lambda: len(messages) == 4)
    assert messages[3].data["channel_name"] == "Bob"
    assert messages[3].data["channel_type"] == "anonymous"
    await until(
        lambda: hass.states.get("event.ds923_demo_bob_chat_activity") is not None
    )


async def test_posts_while_socket_down_arrive_once_in_order(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    fake_dsm: FakeDsm,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """50 posts while the socket is refused arrive exactly once, in order, after it is back."""
    monkeypatch.setattr(chat_schedule, "POLL_SECONDS", 60.0)  # only the reconnect reads
    messages = async_capture_events(hass, EVENT_CHAT_MESSAGE)
    chat = await push_ready(hass, config_entry)
    caplog.set_level(logging.INFO)
    await fake_dsm.chat_socket.refuse_reconnects(0.6)
    await until(lambda: chat.mode is ConnectionMode.POLLING)
    for number in range(50):
        await fake_dsm.chat.post_as("alice", GENERAL, f"post {number}")
    await until(lambda: len(messages) == 50)
    await until(lambda: chat.mode is ConnectionMode.PUSH)
    assert texts(messages) == [f"post {number}" for number in range(50)]
    ids = [event.data["post_id"] for event in messages]
    assert ids == sorted(set(ids))
    await chat.async_read_round()
    assert len(messages) == 50
    assert caplog.text.count("Chat socket of demo dropped") == 1
    assert caplog.text.count("Chat socket of demo is back") == 1


async def test_posts_across_a_restart_arrive_once(
    hass: HomeAssistant, config_entry: MockConfigEntry, fake_dsm: FakeDsm
) -> None:
    """What was posted while Home Assistant was stopped arrives once after it starts."""
    messages = async_capture_events(hass, EVENT_CHAT_MESSAGE)
    await push_ready(hass, config_entry)
    root = await fake_dsm.chat.post_as("alice", FAMILY, "before")
    await until(lambda: len(messages) == 1)
    assert await hass.config_entries.async_unload(config_entry.entry_id)
    for number in range(50):
        await fake_dsm.chat.post_as("alice", GENERAL, f"while down {number}")
    await fake_dsm.chat.post_as("alice", FAMILY, "late reply", thread_id=root.post_id)
    await push_ready(hass, config_entry)
    await until(lambda: len(messages) == 52)
    assert texts(messages)[1:51] == [f"while down {n}" for n in range(50)]
    assert messages[51].data["thread_id"] == root.post_id
    assert await hass.config_entries.async_unload(config_entry.entry_id)
    chat = await push_ready(hass, config_entry)
    await chat.async_read_round()
    assert len(messages) == 52


async def test_outage_of_500_posts_in_3_channels_arrive_once_in_order(
    hass: HomeAssistant, config_entry: MockConfigEntry, fake_dsm: FakeDsm
) -> None:
    """500 posts (a thread among them) while Home Assistant was away, read in short pages."""
    fake_dsm.chat.page_cap = 17  # DSM answers fewer posts than asked (chat.md §5.1)
    messages = async_capture_events(hass, EVENT_CHAT_MESSAGE)
    await push_ready(hass, config_entry)
    assert await hass.config_entries.async_unload(config_entry.entry_id)
    channels = (GENERAL, FAMILY, DM_ALICE)
    expected: dict[int, list[str]] = {cid: [] for cid in channels}
    for number in range(479):
        cid = channels[number % 3]
        await fake_dsm.chat.post_as("alice", cid, f"{cid}: {number}")
        expected[cid].append(f"{cid}: {number}")
    root = await fake_dsm.chat.post_as("alice", FAMILY, "root")
    expected[FAMILY].append("root")
    for number in range(20):
        await fake_dsm.chat.post_as(
            "alice", FAMILY, f"r{number}", thread_id=root.post_id
        )
        expected[FAMILY].append(f"r{number}")
    fake_dsm.reset_request_log()
    chat = await push_ready(hass, config_entry)
    await until(lambda: len(messages) >= 500)
    await chat.async_read_round()
    assert len(messages) == 500
    for cid in channels:
        events = [e for e in messages if e.data["channel_id"] == cid]
        assert texts(events) == expected[cid]
        ids = [e.data["post_id"] for e in events]
        assert ids == sorted(set(ids))
    assert sum(e.data["thread_id"] == root.post_id for e in messages) == 20
    pages = [r for r in fake_dsm.requests if r.method == "list"]
    assert len(pages) > 500 // 17  # short pages were paged through


async def test_empty_conversation_is_nothing_there(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    fake_dsm: FakeDsm,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A new direct message without posts answers 402; the listener stays on push."""
    messages = async_capture_events(hass, EVENT_CHAT_MESSAGE)
    chat = await push_ready(hass, config_entry)
    channel = fake_dsm.chat.add_channel("", "anonymous", BOB, [ME, BOB])
    await fake_dsm.chat.post_as("alice", GENERAL, "wake up")
    await until(lambda: len(messages) == 1)
    fake_dsm.reset_request_log()
    await fake_dsm.chat.post_as("alice", GENERAL, "again")
    await until(lambda: len(messages) == 2)
    assert chat.mode is ConnectionMode.PUSH
    assert channel.channel_id in chat.channels
    for _ in range(chat_catchup.ROUNDS_BEFORE_WARNING + 1):
        await chat.async_read_round()
    assert "cannot be read" not in caplog.text  # empty is not broken
    await fake_dsm.chat.post_as("bob", channel.channel_id, "first words")
    await until(lambda: len(messages) == 3)
    assert messages[2].data["text"] == "first words"


async def test_polling_mode_without_socket(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    fake_dsm: FakeDsm,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With no socket at all, the catch-up reads run on a timer, and only then."""
    monkeypatch.setattr(chat_schedule, "POLL_SECONDS", 0.5)
    fake_dsm.chat_socket.faults.socket_unavailable = True
    messages = async_capture_events(hass, EVENT_CHAT_MESSAGE)
    chat = await setup_entry(hass, config_entry)
    await until(lambda: hass.states.get(CONNECTION).state == "polling")  # type: ignore[union-attr]
    await chat.async_read_round()
    lists_before = sum(1 for r in fake_dsm.requests if r.method == "list")
    await fake_dsm.chat.post_as("bob", GENERAL, "anyone?")
    await until(lambda: len(messages) == 1)
    assert chat.mode is ConnectionMode.POLLING
    assert fake_dsm.chat_socket.connections == {}
    # One round: channels, one compound read of the windows; no busy loop.
    assert sum(1 for r in fake_dsm.requests if r.method == "list") - lists_before <= 2


def connection(hass: HomeAssistant) -> str:
    """Return the state of the connection sensor."""
    state = hass.states.get(CONNECTION)
    assert state is not None
    return state.state


async def test_a_silent_socket_is_noticed_and_polling_takes_over(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    fake_dsm: FakeDsm,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A socket that stays open but never speaks: posts arrive at the polling pace."""
    monkeypatch.setattr(chat_schedule, "CALIBRATE_SECONDS", 1.0)
    messages = async_capture_events(hass, EVENT_CHAT_MESSAGE)
    chat = await push_ready(hass, config_entry)
    await chat.async_read_round()  # the read after connecting is done
    fake_dsm.chat_socket.faults.silent = True
    await fake_dsm.chat.post_as("alice", GENERAL, "unannounced")
    # Found by the calibration read, which tells that the socket missed it.
    await until(lambda: connection(hass) == "silent", seconds=5)
    assert texts(messages) == ["unannounced"]
    assert len(fake_dsm.chat_socket.connections) == 1  # still connected
    await fake_dsm.chat.post_as("alice", GENERAL, "soon")
    # Within a few poll periods, far less than a calibration period.
    await until(lambda: len(messages) == 2, seconds=0.5)
    fake_dsm.chat_socket.faults.silent = False
    await fake_dsm.chat.post_as("alice", GENERAL, "announced")
    await until(lambda: connection(hass) == "push")
    assert texts(messages) == ["unannounced", "soon", "announced"]


async def test_a_socket_not_understood_still_delivers_every_post(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    fake_dsm: FakeDsm,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Event names nobody knows: the sensor says so and the reads poll for every post."""
    monkeypatch.setattr(chat_schedule, "CALIBRATE_SECONDS", 60.0)
    caplog.set_level(logging.INFO)
    fake_dsm.chat_socket.faults.unknown_names = True
    messages = async_capture_events(hass, EVENT_CHAT_MESSAGE)
    await push_ready(hass, config_entry)
    sent = [f"post {number}" for number in range(5)]
    for text in sent:
        await fake_dsm.chat.post_as("alice", GENERAL, text)
    await until(lambda: connection(hass) == "not_understood")
    await until(lambda: len(messages) == len(sent))
    assert texts(messages) == sent
    assert len(fake_dsm.chat_socket.connections) == 1
    assert caplog.text.count("sent an event not understood: chat.v9.post_create") == 1
    # A name understood after all puts the socket back in charge.
    fake_dsm.chat_socket.faults.unknown_names = False
    await fake_dsm.chat.post_as("alice", GENERAL, "known")
    await until(lambda: connection(hass) == "push")


async def test_edits_deletions_reactions(
    hass: HomeAssistant, config_entry: MockConfigEntry, fake_dsm: FakeDsm
) -> None:
    """Changes of recent posts fire their own events."""
    updated = async_capture_events(hass, EVENT_CHAT_MESSAGE_UPDATED)
    deleted = async_capture_events(hass, EVENT_CHAT_MESSAGE_DELETED)
    reactions = async_capture_events(hass, EVENT_CHAT_REACTION)
    messages = async_capture_events(hass, EVENT_CHAT_MESSAGE)
    await push_ready(hass, config_entry)
    post = await fake_dsm.chat.post_as("alice", GENERAL, "tpyo")
    await until(lambda: len(messages) == 1)
    await fake_dsm.chat.edit_as("alice", post.post_id, "typo")
    await until(lambda: len(updated) == 1)
    assert updated[0].data["text"] == "typo"
    assert updated[0].data["previous_text"] == "tpyo"
    assert updated[0].data["updated_at"] is not None
    await fake_dsm.chat.react_as("bob", post.post_id, "heart")
    await until(lambda: len(reactions) == 1)
    assert reactions[0].data | {"created_at": None} == reactions[0].data | {
        "reaction": "heart",
        "action": "added",
        "user_id": BOB,
        "user_name": "Bob",
        "own_reaction": False,
        "post_id": post.post_id,
        "created_at": None,
    }
    await fake_dsm.chat.react_as("bob", post.post_id, "heart", remove=True)
    await until(lambda: len(reactions) == 2)
    assert reactions[1].data["action"] == "removed"
    state = hass.states.get(GENERAL_EVENTS)
    assert state is not None
    assert state.attributes["event_type"] == "reaction"
    await fake_dsm.chat.delete_as("alice", post.post_id)
    await until(lambda: len(deleted) == 1)
    assert deleted[0].data["post_id"] == post.post_id
    assert deleted[0].data["deleted_at"] is not None
    # A post that vanishes from the recent window counts as deleted too.
    other = await fake_dsm.chat.post_as("alice", GENERAL, "gone")
    await until(lambda: len(messages) == 2)
    del fake_dsm.chat.channels[GENERAL].posts[other.post_id]
    await fake_dsm.chat.post_as("alice", GENERAL, "after")
    await until(lambda: len(deleted) == 2)
    assert deleted[1].data["text"] == "gone"


async def test_expired_session_signs_in_and_reconnects(
    hass: HomeAssistant, config_entry: MockConfigEntry, fake_dsm: FakeDsm
) -> None:
    """A session DSM ends closes the socket; the listener signs in again and reconnects."""
    messages = async_capture_events(hass, EVENT_CHAT_MESSAGE)
    chat = await push_ready(hass, config_entry)
    first_sid = chat.client.session.sid  # type: ignore[union-attr]
    await fake_dsm.chat_socket.expire_sessions()
    await until(
        lambda: (
            chat.mode is ConnectionMode.PUSH
            and chat.client.session is not None
            and chat.client.session.sid != first_sid
            and len(fake_dsm.chat_socket.connections) == 1
        )
    )
    await fake_dsm.chat.post_as("alice", GENERAL, "still there?")
    await until(lambda: len(messages) == 1)


async def test_session_renewed_elsewhere_moves_the_socket(
    hass: HomeAssistant, config_entry: MockConfigEntry, fake_dsm: FakeDsm
) -> None:
    """When a read renewed the session, the socket reconnects with the new one."""
    chat = await push_ready(hass, config_entry)
    fake_dsm.store.expire_sessions()  # the socket itself stays open
    chat.async_request_catch_up()
    await until(
        lambda: (
            chat.mode is ConnectionMode.PUSH
            and chat.client.session is not None
            and chat.schedule.keeper.socket.session_sid == chat.client.session.sid
        )
    )


async def test_sensors_and_down_mode(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    fake_dsm: FakeDsm,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Unread counts per channel; connection mode push, then down, then back."""
    chat = await push_ready(hass, config_entry)
    state = hass.states.get(UNREAD)
    assert state is not None
    assert state.state == "3"
    assert state.attributes["general"] == 2
    assert state.attributes["Alice"] == 1
    connection = hass.states.get(CONNECTION)
    assert connection is not None
    assert connection.state == "push"
    await fake_dsm.chat.post_as("alice", DM_ALICE, "one more")
    await until(lambda: hass.states.get(UNREAD).state == "4")  # type: ignore[union-attr]
    caplog.set_level(logging.INFO)
    fake_dsm.faults.fail_http(503, count=10_000)
    await fake_dsm.chat_socket.make_unavailable()
    await until(lambda: hass.states.get(CONNECTION).state == "down")  # type: ignore[union-attr]
    assert hass.states.get(UNREAD).state == STATE_UNAVAILABLE  # type: ignore[union-attr]
    fake_dsm.faults.http_errors.pending = 0
    await until(lambda: chat.mode is ConnectionMode.POLLING)
    assert caplog.text.count("Reading Chat of demo failed") == 1
    assert caplog.text.count("Reading Chat of demo works again") == 1


async def test_left_channel_and_bugs_do_not_stop_the_listener(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    fake_dsm: FakeDsm,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A channel that fails to read waits for the next round alone; a bug is logged once."""
    monkeypatch.setattr(chat_schedule, "POLL_SECONDS", 60.0)  # reads only when asked
    fake_dsm.chat_socket.faults.socket_unavailable = True
    messages = async_capture_events(hass, EVENT_CHAT_MESSAGE)
    chat = await setup_entry(hass, config_entry)
    await chat.async_read_round()
    await fake_dsm.chat.post_as("alice", GENERAL, "general 1")
    await fake_dsm.chat.post_as("alice", FAMILY, "family 1")
    # The first channel read (general) is refused, as if left between the two reads.
    fake_dsm.faults.fail_api("SYNO.Chat.Post", "list", 401)
    await chat.async_read_round()
    assert texts(messages) == ["family 1"]
    await chat.async_read_round()
    assert texts(messages) == ["family 1", "general 1"]

    original = chat.catch_up._diff

    def broken(*args: Any) -> None:
        raise RuntimeError

    monkeypatch.setattr(chat.catch_up, "_diff", broken)
    await fake_dsm.chat.post_as("alice", GENERAL, "general 2")
    await chat.async_read_round()
    await chat.async_read_round()
    monkeypatch.setattr(chat.catch_up, "_diff", original)
    await fake_dsm.chat.post_as("alice", GENERAL, "general 3")
    await chat.async_read_round()
    assert texts(messages) == ["family 1", "general 1", "general 2", "general 3"]
    assert caplog.text.count("Reading Chat of demo failed") == 1


async def test_refused_sign_in_starts_reauth(
    hass: HomeAssistant, config_entry: MockConfigEntry, fake_dsm: FakeDsm
) -> None:
    """A password changed elsewhere while running leads to reauth."""
    chat = await push_ready(hass, config_entry)
    fake_dsm.store.users["demo"].password = "changed"
    await fake_dsm.chat_socket.expire_sessions()
    await until(lambda: chat.mode is ConnectionMode.DOWN)
    await until(lambda: any(config_entry.async_get_active_flows(hass, {"reauth"})))


async def test_setup_fails_when_chat_cannot_be_read(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    fake_dsm: FakeDsm,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Chat refusing the first read retries setup; a refused sign-in asks for reauth."""
    fake_dsm.faults.fail_api("SYNO.Chat.User", "list", 105)
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    assert config_entry.state is ConfigEntryState.SETUP_RETRY
    assert not any(config_entry.async_get_active_flows(hass, {"reauth"}))

    # The password changes right when setup first reads Chat, after the poll signed in:
    # that read finds its session ended, and signing in again is refused.
    api_fault = fake_dsm.faults.api_fault
    user = fake_dsm.store.users["demo"]

    def password_changed_at_first_chat_read(api: str, method: str) -> int | None:
        if api.startswith("SYNO.Chat.") and user.password != "changed":
            user.password = "changed"
            return 106
        return api_fault(api, method)

    monkeypatch.setattr(
        fake_dsm.faults, "api_fault", password_changed_at_first_chat_read
    )
    fake_dsm.reset_request_log()
    await hass.config_entries.async_reload(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.SETUP_ERROR
    assert any(config_entry.async_get_active_flows(hass, {"reauth"}))
    logins = [r for r in fake_dsm.requests if r.method == "login"]
    # The first poll's sign-in was accepted; the one after Chat's read was refused.
    assert len(logins) == 2


async def test_without_chat_nothing_is_added(
    hass: HomeAssistant, entry_data: dict[str, Any]
) -> None:
    """An entry that does not use Chat has no Chat entities."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id="x_demo",
        data=entry_data,
        options={CONF_APPS: ["calendar"]},
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    assert entry.runtime_data.app(CHAT) is None
    assert hass.states.get(UNREAD) is None
    assert hass.states.async_entity_ids("event") == []


async def test_notify_entities(
    hass: HomeAssistant, entry_data: dict[str, Any], fake_dsm: FakeDsm
) -> None:
    """Notify a channel (with title) or a chosen person; empty messages send nothing."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id="SIM0123456789_demo",
        data=entry_data,
        options={CONF_CHAT_DM_USERS: [BOB, 99]},
    )
    messages = async_capture_events(hass, EVENT_CHAT_MESSAGE)
    await push_ready(hass, entry)
    assert hass.states.get("notify.ds923_demo_random_chat") is None  # not joined
    await hass.services.async_call(
        "notify",
        "send_message",
        {ATTR_ENTITY_ID: GENERAL_NOTIFY, ATTR_TITLE: "Washer", ATTR_MESSAGE: "done"},
        blocking=True,
    )
    general = fake_dsm.chat.channels[GENERAL]
    newest = general.posts[max(general.posts)]
    assert (newest.message, newest.creator_id) == ("Washer\ndone", ME)
    await until(lambda: len(messages) == 1)
    assert messages[0].data["own"] is True
    await hass.services.async_call(
        "notify",
        "send_message",
        {ATTR_ENTITY_ID: "notify.ds923_demo_chat_with_bob", ATTR_MESSAGE: "hi Bob"},
        blocking=True,
    )
    direct = next(
        c for c in fake_dsm.chat.channels.values() if sorted(c.members) == [1, 3]
    )
    assert [p.message for p in direct.posts.values()] == ["hi Bob"]
    count = len(general.posts)
    with pytest.raises(ServiceValidationError):
        await hass.services.async_call(
            "notify",
            "send_message",
            {ATTR_ENTITY_ID: GENERAL_NOTIFY, ATTR_MESSAGE: "  "},
            blocking=True,
        )
    assert len(general.posts) == count
    assert RANDOM not in {m.data["channel_id"] for m in messages}


async def test_ten_notifications_at_once_arrive_in_order(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    fake_dsm: FakeDsm,
    chat_pace: list[float],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Against Chat's one post a second (small burst), ten at once are paced, not refused."""
    assert fake_dsm.chat.post_rate == PostRate()  # the simulator's default limit
    await setup_entry(hass, config_entry)
    await asyncio.gather(
        *(
            hass.services.async_call(
                "notify",
                "send_message",
                {ATTR_ENTITY_ID: GENERAL_NOTIFY, ATTR_MESSAGE: f"note {n}"},
                blocking=True,
            )
            for n in range(10)
        )
    )
    general = fake_dsm.chat.channels[GENERAL]
    mine = [post for post in general.posts.values() if post.creator_id == ME][-10:]
    assert [post.message for post in mine] == [f"note {n}" for n in range(10)]
    # Within about ten seconds of the simulator's clock, which the waits moved on.
    assert mine[-1].create_at - mine[0].create_at <= 10_000
    assert sum(chat_pace) <= 10
    assert not [
        r
        for r in caplog.records
        if r.levelno >= logging.WARNING and r.name.startswith("custom_components")
    ]
    # Each went once: none was refused (a refusal is tried again).
    creates = [
        r
        for r in fake_dsm.requests
        if (r.api, r.method) == ("SYNO.Chat.Post", "create")
    ]
    assert len(creates) == 10


def test_backoff_is_capped_with_jitter() -> None:
    """Reconnect waits double up to the cap, never below half of it."""
    top = chat_socket.BACKOFF_MAX_SECONDS
    waits = [backoff_seconds(attempt) for attempt in range(1, 12)]
    assert waits[0] >= chat_socket.BACKOFF_MIN_SECONDS / 2
    assert all(w <= top for w in waits)
    assert waits[-1] >= top / 2


async def test_logbook_descriptions(hass: HomeAssistant) -> None:
    """Each Chat event gets a logbook line without its text."""
    from homeassistant.core import Event as CoreEvent  # noqa: PLC0415

    from custom_components.synology_native.logbook import (  # noqa: PLC0415
        async_describe_events,
    )

    described: dict[str, Callable[[CoreEvent], dict[str, str]]] = {}
    async_describe_events(
        hass, lambda domain, name, describe: described.__setitem__(name, describe)
    )
    line = described[EVENT_CHAT_MESSAGE](
        CoreEvent(
            EVENT_CHAT_MESSAGE, {"author_name": "Alice", "channel_name": "general"}
        )
    )
    assert line == {"name": "Alice", "message": "wrote in general"}
    # A direct message's channel bears the other person's name.
    direct = {"channel_name": "Alice", "channel_type": "anonymous"}
    line = described[EVENT_CHAT_MESSAGE](
        CoreEvent(EVENT_CHAT_MESSAGE, {**direct, "author_name": "Demo", "own": True})
    )
    assert line == {"name": "Demo", "message": "sent a direct message to Alice"}
    line = described[EVENT_CHAT_MESSAGE](
        CoreEvent(EVENT_CHAT_MESSAGE, {**direct, "author_name": "Alice", "own": False})
    )
    assert line == {"name": "Alice", "message": "sent a direct message"}
    line = described[EVENT_CHAT_REACTION](
        CoreEvent(
            EVENT_CHAT_REACTION,
            {"user_name": "Bob", "reaction": "heart", "channel_name": "general"},
        )
    )
    assert line["message"] == "added reaction heart in general"


async def test_no_secret_in_logs_or_events(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    fake_dsm: FakeDsm,
    secrets_in_logs: list[str],
) -> None:
    """Session ids and SynoTokens appear neither in logs nor in events, even on reconnect."""
    messages = async_capture_events(hass, EVENT_CHAT_MESSAGE)
    chat = await push_ready(hass, config_entry)
    first = chat.client.session
    assert first is not None
    await fake_dsm.chat_socket.expire_sessions()
    await until(
        lambda: chat.mode is ConnectionMode.PUSH and chat.client.session is not first
    )
    await fake_dsm.chat.post_as("alice", GENERAL, "hi")
    await until(lambda: len(messages) == 1)
    renewed = chat.client.session
    assert renewed is not None
    for session in (first, renewed):
        secrets_in_logs += [session.sid, str(session.synotoken)]
        assert session.sid not in str(messages[0].data)
