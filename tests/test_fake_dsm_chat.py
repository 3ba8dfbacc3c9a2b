"""Wire-level tests of the simulated Synology Chat: its catalog, integrations, read state."""

from collections.abc import AsyncIterator
import json
from typing import Any

import aiohttp
import pytest

from tests.fake_dsm import FakeDsm
from tests.fake_dsm.chat_store import (
    DEMO_BOT_TOKEN,
    DEMO_WEBHOOK_TOKEN,
    FAMILY,
    GENERAL,
    post_id_for,
)
from tests.test_fake_dsm import ENTRY, WireClient, error_code

ME, ALICE = 1, 2
# The apps whose every listed method is simulated (a real NAS never answers 501).
FULLY_SIMULATED = (
    "SYNO.Chat.",
    "SYNO.Contacts.",
    "SYNO.Core.SyslogClient.FileTransfer",
    "SYNO.WebDAVServer.",
    "SYNO.Backup.Storage.WebDAV.",
)


class ChatWire:
    """Calls of the demo user, with JSON-encoded parameters as Chat's clients send them."""

    def __init__(self, dsm: WireClient, sid: str) -> None:
        """Call through dsm in session sid."""
        self.dsm = dsm
        self.sid = sid

    async def __call__(
        self, api: str, method: str, version: int = 1, **params: Any
    ) -> dict[str, Any]:
        """Return the whole answer of one call."""
        encoded = {name: json.dumps(value) for name, value in params.items()}
        return await self.dsm.call(api, method, version, _sid=self.sid, **encoded)

    async def data(
        self, api: str, method: str, version: int = 1, **params: Any
    ) -> dict[str, Any]:
        """Return the `data` of a call that must succeed."""
        body = await self(api, method, version, **params)
        assert body["success"], body
        return body.get("data", {})


@pytest.fixture
async def chat(dsm_url: str) -> AsyncIterator[ChatWire]:
    """Sign the demo user in."""
    async with aiohttp.ClientSession() as http:
        dsm = WireClient(http, dsm_url)
        yield ChatWire(dsm, (await dsm.login())["sid"])


async def test_no_listed_method_answers_501(chat: ChatWire, fake_dsm: FakeDsm) -> None:
    """Every listed method answers DSM's envelope, even without params."""
    dsm, sid = chat.dsm, chat.sid
    unanswered = []
    for name, entry in fake_dsm.catalog.items():
        if not name.startswith(FULLY_SIMULATED):
            continue
        for version in range(entry.min_version, entry.max_version + 1):
            for method in sorted(entry.methods_in(version)):
                form = {"api": name, "version": str(version), "method": method}
                form["_sid"] = sid
                async with dsm.http.post(dsm.base_url + ENTRY, data=form) as resp:
                    if resp.status != 200 or "success" not in await resp.json():
                        unanswered.append((name, version, method, resp.status))
    assert unanswered == []


async def test_webhook_made_through_the_api(chat: ChatWire, fake_dsm: FakeDsm) -> None:
    """A new webhook posts only once bound, named and enabled (chat.md §8.6)."""
    made = await chat.data("SYNO.Chat.Webhook.Incoming", "create")
    token, bot = made["token"], made["user_id"]
    assert len(token) == 64

    async def incoming() -> dict[str, Any]:
        return await chat(
            "SYNO.Chat.External", "incoming", 2, token=token, payload={"text": "hi"}
        )

    assert error_code(await incoming()) == 404
    await chat.data(
        "SYNO.Chat.Webhook.Incoming", "set", user_id=bot, channel_id=GENERAL
    )
    assert error_code(await incoming()) == 404  # no nickname yet
    await chat.data("SYNO.Chat.Bot", "set", user_id=bot, nickname="Build")
    assert error_code(await incoming()) == 404  # not enabled yet
    await chat.data("SYNO.Chat.Bot", "enable", user_id=bot)
    assert (await incoming())["success"]
    newest = max(
        fake_dsm.chat.channels[GENERAL].posts.values(), key=lambda p: p.post_id
    )
    assert (newest.creator_id, newest.message) == (bot, "hi")
    listed = await chat.data("SYNO.Chat.Webhook.Incoming", "list")
    assert [(w["user_id"], w["channel_id"]) for w in listed["webhook_incomings"]] == [
        (bot, GENERAL)
    ]
    got = await chat.data("SYNO.Chat.Webhook.Incoming", "get", user_id=bot)
    assert (got["token"], got["nickname"], got["is_disabled"]) == (
        token,
        "Build",
        False,
    )
    assert error_code(await chat("SYNO.Chat.Webhook.Incoming", "get")) == 117
    await chat.data("SYNO.Chat.Bot", "disable", user_id=bot)
    assert error_code(await incoming()) == 404
    await chat.data("SYNO.Chat.Bot", "delete", user_id=bot, real_delete=True)
    assert error_code(await chat("SYNO.Chat.Bot", "enable", user_id=bot)) == 105
    assert fake_dsm.chat.users[bot].deleted


async def test_chatbots_read_what_they_are_in(chat: ChatWire) -> None:
    """Bots list users, their channels and posts; a webhook's token cannot (404)."""
    made = await chat.data("SYNO.Chat.Chatbot", "create", nickname="Helper")
    bot = made["user_id"]
    await chat.data("SYNO.Chat.Chatbot", "set", user_id=bot, purpose="help")
    got = await chat.data("SYNO.Chat.Chatbot", "get", user_id=bot)
    assert (got["token"], got["chatbot_props"]) == (made["token"], {"purpose": "help"})
    assert error_code(await chat("SYNO.Chat.Chatbot", "get")) == 105
    bots = (await chat.data("SYNO.Chat.Chatbot", "list"))["chatbots"]
    assert [b["user_id"] for b in bots] == [bot]

    async def external(method: str, token: str, **params: Any) -> dict[str, Any]:
        return await chat("SYNO.Chat.External", method, 2, token=token, **params)

    users = (await external("user_list", DEMO_BOT_TOKEN))["data"]["users"]
    assert {u["username"] for u in users} >= {"demo", "alice", "bob"}
    assert error_code(await external("user_list", DEMO_WEBHOOK_TOKEN)) == 404
    assert (await external("channel_list", made["token"]))["data"]["channels"] == []
    read = {"channel_id": GENERAL, "prev_count": 5}
    assert error_code(await external("post_list", made["token"], **read)) == 401
    await chat.data(
        "SYNO.Chat.Channel.Named", "invite", channel_id=GENERAL, user_ids=[bot]
    )
    channels = (await external("channel_list", made["token"]))["data"]["channels"]
    assert [c["channel_id"] for c in channels] == [GENERAL]
    posts = (await external("post_list", made["token"], **read))["data"]["posts"]
    assert [p["post_id"] for p in posts] == [post_id_for(GENERAL, n) for n in (1, 2)]
    past = {"channel_id": GENERAL, "post_id": post_id_for(GENERAL, 9), "next_count": 5}
    assert error_code(await external("post_list", made["token"], **past)) == 402


async def test_read_state_close_and_archive(chat: ChatWire, fake_dsm: FakeDsm) -> None:
    """View moves the read position; a closed or archived chat leaves the list until a post."""

    async def listed() -> dict[int, dict[str, Any]]:
        data = await chat.data("SYNO.Chat.Channel", "list", 5, additional=["unread"])
        return {c["channel_id"]: c for c in data["channels"]}

    assert (await listed())[GENERAL]["unread"] == 2
    newest = max(p.create_at for p in fake_dsm.chat.channels[GENERAL].posts.values())
    await chat.data(
        "SYNO.Chat.Channel", "view", 5, channel_id=GENERAL, last_view_at=newest
    )
    general = (await listed())[GENERAL]
    assert (general["unread"], general["last_view_at"]) == (0, newest)
    await chat.data("SYNO.Chat.Channel", "close", 4, channel_id=FAMILY)
    assert FAMILY not in await listed()
    assert (await chat.data("SYNO.Chat.Post", "list", 5, channel_id=FAMILY))["posts"]
    await fake_dsm.chat.post_as("alice", FAMILY, "back")
    assert FAMILY in await listed()
    await chat.data("SYNO.Chat.Channel", "archive", 2, channel_id=FAMILY)
    assert FAMILY not in await listed()
    assert error_code(await chat("SYNO.Chat.Channel", "view", 5, channel_id=99)) == 403


async def test_threads_polls_and_settings(chat: ChatWire, fake_dsm: FakeDsm) -> None:
    """`thread_list` gives roots and their newest replies; poll choices; admin settings."""
    root = await fake_dsm.chat.post_as("alice", GENERAL, "root")
    for number in range(3):
        await fake_dsm.chat.post_as(
            "alice", GENERAL, f"r{number}", thread_id=root.post_id
        )
    threads = await chat.data(
        "SYNO.Chat.Post",
        "thread_list",
        5,
        channel_id=GENERAL,
        offset=0,
        limit=10,
        related_comment_count=2,
    )
    assert [p["post_id"] for p in threads["search_results"]] == [root.post_id]
    assert [p["message"] for p in threads["related_posts"]] == ["r1", "r2"]
    assert threads["total"] == 1
    assert error_code(await chat("SYNO.Chat.Post", "thread_list", 4)) == 103
    view = {"channel_id": GENERAL, "thread_id": root.post_id}
    await chat.data("SYNO.Chat.Post.Subscribe", "view", 2, **view)
    missing = {"channel_id": GENERAL, "thread_id": post_id_for(GENERAL, 99)}
    assert (
        error_code(await chat("SYNO.Chat.Post.Subscribe", "view", 2, **missing)) == 402
    )
    poll = await chat.data(
        "SYNO.Chat.Post.Vote",
        "create",
        channel_id=GENERAL,
        message="Pizza?",
        choices=[{"text": "yes"}, {"text": "no"}],
    )
    await chat.data(
        "SYNO.Chat.Post.Vote", "vote", post_id=poll["post_id"], choice_ids=["2"]
    )
    choices = await chat.data(
        "SYNO.Chat.Post.Vote", "get_choices", post_id=poll["post_id"]
    )
    assert [(c["text"], c["voters"]) for c in choices["choices"]] == [
        ("yes", []),
        ("no", [ME]),
    ]
    not_poll = {"post_id": root.post_id}
    assert (
        error_code(await chat("SYNO.Chat.Post.Vote", "get_choices", **not_poll)) == 120
    )
    settings = await chat.data("SYNO.Chat.Admin.Setting", "get", 3)
    assert settings["allow_edit_message"] is True
