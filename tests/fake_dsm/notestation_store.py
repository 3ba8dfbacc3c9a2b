"""Note Station's state on the simulated NAS: notebooks, notes, versions, tags, to-dos.

Each DSM user has a library of their own, as the real package keeps one per user
(``DsmStore.notestation_of``). Tests change it directly to play another device editing
on the NAS.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
import hashlib
import secrets
from typing import Any

NOT_SET = -1  # DSM's "no priority / no due date / no reminder"
ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # 26 of these after "<uid>_"


@dataclass
class NoteRevision:
    """One saved state of a note, for `Note.Version`."""

    ver: str
    title: str
    content: str
    mtime: int
    action: str  # "edit" or "restore"


@dataclass
class SimNotebook:
    """A notebook as DSM stores it."""

    object_id: str
    title: str
    ctime: int
    mtime: int
    ver: str
    stack: str = ""
    preset: bool = False


@dataclass
class SimNote:
    """A note as DSM stores it; `revisions[0]` is the current one."""

    object_id: str
    parent_id: str
    title: str
    content: str
    tags: list[str]
    ctime: int
    mtime: int
    ver: str
    link_id: str
    recycle: bool = False
    encrypt: bool = False
    old_parent_id: str | None = None
    acl: dict[str, Any] = field(default_factory=dict)
    revisions: list[NoteRevision] = field(default_factory=list)


@dataclass
class SimTodo:
    """A to-do as DSM stores it; a parent keeps its subtask ids in order in `items`."""

    object_id: str
    title: str
    comment: str = ""
    done: bool = False
    star: bool = False
    priority: int = NOT_SET
    due_date: int = NOT_SET
    reminder_offset: int = NOT_SET
    parent_id: str = ""
    note_id: str = ""
    items: list[str] = field(default_factory=list)


@dataclass
class SimSmart:
    """A smart notebook: a saved query DSM does not hand back."""

    object_id: str
    title: str
    query: dict[str, Any]
    link_id: str
    ctime: int


class NoteStationStore:
    """Everything Note Station remembers for one user; dicts keep DSM's order."""

    def __init__(self, clock: Callable[[], float], uid: int, owner: str) -> None:
        """Start with an empty library of the user `owner` numbered `uid`."""
        self.clock = clock
        self.uid = uid
        self.owner = owner
        self.notebooks: dict[str, SimNotebook] = {}
        self.notes: dict[str, SimNote] = {}
        self.todos: dict[str, SimTodo] = {}
        self.smarts: dict[str, SimSmart] = {}
        # Runs right before a `Note.set` is checked: a test's way to let another device
        # write between Home Assistant's read and its write.
        self.before_note_set: Callable[[SimNote], None] | None = None
        # UNKNOWN in the reference: whether DSM hands out fewer to-dos per page than
        # asked. A test sets a cap to make the client page by `total`.
        self.todo_page_cap: int | None = None

    def now(self) -> int:
        """Return the time in epoch seconds, as DSM stamps objects."""
        return int(self.clock())

    def new_id(self) -> str:
        """Return a fresh `<uid>_<26 characters>` object id."""
        tail = "".join(secrets.choice(ID_ALPHABET) for _ in range(26))
        return f"{self.uid}_{tail}"

    @staticmethod
    def new_ver() -> str:
        """Return a fresh 40-hex revision hash."""
        return hashlib.sha1(secrets.token_bytes(16), usedforsecurity=False).hexdigest()

    def add_notebook(self, title: str, *, preset: bool = False) -> SimNotebook:
        """Create a notebook."""
        now = self.now()
        notebook = SimNotebook(
            self.new_id(), title, now, now, self.new_ver(), preset=preset
        )
        self.notebooks[notebook.object_id] = notebook
        return notebook

    def add_note(
        self, notebook_id: str, title: str, content: str, tags: list[str] | None = None
    ) -> SimNote:
        """Create a note with its first revision."""
        now = self.now()
        note = SimNote(
            object_id=self.new_id(),
            parent_id=notebook_id,
            title=title,
            content=content,
            tags=list(tags or []),
            ctime=now,
            mtime=now,
            ver=self.new_ver(),
            link_id=secrets.token_hex(8),
        )
        note.revisions.insert(0, NoteRevision(note.ver, title, content, now, "edit"))
        self.notes[note.object_id] = note
        return note

    def edit_note(
        self, note: SimNote, *, title: str | None = None, content: str | None = None
    ) -> None:
        """Change a note as any device would: new `ver`, new revision."""
        note.title = note.title if title is None else title
        note.content = note.content if content is None else content
        self.save_revision(note, "edit")

    def save_revision(self, note: SimNote, action: str) -> None:
        """Stamp the note's current state as a new revision."""
        note.mtime = self.now()
        note.ver = self.new_ver()
        note.revisions.insert(
            0, NoteRevision(note.ver, note.title, note.content, note.mtime, action)
        )

    def add_todo(self, title: str, *, parent_id: str = "", **fields: Any) -> SimTodo:
        """Create a to-do, or a subtask appended to its parent's `items`."""
        todo = SimTodo(self.new_id(), title, parent_id=parent_id, **fields)
        self.todos[todo.object_id] = todo
        if parent_id:
            self.todos[parent_id].items.append(todo.object_id)
        return todo

    def delete_todo(self, todo_id: str) -> None:
        """Delete a to-do with its subtasks (INFERRED), and unlink it from its parent."""
        todo = self.todos.pop(todo_id, None)
        if todo is None:
            return
        for subtask_id in todo.items:
            self.todos.pop(subtask_id, None)
        if parent := self.todos.get(todo.parent_id):
            parent.items.remove(todo_id)

    def todo_by_title(self, title: str) -> SimTodo:
        """Return the to-do titled `title` (for tests)."""
        return next(todo for todo in self.todos.values() if todo.title == title)

    def note_by_title(self, title: str) -> SimNote:
        """Return the note titled `title` (for tests)."""
        return next(note for note in self.notes.values() if note.title == title)

    def notebook_by_title(self, title: str) -> SimNotebook:
        """Return the notebook titled `title` (for tests)."""
        return next(nb for nb in self.notebooks.values() if nb.title == title)


DAY = 24 * 3600


def seed_notestation_demo(store: NoteStationStore) -> None:
    """Two notebooks, three notes, and to-dos with a subtask, a due date and a star."""
    home = store.add_notebook("Home", preset=True)
    work = store.add_notebook("Work")
    store.add_note(
        home.object_id,
        "Groceries",
        "<div>Milk</div><div>Bread</div>",
        ["shopping"],
    )
    store.add_note(
        home.object_id, "Recipes", "<h1>Pancakes</h1><p>Flour, eggs, milk.</p>"
    )
    store.add_note(
        work.object_id,
        "Meeting notes",
        "<p>Agenda: <b>budget</b></p>",
        ["work", "meetings"],
    )
    store.add_todo("Pay rent", due_date=store.now() + 3 * DAY, priority=300)
    trip = store.add_todo("Plan trip", star=True, comment="Summer holiday")
    store.add_todo("Book flights", parent_id=trip.object_id)
    store.add_todo("Pack bags", parent_id=trip.object_id)
    store.add_todo("Call the plumber", done=True)
