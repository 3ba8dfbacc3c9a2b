"""The demo: its banner names working commands, and the other accounts can post."""

import shlex
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web
import pytest

from scripts.develop_bootstrap import (
    SSO_USER,
    add_integration,
    banner,
    enable_chat_assist,
    until_started,
)
from scripts.post_as import arguments, post_as
from tests.fake_dsm.auth import totp_code
from tests.fake_dsm.chat_store import GENERAL
from tests.fake_dsm.store import DEMO_OTP_SECRET, DEMO_USER

if TYPE_CHECKING:
    from tests.fake_dsm import FakeDsm


async def test_banner_command_posts_as_alice(fake_dsm: FakeDsm, dsm_url: str) -> None:
    """The command the banner shows signs in as alice and posts where it says."""
    text = banner("http://127.0.0.1:8123", dsm_url)
    assert totp_code(DEMO_OTP_SECRET) in text
    assert " python " not in text  # every command names the project's interpreter
    command = next(line for line in text.splitlines() if "general" in line)
    words = shlex.split(command)
    assert words[:3] == [".venv/bin/python", "-m", "scripts.post_as"]
    args = arguments(words[3:])
    post_id = await post_as(args.dsm_url, args.account, args.to, args.text)
    post = fake_dsm.chat.channels[GENERAL].posts[post_id]
    alice = fake_dsm.chat.user_named("alice")
    assert alice is not None
    assert (post.creator_id, post.message) == (alice.user_id, "Dinner at seven?")


async def test_post_directly_to_a_person(fake_dsm: FakeDsm, dsm_url: str) -> None:
    """Writing to a person opens a conversation of those two only."""
    post_id = await post_as(dsm_url, "bob", "demo", "Ping")
    channel = fake_dsm.chat.channels[post_id >> 32]
    bob, demo = fake_dsm.chat.user_named("bob"), fake_dsm.chat.user_named("demo")
    assert bob is not None
    assert demo is not None
    assert sorted(channel.members) == sorted([bob.user_id, demo.user_id])


def test_banner_says_how_to_talk_to_assist() -> None:
    """The banner's Assist line writes to the demo account as alice, who is allowed."""
    text = banner("http://127.0.0.1:8123", "https://127.0.0.1:5000")
    command = next(line for line in text.splitlines() if "my tasks" in line)
    args = arguments(shlex.split(command)[3:])
    assert (args.account, args.to, args.text) == (
        "alice",
        "demo",
        "add milk to my tasks",
    )


class FakeHomeAssistant:
    """The REST calls the bootstrap makes, answered as a running Home Assistant does.

    Holds the README's single sign-on entry (waiting for a new sign-in, as after a
    restart of the demo), listed first, and the demo account's entry if present.
    """

    def __init__(self, *, with_demo: bool) -> None:
        """List the entries; record the flows started."""
        self.entries = [
            {"entry_id": "sso", "title": f"DS923+ {SSO_USER}", "state": "setup_error"},
        ]
        if with_demo:
            self.entries.append(
                {"entry_id": "demo", "title": f"DS923+ {DEMO_USER}", "state": "loaded"}
            )
        for entry in self.entries:
            entry["num_subentries"] = 0
        self.flows: list[Any] = []

    def app(self) -> web.Application:
        """Answer the bootstrap's calls."""

        async def config(_request: web.Request) -> web.Response:
            return web.json_response({"state": "RUNNING"})

        async def entries(_request: web.Request) -> web.Response:
            return web.json_response(self.entries)

        async def flow(request: web.Request) -> web.Response:
            self.flows.append(await request.json())
            return web.json_response(
                {"flow_id": "f", "type": "form", "data_schema": []}
            )

        app = web.Application()
        app.router.add_get("/api/config", config)
        app.router.add_get("/api/config/config_entries/entry", entries)
        app.router.add_post("/api/config/config_entries/flow", flow)
        app.router.add_post("/api/config/config_entries/subentries/flow", flow)
        return app


async def test_restart_after_the_sso_demo(
    aiohttp_server: Any, socket_enabled: None
) -> None:
    """A waiting SSO entry neither stops the start nor takes the demo's place."""
    home = FakeHomeAssistant(with_demo=True)
    server = await aiohttp_server(home.app())
    url = str(server.make_url("")).rstrip("/")
    async with aiohttp.ClientSession() as http:
        await until_started(http, url, {})  # returns: the demo entry is loaded
        await add_integration(http, url, "https://127.0.0.1:5000", {})
        assert home.flows == []  # the demo entry is there already
        with pytest.raises(SystemExit):  # the form has no Alice: only the id matters
            await enable_chat_assist(http, url, {})
        assert home.flows == [{"handler": ["demo", "chat_assist_user"]}]


async def test_demo_readded_beside_another_entry(
    aiohttp_server: Any, socket_enabled: None
) -> None:
    """With only the SSO entry left, the demo account is added again."""
    home = FakeHomeAssistant(with_demo=False)
    server = await aiohttp_server(home.app())
    url = str(server.make_url("")).rstrip("/")
    async with aiohttp.ClientSession() as http:
        with pytest.raises(aiohttp.ClientResponseError):  # the fake has no flow steps
            await add_integration(http, url, "https://127.0.0.1:5000", {})
    assert home.flows == [{"handler": "synology_native"}]
