"""Synology Chat's wire side: the `SYNO.Chat.*` handlers (the socket is in chat_socket.py).

Wire facts follow chat.md: post ids are `(channel_id << 32) + n`; `Post.list` is cursor based
(anchor included, ascending, `offset`/`limit` ignored, replies only with `thread_id`); times are
ms; only members read a channel (401), unknown channels are 403; only the author edits or
deletes a post (415). The state is in chat_store.py.
"""

import re
from typing import Any

from aiohttp import web

from .chat_store import (
    CHATBOT,
    INCOMING,
    Channel,
    ChatStore,
    ChatUser,
    Integration,
    Post,
)
from .webapi import CallContext, DsmError, handler, optional, require

HASHTAG = re.compile(r"#(\w+)")

# UNKNOWN (chat.md §5.1): an anchored read of an empty conversation is 402; whether a read
# without an anchor is too is not known. Answering 402 keeps clients honest about it.
EMPTY_READ_WITHOUT_ANCHOR_IS_402 = True


# --- handlers -----------------------------------------------------------------


def _chat(ctx: CallContext) -> ChatStore:
    return ctx.store.chat


def _me(ctx: CallContext) -> ChatUser:
    assert ctx.session is not None
    return _chat(ctx).user_of_account(ctx.session.user.name)


def _int_param(params: dict[str, Any], name: str, *, missing: int = 120) -> int:
    return require(params, name, int, missing=missing)


def _channel(ctx: CallContext, channel_id: Any, user_id: int | None = None) -> Channel:
    """Return a channel: 403 unknown; 401 when user_id is given and not a member."""
    channel = _chat(ctx).lookup_channel(channel_id)
    if channel is None:
        raise DsmError(403, "no such channel")
    if user_id is not None and user_id not in channel.members:
        raise DsmError(401, "user not in channel")
    return channel


def _find_post(ctx: CallContext, post_id: Any) -> tuple[Channel, Post]:
    """Return the channel and post of post_id (402 when there is none)."""
    if not isinstance(post_id, int) or isinstance(post_id, bool):
        raise DsmError(120, {"name": "post_id", "reason": "invalid"})
    found = _chat(ctx).lookup_post(post_id)
    if found is None:
        raise DsmError(402, "post not found")
    return found


def _thread_root(channel: Channel, params: dict[str, Any]) -> Post | None:
    """Return the root a reply goes under (None for a main post); 402 for a bad one."""
    thread_id = optional(params, "thread_id", int, 0)
    if not thread_id:
        return None
    root = ChatStore.thread_root(channel, thread_id)
    if root is None:
        raise DsmError(402, "post not found")
    return root


@handler("SYNO.Chat.Channel", "list")
async def channel_list(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Channels the user is in, plus public ones not joined (`is_joined: false`)."""
    me = _me(ctx)
    unread = "unread" in optional(params, "additional", list, [])
    return {
        "channels": [
            channel.data(me.user_id, unread=unread)
            for channel in _chat(ctx).channels.values()
            if (me.user_id in channel.members or channel.type == "public")
            and me.user_id not in channel.closed_by
        ]
    }


@handler("SYNO.Chat.Channel", "get")
async def channel_get(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """One channel of the caller."""
    me = _me(ctx)
    channel = _channel(ctx, params.get("channel_id"), me.user_id)
    return {"channel": channel.data(me.user_id, unread=True)}


@handler("SYNO.Chat.Channel.Member", "get")
async def member_get(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Members of a channel; unknown or foreign channels are 403."""
    me = _me(ctx)
    channel = _channel(ctx, params.get("channel_id"))
    if me.user_id not in channel.members:
        raise DsmError(403, "no such channel")
    return {"user_ids": sorted(channel.members), "broken_user_ids": []}


@handler("SYNO.Chat.Channel.Hashtag", "list")
async def hashtag_list(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Hashtags used in a channel (INFERRED answer shape: `hashtags`, strings)."""
    channel = _channel(ctx, params.get("channel_id"), _me(ctx).user_id)
    tags: dict[str, None] = {}
    for post in channel.posts.values():
        if not post.delete_at:
            tags.update(dict.fromkeys(HASHTAG.findall(post.message)))
    return {"hashtags": list(tags)}


@handler("SYNO.Chat.Channel.Anonymous", "initiate")
async def anonymous_initiate(
    ctx: CallContext, params: dict[str, Any]
) -> dict[str, Any]:
    """Find or create the direct message with the other user (chat.md §4.6)."""
    me = _me(ctx)
    chat = _chat(ctx)
    user_ids = require(params, "user_ids", list, missing=120)
    if user_ids == [me.user_id]:
        raise DsmError(400, "you cannot talk to yourself")
    if len(user_ids) == 2 and user_ids[1] == me.user_id:
        raise DsmError(117, "cannot join")
    others = [u for u in user_ids if u != me.user_id]
    if len(others) != 1 or others[0] not in chat.users:
        raise DsmError(120, {"name": "user_ids", "reason": "invalid"})
    members = sorted({me.user_id, others[0]})
    for channel in chat.channels.values():
        if channel.type == "anonymous" and sorted(channel.members) == members:
            return channel.data(me.user_id, unread=False)
    channel = chat.add_channel("", "anonymous", me.user_id, members)
    await chat.changed("channel_update", channel)
    return channel.data(me.user_id, unread=False)


@handler("SYNO.Chat.Channel.Named", "create")
async def named_create(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Create a channel; the creator is not a member until it joins."""
    me = _me(ctx)
    if "member_ids" in params:
        raise DsmError(119, "invalid")
    name = require(params, "name", str, missing=120)
    kind = require(params, "type", str, missing=120)
    if kind not in ("public", "private"):
        raise DsmError(120, {"name": "type", "reason": "invalid"})
    if not name or re.search(r"\s", name):
        raise DsmError(152, "record is not valid")
    if optional(params, "encrypted", bool, False):
        raise DsmError(422 if kind == "public" else 408)
    channel = _chat(ctx).add_channel(name, kind, me.user_id, [])
    channel.purpose = optional(params, "purpose", str, "")
    return {"channel_id": channel.channel_id}


@handler("SYNO.Chat.Channel.Named", "join")
async def named_join(ctx: CallContext, params: dict[str, Any]) -> None:
    """Join a public channel, or a private one the caller created; 117 when joined."""
    me = _me(ctx)
    channel = _channel(ctx, params.get("channel_id"))
    if me.user_id in channel.members:
        raise DsmError(117)
    if channel.type == "private" and channel.creator_id != me.user_id:
        raise DsmError(105)
    channel.members.append(me.user_id)
    await _chat(ctx).changed("channel_update", channel)


@handler("SYNO.Chat.Channel.Named", "disjoin")
async def named_disjoin(ctx: CallContext, params: dict[str, Any]) -> None:
    """Leave a channel."""
    me = _me(ctx)
    channel = _channel(ctx, params.get("channel_id"), me.user_id)
    channel.members.remove(me.user_id)
    await _chat(ctx).changed("channel_update", channel)


@handler("SYNO.Chat.Channel.Named", "invite")
async def named_invite(ctx: CallContext, params: dict[str, Any]) -> None:
    """Add users to a channel the caller is in."""
    me = _me(ctx)
    chat = _chat(ctx)
    channel = _channel(ctx, params.get("channel_id"), me.user_id)
    for user_id in require(params, "user_ids", list, missing=120):
        if user_id not in chat.users:
            raise DsmError(120, {"name": "user_ids", "reason": "invalid"})
        if user_id not in channel.members:
            channel.members.append(user_id)
    await chat.changed("channel_update", channel)


@handler("SYNO.Chat.Post", "list")
async def post_list(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Cursor listing; `offset`/`limit` are ignored."""
    me = _me(ctx)
    if "channel_id" not in params:
        raise DsmError(403, "no such channel")
    channel = _channel(ctx, params["channel_id"], me.user_id)
    return {"posts": [post.data() for post in _listed(ctx, channel, params)]}


def _listed(ctx: CallContext, channel: Channel, params: dict[str, Any]) -> list[Post]:
    """Return the posts a `Post.list` (or bot `post_list`) answers; 402 past the end."""
    anchor = params.get("post_id")
    if not isinstance(anchor, int) or isinstance(anchor, bool):
        anchor = None  # the desktop client sends `null` (chat.md §2.3)
    if anchor is None:
        empty = not any(not post.hidden for post in channel.posts.values())
        if empty and EMPTY_READ_WITHOUT_ANCHOR_IS_402:
            raise DsmError(402, "post not found")
    elif ChatStore.past_the_end(channel, anchor):
        raise DsmError(402, "post not found")
    return _chat(ctx).list_posts(
        channel,
        optional(params, "thread_id", int, 0),
        anchor,
        max(0, optional(params, "prev_count", int, 0)),
        max(0, optional(params, "next_count", int, 0)),
    )


def _check_rate(ctx: CallContext, creator_id: int) -> None:
    """Refuse a post as Chat does when its author posts too fast (chat.md §2.5)."""
    if _chat(ctx).posting_too_fast(creator_id):
        raise DsmError(411, "create post too fast")


@handler("SYNO.Chat.Post", "create")
async def post_create(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Post as the caller; a `file` part makes a file post; numeric type makes a broken one."""
    me = _me(ctx)
    chat = _chat(ctx)
    channel = _channel(ctx, params.get("channel_id"), me.user_id)
    kind = params.get("type", "normal")
    message = params.get("message", "")
    if not isinstance(message, str):
        raise DsmError(120, {"name": "message", "reason": "invalid"})
    upload = params.get("file")
    file_props = None
    if isinstance(upload, web.FileField):
        content = upload.file.read()
        file_props = {
            "name": upload.filename,
            "size": len(content),
            "type": upload.filename.rsplit(".", 1)[-1]
            if "." in upload.filename
            else "",
        }
        kind = "file"
    elif kind == "file":
        raise DsmError(120, {"name": "file", "reason": "required"})
    if kind not in ("normal", "file", "sticker", 0):
        raise DsmError(120, {"name": "type", "reason": "invalid"})
    if kind == "normal" and not message:
        raise DsmError(120, {"name": "message", "reason": "required"})
    _check_rate(ctx, me.user_id)
    post = await chat.create_post(
        channel,
        me.user_id,
        message,
        kind="system" if kind == 0 else kind,
        root=_thread_root(channel, params),
        file_props=file_props,
        conn_id=params.get("conn_id"),
        hidden=kind == 0,
    )
    return post.data()


def _own_post(ctx: CallContext, params: dict[str, Any]) -> tuple[Channel, Post]:
    """Return the caller's own live post: 401 not a member, 402 unknown, 415 not own."""
    me = _me(ctx)
    channel, post = _find_post(ctx, params.get("post_id"))
    if me.user_id not in channel.members:
        raise DsmError(401, "user not in channel")
    if post.delete_at:
        raise DsmError(402, "post not found")
    if post.creator_id != me.user_id:
        raise DsmError(415, "Post exceeds allowable delete time")
    return channel, post


@handler("SYNO.Chat.Post", "set")
async def post_set(ctx: CallContext, params: dict[str, Any]) -> None:
    """Edit an own post (INFERRED: 415 for someone else's, as for delete)."""
    message = require(params, "message", str, missing=120)
    channel, post = _own_post(ctx, params)
    await _chat(ctx).edit(channel, post, message)


@handler("SYNO.Chat.Post", "delete")
async def post_delete(ctx: CallContext, params: dict[str, Any]) -> None:
    """Delete an own post; others' posts are 415."""
    channel, post = _own_post(ctx, params)
    await _chat(ctx).delete(channel, post)


async def _pin(ctx: CallContext, params: dict[str, Any], *, pinned: bool) -> None:
    me = _me(ctx)
    channel, post = _find_post(ctx, params.get("post_id"))
    if me.user_id not in channel.members:
        raise DsmError(401, "user not in channel")
    post.last_pin_at = _chat(ctx).now_ms() if pinned else 0
    await _chat(ctx).changed("post_update", channel, post)


@handler("SYNO.Chat.Post", "pin")
async def post_pin(ctx: CallContext, params: dict[str, Any]) -> None:
    """Pin a post."""
    await _pin(ctx, params, pinned=True)


@handler("SYNO.Chat.Post", "unpin")
async def post_unpin(ctx: CallContext, params: dict[str, Any]) -> None:
    """Unpin a post."""
    await _pin(ctx, params, pinned=False)


@handler("SYNO.Chat.Post", "search")
async def post_search(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Search the caller's channels; `in` filters, `channel_id` does not; newest first."""
    me = _me(ctx)
    chat = _chat(ctx)
    within = optional(params, "in", list, [])
    keyword = optional(params, "keyword", str, "").casefold()
    creators = optional(params, "creator_ids", list, [])
    offset = max(0, optional(params, "offset", int, 0))
    limit = max(0, optional(params, "limit", int, 20))
    found = [
        post
        for channel in chat.channels.values()
        if me.user_id in channel.members
        and (not within or channel.channel_id in within)
        for post in channel.posts.values()
        if not post.delete_at
        and not post.hidden
        and keyword in post.message.casefold()
        and (not creators or post.creator_id in creators)
    ]
    found.sort(key=lambda post: post.create_at, reverse=True)
    return {
        "search_results": [post.data() for post in found[offset : offset + limit]],
        "total": len(found),
        "offset": offset,
        "limit": limit,
    }


async def _reaction(ctx: CallContext, params: dict[str, Any], *, remove: bool) -> None:
    me = _me(ctx)
    name = require(params, "sticker_name", str, missing=120)
    channel, post = _find_post(ctx, params.get("post_id"))
    if me.user_id not in channel.members:
        raise DsmError(401, "user not in channel")
    await _chat(ctx).react(channel, post, me.user_id, name, remove=remove)


@handler("SYNO.Chat.Post.Reaction", "set")
async def reaction_set(ctx: CallContext, params: dict[str, Any]) -> None:
    """React to a post."""
    await _reaction(ctx, params, remove=False)


@handler("SYNO.Chat.Post.Reaction", "delete")
async def reaction_delete(ctx: CallContext, params: dict[str, Any]) -> None:
    """Take a reaction back."""
    await _reaction(ctx, params, remove=True)


@handler("SYNO.Chat.Post.Vote", "create")
async def vote_create(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Create a poll: choices are objects (strings → 101), options one object (text → 117)."""
    me = _me(ctx)
    chat = _chat(ctx)
    channel = _channel(ctx, params.get("channel_id"), me.user_id)
    question = require(params, "message", str, missing=120)
    choices = require(params, "choices", list, missing=120)
    if not choices or not all(
        isinstance(c, dict) and isinstance(c.get("text"), str) for c in choices
    ):
        raise DsmError(101)
    options = params.get("options", {})
    if not isinstance(options, dict):
        raise DsmError(117)
    vote = {
        "state": "open",
        "options": {
            "multiple": bool(options.get("multiple", False)),
            "anonymous": bool(options.get("anonymous", False)),
            "add_option": bool(options.get("add_option", False)),
            "expire_at": int(options.get("expire_at", 0)),
        },
        "choices": [
            {"id": str(index), "text": c["text"], "count": 0, "voters": []}
            for index, c in enumerate(choices, 1)
        ],
    }
    post = await chat.create_post(
        channel, me.user_id, question, kind="vote", props={"vote": vote}
    )
    return post.data()


@handler("SYNO.Chat.Post.Vote", "vote")
async def vote_vote(ctx: CallContext, params: dict[str, Any]) -> None:
    """Set the caller's complete selection (string ids)."""
    me = _me(ctx)
    channel, post = _find_post(ctx, params.get("post_id"))
    if me.user_id not in channel.members:
        raise DsmError(401, "user not in channel")
    vote = post.props.get("vote")
    chosen = require(params, "choice_ids", list, missing=120)
    if vote is None or not all(isinstance(c, str) for c in chosen):
        raise DsmError(120, {"name": "choice_ids", "reason": "invalid"})
    ids = {c["id"] for c in vote["choices"]}
    if not set(chosen) <= ids or (len(chosen) > 1 and not vote["options"]["multiple"]):
        raise DsmError(120, {"name": "choice_ids", "reason": "invalid"})
    for choice in vote["choices"]:
        voters = [v for v in choice["voters"] if v != me.user_id]
        if choice["id"] in chosen:
            voters.append(me.user_id)
        choice["voters"], choice["count"] = voters, len(voters)
    await _chat(ctx).changed("post_update", channel, post)


@handler("SYNO.Chat.Post.Schedule", "create")
async def schedule_create(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Schedule a post."""
    me = _me(ctx)
    chat = _chat(ctx)
    channel = _channel(ctx, params.get("channel_id"), me.user_id)
    job = {
        "cronjob_id": chat.next_cronjob,
        "channel_id": channel.channel_id,
        "creator_id": me.user_id,
        "message": require(params, "message", str, missing=120),
        "send_at": _int_param(params, "send_at"),
    }
    chat.schedules[chat.next_cronjob] = job
    chat.next_cronjob += 1
    return {"cronjob_id": job["cronjob_id"]}


@handler("SYNO.Chat.Post.Schedule", "list")
async def schedule_list(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """List the caller's scheduled posts of a channel."""
    me = _me(ctx)
    channel = _channel(ctx, params.get("channel_id"), me.user_id)
    return {
        "schedule_posts": [
            {k: v for k, v in job.items() if k != "creator_id"}
            for job in _chat(ctx).schedules.values()
            if job["channel_id"] == channel.channel_id
            and job["creator_id"] == me.user_id
        ]
    }


@handler("SYNO.Chat.Post.Schedule", "delete")
async def schedule_delete(ctx: CallContext, params: dict[str, Any]) -> None:
    """Cancel a scheduled post of the caller."""
    me = _me(ctx)
    job = _chat(ctx).schedules.get(_int_param(params, "cronjob_id"))
    if job is None or job["creator_id"] != me.user_id:
        raise DsmError(402, "post not found")
    del _chat(ctx).schedules[job["cronjob_id"]]


def _member_post(ctx: CallContext, params: dict[str, Any]) -> tuple[int, Post]:
    me = _me(ctx)
    channel, post = _find_post(ctx, params.get("post_id"))
    if me.user_id not in channel.members:
        raise DsmError(401, "user not in channel")
    return me.user_id, post


@handler("SYNO.Chat.Post.Reminder", "set")
async def reminder_set(ctx: CallContext, params: dict[str, Any]) -> None:
    """Remind the caller of a post."""
    user_id, post = _member_post(ctx, params)
    _chat(ctx).reminders[(user_id, post.post_id)] = _int_param(params, "remind_at")


@handler("SYNO.Chat.Post.Reminder", "get")
async def reminder_get(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """When the caller is reminded of a post (0 = never); no or unknown post is 402."""
    if "post_id" not in params:
        raise DsmError(402, "post not found")  # chat.md §2.5: a probe without one
    user_id, post = _member_post(ctx, params)
    return {"remind_at": _chat(ctx).reminders.get((user_id, post.post_id), 0)}


@handler("SYNO.Chat.Post.Reminder", "list")
async def reminder_list(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """List the posts of a channel the caller set a reminder on."""
    me = _me(ctx)
    channel = _channel(ctx, params.get("channel_id"), me.user_id)
    reminders = _chat(ctx).reminders
    return {
        "posts": [
            post.data()
            for post in channel.posts.values()
            if (me.user_id, post.post_id) in reminders
        ]
    }


@handler("SYNO.Chat.Post.Reminder", "delete")
async def reminder_delete(ctx: CallContext, params: dict[str, Any]) -> None:
    """Remove the caller's reminder of a post."""
    user_id, post = _member_post(ctx, params)
    _chat(ctx).reminders.pop((user_id, post.post_id), None)


@handler("SYNO.Chat.User", "list")
async def user_list(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Every Chat user."""
    _me(ctx)
    return {"users": [user.data() for user in _chat(ctx).users.values()]}


@handler("SYNO.Chat.User", "get")
async def user_get(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """One user; without `user_id` the caller (INFERRED: bare user object)."""
    me = _me(ctx)
    user_id = optional(params, "user_id", int, me.user_id)
    user = _chat(ctx).users.get(user_id)
    if user is None:
        raise DsmError(120, {"name": "user_id", "reason": "invalid"})
    return user.data()


# --- bots and webhooks (chat.md §8) ---


def _external(ctx: CallContext, params: dict[str, Any], kind: str) -> Integration:
    """Return the legal integration of kind whose token was sent; else 404."""
    token = params.get("token")
    chat = _chat(ctx)
    integration = chat.integrations.get(token) if isinstance(token, str) else None
    if (
        integration is None
        or integration.kind != kind
        or not chat.is_legal(integration)
    ):
        raise DsmError(404, "bot is not legal")
    return integration


def _payload(params: dict[str, Any]) -> dict[str, Any]:
    payload = params.get("payload")
    if not isinstance(payload, dict):
        raise DsmError(120, {"name": "payload", "reason": "required"})
    return payload


@handler("SYNO.Chat.External", "incoming")
async def external_incoming(ctx: CallContext, params: dict[str, Any]) -> None:
    """Post into the webhook's channel."""
    integration = _external(ctx, params, INCOMING)
    text = _payload(params).get("text", "")
    if not isinstance(text, str):
        raise DsmError(120, {"name": "payload", "reason": "required"})
    channel = _chat(ctx).channels[integration.channel_id]
    _check_rate(ctx, integration.user_id)
    await _chat(ctx).create_post(channel, integration.user_id, text)


@handler("SYNO.Chat.External", "chatbot")
async def external_chatbot(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Send as a bot to users, in each one's bot conversation."""
    integration = _external(ctx, params, CHATBOT)
    payload = _payload(params)
    chat = _chat(ctx)
    user_ids = payload.get("user_ids")
    if not isinstance(user_ids, list):
        raise DsmError(120, {"name": "user_ids", "reason": "required"})
    _check_rate(ctx, integration.user_id)
    posted: dict[str, int] = {}
    for user_id in user_ids:
        members = sorted({integration.user_id, user_id})
        channel = next(
            (
                c
                for c in chat.channels.values()
                if c.type == "chatbot" and sorted(c.members) == members
            ),
            None,
        ) or chat.add_channel("", "chatbot", integration.user_id, members)
        post = await chat.create_post(
            channel, integration.user_id, str(payload.get("text", ""))
        )
        posted[str(user_id)] = post.post_id
    return {"fail": None, "succ": {"user_id_post_map": posted}}


@handler("SYNO.Chat.External", "user_list")
async def external_user_list(
    ctx: CallContext, params: dict[str, Any]
) -> dict[str, Any]:
    """Every Chat user, for a bot (a webhook's token is 404)."""
    _external(ctx, params, CHATBOT)
    return {"users": [user.data() for user in _chat(ctx).users.values()]}


@handler("SYNO.Chat.External", "channel_list")
async def external_channel_list(
    ctx: CallContext, params: dict[str, Any]
) -> dict[str, Any]:
    """List the channels the bot is a member of."""
    bot = _external(ctx, params, CHATBOT).user_id
    return {
        "channels": [
            channel.data(bot, unread=False)
            for channel in _chat(ctx).channels.values()
            if bot in channel.members
        ]
    }


@handler("SYNO.Chat.External", "post_list")
async def external_post_list(
    ctx: CallContext, params: dict[str, Any]
) -> dict[str, Any]:
    """List posts as `Post.list` does, for a bot in the channel (else 401)."""
    bot = _external(ctx, params, CHATBOT).user_id
    channel = _channel(ctx, params.get("channel_id"), bot)
    return {"posts": [post.data() for post in _listed(ctx, channel, params)]}


def _integration_data(chat: ChatStore, integration: Integration) -> dict[str, Any]:
    """Describe a webhook or chatbot as its `get`/`list` do (chat.md §3.5).

    INFERRED: the values of `app_id`, `bot_type` and `type` are not public.
    """
    bot = chat.users[integration.user_id]
    data: dict[str, Any] = {
        "user_id": integration.user_id,
        "token": integration.token,
        "nickname": bot.nickname,
        "app_id": 0,
        "bot_type": integration.kind,
        "type": bot.type,
        "creator_id": integration.creator_id,
        "create_at": integration.create_at,
        "is_disabled": not integration.enabled,
    }
    if integration.kind == INCOMING:
        data |= {"channel_id": integration.channel_id, "deleted": bot.deleted}
    else:
        data |= {"chatbot_props": integration.props, "delete_at": 0}
    return data


def _own_integration(
    ctx: CallContext, params: dict[str, Any], kind: str | None, missing: int
) -> Integration:
    """Return the caller's integration named by `user_id`; DSM's code when there is none."""
    chat = _chat(ctx)
    integration = chat.integration_of(params.get("user_id"))
    if (
        integration is None
        or (kind is not None and integration.kind != kind)
        or integration.creator_id != _me(ctx).user_id
    ):
        raise DsmError(missing)
    return integration


def _integrations(ctx: CallContext, kind: str) -> list[dict[str, Any]]:
    me = _me(ctx).user_id
    chat = _chat(ctx)
    return [
        _integration_data(chat, integration)
        for integration in chat.integrations.values()
        if integration.kind == kind and integration.creator_id == me
    ]


@handler("SYNO.Chat.Webhook.Incoming", "create")
async def incoming_create(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Create a webhook: not bound to a channel yet, without nickname, disabled."""
    integration = _chat(ctx).add_integration(INCOMING, _me(ctx).user_id)
    return {"token": integration.token, "user_id": integration.user_id}


@handler("SYNO.Chat.Webhook.Incoming", "set")
async def incoming_set(ctx: CallContext, params: dict[str, Any]) -> None:
    """Bind the caller's webhook to a channel (and name it)."""
    integration = _own_integration(ctx, params, INCOMING, 117)
    channel = _channel(ctx, params.get("channel_id"))
    nickname = optional(params, "nickname", str, "")
    integration.channel_id = channel.channel_id
    if nickname:
        _chat(ctx).users[integration.user_id].nickname = nickname


@handler("SYNO.Chat.Webhook.Incoming", "get")
async def incoming_get(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """One of the caller's webhooks, with its token; without an id 117 (chat.md §2.5)."""
    integration = _own_integration(ctx, params, INCOMING, 117)
    return _integration_data(_chat(ctx), integration)


@handler("SYNO.Chat.Webhook.Incoming", "list")
async def incoming_list(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """List the caller's incoming webhooks."""
    return {"webhook_incomings": _integrations(ctx, INCOMING)}


@handler("SYNO.Chat.Chatbot", "create")
async def chatbot_create(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Create a chatbot with its nickname, usable at once (INFERRED, chat.md §8.6)."""
    nickname = require(params, "nickname", str, missing=120)
    integration = _chat(ctx).add_integration(
        CHATBOT, _me(ctx).user_id, nickname, enabled=True
    )
    return {"token": integration.token, "user_id": integration.user_id}


@handler("SYNO.Chat.Chatbot", "set")
async def chatbot_set(ctx: CallContext, params: dict[str, Any]) -> None:
    """Change a chatbot's purpose, welcome note and visibility."""
    integration = _own_integration(ctx, params, CHATBOT, 105)
    for name, kind in (
        ("purpose", str),
        ("welcome_note", str),
        ("hide_from_user", bool),
    ):
        if name in params:
            integration.props[name] = optional(params, name, kind, "")


@handler("SYNO.Chat.Chatbot", "get")
async def chatbot_get(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """One of the caller's chatbots; without an id 105 (chat.md §2.5)."""
    return _integration_data(_chat(ctx), _own_integration(ctx, params, CHATBOT, 105))


@handler("SYNO.Chat.Chatbot", "list")
async def chatbot_list(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """List the caller's chatbots."""
    return {"chatbots": _integrations(ctx, CHATBOT)}


@handler("SYNO.Chat.Bot", "set")
async def bot_set(ctx: CallContext, params: dict[str, Any]) -> None:
    """Name a webhook or bot; without a nickname External refuses it."""
    integration = _own_integration(ctx, params, None, 105)
    nickname = require(params, "nickname", str, missing=120)
    _chat(ctx).users[integration.user_id].nickname = nickname


async def _enable(ctx: CallContext, params: dict[str, Any], *, enabled: bool) -> None:
    _own_integration(ctx, params, None, 105).enabled = enabled


@handler("SYNO.Chat.Bot", "enable")
async def bot_enable(ctx: CallContext, params: dict[str, Any]) -> None:
    """Let External accept the integration's token."""
    await _enable(ctx, params, enabled=True)


@handler("SYNO.Chat.Bot", "disable")
async def bot_disable(ctx: CallContext, params: dict[str, Any]) -> None:
    """Pause an integration: External answers 404 for it."""
    await _enable(ctx, params, enabled=False)


@handler("SYNO.Chat.Bot", "delete")
async def bot_delete(ctx: CallContext, params: dict[str, Any]) -> None:
    """Delete a webhook or bot: its token stops working, its user is deleted."""
    integration = _own_integration(ctx, params, None, 105)
    chat = _chat(ctx)
    del chat.integrations[integration.token]
    chat.users[integration.user_id].deleted = True


# --- reading state, threads, settings ---


@handler("SYNO.Chat.Channel", "view")
async def channel_view(ctx: CallContext, params: dict[str, Any]) -> None:
    """Mark a channel read up to `last_view_at` (chat.md §4.3)."""
    me = _me(ctx)
    channel = _channel(ctx, params.get("channel_id"), me.user_id)
    channel.last_view_at[me.user_id] = _int_param(params, "last_view_at")
    await _chat(ctx).changed("channel_update", channel)


async def _close(ctx: CallContext, params: dict[str, Any]) -> None:
    """Take a conversation off the caller's list; its posts stay (chat.md §4.5).

    INFERRED: archive has the same effect for the caller as close, and a new post in the
    conversation brings it back.
    """
    me = _me(ctx)
    channel = _channel(ctx, params.get("channel_id"), me.user_id)
    channel.closed_by.add(me.user_id)


@handler("SYNO.Chat.Channel", "close")
async def channel_close(ctx: CallContext, params: dict[str, Any]) -> None:
    """Close a conversation."""
    await _close(ctx, params)


@handler("SYNO.Chat.Channel", "archive")
async def channel_archive(ctx: CallContext, params: dict[str, Any]) -> None:
    """Archive a conversation."""
    await _close(ctx, params)


@handler("SYNO.Chat.Post", "thread_list")
async def post_thread_list(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Thread roots of a channel (latest reply first) and their newest replies."""
    me = _me(ctx)
    channel = _channel(ctx, params.get("channel_id"), me.user_id)
    offset = max(0, optional(params, "offset", int, 0))
    limit = max(0, optional(params, "limit", int, 20))
    related = max(0, optional(params, "related_comment_count", int, 0))
    roots = sorted(
        (p for p in channel.posts.values() if p.thread_id == p.post_id),
        key=lambda p: p.last_comment_at,
        reverse=True,
    )
    page = roots[offset : offset + limit]
    replies: list[Post] = []
    for root in page:
        thread = sorted(
            (
                p
                for p in channel.posts.values()
                if p.is_reply and p.thread_id == root.post_id
            ),
            key=lambda p: p.post_id,
        )
        replies += thread[-related:] if related else []
    return {
        "search_results": [post.data() for post in page],
        "related_posts": [post.data() for post in replies],
        "total": len(roots),
    }


@handler("SYNO.Chat.Post.Subscribe", "view")
async def subscribe_view(ctx: CallContext, params: dict[str, Any]) -> None:
    """Mark a thread read (chat.md §4.3; its effect on counts is not known)."""
    me = _me(ctx)
    channel = _channel(ctx, params.get("channel_id"), me.user_id)
    if ChatStore.thread_root(channel, _int_param(params, "thread_id")) is None:
        raise DsmError(402, "post not found")


@handler("SYNO.Chat.Post.Vote", "get_choices")
async def vote_get_choices(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Return the choices of a poll, with counts and voters (chat.md §6.10)."""
    _, post = _member_post(ctx, params)
    vote = post.props.get("vote")
    if vote is None:
        raise DsmError(120, {"name": "post_id", "reason": "invalid"})
    return {"choices": vote["choices"]}


# INFERRED values (chat.md §6.3, §7): what a NAS whose admin kept Chat's defaults shows.
CHAT_ADMIN_SETTINGS = {
    "allow_edit_message": True,
    "allow_edit_message_time_within_min": 0,
}


@handler("SYNO.Chat.Admin.Setting", "get")
async def admin_setting_get(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Chat's settings every user may read (whether and how long posts can be edited)."""
    _me(ctx)
    return dict(CHAT_ADMIN_SETTINGS)
