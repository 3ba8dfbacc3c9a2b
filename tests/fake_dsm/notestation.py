"""SYNO.NoteStation.*: notebooks, notes, versions, tags, smart notebooks, search, sharing, to-dos.

Shapes follow the project's Note Station reference: ids `<uid>_<26 chars>`, epoch seconds, `-1`
for "not set", list keys left out when the list is empty, `Note.get` and `Todo.create` answer
the object directly in `data`, `Note.set` answers `data.data[0]`, ids of to-do writes and note
deletes are JSON arrays, a notebook delete takes a plain string.
"""

import html
from typing import Any

from .notestation_store import (
    NOT_SET,
    NoteStationStore,
    SimNote,
    SimNotebook,
    SimSmart,
    SimTodo,
)
from .webapi import CallContext, DsmError, handler, optional, require

# UNKNOWN in the reference: the code for a stale `ver` with `check_conflict=true`. Our guess,
# the same number the client maps to its conflict error; a capture corrects both.
STALE_VERSION_CODE = 1020
# UNKNOWN in the reference: the code for an `object_id` that does not exist. A guess too.
NO_SUCH_OBJECT_CODE = 1001

NOTEBOOK = "SYNO.NoteStation.Notebook"
NOTE = "SYNO.NoteStation.Note"
TODO = "SYNO.NoteStation.Todo"


def _store(ctx: CallContext) -> NoteStationStore:
    """Return the library of the signed-in user: each user sees only their own."""
    assert ctx.session is not None
    return ctx.store.notestation_of(ctx.session.user)


def _owner(store: NoteStationStore) -> dict[str, Any]:
    return {"uid": store.uid, "display_name": store.owner}


def _listing(key: str, items: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """Answer a list: the list key only when it has items, then offset and total."""
    data: dict[str, Any] = {"offset": 0, "total": len(items), **extra}
    if items:
        data[key] = items
    return data


def _found[T](objects: dict[str, T], object_id: Any) -> T:
    if not isinstance(object_id, str) or object_id not in objects:
        raise DsmError(NO_SUCH_OBJECT_CODE)
    return objects[object_id]


def _id_list(params: dict[str, Any]) -> list[str]:
    """Return `object_id` as the JSON array of ids these methods take."""
    ids = require(params, "object_id", list)
    if not all(isinstance(item, str) for item in ids):
        raise DsmError(120, {"name": "object_id", "reason": "invalid"})
    return ids


# --- notebooks ---


def _notebook_data(store: NoteStationStore, notebook: SimNotebook) -> dict[str, Any]:
    return {
        "object_id": notebook.object_id,
        "title": notebook.title,
        "stack": notebook.stack,
        "items": [
            note.object_id
            for note in store.notes.values()
            if note.parent_id == notebook.object_id and not note.recycle
        ],
        "ctime": notebook.ctime,
        "mtime": notebook.mtime,
        "ver": notebook.ver,
        "archive": False,
        "individual_shared": False,
        "preset": notebook.preset,
        "link_id": "",
        "perm": "owner",
        "owner": _owner(store),
        "acl": {},
        "category": "notebook",
    }


@handler(NOTEBOOK, "list")
async def notebook_list(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Every notebook (this list keeps its key even when empty)."""
    store = _store(ctx)
    notebooks = [_notebook_data(store, nb) for nb in store.notebooks.values()]
    return {"notebooks": notebooks, "offset": 0, "total": len(notebooks)}


@handler(NOTEBOOK, "get")
async def notebook_get(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """One notebook."""
    store = _store(ctx)
    notebook = _found(store.notebooks, require(params, "object_id", str))
    return _notebook_data(store, notebook)


@handler(NOTEBOOK, "create")
async def notebook_create(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Create a notebook; the object comes back directly in `data`."""
    store = _store(ctx)
    return _notebook_data(store, store.add_notebook(require(params, "title", str)))


@handler(NOTEBOOK, "set")
@handler(NOTEBOOK, "update")
async def notebook_set(ctx: CallContext, params: dict[str, Any]) -> None:
    """Rename a notebook or move it to a shelf.

    CONFLICT (notestation.md 2026-12): the manifest's `set`, and `update` v2 as captures
    of a real NAS show; both answer alike.
    """
    store = _store(ctx)
    notebook = _found(store.notebooks, require(params, "object_id", str))
    notebook.title = optional(params, "title", str, notebook.title)
    notebook.stack = optional(params, "stack", str, notebook.stack)
    notebook.mtime = store.now()
    notebook.ver = store.new_ver()


@handler(NOTEBOOK, "delete")
async def notebook_delete(ctx: CallContext, params: dict[str, Any]) -> None:
    """Delete a notebook (a plain id string) and its notes."""
    store = _store(ctx)
    notebook = _found(store.notebooks, require(params, "object_id", str))
    del store.notebooks[notebook.object_id]
    for note_id in [
        note.object_id
        for note in store.notes.values()
        if note.parent_id == notebook.object_id
    ]:
        del store.notes[note_id]


# --- notes ---


def _note_data(
    store: NoteStationStore, note: SimNote, *, full: bool = False
) -> dict[str, Any]:
    """Describe a note as lists show it; `full` adds `content` and `tag` as `get` does."""
    data: dict[str, Any] = {
        "object_id": note.object_id,
        "parent_id": note.parent_id,
        "title": note.title,
        "brief": _brief(note.content),
        "ctime": note.ctime,
        "mtime": note.mtime,
        "ver": note.ver,
        "encrypt": note.encrypt,
        "recycle": note.recycle,
        "archive": False,
        "category": "note",
        "perm": "owner",
        "owner": _owner(store),
        "acl": note.acl,
        "thumb": None,
        "attachment": None,
    }
    if note.old_parent_id is not None:
        data["old_parent_id"] = note.old_parent_id
    if full:
        data["content"] = note.content
        data["tag"] = list(note.tags)
    return data


def _brief(content: str) -> str:
    """Plain text of note HTML, roughly as DSM's preview."""
    text, inside = [], False
    for char in content:
        if char in "<>":
            inside = char == "<"
            text.append(" ")
        elif not inside:
            text.append(char)
    return html.unescape(" ".join("".join(text).split()))


@handler(NOTE, "list")
async def note_list(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """List notes by `filter` (recycle, parent_id) or smart notebook, paged, by title."""
    store = _store(ctx)
    note_filter = optional(params, "filter", dict, {})
    in_trash = bool(note_filter.get("recycle", False))
    notes = [note for note in store.notes.values() if note.recycle == in_trash]
    if "parent_id" in note_filter:
        notes = [note for note in notes if note.parent_id == note_filter["parent_id"]]
    if optional(params, "perm_from", str, "") == "smart":
        smart = _found(store.smarts, require(params, "smart_id", str))
        notes = [note for note in notes if _matches(note, smart.query)]
    if optional(params, "sort_by", str, "") == "title":
        descending = optional(params, "sort_direction", str, "asc") == "desc"
        notes.sort(key=lambda note: note.title.casefold(), reverse=descending)
    offset = optional(params, "offset", int, 0)
    limit = optional(params, "limit", int, len(notes))
    page = [_note_data(store, note) for note in notes[offset : offset + limit]]
    data = _listing("notes", page)
    data |= {"offset": offset, "total": len(notes)}
    return data


def _matches(note: SimNote, query: dict[str, Any]) -> bool:
    """Tell whether a note matches a smart notebook's saved query."""
    keyword = str(query.get("keyword", "")).casefold()
    if keyword and keyword not in f"{note.title} {_brief(note.content)}".casefold():
        return False
    tags = {tag_id.rsplit("@", 1)[0] for tag_id in query.get("tag", [])}
    return tags <= set(note.tags)


@handler(NOTE, "get")
async def note_get(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """One note with content and tags; with `ver`, that revision of it."""
    store = _store(ctx)
    note = _found(store.notes, require(params, "object_id", str))
    data = _note_data(store, note, full=True)
    if (ver := optional(params, "ver", str, "")) and ver != note.ver:
        revision = next((r for r in note.revisions if r.ver == ver), None)
        if revision is None:
            raise DsmError(NO_SUCH_OBJECT_CODE)
        data |= {
            "title": revision.title,
            "content": revision.content,
            "brief": _brief(revision.content),
            "mtime": revision.mtime,
            "ver": revision.ver,
        }
    return data


@handler(NOTE, "create")
async def note_create(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Create a note in notebook `parent_id`; the new object comes back in `data`."""
    store = _store(ctx)
    notebook = _found(store.notebooks, require(params, "parent_id", str))
    note = store.add_note(
        notebook.object_id,
        optional(params, "title", str, ""),
        optional(params, "content", str, ""),
    )
    return _note_data(store, note) | {"link_id": note.link_id}


@handler(NOTE, "set")
async def note_set(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Change a note; with `check_conflict`, only while `ver` is still the current one."""
    store = _store(ctx)
    note = _found(store.notes, require(params, "object_id", str))
    ver = require(params, "ver", str)
    if store.before_note_set is not None:
        store.before_note_set(note)
    if optional(params, "check_conflict", bool, False) and ver != note.ver:
        raise DsmError(STALE_VERSION_CODE)
    note.title = optional(params, "title", str, note.title)
    note.content = optional(params, "content", str, note.content)
    if "tag" in params:
        tags = require(params, "tag", list)
        note.tags = [str(tag) for tag in tags]
    if "parent_id" in params:
        note.parent_id = _found(store.notebooks, params["parent_id"]).object_id
    store.save_revision(note, "edit")
    return {
        "data": [
            {
                "object_id": note.object_id,
                "ver": note.ver,
                "mtime": note.mtime,
                "link_id": note.link_id,
                "attachment": None,
                "thumb": None,
            }
        ]
    }


@handler(NOTE, "delete")
async def note_delete(ctx: CallContext, params: dict[str, Any]) -> None:
    """`recycle=true` moves notes to the trash; `false` purges notes already there."""
    store = _store(ctx)
    notes = [_found(store.notes, note_id) for note_id in _id_list(params)]
    recycle = require(params, "recycle", bool)
    for note in notes:
        if recycle:
            note.recycle, note.old_parent_id = True, note.parent_id
        elif note.recycle:
            del store.notes[note.object_id]


@handler(NOTE, "restore")
async def note_restore(ctx: CallContext, params: dict[str, Any]) -> None:
    """Take notes out of the trash, back to `old_parent_id`."""
    store = _store(ctx)
    for note in [_found(store.notes, note_id) for note_id in _id_list(params)]:
        if note.old_parent_id is not None:
            note.parent_id = note.old_parent_id
        note.recycle, note.old_parent_id = False, None


@handler("SYNO.NoteStation.Note.Version", "list")
async def version_list(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """List a note's revisions; id 1 is the current one, ids grow going back in time."""
    store = _store(ctx)
    note = _found(store.notes, require(params, "object_id", str))
    limit = optional(params, "limit", int, len(note.revisions))
    versions = [
        {
            "id": index,
            "version": revision.ver,
            "author": store.owner,
            "mtime": revision.mtime,
            "commit_msg": {"action": revision.action},
            "last_version": [note.revisions[index].ver]
            if index < len(note.revisions)
            else [],
        }
        for index, revision in enumerate(note.revisions[:limit], start=1)
    ]
    return _listing("versions", versions, count=len(versions))


@handler("SYNO.NoteStation.Note.Version", "restore")
async def version_restore(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Make revision `ver` current again, as a new revision."""
    store = _store(ctx)
    note = _found(store.notes, require(params, "object_id", str))
    ver = require(params, "ver", str)
    revision = next((r for r in note.revisions if r.ver == ver), None)
    if revision is None:
        raise DsmError(NO_SUCH_OBJECT_CODE)
    note.title, note.content = revision.title, revision.content
    store.save_revision(note, "restore")
    return _note_data(store, note, full=True) | {"commit_msg": {"action": "restore"}}


@handler("SYNO.NoteStation.FTS", "search")
async def search(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Find notes not in the trash whose title or text contains `keyword` (any case)."""
    store = _store(ctx)
    query = {"keyword": optional(params, "keyword", str, "")}
    notes = [
        note
        for note in store.notes.values()
        if not note.recycle and _matches(note, query)
    ]
    limit = optional(params, "limit", int, len(notes))
    return _listing("notes", [_note_data(store, note) for note in notes[:limit]])


# --- tags and smart notebooks ---


@handler("SYNO.NoteStation.Tag", "list")
async def tag_list(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Every tag name in use, as `name@uid` with the notes carrying it."""
    store = _store(ctx)
    tagged: dict[str, list[str]] = {}
    for note in store.notes.values():
        for tag in note.tags:
            tagged.setdefault(tag, []).append(note.object_id)
    tags = [
        {
            "tag_id": f"{name}@{store.uid}",
            "title": name,
            "items": ids,
            "category": "tag",
        }
        for name, ids in tagged.items()
    ]
    return _listing("tags", tags)


def _smart_data(store: NoteStationStore, smart: SimSmart) -> dict[str, Any]:
    """Give a smart notebook as Smart list and get send it, without its query."""
    return {
        "object_id": smart.object_id,
        "title": smart.title,
        "category": "smart",
        "link_id": smart.link_id,
        "ctime": smart.ctime,
        "mtime": smart.ctime,
        "perm": "owner",
        "owner": _owner(store),
        "acl": {},
    }


@handler("SYNO.NoteStation.Smart", "list")
async def smart_list(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Smart notebooks, without their queries."""
    store = _store(ctx)
    smarts = [_smart_data(store, smart) for smart in store.smarts.values()]
    return _listing("smarts", smarts)


@handler("SYNO.NoteStation.Smart", "create")
async def smart_create(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Save a query as a smart notebook."""
    store = _store(ctx)
    smart = SimSmart(
        store.new_id(),
        require(params, "title", str),
        optional(params, "query", dict, {}),
        store.new_ver()[:16],
        store.now(),
    )
    store.smarts[smart.object_id] = smart
    return {"object_id": smart.object_id, "link_id": smart.link_id}


# --- sharing ---


@handler("SYNO.NoteStation.Permission", "set")
async def sharing_set(ctx: CallContext, params: dict[str, Any]) -> None:
    """Turn sharing of a note on or off."""
    note = _found(_store(ctx).notes, require(params, "object_id", str))
    note.acl["enabled"] = require(params, "enabled", bool)


@handler("SYNO.NoteStation.Permission.Public", "set")
async def public_set(ctx: CallContext, params: dict[str, Any]) -> None:
    """Share a note with anyone who has its link."""
    note = _found(_store(ctx).notes, require(params, "object_id", str))
    note.acl["public"] = {"inherit": False, "perm": require(params, "perm", str)}


@handler("SYNO.NoteStation.Permission.Public", "delete")
async def public_delete(ctx: CallContext, params: dict[str, Any]) -> None:
    """Revoke the public link."""
    note = _found(_store(ctx).notes, require(params, "object_id", str))
    note.acl.pop("public", None)


@handler("SYNO.NoteStation.Permission.User", "set")
async def user_set(ctx: CallContext, params: dict[str, Any]) -> None:
    """Share a note with a DSM user."""
    store = _store(ctx)
    note = _found(store.notes, require(params, "object_id", str))
    username = require(params, "username", str)
    user = ctx.store.users.get(username)
    if user is None:
        raise DsmError(NO_SUCH_OBJECT_CODE)
    note.acl.setdefault("dsm_user", {})[str(user.uid)] = {
        "inherit": False,
        "name": username,
        "perm": require(params, "perm", str),
    }


@handler("SYNO.NoteStation.Permission.User", "delete")
async def user_delete(ctx: CallContext, params: dict[str, Any]) -> None:
    """Stop sharing with a DSM user; `uid` is a bare int."""
    note = _found(_store(ctx).notes, require(params, "object_id", str))
    require(params, "username", str)
    uid = require(params, "uid", int)
    note.acl.get("dsm_user", {}).pop(str(uid), None)


@handler("SYNO.NoteStation.Shard.Link", "get")
async def share_link(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Return the public link of a note."""
    note = _found(_store(ctx).notes, require(params, "object_id", str))
    require(params, "mode", str)
    host = ctx.http.request.host
    return {"mode": "ddns", "url": f"https://{host}/ns/sharing/{note.link_id}"}


# --- to-dos ---


def _todo_data(
    todo: SimTodo, store: NoteStationStore, *, items: bool
) -> dict[str, Any]:
    note = store.notes.get(todo.note_id)
    data: dict[str, Any] = {
        "object_id": todo.object_id,
        "title": todo.title,
        "comment": todo.comment,
        "done": todo.done,
        "star": todo.star,
        "priority": todo.priority,
        "due_date": todo.due_date,
        "reminder_offset": todo.reminder_offset,
        "parent_id": todo.parent_id,
        "note_id": todo.note_id,
        "note_parent_id": note.parent_id if note else "",
        "note_title": note.title if note else "",
    }
    if items:
        data["items"] = list(todo.items)
    return data


@handler(TODO, "list")
async def todo_list(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """To-dos by `filter`: `{}` the top-level ones, `parent_id` one task's subtasks.

    INFERRED: the unfiltered list leaves subtasks out (the web client reads them per parent);
    a parent's subtasks come in the order of its `items`.
    """
    store = _store(ctx)
    todo_filter = optional(params, "filter", dict, {})
    if parent_id := todo_filter.get("parent_id"):
        parent = _found(store.todos, parent_id)
        todos = [store.todos[subtask_id] for subtask_id in parent.items]
    elif note_ids := todo_filter.get("note_id"):
        todos = [todo for todo in store.todos.values() if todo.note_id in note_ids]
    else:
        todos = [todo for todo in store.todos.values() if not todo.parent_id]
    items = bool(optional(params, "field", dict, {}).get("items", False))
    offset = optional(params, "offset", int, 0)
    limit = optional(params, "limit", int, len(todos))
    if store.todo_page_cap is not None:
        limit = min(limit, store.todo_page_cap)
    page = [
        _todo_data(todo, store, items=items) for todo in todos[offset : offset + limit]
    ]
    data = _listing("todos", page, count=len(page))
    claimed = ctx.webapi.faults.claimed_total
    data |= {"offset": offset, "total": len(todos) if claimed is None else claimed}
    return data


@handler(TODO, "create")
async def todo_create(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Create a to-do, or a subtask when `parent_id` names a top-level to-do."""
    store = _store(ctx)
    title = require(params, "title", str)
    parent_id = optional(params, "parent_id", str, "")
    if parent_id and _found(store.todos, parent_id).parent_id:
        raise DsmError(120, {"name": "parent_id", "reason": "invalid"})
    note_id = optional(params, "note_id", str, "")
    if note_id:
        _found(store.notes, note_id)
    todo = store.add_todo(
        title,
        parent_id=parent_id,
        comment=optional(params, "comment", str, ""),
        star=optional(params, "star", bool, False),
        priority=optional(params, "priority", int, NOT_SET),
        due_date=optional(params, "due_date", int, NOT_SET),
        note_id=note_id,
    )
    return _todo_data(todo, store, items=True)


@handler(TODO, "set")
async def todo_set(ctx: CallContext, params: dict[str, Any]) -> None:
    """Change the fields sent, on every to-do of the `object_id` array."""
    store = _store(ctx)
    todos = [_found(store.todos, todo_id) for todo_id in _id_list(params)]
    changes = {
        name: optional(params, name, kind, None)
        for name, kind in (
            ("title", str),
            ("comment", str),
            ("done", bool),
            ("star", bool),
            ("priority", int),
            ("due_date", int),
        )
    }
    for todo in todos:
        for name, value in changes.items():
            if value is not None:
                setattr(todo, name, value)


@handler(TODO, "delete")
async def todo_delete(ctx: CallContext, params: dict[str, Any]) -> None:
    """Delete the to-dos of the `object_id` array, each with its subtasks."""
    store = _store(ctx)
    for todo_id in [
        _found(store.todos, todo_id).object_id for todo_id in _id_list(params)
    ]:
        store.delete_todo(todo_id)


@handler(TODO, "get")
async def todo_get(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """One to-do, by `object_id` (INFERRED parameter; 114 without it)."""
    store = _store(ctx)
    return _todo_data(
        _found(store.todos, require(params, "object_id", str)), store, items=True
    )


# --- the rest of what the web client reads at start-up ---

# The package version `Info.get` reports; its fields are strings (notestation.md §13).
NOTESTATION_VERSION = {"major": "2", "minor": "6", "build": "3", "hotfix": "0"}
# INFERRED values of the settings `Setting.get` answers; the field names are from a live
# DSM 7.2.2 schema (notestation.md §9.7), their values there are not recorded.
DEFAULT_SETTINGS: dict[str, Any] = {
    "copy_delete_orig": False,
    "font_size": "normal",
    "inline_thumb": True,
    "pointer_color": "#ff0000",
    "search_attachment": False,
    "slide_theme": "default",
    "spell_check": False,
    "todo_due_date_day": 1,
    "todo_export_info": False,
    "todo_priority": NOT_SET,
    "todo_purge": False,
    "todo_reminder_offset": NOT_SET,
    "todo_reminder_predefined": True,
    "todo_reminder_unit": "minute",
    "todo_reminder_value": 30,
    "todo_show_badge": True,
}
# What `Export.*.status` and `Import.*.status` answer when no job runs (notestation.md
# §13: the code is seen live, its meaning INFERRED).
NO_JOB_CODE = 1058


@handler("SYNO.NoteStation.Info", "get")
async def info_get(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Who is signed in to Note Station and which version it is."""
    store = _store(ctx)
    return {
        "uid": store.uid,
        "username": store.owner,
        "is_admin": False,
        "allow_share": True,
        "search_precisely": False,
        "hash": store.new_ver()[:8],
        "version": NOTESTATION_VERSION,
    }


@handler("SYNO.NoteStation.Setting", "get")
async def setting_get(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Answer the user's Note Station settings."""
    _store(ctx)
    return dict(DEFAULT_SETTINGS)


@handler("SYNO.NoteStation.Setting.Global", "get")
async def global_setting_get(ctx: CallContext, params: dict[str, Any]) -> None:
    """Administrators only; the simulated accounts are not (105, notestation.md §11)."""
    raise DsmError(105)


@handler("SYNO.NoteStation.Shortcut", "list")
async def shortcut_list(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Shortcuts; the simulated users have none, so the list key is left out."""
    _store(ctx)
    return _listing("shortcuts", [])


@handler("SYNO.NoteStation.Smart", "get")
async def smart_get(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """One smart notebook, by `object_id` (INFERRED parameter; 114 without it)."""
    store = _store(ctx)
    smart = _found(store.smarts, require(params, "object_id", str))
    return _smart_data(store, smart)


@handler("SYNO.NoteStation.Share.Priv", "list")
async def share_candidates(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """List the DSM users a note can be shared with, by name prefix `query`."""
    prefix = optional(params, "query", str, "").casefold()
    users = [
        {"name": name, "type": "user"}
        for name in ctx.store.users
        if name.casefold().startswith(prefix)
    ]
    return {"list": users, "offset": 0, "total": len(users)}


@handler("SYNO.NoteStation.Export.Notebook", "status")
@handler("SYNO.NoteStation.Import.Notebook", "status")
@handler("SYNO.NoteStation.Import.Enex", "status")
async def no_job_status(ctx: CallContext, params: dict[str, Any]) -> None:
    """No export or import runs in the simulator."""
    raise DsmError(NO_JOB_CODE)
