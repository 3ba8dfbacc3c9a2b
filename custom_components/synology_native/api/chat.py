"""Synology Chat (``SYNO.Chat.*``): typed calls and models for the signed-in user.

Wire rules that matter here: every method parameter is sent JSON-encoded (the client does
that for ``requestFormat: JSON`` APIs); times are milliseconds since the epoch; a post id is
``(channel_id << 32) + n``; ``Post.list`` is cursor based (anchor ``post_id`` with
``prev_count``/``next_count``), ignores ``offset``/``limit`` and may return fewer posts than
asked; thread replies are listed with ``thread_id=<root>`` and never appear in the main
timeline. Answers are read strictly: a missing or mistyped field is a DsmResponseError.
"""

import asyncio
from dataclasses import dataclass
import re
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from .errors import (
    DsmFileTooLargeError,
    DsmInvalidParameterError,
    DsmNotFoundError,
    DsmPermissionError,
    DsmRateLimitError,
    DsmResponseError,
    register_error_codes,
)
from .models import Call, CallResult, Endpoint
from .typed import Fields, is_kind

if TYPE_CHECKING:
    from collections.abc import (
        AsyncGenerator,
        Awaitable,
        Callable,
        Iterable,
        Mapping,
        Sequence,
    )

    from .client import DsmClient

# --- endpoints ------------------------------------------------------------------

CHANNEL_LIST = Endpoint("SYNO.Chat.Channel", "list", 1, 5)
DIRECT_INITIATE = Endpoint("SYNO.Chat.Channel.Anonymous", "initiate", 2, 2)
POST_LIST = Endpoint("SYNO.Chat.Post", "list", 5, 8)
# The web client posts with v5, which is the version verified live (chat.md §0.7).
POST_CREATE = Endpoint("SYNO.Chat.Post", "create", 5, 5)
POST_SET = Endpoint("SYNO.Chat.Post", "set", 1, 8)
POST_DELETE = Endpoint("SYNO.Chat.Post", "delete", 1, 8)
POST_SEARCH = Endpoint("SYNO.Chat.Post", "search", 1, 8)
REACTION_SET = Endpoint("SYNO.Chat.Post.Reaction", "set")
REACTION_DELETE = Endpoint("SYNO.Chat.Post.Reaction", "delete")
VOTE_CREATE = Endpoint("SYNO.Chat.Post.Vote", "create")
SCHEDULE_CREATE = Endpoint("SYNO.Chat.Post.Schedule", "create")
REMINDER_SET = Endpoint("SYNO.Chat.Post.Reminder", "set")
USER_LIST = Endpoint("SYNO.Chat.User", "list", 1, 3)

# "post not found" (chat.md §2.5, §5.1): on a read it means there is nothing there, as
# for an anchor past the last post or an anchored read of an empty conversation.
POST_NOT_FOUND = 402

# Posts asked for per Post.list request when paging. DSM may answer with fewer while more
# exist (chat.md §5.1 correction), so the size of a page never says where the end is.
PAGE_SIZE = 100
# The most Post.list requests posts_since makes in one call, whatever the NAS holds.
MAX_PAGES_PER_CALL = 100

# INFERRED (chat.md §8.2: 32 MB is the documented limit of files a webhook posts by URL):
# the largest file Chat accepts as a post.
MAX_FILE_BYTES = 32 * 1024 * 1024

# INFERRED (chat.md 2026-12 correction): the rate DSM accepts posts at. It answers 411
# "create post too fast" beyond about one post per second per account (ACE saw replies
# sent right after each other refused; a Chat relay keeps 1.2 s between posts). Every
# post of an account waits its turn and keeps this interval from the one before; a
# capture of DSM's real limit is corrected here.
POST_INTERVAL_SECONDS = 1.0
# 411 all the same (a stricter NAS, the account posting from elsewhere too) is a soft
# limit: clients that wait a few seconds and send again get through. A post is tried
# this many times in all, this long apart, still in its turn, before the error is raised.
RATE_LIMIT_BACKOFF_SECONDS = 2.0
POST_ATTEMPTS = 3

# Chat-specific meanings of codes from 400 up (chat.md §2.5).
register_error_codes(
    "SYNO.Chat.",
    {
        400: (DsmInvalidParameterError, "you cannot talk to yourself"),
        401: (DsmPermissionError, "not a member of this channel"),
        402: (DsmNotFoundError, "no such post"),
        403: (DsmNotFoundError, "no such channel"),
        404: (
            DsmPermissionError,
            "the bot or webhook is not usable or its token is wrong",
        ),
        407: (DsmInvalidParameterError, "record not valid"),
        408: (DsmPermissionError, "no encryption key pair for this user"),
        # INFERRED (one bot library's error list): 409 and 410 on SYNO.Chat.External.
        409: (DsmInvalidParameterError, "file too large"),
        410: (DsmInvalidParameterError, "message too long"),
        411: (DsmRateLimitError, "posting too fast"),
        415: (
            DsmPermissionError,
            "not your post, or past the time allowed to change it",
        ),
        422: (DsmInvalidParameterError, "a public channel cannot be encrypted"),
    },
)


# --- ids and text ---------------------------------------------------------------


def channel_of_post(post_id: int) -> int:
    """Return the channel a post id belongs to (``post_id = channel_id << 32 | n``)."""
    return post_id >> 32


# INFERRED (chat.md §3.3, §6.1): received posts carry mentions inline as ``@u:<user_id>``;
# the ``mentions`` field, when present, holds ``5`` or ``"u:5"``.
MENTION_PATTERN = re.compile(r"@u:(\d+)")


def mention_text(user_id: int) -> str:
    """Return how a mention of user_id is written into a message (INFERRED, see above)."""
    return f"@u:{user_id}"


# INFERRED: no source states the longest message DSM takes (chat.md §2.5 knows only a
# "message too long" code on SYNO.Chat.External). Public notifier clients split text at
# 2,000 and 3,500 characters without reporting a refusal below that.
MAX_MESSAGE_LENGTH = 3500

# INFERRED (chat.md §6.6): a reaction is a sticker name; grinning, heart and thumbsup are
# verified, the rest are emoji short names of the same style. DSM's own list
# (SYNO.Chat.Sticker list) is not captured; a capture replaces this set.
REACTION_NAMES = frozenset(
    {
        "+1",
        "-1",
        "100",
        "angry",
        "blush",
        "clap",
        "cry",
        "eyes",
        "fire",
        "grinning",
        "heart",
        "heart_eyes",
        "joy",
        "laughing",
        "ok_hand",
        "open_mouth",
        "pray",
        "rage",
        "rocket",
        "smile",
        "sob",
        "star",
        "tada",
        "thinking_face",
        "thumbsdown",
        "thumbsup",
        "wave",
        "white_check_mark",
        "wink",
        "x",
    }
)


def parse_mentions(message: str, field_value: Any = None) -> tuple[int, ...]:
    """Return the user ids a post mentions, from its text and its ``mentions`` field."""
    found: list[int] = [int(match) for match in MENTION_PATTERN.findall(message)]
    if isinstance(field_value, list):
        for item in field_value:
            text = str(item).removeprefix("u:")
            if text.isdecimal():
                found.append(int(text))
    return tuple(dict.fromkeys(found))


# --- models ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChatChannel:
    """A conversation: named channel, direct message, group or bot chat."""

    channel_id: int
    name: str
    type: str
    members: tuple[int, ...]
    is_joined: bool = True
    unread: int | None = None  # None when DSM was not asked for it

    @property
    def is_direct(self) -> bool:
        """Tell whether this is a direct message (an unnamed two-member chat)."""
        return self.type == "anonymous" and len(self.members) == 2  # noqa: PLR2004


def _channel(item: Fields, *, with_unread: bool = False) -> ChatChannel:
    """Read one channel object (chat.md §3.2); with_unread, its unread count too.

    INFERRED (chat.md §3.2): ``is_joined`` is false for public channels the user has not
    joined; ace only skips an explicit false, so a channel without the field is joined.
    """
    return ChatChannel(
        channel_id=item.field("channel_id", int),
        name=item.field("name", str),
        type=item.field("type", str),
        members=tuple(item.list_of("members", int)),
        is_joined=item.optional("is_joined", bool, True),
        unread=item.field("unread", int) if with_unread else None,
    )


@dataclass(frozen=True, slots=True)
class ChatFile:
    """The attachment of a file post (its name, never its bytes)."""

    name: str
    size: int
    type: str


def _file(post: Fields) -> ChatFile | None:
    """Read a post's ``file_props`` (chat.md §3.3); an empty record carries no file."""
    props = post.optional_object("file_props")
    if props is None or not props.raw:
        return None
    return ChatFile(
        name=props.field("name", str),
        size=props.field("size", int),
        type=props.field("type", str),
    )


@dataclass(frozen=True, slots=True)
class ChatReaction:
    """One reaction on a post and who gave it."""

    name: str
    user_ids: tuple[int, ...]


# INFERRED (chat.md §6.6, §11): there is no reaction list method and the key reactions use
# inside a post is not public. This reads ``reactions`` as a list of
# ``{"sticker_name"|"name": str, "user_ids"|"users": [int]}``. Unlike every other field, a
# shape it does not know gives no reactions instead of an error: a wrong guess here must
# not make every read of a channel fail. A capture corrects it here.
def parse_reactions(value: Any) -> tuple[ChatReaction, ...]:
    """Read the reactions of a post (INFERRED shape, see above)."""
    reactions = []
    for item in value if isinstance(value, list) else ():
        entry = item if isinstance(item, dict) else {}
        name = entry.get("sticker_name", entry.get("name"))
        users = entry.get("user_ids", entry.get("users"))
        if isinstance(name, str) and name and isinstance(users, list):
            ids = sorted(u for u in users if is_kind(u, int))
            reactions.append(ChatReaction(name, tuple(ids)))
    return tuple(sorted(reactions, key=lambda reaction: reaction.name))


@dataclass(frozen=True, slots=True)
class ChatPost:
    """A message (post) in a channel or a thread (chat.md §3.3)."""

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
    file: ChatFile | None = None
    mentions: tuple[int, ...] = ()
    reactions: tuple[ChatReaction, ...] = ()

    @property
    def deleted(self) -> bool:
        """Tell whether the post was deleted (deleted posts can still be listed)."""
        return self.delete_at > 0

    @property
    def edited(self) -> bool:
        """Tell whether the post was changed after it was written."""
        return self.update_at > self.create_at

    @property
    def is_reply(self) -> bool:
        """Tell whether this is a reply in a thread."""
        return self.thread_id not in (0, self.post_id)

    @property
    def has_replies(self) -> bool:
        """Tell whether this is the root of a thread."""
        return self.thread_id == self.post_id


def _post(item: Fields) -> ChatPost:
    """Read one post object.

    Absent optional fields mean what DSM's own zero means there (chat.md §3.3):
    not deleted, not in a thread, no replies, never edited.
    """
    post_id = item.field("post_id", int)
    message = item.field("message", str)
    create_at = item.field("create_at", int)
    return ChatPost(
        post_id=post_id,
        channel_id=item.optional("channel_id", int, channel_of_post(post_id)),
        creator_id=item.field("creator_id", int),
        type=item.field("type", str),
        message=message,
        create_at=create_at,
        update_at=item.optional("update_at", int, create_at),
        delete_at=item.optional("delete_at", int, 0),
        thread_id=item.optional("thread_id", int, 0),
        comment_count=item.optional("comment_count", int, 0),
        last_comment_at=item.optional("last_comment_at", int, 0),
        file=_file(item),
        mentions=parse_mentions(message, item.raw.get("mentions")),
        reactions=parse_reactions(item.raw.get("reactions")),
    )


@dataclass(frozen=True, slots=True)
class ChatUser:
    """A Chat user: a person, a bot or a webhook (chat.md §3.4)."""

    user_id: int
    username: str
    nickname: str
    type: str
    deleted: bool = False

    @property
    def display_name(self) -> str:
        """Return the nickname, or the account name when there is none."""
        return self.nickname or self.username


def _user(item: Fields) -> ChatUser:
    """Read one user object."""
    return ChatUser(
        user_id=item.field("user_id", int),
        username=item.field("username", str),
        nickname=item.field("nickname", str),
        type=item.field("type", str),
        deleted=item.optional("deleted", bool, False),
    )


@dataclass(frozen=True, slots=True)
class ChatSearchResult:
    """One page of search results and how many there are in all."""

    posts: tuple[ChatPost, ...]
    total: int


@dataclass(frozen=True, slots=True)
class PollOptions:
    """How a poll behaves (chat.md §6.10)."""

    multiple: bool = False
    anonymous: bool = False
    add_option: bool = False
    expire_at: int = 0  # ms; 0 = never


def parse_post(data: Any, source: Endpoint = POST_CREATE) -> ChatPost:
    """Read one post, the answer of source."""
    return _post(Fields.of(data, source))


def parse_post_list(data: Any) -> list[ChatPost]:
    """Read a ``Post.list`` answer: posts in ascending id order."""
    posts = [_post(item) for item in Fields.of(data, POST_LIST).objects("posts")]
    return sorted(posts, key=lambda post: post.post_id)


def parse_channels(data: Any) -> list[ChatChannel]:
    """Read a ``Channel.list`` answer asked with ``additional: ["unread"]``."""
    answer = Fields.of(data, CHANNEL_LIST)
    return [_channel(item, with_unread=True) for item in answer.objects("channels")]


def parse_channel(data: Any, source: Endpoint = DIRECT_INITIATE) -> ChatChannel:
    """Read one channel, bare or wrapped in ``channel``.

    INFERRED (chat.md §4.6, §11): the wrapping of ``Channel.Anonymous initiate`` is not
    known; ``Channel.get`` wraps in ``channel``. Both forms are accepted.
    """
    answer = Fields.of(data, source)
    return _channel(answer.optional_object("channel") or answer)


def parse_users(data: Any) -> list[ChatUser]:
    """Read a ``User.list`` answer."""
    return [_user(item) for item in Fields.of(data, USER_LIST).objects("users")]


def newest_posts_call(channel_id: int, count: int, thread_id: int = 0) -> Call:
    """Return the ``Post.list`` call for the newest count posts of a timeline.

    No anchor, only ``prev_count`` (chat.md §5.1, "latest N"; for threads §5.2: the root
    must not be the anchor). For a compound request; read its result with posts_of.
    """
    return Call(
        POST_LIST,
        {
            "channel_id": channel_id,
            "thread_id": thread_id,
            "prev_count": count,
            "next_count": 0,
        },
    )


def posts_of(result: CallResult) -> list[ChatPost]:
    """Return the posts of a ``Post.list`` result; 402 means there are none."""
    if result.error is not None and result.error.code == POST_NOT_FOUND:
        return []
    return parse_post_list(result.unwrap())


def thread_anchor(anchor: int, thread_id: int) -> int:
    """Return the anchor to list a thread's replies newer than anchor.

    Anchoring a thread list on its root returns only the root (chat.md §5.2); one below
    the root lists the replies after it (ace's live variant).
    """
    return anchor - 1 if thread_id and anchor == thread_id else anchor


class Chat:
    """Synology Chat as the signed-in user."""

    def __init__(self, client: DsmClient) -> None:
        """Use client for every call."""
        self.client = client

    # --- channels ---

    async def channels(self) -> list[ChatChannel]:
        """List the conversations the user sees, with unread counts."""
        data = await self.client.call(CHANNEL_LIST, {"additional": ["unread"]})
        return parse_channels(data)

    async def direct_channel(self, user_id: int) -> ChatChannel:
        """Return the direct-message channel with user_id, creating it if needed.

        ``user_ids`` holds only the other user: ``[other, self]`` is refused (chat.md §4.6).
        """
        data = await self.client.call(
            DIRECT_INITIATE, {"user_ids": [user_id], "encrypted": False}
        )
        return parse_channel(data)

    # --- reading posts ---

    async def newest_posts(
        self, channel_id: int, count: int, *, thread_id: int = 0
    ) -> list[ChatPost]:
        """Return the newest count posts of the main timeline (or of a thread)."""
        call = newest_posts_call(channel_id, count, thread_id)
        return await self._posts(call.params)

    async def posts_since(
        self,
        channel_id: int,
        after: int,
        *,
        thread_id: int = 0,
        before: int | None = None,
        max_pages: int = MAX_PAGES_PER_CALL,
    ) -> list[ChatPost]:
        """Return the posts newer than the post id after (and older than before).

        At most max_pages pages: the NAS decides how many posts there are, we decide
        how many requests that may cost. What lies beyond is read from the newest
        post returned.
        """
        posts: list[ChatPost] = []
        pages = self.post_pages(channel_id, after, thread_id=thread_id, before=before)
        async for page in pages:
            posts += page
            max_pages -= 1
            if max_pages <= 0:
                break
        await pages.aclose()
        return posts

    async def post_pages(
        self,
        channel_id: int,
        after: int,
        *,
        thread_id: int = 0,
        before: int | None = None,
    ) -> AsyncGenerator[list[ChatPost]]:
        """Yield the posts newer than the post id after (older than before), a page each.

        Each page is read anchored on the newest post of the page before (chat.md
        §5.1), so a jump in post ids costs nothing. With thread_id, the replies of that
        thread. DSM caps pages below what is asked, so paging goes on until a page
        brings no post not already held. "Post not found" (an anchor past the last
        post, an empty conversation) means there is nothing (more) there.
        """
        anchor = after
        while True:
            page = await self._posts(
                {
                    "channel_id": channel_id,
                    "thread_id": thread_id,
                    "post_id": thread_anchor(anchor, thread_id),
                    "prev_count": 0,
                    "next_count": PAGE_SIZE,
                }
            )
            fresh = [
                post
                for post in page
                if post.post_id > anchor
                and post.post_id != thread_id
                and (before is None or post.post_id < before)
            ]
            if fresh:
                yield fresh
                anchor = fresh[-1].post_id
            if not fresh or (
                before is not None and any(post.post_id >= before for post in page)
            ):
                return

    async def _posts(self, params: Mapping[str, Any]) -> list[ChatPost]:
        """Run one ``Post.list``; "post not found" is an empty list."""
        try:
            data = await self.client.call(POST_LIST, params)
        except DsmNotFoundError as err:
            if err.code == POST_NOT_FOUND:
                return []
            raise
        return parse_post_list(data)

    async def search(
        self,
        keyword: str,
        *,
        channel_ids: Iterable[int] = (),
        limit: int = 20,
    ) -> ChatSearchResult:
        """Search posts, newest first; ``in`` limits the channels (``channel_id`` is no filter)."""
        params: dict[str, Any] = {
            "keyword": keyword,
            "in": list(channel_ids),
            "sort_by": "create_at",
            "offset": 0,
            "limit": limit,
        }
        answer = Fields.of(await self.client.call(POST_SEARCH, params), POST_SEARCH)
        return ChatSearchResult(
            posts=tuple(_post(item) for item in answer.objects("search_results")),
            total=answer.field("total", int),
        )

    # --- writing posts ---

    async def send(
        self,
        channel_id: int,
        message: str,
        *,
        thread_id: int | None = None,
        conn_id: str | None = None,
    ) -> ChatPost:
        """Post message as the signed-in user (chat.md §0.7: type is the string)."""
        params: dict[str, Any] = {
            "channel_id": channel_id,
            "message": message,
            "type": "normal",
            "is_thread": False,
        }
        if thread_id:
            params["thread_id"] = thread_id
        if conn_id:
            params["conn_id"] = conn_id
        data = await pacer_of(self.client).post(
            lambda: self.client.call(POST_CREATE, params)
        )
        return parse_post(data)

    async def send_file(
        self,
        channel_id: int,
        file_name: str,
        content: bytes,
        *,
        message: str = "",
        thread_id: int | None = None,
        content_type: str = "application/octet-stream",
    ) -> ChatPost:
        """Upload a file as a post, with an optional caption (chat.md §6.7)."""
        if len(content) > MAX_FILE_BYTES:
            raise DsmFileTooLargeError(len(content), MAX_FILE_BYTES)
        params: dict[str, Any] = {
            "channel_id": channel_id,
            "type": "file",
            "message": message,
            "is_thread": False,
        }
        if thread_id:
            params["thread_id"] = thread_id
        data = await pacer_of(self.client).post(
            lambda: self.client.upload(
                POST_CREATE,
                params,
                file_name=file_name,
                content=content,
                content_type=content_type,
            )
        )
        return parse_post(data)

    async def edit(self, post_id: int, message: str) -> None:
        """Change the text of one of the user's posts."""
        await self.client.call(
            POST_SET,
            {
                "channel_id": channel_of_post(post_id),
                "post_id": post_id,
                "message": message,
            },
        )

    async def delete(self, post_id: int) -> None:
        """Delete one of the user's posts."""
        await self.client.call(POST_DELETE, {"post_id": post_id})

    async def react(self, post_id: int, name: str, *, remove: bool = False) -> None:
        """Add (or remove) a reaction such as ``thumbsup`` or ``heart``.

        INFERRED (chat.md §6.6): ``delete`` takes the same parameters as ``set``.
        """
        await self.client.call(
            REACTION_DELETE if remove else REACTION_SET,
            {"post_id": post_id, "sticker_name": name},
        )

    async def create_poll(
        self,
        channel_id: int,
        question: str,
        choices: Sequence[str],
        options: PollOptions | None = None,
    ) -> ChatPost:
        """Create a poll; choices go as objects, options as one JSON object."""
        poll = options or PollOptions()
        params = {
            "channel_id": channel_id,
            "message": question,
            "choices": [{"text": text} for text in choices],
            "options": {
                "multiple": poll.multiple,
                "anonymous": poll.anonymous,
                "add_option": poll.add_option,
                "expire_at": poll.expire_at,
            },
        }
        data = await pacer_of(self.client).post(
            lambda: self.client.call(VOTE_CREATE, params)
        )
        return parse_post(data, VOTE_CREATE)

    async def schedule(self, channel_id: int, message: str, send_at: int) -> int:
        """Schedule a post for send_at (ms); return its ``cronjob_id``."""
        data = await self.client.call(
            SCHEDULE_CREATE,
            {"channel_id": channel_id, "message": message, "send_at": send_at},
        )
        return Fields.of(data, SCHEDULE_CREATE).field("cronjob_id", int)

    async def set_reminder(self, post_id: int, remind_at: int) -> None:
        """Remind the user of a post at remind_at (ms)."""
        await self.client.call(
            REMINDER_SET, {"post_id": post_id, "remind_at": remind_at}
        )

    # --- users ---

    async def users(self) -> list[ChatUser]:
        """List every Chat user (people, bots and webhooks)."""
        return parse_users(await self.client.call(USER_LIST))

    async def me(self) -> ChatUser:
        """Return the signed-in user: the Chat user whose account name is the DSM one.

        Matching ``username`` against the DSM account is what the verified clients do
        (chat.md §7); DSM account names are case-insensitive.
        """
        session = self.client.session
        account = (
            session.account
            if session
            else (self.client.credentials.account if self.client.credentials else "")
        )
        users = await self.users()
        for user in users:
            if user.username.casefold() == account.casefold():
                return user
        msg = "SYNO.Chat.User list does not contain the signed-in account"
        raise DsmResponseError(msg)


async def pace(seconds: float) -> None:
    """Wait before an account's next post (tests replace it to move a simulated clock)."""
    await asyncio.sleep(seconds)


class PostPacer:
    """Sends one account's posts one at a time, in call order, POST_INTERVAL_SECONDS apart.

    A burst (ten notifications at once) is queued and paced instead of failing on 411.
    """

    def __init__(self) -> None:
        """Start with nothing posted."""
        # asyncio.Lock hands over to its waiters first come, first served: posts keep
        # the order they were asked for in.
        self._turn = asyncio.Lock()
        self._last_at: float | None = None  # event-loop time of the last attempt

    async def post[T](self, create: Callable[[], Awaitable[T]]) -> T:
        """Run create (a call that creates a post) in its turn, paced."""
        async with self._turn:
            loop = asyncio.get_running_loop()
            gap = POST_INTERVAL_SECONDS
            attempt = 1
            while True:
                if self._last_at is not None:
                    wait = gap - (loop.time() - self._last_at)
                    if wait > 0:
                        await pace(wait)
                try:
                    return await create()
                except DsmRateLimitError:
                    if attempt == POST_ATTEMPTS:
                        raise
                    attempt += 1
                    gap = RATE_LIMIT_BACKOFF_SECONDS
                finally:
                    self._last_at = loop.time()


# One pacer per client, that is per signed-in account, however many Chat objects use it.
_PACERS: WeakKeyDictionary[DsmClient, PostPacer] = WeakKeyDictionary()


def pacer_of(client: DsmClient) -> PostPacer:
    """Return the post pacer of client's account."""
    pacer = _PACERS.get(client)
    if pacer is None:
        pacer = _PACERS[client] = PostPacer()
    return pacer
