"""The demo: its banner names working commands, and the other accounts can post."""

import shlex
from typing import TYPE_CHECKING

from scripts.develop_bootstrap import banner
from scripts.post_as import arguments, post_as
from tests.fake_dsm.auth import totp_code
from tests.fake_dsm.chat_store import GENERAL
from tests.fake_dsm.store import DEMO_OTP_SECRET

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
