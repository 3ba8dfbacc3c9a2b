"""The Chat push loop: socket -> coalesce -> catch-up reads -> bus events and entities.

Socket events only mean "something changed" (their names and payloads are not public), so
every change is read over HTTP: the newest posts of each channel after the last post id
reported there, the replies of threads that moved, and a window of recent posts that is
compared with the previous read to see edits, deletions and reactions. Without a socket
the same reads run every few seconds.

Delivery promise: a cursor (per channel, per thread) moves past a post only once that
post was fired, and the cursors are stored at the end of every round, finished or not.
So a read that fails halfway, a restart or a reconnect neither loses nor repeats a post;
nothing is fired before Home Assistant has started, so automations see the backlog.
"""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from functools import partial
import random
import time
from typing import TYPE_CHECKING, Any

from homeassistant.const import CONF_VERIFY_SSL
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.start import async_at_started
from homeassistant.helpers.storage import Store

from custom_components.synology_native.api import (
    DsmApp,
    DsmClient,
    DsmConnectionError,
    DsmError,
)
from custom_components.synology_native.api.chat import (
    Chat,
    ChatChannel,
    ChatPost,
    ChatUser,
    newest_posts_call,
    posts_of,
)
from custom_components.synology_native.api.chat_socket import ChatSocket
from custom_components.synology_native.const import (
    DOMAIN,
    EVENT_CHAT_MESSAGE,
    EVENT_CHAT_MESSAGE_DELETED,
    EVENT_CHAT_MESSAGE_UPDATED,
    EVENT_CHAT_REACTION,
    LOGGER,
)
from custom_components.synology_native.data import AppKey, PushedApp
from custom_components.synology_native.error_policy import (
    Failure,
    failure_of,
    start_reauth_if_needed,
)

if TYPE_CHECKING:
    from custom_components.synology_native.data import DsmConfigEntry

STORAGE_VERSION = 1

# Socket events arriving within this many seconds are read together. It bounds a post's
# wait for its read, so it stays well below issue 15's 250 ms (99th percentile) target.
COALESCE_SECONDS = 0.1
# Catch-up reads while the socket is down, and calibration reads while it is up. Chat
# counts as unreachable (entities unavailable) once no read succeeded for longer than
# one poll period.
POLL_SECONDS = 5.0
CALIBRATE_SECONDS = 30.0
# Reconnect backoff: doubles from the minimum up to the maximum, with jitter.
BACKOFF_MIN_SECONDS = 1.0
BACKOFF_MAX_SECONDS = 30.0
# Post ids read per call when catching up: a failed read loses no more than that.
# INFERRED (chat.md §5.2): a read anchored on a post id outside the timeline read (a
# main post's id for a thread, a reply's for the main timeline) lists that timeline's
# posts after it, as ace's live "root - 1" anchor does. Ids are dense per channel, so
# every anchor used is the id of some post of the channel.
CATCH_UP_SPAN = 40
# A read Chat refuses as too fast (411) is tried once more after this pause.
RATE_LIMIT_PAUSE_SECONDS = 1.0
# Channels per compound request.
COMPOUND_CHUNK = 20

# INFERRED (chat.md §9.2): edits, deletions and reactions are only visible by re-reading
# recent posts; this many of each channel's newest main-timeline posts are re-read and
# compared every round. Older posts' changes are not reported.
RECENT_WINDOW = 30

# A channel that appears while running (a new direct message, a channel joined) reports
# the posts made in it since the previous round, less this margin for clock skew.
NEW_CHANNEL_GRACE_MS = 60_000


class ConnectionMode(StrEnum):
    """How the listener hears about changes."""

    PUSH = "push"
    POLLING = "polling"
    DOWN = "down"


def chat_storage_key(entry_id: str) -> str:
    """Name the storage file of an entry's Chat cursors."""
    return f"{DOMAIN}.chat_{entry_id}"


def signal_state(entry_id: str) -> str:
    """Dispatcher signal: mode, channels or unread counts changed."""
    return f"{DOMAIN}_{entry_id}_chat_state"


def signal_channel_event(entry_id: str) -> str:
    """Dispatcher signal: an event for a channel's event entity."""
    return f"{DOMAIN}_{entry_id}_chat_event"


def backoff_seconds(attempt: int) -> float:
    """Return the wait before reconnect attempt number attempt (1-based), with jitter."""
    ceiling = min(BACKOFF_MAX_SECONDS, BACKOFF_MIN_SECONDS * 2.0 ** (attempt - 1))
    return ceiling * random.uniform(0.5, 1.0)  # noqa: S311 - jitter, not security


def iso(ms: int) -> str | None:
    """Turn Chat milliseconds into an ISO 8601 UTC time (None for 0).

    Raises ValueError or OverflowError for a time datetime cannot hold.
    """
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat() if ms else None


def now_ms() -> int:
    """Return the current time in ms."""
    return int(time.time() * 1000)


def fails_one_channel(err: DsmError) -> bool:
    """Tell whether err concerns one channel's read, so the others are still read.

    Chat's answer for one conversation (not a member any more, gone, rate limited,
    malformed) concerns that conversation; a dead connection or a refused session
    fails every read and ends the round.
    """
    return failure_of(err) is not Failure.REAUTHENTICATE and not isinstance(
        err, DsmConnectionError
    )


@dataclass
class ChannelCursor:
    """What was already reported in a channel."""

    last: int = 0  # newest main-timeline post id reported
    threads: dict[int, int] = field(default_factory=dict)  # root id -> newest reply id
    # A channel that appeared while running reports posts created from then on (ms).
    since: int = 0


class ChatListener:
    """Keeps the Chat socket, reads changes and reports them."""

    def __init__(
        self, hass: HomeAssistant, entry: DsmConfigEntry, client: DsmClient
    ) -> None:
        """Prepare for entry; nothing is read until async_prime."""
        self.hass = hass
        self.entry = entry
        self.chat = Chat(client)
        self.client = client
        self.mode = ConnectionMode.DOWN
        self.me: ChatUser | None = None
        self.users: dict[int, ChatUser] = {}
        self.channels: dict[int, ChatChannel] = {}
        self._store: Store[dict[str, Any]] = Store(
            hass, STORAGE_VERSION, chat_storage_key(entry.entry_id)
        )
        self._cursors: dict[int, ChannelCursor] = {}
        self._cursors_moved = False
        self._synced_at = 0
        self._window: dict[int, dict[int, ChatPost]] = {}
        self._wake = asyncio.Event()
        self._rounds_started = 0
        self._rounds_done = 0
        self._round_over = asyncio.Condition()
        self._socket_closed = asyncio.Event()
        self._lock = asyncio.Lock()
        # Monotonic time of the first failed read since the last good one.
        self._failing_since: float | None = None
        self._unreachable = False  # failing for longer than a poll period
        self._incomplete = False  # a channel could not be read in the last round
        self._unreportable: set[int] = set()  # posts already logged as such
        self._bug_logged = False  # an unexpected error, until a round works again
        verify_ssl = bool(entry.data.get(CONF_VERIFY_SSL, True))
        self._socket = ChatSocket(
            client,
            async_get_clientsession(hass, verify_ssl=verify_ssl),
            self._on_socket_event,
            self._socket_closed.set,
            verify_ssl=verify_ssl,
        )

    # --- state for entities ---

    @property
    def unread(self) -> dict[int, int]:
        """Return the unread count of each joined channel."""
        return {
            cid: channel.unread
            for cid, channel in self.channels.items()
            if channel.is_joined and channel.unread is not None
        }

    @property
    def conn_id(self) -> str | None:
        """Return the socket's connection id, for posts that should not echo to us."""
        return self._socket.conn_id

    def channel_name(self, channel: ChatChannel) -> str:
        """Name a channel as people see it: its name, or the other person's."""
        if channel.name:
            return channel.name
        others = [
            self.users[m].display_name
            for m in channel.members
            if m in self.users and (self.me is None or m != self.me.user_id)
        ]
        return ", ".join(others) or str(channel.channel_id)

    @callback
    def async_request_catch_up(self) -> None:
        """Read changes soon (after a write of our own, for example)."""
        self._wake.set()

    async def async_read_round(self) -> None:
        """Read Chat now and return once a read that started after this call is over."""
        target = self._rounds_started + 1
        self._wake.set()
        async with self._round_over:
            await self._round_over.wait_for(lambda: self._rounds_done >= target)

    # --- lifecycle ---

    async def async_prime(self) -> None:
        """Read who we are, users, channels and the cursors; report nothing.

        On the very first start, what is already in Chat counts as seen. Anything newer
        than the stored cursors is reported by the loop, once Home Assistant runs.
        """
        stored = await self._store.async_load()
        self.me = await self.chat.me()
        await self._refresh_users()
        if stored is None:
            await self._catch_up(fire=False)
        else:
            self._synced_at = int(stored.get("synced_at", 0))
            for cid, item in stored.get("channels", {}).items():
                self._cursors[int(cid)] = ChannelCursor(
                    int(item.get("last", 0)),
                    {int(r): int(v) for r, v in item.get("threads", {}).items()},
                    int(item.get("since", 0)),
                )
            await self._read_channels()
        self.mode = ConnectionMode.POLLING

    @callback
    def async_start(self) -> None:
        """Start the loop as the entry's background task once Home Assistant runs.

        Before that, automations are not armed yet: what was posted while Home
        Assistant was stopped waits for them.
        """
        self.entry.async_on_unload(async_at_started(self.hass, self._async_start_loop))

    @callback
    def _async_start_loop(self, _hass: HomeAssistant) -> None:
        self.entry.async_create_background_task(
            self.hass, self._async_run(), f"{DOMAIN} chat {self.entry.title}"
        )

    async def _async_run(self) -> None:
        """Keep the socket and the catch-up reads going until cancelled.

        Unloading the entry and stopping Home Assistant cancel this task; the socket
        is closed after that, so no connect still under way can reopen it.
        """
        try:
            async with asyncio.TaskGroup() as group:
                group.create_task(self._keep_socket())
                group.create_task(self._catch_up_loop())
        finally:
            await self._socket.disconnect()

    # --- the socket ---

    def _on_socket_event(self, event: str) -> None:
        self._wake.set()

    def _mode_without_socket(self) -> ConnectionMode:
        return ConnectionMode.DOWN if self._unreachable else ConnectionMode.POLLING

    async def _keep_socket(self) -> None:
        attempt = 0
        while True:
            # While Chat cannot be read (sign-in refused, NAS away) its socket cannot
            # open either: wait for a read that works rather than knock in a loop.
            async with self._round_over:
                await self._round_over.wait_for(lambda: self._failing_since is None)
            try:
                await self._socket.connect()
            except DsmError as err:
                attempt += 1
                if attempt == 1:
                    LOGGER.info(
                        "Chat socket of %s unavailable, reading changes every %s s: %s",
                        self.entry.title,
                        POLL_SECONDS,
                        err,
                    )
                self._set_mode(self._mode_without_socket())
                await asyncio.sleep(backoff_seconds(attempt))
                continue
            if attempt:
                LOGGER.info("Chat socket of %s is back", self.entry.title)
            attempt = 0
            if not self._unreachable:
                self._set_mode(ConnectionMode.PUSH)
            self._wake.set()  # read what happened while we were not connected
            await self._socket_closed.wait()
            self._socket_closed.clear()
            LOGGER.info("Chat socket of %s dropped", self.entry.title)
            attempt = 1
            self._set_mode(self._mode_without_socket())
            # Read first: that signs in again when the session ended, then reconnect.
            await self.async_read_round()

    # --- catch-up reads ---

    async def _catch_up_loop(self) -> None:
        self._wake.set()  # first, what was posted while Home Assistant was away
        while True:
            settled = (
                self.mode is ConnectionMode.PUSH
                and not self._incomplete
                and self._failing_since is None
            )
            woken = False
            try:
                async with asyncio.timeout(
                    CALIBRATE_SECONDS if settled else POLL_SECONDS
                ):
                    await self._wake.wait()
                    woken = True
            except TimeoutError:
                pass
            if woken:
                await asyncio.sleep(COALESCE_SECONDS)
            self._wake.clear()
            self._rounds_started += 1
            await self._safe_catch_up()
            async with self._round_over:
                self._rounds_done = self._rounds_started
                self._round_over.notify_all()

    async def _safe_catch_up(self) -> None:
        try:
            await self._catch_up(fire=True)
        except DsmError as err:
            self._note_failure(err)
            start_reauth_if_needed(self.hass, self.entry, err)
        except Exception:  # noqa: BLE001 - a bug must not end the listener
            if not self._bug_logged:
                self._bug_logged = True
                LOGGER.exception("Reading Chat of %s failed", self.entry.title)
        else:
            self._bug_logged = False
            self._note_success()
            if self._socket.session_sid not in (
                None,
                self.client.session.sid if self.client.session else None,
            ):
                # The session was renewed under the socket: reconnect with the new one.
                await self._socket.disconnect()
                self._socket_closed.set()
            self._set_mode(
                ConnectionMode.PUSH
                if self._socket.connected
                else ConnectionMode.POLLING
            )

    def _note_failure(self, err: DsmError) -> None:
        """Count Chat as unreachable once reads failed for longer than a poll period."""
        now = time.monotonic()
        if self._failing_since is None:
            self._failing_since = now
        LOGGER.debug("Reading Chat of %s failed: %s", self.entry.title, err)
        if not self._unreachable and now - self._failing_since > POLL_SECONDS:
            LOGGER.warning("Reading Chat of %s failed: %s", self.entry.title, err)
            self._unreachable = True
            self._set_mode(ConnectionMode.DOWN)

    def _note_success(self) -> None:
        if self._unreachable:
            LOGGER.info("Reading Chat of %s works again", self.entry.title)
        self._failing_since = None
        self._unreachable = False

    def _set_mode(self, mode: ConnectionMode) -> None:
        if mode is not self.mode:
            self.mode = mode
            async_dispatcher_send(self.hass, signal_state(self.entry.entry_id))

    async def _refresh_users(self) -> None:
        self.users = {user.user_id: user for user in await self.chat.users()}

    async def _read_channels(self) -> list[ChatChannel]:
        """Read the conversations (and users, when someone new is in one)."""
        channels = await self._read(self.chat.channels)
        known = set(self.channels)
        self.channels = {c.channel_id: c for c in channels}
        joined = [c for c in channels if c.is_joined]
        if (
            any(m not in self.users for c in joined for m in c.members)
            or set(self.channels) != known
        ):
            await self._refresh_users()
        return joined

    async def _catch_up(self, *, fire: bool) -> None:
        """Read every channel once and report what is new, in order per timeline."""
        async with self._lock:
            started = now_ms()
            rebaselined: list[str] = []
            try:
                joined = await self._read_channels()
                windows = await self._read_windows(joined)
                for channel in joined:
                    window = windows.get(channel.channel_id)
                    if window is None:
                        continue
                    try:
                        if await self._process(channel, window, fire=fire):
                            rebaselined.append(self.channel_name(channel))
                    except DsmError as err:
                        if not fails_one_channel(err):
                            raise
                        self._skip_channel(channel, err)
                self._synced_at = started
                self._cursors_moved |= not fire
            finally:
                if rebaselined:
                    LOGGER.warning(
                        "Chat of %s has fewer posts than it had (restored or "
                        "reinstalled?); reporting from its newest post on in: %s",
                        self.entry.title,
                        ", ".join(rebaselined),
                    )
                if self._cursors_moved:
                    self._cursors_moved = False
                    await self._save()
                async_dispatcher_send(self.hass, signal_state(self.entry.entry_id))

    @staticmethod
    async def _read[T](read: Callable[[], Awaitable[T]], *, refused: bool = False) -> T:
        """Run read; when Chat refuses it as too fast (refused: it did), once more later.

        Giving up at once would start the channel's reads over in the next round,
        which a steady rate limit could refuse at the same step every time.
        """
        if not refused:
            try:
                return await read()
            except DsmError as err:
                if failure_of(err) is not Failure.RATE_LIMITED:
                    raise
        await asyncio.sleep(RATE_LIMIT_PAUSE_SECONDS)
        return await read()

    def _skip_channel(self, channel: ChatChannel, err: DsmError) -> None:
        """Leave a channel for the next round (soon): left meanwhile, or a passing error."""
        self._incomplete = True
        LOGGER.debug("Reading channel %s failed: %s", channel.channel_id, err)

    async def _read_windows(
        self, channels: list[ChatChannel]
    ) -> dict[int, list[ChatPost]]:
        """Read each channel's newest posts, many channels per HTTP request."""
        windows: dict[int, list[ChatPost]] = {}
        self._incomplete = False
        for start in range(0, len(channels), COMPOUND_CHUNK):
            chunk = channels[start : start + COMPOUND_CHUNK]
            results = await self.client.compound(
                [newest_posts_call(c.channel_id, RECENT_WINDOW) for c in chunk]
            )
            for channel, result in zip(chunk, results, strict=True):
                cid = channel.channel_id
                try:
                    try:
                        windows[cid] = posts_of(result)
                    except DsmError as err:
                        if failure_of(err) is not Failure.RATE_LIMITED:
                            raise
                        windows[cid] = await self._read(
                            partial(self.chat.newest_posts, cid, RECENT_WINDOW),
                            refused=True,
                        )
                except DsmError as err:
                    if not fails_one_channel(err):
                        raise
                    self._skip_channel(channel, err)
        return windows

    async def _process(
        self, channel: ChatChannel, window: list[ChatPost], *, fire: bool
    ) -> bool:
        """Report one channel's new posts and changes; return whether it re-baselined.

        Each post moves its cursor as it is fired, so a read failing later in the
        round leaves the cursors at the last post delivered. The window snapshot (what
        edits and thread moves are compared with) only moves when the channel is done.
        """
        cid = channel.channel_id
        cursor = self._cursors.get(cid)
        snapshot = self._window.get(cid)
        newest = window[-1].post_id if window else 0
        if not fire:
            # First start ever: everything already there counts as seen.
            cursor = self._cursors[cid] = ChannelCursor()
            await self._baseline(cid, cursor, window)
            self._window[cid] = {p.post_id: p for p in window}
            return False
        if cursor is None:
            # A channel new to us: report only what was posted since the last round,
            # also in later rounds that finish reading it.
            cursor = self._cursors[cid] = ChannelCursor(
                since=self._synced_at - NEW_CHANNEL_GRACE_MS
            )
        since = cursor.since
        rebaselined = cursor.last > newest
        if rebaselined:
            # The NAS's newest post is older than one already reported: Chat was
            # restored or reinstalled. What is there now counts as seen.
            await self._baseline(cid, cursor, window)
            snapshot = None
        old_last = cursor.last
        moved = [
            root
            for root in window
            if root.has_replies and self._thread_moved(root, snapshot)
        ]
        for root in moved:
            # Replies share the channel's id counter: a thread seen for the first time
            # reports replies newer than the channel's cursor before this round.
            cursor.threads.setdefault(root.post_id, old_last)
        await self._deliver_main(channel, cursor, window, since)
        for root in moved:
            await self._deliver_thread(channel, cursor, root.post_id, since)
        if snapshot is not None:
            self._diff(channel, snapshot, window)
        self._window[cid] = {p.post_id: p for p in window}
        roots = {p.post_id for p in window if p.has_replies}
        cursor.threads = {r: v for r, v in cursor.threads.items() if r in roots}
        return rebaselined

    async def _deliver_main(
        self,
        channel: ChatChannel,
        cursor: ChannelCursor,
        window: list[ChatPost],
        since: int,
    ) -> None:
        """Fire the main-timeline posts newer than the cursor, oldest first."""
        if cursor.last and window and window[0].post_id > cursor.last:
            # DSM's pages are short (chat.md §5.1): the window may start after the
            # cursor even when it holds fewer posts than asked. Read the gap first.

            def advance(post_id: int) -> None:
                cursor.last = post_id

            await self._deliver_span(
                channel,
                cursor.last,
                window[0].post_id - 1,
                thread_id=0,
                since=since,
                advance=advance,
            )
        for post in window:
            if post.post_id > cursor.last:
                self._deliver(channel, post, since)
                cursor.last = post.post_id

    async def _deliver_thread(
        self, channel: ChatChannel, cursor: ChannelCursor, root_id: int, since: int
    ) -> None:
        """Fire the replies of a thread newer than its cursor, oldest first."""
        newest = await self._read(
            lambda: self.chat.newest_posts(channel.channel_id, 1, thread_id=root_id)
        )
        if not newest:
            return

        def advance(post_id: int) -> None:
            cursor.threads[root_id] = post_id

        await self._deliver_span(
            channel,
            cursor.threads[root_id],
            newest[-1].post_id,
            thread_id=root_id,
            since=since,
            advance=advance,
        )

    async def _deliver_span(
        self,
        channel: ChatChannel,
        after: int,
        last: int,
        *,
        thread_id: int,
        since: int,
        advance: Callable[[int], None],
    ) -> None:
        """Fire the posts of a timeline with ids in (after, last], a few ids per read.

        The cursor advances after every read: a failing read loses at most one
        span, and the next round resumes where delivery stopped. It may point past
        ids that hold no post of this timeline, since every post up to it was read;
        last exists already, so no post made later can get an id up to it.
        """
        while after < last:
            before = min(after + CATCH_UP_SPAN, last) + 1
            span = await self._read(
                partial(
                    self.chat.posts_since,
                    channel.channel_id,
                    after,
                    thread_id=thread_id,
                    before=before,
                )
            )
            for post in span:
                self._deliver(channel, post, since)
                advance(post.post_id)
            after = before - 1
            advance(after)
            self._cursors_moved = True

    @staticmethod
    def _thread_moved(root: ChatPost, snapshot: dict[int, ChatPost] | None) -> bool:
        """Tell whether a thread may have replies not read yet."""
        before = snapshot.get(root.post_id) if snapshot is not None else None
        return before is None or (before.comment_count, before.last_comment_at) != (
            root.comment_count,
            root.last_comment_at,
        )

    async def _baseline(
        self, cid: int, cursor: ChannelCursor, window: list[ChatPost]
    ) -> None:
        """Count everything in the channel now as reported."""
        cursor.last = window[-1].post_id if window else 0
        cursor.threads = {}
        for root in window:
            if root.has_replies:
                newest = await self.chat.newest_posts(cid, 1, thread_id=root.post_id)
                if newest:
                    cursor.threads[root.post_id] = newest[-1].post_id
        self._cursors_moved = True

    def _deliver(self, channel: ChatChannel, post: ChatPost, since: int) -> None:
        """Fire a new post, unless deleted already or older than a new channel."""
        self._cursors_moved = True
        if post.create_at >= since and not post.deleted:
            self._fire_message(channel, post)

    def _diff(
        self,
        channel: ChatChannel,
        snapshot: dict[int, ChatPost],
        window: list[ChatPost],
    ) -> None:
        """Report edits, deletions and reactions between two reads of the window."""
        current = {p.post_id: p for p in window}
        lowest = window[0].post_id if window else 0
        for post_id, before in snapshot.items():
            after = current.get(post_id)
            if after is None:
                if post_id >= lowest and not before.deleted:
                    self._fire(EVENT_CHAT_MESSAGE_DELETED, channel, before, "deleted")
                continue
            if after.deleted and not before.deleted:
                self._fire(EVENT_CHAT_MESSAGE_DELETED, channel, after, "deleted")
                continue
            if after.deleted:
                continue
            if after.message != before.message or after.file != before.file:
                self._fire(
                    EVENT_CHAT_MESSAGE_UPDATED,
                    channel,
                    after,
                    "updated",
                    previous_text=before.message,
                )
            if after.reactions != before.reactions:
                self._fire_reactions(channel, before, after)

    def _fire_reactions(
        self, channel: ChatChannel, before: ChatPost, after: ChatPost
    ) -> None:
        old = {r.name: set(r.user_ids) for r in before.reactions}
        new = {r.name: set(r.user_ids) for r in after.reactions}
        for name in sorted(old.keys() | new.keys()):
            gained = new.get(name, set()) - old.get(name, set())
            lost = old.get(name, set()) - new.get(name, set())
            for action, users in (("added", gained), ("removed", lost)):
                for user_id in sorted(users):
                    self._fire(
                        EVENT_CHAT_REACTION,
                        channel,
                        after,
                        "reaction",
                        reaction=name,
                        action=action,
                        user_id=user_id,
                        user_name=self._user_name(user_id),
                        own_reaction=self.me is not None and user_id == self.me.user_id,
                    )

    # --- reporting ---

    def _user_name(self, user_id: int) -> str:
        user = self.users.get(user_id)
        return user.display_name if user else str(user_id)

    def event_data(self, channel: ChatChannel, post: ChatPost) -> dict[str, Any]:
        """Describe a post for automations: ids, names, text, mentions, attachments."""
        me = self.me.user_id if self.me else None
        return {
            "config_entry_id": self.entry.entry_id,
            "channel_id": channel.channel_id,
            "channel_name": self.channel_name(channel),
            "channel_type": channel.type,
            "post_id": post.post_id,
            "thread_id": post.thread_id if post.is_reply else None,
            "author_id": post.creator_id,
            "author_name": self._user_name(post.creator_id),
            "own": post.creator_id == me,
            "text": post.message,
            "mentions": list(post.mentions),
            "mentions_me": me in post.mentions,
            "attachments": [
                {
                    "name": post.file.name,
                    "size": post.file.size,
                    "type": post.file.type,
                    "post_id": post.post_id,
                }
            ]
            if post.file
            else [],
            "created_at": iso(post.create_at),
            "updated_at": iso(post.update_at) if post.edited else None,
        }

    def _fire_message(self, channel: ChatChannel, post: ChatPost) -> None:
        data = self._fire(EVENT_CHAT_MESSAGE, channel, post, "message")
        if data is not None and data["mentions_me"] and not data["own"]:
            async_dispatcher_send(
                self.hass,
                signal_channel_event(self.entry.entry_id),
                channel.channel_id,
                "mention",
                data,
            )

    def _fire(
        self,
        event: str,
        channel: ChatChannel,
        post: ChatPost,
        entity_event: str,
        **extra: Any,
    ) -> dict[str, Any] | None:
        """Fire event for post; a post that cannot be described is logged once, skipped."""
        try:
            data = self.event_data(channel, post) | extra
            if event == EVENT_CHAT_MESSAGE_DELETED:
                data["deleted_at"] = iso(post.delete_at) or iso(now_ms())
                data["text"] = data["text"] or None
        except (ValueError, OverflowError, OSError) as err:
            if post.post_id not in self._unreportable:
                self._unreportable.add(post.post_id)
                LOGGER.warning(
                    "Skipping Chat post %s in %s of %s, which cannot be reported: %s",
                    post.post_id,
                    self.channel_name(channel),
                    self.entry.title,
                    err,
                )
            return None
        self.hass.bus.async_fire(event, data)
        if entity_event in ("message", "reaction"):
            async_dispatcher_send(
                self.hass,
                signal_channel_event(self.entry.entry_id),
                channel.channel_id,
                entity_event,
                data,
            )
        return data

    async def _save(self) -> None:
        await self._store.async_save(
            {
                "synced_at": self._synced_at,
                "channels": {
                    str(cid): {
                        "last": cursor.last,
                        "threads": {str(r): v for r, v in cursor.threads.items()},
                        "since": cursor.since,
                    }
                    for cid, cursor in self._cursors.items()
                },
            }
        )


# Chat as a used app of an entry: its client and this listener.
type ChatApp = PushedApp[Chat, ChatListener]
CHAT: AppKey[ChatApp] = AppKey(DsmApp.CHAT)
