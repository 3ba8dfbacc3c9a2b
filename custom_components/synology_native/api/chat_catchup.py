"""DSM Chat's catch-up protocol: what is new in every conversation, read over HTTP.

A round reads the conversations, then each one's newest posts (many conversations per
compound request; "post not found" means none), then the posts between the cursor and
that window and the replies of threads that moved, each paged from its cursor as the
anchor (chat.md §5.1, §5.2). Edits, deletions and reactions show only by comparing the
window with the previous read (chat.md §9.2). Each post moves its timeline's cursor as it
is reported, so a read failing halfway neither loses nor repeats a post. A conversation
whose reads fail is left for the next round and the others are read. The caller reports
the changes and stores the cursors.
"""

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
import logging
import time
from typing import Any

from .chat import Chat, ChatChannel, ChatPost, ChatUser, newest_posts_call, posts_of
from .client import DsmClient
from .errors import (
    DsmAuthError,
    DsmConnectionError,
    DsmError,
    DsmHttpError,
    DsmRateLimitError,
    DsmSessionExpiredError,
)

_LOGGER = logging.getLogger(__name__)

# INFERRED (chat.md §9.2): edits, deletions and reactions are only visible by re-reading
# recent posts; this many of each conversation's newest main-timeline posts are re-read
# and compared every round. Older posts' changes are not reported.
RECENT_WINDOW = 30
# Conversations per compound request.
COMPOUND_CHUNK = 20
# A read Chat refuses as too fast (411) is tried once more after this pause.
RATE_LIMIT_PAUSE_SECONDS = 1.0
# A conversation that appears while running (a new direct message, a channel joined)
# reports the posts made in it since the previous round, less this margin for clock skew.
NEW_CHANNEL_GRACE_MS = 60_000
# Pages read per timeline in one round: bounded by us, not by what the NAS sends. The
# rest is read in the next rounds, from where this one stopped.
MAX_PAGES_PER_ROUND = 20
# A conversation skipped this many rounds in a row is logged (once, and once back).
ROUNDS_BEFORE_WARNING = 3


class ChangeKind(StrEnum):
    """What happened to a post."""

    MESSAGE = "message"
    UPDATED = "updated"
    DELETED = "deleted"
    REACTION = "reaction"


@dataclass(frozen=True)
class ChatChange:
    """One change to report: a new post, an edit, a deletion or a reaction."""

    kind: ChangeKind
    channel: ChatChannel
    post: ChatPost
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class ChannelCursor:
    """What was already reported in a conversation."""

    last: int = 0  # newest main-timeline post id reported
    threads: dict[int, int] = field(default_factory=dict)  # root id -> newest reply id
    # A conversation that appeared while running reports posts created from then on (ms).
    since: int = 0


@dataclass
class RoundResult:
    """What a round left undone, and how many posts of others it found."""

    skipped: set[int] = field(default_factory=set)  # conversations not read through
    found: int = 0


def now_ms() -> int:
    """Return the current time in ms."""
    return int(time.time() * 1000)


def iso(ms: int) -> str | None:
    """Turn Chat milliseconds into an ISO 8601 UTC time (None for 0).

    Raises ValueError or OverflowError for a time datetime cannot hold.
    """
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat() if ms else None


def fails_one_channel(err: DsmError) -> bool:
    """Tell whether err concerns one conversation's read, so the others are still read.

    Chat's answer for one conversation (not a member any more, gone, rate limited,
    malformed, an HTTP error status for that request) concerns that conversation; no
    answer at all (timeout, refused connection) or a refused session fails every read.
    """
    if isinstance(err, DsmAuthError | DsmSessionExpiredError):
        return False
    return isinstance(err, DsmHttpError) or not isinstance(err, DsmConnectionError)


class ChatCatchUp:
    """Reads what changed in Chat since the cursors and hands each change to report."""

    def __init__(
        self, client: DsmClient, report: Callable[[ChatChange], None], *, name: str
    ) -> None:
        """Read as client's user; name says whose Chat this is in logs."""
        self.client = client
        self.chat = Chat(client)
        self._report = report
        self.name = name
        self.me: ChatUser | None = None
        self.users: dict[int, ChatUser] = {}
        self.channels: dict[int, ChatChannel] = {}
        self.cursors: dict[int, ChannelCursor] = {}
        self.synced_at = 0  # ms when the last round that read every window started
        self.moved = False  # cursors changed since the caller last stored them
        self._window: dict[int, dict[int, ChatPost]] = {}
        self._skip_rounds: dict[
            int, int
        ] = {}  # conversation -> rounds skipped in a row
        self._capped: set[int] = set()  # conversations warned about the page cap
        self._lock = asyncio.Lock()

    # --- state ---

    def channel_name(self, channel: ChatChannel) -> str:
        """Name a conversation as people see it: its name, or the other people's."""
        if channel.name:
            return channel.name
        others = [
            self.users[m].display_name
            for m in channel.members
            if m in self.users and (self.me is None or m != self.me.user_id)
        ]
        return ", ".join(others) or str(channel.channel_id)

    def user_name(self, user_id: int) -> str:
        """Name a user, or give the id of one not known."""
        user = self.users.get(user_id)
        return user.display_name if user else str(user_id)

    def describe(self, channel: ChatChannel, post: ChatPost) -> dict[str, Any]:
        """Describe a post as people read it: ids, names, text, mentions, attachments.

        Raises ValueError or OverflowError for a time that cannot be told.
        """
        me = self.me.user_id if self.me else None
        return {
            "channel_id": channel.channel_id,
            "channel_name": self.channel_name(channel),
            "channel_type": channel.type,
            "post_id": post.post_id,
            "thread_id": post.thread_id if post.is_reply else None,
            "author_id": post.creator_id,
            "author_name": self.user_name(post.creator_id),
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

    def describe_change(self, change: ChatChange) -> dict[str, Any]:
        """Describe a change: its post, what changed, and when a deletion happened."""
        data = self.describe(change.channel, change.post) | dict(change.extra)
        if change.kind is ChangeKind.DELETED:
            data["deleted_at"] = iso(change.post.delete_at) or iso(now_ms())
            data["text"] = data["text"] or None
        return data

    def cursor_data(self) -> dict[str, Any]:
        """Return the cursors as stored."""
        return {
            "synced_at": self.synced_at,
            "channels": {
                str(cid): {
                    "last": cursor.last,
                    "threads": {str(r): v for r, v in cursor.threads.items()},
                    "since": cursor.since,
                }
                for cid, cursor in self.cursors.items()
            },
        }

    async def prime(self, stored: Mapping[str, Any] | None) -> None:
        """Read who we are, users and conversations, and the cursors; report nothing.

        Without stored cursors (the very first start) what is in Chat counts as seen.
        """
        self.me = await self.chat.me()
        await self._refresh_users()
        if stored is None:
            await self.read_round(fire=False)
            return
        self.synced_at = int(stored.get("synced_at", 0))
        for cid, item in stored.get("channels", {}).items():
            self.cursors[int(cid)] = ChannelCursor(
                int(item.get("last", 0)),
                {int(r): int(v) for r, v in item.get("threads", {}).items()},
                int(item.get("since", 0)),
            )
        await self._read_channels()

    # --- a round ---

    async def read_round(self, *, fire: bool = True) -> RoundResult:
        """Read every conversation once and report what is new, in order per timeline."""
        async with self._lock:
            started = now_ms()
            result = RoundResult()
            rebaselined: list[str] = []
            try:
                joined = await self._read_channels()
                windows = await self._read_windows(joined, result)
                for channel in joined:
                    window = windows.get(channel.channel_id)
                    if window is None:
                        continue
                    try:
                        if await self._process(channel, window, result, fire=fire):
                            rebaselined.append(self.channel_name(channel))
                    except DsmError as err:
                        if not fails_one_channel(err):
                            raise
                        self._skip(channel, err, result)
                self.synced_at = started
                self.moved |= not fire
                self._note_skipped(joined, result)
            finally:
                if rebaselined:
                    _LOGGER.warning(
                        "Chat of %s has fewer posts than it had (restored or "
                        "reinstalled?); reporting from its newest post on in: %s",
                        self.name,
                        ", ".join(rebaselined),
                    )
            return result

    async def _refresh_users(self) -> None:
        self.users = {user.user_id: user for user in await self.chat.users()}

    async def _read_channels(self) -> list[ChatChannel]:
        """Read the conversations (and users, when someone new is in one)."""
        channels = await self._retried(self.chat.channels)
        known = set(self.channels)
        self.channels = {c.channel_id: c for c in channels}
        joined = [c for c in channels if c.is_joined]
        if (
            any(m not in self.users for c in joined for m in c.members)
            or set(self.channels) != known
        ):
            await self._refresh_users()
        return joined

    @staticmethod
    async def _retried[T](read: Callable[[], Awaitable[T]]) -> T:
        """Run read; when Chat refuses it as too fast, once more after a pause.

        Giving up at once would start the conversation's reads over in the next
        round, which a steady rate limit could refuse at the same step every time.
        """
        try:
            return await read()
        except DsmRateLimitError:
            await asyncio.sleep(RATE_LIMIT_PAUSE_SECONDS)
        return await read()

    def _skip(self, channel: ChatChannel, err: DsmError, result: RoundResult) -> None:
        """Leave a conversation for the next round: left meanwhile, or a passing error."""
        result.skipped.add(channel.channel_id)
        _LOGGER.debug("Reading conversation %s failed: %s", channel.channel_id, err)

    def _note_skipped(self, joined: list[ChatChannel], result: RoundResult) -> None:
        """Log a conversation skipped round after round once, and once when it is back."""
        for channel in joined:
            cid = channel.channel_id
            if cid in result.skipped:
                rounds = self._skip_rounds[cid] = self._skip_rounds.get(cid, 0) + 1
                if rounds == ROUNDS_BEFORE_WARNING:
                    _LOGGER.warning(
                        "Chat conversation %s of %s cannot be read; the others are "
                        "read meanwhile",
                        self.channel_name(channel),
                        self.name,
                    )
            elif self._skip_rounds.pop(cid, 0) >= ROUNDS_BEFORE_WARNING:
                _LOGGER.info(
                    "Chat conversation %s of %s can be read again",
                    self.channel_name(channel),
                    self.name,
                )

    async def _read_windows(
        self, channels: list[ChatChannel], result: RoundResult
    ) -> dict[int, list[ChatPost]]:
        """Read each conversation's newest posts, many per HTTP request."""
        windows: dict[int, list[ChatPost]] = {}
        for start in range(0, len(channels), COMPOUND_CHUNK):
            chunk = channels[start : start + COMPOUND_CHUNK]
            results = await self.client.compound(
                [newest_posts_call(c.channel_id, RECENT_WINDOW) for c in chunk]
            )
            for channel, item in zip(chunk, results, strict=True):
                cid = channel.channel_id
                try:
                    try:
                        windows[cid] = posts_of(item)
                    except DsmRateLimitError:
                        await asyncio.sleep(RATE_LIMIT_PAUSE_SECONDS)
                        windows[cid] = await self.chat.newest_posts(cid, RECENT_WINDOW)
                except DsmError as err:
                    if not fails_one_channel(err):
                        raise
                    self._skip(channel, err, result)
        return windows

    async def _process(
        self,
        channel: ChatChannel,
        window: list[ChatPost],
        result: RoundResult,
        *,
        fire: bool,
    ) -> bool:
        """Report one conversation's new posts and changes; return whether it re-baselined.

        The window snapshot (what edits and thread moves are compared with) only moves
        when the conversation is done.
        """
        cid = channel.channel_id
        cursor = self.cursors.get(cid)
        snapshot = self._window.get(cid)
        if not fire:
            # First start ever: everything already there counts as seen.
            cursor = self.cursors[cid] = ChannelCursor()
            await self._baseline(cid, cursor, window)
            self._window[cid] = {p.post_id: p for p in window}
            return False
        if cursor is None:
            # New to us: report only what was posted since the last round, also in
            # later rounds that finish reading it.
            cursor = self.cursors[cid] = ChannelCursor(
                since=self.synced_at - NEW_CHANNEL_GRACE_MS
            )
        rebaselined = cursor.last > (window[-1].post_id if window else 0)
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
        if not await self._deliver_main(channel, cursor, window, result):
            result.skipped.add(cid)
            return rebaselined
        for root in moved:
            # Replies share the conversation's id counter: a thread seen for the first
            # time reports replies newer than the conversation's cursor before this round.
            # INFERRED (chat.md §5.2): a thread read anchored on a main-timeline post id
            # lists the replies after it, as ace's live "root - 1" anchor does.
            cursor.threads.setdefault(root.post_id, old_last)
            if not await self._deliver_pages(
                channel, cursor.threads[root.post_id], result, thread_id=root.post_id
            ):
                result.skipped.add(cid)
                return rebaselined
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
        result: RoundResult,
    ) -> bool:
        """Report the main-timeline posts newer than the cursor, oldest first.

        Return False when the page cap stopped the read before the window.
        """
        if (
            cursor.last
            and window
            and window[0].post_id > cursor.last
            and not await self._deliver_pages(
                channel, cursor.last, result, before=window[0].post_id
            )
        ):
            # DSM's pages are short (chat.md §5.1): the window may start after the
            # cursor even when it holds fewer posts than asked. The gap comes first.
            return False
        for post in window:
            if post.post_id > cursor.last:
                self._deliver(channel, cursor, post, result)
        return True

    async def _deliver_pages(
        self,
        channel: ChatChannel,
        after: int,
        result: RoundResult,
        *,
        thread_id: int = 0,
        before: int | None = None,
    ) -> bool:
        """Report a timeline's posts after the post id after, paging from it as anchor.

        The cursor moves with every post reported, so a failing read loses nothing and
        the next round goes on from there. Return False when the page cap was reached.
        """
        cid = channel.channel_id
        pages = 0
        retried = False
        while True:
            try:
                async for page in self.chat.post_pages(
                    cid, after, thread_id=thread_id, before=before
                ):
                    for post in page:
                        self._deliver(channel, self.cursors[cid], post, result)
                        after = post.post_id
                    pages += 1
                    if pages >= MAX_PAGES_PER_ROUND:
                        self._warn_capped(channel)
                        return False
            except DsmRateLimitError:
                if retried:
                    raise
                retried = True
                await asyncio.sleep(RATE_LIMIT_PAUSE_SECONDS)
                continue
            self._capped.discard(cid)
            return True

    def _warn_capped(self, channel: ChatChannel) -> None:
        if channel.channel_id not in self._capped:
            self._capped.add(channel.channel_id)
            _LOGGER.warning(
                "Chat conversation %s of %s has more new posts than %s pages; the rest "
                "is read in the next rounds",
                self.channel_name(channel),
                self.name,
                MAX_PAGES_PER_ROUND,
            )

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
        """Count everything in the conversation now as reported."""
        cursor.last = window[-1].post_id if window else 0
        cursor.threads = {}
        for root in window:
            if root.has_replies:
                newest = await self.chat.newest_posts(cid, 1, thread_id=root.post_id)
                if newest:
                    cursor.threads[root.post_id] = newest[-1].post_id
        self.moved = True

    def _deliver(
        self,
        channel: ChatChannel,
        cursor: ChannelCursor,
        post: ChatPost,
        result: RoundResult,
    ) -> None:
        """Report a new post (unless deleted already, or older than a new channel)."""
        if post.is_reply:
            cursor.threads[post.thread_id] = post.post_id
        else:
            cursor.last = post.post_id
        self.moved = True
        if post.create_at < cursor.since or post.deleted:
            return
        if self.me is None or post.creator_id != self.me.user_id:
            result.found += 1
        self._report(ChatChange(ChangeKind.MESSAGE, channel, post))

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
                    self._report(ChatChange(ChangeKind.DELETED, channel, before))
                continue
            if after.deleted and not before.deleted:
                self._report(ChatChange(ChangeKind.DELETED, channel, after))
                continue
            if after.deleted:
                continue
            if after.message != before.message or after.file != before.file:
                self._report(
                    ChatChange(
                        ChangeKind.UPDATED,
                        channel,
                        after,
                        {"previous_text": before.message},
                    )
                )
            if after.reactions != before.reactions:
                self._diff_reactions(channel, before, after)

    def _diff_reactions(
        self, channel: ChatChannel, before: ChatPost, after: ChatPost
    ) -> None:
        old = {r.name: set(r.user_ids) for r in before.reactions}
        new = {r.name: set(r.user_ids) for r in after.reactions}
        for name in sorted(old.keys() | new.keys()):
            gained = new.get(name, set()) - old.get(name, set())
            lost = old.get(name, set()) - new.get(name, set())
            for action, users in (("added", gained), ("removed", lost)):
                for user_id in sorted(users):
                    extra = {
                        "reaction": name,
                        "action": action,
                        "user_id": user_id,
                        "user_name": self.user_name(user_id),
                        "own_reaction": self.me is not None
                        and user_id == self.me.user_id,
                    }
                    self._report(ChatChange(ChangeKind.REACTION, channel, after, extra))
