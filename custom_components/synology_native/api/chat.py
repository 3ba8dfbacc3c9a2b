"""Synology Chat (``SYNO.Chat.*``): typed calls and models for the session API and bots.

Wire rules that matter here: every method parameter is sent JSON-encoded (the client does
that for ``requestFormat: JSON`` APIs); times are milliseconds since the epoch; a post id is
``(channel_id << 32) + n``; ``Post.list`` is cursor based (anchor ``post_id`` with
``prev_count``/``next_count``) and ignores ``offset``/``limit``; thread replies are listed
with ``thread_id=<root>`` and never appear in the main timeline.
"""

from dataclasses import dataclass, field
import re
from typing import TYPE_CHECKING, Any

from .errors import (
    DsmInvalidParameterError,
    DsmNotFoundError,
    DsmPermissionError,
    DsmRateLimitError,
    DsmResponseError,
    register_error_codes,
)
from .models import Endpoint

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from .client import DsmClient

# --- endpoints ------------------------------------------------------------------

CHANNEL_LIST = Endpoint("SYNO.Chat.Channel", "list", 1, 5)
CHANNEL_GET = Endpoint("SYNO.Chat.Channel", "get", 4, 5)
CHANNEL_MEMBERS = Endpoint("SYNO.Chat.Channel.Member", "get")
CHANNEL_HASHTAGS = Endpoint("SYNO.Chat.Channel.Hashtag", "list")
DIRECT_INITIATE = Endpoint("SYNO.Chat.Channel.Anonymous", "initiate", 2, 2)
NAMED_CREATE = Endpoint("SYNO.Chat.Channel.Named", "create")
NAMED_JOIN = Endpoint("SYNO.Chat.Channel.Named", "join")
NAMED_LEAVE = Endpoint("SYNO.Chat.Channel.Named", "disjoin")
NAMED_INVITE = Endpoint("SYNO.Chat.Channel.Named", "invite")
POST_LIST = Endpoint("SYNO.Chat.Post", "list", 5, 8)
# The web client posts with v5, which is the version verified live (chat.md §0.7).
POST_CREATE = Endpoint("SYNO.Chat.Post", "create", 5, 5)
POST_SET = Endpoint("SYNO.Chat.Post", "set", 1, 8)
POST_DELETE = Endpoint("SYNO.Chat.Post", "delete", 1, 8)
POST_PIN = Endpoint("SYNO.Chat.Post", "pin", 1, 5)
POST_UNPIN = Endpoint("SYNO.Chat.Post", "unpin", 1, 5)
POST_SEARCH = Endpoint("SYNO.Chat.Post", "search", 1, 8)
REACTION_SET = Endpoint("SYNO.Chat.Post.Reaction", "set")
REACTION_DELETE = Endpoint("SYNO.Chat.Post.Reaction", "delete")
VOTE_CREATE = Endpoint("SYNO.Chat.Post.Vote", "create")
VOTE_VOTE = Endpoint("SYNO.Chat.Post.Vote", "vote")
SCHEDULE_CREATE = Endpoint("SYNO.Chat.Post.Schedule", "create")
SCHEDULE_LIST = Endpoint("SYNO.Chat.Post.Schedule", "list")
SCHEDULE_DELETE = Endpoint("SYNO.Chat.Post.Schedule", "delete")
REMINDER_SET = Endpoint("SYNO.Chat.Post.Reminder", "set")
REMINDER_GET = Endpoint("SYNO.Chat.Post.Reminder", "get")
REMINDER_LIST = Endpoint("SYNO.Chat.Post.Reminder", "list")
REMINDER_DELETE = Endpoint("SYNO.Chat.Post.Reminder", "delete")
USER_LIST = Endpoint("SYNO.Chat.User", "list", 1, 3)
USER_GET = Endpoint("SYNO.Chat.User", "get", 1, 3)
EXTERNAL_INCOMING = Endpoint("SYNO.Chat.External", "incoming", 2, 2)
EXTERNAL_CHATBOT = Endpoint("SYNO.Chat.External", "chatbot", 2, 2)

# The largest per-channel counter: anchoring here with prev_count reads the newest posts.
MAX_COUNTER = 0xFFFFFFFF

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
        411: (DsmRateLimitError, "too many requests"),
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


def post_id_for(channel_id: int, counter: int) -> int:
    """Build the post id of the counter-th post of a channel."""
    return (channel_id << 32) + counter


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


def _int(data: Mapping[str, Any], key: str, default: int = 0) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return default
    try:
        return int(value)
    except ValueError:
        return default


def _str(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    return value if isinstance(value, str) else ""


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


@dataclass(frozen=True, slots=True)
class ChatChannel:
    """A conversation: named channel, direct message, group or bot chat."""

    channel_id: int
    name: str
    type: str
    members: tuple[int, ...] = ()
    creator_id: int = 0
    is_joined: bool = True
    last_post_at: int = 0
    last_view_at: int = 0
    unread: int = 0
    encrypted: bool = False

    @property
    def is_direct(self) -> bool:
        """Tell whether this is a direct message (an unnamed two-member chat)."""
        return self.type == "anonymous" and len(self.members) == 2  # noqa: PLR2004

    @classmethod
    def from_data(cls, data: Any) -> ChatChannel:
        """Read one channel object (chat.md §3.2)."""
        item = _dict(data)
        if "channel_id" not in item:
            msg = "SYNO.Chat channel without channel_id"
            raise DsmResponseError(msg)
        return cls(
            channel_id=_int(item, "channel_id"),
            name=_str(item, "name"),
            type=_str(item, "type"),
            members=tuple(int(m) for m in _list(item.get("members")) if _is_id(m)),
            creator_id=_int(item, "creator_id"),
            is_joined=item.get("is_joined", True) is not False,
            last_post_at=_int(item, "last_post_at"),
            last_view_at=_int(item, "last_view_at"),
            unread=_int(item, "unread"),
            encrypted=item.get("encrypted") is True,
        )


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True, slots=True)
class ChatFile:
    """The attachment of a file post (its name, never its bytes)."""

    name: str
    size: int
    type: str


@dataclass(frozen=True, slots=True)
class ChatReaction:
    """One reaction on a post and who gave it."""

    name: str
    user_ids: tuple[int, ...]


# INFERRED (chat.md §6.6, §11): there is no reaction list method and the key reactions use
# inside a post is not public. This reads ``reactions`` as a list of
# ``{"sticker_name"|"name": str, "user_ids"|"users": [int]}``; a capture corrects it here.
def parse_reactions(value: Any) -> tuple[ChatReaction, ...]:
    """Read the reactions of a post (INFERRED shape, see above)."""
    reactions = []
    for item in _list(value):
        entry = _dict(item)
        name = _str(entry, "sticker_name") or _str(entry, "name")
        users = entry.get("user_ids", entry.get("users"))
        if name:
            reactions.append(
                ChatReaction(
                    name, tuple(sorted(int(u) for u in _list(users) if _is_id(u)))
                )
            )
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
    update_at: int = 0
    delete_at: int = 0
    thread_id: int = 0
    comment_count: int = 0
    last_comment_at: int = 0
    file: ChatFile | None = None
    mentions: tuple[int, ...] = ()
    reactions: tuple[ChatReaction, ...] = ()
    is_sticky: bool = False
    last_pin_at: int = 0
    props: Mapping[str, Any] = field(default_factory=dict, compare=False)

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

    @classmethod
    def from_data(cls, data: Any) -> ChatPost:
        """Read one post object."""
        item = _dict(data)
        if "post_id" not in item:
            msg = "SYNO.Chat post without post_id"
            raise DsmResponseError(msg)
        post_id = _int(item, "post_id")
        file_props = item.get("file_props")
        message = _str(item, "message")
        return cls(
            post_id=post_id,
            channel_id=_int(item, "channel_id", channel_of_post(post_id)),
            creator_id=_int(item, "creator_id"),
            type=_str(item, "type") or "normal",
            message=message,
            create_at=_int(item, "create_at"),
            update_at=_int(item, "update_at"),
            delete_at=_int(item, "delete_at"),
            thread_id=_int(item, "thread_id"),
            comment_count=_int(item, "comment_count"),
            last_comment_at=_int(item, "last_comment_at"),
            file=ChatFile(
                name=_str(file_props, "name"),
                size=_int(file_props, "size"),
                type=_str(file_props, "type"),
            )
            if isinstance(file_props, dict) and file_props.get("name")
            else None,
            mentions=parse_mentions(message, item.get("mentions")),
            reactions=parse_reactions(item.get("reactions")),
            is_sticky=item.get("is_sticky") is True,
            last_pin_at=_int(item, "last_pin_at"),
            props=_dict(item.get("props")),
        )


@dataclass(frozen=True, slots=True)
class ChatUser:
    """A Chat user: a person, a bot or a webhook (chat.md §3.4)."""

    user_id: int
    username: str
    nickname: str = ""
    type: str = "human"
    status: str = ""
    deleted: bool = False
    is_disabled: bool = False

    @property
    def display_name(self) -> str:
        """Return the nickname, or the account name when there is none."""
        return self.nickname or self.username

    @classmethod
    def from_data(cls, data: Any) -> ChatUser:
        """Read one user object."""
        item = _dict(data)
        if "user_id" not in item:
            msg = "SYNO.Chat user without user_id"
            raise DsmResponseError(msg)
        return cls(
            user_id=_int(item, "user_id"),
            username=_str(item, "username"),
            nickname=_str(item, "nickname"),
            type=_str(item, "type") or "human",
            status=_str(item, "status"),
            deleted=item.get("deleted") is True,
            is_disabled=item.get("is_disabled") is True,
        )


@dataclass(frozen=True, slots=True)
class ChatSchedule:
    """A post scheduled to be sent later."""

    cronjob_id: int
    channel_id: int
    message: str
    send_at: int


@dataclass(frozen=True, slots=True)
class ChatSearchResult:
    """One page of search results."""

    posts: tuple[ChatPost, ...]
    total: int
    offset: int
    limit: int


@dataclass(frozen=True, slots=True)
class PollOptions:
    """How a poll behaves (chat.md §6.10)."""

    multiple: bool = False
    anonymous: bool = False
    add_option: bool = False
    expire_at: int = 0  # ms; 0 = never


def _posts(data: Any, key: str = "posts") -> list[ChatPost]:
    return [ChatPost.from_data(item) for item in _list(_dict(data).get(key))]


def parse_post_list(data: Any) -> list[ChatPost]:
    """Read a ``Post.list`` answer: posts in ascending id order."""
    return sorted(_posts(data), key=lambda post: post.post_id)


def parse_channel_list(data: Any) -> list[ChatChannel]:
    """Read a ``Channel.list`` answer."""
    return [ChatChannel.from_data(item) for item in _list(_dict(data).get("channels"))]


def parse_channel(data: Any) -> ChatChannel:
    """Read one channel, bare or wrapped in ``channel``.

    INFERRED (chat.md §4.6, §11): the wrapping of ``Channel.Anonymous initiate`` is not
    known; ``Channel.get`` wraps in ``channel``. Both forms are accepted.
    """
    item = _dict(data)
    return ChatChannel.from_data(item.get("channel", item))


def parse_user(data: Any) -> ChatUser:
    """Read one user, bare or wrapped in ``user``.

    INFERRED (chat.md §7, §11): the shape of ``User.get`` is not known.
    """
    item = _dict(data)
    return ChatUser.from_data(item.get("user", item))


def _post_params(
    channel_id: int, thread_id: int, anchor: int | None, prev: int, nxt: int
) -> dict[str, Any]:
    params: dict[str, Any] = {
        "channel_id": channel_id,
        "thread_id": thread_id,
        "prev_count": prev,
        "next_count": nxt,
    }
    if anchor is not None:
        params["post_id"] = anchor
    return params


def newest_posts_params(
    channel_id: int, count: int, thread_id: int = 0
) -> dict[str, Any]:
    """Parameters of ``Post.list`` for the newest count posts of a timeline.

    No anchor, only ``prev_count`` (chat.md §5.1, "latest N"; for threads §5.2: the root
    must not be the anchor).
    """
    return _post_params(channel_id, thread_id, None, count, 0)


class Chat:
    """Synology Chat as the signed-in user."""

    def __init__(self, client: DsmClient) -> None:
        """Use client for every call."""
        self.client = client

    # --- channels ---

    async def channels(self, *, unread: bool = True) -> list[ChatChannel]:
        """List the conversations the user sees (with unread counts)."""
        params = {"additional": ["unread"]} if unread else {}
        return parse_channel_list(await self.client.call(CHANNEL_LIST, params))

    async def channel(self, channel_id: int) -> ChatChannel:
        """Read one channel the user is a member of."""
        data = await self.client.call(CHANNEL_GET, {"channel_id": channel_id})
        return parse_channel(data)

    async def members(self, channel_id: int) -> list[int]:
        """Return the user ids of a channel's members."""
        data = await self.client.call(CHANNEL_MEMBERS, {"channel_id": channel_id})
        return [int(u) for u in _list(_dict(data).get("user_ids")) if _is_id(u)]

    async def create_channel(
        self, name: str, *, public: bool = False, purpose: str = ""
    ) -> int:
        """Create a named channel and join it (the creator is not a member before)."""
        data = await self.client.call(
            NAMED_CREATE,
            {
                "name": name,
                "type": "public" if public else "private",
                "purpose": purpose,
            },
            post=True,
        )
        channel_id = _int(_dict(data), "channel_id")
        await self.join(channel_id)
        return channel_id

    async def join(self, channel_id: int) -> None:
        """Join a named channel."""
        await self.client.call(NAMED_JOIN, {"channel_id": channel_id}, post=True)

    async def leave(self, channel_id: int) -> None:
        """Leave a named channel."""
        await self.client.call(NAMED_LEAVE, {"channel_id": channel_id}, post=True)

    async def invite(self, channel_id: int, user_ids: Sequence[int]) -> None:
        """Add users to a named channel."""
        await self.client.call(
            NAMED_INVITE,
            {
                "channel_id": channel_id,
                "user_ids": list(user_ids),
                "channel_key_encs": [],
            },
            post=True,
        )

    async def direct_channel(self, user_id: int) -> ChatChannel:
        """Return the direct-message channel with user_id, creating it if needed.

        ``user_ids`` holds only the other user: ``[other, self]`` is refused (chat.md §4.6).
        """
        data = await self.client.call(
            DIRECT_INITIATE, {"user_ids": [user_id], "encrypted": False}, post=True
        )
        return parse_channel(data)

    async def hashtags(self, channel_id: int) -> list[str]:
        """List the hashtags used in a channel.

        INFERRED (chat.md §4.7): only the parameter is known; the answer is read as
        ``hashtags``, a list of strings or of objects with ``name``.
        """
        data = await self.client.call(CHANNEL_HASHTAGS, {"channel_id": channel_id})
        tags = []
        for item in _list(_dict(data).get("hashtags")):
            tag = item if isinstance(item, str) else _str(_dict(item), "name")
            if tag:
                tags.append(tag)
        return tags

    # --- reading posts ---

    async def posts(
        self,
        channel_id: int,
        *,
        anchor: int | None = None,
        prev_count: int = 0,
        next_count: int = 0,
        thread_id: int = 0,
    ) -> list[ChatPost]:
        """List posts around anchor (cursor listing; the anchor may come back)."""
        return parse_post_list(
            await self.client.call(
                POST_LIST,
                _post_params(channel_id, thread_id, anchor, prev_count, next_count),
            )
        )

    async def newest_posts(
        self, channel_id: int, count: int, *, thread_id: int = 0
    ) -> list[ChatPost]:
        """Return the newest count posts of the main timeline (or of a thread)."""
        return parse_post_list(
            await self.client.call(
                POST_LIST, newest_posts_params(channel_id, count, thread_id)
            )
        )

    async def posts_after(
        self, channel_id: int, after: int, count: int, *, thread_id: int = 0
    ) -> list[ChatPost]:
        """Return up to count posts newer than the post id after."""
        posts = await self.posts(
            channel_id, anchor=after, next_count=count, thread_id=thread_id
        )
        return [post for post in posts if post.post_id > after]

    async def post(self, post_id: int, *, thread_id: int = 0) -> ChatPost | None:
        """Read one post (a reply also needs its thread id)."""
        posts = await self.posts(
            channel_of_post(post_id), anchor=post_id, thread_id=thread_id
        )
        return next((post for post in posts if post.post_id == post_id), None)

    async def search(
        self,
        keyword: str,
        *,
        channel_ids: Iterable[int] = (),
        creator_ids: Iterable[int] = (),
        offset: int = 0,
        limit: int = 20,
    ) -> ChatSearchResult:
        """Search posts; ``in`` limits the channels (``channel_id`` is no filter)."""
        params: dict[str, Any] = {
            "keyword": keyword,
            "in": list(channel_ids),
            "sort_by": "create_at",
            "offset": offset,
            "limit": limit,
        }
        creators = list(creator_ids)
        if creators:
            params["creator_ids"] = creators
        data = _dict(await self.client.call(POST_SEARCH, params))
        return ChatSearchResult(
            posts=tuple(_posts(data, "search_results")),
            total=_int(data, "total"),
            offset=_int(data, "offset", offset),
            limit=_int(data, "limit", limit),
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
        return ChatPost.from_data(
            await self.client.call(POST_CREATE, params, post=True)
        )

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
        params: dict[str, Any] = {
            "channel_id": channel_id,
            "type": "file",
            "message": message,
            "is_thread": False,
        }
        if thread_id:
            params["thread_id"] = thread_id
        data = await self.client.upload(
            POST_CREATE,
            params,
            file_name=file_name,
            content=content,
            content_type=content_type,
        )
        return ChatPost.from_data(data)

    async def edit(self, post_id: int, message: str) -> None:
        """Change the text of one of the user's posts."""
        await self.client.call(
            POST_SET,
            {
                "channel_id": channel_of_post(post_id),
                "post_id": post_id,
                "message": message,
            },
            post=True,
        )

    async def delete(self, post_id: int) -> None:
        """Delete one of the user's posts."""
        await self.client.call(POST_DELETE, {"post_id": post_id}, post=True)

    async def pin(self, post_id: int, *, pinned: bool = True) -> None:
        """Pin or unpin a post."""
        await self.client.call(
            POST_PIN if pinned else POST_UNPIN, {"post_id": post_id}, post=True
        )

    async def react(self, post_id: int, name: str, *, remove: bool = False) -> None:
        """Add (or remove) a reaction such as ``thumbsup`` or ``heart``.

        INFERRED (chat.md §6.6): ``delete`` takes the same parameters as ``set``.
        """
        await self.client.call(
            REACTION_DELETE if remove else REACTION_SET,
            {"post_id": post_id, "sticker_name": name},
            post=True,
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
        data = await self.client.call(
            VOTE_CREATE,
            {
                "channel_id": channel_id,
                "message": question,
                "choices": [{"text": text} for text in choices],
                "options": {
                    "multiple": poll.multiple,
                    "anonymous": poll.anonymous,
                    "add_option": poll.add_option,
                    "expire_at": poll.expire_at,
                },
            },
            post=True,
        )
        return ChatPost.from_data(data)

    async def vote(self, post_id: int, choice_ids: Sequence[str]) -> None:
        """Vote in a poll: the complete selection, as string ids."""
        await self.client.call(
            VOTE_VOTE,
            {"post_id": post_id, "choice_ids": [str(c) for c in choice_ids]},
            post=True,
        )

    async def schedule(self, channel_id: int, message: str, send_at: int) -> int:
        """Schedule a post for send_at (ms); return its ``cronjob_id``."""
        data = await self.client.call(
            SCHEDULE_CREATE,
            {"channel_id": channel_id, "message": message, "send_at": send_at},
            post=True,
        )
        return _int(_dict(data), "cronjob_id")

    async def schedules(self, channel_id: int) -> list[ChatSchedule]:
        """List a channel's scheduled posts."""
        data = await self.client.call(SCHEDULE_LIST, {"channel_id": channel_id})
        return [
            ChatSchedule(
                cronjob_id=_int(_dict(item), "cronjob_id"),
                channel_id=_int(_dict(item), "channel_id", channel_id),
                message=_str(_dict(item), "message"),
                send_at=_int(_dict(item), "send_at"),
            )
            for item in _list(_dict(data).get("schedule_posts"))
        ]

    async def unschedule(self, cronjob_id: int) -> None:
        """Cancel a scheduled post."""
        await self.client.call(SCHEDULE_DELETE, {"cronjob_id": cronjob_id}, post=True)

    async def set_reminder(self, post_id: int, remind_at: int) -> None:
        """Remind the user of a post at remind_at (ms)."""
        await self.client.call(
            REMINDER_SET, {"post_id": post_id, "remind_at": remind_at}, post=True
        )

    async def reminder(self, post_id: int) -> int:
        """Return when the user is reminded of a post (ms; 0 = no reminder)."""
        data = await self.client.call(REMINDER_GET, {"post_id": post_id})
        return _int(_dict(data), "remind_at")

    async def reminders(self, channel_id: int) -> list[ChatPost]:
        """List the posts of a channel the user set a reminder on."""
        return _posts(await self.client.call(REMINDER_LIST, {"channel_id": channel_id}))

    async def delete_reminder(self, post_id: int) -> None:
        """Remove the reminder of a post."""
        await self.client.call(
            REMINDER_DELETE,
            {"post_id": post_id, "channel_id": channel_of_post(post_id)},
            post=True,
        )

    # --- users ---

    async def users(self) -> list[ChatUser]:
        """List every Chat user (people, bots and webhooks)."""
        data = await self.client.call(USER_LIST)
        return [ChatUser.from_data(item) for item in _list(_dict(data).get("users"))]

    async def user(self, user_id: int) -> ChatUser:
        """Read one user."""
        return parse_user(await self.client.call(USER_GET, {"user_id": user_id}))

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


class ChatBot:
    """Sending through ``SYNO.Chat.External`` with an incoming-webhook or bot token.

    No DSM session is used; the token is a secret and never appears in errors or logs.
    """

    def __init__(self, client: DsmClient, token: str) -> None:
        """Send with token through client's address."""
        self._client = client
        self._token = token

    def __repr__(self) -> str:
        """Describe the bot without its token."""
        return f"ChatBot({self._client.url})"

    async def incoming(self, text: str, *, file_url: str | None = None) -> None:
        """Post into the incoming webhook's channel."""
        payload: dict[str, Any] = {"text": text}
        if file_url:
            payload["file_url"] = file_url
        await self._client.call_without_session(
            EXTERNAL_INCOMING, {"token": self._token, "payload": payload}
        )

    async def chatbot(
        self, user_ids: Sequence[int], text: str, *, file_url: str | None = None
    ) -> dict[int, int]:
        """Send as a bot to users; return the post id created per user."""
        payload: dict[str, Any] = {"text": text, "user_ids": list(user_ids)}
        if file_url:
            payload["file_url"] = file_url
        data = await self._client.call_without_session(
            EXTERNAL_CHATBOT, {"token": self._token, "payload": payload}
        )
        posted = _dict(_dict(_dict(data).get("succ")).get("user_id_post_map"))
        return {int(user): int(post) for user, post in posted.items()}
