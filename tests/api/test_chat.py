"""The Chat client and socket against the simulator over real HTTP, without Home Assistant."""

import asyncio
from typing import TYPE_CHECKING, Any

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
    chat as chat_api,
)
from custom_components.synology_native.api.chat import (
    MAX_FILE_BYTES,
    POST_ATTEMPTS,
    POST_INTERVAL_SECONDS,
    Chat,
    ChatUser,
    PollOptions,
    channel_of_post,
    mention_text,
    parse_channel,
    parse_channels,
    parse_mentions,
    parse_post,
    parse_post_list,
    parse_reactions,
    parse_users,
)
from custom_components.synology_native.api.chat_socket import (
    ChatSocket,
    ChatSocketError,
    socket_headers,
)
from custom_components.synology_native.api.errors import (
    DsmFileTooLargeError,
    DsmResponseError,
)
from custom_components.synology_native.api.models import Endpoint
from tests.fake_dsm import chat as fake_chat, run_simulator
from tests.fake_dsm.chat_store import (
    DEMO_BOT_TOKEN,
    DEMO_WEBHOOK_TOKEN,
    DM_ALICE,
    FAMILY,
    GENERAL,
    RANDOM,
    PostRate,
    post_id_for,
)
from tests.fake_dsm.server import server_tls_context
from tests.fake_dsm.store import DEMO_PASSWORD, DEMO_USER

if TYPE_CHECKING:
    from tests.fake_dsm import FakeDsm

ALICE, BOB = 2, 3
CHANNEL_GET = Endpoint("SYNO.Chat.Channel", "get", 4, 5)
CHANNEL_MEMBERS = Endpoint("SYNO.Chat.Channel.Member", "get")
NAMED_JOIN = Endpoint("SYNO.Chat.Channel.Named", "join")
POST_LIST = Endpoint("SYNO.Chat.Post", "list", 5, 8)


@pytest.fixture
def chat(client: DsmClient) -> Chat:
    """Give Chat as the demo user."""
    return Chat(client)


def test_ids_and_text() -> None:
    """Post ids carry the channel; mentions are read from text and the field."""
    assert channel_of_post(309237645323) == 72
    assert parse_mentions(f"hi {mention_text(5)} and @u:7", ["u:5", 9, "x"]) == (
        5,
        7,
        9,
    )
    assert parse_reactions([{"name": "heart", "users": [3, 1]}, {"x": 1}, 5]) == (
        parse_reactions([{"sticker_name": "heart", "user_ids": [1, 3]}])
    )
    assert parse_reactions({"heart": [1]}) == ()  # an unknown shape: no reactions
    assert parse_channel({"channel": CHANNEL}).channel_id == 4
    post = parse_post(
        POST | {"post_id": post_id_for(3, 2), "update_at": 9, "delete_at": 1}
    )
    assert (post.channel_id, post.edited, post.deleted) == (3, True, True)
    bare = parse_post(POST)
    assert (bare.channel_id, bare.thread_id, bare.edited, bare.file) == (
        1,
        0,
        False,
        None,
    )


POST = {
    "post_id": post_id_for(1, 1),
    "creator_id": 2,
    "type": "normal",
    "message": "hi",
    "create_at": 5,
}
CHANNEL = {"channel_id": 4, "name": "", "type": "anonymous", "members": [1, 2]}
USER = {"user_id": 2, "username": "alice", "nickname": "", "type": "human"}


def _parse_user(data: Any) -> ChatUser:
    return parse_users({"users": [data]})[0]


@pytest.mark.parametrize(
    ("parse", "good", "key", "bad"),
    [
        (parse_post, POST, "post_id", None),
        (parse_post, POST, "post_id", "12"),
        (parse_post, POST, "creator_id", True),
        (parse_post, POST, "message", None),
        (parse_post, POST, "message", 42),
        (parse_post, POST, "create_at", None),
        (parse_post, POST, "type", None),
        (parse_post, POST, "delete_at", "0"),
        (parse_post, POST, "thread_id", 1.5),
        (parse_post, POST, "file_props", {"name": "a.pdf"}),
        (parse_post, POST, "file_props", "a.pdf"),
        (parse_channel, CHANNEL, "channel_id", None),
        (parse_channel, CHANNEL, "name", None),
        (parse_channel, CHANNEL, "type", 3),
        (parse_channel, CHANNEL, "members", None),
        (parse_channel, CHANNEL, "members", ["1"]),
        (parse_channel, CHANNEL, "is_joined", "yes"),
        (_parse_user, USER, "user_id", None),
        (_parse_user, USER, "username", None),
        (_parse_user, USER, "nickname", None),
        (_parse_user, USER, "type", None),
        (_parse_user, USER, "deleted", "no"),
    ],
)
def test_missing_or_mistyped_fields_are_errors(
    parse: Any, good: dict[str, Any], key: str, bad: Any
) -> None:
    """A field DSM always sends, missing or of the wrong type, is never read as 0 or ""."""
    parse(good)
    broken = {k: v for k, v in good.items() if k != key}
    if bad is not None:
        broken[key] = bad
    with pytest.raises(DsmResponseError):
        parse(broken)


@pytest.mark.parametrize("data", [None, [], {}, {"posts": None}, {"posts": [5]}])
def test_malformed_post_lists_are_errors(data: Any) -> None:
    """A post list answer without its list, or with something else in it."""
    with pytest.raises(DsmResponseError):
        parse_post_list(data)


def test_unread_is_read_only_when_asked() -> None:
    """Unread counts come with `additional=["unread"]`; without it there is no count."""
    assert parse_channel(CHANNEL).unread is None
    assert parse_channels({"channels": [CHANNEL | {"unread": 3}]})[0].unread == 3
    with pytest.raises(
        DsmResponseError, match=r"data\.channels\[0\]\.unread is missing"
    ):
        parse_channels({"channels": [CHANNEL]})


async def test_malformed_answers_from_the_nas(chat: Chat, fake_dsm: FakeDsm) -> None:
    """A post DSM sends without text fails the read instead of showing ""."""
    fake_dsm.chat.channels[GENERAL].posts[post_id_for(GENERAL, 1)].message = None  # type: ignore[assignment]
    with pytest.raises(DsmResponseError):
        await chat.newest_posts(GENERAL, 5)


async def test_channels_users_and_me(chat: Chat, client: DsmClient) -> None:
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
    assert users[BOB].display_name == "Bob"
    assert (await client.call(CHANNEL_MEMBERS, {"channel_id": FAMILY}))["user_ids"] == [
        1,
        2,
    ]


async def test_channel_rules(chat: Chat, client: DsmClient) -> None:
    """Not a member: 401; unknown: 403; joining a public channel lets the user read it."""
    with pytest.raises(DsmPermissionError, match="not a member") as err:
        await chat.newest_posts(RANDOM, 5)
    assert err.value.code == 401
    with pytest.raises(DsmNotFoundError, match="no such channel"):
        await client.call(CHANNEL_GET, {"channel_id": 999})
    with pytest.raises(DsmNotFoundError, match="no such channel"):
        await chat.posts_since(999, 0)
    await client.call(NAMED_JOIN, {"channel_id": RANDOM})
    assert await chat.newest_posts(RANDOM, 5) == []


async def test_each_account_has_its_own_membership(
    http: aiohttp.ClientSession, dsm_url: str, fake_dsm: FakeDsm
) -> None:
    """Another DSM account is its own Chat user: it sees public channels, not our chats."""
    fake_dsm.store.add_user("carol", DEMO_PASSWORD)
    carol = DsmClient(
        http, dsm_url, credentials=PasswordCredentials("carol", DEMO_PASSWORD)
    )
    chat = Chat(carol)
    seen = {c.channel_id: c.is_joined for c in await chat.channels()}
    assert seen == {GENERAL: False, RANDOM: False}
    assert (await chat.me()).username == "carol"
    for call, params in (
        (POST_LIST, {"channel_id": FAMILY, "prev_count": 5}),
        (CHANNEL_GET, {"channel_id": FAMILY}),
        (Endpoint("SYNO.Chat.Channel.Hashtag", "list"), {"channel_id": GENERAL}),
        (Endpoint("SYNO.Chat.Post.Reminder", "list"), {"channel_id": DM_ALICE}),
        (Endpoint("SYNO.Chat.Post.Schedule", "list"), {"channel_id": FAMILY}),
    ):
        with pytest.raises(DsmPermissionError, match="not a member") as err:
            await carol.call(call, params)
        assert (err.value.code, err.value.detail) == (401, "user not in channel")
    with pytest.raises(DsmNotFoundError, match="no such post") as missing:
        await carol.call(Endpoint("SYNO.Chat.Post.Reminder", "get"))
    assert (missing.value.code, missing.value.detail) == (402, "post not found")


async def test_integrations_posting_too_fast(
    client: DsmClient, fake_dsm: FakeDsm
) -> None:
    """Webhooks and bots are rate limited like people: 411 with Chat's own text."""
    fake_dsm.chat.post_rate = PostRate(interval=60, burst=1)
    for method, token, payload in (
        ("incoming", DEMO_WEBHOOK_TOKEN, {"text": "hook"}),
        ("chatbot", DEMO_BOT_TOKEN, {"text": "bot", "user_ids": [1]}),
    ):
        external = Endpoint("SYNO.Chat.External", method, 2, 2)
        params = {"token": token, "payload": payload}
        await client.call_without_session(external, params)
        with pytest.raises(DsmRateLimitError) as err:
            await client.call_without_session(external, params)
        assert (err.value.code, err.value.detail) == (411, "create post too fast")


async def test_direct_messages(chat: Chat) -> None:
    """Initiate finds the existing DM, creates a new one, and refuses self-talk."""
    assert (await chat.direct_channel(ALICE)).channel_id == DM_ALICE
    with_bob = await chat.direct_channel(BOB)
    assert with_bob.channel_id not in (GENERAL, DM_ALICE)
    assert with_bob.members == (1, BOB)
    with pytest.raises(DsmInvalidParameterError, match="yourself"):
        await chat.direct_channel(1)


async def test_send_and_threads(chat: Chat, fake_dsm: FakeDsm) -> None:
    """Send with the exact parameters; the newest posts; thread replies."""
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


async def test_posts_since_pages_past_short_pages(
    chat: Chat, fake_dsm: FakeDsm
) -> None:
    """DSM returns fewer posts than asked: paging goes on until nothing new comes."""
    fake_dsm.chat.page_cap = 7
    start = post_id_for(GENERAL, 2)
    for number in range(40):
        await fake_dsm.chat.post_as("alice", GENERAL, f"post {number}")
    fake_dsm.reset_request_log()
    found = await chat.posts_since(GENERAL, start)
    assert [p.message for p in found] == [f"post {n}" for n in range(40)]
    lists = [r for r in fake_dsm.requests if r.method == "list"]
    # 40 new posts, 6 per page (the anchor comes back too), then a page with none new.
    assert len(lists) == 8
    assert all(r.params["next_count"] == str(chat_api.PAGE_SIZE) for r in lists)
    until = await chat.posts_since(GENERAL, start, before=found[10].post_id)
    assert until == found[:10]


async def test_posts_since_nothing_there(chat: Chat, fake_dsm: FakeDsm) -> None:
    """An anchor past the last post, and an empty conversation, answer 402: nothing."""
    newest = post_id_for(GENERAL, 2)
    assert await chat.posts_since(GENERAL, newest) == []
    assert await chat.posts_since(GENERAL, newest + 5) == []
    empty = await chat.direct_channel(BOB)
    assert await chat.posts_since(empty.channel_id, 0) == []
    assert await chat.newest_posts(empty.channel_id, 5) == []
    codes = [r.params.get("post_id") for r in fake_dsm.requests if r.method == "list"]
    assert str(newest + 5) in codes


async def test_posts_since_in_a_thread(chat: Chat, fake_dsm: FakeDsm) -> None:
    """Replies after the root: the anchor moves below the root, which lists only itself."""
    root = await fake_dsm.chat.post_as("alice", GENERAL, "root")
    replies = [
        await fake_dsm.chat.post_as("bob", GENERAL, f"r{n}", thread_id=root.post_id)
        for n in range(3)
    ]
    await fake_dsm.chat.post_as("bob", GENERAL, "main again")
    found = await chat.posts_since(GENERAL, root.post_id, thread_id=root.post_id)
    assert [p.post_id for p in found] == [r.post_id for r in replies]
    later = await chat.posts_since(GENERAL, replies[0].post_id, thread_id=root.post_id)
    assert [p.post_id for p in later] == [r.post_id for r in replies[1:]]


async def test_edit_delete_react(chat: Chat, fake_dsm: FakeDsm) -> None:
    """Own posts can be changed; others' are 415; reactions come back in posts."""
    mine = await chat.send(GENERAL, "typo")
    await chat.edit(mine.post_id, "fixed")
    edited = (await chat.newest_posts(GENERAL, 1))[-1]
    assert (edited.message, edited.edited) == ("fixed", True)
    theirs = post_id_for(GENERAL, 1)
    with pytest.raises(DsmPermissionError, match="not your post") as err:
        await chat.delete(theirs)
    assert err.value.code == 415
    with pytest.raises(DsmPermissionError):
        await chat.edit(theirs, "mine now")
    await chat.react(theirs, "thumbsup")
    await fake_dsm.chat.react_as("alice", theirs, "thumbsup")
    reacted = (await chat.newest_posts(GENERAL, 3))[0]
    assert [(r.name, r.user_ids) for r in reacted.reactions] == [
        ("thumbsup", (1, ALICE))
    ]
    await chat.react(theirs, "thumbsup", remove=True)
    taken_back = (await chat.newest_posts(GENERAL, 3))[0]
    assert [r.user_ids for r in taken_back.reactions] == [(ALICE,)]
    await chat.delete(mine.post_id)
    assert (await chat.newest_posts(GENERAL, 1))[-1].deleted


async def test_upload_file(chat: Chat) -> None:
    """A file post is a multipart upload; the post names the file."""
    post = await chat.send_file(GENERAL, "report.pdf", b"%PDF-1.7", message="Q3")
    assert post.type == "file"
    assert post.file is not None
    assert (post.file.name, post.file.size, post.file.type) == ("report.pdf", 8, "pdf")
    assert post.message == "Q3"


async def test_too_large_file_is_not_sent(chat: Chat, fake_dsm: FakeDsm) -> None:
    """Above Chat's limit nothing is uploaded."""
    with pytest.raises(DsmFileTooLargeError):
        await chat.send_file(GENERAL, "big.bin", bytes(MAX_FILE_BYTES + 1))
    assert not [r for r in fake_dsm.requests if r.method == "create"]


async def test_polls_schedules_reminders_search(chat: Chat, fake_dsm: FakeDsm) -> None:
    """Polls with object choices; scheduled posts; reminders; search by keyword."""
    poll = await chat.create_poll(
        GENERAL, "Pizza?", ["yes", "no"], PollOptions(multiple=True)
    )
    vote = fake_dsm.chat.channels[GENERAL].posts[poll.post_id].props["vote"]
    assert vote["options"]["multiple"] is True
    assert [c["text"] for c in vote["choices"]] == ["yes", "no"]
    job = await chat.schedule(GENERAL, "later", 4_102_444_800_000)
    assert fake_dsm.chat.schedules[job]["message"] == "later"
    target = post_id_for(GENERAL, 1)
    await chat.set_reminder(target, 4_102_444_800_000)
    assert fake_dsm.chat.reminders == {(1, target): 4_102_444_800_000}
    found = await chat.search("welcome", channel_ids=[GENERAL])
    assert found.total == 1
    assert found.posts[0].post_id == target


@pytest.mark.usefixtures("chat_pace")
async def test_posting_too_fast_is_tried_again_in_turn(
    chat: Chat, fake_dsm: FakeDsm
) -> None:
    """411 despite the pacing: tried again after a pause, then a typed rate-limit error."""
    # Stricter than the client's guess: one post per 2.5 s, no burst.
    fake_dsm.chat.post_rate = PostRate(interval=2.5, burst=1)
    await chat.send(GENERAL, "first")
    assert (await chat.send(GENERAL, "second try")).message == "second try"
    fake_dsm.chat.post_rate = PostRate(interval=10, burst=0)
    with pytest.raises(DsmRateLimitError, match="too fast") as err:
        await chat.send_file(GENERAL, "a.txt", b"a")
    assert err.value.detail == "create post too fast"
    messages = [p.message for p in fake_dsm.chat.channels[GENERAL].posts.values()]
    assert messages[-2:] == ["first", "second try"]
    creates = [r for r in fake_dsm.requests if r.method == "create"]
    assert len(creates) == 1 + 2 + POST_ATTEMPTS


async def test_a_burst_of_posts_is_paced_in_order(
    chat: Chat, fake_dsm: FakeDsm, chat_pace: list[float]
) -> None:
    """Posts asked for at once go one by one, in order, about a second apart."""
    await asyncio.gather(*(chat.send(GENERAL, f"n{n}") for n in range(5)))
    posts = list(fake_dsm.chat.channels[GENERAL].posts.values())[-5:]
    assert [p.message for p in posts] == [f"n{n}" for n in range(5)]
    assert len(chat_pace) == 4
    assert all(0.9 < wait <= POST_INTERVAL_SECONDS for wait in chat_pace)


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


async def test_empty_conversation_without_402(
    chat: Chat, monkeypatch: pytest.MonkeyPatch
) -> None:
    """chat.md 2026-12: an unanchored read may answer an empty list instead of 402."""
    monkeypatch.setattr(fake_chat, "EMPTY_READ_WITHOUT_ANCHOR_IS_402", False)
    empty = await chat.direct_channel(BOB)
    assert await chat.posts_since(empty.channel_id, 0) == []
    assert await chat.newest_posts(empty.channel_id, 5) == []


async def test_posts_since_is_bounded_by_us(chat: Chat, fake_dsm: FakeDsm) -> None:
    """However many posts the NAS holds, one call costs at most max_pages requests."""
    fake_dsm.chat.page_cap = 7
    start = post_id_for(GENERAL, 2)
    for number in range(30):
        await fake_dsm.chat.post_as("alice", GENERAL, f"post {number}")
    fake_dsm.reset_request_log()
    found = await chat.posts_since(GENERAL, start, max_pages=2)
    # 6 new posts a page (the anchor comes back too).
    assert [p.message for p in found] == [f"post {n}" for n in range(12)]
    assert len([r for r in fake_dsm.requests if r.method == "list"]) == 2
    rest = await chat.posts_since(GENERAL, found[-1].post_id)
    assert [p.message for p in rest] == [f"post {n}" for n in range(12, 30)]
