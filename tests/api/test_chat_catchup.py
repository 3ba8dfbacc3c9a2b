"""Chat's catch-up protocol and socket supervision on their own, without Home Assistant."""

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

import aiohttp
from engineio import base_client as engineio_clients
import pytest

from custom_components.synology_native.api import (
    DsmClient,
    DsmConnectionError,
    DsmHttpError,
    DsmNotFoundError,
    DsmResponseError,
    DsmSessionExpiredError,
    DsmTimeoutError,
    chat_catchup,
    chat_socket as chat_socket_api,
)
from custom_components.synology_native.api.chat_catchup import (
    ChangeKind,
    ChatCatchUp,
    ChatChange,
    fails_one_channel,
)
from custom_components.synology_native.api.chat_socket import (
    ChatSocket,
    ChatSocketError,
    ChatSocketKeeper,
    SocketState,
)
from tests.fake_dsm.chat_store import FAMILY, GENERAL

if TYPE_CHECKING:
    from tests.fake_dsm import FakeDsm


async def until(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    """Wait until condition holds."""
    async with asyncio.timeout(seconds):
        while not condition():  # noqa: ASYNC110 - the condition spans several objects
            await asyncio.sleep(0.01)


def catch_up_of(client: DsmClient) -> tuple[ChatCatchUp, list[ChatChange]]:
    """Return a catch-up reader and the list its changes go to."""
    changes: list[ChatChange] = []
    return ChatCatchUp(client, changes.append, name="demo"), changes


def seen(changes: list[ChatChange]) -> list[tuple[str, str]]:
    """Return each change as (kind, text)."""
    return [(change.kind, change.post.message) for change in changes]


async def test_changes_are_read_once_in_order_across_a_restart(
    client: DsmClient, fake_dsm: FakeDsm
) -> None:
    """New posts, replies, edits, reactions and deletions; stored cursors resume."""
    catch_up, changes = catch_up_of(client)
    await catch_up.prime(None)
    assert changes == []  # the first start counts what is there as seen
    chat = fake_dsm.chat
    root = await chat.post_as("alice", GENERAL, "root")
    await catch_up.read_round()
    await chat.post_as("bob", GENERAL, "reply", thread_id=root.post_id)
    await chat.edit_as("alice", root.post_id, "root, edited")
    await chat.react_as("bob", root.post_id, "heart")
    gone = await chat.post_as("alice", FAMILY, "gone soon")
    await catch_up.read_round()
    await chat.delete_as("alice", gone.post_id)
    result = await catch_up.read_round()
    assert result.skipped == set()
    assert seen(changes) == [
        (ChangeKind.MESSAGE, "root"),
        (ChangeKind.MESSAGE, "reply"),
        (ChangeKind.UPDATED, "root, edited"),
        (ChangeKind.REACTION, "root, edited"),
        (ChangeKind.MESSAGE, "gone soon"),
        (ChangeKind.DELETED, ""),  # DSM empties a deleted post
    ]
    assert changes[2].extra == {"previous_text": "root"}
    assert changes[3].extra["reaction"] == "heart"
    assert changes[3].extra["user_name"] == "Bob"
    described = catch_up.describe_change(changes[5])
    assert described["text"] is None
    assert described["deleted_at"]
    assert catch_up.moved

    again, repeated = catch_up_of(client)
    await again.prime(catch_up.cursor_data())
    await chat.post_as("alice", GENERAL, "after the restart")
    await again.read_round()
    assert seen(repeated) == [(ChangeKind.MESSAGE, "after the restart")]


async def test_a_conversation_failing_at_http_level_is_skipped_alone(
    client: DsmClient, fake_dsm: FakeDsm
) -> None:
    """An HTTP error for one conversation's read skips it; no answer at all ends the round."""
    catch_up, changes = catch_up_of(client)
    await catch_up.prime(None)
    root = await fake_dsm.chat.post_as("alice", FAMILY, "root")
    await catch_up.read_round()
    repair = fake_dsm.faults.break_calls(
        "SYNO.Chat.Post", "list", lambda params: params.get("thread_id") == root.post_id
    )
    await fake_dsm.chat.post_as("alice", FAMILY, "reply", thread_id=root.post_id)
    await fake_dsm.chat.post_as("bob", GENERAL, "elsewhere")
    result = await catch_up.read_round()
    assert result.skipped == {FAMILY}
    assert result.found == 1
    repair()
    await catch_up.read_round()
    assert seen(changes)[1:] == [
        (ChangeKind.MESSAGE, "elsewhere"),
        (ChangeKind.MESSAGE, "reply"),
    ]
    fake_dsm.faults.reset(10)
    with pytest.raises(DsmConnectionError):
        await catch_up.read_round()


async def test_keeper_tells_what_the_socket_is_worth(
    client: DsmClient,
    http: aiohttp.ClientSession,
    fake_dsm: FakeDsm,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Understood or not, silent or announcing; a drop is read after, then reconnected."""
    monkeypatch.setattr(chat_socket_api, "BACKOFF_MIN_SECONDS", 0.01)
    catch_up, _ = catch_up_of(client)
    await catch_up.prime(None)
    changes: list[bool] = []
    drops: list[bool] = []

    async def readable() -> None:
        return None

    async def after_drop() -> None:
        drops.append(True)

    keeper = ChatSocketKeeper(
        client,
        http,
        name="demo",
        verify_ssl=True,
        on_change=lambda: changes.append(True),
        on_state=lambda: None,
        readable=readable,
        after_drop=after_drop,
    )
    fake_dsm.chat_socket.faults.unknown_names = True
    task = asyncio.create_task(keeper.run())
    try:
        await until(lambda: keeper.state is SocketState.PUSH)
        changes.clear()  # the read asked for after connecting
        await fake_dsm.chat.post_as("alice", GENERAL, "unknown name")
        await until(lambda: keeper.state is SocketState.NOT_UNDERSTOOD)
        assert changes == []
        fake_dsm.chat_socket.faults.unknown_names = False
        await fake_dsm.chat.post_as("alice", GENERAL, "known name")
        await until(lambda: changes == [True])
        assert keeper.state is SocketState.PUSH
        keeper.note_read(1, timed=False, announced=True)
        keeper.note_read(1, timed=True, announced=False)  # heard nothing since
        assert keeper.state is SocketState.SILENT
        await fake_dsm.chat.post_as("alice", GENERAL, "announced")
        await until(lambda: len(changes) == 2)
        keeper.note_read(1, timed=False, announced=True)
        assert keeper.state is SocketState.PUSH
        await fake_dsm.chat_socket.drop_sockets()
        await until(lambda: drops == [True])
        await until(lambda: keeper.state is SocketState.PUSH)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert not keeper.socket.connected


async def test_a_refused_namespace_leaves_no_connection_open(
    client: DsmClient, http: aiohttp.ClientSession, fake_dsm: FakeDsm
) -> None:
    """A socket refused for its session closes the Engine.IO connection beneath it."""
    catch_up, _ = catch_up_of(client)
    await catch_up.prime(None)
    socket = ChatSocket(client, http, lambda _: None, lambda: None, timeout=2)
    fake_dsm.store.expire_sessions()
    before = len(engineio_clients.connected_clients)
    with pytest.raises(ChatSocketError):
        await socket.connect()
    await until(lambda: not fake_dsm.chat_socket.sio.eio.sockets)
    assert len(engineio_clients.connected_clients) == before


async def test_a_connect_cut_short_is_dropped_quietly(
    client: DsmClient,
    http: aiohttp.ClientSession,
    fake_dsm: FakeDsm,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Cancelled mid-handshake (an unload): nothing stays open, the NAS logs no error."""
    catch_up, _ = catch_up_of(client)
    await catch_up.prime(None)
    socket = ChatSocket(client, http, lambda _: None, lambda: None, timeout=2)
    fake_dsm.faults.latency = 0.3  # the upgrade's answer is on its way
    connecting = asyncio.create_task(socket.connect())
    await asyncio.sleep(0.1)
    connecting.cancel()
    await asyncio.gather(connecting, return_exceptions=True)
    await socket.disconnect()
    fake_dsm.faults.latency = 0.0
    await asyncio.sleep(0.5)  # the server answers the upgrade to nobody
    assert "Error handling request" not in caplog.text
    assert not socket.connected


def test_which_failures_concern_one_conversation() -> None:
    """An answer about one read skips its conversation; no answer ends the round."""
    assert fails_one_channel(DsmHttpError(500))
    assert fails_one_channel(DsmNotFoundError(401, "SYNO.Chat.Post", "list"))
    assert fails_one_channel(DsmResponseError("not JSON"))
    assert not fails_one_channel(DsmTimeoutError("no answer"))
    assert not fails_one_channel(DsmSessionExpiredError(106, "SYNO.Chat.Post", "list"))


async def test_a_long_thread_is_read_a_few_pages_per_round(
    client: DsmClient, fake_dsm: FakeDsm, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page bound holds in threads too; the rest follows in order, once."""
    monkeypatch.setattr(chat_catchup, "MAX_PAGES_PER_ROUND", 1)
    fake_dsm.chat.page_cap = 5
    catch_up, changes = catch_up_of(client)
    await catch_up.prime(None)
    root = await fake_dsm.chat.post_as("alice", GENERAL, "root")
    replies = [f"reply {number}" for number in range(12)]
    for text in replies:
        await fake_dsm.chat.post_as("bob", GENERAL, text, thread_id=root.post_id)
    rounds = 0
    while len(changes) < 1 + len(replies):
        await catch_up.read_round()
        rounds += 1
        assert rounds < 10
    assert rounds > 2
    assert (await catch_up.read_round()).skipped == set()  # the thread is read through
    assert [text for _, text in seen(changes)] == ["root", *replies]
