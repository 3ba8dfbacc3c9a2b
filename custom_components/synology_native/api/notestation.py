"""Note Station (``SYNO.NoteStation.*``): notebooks, notes, tags, smart notebooks, to-dos.

Wire facts follow the project's Note Station reference. Where the reference marks a fact
INFERRED, CONFLICT or UNKNOWN, the choice made here lives in one named constant or
function with a comment saying so, so a capture from a real NAS corrects it in one place.
"""

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum, StrEnum
from html.parser import HTMLParser
import logging
from typing import TYPE_CHECKING, Any, Final

from .errors import (
    DsmConflictError,
    DsmNotFoundError,
    register_error_codes,
)
from .models import Call, CallResult, Endpoint
from .typed import Fields

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence

    from .client import DsmClient

_LOGGER = logging.getLogger(__name__)

_NOTEBOOK = "SYNO.NoteStation.Notebook"
_NOTE = "SYNO.NoteStation.Note"
_TODO = "SYNO.NoteStation.Todo"

NOTEBOOK_LIST = Endpoint(_NOTEBOOK, "list", 1, 2)
NOTEBOOK_GET = Endpoint(_NOTEBOOK, "get", 1, 2)
NOTEBOOK_CREATE = Endpoint(_NOTEBOOK, "create", 2, 2)
# CONFLICT (notestation.md 2026-12): the package manifest lists only `set` for a notebook
# rename; captures in AWKatz/SynologyNotesEnhanced show `update` v2. The rename method
# lives here alone: a capture that decides for `update` makes this
# Endpoint(_NOTEBOOK, "update", 2, 2).
NOTEBOOK_RENAME = Endpoint(_NOTEBOOK, "set", 1, 2)
NOTEBOOK_DELETE = Endpoint(_NOTEBOOK, "delete", 1, 2)
# v3 is what the web client uses; v4 changes how `list` takes its parameters.
NOTE_LIST = Endpoint(_NOTE, "list", 3, 3)
NOTE_GET = Endpoint(_NOTE, "get", 3, 3)
NOTE_CREATE = Endpoint(_NOTE, "create", 3, 3)
NOTE_SET = Endpoint(_NOTE, "set", 3, 3)
NOTE_DELETE = Endpoint(_NOTE, "delete", 3, 3)
NOTE_RESTORE = Endpoint(_NOTE, "restore", 3, 3)
VERSION_LIST = Endpoint("SYNO.NoteStation.Note.Version", "list", 2, 2)
VERSION_RESTORE = Endpoint("SYNO.NoteStation.Note.Version", "restore", 2, 2)
TAG_LIST = Endpoint("SYNO.NoteStation.Tag", "list", 1, 2)
SMART_LIST = Endpoint("SYNO.NoteStation.Smart", "list", 1, 1)
SMART_CREATE = Endpoint("SYNO.NoteStation.Smart", "create", 1, 1)
SEARCH = Endpoint("SYNO.NoteStation.FTS", "search", 1, 1)
SHARING = Endpoint("SYNO.NoteStation.Permission", "set", 1, 1)
SHARE_PUBLIC = Endpoint("SYNO.NoteStation.Permission.Public", "set", 1, 1)
UNSHARE_PUBLIC = Endpoint("SYNO.NoteStation.Permission.Public", "delete", 1, 1)
SHARE_USER = Endpoint("SYNO.NoteStation.Permission.User", "set", 1, 1)
UNSHARE_USER = Endpoint("SYNO.NoteStation.Permission.User", "delete", 1, 1)
SHARE_LINK = Endpoint("SYNO.NoteStation.Shard.Link", "get", 1, 1)
TODO_LIST = Endpoint(_TODO, "list", 2, 2)
TODO_CREATE = Endpoint(_TODO, "create", 2, 2)
TODO_SET = Endpoint(_TODO, "set", 2, 2)
# Only the v1 delete has been captured; the web client uses v2 for everything else.
TODO_DELETE = Endpoint(_TODO, "delete", 1, 1)

# DSM's "not set" value for priority, due date and reminder of a to-do.
NOT_SET = -1

# UNKNOWN in the reference: the code DSM answers `Note.set` with a stale `ver` when
# `check_conflict` is true. This number is a guess; the simulator uses the same one.
# A capture from a real NAS replaces it here and nowhere else.
STALE_VERSION_CODE = 1020

# UNKNOWN in the reference: the code for an `object_id` that does not exist. A guess,
# shared with the simulator like STALE_VERSION_CODE.
NO_SUCH_OBJECT_CODE = 1001

register_error_codes(
    "SYNO.NoteStation.",
    {
        STALE_VERSION_CODE: (DsmConflictError, "the note changed since it was read"),
        NO_SUCH_OBJECT_CODE: (DsmNotFoundError, "no such note, notebook or to-do"),
    },
)

# Sent with every note write; DSM shows it in the version history.
COMMIT_DEVICE = {"device": "homeassistant", "listable": False}

# INFERRED: notestation.md states no length limit for note or to-do titles; 255
# characters is the usual limit of a database title column.
MAX_TITLE_LENGTH = 255

# INFERRED: DSM's largest page is unknown; lists are paged by the ``total`` DSM answers,
# so a NAS that gives fewer per page costs requests, never to-dos.
TODO_PAGE_SIZE = 1000
# The most pages read after a list's first, whatever ``total`` DSM claims: 100,000 to-dos
# at full pages. A NAS claiming more gets its first pages read and one warning.
MAX_LATER_PAGES = 99


class TodoPriority(StrEnum):
    """Priority of a to-do, as Home Assistant users pick it."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


# INFERRED: only 300 has been captured; 100/200/300 as low/medium/high is one client's
# guess. Reading maps any value into the bucket at or below it.
PRIORITY_VALUES: Mapping[TodoPriority, int] = {
    TodoPriority.LOW: 100,
    TodoPriority.MEDIUM: 200,
    TodoPriority.HIGH: 300,
}


def priority_from_wire(value: int) -> TodoPriority | None:
    """Read DSM's priority number: -1 (or any negative) is none."""
    if value < 0:
        return None
    if value >= PRIORITY_VALUES[TodoPriority.HIGH]:
        return TodoPriority.HIGH
    if value >= PRIORITY_VALUES[TodoPriority.MEDIUM]:
        return TodoPriority.MEDIUM
    return TodoPriority.LOW


def priority_to_wire(priority: TodoPriority | None) -> int:
    """Write a priority; None clears it."""
    return NOT_SET if priority is None else PRIORITY_VALUES[priority]


def time_from_wire(value: int) -> datetime | None:
    """Read epoch seconds where -1 means "not set"; other negatives are before 1970.

    Raises OverflowError, ValueError or OSError for a time a datetime cannot hold.
    """
    return None if value == NOT_SET else datetime.fromtimestamp(value, UTC)


def time_to_wire(value: datetime | None) -> int:
    """Write an aware datetime as epoch seconds; None clears it."""
    return NOT_SET if value is None else int(value.timestamp())


class _TextExtractor(HTMLParser):
    """Collects the text of an HTML fragment, a line per block element."""

    BLOCKS = frozenset(
        {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"}
    )

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def text_from_html(html: str) -> str:
    """Return the plain text of note HTML: what DSM keeps as a note's ``brief``."""
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    lines = (line.strip() for line in "".join(extractor.parts).splitlines())
    return "\n".join(line for line in lines if line)


@dataclass(frozen=True, slots=True)
class Notebook:
    """A notebook; its notes in DSM's order."""

    object_id: str
    title: str
    stack: str  # the shelf it is on, "" when none
    note_ids: tuple[str, ...]
    preset: bool  # DSM's built-in default notebook
    mtime: datetime | None


@dataclass(frozen=True, slots=True)
class NoteSummary:
    """A note as lists return it: a plain-text preview, no content and no tags."""

    object_id: str
    notebook_id: str
    title: str
    brief: str
    ver: str
    ctime: datetime | None
    mtime: datetime | None
    in_trash: bool
    encrypted: bool


@dataclass(frozen=True, slots=True)
class Note(NoteSummary):
    """A note as ``get`` returns it, with its HTML content and tag names."""

    content: str
    tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NotePage:
    """One page of a note list and how many notes there are in all."""

    notes: tuple[NoteSummary, ...]
    offset: int
    total: int


@dataclass(frozen=True, slots=True)
class NoteVersion:
    """One revision of a note; the lowest ``version_id`` is the current one."""

    version_id: int
    ver: str
    author: str
    mtime: datetime | None


@dataclass(frozen=True, slots=True)
class Tag:
    """A tag: DSM reads it as ``name@uid`` and writes it by name."""

    tag_id: str
    title: str
    note_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SmartNotebook:
    """A saved search; DSM does not return its query."""

    object_id: str
    title: str


@dataclass(frozen=True, slots=True)
class Todo:
    """A to-do; a subtask has a ``parent_id``, a parent lists its subtasks in order."""

    object_id: str
    title: str
    comment: str
    done: bool
    star: bool
    priority: TodoPriority | None
    due: datetime | None
    parent_id: str | None
    note_id: str | None
    note_title: str
    subtask_ids: tuple[str, ...]
    # DSM's due value when no date can hold it (year 10000, 1e20); due is then None.
    due_out_of_range: int | float | None = None


class Unchanged(Enum):
    """Marks a to-do field an update leaves alone (None already means "clear")."""

    UNCHANGED = "unchanged"


UNCHANGED: Final = Unchanged.UNCHANGED


@dataclass(frozen=True, slots=True)
class TodoChanges:
    """What ``Todo.set`` changes; only fields given are sent, so DSM keeps the rest."""

    title: str | Unchanged = UNCHANGED
    comment: str | Unchanged = UNCHANGED
    done: bool | Unchanged = UNCHANGED
    star: bool | Unchanged = UNCHANGED
    priority: TodoPriority | Unchanged | None = UNCHANGED
    due: datetime | Unchanged | None = UNCHANGED

    def params(self) -> dict[str, Any]:
        """Return the ``Todo.set`` parameters (INFERRED for ``title`` and ``due_date``)."""
        params: dict[str, Any] = {}
        if self.title is not UNCHANGED:
            params["title"] = self.title
        if self.comment is not UNCHANGED:
            params["comment"] = self.comment
        if self.done is not UNCHANGED:
            params["done"] = self.done
        if self.star is not UNCHANGED:
            params["star"] = self.star
        if self.priority is not UNCHANGED:
            params["priority"] = priority_to_wire(self.priority)
        if self.due is not UNCHANGED:
            params["due_date"] = time_to_wire(self.due)
        return params


class SharePermission(StrEnum):
    """What someone a note is shared with may do."""

    READ = "ro"
    WRITE = "rw"


# --- reading DSM's answers -------------------------------------------------------------


def _time(item: Fields, key: str) -> datetime | None:
    return item.converted(key, int, time_from_wire)


def _id_or_none(value: str) -> str | None:
    """Read an id where "" means none."""
    return value or None


def _ids(item: Fields, key: str) -> tuple[str, ...]:
    """Read an id list; DSM sends null or leaves it out when there is none."""
    return tuple(item.optional_list_of(key, str))


def _notebook(item: Fields) -> Notebook:
    return Notebook(
        object_id=item.field("object_id", str),
        title=item.field("title", str),
        stack=item.optional("stack", str, ""),
        note_ids=_ids(item, "items"),
        preset=item.optional("preset", bool, False),
        mtime=_time(item, "mtime"),
    )


def _note_fields(item: Fields) -> dict[str, Any]:
    return {
        "object_id": item.field("object_id", str),
        "notebook_id": item.field("parent_id", str),
        "title": item.field("title", str),
        "brief": item.optional("brief", str, ""),
        "ver": item.field("ver", str),
        "ctime": _time(item, "ctime"),
        "mtime": _time(item, "mtime"),
        "in_trash": item.field("recycle", bool),
        "encrypted": item.field("encrypt", bool),
    }


def _note_summary(item: Fields) -> NoteSummary:
    return NoteSummary(**_note_fields(item))


def _note(item: Fields) -> Note:
    return Note(
        **_note_fields(item),
        content=item.optional("content", str, ""),
        tags=_ids(item, "tag"),
    )


def _version(item: Fields) -> NoteVersion:
    return NoteVersion(
        version_id=item.field("id", int),
        ver=item.field("version", str),
        author=item.optional("author", str, ""),
        mtime=_time(item, "mtime"),
    )


def _tag(item: Fields) -> Tag:
    return Tag(
        tag_id=item.field("tag_id", str),
        title=item.field("title", str),
        note_ids=_ids(item, "items"),
    )


def _smart(item: Fields) -> SmartNotebook:
    return SmartNotebook(
        object_id=item.field("object_id", str),
        title=item.field("title", str),
    )


def _due(value: float) -> tuple[datetime | None, float | None]:
    """Read a to-do's due date; one no date can hold is kept aside, not raised.

    DSM stores whatever epoch number a client sent (the integration's own create_todo
    can store year 10000), so such a value must not make the whole list unreadable.
    """
    if value == NOT_SET:
        return None, None
    try:
        return datetime.fromtimestamp(value, UTC), None
    except OverflowError, ValueError, OSError:
        return None, value


def _todo(item: Fields) -> Todo:
    due, due_out_of_range = _due(item.field("due_date", float))
    return Todo(
        object_id=item.field("object_id", str),
        title=item.field("title", str),
        comment=item.field("comment", str),
        done=item.field("done", bool),
        star=item.field("star", bool),
        priority=priority_from_wire(item.field("priority", int)),
        due=due,
        parent_id=_id_or_none(item.field("parent_id", str)),
        note_id=_id_or_none(item.field("note_id", str)),
        note_title=item.optional("note_title", str, ""),
        subtask_ids=_ids(item, "items"),
        due_out_of_range=due_out_of_range,
    )


def parse_notebooks(data: Any) -> tuple[Notebook, ...]:
    """Read ``Notebook.list``."""
    answer = Fields.of(data, NOTEBOOK_LIST)
    return tuple(_notebook(item) for item in answer.optional_objects("notebooks"))


def created_notebook(data: Any) -> Notebook:
    """Read ``Notebook.create``.

    CONFLICT: one client reads the notebook from ``data``, another from
    ``data.notebook``; both shapes are accepted.
    """
    answer = Fields.of(data, NOTEBOOK_CREATE)
    return _notebook(answer.optional_object("notebook") or answer)


def parse_todos(
    lists: Iterable[Any], known: Mapping[str, Todo] | None = None
) -> tuple[Todo, ...]:
    """Merge ``Todo.list`` pages into one tuple in DSM's order, each to-do once.

    A to-do equal to the one ``known`` has under its id is returned as that object:
    what did not change since the last read stays the same object, so a caller finds
    the few changes among thousands by identity.

    UNCLEAR in the reference: whether the unfiltered list also returns subtasks, so a
    subtask may come both from it and from its parent's list.
    """
    todos = first_of_each(
        _todo(item)
        for data in lists
        for item in Fields.of(data, TODO_LIST).optional_objects("todos")
    )
    if not known:
        return todos
    return tuple(
        same if (same := known.get(todo.object_id)) == todo else todo for todo in todos
    )


def first_of_each(todos: Iterable[Todo]) -> tuple[Todo, ...]:
    """Keep the first of to-dos that share an id, in order."""
    unique: dict[str, Todo] = {}
    for todo in todos:
        unique.setdefault(todo.object_id, todo)
    return tuple(unique.values())


def todo_list_call(parent_id: str | None = None, offset: int = 0) -> Call:
    """Build one page of ``Todo.list``: the top-level to-dos, or one parent's subtasks."""
    return Call(
        TODO_LIST,
        {
            "field": {"items": True},
            "filter": {} if parent_id is None else {"parent_id": parent_id},
            "offset": offset,
            "limit": TODO_PAGE_SIZE,
        },
    )


def todo_reads(parent_ids: Iterable[str] = ()) -> list[Call]:
    """Return the first pages that read every to-do: the top-level list first.

    parent_ids are the to-dos known to have subtasks, whose lists are read alongside;
    ``NoteStation.todos_from`` reads whatever else these pages point to.
    """
    return [todo_list_call(), *(todo_list_call(parent_id) for parent_id in parent_ids)]


def later_pages(
    first: Call, data: Any, on_cap: Callable[[int], None] | None = None
) -> list[Call]:
    """Return the calls for the pages of a ``Todo.list`` after its first page.

    DSM answers ``total``; a page may hold fewer to-dos than asked, so the first page's
    length is the page size the rest are read in. At most MAX_LATER_PAGES follow;
    on_cap hears the claimed total when DSM claims more.
    """
    answer = Fields.of(data, first.endpoint)
    total = answer.field("total", int)
    # Only counted here: each to-do is read when the pages are parsed.
    got = len(answer.optional_list_of("todos", dict))
    offset = int(first.params["offset"])
    if got == 0:
        return []
    offsets = range(offset + got, total, got)
    if len(offsets) > MAX_LATER_PAGES and on_cap is not None:
        on_cap(total)
    return [
        Call(first.endpoint, {**first.params, "offset": later})
        for later in offsets[:MAX_LATER_PAGES]
    ]


def subtasks_missing(todos: Sequence[Todo]) -> tuple[str, ...]:
    """Return the parents whose subtask ids name to-dos not in todos."""
    known = {todo.object_id for todo in todos}
    return tuple(
        todo.object_id
        for todo in todos
        if any(subtask_id not in known for subtask_id in todo.subtask_ids)
    )


def _todos_and_missing_parents(
    pages: Iterable[Any], known: Mapping[str, Todo] | None
) -> tuple[tuple[Todo, ...], tuple[str, ...]]:
    todos = parse_todos(pages, known)
    return todos, subtasks_missing(todos)


# --- the calls ----------------------------------------------------------------------


class NoteStation:
    """Calls to Note Station for the signed-in user."""

    def __init__(self, client: DsmClient) -> None:
        """Use client for every call."""
        self._client = client
        self._cap_warned = False

    def _warn_cap(self, total: int) -> None:
        """Say once that a list claimed more to-dos than are read."""
        if not self._cap_warned:
            self._cap_warned = True
            _LOGGER.warning(
                "Note Station claims %d to-dos in a list; reading the first %d pages",
                total,
                MAX_LATER_PAGES + 1,
            )

    # notebooks

    async def notebooks(self) -> tuple[Notebook, ...]:
        """Return every notebook."""
        return parse_notebooks(await self._client.call(NOTEBOOK_LIST))

    async def notebook(self, notebook_id: str) -> Notebook:
        """Return one notebook."""
        data = await self._client.call(NOTEBOOK_GET, {"object_id": notebook_id})
        return _notebook(Fields.of(data, NOTEBOOK_GET))

    async def create_notebook(self, title: str) -> Notebook:
        """Create a notebook."""
        return created_notebook(
            await self._client.call(NOTEBOOK_CREATE, {"title": title})
        )

    async def rename_notebook(self, notebook_id: str, title: str) -> None:
        """Give a notebook a new title (INFERRED parameters)."""
        await self._client.call(
            NOTEBOOK_RENAME, {"object_id": notebook_id, "title": title}
        )

    async def delete_notebook(self, notebook_id: str) -> None:
        """Delete a notebook; its id is a JSON string here, not an array."""
        await self._client.call(NOTEBOOK_DELETE, {"object_id": notebook_id})

    # notes

    async def notes(
        self,
        *,
        notebook_id: str | None = None,
        smart_id: str | None = None,
        in_trash: bool = False,
        offset: int = 0,
        limit: int = 50,
    ) -> NotePage:
        """Return one page of notes, of a notebook, of a smart notebook, or in trash."""
        note_filter: dict[str, Any] = {"recycle": in_trash}
        if notebook_id is not None:
            note_filter["parent_id"] = notebook_id
        params: dict[str, Any] = {
            "filter": note_filter,
            "offset": offset,
            "limit": limit,
            "sort_by": "title",
            "sort_direction": "asc",
        }
        if smart_id is not None:
            params |= {"perm_from": "smart", "smart_id": smart_id}
        data = await self._client.call(NOTE_LIST, params)
        answer = Fields.of(data, NOTE_LIST)
        return NotePage(
            notes=tuple(
                _note_summary(item) for item in answer.optional_objects("notes")
            ),
            offset=answer.field("offset", int),
            total=answer.field("total", int),
        )

    async def note(self, note_id: str, ver: str | None = None) -> Note:
        """Return a note with its content; with ver, that earlier revision of it."""
        params = {"object_id": note_id}
        if ver is not None:
            params["ver"] = ver
        return _note(Fields.of(await self._client.call(NOTE_GET, params), NOTE_GET))

    async def create_note(self, notebook_id: str, title: str, html: str) -> NoteSummary:
        """Create a note with HTML content in a notebook."""
        data = await self._client.call(
            NOTE_CREATE,
            {
                "parent_id": notebook_id,
                "title": title,
                "content": html,
                "commit_msg": COMMIT_DEVICE,
                "encrypt": False,
            },
        )
        return _note_summary(Fields.of(data, NOTE_CREATE))

    async def set_note(
        self,
        note_id: str,
        ver: str,
        *,
        title: str | None = None,
        html: str | None = None,
        tags: Sequence[str] | None = None,
    ) -> str:
        """Change a note that is still at revision ver; return its new revision.

        A note changed since (by another device) raises DsmConflictError and stays
        as that device left it. Tags are names and replace all of the note's tags.
        """
        params: dict[str, Any] = {
            "object_id": note_id,
            "ver": ver,
            "check_conflict": True,
            "commit_msg": COMMIT_DEVICE,
        }
        if title is not None:
            params["title"] = title
        if html is not None:
            params |= {"content": html, "brief": text_from_html(html)}
        if tags is not None:
            params["tag"] = list(tags)
        data = await self._client.call(NOTE_SET, params)
        answer = Fields.of(data, NOTE_SET)
        saved = answer.objects("data")
        if not saved:
            raise answer.error("data", "is empty, without the new revision")
        return saved[0].field("ver", str)

    async def trash_notes(self, note_ids: Sequence[str]) -> None:
        """Move notes to the trash."""
        await self._delete_notes(note_ids, recycle=True)

    async def purge_notes(self, note_ids: Sequence[str]) -> None:
        """Delete notes that are in the trash for good."""
        await self._delete_notes(note_ids, recycle=False)

    async def _delete_notes(self, note_ids: Sequence[str], *, recycle: bool) -> None:
        await self._client.call(
            NOTE_DELETE, {"object_id": list(note_ids), "recycle": recycle}
        )

    async def restore_notes(self, note_ids: Sequence[str]) -> None:
        """Take notes out of the trash, back into the notebook they were in."""
        await self._client.call(NOTE_RESTORE, {"object_id": list(note_ids)})

    async def search(self, keyword: str, limit: int = 20) -> tuple[NoteSummary, ...]:
        """Return the notes whose title or content matches keyword."""
        data = await self._client.call(
            SEARCH, {"keyword": keyword, "offset": 0, "limit": limit}
        )
        answer = Fields.of(data, SEARCH)
        return tuple(_note_summary(item) for item in answer.optional_objects("notes"))

    # versions

    async def versions(self, note_id: str, limit: int = 50) -> tuple[NoteVersion, ...]:
        """Return a note's revisions, the current one first."""
        data = await self._client.call(
            VERSION_LIST, {"object_id": note_id, "limit": limit}
        )
        answer = Fields.of(data, VERSION_LIST)
        versions = (_version(item) for item in answer.optional_objects("versions"))
        return tuple(sorted(versions, key=lambda version: version.version_id))

    async def restore_version(self, note_id: str, ver: str) -> Note:
        """Make an earlier revision the note's content again."""
        data = await self._client.call(
            VERSION_RESTORE, {"object_id": note_id, "ver": ver}
        )
        return _note(Fields.of(data, VERSION_RESTORE))

    # tags and smart notebooks

    async def tags(self) -> tuple[Tag, ...]:
        """Return every tag with the notes that carry it."""
        data = await self._client.call(TAG_LIST)
        answer = Fields.of(data, TAG_LIST)
        return tuple(_tag(item) for item in answer.optional_objects("tags"))

    async def smart_notebooks(self) -> tuple[SmartNotebook, ...]:
        """Return the saved searches."""
        data = await self._client.call(SMART_LIST)
        answer = Fields.of(data, SMART_LIST)
        return tuple(_smart(item) for item in answer.optional_objects("smarts"))

    async def create_smart_notebook(
        self, title: str, *, keyword: str = "", tag_ids: Sequence[str] = ()
    ) -> str:
        """Save a search for keyword and tags (``name@uid``); return its id."""
        query: dict[str, Any] = {}
        if keyword:
            query["keyword"] = keyword
        if tag_ids:
            query |= {"tag": list(tag_ids), "tag_operator": "and"}
        data = await self._client.call(
            SMART_CREATE,
            {"title": title, "query": query, "commit_msg": COMMIT_DEVICE},
        )
        return Fields.of(data, SMART_CREATE).field("object_id", str)

    # sharing

    async def set_sharing(self, object_id: str, *, enabled: bool) -> None:
        """Turn sharing of a note or notebook on or off."""
        await self._client.call(SHARING, {"object_id": object_id, "enabled": enabled})

    async def share_publicly(
        self, object_id: str, permission: SharePermission = SharePermission.READ
    ) -> str:
        """Share with anyone who has the link; return the link."""
        await self._client.call(
            SHARE_PUBLIC, {"object_id": object_id, "perm": permission}
        )
        data = await self._client.call(
            SHARE_LINK, {"object_id": object_id, "mode": "public"}
        )
        return Fields.of(data, SHARE_LINK).field("url", str)

    async def stop_sharing_publicly(self, object_id: str) -> None:
        """Revoke the public link."""
        await self._client.call(UNSHARE_PUBLIC, {"object_id": object_id})

    async def share_with_user(
        self, object_id: str, username: str, permission: SharePermission
    ) -> None:
        """Share with one DSM user."""
        await self._client.call(
            SHARE_USER,
            {"object_id": object_id, "username": username, "perm": permission},
        )

    async def stop_sharing_with_user(
        self, object_id: str, username: str, uid: int
    ) -> None:
        """Stop sharing with one DSM user; DSM wants both name and uid."""
        await self._client.call(
            UNSHARE_USER,
            {"object_id": object_id, "username": username, "uid": uid},
        )

    # to-dos

    async def todos(self) -> tuple[Todo, ...]:
        """Return every to-do, subtasks included; Todo.subtask_ids gives their order."""
        return await self.todos_from(await self._client.compound(todo_reads()))

    async def todos_from(
        self, results: Sequence[CallResult], known: Mapping[str, Todo] | None = None
    ) -> tuple[Todo, ...]:
        """Finish reading every to-do from the answers to ``todo_reads()``.

        known: the to-dos of the last read by id; unchanged ones come back as those
        objects (see ``parse_todos``).

        The top-level list failing raises; a parent's list failing (deleted since it was
        known) is dropped. Later pages of any list are read in one more request, and so
        are subtasks none of the lists brought (a to-do that gained its first subtasks).
        """
        top_level, *subtask_lists = results
        firsts = [(top_level.call, top_level.unwrap())] + [
            (result.call, result.data)
            for result in subtask_lists
            if result.error is None
        ]
        pages = [data for _, data in firsts]
        pages += await self._read_pages(
            [
                page
                for call, data in firsts
                for page in later_pages(call, data, self._warn_cap)
            ]
        )
        # Thousands of to-dos take tens of milliseconds to parse and compare: off the
        # event loop.
        todos, missing = await asyncio.get_running_loop().run_in_executor(
            None, _todos_and_missing_parents, pages, known
        )
        return todos + await self.subtasks(missing)

    async def subtasks(self, parent_ids: Sequence[str]) -> tuple[Todo, ...]:
        """Return the subtasks of parents (with every page), no request for none."""
        firsts = [todo_list_call(parent_id) for parent_id in parent_ids]
        first_pages = await self._read_pages(firsts)
        rest = await self._read_pages(
            [
                page
                for call, data in zip(firsts, first_pages, strict=True)
                for page in later_pages(call, data, self._warn_cap)
            ]
        )
        return parse_todos(first_pages + rest)

    async def _read_pages(self, calls: Sequence[Call]) -> list[Any]:
        """Read list pages in one compound request; none for no calls."""
        if not calls:
            return []
        return [result.unwrap() for result in await self._client.compound(calls)]

    async def create_todo(
        self,
        title: str,
        *,
        parent_id: str | None = None,
        due: datetime | None = None,
        comment: str = "",
        priority: TodoPriority | None = None,
        star: bool = False,
        note_id: str | None = None,
    ) -> Todo:
        """Create a to-do, or a subtask of parent_id.

        INFERRED: create takes comment, priority, star and note_id like set does; only
        what differs from DSM's defaults is sent.
        """
        params: dict[str, Any] = {"title": title}
        if parent_id is not None:
            params["parent_id"] = parent_id
        if due is not None:
            params["due_date"] = time_to_wire(due)
        if comment:
            params["comment"] = comment
        if priority is not None:
            params["priority"] = priority_to_wire(priority)
        if star:
            params["star"] = True
        if note_id is not None:
            params["note_id"] = note_id
        data = await self._client.call(TODO_CREATE, params)
        return _todo(Fields.of(data, TODO_CREATE))

    async def set_todos(self, todo_ids: Sequence[str], changes: TodoChanges) -> None:
        """Apply the same changes to one or more to-dos."""
        await self._client.call(
            TODO_SET, {"object_id": list(todo_ids), **changes.params()}
        )

    async def delete_todos(self, todo_ids: Sequence[str]) -> None:
        """Delete to-dos (INFERRED: with their subtasks)."""
        await self._client.call(TODO_DELETE, {"object_id": list(todo_ids)})
