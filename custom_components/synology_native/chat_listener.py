"""The Chat push loop: socket -> coalesce -> catch-up reads -> bus events and entities.

Socket events only mean "something changed" (their names and payloads are not public), so
every change is read over HTTP: the newest posts of each channel after the last post id
seen there (kept in Home Assistant's storage, so a restart loses and repeats nothing), the
replies of threads that moved, and a window of recent posts that is compared with the
previous read to see edits, deletions and reactions. Without a socket the same reads run
every few seconds.
"""

import asyncio
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
import random
import time
from typing import TYPE_CHECKING, Any

from homeassistant.const import CONF_VERIFY_SSL
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.storage import Store

from .api import DsmClient, DsmError
from .api.chat import (
    Chat,
    ChatChannel,
    ChatPost,
    ChatUser,
    newest_posts_call,
    posts_of,
)
from .api.chat_socket import ChatSocket
from .const import (
    DOMAIN,
    EVENT_CHAT_MESSAGE,
    EVENT_CHAT_MESSAGE_DELETED,
    EVENT_CHAT_MESSAGE_UPDATED,
    EVENT_CHAT_REACTION,
    LOGGER,
)
from .error_policy import start_reauth_if_needed

if TYPE_CHECKING:
    from .data import DsmConfigEntry

STORAGE_VERSION = 1

# Socket events arriving within this many seconds are read together.
COALESCE_SECONDS = 0.25
# Catch-up reads while the socket is down, and calibration reads while it is up.
POLL_SECONDS = 5.0
CALIBRATE_SECONDS = 30.0
# Reconnect backoff: doubles from the minimum up to the maximum, with jitter.
BACKOFF_MIN_SECONDS = 1.0
BACKOFF_MAX_SECONDS = 30.0
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
    """Turn Chat milliseconds into an ISO 8601 UTC time (None for 0)."""
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat() if ms else None


def now_ms() -> int:
    """Return the current time in ms."""
    return int(time.time() * 1000)


@dataclass
class ChannelCursor:
    """What was already reported in a channel."""

    last: int = 0  # newest main-timeline post id reported
    threads: dict[int, int] = field(default_factory=dict)  # root id -> newest reply id


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
        self._synced_at = 0
        self._window: dict[int, dict[int, ChatPost]] = {}
        self._wake = asyncio.Event()
        self._round_done = asyncio.Event()
        self._socket_closed = asyncio.Event()
        self._lock = asyncio.Lock()
        self._http_failed = False
        self._incomplete = False  # a channel could not be read in the last round
        self._task: asyncio.Task[None] | None = None
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

    # --- lifecycle ---

    async def async_prime(self) -> None:
        """Read who we are, users, channels and the cursors; report nothing yet."""
        stored = await self._store.async_load()
        first_start = stored is None
        if stored:
            self._synced_at = int(stored.get("synced_at", 0))
            for cid, item in stored.get("channels", {}).items():
                self._cursors[int(cid)] = ChannelCursor(
                    int(item.get("last", 0)),
                    {int(r): int(v) for r, v in item.get("threads", {}).items()},
                )
        self.me = await self.chat.me()
        await self._refresh_users()
        await self._catch_up(fire=not first_start)
        self.mode = ConnectionMode.POLLING

    @callback
    def async_start(self) -> None:
        """Start the loop in a task of its own.

        It runs as long as the entry is loaded, so it is not one of Home Assistant's
        background tasks: those are what ``async_block_till_done`` can wait for, and a
        never-ending one would make that wait forever. The entry's unload (and Home
        Assistant's stop) ends it through async_stop.
        """
        self._task = self.hass.loop.create_task(
            self._async_run(), name=f"{DOMAIN} chat {self.entry.title}"
        )

    async def _async_run(self) -> None:
        """Keep the socket and the catch-up reads going until cancelled."""
        async with asyncio.TaskGroup() as group:
            group.create_task(self._keep_socket())
            group.create_task(self._catch_up_loop())

    async def async_stop(self, *_: Any) -> None:
        """End the loop and close the socket."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task
        await self._socket.disconnect()

    # --- the socket ---

    def _on_socket_event(self, event: str) -> None:
        self._wake.set()

    async def _keep_socket(self) -> None:
        attempt = 0
        while True:
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
                self._set_mode(
                    ConnectionMode.DOWN if self._http_failed else ConnectionMode.POLLING
                )
                await asyncio.sleep(backoff_seconds(attempt))
                continue
            if attempt:
                LOGGER.info("Chat socket of %s is back", self.entry.title)
            attempt = 0
            self._set_mode(ConnectionMode.PUSH)
            self._wake.set()  # read what happened while we were not connected
            await self._socket_closed.wait()
            self._socket_closed.clear()
            LOGGER.info("Chat socket of %s dropped", self.entry.title)
            attempt = 1
            self._set_mode(
                ConnectionMode.DOWN if self._http_failed else ConnectionMode.POLLING
            )
            # Read first: that signs in again when the session ended, then reconnect.
            await self._await_round()

    async def _await_round(self) -> None:
        self._round_done.clear()
        self._wake.set()
        await self._round_done.wait()

    # --- catch-up reads ---

    async def _catch_up_loop(self) -> None:
        while True:
            interval = (
                CALIBRATE_SECONDS
                if self.mode is ConnectionMode.PUSH and not self._incomplete
                else POLL_SECONDS
            )
            woken = False
            with suppress(TimeoutError):
                async with asyncio.timeout(interval):
                    await self._wake.wait()
                    woken = True
            if woken:
                await asyncio.sleep(COALESCE_SECONDS)
            self._wake.clear()
            await self._safe_catch_up()
            self._round_done.set()

    async def _safe_catch_up(self) -> None:
        try:
            await self._catch_up(fire=True)
        except DsmError as err:
            self._note_http_failure(err)
            start_reauth_if_needed(self.hass, self.entry, err)
        except Exception:  # noqa: BLE001 - a bug must not end the listener
            LOGGER.exception("Reading Chat of %s failed", self.entry.title)
        else:
            if self._http_failed:
                LOGGER.info("Reading Chat of %s works again", self.entry.title)
                self._http_failed = False
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

    def _note_http_failure(self, err: DsmError) -> None:
        if not self._http_failed:
            LOGGER.warning("Reading Chat of %s failed: %s", self.entry.title, err)
            self._http_failed = True
        self._set_mode(ConnectionMode.DOWN)

    def _set_mode(self, mode: ConnectionMode) -> None:
        if mode is not self.mode:
            self.mode = mode
            async_dispatcher_send(self.hass, signal_state(self.entry.entry_id))

    async def _refresh_users(self) -> None:
        self.users = {user.user_id: user for user in await self.chat.users()}

    async def _catch_up(self, *, fire: bool) -> None:
        """Read every channel once and report what is new, in order per channel."""
        async with self._lock:
            started = now_ms()
            channels = await self.chat.channels()
            known = set(self.channels)
            self.channels = {c.channel_id: c for c in channels}
            joined = [c for c in channels if c.is_joined]
            if (
                any(m not in self.users for c in joined for m in c.members)
                or set(self.channels) != known
            ):
                await self._refresh_users()
            windows = await self._read_windows(joined)
            changed = False
            for channel in joined:
                window = windows.get(channel.channel_id)
                if window is not None:
                    changed |= await self._process(channel, window, fire=fire)
            self._synced_at = started
            if changed or not fire:
                await self._save()
            async_dispatcher_send(self.hass, signal_state(self.entry.entry_id))

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
                try:
                    windows[channel.channel_id] = posts_of(result)
                except DsmError as err:
                    # Left the channel between the two reads, or it is gone; or a
                    # passing failure: read again soon either way.
                    self._incomplete = True
                    LOGGER.debug(
                        "Reading channel %s failed: %s", channel.channel_id, err
                    )
        return windows

    async def _process(
        self, channel: ChatChannel, window: list[ChatPost], *, fire: bool
    ) -> bool:
        """Report one channel's new posts and changes; return whether cursors moved."""
        cid = channel.channel_id
        cursor = self._cursors.get(cid)
        snapshot = self._window.get(cid)
        if cursor is None:
            cursor = self._cursors[cid] = ChannelCursor()
            if not fire:
                # First start ever: everything already there counts as seen.
                cursor.last = window[-1].post_id if window else 0
                await self._baseline_threads(cid, cursor, window)
                self._window[cid] = {p.post_id: p for p in window}
                return True
            # A channel new to us: report only what was posted since the last round.
            since = self._synced_at - NEW_CHANNEL_GRACE_MS
        else:
            since = 0
        old_last = cursor.last
        new_main = [p for p in window if p.post_id > old_last]
        if old_last and window and window[0].post_id > old_last:
            new_main = (
                await self.chat.posts_since(cid, old_last, before=window[0].post_id)
                + new_main
            )
        replies = await self._new_replies(
            cid,
            cursor,
            window,
            snapshot=snapshot,
            new_ids={p.post_id for p in new_main},
            old_last=old_last,
        )
        new_posts = sorted(new_main + replies, key=lambda p: p.post_id)
        for post in new_posts:
            if fire and post.create_at >= since and not post.deleted:
                self._fire_message(channel, post)
        if new_main:
            cursor.last = max(p.post_id for p in new_main)
        if snapshot is not None and fire:
            self._diff(channel, snapshot, window)
        self._window[cid] = {p.post_id: p for p in window}
        roots = {p.post_id for p in window if p.has_replies}
        cursor.threads = {r: v for r, v in cursor.threads.items() if r in roots}
        return bool(new_posts) or cursor.last != old_last

    async def _new_replies(
        self,
        cid: int,
        cursor: ChannelCursor,
        window: list[ChatPost],
        *,
        snapshot: dict[int, ChatPost] | None,
        new_ids: set[int],
        old_last: int,
    ) -> list[ChatPost]:
        """Read the replies of threads that moved since the previous read.

        A thread without a cursor of its own reports replies newer than the channel's
        previous cursor: replies share the channel's id counter.
        """
        replies: list[ChatPost] = []
        for root in window:
            if not root.has_replies:
                continue
            before = snapshot.get(root.post_id) if snapshot is not None else None
            if (
                before is not None
                and root.post_id not in new_ids
                and (before.comment_count, before.last_comment_at)
                == (root.comment_count, root.last_comment_at)
            ):
                continue
            threshold = cursor.threads.get(root.post_id, old_last)
            found = await self.chat.posts_since(cid, threshold, thread_id=root.post_id)
            if found:
                cursor.threads[root.post_id] = found[-1].post_id
            replies += found
        return replies

    async def _baseline_threads(
        self, cid: int, cursor: ChannelCursor, window: list[ChatPost]
    ) -> None:
        for root in window:
            if root.has_replies:
                newest = await self.chat.newest_posts(cid, 1, thread_id=root.post_id)
                if newest:
                    cursor.threads[root.post_id] = newest[-1].post_id

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
        if data["mentions_me"] and not data["own"]:
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
    ) -> dict[str, Any]:
        data = self.event_data(channel, post) | extra
        if event == EVENT_CHAT_MESSAGE_DELETED:
            data["deleted_at"] = iso(post.delete_at) or iso(now_ms())
            data["text"] = data["text"] or None
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
                    }
                    for cid, cursor in self._cursors.items()
                },
            }
        )
