"""Synology Chat's state on the simulated NAS: users, channels, posts, threads, integrations.

Each DSM account has its own Chat user (created on first use, as Chat does), and sees only
the channels it is a member of plus the public ones it has not joined. Tests change the
state directly, or through the `*_as` methods, to play other people writing in the Chat
client. Every change is announced through `on_change` (the Socket.IO server listens).
"""

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
import secrets
from typing import Any

DEMO_CHAT_USERS = (("demo", "Demo"), ("alice", "Alice"), ("bob", "Bob"))
GENERAL, RANDOM, FAMILY, DM_ALICE = 1, 2, 3, 4
DEMO_WEBHOOK_TOKEN = "webhook-token-0123456789abcdef0123456789abcdef0123456789abcdef01"
DEMO_BOT_TOKEN = "chatbot-token-0123456789abcdef0123456789abcdef0123456789abcdef01"

# DSM answers Post.list with fewer posts than asked even when more exist (chat.md §5.1,
# correction: ace asked for 200 and got fewer). The real cap is not known; this one is below
# the 100 the client asks for, so every read that pages meets short pages.
DEFAULT_PAGE_CAP = 50


@dataclass
class PostRate:
    """How fast one user (person, bot or webhook) may post before Chat answers 411.

    chat.md 2026-12 correction: DSM takes about one post per second, with a small burst
    allowance (the exact burst is not public). Sustained one post per `interval` seconds,
    up to `burst` posts at once; tests change it.
    """

    interval: float = 1.0
    burst: int = 3


def post_id_for(channel_id: int, counter: int) -> int:
    """Return the id of the counter-th post of a channel (chat.md §0.2)."""
    return (channel_id << 32) + counter


@dataclass
class ChatUser:
    """A Chat user: a person, or an integration (bot, webhook)."""

    user_id: int
    username: str
    nickname: str = ""
    type: str = "human"
    deleted: bool = False

    def data(self) -> dict[str, Any]:
        """Return the user as `User.list` shows it."""
        return {
            "user_id": self.user_id,
            "username": self.username,
            "nickname": self.nickname,
            "type": self.type,
            "status": "online",
            "deleted": self.deleted,
            "is_disabled": False,
            "user_props": {"email": "", "description": ""},
        }


@dataclass
class Post:
    """A post; `thread_id` 0 = plain main post, == post_id = root, other = reply."""

    post_id: int
    channel_id: int
    creator_id: int
    type: str
    message: str
    create_at: int
    update_at: int
    delete_at: int = 0
    thread_id: int = 0
    comment_count: int = 0
    last_comment_at: int = 0
    file_props: dict[str, Any] | None = None
    props: dict[str, Any] = field(default_factory=dict)
    last_pin_at: int = 0
    reactions: dict[str, list[int]] = field(default_factory=dict)
    hidden: bool = False  # a broken post created with a numeric type (chat.md §0.7)

    @property
    def is_reply(self) -> bool:
        """Tell whether this is a reply in a thread."""
        return self.thread_id not in (0, self.post_id)

    def data(self) -> dict[str, Any]:
        """Return the post as `Post.list` shows it."""
        data: dict[str, Any] = {
            "post_id": self.post_id,
            "channel_id": self.channel_id,
            "creator_id": self.creator_id,
            "type": self.type,
            "message": "" if self.delete_at else self.message,
            "create_at": self.create_at,
            "update_at": self.update_at,
            "delete_at": self.delete_at,
            "thread_id": self.thread_id,
            "comment_count": self.comment_count,
            "last_comment_at": self.last_comment_at,
            "is_sticky": self.last_pin_at > 0,
            "last_pin_at": self.last_pin_at,
            "props": self.props,
            # INFERRED key and shape (chat.md §6.6): what the client's parser reads.
            "reactions": [
                {"sticker_name": name, "user_ids": users}
                for name, users in sorted(self.reactions.items())
                if users
            ],
        }
        if self.file_props is not None:
            data["file_props"] = self.file_props
        return data


@dataclass
class Channel:
    """A conversation and its posts."""

    channel_id: int
    name: str
    type: str  # public, private, anonymous, chatbot
    creator_id: int
    members: list[int]
    purpose: str = ""
    encrypted: bool = False
    counter: int = 0
    posts: dict[int, Post] = field(default_factory=dict)
    last_view_at: dict[int, int] = field(default_factory=dict)
    closed_by: set[int] = field(default_factory=set)  # members who closed it

    @property
    def last_post_at(self) -> int:
        """Return when the newest post was made (0 for none)."""
        return max((post.create_at for post in self.posts.values()), default=0)

    def data(self, user_id: int, *, unread: bool) -> dict[str, Any]:
        """Return the channel as `Channel.list` shows it to user_id."""
        data: dict[str, Any] = {
            "channel_id": self.channel_id,
            "name": self.name,
            "type": self.type,
            "members": sorted(self.members),
            "total_member_count": len(self.members),
            "creator_id": self.creator_id,
            "is_joined": user_id in self.members,
            "last_post_at": self.last_post_at,
            "last_view_at": self.last_view_at.get(user_id, 0),
            "encrypted": self.encrypted,
            "purpose": self.purpose,
        }
        if unread:
            seen = self.last_view_at.get(user_id, 0)
            data["unread"] = sum(
                1
                for post in self.posts.values()
                if post.creator_id != user_id
                and not post.delete_at
                and not post.hidden
                and post.create_at > seen
            )
        return data


INCOMING, CHATBOT = "incoming", "chatbot"
# INFERRED (chat.md §3.4): integrations are users whose `type` is not "human"; the values
# are not public.
BOT_USER_TYPE = {INCOMING: "webhook", CHATBOT: "chatbot"}


@dataclass
class Integration:
    """An incoming webhook (posting into its channel) or a chatbot; its user is the bot.

    One made through the API is usable by `SYNO.Chat.External` only once it has a nickname
    and is enabled, and for a webhook a channel (chat.md §0.9, §8.6).
    """

    token: str
    user_id: int
    kind: str  # INCOMING or CHATBOT
    creator_id: int
    create_at: int
    channel_id: int = 0
    enabled: bool = True
    props: dict[str, Any] = field(default_factory=dict)  # a chatbot's purpose and so on


# kind ("post_create", ...), channel, payload, conn_id of the connection not to tell
type ChangeListener = Callable[[str, Channel, dict[str, Any], Any], Awaitable[None]]


class ChatStore:
    """Everything Chat remembers, and the changes other people make."""

    def __init__(self, clock: Callable[[], float]) -> None:
        """Start empty; `seed_chat_demo` adds the demo users, channels and posts."""
        self.clock = clock
        self.users: dict[int, ChatUser] = {}
        self.channels: dict[int, Channel] = {}
        self.schedules: dict[int, dict[str, Any]] = {}
        self.reminders: dict[tuple[int, int], int] = {}
        self.integrations: dict[str, Integration] = {}  # by token
        self.next_cronjob = 1
        self.on_change: ChangeListener | None = None
        self.page_cap = DEFAULT_PAGE_CAP
        self.post_rate = PostRate()
        # Store-clock time each user's next post is due at the sustained rate.
        self._post_due: dict[int, float] = {}

    def now_ms(self) -> int:
        """Return the store clock in ms."""
        return int(self.clock() * 1000)

    async def changed(
        self, kind: str, channel: Channel, post: Post | None = None, conn_id: Any = None
    ) -> None:
        """Announce a change of channel (or of one of its posts)."""
        payload: dict[str, Any] = {"channel_id": channel.channel_id}
        if post is not None:
            payload["post_id"] = post.post_id
        if self.on_change is not None:
            await self.on_change(kind, channel, payload, conn_id)

    # --- users ---

    def add_user(
        self, username: str, nickname: str = "", kind: str = "human"
    ) -> ChatUser:
        """Create a Chat user with the next id."""
        user_id = max(self.users, default=0) + 1
        user = ChatUser(user_id, username, nickname, kind)
        self.users[user_id] = user
        return user

    def user_of_account(self, account: str) -> ChatUser:
        """Return the Chat user of a DSM account (created on first use, as Chat does)."""
        return self.user_named(account) or self.add_user(account)

    def user_named(self, username: str) -> ChatUser | None:
        """Find a user by account name."""
        return next((u for u in self.users.values() if u.username == username), None)

    def _user_id(self, user: int | str) -> int:
        if isinstance(user, int):
            return user
        found = self.user_named(user)
        if found is None:
            raise KeyError(user)
        return found.user_id

    def add_integration(
        self, kind: str, creator_id: int, nickname: str = "", *, enabled: bool = False
    ) -> Integration:
        """Create a webhook or chatbot user and its 64-character token."""
        name = f"{kind}-{len(self.integrations) + 1}"
        bot = self.add_user(name, nickname, BOT_USER_TYPE[kind])
        integration = Integration(
            token=secrets.token_hex(32),
            user_id=bot.user_id,
            kind=kind,
            creator_id=creator_id,
            create_at=self.now_ms(),
            enabled=enabled,
        )
        self.integrations[integration.token] = integration
        return integration

    def integration_of(self, user_id: Any) -> Integration | None:
        """Return the integration whose bot user is user_id."""
        return next(
            (i for i in self.integrations.values() if i.user_id == user_id), None
        )

    def is_legal(self, integration: Integration) -> bool:
        """Tell whether External accepts the integration's token (else 404, not legal)."""
        bot = self.users[integration.user_id]
        bound = integration.kind != INCOMING or integration.channel_id in self.channels
        return integration.enabled and bool(bot.nickname) and not bot.deleted and bound

    # --- channels and posts ---

    def add_channel(
        self,
        name: str,
        kind: str,
        creator: int,
        members: Iterable[int],
        channel_id: int | None = None,
    ) -> Channel:
        """Create a channel directly in the state."""
        cid = channel_id or max(self.channels, default=0) + 1
        channel = Channel(cid, name, kind, creator, sorted(set(members)))
        self.channels[cid] = channel
        return channel

    def lookup_channel(self, channel_id: Any) -> Channel | None:
        """Return the channel of an id as a handler received it (None: no such channel)."""
        if not isinstance(channel_id, int) or isinstance(channel_id, bool):
            return None
        return self.channels.get(channel_id)

    def lookup_post(self, post_id: int) -> tuple[Channel, Post] | None:
        """Return the channel and post of post_id (the channel is in its high bits)."""
        channel = self.channels.get(post_id >> 32)
        post = channel.posts.get(post_id) if channel else None
        return None if channel is None or post is None else (channel, post)

    @staticmethod
    def thread_root(channel: Channel, thread_id: int) -> Post | None:
        """Return the live main post a reply to thread_id would go under."""
        root = channel.posts.get(thread_id)
        return None if root is None or root.is_reply or root.delete_at else root

    def posting_too_fast(self, creator_id: int) -> bool:
        """Take one post of creator_id's allowance, or tell that it is used up.

        A generic cell rate: each post moves the user's due time one interval on; a
        post may run at most burst - 1 intervals ahead of it.
        """
        now = self.clock()
        rate = self.post_rate
        due = max(self._post_due.get(creator_id, now), now)
        if due - now > (rate.burst - 1) * rate.interval:
            return True
        self._post_due[creator_id] = due + rate.interval
        return False

    @staticmethod
    def past_the_end(channel: Channel, anchor: int) -> bool:
        """Tell whether a Post.list anchor has no post at or before it to stand on.

        An anchor past the newest post, or any anchor in a conversation without posts,
        is answered "post not found" (chat.md §3.1, §5.1).
        """
        newest = max(
            (p.post_id for p in channel.posts.values() if not p.hidden), default=None
        )
        return newest is None or anchor > newest

    async def create_post(
        self,
        channel: Channel,
        creator_id: int,
        message: str,
        *,
        kind: str = "normal",
        root: Post | None = None,
        file_props: dict[str, Any] | None = None,
        props: dict[str, Any] | None = None,
        conn_id: Any = None,
        hidden: bool = False,
    ) -> Post:
        """Add a post (a reply under root when given) and announce it."""
        now = self.now_ms()
        channel.counter += 1
        post = Post(
            post_id=post_id_for(channel.channel_id, channel.counter),
            channel_id=channel.channel_id,
            creator_id=creator_id,
            type=kind,
            message=message,
            create_at=now,
            update_at=now,
            thread_id=root.post_id if root else 0,
            file_props=file_props,
            props=props or {},
            hidden=hidden,
        )
        channel.posts[post.post_id] = post
        channel.closed_by.clear()  # INFERRED: a closed conversation returns with a post
        if root is not None:
            root.thread_id = root.post_id
            root.comment_count += 1
            root.last_comment_at = now
        if not hidden:
            await self.changed("post_create", channel, post, conn_id)
        return post

    def list_posts(
        self,
        channel: Channel,
        thread_id: int,
        anchor: int | None,
        prev_count: int,
        next_count: int,
    ) -> list[Post]:
        """Cursor listing (chat.md §5.1, §5.2)."""
        visible = [p for p in channel.posts.values() if not p.hidden]
        if thread_id:
            if anchor == thread_id:
                # Using the root as the anchor of a thread list returns only the root.
                root = channel.posts.get(thread_id)
                return [root] if root else []
            timeline = [p for p in visible if p.is_reply and p.thread_id == thread_id]
        else:
            timeline = [p for p in visible if not p.is_reply]
        timeline.sort(key=lambda p: p.post_id)
        prev_count = min(prev_count, self.page_cap)
        next_count = min(next_count, self.page_cap)
        if anchor is None:
            # INFERRED: the default page without an anchor is not known; the newest ten.
            return timeline[-(prev_count or 10) :]
        older = [p for p in timeline if p.post_id < anchor]
        newer = [p for p in timeline if p.post_id > anchor]
        at = [p for p in timeline if p.post_id == anchor]
        page = (older[-prev_count:] if prev_count else []) + at + newer[:next_count]
        # The cap counts the anchor too: keep the posts nearest to it.
        while len(page) > self.page_cap:
            page.pop(-1 if next_count >= prev_count else 0)
        return page

    async def edit(self, channel: Channel, post: Post, message: str) -> None:
        """Change a post's text."""
        post.message = message
        post.update_at = max(self.now_ms(), post.create_at + 1)
        await self.changed("post_update", channel, post)

    async def delete(self, channel: Channel, post: Post) -> None:
        """Mark a post deleted (it stays listed, without its text)."""
        post.delete_at = self.now_ms() or 1
        await self.changed("post_delete", channel, post)

    async def react(
        self, channel: Channel, post: Post, user_id: int, name: str, *, remove: bool
    ) -> None:
        """Add or take back user_id's reaction name."""
        users = post.reactions.setdefault(name, [])
        if remove and user_id in users:
            users.remove(user_id)
        elif not remove and user_id not in users:
            users.append(user_id)
        await self.changed("post_update", channel, post)

    # --- the "other people" side, for tests and the demo ---

    def _own_post(self, user: int | str, post_id: int) -> tuple[Channel, Post]:
        found = self.lookup_post(post_id)
        if found is None or found[1].creator_id != self._user_id(user):
            raise KeyError(post_id)
        return found

    async def post_as(
        self, user: int | str, channel_id: int, message: str, *, thread_id: int = 0
    ) -> Post:
        """Post as another user (as if written in the Chat client)."""
        user_id = self._user_id(user)
        channel = self.channels[channel_id]
        if user_id not in channel.members:
            raise KeyError(user)
        root = self.thread_root(channel, thread_id) if thread_id else None
        if thread_id and root is None:
            raise KeyError(thread_id)
        return await self.create_post(channel, user_id, message, root=root)

    async def edit_as(self, user: int | str, post_id: int, message: str) -> Post:
        """Edit a post as its author."""
        channel, post = self._own_post(user, post_id)
        await self.edit(channel, post, message)
        return post

    async def delete_as(self, user: int | str, post_id: int) -> Post:
        """Delete a post as its author."""
        channel, post = self._own_post(user, post_id)
        await self.delete(channel, post)
        return post

    async def react_as(
        self, user: int | str, post_id: int, name: str, *, remove: bool = False
    ) -> Post:
        """Add or remove a reaction as user."""
        found = self.lookup_post(post_id)
        if found is None:
            raise KeyError(post_id)
        await self.react(*found, self._user_id(user), name, remove=remove)
        return found[1]

    async def deliver_due_schedules(self) -> list[Post]:
        """Send the scheduled posts whose time has come."""
        now = self.now_ms()
        sent = []
        for cronjob_id, job in sorted(self.schedules.items()):
            if job["send_at"] <= now:
                del self.schedules[cronjob_id]
                channel = self.channels[job["channel_id"]]
                sent.append(
                    await self.create_post(channel, job["creator_id"], job["message"])
                )
        return sent


def seed_chat_demo(chat: ChatStore) -> None:
    """Add demo users, channels, a direct message, posts, a webhook and a bot."""
    demo, alice, bob = (chat.add_user(name, nick) for name, nick in DEMO_CHAT_USERS)
    webhook = chat.add_user("ha-webhook", "Home Assistant webhook", "webhook")
    bot = chat.add_user("ha-bot", "Home Assistant bot", "chatbot")
    general = chat.add_channel(
        "general",
        "public",
        alice.user_id,
        [demo.user_id, alice.user_id, bob.user_id],
        GENERAL,
    )
    chat.add_channel(
        "random", "public", bob.user_id, [alice.user_id, bob.user_id], RANDOM
    )
    family = chat.add_channel(
        "family", "private", demo.user_id, [demo.user_id, alice.user_id], FAMILY
    )
    direct = chat.add_channel(
        "", "anonymous", alice.user_id, [demo.user_id, alice.user_id], DM_ALICE
    )
    now = chat.now_ms() - 3_600_000
    for channel, author, text in (
        (general, alice, "Welcome to the demo NAS! #welcome"),
        (general, bob, "Hi all"),
        (family, demo, "Dinner at seven?"),
        (direct, alice, "Ping me when the washing machine is done"),
    ):
        channel.counter += 1
        now += 60_000
        post = Post(
            post_id_for(channel.channel_id, channel.counter),
            channel.channel_id,
            author.user_id,
            "normal",
            text,
            now,
            now,
        )
        channel.posts[post.post_id] = post
    for token, user, kind, channel_id in (
        (DEMO_WEBHOOK_TOKEN, webhook, INCOMING, GENERAL),
        (DEMO_BOT_TOKEN, bot, CHATBOT, 0),
    ):
        chat.integrations[token] = Integration(
            token, user.user_id, kind, alice.user_id, now, channel_id
        )
