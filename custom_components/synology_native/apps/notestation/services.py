"""Note Station actions: notes, notebooks and to-dos."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from homeassistant.core import ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.helpers import config_validation as cv
from homeassistant.util import dt as dt_util
from markdown_it import MarkdownIt
import probatio

from custom_components.synology_native.api.notestation import (
    MAX_TITLE_LENGTH,
    UNCHANGED,
    Note,
    Notebook,
    NoteSummary,
    Todo,
    TodoChanges,
    TodoPriority,
)
from custom_components.synology_native.apps.notestation.coordinator import (
    NOTESTATION,
    NoteStationCoordinator,
    NoteStationSnapshot,
)
from custom_components.synology_native.apps.notestation.due import (
    due_for_dsm,
    due_for_home_assistant,
    is_overdue,
)
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

ATTR_BODY = "body"
ATTR_BODY_FORMAT = "body_format"
ATTR_COMMENT = "comment"
ATTR_DONE = "done"
ATTR_DUE = "due"
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
        **LIMIT_FIELD,
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


def _notestation(call: ServiceCall) -> tuple[DsmConfigEntry, NoteStationCoordinator]:
    entry, notestation = loaded_app(call, NOTESTATION)
    return entry, notestation.coordinator


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
    raise invalid("notebook_not_found", notebook=value)


def _todo(snapshot: NoteStationSnapshot, value: str, *, top_level: bool) -> Todo:
    """Find a to-do by id, else by title (any case); top_level skips subtasks."""
    for todo in snapshot.todos:
        if top_level and todo.parent_id is not None:
            continue
        if todo.object_id == value or todo.title.casefold() == value.casefold():
            return todo
    raise invalid("parent_not_found" if top_level else "todo_not_found", todo=value)


def _due(value: Any) -> datetime | None:
    """Read a due date ("2026-11-05") or date and time; None clears it."""
    if value is None:
        return None
    if (moment := parse_time(value, dates=True)) is None:
        raise invalid("invalid_due", due=str(value))
    return due_for_dsm(moment)


def _title(value: str) -> str:
    """Return a note or to-do title without surrounding blanks, if DSM can take it."""
    title = value.strip()
    if not title:
        raise invalid("empty_title")
    if len(title) > MAX_TITLE_LENGTH:
        raise invalid("title_too_long", limit=str(MAX_TITLE_LENGTH))
    return title


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
    entry, coordinator = _notestation(call)
    title = _title(call.data[ATTR_TITLE])
    notebook = _notebook(coordinator.data, call.data[ATTR_NOTEBOOK])
    html = _html(call.data[ATTR_BODY], call.data[ATTR_BODY_FORMAT])
    client = coordinator.api
    with translate_dsm_errors(call.hass, entry):
        created = await client.create_note(notebook.object_id, title, html)
        if tags := call.data[ATTR_TAGS]:
            # Note.create takes no tags; they are set on the revision it made.
            await client.set_note(created.object_id, created.ver, tags=tags)
        note = await client.note(created.object_id)
    await coordinator.async_refresh()
    return {"note": _note_data(note, coordinator.data)}


async def _append_to_note(call: ServiceCall) -> None:
    entry, coordinator = _notestation(call)
    if not call.data[ATTR_TEXT].strip():
        raise invalid("empty_text")
    addition = _html(call.data[ATTR_TEXT], call.data[ATTR_BODY_FORMAT])
    client = coordinator.api
    with translate_dsm_errors(call.hass, entry):
        note = await client.note(call.data[ATTR_NOTE])
        if note.encrypted:
            # Its content is ciphertext only the user's password opens.
            raise invalid("note_encrypted", note=note.title)
        # Written only if nobody changed the note since it was read; else DSM
        # refuses and the other device's change stays (a conflict error).
        await client.set_note(note.object_id, note.ver, html=note.content + addition)
    await coordinator.async_refresh()


async def _get_note(call: ServiceCall) -> ServiceResponse:
    entry, coordinator = _notestation(call)
    with translate_dsm_errors(call.hass, entry):
        note = await coordinator.api.note(call.data[ATTR_NOTE])
    return {"note": _note_data(note, coordinator.data)}


async def _search_notes(call: ServiceCall) -> ServiceResponse:
    entry, coordinator = _notestation(call)
    with translate_dsm_errors(call.hass, entry):
        notes = await coordinator.api.search(
            call.data[ATTR_QUERY], call.data[ATTR_LIMIT]
        )
    return {"notes": [_note_data(note, coordinator.data) for note in notes]}


async def _list_notebooks(call: ServiceCall) -> ServiceResponse:
    snapshot = _notestation(call)[1].data
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
    entry, coordinator = _notestation(call)
    title = _title(call.data[ATTR_TITLE])
    parent = (
        _todo(coordinator.data, call.data[ATTR_PARENT], top_level=True)
        if ATTR_PARENT in call.data
        else None
    )
    due = _due(call.data.get(ATTR_DUE))
    with translate_dsm_errors(call.hass, entry):
        todo = await coordinator.api.create_todo(
            title,
            parent_id=None if parent is None else parent.object_id,
            due=due,
            comment=call.data.get(ATTR_COMMENT, ""),
            priority=_priority(call.data.get(ATTR_PRIORITY, PRIORITY_NONE)),
            star=call.data.get(ATTR_STAR, False),
            note_id=call.data.get(ATTR_NOTE),
        )
    await coordinator.async_refresh()
    return {"todo": _todo_data(todo)}


async def _update_todo(call: ServiceCall) -> None:
    entry, coordinator = _notestation(call)
    todo = _todo(coordinator.data, call.data[ATTR_TODO], top_level=False)
    data = call.data
    changes = TodoChanges(
        title=_title(data[ATTR_TITLE]) if ATTR_TITLE in data else UNCHANGED,
        done=data.get(ATTR_DONE, UNCHANGED),
        star=data.get(ATTR_STAR, UNCHANGED),
        comment=data.get(ATTR_COMMENT, UNCHANGED),
        priority=_priority(data[ATTR_PRIORITY]) if ATTR_PRIORITY in data else UNCHANGED,
        due=_due(data[ATTR_DUE]) if ATTR_DUE in data else UNCHANGED,
    )
    with translate_dsm_errors(call.hass, entry):
        await coordinator.api.set_todos([todo.object_id], changes)
    await coordinator.async_refresh()


async def _get_todos(call: ServiceCall) -> ServiceResponse:
    snapshot = _notestation(call)[1].data
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


ACTIONS = (
    Action("create_note", _create_note, CREATE_NOTE_SCHEMA, SupportsResponse.OPTIONAL),
    Action("append_to_note", _append_to_note, APPEND_TO_NOTE_SCHEMA),
    Action("get_note", _get_note, GET_NOTE_SCHEMA, SupportsResponse.ONLY),
    Action("search_notes", _search_notes, SEARCH_NOTES_SCHEMA, SupportsResponse.ONLY),
    Action(
        "list_notebooks", _list_notebooks, LIST_NOTEBOOKS_SCHEMA, SupportsResponse.ONLY
    ),
    Action("create_todo", _create_todo, CREATE_TODO_SCHEMA, SupportsResponse.OPTIONAL),
    Action("update_todo", _update_todo, UPDATE_TODO_SCHEMA),
    Action("get_todos", _get_todos, GET_TODOS_SCHEMA, SupportsResponse.ONLY),
)


# The DSM methods these actions (or Home Assistant's to-do actions, "todo.*") do the
# work of; call_api covers every other method (services/call_api.py, docs/endpoints.md).
COVERS: Mapping[tuple[str, str], str] = {
    ("SYNO.NoteStation.Note", "create"): "create_note",
    ("SYNO.NoteStation.Note", "set"): "append_to_note",
    ("SYNO.NoteStation.Note", "get"): "get_note",
    ("SYNO.NoteStation.FTS", "search"): "search_notes",
    ("SYNO.NoteStation.Notebook", "list"): "list_notebooks",
    ("SYNO.NoteStation.Todo", "create"): "create_todo",
    ("SYNO.NoteStation.Todo", "set"): "update_todo",
    ("SYNO.NoteStation.Todo", "list"): "get_todos",
    ("SYNO.NoteStation.Todo", "delete"): "todo.remove_item",
}
