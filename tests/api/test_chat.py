"""The Chat client and socket against the simulator over real HTTP, without Home Assistant."""

import asyncio
from typing import TYPE_CHECKING

import aiohttp
import pytest
import trustme

from custom_components.synology_native.api import (
    DsmClient,
    DsmInvalidParameterError,
    DsmNotFoundError,
    DsmPermissionError,
    DsmRateLimitError,
    PasswordCredentials,
)
from custom_components.synology_native.api.chat import (
    Chat,
    ChatBot,
    ChatPost,
    PollOptions,
    channel_of_post,
    mention_text,
    parse_channel,
    parse_mentions,
    parse_reactions,
    parse_user,
    post_id_for,
)
from custom_components.synology_native.api.chat_socket import (
    ChatSocket,
    ChatSocketError,
    socket_headers,
)
from custom_components.synology_native.api.errors import DsmApiError, DsmResponseError
from tests.fake_dsm import run_simulator
from tests.fake_dsm.chat_store import (
    DEMO_BOT_TOKEN,
    DEMO_WEBHOOK_TOKEN,
    DM_ALICE,
    FAMILY,
    GENERAL,
    RANDOM,
)
from tests.fake_dsm.server import server_tls_context
from tests.fake_dsm.store import DEMO_PASSWORD, DEMO_USER

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from tests.fake_dsm import FakeDsm

ALICE, BOB = 2, 3


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    """Give a plain aiohttp session."""
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def client(http: aiohttp.ClientSession, dsm_url: str) -> DsmClient:
    """Give a client for the demo account."""
    return DsmClient(
        http, dsm_url, credentials=PasswordCredentials(DEMO_USER, DEMO_PASSWORD)
    )


@pytest.fixture
def chat(client: DsmClient) -> Chat:
    """Give Chat as the demo user."""
    return Chat(client)


def test_ids_and_text() -> None:
    """Post ids carry the channel; mentions are read from text and the field."""
    assert post_id_for(72, 11) == 309237645323
    assert channel_of_post(309237645323) == 72
    assert parse_mentions(f"hi {mention_text(5)} and @u:7", ["u:5", 9, "x"]) == (
        5,
        7,
        9,
    )
    assert parse_reactions([{"name": "heart", "users": [3, 1]}, {"x": 1}, 5]) == (
        parse_reactions([{"sticker_name": "heart", "user_ids": [1, 3]}])
    )
    assert parse_channel({"channel": {"channel_id": 4}}).channel_id == 4
    assert parse_user({"user": {"user_id": 2, "username": "a"}}).display_name == "a"
    for bad in ({}, None):
        with pytest.raises(DsmResponseError):
            ChatPost.from_data(bad)
        with pytest.raises(DsmResponseError):
            parse_channel(bad)
        with pytest.raises(DsmResponseError):
            parse_user(bad)
    post = ChatPost.from_data(
        {"post_id": post_id_for(3, 2), "create_at": 5, "update_at": 9, "delete_at": 1}
    )
    assert (post.channel_id, post.edited, post.deleted) == (3, True, True)


async def test_channels_users_and_me(chat: Chat) -> None:
    """Channels with unread counts, users, and who the signed-in user is."""
    channels = {c.channel_id: c for c in await chat.channels()}
    assert channels[GENERAL].name == "general"
    assert channels[GENERAL].unread == 2
    assert channels[RANDOM].is_joined is False
    assert channels[DM_ALICE].is_direct
    assert not channels[FAMILY].is_direct
    me = await chat.me()
    assert (me.user_id, me.display_name) == (1, "Demo")
    users = {u.user_id: u for u in await chat.users()}
    assert users[ALICE].username == "alice"
    assert (await chat.user(BOB)).nickname == "Bob"
    assert (await chat.channel(GENERAL)).members == (1, 2, 3)
    assert await chat.members(FAMILY) == [1, 2]
    assert await chat.hashtags(GENERAL) == ["welcome"]


async def test_channel_rules(chat: Chat) -> None:
    """Not a member: 401; unknown: 403; named channels need a join after create."""
    with pytest.raises(DsmPermissionError, match="not a member"):
        await chat.posts(RANDOM, prev_count=5)
    with pytest.raises(DsmNotFoundError, match="no such channel"):
        await chat.channel(999)
    await chat.join(RANDOM)
    assert len(await chat.newest_posts(RANDOM, 5)) == 0
    await chat.leave(RANDOM)
    with pytest.raises(DsmPermissionError):
        await chat.channel(RANDOM)
    new = await chat.create_channel("garden", public=False)
    await chat.invite(new, [ALICE])
    assert await chat.members(new) == [1, ALICE]
    with pytest.raises(DsmApiError) as err:
        await chat.create_channel("two words")
    assert err.value.code == 152


async def test_direct_messages(chat: Chat) -> None:
    """Initiate finds the existing DM, creates a new one, and refuses self-talk."""
    assert (await chat.direct_channel(ALICE)).channel_id == DM_ALICE
    with_bob = await chat.direct_channel(BOB)
    assert with_bob.channel_id not in (GENERAL, DM_ALICE)
    assert with_bob.members == (1, BOB)
    with pytest.raises(DsmInvalidParameterError, match="yourself"):
        await chat.direct_channel(1)


async def test_posts_cursor_threads(chat: Chat, fake_dsm: FakeDsm) -> None:
    """Send with the exact parameters; cursor listing; thread replies."""
    first = await chat.send(GENERAL, "42")
    assert first.message == "42"  # JSON-quoted, so not read as a number
    assert first.post_id == post_id_for(GENERAL, 3)
    assert first.creator_id == 1
    create = next(r for r in fake_dsm.requests if r.method == "create")
    assert create.version == "5"
    assert create.params["type"] == '"normal"'
    assert create.params["is_thread"] == "false"
    reply = await chat.send(GENERAL, "in thread", thread_id=first.post_id)
    assert reply.is_reply
    main = await chat.newest_posts(GENERAL, 10)
    assert [p.post_id for p in main] == [post_id_for(GENERAL, n) for n in (1, 2, 3)]
    assert main[-1].has_replies
    assert main[-1].comment_count == 1
    replies = await chat.newest_posts(GENERAL, 10, thread_id=first.post_id)
    assert [p.post_id for p in replies] == [reply.post_id]
    after = await chat.posts_after(GENERAL, post_id_for(GENERAL, 1), 10)
    assert [p.post_id for p in after] == [post_id_for(GENERAL, n) for n in (2, 3)]
    one = await chat.post(first.post_id)
    assert one is not None
    assert one.message == "42"
    assert await chat.post(post_id_for(GENERAL, 99)) is None


async def test_edit_delete_pin_react(chat: Chat, fake_dsm: FakeDsm) -> None:
    """Own posts can be changed; others' are 415; reactions come back in posts."""
    mine = await chat.send(GENERAL, "typo")
    await chat.edit(mine.post_id, "fixed")
    edited = await chat.post(mine.post_id)
    assert edited is not None
    assert (edited.message, edited.edited) == ("fixed", True)
    theirs = post_id_for(GENERAL, 1)
    with pytest.raises(DsmPermissionError, match="not your post") as err:
        await chat.delete(theirs)
    assert err.value.code == 415
    with pytest.raises(DsmPermissionError):
        await chat.edit(theirs, "mine now")
    await chat.react(theirs, "thumbsup")
    await fake_dsm.chat.react_as("alice", theirs, "thumbsup")
    reacted = await chat.post(theirs)
    assert reacted is not None
    assert [(r.name, r.user_ids) for r in reacted.reactions] == [
        ("thumbsup", (1, ALICE))
    ]
    await chat.react(theirs, "thumbsup", remove=True)
    await chat.pin(theirs)
    pinned = await chat.post(theirs)
    assert pinned is not None
    assert pinned.is_sticky
    await chat.pin(theirs, pinned=False)
    await chat.delete(mine.post_id)
    deleted = await chat.post(mine.post_id)
    assert deleted is not None
    assert deleted.deleted


async def test_upload_file(chat: Chat) -> None:
    """A file post is a multipart upload; the post names the file."""
    post = await chat.send_file(GENERAL, "report.pdf", b"%PDF-1.7", message="Q3")
    assert post.type == "file"
    assert post.file is not None
    assert (post.file.name, post.file.size, post.file.type) == ("report.pdf", 8, "pdf")
    assert post.message == "Q3"


async def test_polls_schedules_reminders_search(chat: Chat) -> None:
    """Polls with object choices; scheduled posts; reminders; search by keyword."""
    poll = await chat.create_poll(
        GENERAL, "Pizza?", ["yes", "no"], PollOptions(multiple=True)
    )
    assert poll.props["vote"]["options"]["multiple"] is True
    await chat.vote(poll.post_id, ["1", "2"])
    voted = await chat.post(poll.post_id)
    assert voted is not None
    assert [c["count"] for c in voted.props["vote"]["choices"]] == [1, 1]
    job = await chat.schedule(GENERAL, "later", 4_102_444_800_000)
    assert [s.cronjob_id for s in await chat.schedules(GENERAL)] == [job]
    await chat.unschedule(job)
    assert await chat.schedules(GENERAL) == []
    target = post_id_for(GENERAL, 1)
    await chat.set_reminder(target, 4_102_444_800_000)
    assert await chat.reminder(target) == 4_102_444_800_000
    assert [p.post_id for p in await chat.reminders(GENERAL)] == [target]
    await chat.delete_reminder(target)
    assert await chat.reminder(target) == 0
    with pytest.raises(DsmNotFoundError):
        await chat.reminder(post_id_for(GENERAL, 77))
    found = await chat.search("welcome", channel_ids=[GENERAL], creator_ids=[ALICE])
    assert found.total == 1
    assert found.posts[0].post_id == target


async def test_rate_limit_is_typed(chat: Chat, fake_dsm: FakeDsm) -> None:
    """411 on Chat means too many requests."""
    fake_dsm.faults.rate_limit()
    with pytest.raises(DsmRateLimitError, match="too many requests"):
        await chat.send(GENERAL, "spam")


async def test_bot_and_webhook(client: DsmClient, fake_dsm: FakeDsm) -> None:
    """Sending through SYNO.Chat.External without a session; the token stays secret."""
    await ChatBot(client, DEMO_WEBHOOK_TOKEN).incoming("from a webhook")
    general = fake_dsm.chat.channels[GENERAL]
    assert max(general.posts.values(), key=lambda p: p.post_id).message == (
        "from a webhook"
    )
    sent = await ChatBot(client, DEMO_BOT_TOKEN).chatbot([1], "from a bot")
    assert list(sent) == [1]
    assert channel_of_post(sent[1]) not in fake_dsm.chat.channels[GENERAL].posts
    bad = ChatBot(client, "wrong-token")
    assert "wrong-token" not in repr(bad)
    with pytest.raises(DsmPermissionError) as err:
        await bad.incoming("x")
    assert "wrong-token" not in str(err.value)
    assert client.session is None  # no sign-in was needed


async def test_socket_events_and_conn_id(
    client: DsmClient, chat: Chat, http: aiohttp.ClientSession, fake_dsm: FakeDsm
) -> None:
    """The socket signs in with the cookie and reports each change by event name."""
    with pytest.raises(ChatSocketError):
        socket_headers(client)
    await chat.channels()
    headers = socket_headers(client)
    assert client.session is not None
    assert headers["Cookie"] == f"id={client.session.sid}"
    assert "X-SYNO-TOKEN" in headers
    events: asyncio.Queue[str] = asyncio.Queue()
    drops: list[bool] = []
    socket = ChatSocket(client, http, events.put_nowait, lambda: drops.append(True))
    await socket.connect()
    assert socket.connected
    assert not http.cookie_jar.filter_cookies(client.url)  # nothing leaked into the jar
    await fake_dsm.chat.post_as("alice", GENERAL, "hello")
    assert await asyncio.wait_for(events.get(), 5) == "post_create"
    # Our own post made with our conn_id is not echoed to us.
    await chat.send(GENERAL, "quiet", conn_id=socket.conn_id)
    await fake_dsm.chat.post_as("alice", FAMILY, "loud")
    assert await asyncio.wait_for(events.get(), 5) == "post_create"
    assert events.empty()
    await fake_dsm.chat_socket.drop_sockets()
    for _ in range(100):
        if drops:
            break
        await asyncio.sleep(0.01)
    assert drops == [True]
    assert not socket.connected
    assert socket.conn_id is None
    await socket.connect()
    await socket.disconnect()
    assert drops == [True]


async def test_socket_refused(
    client: DsmClient, chat: Chat, http: aiohttp.ClientSession, fake_dsm: FakeDsm
) -> None:
    """An unavailable socket, refused reconnects and a dead session fail to connect."""
    await chat.channels()
    socket = ChatSocket(client, http, lambda _: None, lambda: None, timeout=2)
    fake_dsm.chat_socket.faults.socket_unavailable = True
    with pytest.raises(ChatSocketError):
        await socket.connect()
    fake_dsm.chat_socket.faults.socket_unavailable = False
    await fake_dsm.chat_socket.refuse_reconnects(60)
    with pytest.raises(ChatSocketError):
        await socket.connect()
    fake_dsm.chat_socket.faults.refuse_until = 0
    fake_dsm.store.expire_sessions()
    with pytest.raises(ChatSocketError):
        await socket.connect()
    assert not socket.connected


@pytest.mark.usefixtures("socket_enabled", "refused_handshakes_expected")
async def test_socket_over_tls_with_and_without_verification(
    http: aiohttp.ClientSession, fake_dsm: FakeDsm
) -> None:
    """A self-signed DSM: the socket connects with verification off, and not with it on."""
    context = server_tls_context(trustme.CA(), "127.0.0.1")
    async with run_simulator(fake_dsm, ssl_context=context) as url:
        for verify_ssl in (False, True):
            client = DsmClient(
                http,
                url,
                verify_ssl=False,
                credentials=PasswordCredentials(DEMO_USER, DEMO_PASSWORD),
            )
            await Chat(client).channels()
            socket = ChatSocket(
                client, http, lambda _: None, lambda: None, verify_ssl=verify_ssl
            )
            if verify_ssl:
                with pytest.raises(ChatSocketError):
                    await socket.connect()
                continue
            await socket.connect()
            assert socket.connected
            await socket.disconnect()
