"""Actions of Synology Native, registered once in async_setup.

Every action names its config entry (or uses the only loaded one). Bad input is a
translated ServiceValidationError raised before anything is sent to the NAS; what
DSM refuses is translated by translate_dsm_errors.
"""

from dataclasses import dataclass
from datetime import date, datetime
import mimetypes
from pathlib import Path
from typing import Any

import aiohttp
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import config_validation as cv, service
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.util import dt as dt_util
from markdown_it import MarkdownIt
import probatio
from yarl import URL

from .api import DsmApp
from .api.chat import (
    MAX_FILE_BYTES,
    ChatPost,
    PollOptions,
    channel_of_post,
    mention_text,
)
from .api.notestation import (
    UNCHANGED,
    Note,
    Notebook,
    NoteSummary,
    Todo,
    TodoChanges,
    TodoPriority,
)
from .chat_listener import ChatListener
from .const import APP_NAMES, DOMAIN
from .coordinator import NoteStationCoordinator, NoteStationSnapshot
from .data import DsmConfigEntry
from .due import due_for_dsm, due_for_home_assistant, is_overdue
from .exceptions import translate_dsm_errors

ATTR_CONFIG_ENTRY_ID = "config_entry_id"


def loaded_entry(call: ServiceCall, app: DsmApp) -> DsmConfigEntry:
    """Return the loaded entry the call names (or the only one) that uses app."""
    entry: DsmConfigEntry = service.async_get_config_entry(
        call.hass, DOMAIN, call.data.get(ATTR_CONFIG_ENTRY_ID)
    )
    if app not in entry.runtime_data.apps:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="app_not_used",
            translation_placeholders={"app": APP_NAMES[app]},
        )
    return entry


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register every action of the integration."""
    _async_setup_notestation_services(hass)
    _async_setup_chat_services(hass)


def _invalid(key: str, **placeholders: str) -> ServiceValidationError:
    """Build the translated error for bad input."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders or None,
    )


# --- Note Station ------------------------------------------------------------------

ATTR_BODY = "body"
ATTR_BODY_FORMAT = "body_format"
ATTR_COMMENT = "comment"
ATTR_DONE = "done"
ATTR_DUE = "due"
ATTR_LIMIT = "limit"
ATTR_NOTE = "note"
ATTR_NOTEBOOK = "notebook"
ATTR_OVERDUE = "overdue"
ATTR_PARENT = "parent"
ATTR_PRIORITY = "priority"
ATTR_QUERY = "query"
ATTR_STAR = "star"
ATTR_STATUS = "status"
ATTR_TAGS = "tags"
ATTR_TEXT = "text"
ATTR_TITLE = "title"
ATTR_TODO = "todo"

FORMAT_MARKDOWN = "markdown"
FORMAT_HTML = "html"
PRIORITY_NONE = "none"
PRIORITY_CHOICES = [PRIORITY_NONE, *TodoPriority]
STATUS_OPEN = "open"
STATUS_DONE = "done"
STATUS_ALL = "all"

# Markdown as CommonMark; raw HTML in it is shown as text, a line break stays one.
MARKDOWN = MarkdownIt("commonmark", {"html": False, "breaks": True})

ENTRY_FIELD = {probatio.Optional(ATTR_CONFIG_ENTRY_ID): cv.string}
BODY_FORMAT_FIELD = {
    probatio.Optional(ATTR_BODY_FORMAT, default=FORMAT_MARKDOWN): probatio.In(
        [FORMAT_MARKDOWN, FORMAT_HTML]
    )
}
# Due dates are checked in the action, so a wrong type gets a translated message.
DUE_FIELD = {probatio.Optional(ATTR_DUE): object}

CREATE_NOTE_SCHEMA = probatio.Schema(
    {
        **ENTRY_FIELD,
        probatio.Required(ATTR_TITLE): cv.string,
        probatio.Required(ATTR_BODY): cv.string,
        **BODY_FORMAT_FIELD,
        probatio.Required(ATTR_NOTEBOOK): cv.string,
        probatio.Optional(ATTR_TAGS, default=list): probatio.All(
            cv.ensure_list, [cv.string]
        ),
    }
)
APPEND_TO_NOTE_SCHEMA = probatio.Schema(
    {
        **ENTRY_FIELD,
        probatio.Required(ATTR_NOTE): cv.string,
        probatio.Required(ATTR_TEXT): cv.string,
        **BODY_FORMAT_FIELD,
    }
)
GET_NOTE_SCHEMA = probatio.Schema(
    {**ENTRY_FIELD, probatio.Required(ATTR_NOTE): cv.string}
)
SEARCH_NOTES_SCHEMA = probatio.Schema(
    {
        **ENTRY_FIELD,
        probatio.Required(ATTR_QUERY): cv.string,
        probatio.Optional(ATTR_LIMIT, default=20): probatio.All(
            probatio.Coerce(int), probatio.Range(min=1, max=100)
        ),
    }
)
LIST_NOTEBOOKS_SCHEMA = probatio.Schema(ENTRY_FIELD)
CREATE_TODO_SCHEMA = probatio.Schema(
    {
        **ENTRY_FIELD,
        probatio.Required(ATTR_TITLE): cv.string,
        **DUE_FIELD,
        probatio.Optional(ATTR_PRIORITY): probatio.In(PRIORITY_CHOICES),
        probatio.Optional(ATTR_STAR): cv.boolean,
        probatio.Optional(ATTR_COMMENT): cv.string,
        probatio.Optional(ATTR_PARENT): cv.string,
        probatio.Optional(ATTR_NOTE): cv.string,
    }
)
UPDATE_TODO_SCHEMA = probatio.Schema(
    {
        **ENTRY_FIELD,
        probatio.Required(ATTR_TODO): cv.string,
        probatio.Optional(ATTR_TITLE): cv.string,
        probatio.Optional(ATTR_DONE): cv.boolean,
        probatio.Optional(ATTR_STAR): cv.boolean,
        probatio.Optional(ATTR_PRIORITY): probatio.In(PRIORITY_CHOICES),
        probatio.Optional(ATTR_COMMENT): cv.string,
        **DUE_FIELD,
    }
)
GET_TODOS_SCHEMA = probatio.Schema(
    {
        **ENTRY_FIELD,
        probatio.Optional(ATTR_STATUS, default=STATUS_ALL): probatio.In(
            [STATUS_OPEN, STATUS_DONE, STATUS_ALL]
        ),
        probatio.Optional(ATTR_STAR): cv.boolean,
        probatio.Optional(ATTR_PRIORITY): probatio.All(
            cv.ensure_list, [probatio.In(PRIORITY_CHOICES)]
        ),
        probatio.Optional(ATTR_OVERDUE): cv.boolean,
    }
)


@callback
def _async_setup_notestation_services(hass: HomeAssistant) -> None:
    """Register the Note Station actions."""
    for name, handler, schema, supports_response in (
        ("create_note", _create_note, CREATE_NOTE_SCHEMA, SupportsResponse.OPTIONAL),
        (
            "append_to_note",
            _append_to_note,
            APPEND_TO_NOTE_SCHEMA,
            SupportsResponse.NONE,
        ),
        ("get_note", _get_note, GET_NOTE_SCHEMA, SupportsResponse.ONLY),
        ("search_notes", _search_notes, SEARCH_NOTES_SCHEMA, SupportsResponse.ONLY),
        (
            "list_notebooks",
            _list_notebooks,
            LIST_NOTEBOOKS_SCHEMA,
            SupportsResponse.ONLY,
        ),
        ("create_todo", _create_todo, CREATE_TODO_SCHEMA, SupportsResponse.OPTIONAL),
        ("update_todo", _update_todo, UPDATE_TODO_SCHEMA, SupportsResponse.NONE),
        ("get_todos", _get_todos, GET_TODOS_SCHEMA, SupportsResponse.ONLY),
    ):
        hass.services.async_register(
            DOMAIN, name, handler, schema=schema, supports_response=supports_response
        )


@dataclass(frozen=True, slots=True)
class _NoteStationCall:
    """The entry and coordinator a Note Station action works with."""

    entry: DsmConfigEntry
    coordinator: NoteStationCoordinator

    @property
    def snapshot(self) -> NoteStationSnapshot:
        return self.coordinator.data


def _notestation(call: ServiceCall) -> _NoteStationCall:
    entry = loaded_entry(call, DsmApp.NOTESTATION)
    coordinator = entry.runtime_data.notestation
    assert coordinator is not None  # noqa: S101 - set whenever the app is used
    return _NoteStationCall(entry, coordinator)


def _html(text: str, body_format: str) -> str:
    """Return note HTML for text written in Markdown or already in HTML."""
    return text if body_format == FORMAT_HTML else MARKDOWN.render(text)


def _notebook(snapshot: NoteStationSnapshot, value: str) -> Notebook:
    """Find a notebook by id, else by title (any case)."""
    for notebook in snapshot.notebooks:
        if value in (notebook.object_id, notebook.title) or (
            notebook.title.casefold() == value.casefold()
        ):
            return notebook
    raise _invalid("notebook_not_found", notebook=value)


def _todo(snapshot: NoteStationSnapshot, value: str, *, top_level: bool) -> Todo:
    """Find a to-do by id, else by title (any case); top_level skips subtasks."""
    for todo in snapshot.todos:
        if top_level and todo.parent_id is not None:
            continue
        if todo.object_id == value or todo.title.casefold() == value.casefold():
            return todo
    raise _invalid("parent_not_found" if top_level else "todo_not_found", todo=value)


def _due(value: Any) -> datetime | None:
    """Read a due date ("2026-11-05") or date and time; None clears it."""
    if value is None:
        return None
    if isinstance(value, date):
        return due_for_dsm(value)
    if isinstance(value, str):
        if (day := dt_util.parse_date(value)) is not None:
            return due_for_dsm(day)
        if (moment := dt_util.parse_datetime(value)) is not None:
            return due_for_dsm(moment)
    raise _invalid("invalid_due", due=str(value))


def _priority(value: str) -> TodoPriority | None:
    return None if value == PRIORITY_NONE else TodoPriority(value)


def _note_data(note: NoteSummary, snapshot: NoteStationSnapshot) -> dict[str, Any]:
    notebook = next(
        (nb.title for nb in snapshot.notebooks if nb.object_id == note.notebook_id), ""
    )
    data: dict[str, Any] = {
        "id": note.object_id,
        "title": note.title,
        "notebook": notebook,
        "notebook_id": note.notebook_id,
        "brief": note.brief,
        "created": None if note.ctime is None else note.ctime.isoformat(),
        "modified": None if note.mtime is None else note.mtime.isoformat(),
    }
    if isinstance(note, Note):
        data |= {"content": note.content, "tags": list(note.tags)}
    return data


def _todo_data(todo: Todo) -> dict[str, Any]:
    due = None if todo.due is None else due_for_home_assistant(todo.due)
    return {
        "id": todo.object_id,
        "title": todo.title,
        "done": todo.done,
        "star": todo.star,
        "priority": todo.priority or PRIORITY_NONE,
        "due": None if due is None else due.isoformat(),
        "comment": todo.comment,
        "parent_id": todo.parent_id,
        "subtask_ids": list(todo.subtask_ids),
        "note_id": todo.note_id,
        "note_title": todo.note_title,
    }


async def _create_note(call: ServiceCall) -> ServiceResponse:
    notestation = _notestation(call)
    notebook = _notebook(notestation.snapshot, call.data[ATTR_NOTEBOOK])
    html = _html(call.data[ATTR_BODY], call.data[ATTR_BODY_FORMAT])
    client = notestation.coordinator.notestation
    with translate_dsm_errors(call.hass, notestation.entry):
        created = await client.create_note(
            notebook.object_id, call.data[ATTR_TITLE], html
        )
        if tags := call.data[ATTR_TAGS]:
            # Note.create takes no tags; they are set on the revision it made.
            await client.set_note(created.object_id, created.ver, tags=tags)
        note = await client.note(created.object_id)
    await notestation.coordinator.async_refresh()
    return {"note": _note_data(note, notestation.snapshot)}


async def _append_to_note(call: ServiceCall) -> None:
    notestation = _notestation(call)
    addition = _html(call.data[ATTR_TEXT], call.data[ATTR_BODY_FORMAT])
    client = notestation.coordinator.notestation
    with translate_dsm_errors(call.hass, notestation.entry):
        note = await client.note(call.data[ATTR_NOTE])
        if note.encrypted:
            # Its content is ciphertext only the user's password opens.
            raise _invalid("note_encrypted", note=note.title)
        # Written only if nobody changed the note since it was read; else DSM
        # refuses and the other device's change stays (a conflict error).
        await client.set_note(note.object_id, note.ver, html=note.content + addition)
    await notestation.coordinator.async_refresh()


async def _get_note(call: ServiceCall) -> ServiceResponse:
    notestation = _notestation(call)
    with translate_dsm_errors(call.hass, notestation.entry):
        note = await notestation.coordinator.notestation.note(call.data[ATTR_NOTE])
    return {"note": _note_data(note, notestation.snapshot)}


async def _search_notes(call: ServiceCall) -> ServiceResponse:
    notestation = _notestation(call)
    with translate_dsm_errors(call.hass, notestation.entry):
        notes = await notestation.coordinator.notestation.search(
            call.data[ATTR_QUERY], call.data[ATTR_LIMIT]
        )
    return {"notes": [_note_data(note, notestation.snapshot) for note in notes]}


async def _list_notebooks(call: ServiceCall) -> ServiceResponse:
    snapshot = _notestation(call).snapshot
    return {
        "notebooks": [
            {
                "id": notebook.object_id,
                "title": notebook.title,
                "stack": notebook.stack,
                "note_count": len(notebook.note_ids),
            }
            for notebook in snapshot.notebooks
        ]
    }


async def _create_todo(call: ServiceCall) -> ServiceResponse:
    notestation = _notestation(call)
    parent = (
        _todo(notestation.snapshot, call.data[ATTR_PARENT], top_level=True)
        if ATTR_PARENT in call.data
        else None
    )
    due = _due(call.data.get(ATTR_DUE))
    with translate_dsm_errors(call.hass, notestation.entry):
        todo = await notestation.coordinator.notestation.create_todo(
            call.data[ATTR_TITLE],
            parent_id=None if parent is None else parent.object_id,
            due=due,
            comment=call.data.get(ATTR_COMMENT, ""),
            priority=_priority(call.data.get(ATTR_PRIORITY, PRIORITY_NONE)),
            star=call.data.get(ATTR_STAR, False),
            note_id=call.data.get(ATTR_NOTE),
        )
    await notestation.coordinator.async_refresh()
    return {"todo": _todo_data(todo)}


async def _update_todo(call: ServiceCall) -> None:
    notestation = _notestation(call)
    todo = _todo(notestation.snapshot, call.data[ATTR_TODO], top_level=False)
    data = call.data
    changes = TodoChanges(
        title=data.get(ATTR_TITLE, UNCHANGED),
        done=data.get(ATTR_DONE, UNCHANGED),
        star=data.get(ATTR_STAR, UNCHANGED),
        comment=data.get(ATTR_COMMENT, UNCHANGED),
        priority=_priority(data[ATTR_PRIORITY]) if ATTR_PRIORITY in data else UNCHANGED,
        due=_due(data[ATTR_DUE]) if ATTR_DUE in data else UNCHANGED,
    )
    with translate_dsm_errors(call.hass, notestation.entry):
        await notestation.coordinator.notestation.set_todos([todo.object_id], changes)
    await notestation.coordinator.async_refresh()


async def _get_todos(call: ServiceCall) -> ServiceResponse:
    snapshot = _notestation(call).snapshot
    data = call.data
    now = dt_util.utcnow()
    wanted_done = {STATUS_OPEN: {False}, STATUS_DONE: {True}}.get(
        data[ATTR_STATUS], {False, True}
    )
    priorities = (
        None
        if ATTR_PRIORITY not in data
        else {_priority(value) for value in data[ATTR_PRIORITY]}
    )
    return {
        "todos": [
            _todo_data(todo)
            for todo in snapshot.todos
            if todo.done in wanted_done
            and data.get(ATTR_STAR, todo.star) == todo.star
            and (priorities is None or todo.priority in priorities)
            and data.get(ATTR_OVERDUE, is_overdue(todo, now)) == is_overdue(todo, now)
        ]
    }


# --- Synology Chat -------------------------------------------------------------------

ATTR_CHANNEL = "channel"
ATTR_USER = "user"
ATTR_MESSAGE = "message"
ATTR_THREAD_ID = "thread_id"
ATTR_FILE_PATH = "file_path"
ATTR_FILE_URL = "file_url"
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
ATTR_LIMIT = "limit"

_ENTRY = {probatio.Optional(ATTR_CONFIG_ENTRY_ID): cv.string}
_TARGET = {
    probatio.Exclusive(ATTR_CHANNEL, "target"): cv.string,
    probatio.Exclusive(ATTR_USER, "target"): cv.string,
}
_POST = {probatio.Required(ATTR_POST_ID): probatio.Coerce(int)}

SEND_MESSAGE_SCHEMA = probatio.Schema(
    {
        **_ENTRY,
        **_TARGET,
        probatio.Optional(ATTR_MESSAGE, default=""): cv.string,
        probatio.Optional(ATTR_THREAD_ID): probatio.Coerce(int),
        probatio.Exclusive(ATTR_FILE_PATH, "file"): cv.string,
        probatio.Exclusive(ATTR_FILE_URL, "file"): cv.url,
        probatio.Optional(ATTR_MENTIONS, default=[]): probatio.All(
            cv.ensure_list, [cv.string]
        ),
    }
)
EDIT_MESSAGE_SCHEMA = probatio.Schema(
    {**_ENTRY, **_POST, probatio.Required(ATTR_MESSAGE): cv.string}
)
DELETE_MESSAGE_SCHEMA = probatio.Schema({**_ENTRY, **_POST})
REACT_SCHEMA = probatio.Schema(
    {
        **_ENTRY,
        **_POST,
        probatio.Required(ATTR_REACTION): cv.string,
        probatio.Optional(ATTR_REMOVE, default=False): cv.boolean,
    }
)
CREATE_POLL_SCHEMA = probatio.Schema(
    {
        **_ENTRY,
        **_TARGET,
        probatio.Required(ATTR_QUESTION): cv.string,
        probatio.Required(ATTR_CHOICES): probatio.All(
            cv.ensure_list, [cv.string], probatio.Length(min=2)
        ),
        probatio.Optional(ATTR_MULTIPLE, default=False): cv.boolean,
        probatio.Optional(ATTR_ANONYMOUS, default=False): cv.boolean,
        probatio.Optional(ATTR_ALLOW_ADD_CHOICES, default=False): cv.boolean,
        probatio.Optional(ATTR_EXPIRES_AT): cv.datetime,
    }
)
SCHEDULE_MESSAGE_SCHEMA = probatio.Schema(
    {
        **_ENTRY,
        **_TARGET,
        probatio.Required(ATTR_MESSAGE): cv.string,
        probatio.Required(ATTR_SEND_AT): cv.datetime,
    }
)
SET_REMINDER_SCHEMA = probatio.Schema(
    {**_ENTRY, **_POST, probatio.Required(ATTR_REMIND_AT): cv.datetime}
)
SEARCH_MESSAGES_SCHEMA = probatio.Schema(
    {
        **_ENTRY,
        probatio.Required(ATTR_KEYWORD): cv.string,
        probatio.Optional(ATTR_CHANNEL): cv.string,
        probatio.Optional(ATTR_LIMIT, default=20): probatio.All(
            probatio.Coerce(int), probatio.Range(min=1, max=100)
        ),
    }
)
LIST_SCHEMA = probatio.Schema(_ENTRY)


def _chat(call: ServiceCall) -> tuple[DsmConfigEntry, ChatListener]:
    entry = loaded_entry(call, DsmApp.CHAT)
    chat = entry.runtime_data.chat
    assert chat is not None  # noqa: S101 - set whenever Chat is among the apps
    return entry, chat


def _channel_id(chat: ChatListener, value: str) -> int:
    """Find a joined channel by id or name (case-insensitive)."""
    text = value.strip()
    for channel in chat.channels.values():
        if channel.is_joined and (
            str(channel.channel_id) == text
            or (channel.name and channel.name.casefold() == text.casefold())
        ):
            return channel.channel_id
    raise _invalid("unknown_channel", channel=value)


def _user_id(chat: ChatListener, value: str) -> int:
    """Find a person by id, account name or nickname (case-insensitive)."""
    text = value.strip().removeprefix("@").casefold()
    for user in chat.users.values():
        if text in (str(user.user_id), user.username.casefold()) or (
            user.nickname and user.nickname.casefold() == text
        ):
            return user.user_id
    raise _invalid("unknown_user", user=value)


async def _target(call: ServiceCall, entry: DsmConfigEntry, chat: ChatListener) -> int:
    """Return the channel the call names, opening a direct message for a user."""
    if (channel := call.data.get(ATTR_CHANNEL)) is not None:
        return _channel_id(chat, channel)
    if (user := call.data.get(ATTR_USER)) is None:
        raise _invalid("no_target")
    user_id = _user_id(chat, user)
    if chat.me is not None and user_id == chat.me.user_id:
        raise _invalid("unknown_user", user=user)
    with translate_dsm_errors(call.hass, entry):
        direct = await chat.chat.direct_channel(user_id)
    return direct.channel_id


def _known_post(chat: ChatListener, post_id: int) -> int:
    """Check that a post id belongs to a joined channel."""
    channel = chat.channels.get(channel_of_post(post_id))
    if channel is None or not channel.is_joined:
        raise _invalid("unknown_post", post_id=str(post_id))
    return post_id


def _future_ms(value: datetime) -> int:
    moment = dt_util.as_utc(value)
    if moment <= dt_util.utcnow():
        raise _invalid("time_in_past")
    return int(moment.timestamp() * 1000)


async def _read_file(hass: HomeAssistant, path: str) -> tuple[str, bytes]:
    """Read a file Home Assistant is allowed to read."""
    if not await hass.async_add_executor_job(hass.config.is_allowed_path, path):
        raise _invalid("path_not_allowed", path=path)

    def read() -> bytes | None:
        file = Path(path)
        if not file.is_file() or file.stat().st_size > MAX_FILE_BYTES:
            return None
        return file.read_bytes()

    content = await hass.async_add_executor_job(read)
    if content is None:
        raise _invalid("file_not_readable", path=path)
    return Path(path).name, content


async def _download(hass: HomeAssistant, url: str) -> tuple[str, bytes]:
    """Fetch a file with Home Assistant's HTTP session."""
    try:
        async with async_get_clientsession(hass).get(url) as response:
            response.raise_for_status()
            content = await response.content.read(MAX_FILE_BYTES + 1)
    except (aiohttp.ClientError, TimeoutError) as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="download_failed",
            translation_placeholders={"error": err.__class__.__name__},
        ) from err
    if len(content) > MAX_FILE_BYTES:
        raise _invalid("file_too_large")
    return URL(url).name or "file", content


def post_data(chat: ChatListener, post: ChatPost) -> dict[str, Any]:
    """Describe a post in an action response, as the bus events do."""
    channel = chat.channels.get(post.channel_id)
    if channel is None:
        return {"post_id": post.post_id, "channel_id": post.channel_id}
    data = chat.event_data(channel, post)
    data.pop("config_entry_id")
    return data


async def _send_message(call: ServiceCall) -> ServiceResponse:
    entry, chat = _chat(call)
    data = call.data
    mentions = [_user_id(chat, user) for user in data[ATTR_MENTIONS]]
    text = " ".join(
        [*(mention_text(user) for user in mentions), data[ATTR_MESSAGE].strip()]
    ).strip()
    has_file = ATTR_FILE_PATH in data or ATTR_FILE_URL in data
    if not data[ATTR_MESSAGE].strip() and not has_file:
        raise _invalid("empty_message")
    # Everything is checked before anything is read or sent.
    if ATTR_CHANNEL in data:
        _channel_id(chat, data[ATTR_CHANNEL])
    elif ATTR_USER in data:
        _user_id(chat, data[ATTR_USER])
    else:
        raise _invalid("no_target")
    upload = None
    if ATTR_FILE_PATH in data:
        upload = await _read_file(call.hass, data[ATTR_FILE_PATH])
    elif ATTR_FILE_URL in data:
        upload = await _download(call.hass, data[ATTR_FILE_URL])
    channel_id = await _target(call, entry, chat)
    thread_id = data.get(ATTR_THREAD_ID)
    if thread_id and channel_of_post(thread_id) != channel_id:
        raise _invalid("thread_not_in_channel")
    with translate_dsm_errors(call.hass, entry):
        if upload is not None:
            name, content = upload
            post = await chat.chat.send_file(
                channel_id,
                name,
                content,
                message=text,
                thread_id=thread_id,
                content_type=mimetypes.guess_type(name)[0]
                or "application/octet-stream",
            )
        else:
            post = await chat.chat.send(
                channel_id, text, thread_id=thread_id, conn_id=chat.conn_id
            )
    chat.async_request_catch_up()
    return {"post_id": post.post_id, "channel_id": channel_id}


async def _edit_message(call: ServiceCall) -> None:
    entry, chat = _chat(call)
    post_id = _known_post(chat, call.data[ATTR_POST_ID])
    if not call.data[ATTR_MESSAGE].strip():
        raise _invalid("empty_message")
    with translate_dsm_errors(call.hass, entry):
        await chat.chat.edit(post_id, call.data[ATTR_MESSAGE])
    chat.async_request_catch_up()


async def _delete_message(call: ServiceCall) -> None:
    entry, chat = _chat(call)
    post_id = _known_post(chat, call.data[ATTR_POST_ID])
    with translate_dsm_errors(call.hass, entry):
        await chat.chat.delete(post_id)
    chat.async_request_catch_up()


async def _react(call: ServiceCall) -> None:
    entry, chat = _chat(call)
    post_id = _known_post(chat, call.data[ATTR_POST_ID])
    name = call.data[ATTR_REACTION].strip().strip(":")
    if not name:
        raise _invalid("empty_reaction")
    with translate_dsm_errors(call.hass, entry):
        await chat.chat.react(post_id, name, remove=call.data[ATTR_REMOVE])
    chat.async_request_catch_up()


async def _create_poll(call: ServiceCall) -> ServiceResponse:
    entry, chat = _chat(call)
    data = call.data
    choices = [choice.strip() for choice in data[ATTR_CHOICES]]
    if not data[ATTR_QUESTION].strip() or not all(choices):
        raise _invalid("empty_message")
    expires = data.get(ATTR_EXPIRES_AT)
    options = PollOptions(
        multiple=data[ATTR_MULTIPLE],
        anonymous=data[ATTR_ANONYMOUS],
        add_option=data[ATTR_ALLOW_ADD_CHOICES],
        expire_at=_future_ms(expires) if expires else 0,
    )
    channel_id = await _target(call, entry, chat)
    with translate_dsm_errors(call.hass, entry):
        post = await chat.chat.create_poll(
            channel_id, data[ATTR_QUESTION].strip(), choices, options
        )
    chat.async_request_catch_up()
    return {"post_id": post.post_id, "channel_id": channel_id}


async def _schedule_message(call: ServiceCall) -> ServiceResponse:
    entry, chat = _chat(call)
    if not call.data[ATTR_MESSAGE].strip():
        raise _invalid("empty_message")
    send_at = _future_ms(call.data[ATTR_SEND_AT])
    channel_id = await _target(call, entry, chat)
    with translate_dsm_errors(call.hass, entry):
        job = await chat.chat.schedule(channel_id, call.data[ATTR_MESSAGE], send_at)
    return {"schedule_id": job, "channel_id": channel_id}


async def _set_reminder(call: ServiceCall) -> None:
    entry, chat = _chat(call)
    post_id = _known_post(chat, call.data[ATTR_POST_ID])
    remind_at = _future_ms(call.data[ATTR_REMIND_AT])
    with translate_dsm_errors(call.hass, entry):
        await chat.chat.set_reminder(post_id, remind_at)


async def _search_messages(call: ServiceCall) -> ServiceResponse:
    entry, chat = _chat(call)
    channels = (
        [_channel_id(chat, call.data[ATTR_CHANNEL])]
        if ATTR_CHANNEL in call.data
        else []
    )
    with translate_dsm_errors(call.hass, entry):
        found = await chat.chat.search(
            call.data[ATTR_KEYWORD], channel_ids=channels, limit=call.data[ATTR_LIMIT]
        )
    return {
        "total": found.total,
        "messages": [post_data(chat, post) for post in found.posts],
    }


async def _list_channels(call: ServiceCall) -> ServiceResponse:
    _, chat = _chat(call)
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
    _, chat = _chat(call)
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


@callback
def _async_setup_chat_services(hass: HomeAssistant) -> None:
    """Register the Synology Chat actions."""
    for name, handler, schema, response in (
        ("send_message", _send_message, SEND_MESSAGE_SCHEMA, SupportsResponse.OPTIONAL),
        ("edit_message", _edit_message, EDIT_MESSAGE_SCHEMA, SupportsResponse.NONE),
        (
            "delete_message",
            _delete_message,
            DELETE_MESSAGE_SCHEMA,
            SupportsResponse.NONE,
        ),
        ("react", _react, REACT_SCHEMA, SupportsResponse.NONE),
        ("create_poll", _create_poll, CREATE_POLL_SCHEMA, SupportsResponse.OPTIONAL),
        (
            "schedule_message",
            _schedule_message,
            SCHEDULE_MESSAGE_SCHEMA,
            SupportsResponse.OPTIONAL,
        ),
        ("set_reminder", _set_reminder, SET_REMINDER_SCHEMA, SupportsResponse.NONE),
        (
            "search_messages",
            _search_messages,
            SEARCH_MESSAGES_SCHEMA,
            SupportsResponse.ONLY,
        ),
        ("list_channels", _list_channels, LIST_SCHEMA, SupportsResponse.ONLY),
        ("list_users", _list_users, LIST_SCHEMA, SupportsResponse.ONLY),
    ):
        hass.services.async_register(
            DOMAIN, name, handler, schema=schema, supports_response=response
        )
