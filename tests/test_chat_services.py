"""The Chat actions through Home Assistant against the simulator."""

from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import web
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.synology_native.const import CONF_APPS, DOMAIN
from tests.fake_dsm.chat_store import (
    DM_ALICE,
    FAMILY,
    GENERAL,
    PostRate,
    post_id_for,
)
from tests.test_chat import fast_listener, push_ready  # noqa: F401

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from tests.fake_dsm import FakeDsm

ME, ALICE, BOB = 1, 2, 3
WELCOME = post_id_for(GENERAL, 1)


async def act(
    hass: HomeAssistant, name: str, data: dict[str, Any], *, response: bool = False
) -> Any:
    """Call one of our actions."""
    return await hass.services.async_call(
        DOMAIN, name, data, blocking=True, return_response=response
    )


def post_count(fake_dsm: FakeDsm) -> int:
    """Count every post in the simulator."""
    return sum(len(c.posts) for c in fake_dsm.chat.channels.values())


@pytest.fixture
async def loaded(hass: HomeAssistant, config_entry: MockConfigEntry) -> None:
    """Set up the demo entry with its socket connected."""
    await push_ready(hass, config_entry)


@pytest.mark.usefixtures("loaded")
async def test_send_message(hass: HomeAssistant, fake_dsm: FakeDsm) -> None:
    """Send to a channel by name, to a person, as a thread reply, with mentions."""
    sent = await act(
        hass,
        "send_message",
        {"channel": "General", "message": "hello", "mentions": ["alice"]},
        response=True,
    )
    post = fake_dsm.chat.channels[GENERAL].posts[sent["post_id"]]
    assert (post.message, post.creator_id) == ("@u:2 hello", ME)
    assert sent["channel_id"] == GENERAL
    reply = await act(
        hass,
        "send_message",
        {"channel": str(GENERAL), "message": "re", "thread_id": WELCOME},
        response=True,
    )
    assert fake_dsm.chat.channels[GENERAL].posts[reply["post_id"]].thread_id == (
        WELCOME
    )
    direct = await act(
        hass, "send_message", {"user": "Alice", "message": "psst"}, response=True
    )
    assert direct["channel_id"] == DM_ALICE


@pytest.mark.usefixtures("loaded")
async def test_send_files(
    hass: HomeAssistant,
    fake_dsm: FakeDsm,
    tmp_path: Path,
    aiohttp_server: Any,
) -> None:
    """Files from an allowed path or from a URL; paths outside the allowlist send nothing."""
    allowed = tmp_path / "allowed"
    allowed.mkdir()
    (allowed / "snap.jpg").write_bytes(b"\xff\xd8jpeg")
    hass.config.allowlist_external_dirs = {str(allowed)}
    sent = await act(
        hass,
        "send_message",
        {"channel": "family", "file_path": str(allowed / "snap.jpg")},
        response=True,
    )
    post = fake_dsm.chat.channels[FAMILY].posts[sent["post_id"]]
    assert post.file_props == {"name": "snap.jpg", "size": 6, "type": "jpg"}

    async def pdf(request: web.Request) -> web.Response:
        return web.Response(body=b"%PDF")

    async def missing(request: web.Request) -> web.Response:
        return web.Response(status=404)

    app = web.Application()
    app.router.add_get("/r.pdf", pdf)
    app.router.add_get("/missing", missing)
    server = await aiohttp_server(app)
    hass.config.allowlist_external_urls = {str(server.make_url("/"))}
    sent = await act(
        hass,
        "send_message",
        {
            "channel": "family",
            "message": "report",
            "file_url": str(server.make_url("/r.pdf")),
        },
        response=True,
    )
    post = fake_dsm.chat.channels[FAMILY].posts[sent["post_id"]]
    assert (post.file_props or {})["name"] == "r.pdf"
    assert post.message == "report"

    before = post_count(fake_dsm)
    (tmp_path / "secret.txt").write_text("x")
    for data, error in (
        ({"file_path": str(tmp_path / "secret.txt")}, ServiceValidationError),
        ({"file_path": str(allowed / "nope.jpg")}, ServiceValidationError),
        ({"file_url": str(server.make_url("/missing"))}, HomeAssistantError),
    ):
        with pytest.raises(error):
            await act(hass, "send_message", {"channel": "family", **data})
    assert post_count(fake_dsm) == before


@pytest.mark.usefixtures("loaded")
@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"channel": "general", "message": "  "}, "empty_message"),
        ({"message": "to nobody"}, "no_target"),
        ({"channel": "random", "message": "not a member"}, "unknown_channel"),
        ({"channel": "nowhere", "message": "x"}, "unknown_channel"),
        ({"user": "mallory", "message": "x"}, "unknown_user"),
        ({"user": "demo", "message": "myself"}, "unknown_user"),
        ({"channel": "general", "message": "x", "mentions": ["ghost"]}, "unknown_user"),
        (
            {"channel": "family", "message": "x", "thread_id": WELCOME},
            "thread_not_in_channel",
        ),
    ],
)
async def test_send_message_bad_input(
    hass: HomeAssistant, fake_dsm: FakeDsm, data: dict[str, Any], key: str
) -> None:
    """Bad input is a translated validation error and sends nothing."""
    before = post_count(fake_dsm)
    channels = len(fake_dsm.chat.channels)
    with pytest.raises(ServiceValidationError) as err:
        await act(hass, "send_message", data)
    assert err.value.translation_key == key
    assert post_count(fake_dsm) == before
    assert len(fake_dsm.chat.channels) == channels


@pytest.mark.usefixtures("loaded")
async def test_edit_delete_react(hass: HomeAssistant, fake_dsm: FakeDsm) -> None:
    """Own messages are edited and deleted; someone else's is refused with DSM's reason."""
    sent = await act(
        hass, "send_message", {"channel": "general", "message": "tpyo"}, response=True
    )
    await act(hass, "edit_message", {"post_id": sent["post_id"], "message": "typo"})
    post = fake_dsm.chat.channels[GENERAL].posts[sent["post_id"]]
    assert post.message == "typo"
    await act(hass, "react", {"post_id": WELCOME, "reaction": ":heart:"})
    welcome = fake_dsm.chat.channels[GENERAL].posts[WELCOME]
    assert welcome.reactions == {"heart": [ME]}
    await act(hass, "react", {"post_id": WELCOME, "reaction": "heart", "remove": True})
    assert welcome.reactions == {"heart": []}
    with pytest.raises(HomeAssistantError, match="not your post") as err:
        await act(hass, "delete_message", {"post_id": WELCOME})
    assert err.value.translation_key == "dsm_refused"
    assert welcome.delete_at == 0
    with pytest.raises(HomeAssistantError, match="not your post"):
        await act(hass, "edit_message", {"post_id": WELCOME, "message": "mine"})
    await act(hass, "delete_message", {"post_id": sent["post_id"]})
    assert post.delete_at > 0
    for name, data, key in (
        ("edit_message", {"post_id": sent["post_id"], "message": " "}, "empty_message"),
        ("react", {"post_id": WELCOME, "reaction": "::"}, "empty_reaction"),
        ("delete_message", {"post_id": post_id_for(99, 1)}, "unknown_post"),
    ):
        with pytest.raises(ServiceValidationError) as bad:
            await act(hass, name, data)
        assert bad.value.translation_key == key


@pytest.mark.usefixtures("loaded")
async def test_refusals_show_dsm_reason(hass: HomeAssistant, fake_dsm: FakeDsm) -> None:
    """Removed from a channel (401) or a post gone (402) since the last read: DSM's reason."""
    fake_dsm.chat.channels[FAMILY].members.remove(ME)
    with pytest.raises(HomeAssistantError, match="not a member of this channel") as err:
        await act(hass, "send_message", {"channel": "family", "message": "hi"})
    assert err.value.translation_key == "dsm_refused"
    del fake_dsm.chat.channels[GENERAL].posts[WELCOME]
    later = (dt_util.utcnow() + timedelta(hours=1)).isoformat()
    with pytest.raises(HomeAssistantError, match="no such post") as gone:
        await act(hass, "set_reminder", {"post_id": WELCOME, "remind_at": later})
    assert gone.value.translation_key == "dsm_refused"
    assert fake_dsm.chat.reminders == {}


@pytest.mark.usefixtures("loaded", "chat_pace")
async def test_rate_limited(hass: HomeAssistant, fake_dsm: FakeDsm) -> None:
    """Chat's 411 despite the pacing: tried again; refused every time, 'Chat is rate limiting'."""
    fake_dsm.chat.post_rate = PostRate(interval=2.5, burst=1)
    for text in ("first", "right after"):
        await act(hass, "send_message", {"channel": "general", "message": text})
    posts = fake_dsm.chat.channels[GENERAL].posts.values()
    assert [p.message for p in posts][-2:] == ["first", "right after"]
    fake_dsm.chat.post_rate = PostRate(interval=5, burst=0)
    before = post_count(fake_dsm)
    with pytest.raises(HomeAssistantError, match="Chat is rate limiting") as err:
        await act(hass, "send_message", {"channel": "general", "message": "spam"})
    assert err.value.translation_key == "chat_rate_limited"
    with pytest.raises(HomeAssistantError, match="Chat is rate limiting"):
        await hass.services.async_call(
            "notify",
            "send_message",
            {"entity_id": "notify.ds923_demo_general_chat", "message": "spam"},
            blocking=True,
        )
    assert post_count(fake_dsm) == before


@pytest.mark.usefixtures("loaded")
async def test_poll_schedule_reminder(hass: HomeAssistant, fake_dsm: FakeDsm) -> None:
    """Polls, scheduled messages and reminders; times must be in the future."""
    later = dt_util.utcnow() + timedelta(hours=1)
    poll = await act(
        hass,
        "create_poll",
        {
            "channel": "general",
            "question": "Pizza?",
            "choices": ["yes", "no"],
            "multiple": True,
            "expires_at": later.isoformat(),
        },
        response=True,
    )
    vote = fake_dsm.chat.channels[GENERAL].posts[poll["post_id"]].props["vote"]
    assert [c["text"] for c in vote["choices"]] == ["yes", "no"]
    assert vote["options"]["multiple"] is True
    assert vote["options"]["expire_at"] == int(later.timestamp() * 1000)
    job = await act(
        hass,
        "schedule_message",
        {"user": "alice", "message": "later", "send_at": later.isoformat()},
        response=True,
    )
    assert fake_dsm.chat.schedules[job["schedule_id"]]["channel_id"] == DM_ALICE
    await act(
        hass, "set_reminder", {"post_id": WELCOME, "remind_at": later.isoformat()}
    )
    assert fake_dsm.chat.reminders == {(ME, WELCOME): int(later.timestamp() * 1000)}
    earlier = (dt_util.utcnow() - timedelta(minutes=1)).isoformat()
    for name, data in (
        (
            "schedule_message",
            {"channel": "general", "message": "x", "send_at": earlier},
        ),
        ("set_reminder", {"post_id": WELCOME, "remind_at": earlier}),
        ("create_poll", {"channel": "general", "question": "?", "choices": ["a", " "]}),
    ):
        with pytest.raises(ServiceValidationError):
            await act(hass, name, data)
    assert len(fake_dsm.chat.schedules) == 1


@pytest.mark.usefixtures("loaded")
async def test_search_and_lists(hass: HomeAssistant) -> None:
    """Read actions answer with channels, users and matching messages."""
    found = await act(
        hass,
        "search_messages",
        {"keyword": "welcome", "channel": "general"},
        response=True,
    )
    assert found["total"] == 1
    assert found["messages"][0]["post_id"] == WELCOME
    assert found["messages"][0]["author_name"] == "Alice"
    channels = (await act(hass, "list_channels", {}, response=True))["channels"]
    assert [c["name"] for c in channels] == ["general", "random", "family", "Alice"]
    assert channels[1]["joined"] is False
    users = (await act(hass, "list_users", {}, response=True))["users"]
    assert {u["username"]: u["me"] for u in users}["demo"] is True


async def test_actions_need_chat(
    hass: HomeAssistant, entry_data: dict[str, Any]
) -> None:
    """An entry that does not use Chat refuses Chat actions."""
    entry = MockConfigEntry(
        domain=DOMAIN, unique_id="x", data=entry_data, options={CONF_APPS: ["drive"]}
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await act(
            hass, "list_users", {"config_entry_id": entry.entry_id}, response=True
        )
    assert err.value.translation_key == "app_not_used"
