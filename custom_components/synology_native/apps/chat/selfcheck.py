"""Synology Chat's part of the NAS self-check: its page and socket guesses, and reads."""

import asyncio
from dataclasses import dataclass

from custom_components.synology_native.api import DsmError, DsmNotFoundError, chat
from custom_components.synology_native.api.chat import (
    CHANNEL_LIST,
    PAGE_SIZE,
    POST_LIST,
    Chat,
    parse_post_list,
)
from custom_components.synology_native.api.chat_socket import CHANGE_EVENTS, ChatSocket
from custom_components.synology_native.api.client import DsmClient
from custom_components.synology_native.api.shapes import length_bucket
from custom_components.synology_native.selfcheck.guesses import (
    NOT_SEEN,
    AppSelfCheck,
    Guess,
    Status,
    Verdict,
)
from custom_components.synology_native.selfcheck.probe import (
    Observations,
    Outcome,
    Probe,
    Read,
)

# How long the check listens to Chat's socket for event names and payload shapes.
SOCKET_WINDOW_SECONDS = 5.0
# Chat conversations whose newest page is read to see how many posts DSM hands out.
CHAT_CHANNELS_READ = 3


@dataclass(slots=True)
class ChatPage:
    """What reads of a page of Chat posts brought: more than asked, fewer, and more older."""

    over: bool = False  # a read brought more posts than asked
    short_with_more: bool = False  # fewer than asked although older posts exist
    full: bool = False  # exactly as many as asked
    largest: int = 0  # the most posts one read brought


@dataclass(slots=True)
class ChatNotes:
    """The pages read (None: none was), and whether the socket opened (None: not tried)."""

    page: ChatPage | None = None
    socket_connected: bool | None = None


async def _read_page(probe: Probe) -> None:
    api = Chat(probe.client)
    page = ChatPage()
    joined = [channel for channel in await api.channels() if channel.is_joined]
    for channel in joined[:CHAT_CHANNELS_READ]:
        posts = await api.newest_posts(channel.channel_id, PAGE_SIZE)
        page.over |= len(posts) > PAGE_SIZE
        page.full |= len(posts) == PAGE_SIZE
        page.largest = max(page.largest, len(posts))
        if 0 < len(posts) < PAGE_SIZE:
            page.short_with_more |= await _older_posts_exist(
                probe.client, channel.channel_id, min(post.post_id for post in posts)
            )
    probe.seen.of(ChatNotes).page = page


async def _older_posts_exist(client: DsmClient, channel_id: int, oldest: int) -> bool:
    """Tell whether the conversation holds posts older than oldest (one read)."""
    try:
        data = await client.call(
            POST_LIST,
            {
                "channel_id": channel_id,
                "thread_id": 0,
                "post_id": oldest,
                "prev_count": PAGE_SIZE,
                "next_count": 0,
            },
        )
    except DsmNotFoundError:
        return False
    return any(post.post_id < oldest for post in parse_post_list(data))


async def _listen(probe: Probe) -> None:
    """Listen to Chat's socket for a short window; events are recorded as shapes."""
    seen = probe.seen
    if CHANNEL_LIST.api not in seen.apis:
        seen.outcomes[Read.SOCKET] = Outcome.UNAVAILABLE
        return
    socket = ChatSocket(
        probe.client,
        probe.http,
        lambda _name: None,
        lambda: None,
        verify_ssl=probe.verify_ssl,
    )
    notes = seen.of(ChatNotes)
    try:
        await socket.connect()
    except DsmError:
        notes.socket_connected = False
        raise
    notes.socket_connected = True
    try:
        await asyncio.sleep(SOCKET_WINDOW_SECONDS)
    finally:
        await socket.disconnect()


def _chat_page(seen: Observations) -> Verdict:
    page = seen.of(ChatNotes).page
    if page is None:
        return NOT_SEEN
    largest = length_bucket(page.largest)
    if page.over:
        return Verdict(
            Status.CONTRADICTED, {"page": "more than asked", "largest": largest}
        )
    if page.short_with_more:
        return Verdict(
            Status.CONFIRMED, {"page": "fewer than asked", "largest": largest}
        )
    return NOT_SEEN


def _socket_events(seen: Observations) -> Verdict:
    if seen.of(ChatNotes).socket_connected is False:
        return Verdict(Status.CONTRADICTED, {"connected": False})
    names = seen.shapes.event_names
    if not names:
        return NOT_SEEN
    events = seen.shapes.report()["socket_events"]
    if any(name in CHANGE_EVENTS for name in names):
        return Verdict(Status.CONFIRMED, events)
    # Only names we do not know: Chat is still read, at the poll interval.
    return Verdict(Status.CONTRADICTED, events)


SELF_CHECK = AppSelfCheck(
    guesses=(
        Guess(
            "chat_page_size",
            "api/chat.py PAGE_SIZE",
            "Chat hands out at most the posts asked for, often fewer; reads go on until "
            "nothing new comes.",
            _chat_page,
        ),
        Guess(
            "chat_socket_events",
            "api/chat_socket.py CHANGE_EVENTS",
            "Chat's socket accepts the session and names a change with one of "
            "CHANGE_EVENTS (post_create, ...).",
            _socket_events,
        ),
    ),
    reads=((Read.CHAT_POSTS, _read_page), (Read.SOCKET, _listen)),
    modules=(chat,),
)
