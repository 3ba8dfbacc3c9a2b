"""Assist in Synology Chat: allowed people talk to their home, nobody else does."""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from homeassistant.components.homeassistant.exposed_entities import async_expose_entity
from homeassistant.config_entries import ConfigSubentryData
from homeassistant.const import CONF_USERNAME
from homeassistant.core import CoreState, Event
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.synology_native.apps.chat import assist as chat_assist
from custom_components.synology_native.apps.chat.assist import RATE_PER_PERSON
from custom_components.synology_native.apps.chat.listener import CHAT
from custom_components.synology_native.const import (
    CONF_CHAT_ASSIST,
    CONF_CHAT_ASSIST_AGENT,
    CONF_CHAT_ASSIST_MAX_AGE,
    CONF_CHAT_USER_ID,
    DOMAIN,
    EVENT_CHAT_ASSIST,
    SUBENTRY_CHAT_ASSIST_USER,
)
from custom_components.synology_native.logbook import async_describe_events
from tests.fake_dsm.chat_store import DM_ALICE, GENERAL
from tests.fake_dsm.store import DEMO_SERIAL, DEMO_USER
from tests.test_chat import (
    ALICE,
    BOB,
    ME,
    fast_listener,
    push_ready,
    setup_entry,
    until,
)

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockUser

    from custom_components.synology_native.apps.chat.listener import ChatListener
    from tests.fake_dsm import FakeDsm
    from tests.fake_dsm.chat_store import Post
    from tests.fake_dsm.notestation_store import NoteStationStore

__all__ = ["fast_listener"]  # the listener's short waits apply here too

# Assist's answers are paced like every post; here on the simulator's clock.
pytestmark = pytest.mark.usefixtures("chat_pace")

NOT_ALLOWED = "Sorry, I only answer people my Home Assistant administrator has allowed."
TOO_FAST = (
    "Sorry, that is more questions than I can take right now. "
    "Please ask again in a minute."
)


def allow(chat_user_id: int, ha_user_id: str) -> ConfigSubentryData:
    """Let a Chat user talk to Assist as a Home Assistant user."""
    return ConfigSubentryData(
        data={CONF_CHAT_USER_ID: chat_user_id, "user_id": ha_user_id},
        subentry_type=SUBENTRY_CHAT_ASSIST_USER,
        title=f"{chat_user_id} → {ha_user_id}",
        unique_id=str(chat_user_id),
    )


@pytest.fixture
def assist_options() -> dict[str, Any]:
    """Options with Assist on."""
    return {CONF_CHAT_ASSIST: True}


@pytest.fixture
def assist_entry(
    entry_data: dict[str, Any],
    hass_admin_user: MockUser,
    assist_options: dict[str, Any],
) -> MockConfigEntry:
    """Give the demo account with Assist on and Alice mapped to an administrator."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=DEMO_USER,
        unique_id=f"{DEMO_SERIAL}_{DEMO_USER}",
        data=entry_data,
        options=assist_options,
        subentries_data=[allow(ALICE, hass_admin_user.id)],
    )


@pytest.fixture
async def assist(hass: HomeAssistant, assist_entry: MockConfigEntry) -> None:
    """Home Assistant with Assist's intents and the entry's Chat connected."""
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    await hass.async_block_till_done()  # the default agent is added in a task
    await push_ready(hass, assist_entry)


def listener_of(entry: ConfigEntry) -> ChatListener:
    """Return the Chat listener of a loaded entry."""
    chat = entry.runtime_data.app(CHAT)
    assert chat is not None
    return chat.listener


def titles(nas: NoteStationStore) -> list[str]:
    """Return the titles of the to-dos on the NAS."""
    return sorted(todo.title for todo in nas.todos.values())


def replies(fake_dsm: FakeDsm, channel_id: int) -> list[Post]:
    """Return the posts the entry's account wrote in a channel, oldest first."""
    channel = fake_dsm.chat.channels[channel_id]
    return sorted(
        (post for post in channel.posts.values() if post.creator_id == ME),
        key=lambda post: post.post_id,
    )


@pytest.mark.usefixtures("assist")
async def test_direct_message_adds_a_todo_and_follow_ups_keep_the_conversation(
    hass: HomeAssistant,
    fake_dsm: FakeDsm,
    nas: NoteStationStore,
    hass_admin_user: MockUser,
) -> None:
    """An allowed DM runs Assist and gets its answer; a follow-up continues it."""
    exchanges = async_capture_events(hass, EVENT_CHAT_ASSIST)
    before = len(replies(fake_dsm, DM_ALICE))
    asked = await fake_dsm.chat.post_as("alice", DM_ALICE, "add milk to my tasks")
    await until(lambda: len(exchanges) == 1)
    assert not nas.todo_by_title("Milk").done
    answer = replies(fake_dsm, DM_ALICE)[before:]
    assert [post.message for post in answer] == ["Added milk"]
    assert answer[0].thread_id == 0  # a DM is answered in the conversation itself
    first = exchanges[0].data
    assert first == {
        "config_entry_id": first["config_entry_id"],
        "channel_id": DM_ALICE,
        "channel_name": "Alice",
        "post_id": asked.post_id,
        "thread_id": None,
        "author_id": ALICE,
        "author_name": "Alice",
        "user_id": hass_admin_user.id,
        "agent_id": "conversation.home_assistant",
        "conversation_id": first["conversation_id"],
        "question": "add milk to my tasks",
        "answer": "Added milk",
        "answer_post_id": answer[0].post_id,
        "action_done": True,
        "error": False,
    }
    assert exchanges[0].context.user_id == hass_admin_user.id

    await fake_dsm.chat.post_as("alice", DM_ALICE, "add eggs to my tasks")
    await until(lambda: len(exchanges) == 2)
    assert exchanges[1].data["conversation_id"] == first["conversation_id"]
    assert "Eggs" in titles(nas)
    # Assist's own answers are posts of the entry's account: none was answered.
    assert len(replies(fake_dsm, DM_ALICE)) == before + 2


@pytest.mark.usefixtures("assist")
async def test_mention_in_a_channel_is_answered_in_its_thread(
    hass: HomeAssistant, fake_dsm: FakeDsm, nas: NoteStationStore
) -> None:
    """A channel post that mentions the account gets the answer as a thread reply."""
    exchanges = async_capture_events(hass, EVENT_CHAT_ASSIST)
    asked = await fake_dsm.chat.post_as(
        "alice", GENERAL, f"@u:{ME} add bread to my tasks"
    )
    await until(lambda: len(exchanges) == 1)
    assert exchanges[0].data["question"] == "add bread to my tasks"
    assert exchanges[0].data["thread_id"] == asked.post_id
    answer = replies(fake_dsm, GENERAL)[-1]
    assert (answer.message, answer.thread_id) == ("Added bread", asked.post_id)
    assert "Bread" in titles(nas)
    # The next question in that thread continues the same conversation.
    await fake_dsm.chat.post_as(
        "alice", GENERAL, f"@u:{ME} add jam to my tasks", thread_id=asked.post_id
    )
    await until(lambda: len(exchanges) == 2)
    assert exchanges[1].data["conversation_id"] == exchanges[0].data["conversation_id"]
    # A post that does not mention the account is none of Assist's business.
    await fake_dsm.chat.post_as("alice", GENERAL, "add cake to my tasks")
    await hass.async_block_till_done()
    await fake_dsm.chat.post_as("alice", DM_ALICE, "add cheese to my tasks")
    await until(lambda: len(exchanges) == 3)
    assert "Cake" not in titles(nas)


@pytest.mark.usefixtures("assist")
async def test_people_not_allowed_change_nothing_and_hear_once(
    hass: HomeAssistant,
    fake_dsm: FakeDsm,
    nas: NoteStationStore,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Bob is not on the list: no action, one polite reply per conversation a day."""
    caplog.set_level("DEBUG", logger="custom_components.synology_native")
    exchanges = async_capture_events(hass, EVENT_CHAT_ASSIST)
    before = len(replies(fake_dsm, GENERAL))
    todos = dict(nas.todos)
    for item in ("eggs", "flour"):
        await fake_dsm.chat.post_as("bob", GENERAL, f"@u:{ME} add {item} to my tasks")
    await until(lambda: len(replies(fake_dsm, GENERAL)) == before + 1)
    # The second question was seen (its debug line) and left without a reply.
    await until(lambda: caplog.text.count(f"Chat user {BOB} may not talk") == 2)
    await hass.async_block_till_done()
    assert [post.message for post in replies(fake_dsm, GENERAL)[before:]] == [
        NOT_ALLOWED
    ]
    assert nas.todos == todos
    assert exchanges == []


@pytest.mark.usefixtures("assist")
async def test_own_posts_bots_webhooks_and_stale_posts_are_ignored(
    hass: HomeAssistant, fake_dsm: FakeDsm, nas: NoteStationStore
) -> None:
    """Nothing Assist could loop on, and nothing older than the configured age, runs."""
    exchanges = async_capture_events(hass, EVENT_CHAT_ASSIST)
    messages = async_capture_events(hass, f"{DOMAIN}_chat_message")
    before = len(replies(fake_dsm, DM_ALICE)) + len(replies(fake_dsm, GENERAL))
    general = fake_dsm.chat.channels[GENERAL]
    await fake_dsm.chat.post_as("demo", DM_ALICE, "add soap to my tasks")
    webhook = fake_dsm.chat.user_of_account("ha-webhook")
    await fake_dsm.chat.create_post(
        general, webhook.user_id, f"@u:{ME} add salt to my tasks"
    )
    clock = fake_dsm.store.clock
    fake_dsm.store.clock = lambda: clock() - 6 * 60  # written six minutes ago
    await fake_dsm.chat.post_as("alice", DM_ALICE, "add pepper to my tasks")
    fake_dsm.store.clock = clock
    await until(lambda: len(messages) == 3)
    await hass.async_block_till_done()
    assert exchanges == []
    assert len(replies(fake_dsm, DM_ALICE)) + len(replies(fake_dsm, GENERAL)) == (
        before + 1  # the entry's own post above
    )
    for item in ("Soap", "Salt", "Pepper"):
        assert item not in titles(nas)


@pytest.mark.usefixtures("assist")
async def test_a_post_is_never_answered_twice(
    hass: HomeAssistant,
    fake_dsm: FakeDsm,
    nas: NoteStationStore,
    assist_entry: MockConfigEntry,
) -> None:
    """A post reported again (another round, a restart) gets no second answer."""
    exchanges = async_capture_events(hass, EVENT_CHAT_ASSIST)
    asked = await fake_dsm.chat.post_as("alice", DM_ALICE, "add milk to my tasks")
    await until(lambda: len(exchanges) == 1)
    await hass.config_entries.async_reload(assist_entry.entry_id)
    await hass.async_block_till_done()
    chat = listener_of(assist_entry)
    assist_hook = chat.on_post
    assert assist_hook is not None
    posts = await chat.chat.newest_posts(DM_ALICE, 5)
    question = next(post for post in posts if post.post_id == asked.post_id)
    await assist_hook(chat.channels[DM_ALICE], question)
    await hass.async_block_till_done()
    assert len(exchanges) == 1
    assert titles(nas).count("Milk") == 1


@pytest.mark.usefixtures("assist")
async def test_a_forged_bus_event_does_nothing(
    hass: HomeAssistant,
    fake_dsm: FakeDsm,
    nas: NoteStationStore,
    assist_entry: MockConfigEntry,
) -> None:
    """An event that looks like Alice's post (anyone can fire one) runs nothing."""
    exchanges = async_capture_events(hass, EVENT_CHAT_ASSIST)
    before = len(replies(fake_dsm, DM_ALICE))
    todos = dict(nas.todos)
    hass.bus.async_fire(
        f"{DOMAIN}_chat_message",
        {
            "config_entry_id": assist_entry.entry_id,
            "channel_id": DM_ALICE,
            "channel_name": "Alice",
            "channel_type": "anonymous",
            "post_id": (DM_ALICE << 32) + 999,
            "thread_id": None,
            "author_id": ALICE,
            "author_name": "Alice",
            "own": False,
            "text": "add forged to my tasks",
            "mentions": [ME],
            "mentions_me": True,
            "attachments": [],
            "created_at": dt_util.utcnow().isoformat(),
            "updated_at": None,
        },
    )
    await hass.async_block_till_done()
    # A real post after it is answered, and only that one.
    await fake_dsm.chat.post_as("alice", DM_ALICE, "add milk to my tasks")
    await until(lambda: len(exchanges) == 1)
    await hass.async_block_till_done()
    assert [event.data["question"] for event in exchanges] == ["add milk to my tasks"]
    assert [post.message for post in replies(fake_dsm, DM_ALICE)[before:]] == [
        "Added milk"
    ]
    assert titles(nas) == sorted([*(todo.title for todo in todos.values()), "Milk"])


@pytest.mark.usefixtures("assist")
async def test_a_deactivated_user_gets_nothing_done(
    hass: HomeAssistant,
    fake_dsm: FakeDsm,
    nas: NoteStationStore,
    hass_admin_user: MockUser,
) -> None:
    """Alice's Home Assistant user is deactivated: her question changes nothing."""
    exchanges = async_capture_events(hass, EVENT_CHAT_ASSIST)
    await hass.auth.async_deactivate_user(hass_admin_user)
    before = len(replies(fake_dsm, DM_ALICE))
    todos = dict(nas.todos)
    await fake_dsm.chat.post_as("alice", DM_ALICE, "add milk to my tasks")
    await until(lambda: len(replies(fake_dsm, DM_ALICE)) == before + 1)
    await hass.async_block_till_done()
    assert replies(fake_dsm, DM_ALICE)[-1].message == NOT_ALLOWED
    assert nas.todos == todos
    assert exchanges == []


async def test_two_entries_allowing_each_other_do_not_answer_each_other(
    hass: HomeAssistant,
    fake_dsm: FakeDsm,
    entry_data: dict[str, Any],
    hass_admin_user: MockUser,
) -> None:
    """The demo entry allows Alice, Alice's entry allows demo: neither answers the other."""
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    await hass.async_block_till_done()
    entries = [
        MockConfigEntry(
            domain=DOMAIN,
            title=account,
            unique_id=f"{DEMO_SERIAL}_{account}",
            data=entry_data | {CONF_USERNAME: account},
            options={CONF_CHAT_ASSIST: True},
            subentries_data=[allow(other, hass_admin_user.id)],
        )
        for account, other in ((DEMO_USER, ALICE), ("alice", ME))
    ]
    chats = [await push_ready(hass, entry) for entry in entries]
    exchanges = async_capture_events(hass, EVENT_CHAT_ASSIST)
    before = len(fake_dsm.chat.channels[DM_ALICE].posts)
    # Written as the demo account (a notification, say), in the DM Alice's entry reads.
    await fake_dsm.chat.post_as("demo", DM_ALICE, "add milk to my tasks")
    for _ in range(3):
        for chat in chats:
            await chat.async_read_round()
        await hass.async_block_till_done()
    assert exchanges == []
    assert len(fake_dsm.chat.channels[DM_ALICE].posts) == before + 1


@pytest.mark.usefixtures("assist")
async def test_asking_too_fast_gets_one_polite_reply(
    hass: HomeAssistant, fake_dsm: FakeDsm, nas: NoteStationStore
) -> None:
    """Past the per-person limit Alice hears once that she asks too fast; nothing runs."""
    exchanges = async_capture_events(hass, EVENT_CHAT_ASSIST)
    before = len(replies(fake_dsm, DM_ALICE))
    items = [f"item{n}" for n in range(RATE_PER_PERSON + 2)]
    for item in items:
        await fake_dsm.chat.post_as("alice", DM_ALICE, f"add {item} to my tasks")
    await until(
        lambda: len(replies(fake_dsm, DM_ALICE)) == before + RATE_PER_PERSON + 1
    )
    await listener_of(hass.config_entries.async_entries(DOMAIN)[0]).async_read_round()
    await hass.async_block_till_done()
    assert len(exchanges) == RATE_PER_PERSON
    assert [post.message for post in replies(fake_dsm, DM_ALICE)[-2:]] == [
        f"Added {items[RATE_PER_PERSON - 1]}",
        TOO_FAST,
    ]
    assert len(replies(fake_dsm, DM_ALICE)) == before + RATE_PER_PERSON + 1
    for item in items[RATE_PER_PERSON:]:
        assert item.capitalize() not in titles(nas)


async def test_the_overall_limit_holds_across_people(
    hass: HomeAssistant,
    fake_dsm: FakeDsm,
    entry_data: dict[str, Any],
    hass_admin_user: MockUser,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With room for one question overall, Bob's after Alice's is not passed on."""
    monkeypatch.setattr(chat_assist, "RATE_OVERALL", 1)
    exchanges = await people_entry(hass, entry_data, hass_admin_user)
    await fake_dsm.chat.post_as("alice", GENERAL, f"@u:{ME} add milk to my tasks")
    await until(lambda: len(exchanges) == 1)
    asked = await fake_dsm.chat.post_as("bob", GENERAL, f"@u:{ME} add eggs to my tasks")
    await until(lambda: replies(fake_dsm, GENERAL)[-1].thread_id == asked.post_id)
    assert replies(fake_dsm, GENERAL)[-1].message == TOO_FAST
    assert len(exchanges) == 1


async def people_entry(
    hass: HomeAssistant, entry_data: dict[str, Any], ha_user: MockUser
) -> list[Event]:
    """Set up Assist with Alice and Bob allowed; return the captured exchanges."""
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    await hass.async_block_till_done()
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=DEMO_USER,
        unique_id=f"{DEMO_SERIAL}_{DEMO_USER}",
        data=entry_data,
        options={CONF_CHAT_ASSIST: True},
        subentries_data=[allow(ALICE, ha_user.id), allow(BOB, ha_user.id)],
    )
    await push_ready(hass, entry)
    return async_capture_events(hass, EVENT_CHAT_ASSIST)


async def test_each_person_has_their_own_conversation_in_a_thread(
    hass: HomeAssistant,
    fake_dsm: FakeDsm,
    entry_data: dict[str, Any],
    hass_admin_user: MockUser,
) -> None:
    """Bob joining Alice's thread starts his own conversation; hers continues."""
    exchanges = await people_entry(hass, entry_data, hass_admin_user)
    asked = await fake_dsm.chat.post_as(
        "alice", GENERAL, f"@u:{ME} add bread to my tasks"
    )
    await until(lambda: len(exchanges) == 1)
    for person, item in (("bob", "jam"), ("alice", "butter")):
        await fake_dsm.chat.post_as(
            person, GENERAL, f"@u:{ME} add {item} to my tasks", thread_id=asked.post_id
        )
    await until(lambda: len(exchanges) == 3)
    alice_first, bob, alice_again = (event.data for event in exchanges)
    assert bob["author_id"] == BOB
    assert bob["thread_id"] == alice_first["thread_id"] == asked.post_id
    assert bob["conversation_id"] != alice_first["conversation_id"]
    assert alice_again["conversation_id"] == alice_first["conversation_id"]


@pytest.mark.parametrize(
    "assist_options",
    [{CONF_CHAT_ASSIST: True, CONF_CHAT_ASSIST_AGENT: "conversation.gone"}],
)
@pytest.mark.usefixtures("assist")
async def test_a_missing_agent_gets_a_short_reply(
    hass: HomeAssistant, fake_dsm: FakeDsm
) -> None:
    """The chosen agent was removed: the person hears so instead of silence."""
    before = len(replies(fake_dsm, DM_ALICE))
    await fake_dsm.chat.post_as("alice", DM_ALICE, "add milk to my tasks")
    await until(lambda: len(replies(fake_dsm, DM_ALICE)) == before + 1)
    assert replies(fake_dsm, DM_ALICE)[-1].message == (
        "Sorry, the assistant that answers here is not available right now."
    )


async def test_the_mapped_users_permissions_apply(
    hass: HomeAssistant,
    fake_dsm: FakeDsm,
    entry_data: dict[str, Any],
    hass_read_only_user: MockUser,
) -> None:
    """Alice acts as a read-only user: Assist may not switch anything for her."""
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    assert await async_setup_component(
        hass,
        "input_boolean",
        {
            "input_boolean": {
                "kitchen_light": {"name": "Kitchen light", "initial": True}
            }
        },
    )
    await hass.async_block_till_done()
    async_expose_entity(hass, "conversation", "input_boolean.kitchen_light", True)
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=DEMO_USER,
        unique_id=f"{DEMO_SERIAL}_{DEMO_USER}",
        data=entry_data,
        options={CONF_CHAT_ASSIST: True},
        subentries_data=[allow(ALICE, hass_read_only_user.id)],
    )
    await push_ready(hass, entry)
    exchanges = async_capture_events(hass, EVENT_CHAT_ASSIST)
    await fake_dsm.chat.post_as("alice", DM_ALICE, "turn off the kitchen light")
    await until(lambda: len(exchanges) == 1)
    assert hass.states.get("input_boolean.kitchen_light").state == "on"  # type: ignore[union-attr]
    assert exchanges[0].data["error"] is True
    assert exchanges[0].data["action_done"] is False
    assert replies(fake_dsm, DM_ALICE)[-1].message == exchanges[0].data["answer"]


@pytest.mark.parametrize("assist_options", [{}])
@pytest.mark.usefixtures("assist")
async def test_options_and_subentries_choose_who_talks_to_assist(
    hass: HomeAssistant,
    assist_entry: MockConfigEntry,
    hass_admin_user: MockUser,
) -> None:
    """Off by default; the options turn it on, a subentry allows one person."""
    result = await hass.config_entries.options.async_init(assist_entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    schema = result["data_schema"].schema  # type: ignore[index]
    defaults = {
        str(key): key.default() for key in schema if str(key).startswith("chat_assist")
    }
    assert defaults == {
        CONF_CHAT_ASSIST: False,
        CONF_CHAT_ASSIST_AGENT: "conversation.home_assistant",
        CONF_CHAT_ASSIST_MAX_AGE: 5,
    }
    result = await hass.config_entries.subentries.async_init(
        (assist_entry.entry_id, SUBENTRY_CHAT_ASSIST_USER), context={"source": "user"}
    )
    assert result["type"] is FlowResultType.FORM
    people = result["data_schema"].schema[CONF_CHAT_USER_ID].config["options"]  # type: ignore[index]
    # Alice is already allowed; the account itself and bots are never offered.
    assert [person["label"] for person in people] == ["Bob"]
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_CHAT_USER_ID: str(BOB), "user_id": hass_admin_user.id}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    allowed = [
        subentry.data
        for subentry in assist_entry.subentries.values()
        if subentry.subentry_type == SUBENTRY_CHAT_ASSIST_USER
    ]
    assert {CONF_CHAT_USER_ID: BOB, "user_id": hass_admin_user.id} in allowed
    result = await hass.config_entries.subentries.async_init(
        (assist_entry.entry_id, SUBENTRY_CHAT_ASSIST_USER), context={"source": "user"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "no_chat_users"


async def test_logbook_names_who_asked_where(hass: HomeAssistant) -> None:
    """An exchange gets a logbook line without the question or the answer."""
    described: dict[str, Callable[[Event], dict[str, str]]] = {}
    async_describe_events(
        hass, lambda domain, name, describe: described.__setitem__(name, describe)
    )
    data = {"author_name": "Alice", "channel_name": "general", "question": "secret"}
    line = described[EVENT_CHAT_ASSIST](Event(EVENT_CHAT_ASSIST, data))
    assert line == {"name": "Alice", "message": "asked Assist in general"}
    line = described[EVENT_CHAT_ASSIST](
        Event(EVENT_CHAT_ASSIST, data | {"action_done": True})
    )
    assert line["message"] == "asked Assist in general, which acted"


async def test_after_a_restart_only_young_messages_are_answered(
    hass: HomeAssistant,
    fake_dsm: FakeDsm,
    nas: NoteStationStore,
    assist_entry: MockConfigEntry,
) -> None:
    """Written while Home Assistant was down: answered once after start if young enough."""
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    await hass.async_block_till_done()
    await push_ready(hass, assist_entry)
    assert await hass.config_entries.async_unload(assist_entry.entry_id)
    exchanges = async_capture_events(hass, EVENT_CHAT_ASSIST)
    clock = fake_dsm.store.clock
    fake_dsm.store.clock = lambda: clock() - 10 * 60  # ten minutes ago
    await fake_dsm.chat.post_as("alice", DM_ALICE, "add stale bread to my tasks")
    fake_dsm.store.clock = clock
    await fake_dsm.chat.post_as("alice", DM_ALICE, "add fresh milk to my tasks")
    hass.set_state(CoreState.not_running)
    chat = await setup_entry(hass, assist_entry)
    await hass.async_block_till_done()
    assert exchanges == []  # nothing is answered before Home Assistant runs

    await hass.async_start()
    await until(lambda: len(exchanges) == 1)
    await chat.async_read_round()
    await hass.async_block_till_done()
    assert [event.data["question"] for event in exchanges] == [
        "add fresh milk to my tasks"
    ]
    assert "Fresh milk" in titles(nas)
    assert "Stale bread" not in titles(nas)


def test_the_rate_window_frees_up_after_a_minute() -> None:
    """Questions older than the window no longer count."""
    window = chat_assist.RateWindow(2)
    window.add(0.0)
    window.add(1.0)
    assert window.full(30.0)
    assert not window.full(chat_assist.RATE_WINDOW_SECONDS)
    window.add(chat_assist.RATE_WINDOW_SECONDS)
    assert window.full(chat_assist.RATE_WINDOW_SECONDS + 0.5)
