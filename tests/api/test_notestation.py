"""The Note Station client against the simulator over real HTTP, without Home Assistant."""

from datetime import UTC, datetime
import json
from typing import TYPE_CHECKING, Any

import aiohttp
import pytest

from custom_components.synology_native.api import (
    DsmClient,
    DsmConflictError,
    DsmNotFoundError,
    DsmResponseError,
    notestation as notestation_api,
)
from custom_components.synology_native.api.models import Endpoint
from custom_components.synology_native.api.notestation import (
    NOTEBOOK_RENAME,
    STALE_VERSION_CODE,
    NoteStation,
    SharePermission,
    TodoChanges,
    TodoPriority,
    created_notebook,
    later_pages,
    parse_todos,
    priority_from_wire,
    text_from_html,
    time_from_wire,
    time_to_wire,
    todo_list_call,
)
from tests.fake_dsm import notestation as fake_notestation, webapi

if TYPE_CHECKING:
    from tests.fake_dsm import FakeDsm
    from tests.fake_dsm.notestation_store import NoteStationStore


@pytest.fixture
def notestation(client: DsmClient) -> NoteStation:
    """Give Note Station calls for the demo account."""
    return NoteStation(client)


def sent(fake_dsm: FakeDsm, api: str, method: str) -> list[dict[str, str]]:
    """Return the wire parameters of every request to api.method."""
    return [
        request.params
        for request in fake_dsm.requests
        if (request.api, request.method) == (api, method)
    ]


def test_error_code_guess_is_shared_with_the_simulator() -> None:
    """The guessed conflict code is the same number on both sides."""
    assert STALE_VERSION_CODE == fake_notestation.STALE_VERSION_CODE


def test_wire_values() -> None:
    """-1 is "not set"; times are epoch seconds; priorities fall into buckets."""
    assert time_from_wire(-1) is None
    assert time_from_wire(0) == datetime(1970, 1, 1, tzinfo=UTC)
    assert time_from_wire(-86400) == datetime(1969, 12, 31, tzinfo=UTC)
    assert time_to_wire(None) == -1
    assert time_to_wire(datetime(2026, 1, 2, tzinfo=UTC)) == 1767312000
    assert priority_from_wire(-1) is None
    assert priority_from_wire(0) is TodoPriority.LOW
    assert priority_from_wire(100) is TodoPriority.LOW
    assert priority_from_wire(250) is TodoPriority.MEDIUM
    assert priority_from_wire(300) is TodoPriority.HIGH
    assert priority_from_wire(900) is TodoPriority.HIGH


def test_created_notebook_accepts_both_shapes() -> None:
    """Notebook.create's answer is read from data or from data.notebook."""
    notebook = {"object_id": "1026_A", "title": "Ideas", "mtime": 1767312000}
    assert created_notebook(notebook).title == "Ideas"
    assert created_notebook({"notebook": notebook}).object_id == "1026_A"


def test_malformed_answers() -> None:
    """Answers without required fields are response errors, not crashes."""
    with pytest.raises(
        DsmResponseError, match=r"data\.todos\[0\]\.due_date is missing"
    ):
        parse_todos([{"todos": [{"title": "no id"}]}])
    with pytest.raises(DsmResponseError, match="not a list"):
        parse_todos([{"todos": {"object_id": "x"}}])
    with pytest.raises(DsmResponseError, match="data is null, not an object"):
        parse_todos([None])
    complete = wire_todo("1026_A", due_date=-1)
    for field, wrong in (("done", "yes"), ("priority", None), ("due_date", "soon")):
        with pytest.raises(
            DsmResponseError, match=rf"Todo\.list: data\.todos\[0\]\.{field} is"
        ):
            parse_todos([{"todos": [complete | {field: wrong}]}])
    with pytest.raises(DsmResponseError, match=r"data\.todos\[0\]\.comment is missing"):
        parse_todos(
            [{"todos": [{k: v for k, v in complete.items() if k != "comment"}]}]
        )


def test_later_pages_follow_the_total() -> None:
    """A short first page sets the page size; no total is a malformed answer."""
    first = todo_list_call()
    page = {"todos": [wire_todo(f"1026_{n}") for n in range(3)], "total": 7}
    assert [call.params["offset"] for call in later_pages(first, page)] == [3, 6]
    assert later_pages(first, {"total": 0}) == []
    with pytest.raises(DsmResponseError, match=r"data\.total is missing"):
        later_pages(first, {"todos": []})


def wire_todo(object_id: str, **fields: Any) -> dict[str, Any]:
    """Return a to-do as Todo.list answers it (notestation.md §9.1)."""
    return {
        "object_id": object_id,
        "title": f"Task {object_id}",
        "comment": "",
        "done": False,
        "star": False,
        "priority": -1,
        "due_date": -1,
        "reminder_offset": -1,
        "parent_id": "",
        "note_id": "",
        "note_parent_id": "",
        "note_title": "",
        "items": [],
    } | fields


def test_each_todo_is_read_on_its_own() -> None:
    """A due date no date can hold reads as none and is kept aside; 1969 is a date."""
    todos = parse_todos(
        [
            {
                "todos": [
                    wire_todo("1026_A", due_date=253402300800),  # year 10000
                    wire_todo("1026_B", due_date=1e20),
                    wire_todo("1026_C", due_date=-86400),
                    wire_todo("1026_D", due_date=-1),
                ]
            }
        ]
    )
    assert [(todo.due, todo.due_out_of_range) for todo in todos] == [
        (None, 253402300800),
        (None, 1e20),
        (datetime(1969, 12, 31, tzinfo=UTC), None),
        (None, None),
    ]


def test_unchanged_todos_come_back_as_the_known_objects() -> None:
    """A re-read to-do equal to a known one is that object; a changed one is new."""
    page = {"todos": [wire_todo("1026_A"), wire_todo("1026_B")]}
    first = parse_todos([page])
    page["todos"][1]["done"] = True
    again = parse_todos([page], {todo.object_id: todo for todo in first})
    assert again[0] is first[0]
    assert again[1] is not first[1]
    assert again[1].done


def test_text_from_html() -> None:
    """A note's brief is its text, a line per block."""
    html = "<h1>Shopping</h1><div>milk &amp; eggs</div><ul><li>bread</li></ul>"
    assert text_from_html(html) == "Shopping\nmilk & eggs\nbread"


async def test_notebooks_round_trip(
    notestation: NoteStation, fake_dsm: FakeDsm
) -> None:
    """List, create, get, rename and delete notebooks; delete sends a plain string id."""
    notebooks = await notestation.notebooks()
    assert [nb.title for nb in notebooks] == ["Home", "Work"]
    home = notebooks[0]
    assert home.preset
    assert len(home.note_ids) == 2
    created = await notestation.create_notebook("Ideas")
    assert created.note_ids == ()
    await notestation.rename_notebook(created.object_id, "Big ideas")
    assert (await notestation.notebook(created.object_id)).title == "Big ideas"
    await notestation.delete_notebook(created.object_id)
    assert created.object_id not in fake_dsm.notestation.notebooks
    [delete] = sent(fake_dsm, "SYNO.NoteStation.Notebook", "delete")
    assert json.loads(delete["object_id"]) == created.object_id


@pytest.mark.parametrize(
    "rename", [NOTEBOOK_RENAME, Endpoint("SYNO.NoteStation.Notebook", "update", 2, 2)]
)
async def test_notebook_rename_method_lives_in_one_place(
    notestation: NoteStation,
    fake_dsm: FakeDsm,
    monkeypatch: pytest.MonkeyPatch,
    rename: Endpoint,
) -> None:
    """CONFLICT set/update v2: the rename goes as NOTEBOOK_RENAME says; either works."""
    monkeypatch.setattr(notestation_api, "NOTEBOOK_RENAME", rename)
    created = await notestation.create_notebook("Ideas")
    await notestation.rename_notebook(created.object_id, "Big ideas")
    assert fake_dsm.notestation.notebooks[created.object_id].title == "Big ideas"
    [sent_rename] = [
        request
        for request in fake_dsm.requests
        if request.api == "SYNO.NoteStation.Notebook"
        and request.method in {"set", "update"}
    ]
    assert (sent_rename.method, sent_rename.version) == (
        rename.method,
        str(rename.max_version),
    )


async def test_notes_paging_and_content(
    notestation: NoteStation, nas: NoteStationStore
) -> None:
    """Lists page and carry a brief; get adds HTML content and tag names."""
    first = await notestation.notes(limit=2)
    assert (first.total, first.offset) == (3, 0)
    assert [note.title for note in first.notes] == ["Groceries", "Meeting notes"]
    second = await notestation.notes(offset=2, limit=2)
    assert [note.title for note in second.notes] == ["Recipes"]
    home = nas.notebook_by_title("Home")
    in_home = await notestation.notes(notebook_id=home.object_id)
    assert {note.title for note in in_home.notes} == {"Groceries", "Recipes"}
    groceries = first.notes[0]
    assert groceries.brief == "Milk Bread"
    assert groceries.ctime is not None
    note = await notestation.note(groceries.object_id)
    assert note.content == "<div>Milk</div><div>Bread</div>"
    assert note.tags == ("shopping",)
    assert note.notebook_id == home.object_id


async def test_create_and_set_note(
    notestation: NoteStation, nas: NoteStationStore, fake_dsm: FakeDsm
) -> None:
    """A new note gets content, then tags and a new title at its current revision."""
    work = nas.notebook_by_title("Work")
    created = await notestation.create_note(work.object_id, "Plan", "<p>Q3</p>")
    ver = await notestation.set_note(
        created.object_id,
        created.ver,
        title="Plan 2026",
        html="<p>Q3 <b>and</b> Q4</p>",
        tags=["work", "plans"],
    )
    assert ver != created.ver
    stored = nas.notes[created.object_id]
    assert (stored.title, stored.content, stored.tags, stored.ver) == (
        "Plan 2026",
        "<p>Q3 <b>and</b> Q4</p>",
        ["work", "plans"],
        ver,
    )
    [wire] = sent(fake_dsm, "SYNO.NoteStation.Note", "set")
    assert json.loads(wire["ver"]) == created.ver
    assert wire["check_conflict"] == "true"
    assert json.loads(wire["brief"]) == "Q3 and Q4"
    assert json.loads(wire["tag"]) == ["work", "plans"]
    assert wire["version"] == "3"


async def test_stale_revision_is_a_conflict(
    notestation: NoteStation, nas: NoteStationStore
) -> None:
    """A note another device changed since it was read is not overwritten."""
    groceries = nas.note_by_title("Groceries")
    note = await notestation.note(groceries.object_id)
    nas.edit_note(groceries, content="<div>Milk</div><div>Cheese</div>")
    with pytest.raises(DsmConflictError) as caught:
        await notestation.set_note(note.object_id, note.ver, html="<div>Tea</div>")
    assert caught.value.code == STALE_VERSION_CODE
    assert groceries.content == "<div>Milk</div><div>Cheese</div>"


async def test_unknown_note(notestation: NoteStation) -> None:
    """An id DSM does not know is a not-found error."""
    with pytest.raises(DsmNotFoundError):
        await notestation.note("1026_NOSUCHNOTE")


async def test_trash_restore_and_purge(
    notestation: NoteStation, nas: NoteStationStore, fake_dsm: FakeDsm
) -> None:
    """Notes go to the trash, come back where they were, and are purged from there."""
    recipes = nas.note_by_title("Recipes")
    home_id = recipes.parent_id
    await notestation.trash_notes([recipes.object_id])
    trash = await notestation.notes(in_trash=True)
    assert [note.object_id for note in trash.notes] == [recipes.object_id]
    assert trash.notes[0].in_trash
    await notestation.restore_notes([recipes.object_id])
    assert (recipes.recycle, recipes.parent_id) == (False, home_id)
    await notestation.trash_notes([recipes.object_id])
    await notestation.purge_notes([recipes.object_id])
    assert recipes.object_id not in nas.notes
    deletes = sent(fake_dsm, "SYNO.NoteStation.Note", "delete")
    assert [json.loads(wire["object_id"]) for wire in deletes] == [
        [recipes.object_id]
    ] * 3
    assert [wire["recycle"] for wire in deletes] == ["true", "true", "false"]


async def test_versions_read_and_restore(
    notestation: NoteStation, nas: NoteStationStore
) -> None:
    """Revisions come current first; an old one can be read and restored."""
    groceries = nas.note_by_title("Groceries")
    original = groceries.ver
    nas.edit_note(groceries, content="<div>Tea</div>")
    versions = await notestation.versions(groceries.object_id)
    assert [version.ver for version in versions] == [groceries.ver, original]
    assert versions[0].author == "demo"
    old = await notestation.note(groceries.object_id, ver=original)
    assert old.content == "<div>Milk</div><div>Bread</div>"
    restored = await notestation.restore_version(groceries.object_id, original)
    assert restored.content == "<div>Milk</div><div>Bread</div>"
    assert restored.ver not in {original, versions[0].ver}


async def test_tags_smart_notebooks_and_search(notestation: NoteStation) -> None:
    """Tags read as name@uid; a smart notebook lists matching notes; search finds text."""
    tags = {tag.title: tag for tag in await notestation.tags()}
    assert set(tags) == {"shopping", "work", "meetings"}
    assert tags["work"].tag_id == "work@1026"
    smart_id = await notestation.create_smart_notebook(
        "Work stuff", keyword="budget", tag_ids=[tags["work"].tag_id]
    )
    assert [smart.title for smart in await notestation.smart_notebooks()] == [
        "Work stuff"
    ]
    matching = await notestation.notes(smart_id=smart_id)
    assert [note.title for note in matching.notes] == ["Meeting notes"]
    found = await notestation.search("MILK")
    assert {note.title for note in found} == {"Groceries", "Recipes"}


async def test_empty_library_lists_nothing(
    notestation: NoteStation, fake_dsm: FakeDsm
) -> None:
    """DSM leaves out the keys of empty lists; that reads as empty."""
    fake_dsm.notestation.notes.clear()
    fake_dsm.notestation.todos.clear()
    assert await notestation.tags() == ()
    assert await notestation.smart_notebooks() == ()
    assert (await notestation.notes()).notes == ()
    assert await notestation.search("milk") == ()
    assert await notestation.todos() == ()


async def test_sharing(notestation: NoteStation, nas: NoteStationStore) -> None:
    """Public links and per-user permissions land in the note's ACL."""
    note = nas.note_by_title("Meeting notes")
    await notestation.set_sharing(note.object_id, enabled=True)
    link = await notestation.share_publicly(note.object_id)
    assert link.endswith(f"/ns/sharing/{note.link_id}")
    await notestation.share_with_user(note.object_id, "otp-demo", SharePermission.WRITE)
    assert note.acl["enabled"] is True
    assert note.acl["public"]["perm"] == "ro"
    assert note.acl["dsm_user"] == {
        "1027": {"inherit": False, "name": "otp-demo", "perm": "rw"}
    }
    await notestation.stop_sharing_with_user(note.object_id, "otp-demo", 1027)
    await notestation.stop_sharing_publicly(note.object_id)
    assert note.acl == {"enabled": True, "dsm_user": {}}


async def test_todos_with_subtasks(
    notestation: NoteStation, nas: NoteStationStore
) -> None:
    """Subtasks left out of the top-level list are read per parent, in their order."""
    todos = {todo.title: todo for todo in await notestation.todos()}
    assert list(todos) == [
        "Pay rent",
        "Plan trip",
        "Call the plumber",
        "Book flights",
        "Pack bags",
    ]
    trip = todos["Plan trip"]
    assert trip.subtask_ids == (
        todos["Book flights"].object_id,
        todos["Pack bags"].object_id,
    )
    assert todos["Pack bags"].parent_id == trip.object_id
    assert (trip.star, trip.comment, trip.priority, trip.due) == (
        True,
        "Summer holiday",
        None,
        None,
    )
    rent = todos["Pay rent"]
    assert rent.priority is TodoPriority.HIGH
    assert rent.due == time_from_wire(nas.todo_by_title("Pay rent").due_date)
    assert todos["Call the plumber"].done


async def test_create_set_and_delete_todos(
    notestation: NoteStation, nas: NoteStationStore, fake_dsm: FakeDsm
) -> None:
    """A to-do and its subtask are created, changed field by field, and deleted at v1."""
    due = datetime(2026, 11, 5, 18, 30, tzinfo=UTC)
    groceries = nas.note_by_title("Groceries")
    parent = await notestation.create_todo(
        "Shopping",
        due=due,
        comment="Saturday",
        priority=TodoPriority.MEDIUM,
        star=True,
        note_id=groceries.object_id,
    )
    assert (parent.due, parent.priority, parent.star, parent.note_title) == (
        due,
        TodoPriority.MEDIUM,
        True,
        "Groceries",
    )
    child = await notestation.create_todo("Milk", parent_id=parent.object_id)
    assert child.parent_id == parent.object_id
    assert nas.todos[parent.object_id].items == [child.object_id]

    await notestation.set_todos(
        [child.object_id], TodoChanges(done=True, priority=None, due=None)
    )
    stored = nas.todos[child.object_id]
    assert (stored.done, stored.priority, stored.due_date) == (True, -1, -1)
    [wire] = sent(fake_dsm, "SYNO.NoteStation.Todo", "set")
    assert json.loads(wire["object_id"]) == [child.object_id]
    assert set(wire) - {"api", "version", "method", "_sid"} == {
        "object_id",
        "done",
        "priority",
        "due_date",
    }
    await notestation.set_todos(
        [parent.object_id], TodoChanges(title="Weekly shop", comment="", star=False)
    )
    assert nas.todos[parent.object_id].title == "Weekly shop"
    assert nas.todos[parent.object_id].comment == ""

    await notestation.delete_todos([parent.object_id])
    assert parent.object_id not in nas.todos
    assert child.object_id not in nas.todos
    [delete] = sent(fake_dsm, "SYNO.NoteStation.Todo", "delete")
    assert delete["version"] == "1"
    assert json.loads(delete["object_id"]) == [parent.object_id]


async def test_package_local_path(dsm_url: str, notestation: NoteStation) -> None:
    """The web UI's /notestation/webapi/entry.cgi serves Note Station, and only it."""
    await notestation.notebooks()  # signs in
    session = notestation._client.session
    assert session is not None
    url = f"{dsm_url}/notestation/webapi/entry.cgi"
    headers = {"X-SYNO-TOKEN": session.synotoken or ""}
    async with aiohttp.ClientSession() as http:
        routing = {"version": "2", "method": "list", "_sid": session.sid}
        notebooks = await (
            await http.post(
                url,
                data={"api": "SYNO.NoteStation.Notebook", **routing},
                headers=headers,
            )
        ).json()
        other = await (
            await http.post(
                url, data={"api": "SYNO.DSM.Info", **routing}, headers=headers
            )
        ).json()
    assert len(notebooks["data"]["notebooks"]) == 2
    assert other == {"error": {"code": 102}, "success": False}


async def test_note_set_without_new_revision(
    notestation: NoteStation, nas: NoteStationStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Note.set answer that lacks the new revision is a response error."""

    async def partial_answer(ctx: object, params: object) -> dict[str, object]:
        return {"data": []}

    monkeypatch.setitem(
        webapi._HANDLERS, ("SYNO.NoteStation.Note", "set"), partial_answer
    )
    note = nas.note_by_title("Recipes")
    with pytest.raises(DsmResponseError, match="without the new revision"):
        await notestation.set_note(note.object_id, note.ver, title="x")
