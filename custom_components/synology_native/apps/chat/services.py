"""Synology Chat actions: messages, reactions, polls, reminders and look-ups."""

from collections.abc import Mapping
from datetime import datetime
import mimetypes
from pathlib import Path
from typing import Any

import aiohttp
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
)
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.util import dt as dt_util
import probatio
from yarl import URL

from custom_components.synology_native.api.chat import (
    MAX_FILE_BYTES,
    MAX_MESSAGE_LENGTH,
    REACTION_NAMES,
    ChatPost,
    PollOptions,
    channel_of_post,
    mention_text,
)
from custom_components.synology_native.apps.chat.listener import (
    CHAT,
    ChatApp,
    ChatListener,
)
from custom_components.synology_native.const import DOMAIN
from custom_components.synology_native.data import DsmConfigEntry
from custom_components.synology_native.error_policy import translate_dsm_errors
from custom_components.synology_native.services import (
    ATTR_LIMIT,
    ENTRY_FIELD,
    LIMIT_FIELD,
    Action,
    invalid,
    loaded_app,
    parse_time,
)
from custom_components.synology_native.services.files import open_for_reading

ATTR_CHANNEL = "channel"
ATTR_USER = "user"
ATTR_MESSAGE = "message"
ATTR_THREAD_ID = "thread_id"
ATTR_FILE_PATH = "file_path"
ATTR_FILE_URL = "file_url"
# A file URL may redirect this many times; each hop must be allowed.
MAX_REDIRECTS = 5
REDIRECTS = frozenset({301, 302, 303, 307, 308})
CHUNK_BYTES = 256 * 1024
ATTR_MENTIONS = "mentions"
ATTR_POST_ID = "post_id"
ATTR_REACTION = "reaction"
ATTR_REMOVE = "remove"
ATTR_QUESTION = "question"
ATTR_CHOICES = "choices"
ATTR_MULTIPLE = "multiple"
ATTR_ANONYMOUS = "anonymous"
ATTR_ALLOW_ADD_CHOICES = "allow_add_choices"
ATTR_EXPIRES_AT = "expires_at"
ATTR_SEND_AT = "send_at"
ATTR_REMIND_AT = "remind_at"
ATTR_KEYWORD = "keyword"

_TARGET = {
    probatio.Exclusive(ATTR_CHANNEL, "target"): cv.string,
    probatio.Exclusive(ATTR_USER, "target"): cv.string,
}
_POST = {probatio.Required(ATTR_POST_ID): probatio.Coerce(int)}


def _time_field(name: str, *, required: bool = True) -> dict[Any, Any]:
    """Take a time as given; the action reads it, so a bad one gets a translated error."""
    return {(probatio.Required if required else probatio.Optional)(name): object}


SEND_MESSAGE_SCHEMA = probatio.Schema(
    {
        **ENTRY_FIELD,
        **_TARGET,
        probatio.Optional(ATTR_MESSAGE, default=""): cv.string,
        probatio.Optional(ATTR_THREAD_ID): probatio.Coerce(int),
        probatio.Exclusive(ATTR_FILE_PATH, "file"): cv.string,
        # Any text: the allowlist check in the action refuses what is not an allowed URL.
        probatio.Exclusive(ATTR_FILE_URL, "file"): cv.string,
        probatio.Optional(ATTR_MENTIONS, default=[]): probatio.All(
            cv.ensure_list, [cv.string]
        ),
    }
)
EDIT_MESSAGE_SCHEMA = probatio.Schema(
    {**ENTRY_FIELD, **_POST, probatio.Required(ATTR_MESSAGE): cv.string}
)
DELETE_MESSAGE_SCHEMA = probatio.Schema({**ENTRY_FIELD, **_POST})
REACT_SCHEMA = probatio.Schema(
    {
        **ENTRY_FIELD,
        **_POST,
        probatio.Required(ATTR_REACTION): cv.string,
        probatio.Optional(ATTR_REMOVE, default=False): cv.boolean,
    }
)
CREATE_POLL_SCHEMA = probatio.Schema(
    {
        **ENTRY_FIELD,
        **_TARGET,
        probatio.Required(ATTR_QUESTION): cv.string,
        probatio.Required(ATTR_CHOICES): probatio.All(
            cv.ensure_list, [cv.string], probatio.Length(min=2)
        ),
        probatio.Optional(ATTR_MULTIPLE, default=False): cv.boolean,
        probatio.Optional(ATTR_ANONYMOUS, default=False): cv.boolean,
        probatio.Optional(ATTR_ALLOW_ADD_CHOICES, default=False): cv.boolean,
        **_time_field(ATTR_EXPIRES_AT, required=False),
    }
)
SCHEDULE_MESSAGE_SCHEMA = probatio.Schema(
    {
        **ENTRY_FIELD,
        **_TARGET,
        probatio.Required(ATTR_MESSAGE): cv.string,
        **_time_field(ATTR_SEND_AT),
    }
)
SET_REMINDER_SCHEMA = probatio.Schema(
    {**ENTRY_FIELD, **_POST, **_time_field(ATTR_REMIND_AT)}
)
SEARCH_MESSAGES_SCHEMA = probatio.Schema(
    {
        **ENTRY_FIELD,
        probatio.Required(ATTR_KEYWORD): cv.string,
        probatio.Optional(ATTR_CHANNEL): cv.string,
        **LIMIT_FIELD,
    }
)
LIST_SCHEMA = probatio.Schema(ENTRY_FIELD)


def _channel_id(chat: ChatListener, value: str) -> int:
    """Find a joined channel by id or name (case-insensitive)."""
    text = value.strip()
    for channel in chat.channels.values():
        if channel.is_joined and (
            str(channel.channel_id) == text
            or (channel.name and channel.name.casefold() == text.casefold())
        ):
            return channel.channel_id
    raise invalid("unknown_channel", channel=value)


def _user_id(chat: ChatListener, value: str) -> int:
    """Find a person by id, account name or nickname (case-insensitive)."""
    text = value.strip().removeprefix("@").casefold()
    for user in chat.users.values():
        if text in (str(user.user_id), user.username.casefold()) or (
            user.nickname and user.nickname.casefold() == text
        ):
            return user.user_id
    raise invalid("unknown_user", user=value)


def _direct_user_id(chat: ChatListener, value: str) -> int:
    """Find a person to write to directly: anyone but the signed-in user."""
    user_id = _user_id(chat, value)
    if chat.me is not None and user_id == chat.me.user_id:
        raise invalid("unknown_user", user=value)
    return user_id


async def _target(call: ServiceCall, entry: DsmConfigEntry, chat: ChatApp) -> int:
    """Return the channel the call names, opening a direct message for a user."""
    if (channel := call.data.get(ATTR_CHANNEL)) is not None:
        return _channel_id(chat.listener, channel)
    if (user := call.data.get(ATTR_USER)) is None:
        raise invalid("no_target")
    user_id = _direct_user_id(chat.listener, user)
    with translate_dsm_errors(call.hass, entry):
        direct = await chat.client.direct_channel(user_id)
    return direct.channel_id


def _known_post(chat: ChatListener, post_id: int) -> int:
    """Check that a post id belongs to a joined channel."""
    channel = chat.channels.get(channel_of_post(post_id))
    if channel is None or not channel.is_joined:
        raise invalid("unknown_post", post_id=str(post_id))
    return post_id


def _future_ms(value: Any) -> int:
    """Read a date and time that must lie ahead, as epoch milliseconds."""
    moment = parse_time(value, dates=False)
    if not isinstance(moment, datetime):
        raise invalid("invalid_time", time=str(value))
    moment = dt_util.as_utc(moment)
    if moment <= dt_util.utcnow():
        raise invalid("time_in_past")
    return int(moment.timestamp() * 1000)


def _message(text: str) -> str:
    """Return message text DSM can take; blank text is refused by the caller."""
    if len(text) > MAX_MESSAGE_LENGTH:
        raise invalid("message_too_long", limit=str(MAX_MESSAGE_LENGTH))
    return text


def _check_thread(chat: ChatListener, data: Mapping[str, Any]) -> int | None:
    """Check that the thread to reply to is in the conversation the call names."""
    thread_id: int | None = data.get(ATTR_THREAD_ID)
    if not thread_id:
        return None
    channel = chat.channels.get(channel_of_post(thread_id))
    if channel is None or not channel.is_joined:
        raise invalid("unknown_post", post_id=str(thread_id))
    if ATTR_CHANNEL in data:
        same = channel.channel_id == _channel_id(chat, data[ATTR_CHANNEL])
    else:
        same = channel.is_direct and _user_id(chat, data[ATTR_USER]) in channel.members
    if not same:
        raise invalid("thread_not_in_channel")
    return thread_id


async def _read_file(hass: HomeAssistant, path: str) -> tuple[str, bytes]:
    """Read a file Home Assistant is allowed to read, whole, up to Chat's limit."""
    if not await hass.async_add_executor_job(hass.config.is_allowed_path, path):
        raise invalid("path_not_allowed", path=path)
    file = await open_for_reading(
        hass, Path(path), lambda: invalid("file_not_readable", path=path)
    )
    try:
        content = await hass.async_add_executor_job(file.read, MAX_FILE_BYTES + 1)
    finally:
        await hass.async_add_executor_job(file.close)
    if len(content) > MAX_FILE_BYTES:
        raise invalid("file_too_large")
    return Path(path).name, content


async def _download(hass: HomeAssistant, url: str) -> tuple[str, bytes]:
    """Fetch a whole file with Home Assistant's HTTP session, from allowed URLs only.

    Redirects are followed here, each hop checked against the allowlist, so an allowed
    server cannot send the request on to a host that is not. A body over Chat's limit
    is refused, never cut.
    """
    session = async_get_clientsession(hass)
    try:
        for _ in range(MAX_REDIRECTS + 1):
            if not hass.config.is_allowed_external_url(url):
                raise invalid("url_not_allowed", url=url)
            async with session.get(url, allow_redirects=False) as response:
                if response.status in REDIRECTS and "Location" in response.headers:
                    url = str(response.url.join(URL(response.headers["Location"])))
                    continue
                response.raise_for_status()
                return URL(url).name or "file", await _whole_body(response)
    except (aiohttp.ClientError, TimeoutError) as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="download_failed",
            translation_placeholders={"error": err.__class__.__name__},
        ) from err
    raise invalid("too_many_redirects", url=url)


async def _whole_body(response: aiohttp.ClientResponse) -> bytes:
    """Read a body to its end; refuse one over Chat's limit before reading it all."""
    if (response.content_length or 0) > MAX_FILE_BYTES:
        raise invalid("file_too_large")
    content = bytearray()
    async for chunk in response.content.iter_chunked(CHUNK_BYTES):
        content += chunk
        if len(content) > MAX_FILE_BYTES:
            raise invalid("file_too_large")
    return bytes(content)


def _post_data(chat: ChatListener, post: ChatPost) -> dict[str, Any]:
    """Describe a post in an action response, as the bus events do."""
    channel = chat.channels.get(post.channel_id)
    if channel is None:
        return {"post_id": post.post_id, "channel_id": post.channel_id}
    data = chat.event_data(channel, post)
    data.pop("config_entry_id")
    return data


async def _send_message(call: ServiceCall) -> ServiceResponse:
    entry, chat = loaded_app(call, CHAT)
    data = call.data
    mentions = [_user_id(chat.listener, user) for user in data[ATTR_MENTIONS]]
    text = _message(
        " ".join(
            [*(mention_text(user) for user in mentions), data[ATTR_MESSAGE].strip()]
        ).strip()
    )
    has_file = ATTR_FILE_PATH in data or ATTR_FILE_URL in data
    if not data[ATTR_MESSAGE].strip() and not has_file:
        raise invalid("empty_message")
    # Everything is checked before anything is read or sent.
    if ATTR_CHANNEL in data:
        _channel_id(chat.listener, data[ATTR_CHANNEL])
    elif ATTR_USER in data:
        _direct_user_id(chat.listener, data[ATTR_USER])
    else:
        raise invalid("no_target")
    thread_id = _check_thread(chat.listener, data)
    upload = None
    if ATTR_FILE_PATH in data:
        upload = await _read_file(call.hass, data[ATTR_FILE_PATH])
    elif ATTR_FILE_URL in data:
        upload = await _download(call.hass, data[ATTR_FILE_URL])
    channel_id = await _target(call, entry, chat)
    with translate_dsm_errors(call.hass, entry):
        if upload is not None:
            name, content = upload
            post = await chat.client.send_file(
                channel_id,
                name,
                content,
                message=text,
                thread_id=thread_id,
                content_type=mimetypes.guess_type(name)[0]
                or "application/octet-stream",
            )
        else:
            post = await chat.client.send(
                channel_id, text, thread_id=thread_id, conn_id=chat.listener.conn_id
            )
    chat.listener.async_request_catch_up()
    return {"post_id": post.post_id, "channel_id": channel_id}


async def _edit_message(call: ServiceCall) -> None:
    entry, chat = loaded_app(call, CHAT)
    post_id = _known_post(chat.listener, call.data[ATTR_POST_ID])
    if not call.data[ATTR_MESSAGE].strip():
        raise invalid("empty_message")
    message = _message(call.data[ATTR_MESSAGE])
    with translate_dsm_errors(call.hass, entry):
        await chat.client.edit(post_id, message)
    chat.listener.async_request_catch_up()


async def _delete_message(call: ServiceCall) -> None:
    entry, chat = loaded_app(call, CHAT)
    post_id = _known_post(chat.listener, call.data[ATTR_POST_ID])
    with translate_dsm_errors(call.hass, entry):
        await chat.client.delete(post_id)
    chat.listener.async_request_catch_up()


async def _react(call: ServiceCall) -> None:
    entry, chat = loaded_app(call, CHAT)
    post_id = _known_post(chat.listener, call.data[ATTR_POST_ID])
    name = call.data[ATTR_REACTION].strip().strip(":")
    if not name:
        raise invalid("empty_reaction")
    if name not in REACTION_NAMES:
        raise invalid("unknown_reaction", reaction=name)
    with translate_dsm_errors(call.hass, entry):
        await chat.client.react(post_id, name, remove=call.data[ATTR_REMOVE])
    chat.listener.async_request_catch_up()


async def _create_poll(call: ServiceCall) -> ServiceResponse:
    entry, chat = loaded_app(call, CHAT)
    data = call.data
    choices = [_message(choice.strip()) for choice in data[ATTR_CHOICES]]
    if not data[ATTR_QUESTION].strip() or not all(choices):
        raise invalid("empty_message")
    question = _message(data[ATTR_QUESTION].strip())
    expires = data.get(ATTR_EXPIRES_AT)
    options = PollOptions(
        multiple=data[ATTR_MULTIPLE],
        anonymous=data[ATTR_ANONYMOUS],
        add_option=data[ATTR_ALLOW_ADD_CHOICES],
        expire_at=_future_ms(expires) if expires else 0,
    )
    channel_id = await _target(call, entry, chat)
    with translate_dsm_errors(call.hass, entry):
        post = await chat.client.create_poll(channel_id, question, choices, options)
    chat.listener.async_request_catch_up()
    return {"post_id": post.post_id, "channel_id": channel_id}


async def _schedule_message(call: ServiceCall) -> ServiceResponse:
    entry, chat = loaded_app(call, CHAT)
    if not call.data[ATTR_MESSAGE].strip():
        raise invalid("empty_message")
    message = _message(call.data[ATTR_MESSAGE])
    send_at = _future_ms(call.data[ATTR_SEND_AT])
    channel_id = await _target(call, entry, chat)
    with translate_dsm_errors(call.hass, entry):
        job = await chat.client.schedule(channel_id, message, send_at)
    return {"schedule_id": job, "channel_id": channel_id}


async def _set_reminder(call: ServiceCall) -> None:
    entry, chat = loaded_app(call, CHAT)
    post_id = _known_post(chat.listener, call.data[ATTR_POST_ID])
    remind_at = _future_ms(call.data[ATTR_REMIND_AT])
    with translate_dsm_errors(call.hass, entry):
        await chat.client.set_reminder(post_id, remind_at)


async def _search_messages(call: ServiceCall) -> ServiceResponse:
    entry, chat = loaded_app(call, CHAT)
    channels = (
        [_channel_id(chat.listener, call.data[ATTR_CHANNEL])]
        if ATTR_CHANNEL in call.data
        else []
    )
    with translate_dsm_errors(call.hass, entry):
        found = await chat.client.search(
            call.data[ATTR_KEYWORD], channel_ids=channels, limit=call.data[ATTR_LIMIT]
        )
    return {
        "total": found.total,
        "messages": [_post_data(chat.listener, post) for post in found.posts],
    }


async def _list_channels(call: ServiceCall) -> ServiceResponse:
    chat = loaded_app(call, CHAT)[1].listener
    return {
        "channels": [
            {
                "channel_id": channel.channel_id,
                "name": chat.channel_name(channel),
                "type": channel.type,
                "joined": channel.is_joined,
                "unread": channel.unread,
                "members": [
                    chat.users[m].display_name if m in chat.users else str(m)
                    for m in channel.members
                ],
            }
            for channel in sorted(chat.channels.values(), key=lambda c: c.channel_id)
        ]
    }


async def _list_users(call: ServiceCall) -> ServiceResponse:
    chat = loaded_app(call, CHAT)[1].listener
    return {
        "users": [
            {
                "user_id": user.user_id,
                "username": user.username,
                "nickname": user.nickname,
                "type": user.type,
                "me": chat.me is not None and user.user_id == chat.me.user_id,
            }
            for user in sorted(chat.users.values(), key=lambda u: u.user_id)
            if not user.deleted
        ]
    }


ACTIONS = (
    Action(
        "send_message", _send_message, SEND_MESSAGE_SCHEMA, SupportsResponse.OPTIONAL
    ),
    Action("edit_message", _edit_message, EDIT_MESSAGE_SCHEMA),
    Action("delete_message", _delete_message, DELETE_MESSAGE_SCHEMA),
    Action("react", _react, REACT_SCHEMA),
    Action("create_poll", _create_poll, CREATE_POLL_SCHEMA, SupportsResponse.OPTIONAL),
    Action(
        "schedule_message",
        _schedule_message,
        SCHEDULE_MESSAGE_SCHEMA,
        SupportsResponse.OPTIONAL,
    ),
    Action("set_reminder", _set_reminder, SET_REMINDER_SCHEMA),
    Action(
        "search_messages",
        _search_messages,
        SEARCH_MESSAGES_SCHEMA,
        SupportsResponse.ONLY,
    ),
    Action("list_channels", _list_channels, LIST_SCHEMA, SupportsResponse.ONLY),
    Action("list_users", _list_users, LIST_SCHEMA, SupportsResponse.ONLY),
)


# The DSM methods these actions (or Home Assistant's to-do actions, "todo.*") do the
# work of; call_api covers every other method (services/call_api.py, docs/endpoints.md).
COVERS: Mapping[tuple[str, str], str] = {
    ("SYNO.Chat.Post", "create"): "send_message",
    ("SYNO.Chat.Channel.Anonymous", "initiate"): "send_message",
    ("SYNO.Chat.Post", "set"): "edit_message",
    ("SYNO.Chat.Post", "delete"): "delete_message",
    ("SYNO.Chat.Post.Reaction", "set"): "react",
    ("SYNO.Chat.Post.Reaction", "delete"): "react",
    ("SYNO.Chat.Post.Vote", "create"): "create_poll",
    ("SYNO.Chat.Post.Schedule", "create"): "schedule_message",
    ("SYNO.Chat.Post.Reminder", "set"): "set_reminder",
    ("SYNO.Chat.Post", "search"): "search_messages",
    ("SYNO.Chat.Channel", "list"): "list_channels",
    ("SYNO.Chat.User", "list"): "list_users",
}
