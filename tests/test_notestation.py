"""Note Station through Home Assistant: actions, the one-request refresh, a missing app."""

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.synology_native.apps.notestation.coordinator import NOTESTATION
from custom_components.synology_native.const import (
    CONF_APPS,
    CONF_UPDATE_INTERVAL,
    DOMAIN,
)
from tests.fake_dsm.store import DEMO_PASSWORD, DEMO_SERIAL, DEMO_USER
from tests.test_init import poll, setup_entry

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers import entity_registry as er, issue_registry as ir

    from tests.fake_dsm import FakeDsm
    from tests.fake_dsm.notestation_store import NoteStationStore, SimNote

# Note Station methods that change something on the NAS.
WRITES = {"create", "set", "delete", "restore"}


@pytest.fixture
def config_entry(notestation_entry: MockConfigEntry) -> MockConfigEntry:
    """Use the demo account with Note Station only: these tests move the clock."""
    return notestation_entry


async def act(hass: HomeAssistant, action: str, **data: Any) -> Any:
    """Call one of our actions, with a response when it gives one."""
    reads = action in {"get_note", "search_notes", "list_notebooks", "get_todos"}
    creates = action in {"create_note", "create_todo"}
    return await hass.services.async_call(
        DOMAIN, action, data, blocking=True, return_response=reads or creates
    )


def writes(fake_dsm: FakeDsm) -> list[tuple[str | None, str | None]]:
    """Return the Note Station writes the simulator received."""
    return [
        (request.api, request.method)
        for request in fake_dsm.requests
        if (request.api or "").startswith("SYNO.NoteStation.")
        and request.method in WRITES
    ]


@pytest.mark.usefixtures("loaded")
async def test_create_note_from_markdown_with_tags(
    hass: HomeAssistant, nas: NoteStationStore
) -> None:
    """Markdown becomes note HTML in the chosen notebook; tags are set by name."""
    response = await act(
        hass,
        "create_note",
        title="Packing list",
        body="# Trip\n- passport\n- *charger*\n\n<script>x</script>",
        notebook="work",
        tags=["travel", "lists"],
    )
    note = nas.note_by_title("Packing list")
    assert note.parent_id == nas.notebook_by_title("Work").object_id
    assert note.content == (
        "<h1>Trip</h1>\n<ul>\n<li>passport</li>\n<li><em>charger</em></li>\n</ul>\n"
        "<p>&lt;script&gt;x&lt;/script&gt;</p>\n"
    )
    assert note.tags == ["travel", "lists"]
    assert response["note"] | {"created": None, "modified": None} == {
        "id": note.object_id,
        "title": "Packing list",
        "notebook": "Work",
        "notebook_id": note.parent_id,
        "brief": "Trip passport charger <script>x</script>",
        "content": note.content,
        "tags": ["travel", "lists"],
        "created": None,
        "modified": None,
    }
    listed = await act(hass, "list_notebooks")
    assert {nb["title"]: nb["note_count"] for nb in listed["notebooks"]} == {
        "Home": 2,
        "Work": 2,
    }


@pytest.mark.usefixtures("loaded")
async def test_create_note_in_html(hass: HomeAssistant, nas: NoteStationStore) -> None:
    """HTML is stored as given; no tags means no second write."""
    home = nas.notebook_by_title("Home")
    await act(
        hass,
        "create_note",
        title="Raw",
        body="<div>as <b>is</b></div>",
        body_format="html",
        notebook=home.object_id,
    )
    note = nas.note_by_title("Raw")
    assert (note.content, note.tags, len(note.revisions)) == (
        "<div>as <b>is</b></div>",
        [],
        1,
    )


@pytest.mark.usefixtures("loaded")
async def test_unknown_notebook_changes_nothing(
    hass: HomeAssistant, fake_dsm: FakeDsm
) -> None:
    """A notebook the NAS does not have is refused before anything is sent."""
    fake_dsm.reset_request_log()
    with pytest.raises(ServiceValidationError, match="no notebook Attic") as caught:
        await act(hass, "create_note", title="x", body="y", notebook="Attic")
    assert caught.value.translation_key == "notebook_not_found"
    assert fake_dsm.requests == []


@pytest.mark.usefixtures("loaded")
async def test_append_get_and_search(
    hass: HomeAssistant, nas: NoteStationStore
) -> None:
    """Text is appended at the note's current revision; notes are read and found."""
    groceries = nas.note_by_title("Groceries")
    await act(hass, "append_to_note", note=groceries.object_id, text="Eggs")
    assert groceries.content == "<div>Milk</div><div>Bread</div><p>Eggs</p>\n"
    response = await act(hass, "get_note", note=groceries.object_id)
    assert response["note"]["content"] == groceries.content
    assert response["note"]["tags"] == ["shopping"]
    assert response["note"]["notebook"] == "Home"
    assert (
        response["note"]["modified"]
        == dt_util.utc_from_timestamp(groceries.mtime).isoformat()
    )
    found = await act(hass, "search_notes", query="eggs", limit=5)
    assert [note["title"] for note in found["notes"]] == ["Groceries", "Recipes"]
    assert "content" not in found["notes"][0]


@pytest.mark.usefixtures("loaded")
async def test_append_racing_another_device(
    hass: HomeAssistant, nas: NoteStationStore
) -> None:
    """A note changed between our read and our write is not overwritten."""
    groceries = nas.note_by_title("Groceries")

    def other_device_writes(note: SimNote) -> None:
        nas.before_note_set = None
        nas.edit_note(note, content="<div>Milk</div><div>Cheese</div>")

    nas.before_note_set = other_device_writes
    with pytest.raises(HomeAssistantError, match="changed since it was read"):
        await act(hass, "append_to_note", note=groceries.object_id, text="Eggs")
    assert groceries.content == "<div>Milk</div><div>Cheese</div>"
    # Trying again reads the new revision and keeps both changes.
    await act(hass, "append_to_note", note=groceries.object_id, text="Eggs")
    assert groceries.content == "<div>Milk</div><div>Cheese</div><p>Eggs</p>\n"


@pytest.mark.usefixtures("loaded")
async def test_append_to_encrypted_note_is_refused(
    hass: HomeAssistant, fake_dsm: FakeDsm, nas: NoteStationStore
) -> None:
    """Text is never added to ciphertext."""
    recipes = nas.note_by_title("Recipes")
    recipes.encrypt = True
    fake_dsm.reset_request_log()
    with pytest.raises(ServiceValidationError, match="Recipes is encrypted"):
        await act(hass, "append_to_note", note=recipes.object_id, text="Salt")
    assert writes(fake_dsm) == []


@pytest.mark.usefixtures("loaded")
async def test_unknown_note_is_a_translated_refusal(hass: HomeAssistant) -> None:
    """A note id DSM does not know comes back as DSM's refusal, translated."""
    with pytest.raises(HomeAssistantError, match="no such note") as caught:
        await act(hass, "get_note", note="1026_NOSUCHNOTE")
    assert caught.value.translation_key == "dsm_refused"


@pytest.mark.usefixtures("loaded")
async def test_create_todo_with_everything(
    hass: HomeAssistant, nas: NoteStationStore
) -> None:
    """A subtask with due time, priority, star, comment and a linked note."""
    groceries = nas.note_by_title("Groceries")
    response = await act(
        hass,
        "create_todo",
        title="Buy sunscreen",
        due="2026-07-01 09:00",
        priority="high",
        star=True,
        comment="SPF 50",
        parent="plan trip",
        note=groceries.object_id,
    )
    todo = nas.todo_by_title("Buy sunscreen")
    trip = nas.todo_by_title("Plan trip")
    due = datetime(2026, 7, 1, 9, tzinfo=dt_util.get_default_time_zone())
    assert (todo.parent_id, todo.priority, todo.star, todo.due_date) == (
        trip.object_id,
        300,
        True,
        int(due.timestamp()),
    )
    assert trip.items[-1] == todo.object_id
    assert response["todo"] == {
        "id": todo.object_id,
        "title": "Buy sunscreen",
        "done": False,
        "star": True,
        "priority": "high",
        "due": due.isoformat(),
        "comment": "SPF 50",
        "parent_id": trip.object_id,
        "subtask_ids": [],
        "note_id": groceries.object_id,
        "note_title": "Groceries",
    }
    # The refresh after the write already shows it, under its parent.
    todos = await act(hass, "get_todos", status="open", star=True)
    assert [todo["title"] for todo in todos["todos"]] == ["Plan trip", "Buy sunscreen"]


@pytest.mark.usefixtures("loaded")
@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"parent": "No such task"}, "parent_not_found"),
        ({"parent": "Book flights"}, "parent_not_found"),  # a subtask
        ({"due": "next tuesday"}, "invalid_due"),
        ({"due": 1700000000}, "invalid_due"),
        ({"due": ["2026-07-01"]}, "invalid_due"),
    ],
)
async def test_create_todo_bad_input_changes_nothing(
    hass: HomeAssistant,
    fake_dsm: FakeDsm,
    nas: NoteStationStore,
    data: dict[str, Any],
    key: str,
) -> None:
    """A parent that is not a top-level to-do or a due of the wrong type is refused."""
    count = len(nas.todos)
    fake_dsm.reset_request_log()
    with pytest.raises(ServiceValidationError) as caught:
        await act(hass, "create_todo", title="x", **data)
    assert caught.value.translation_key == key
    assert writes(fake_dsm) == []
    assert len(nas.todos) == count


@pytest.mark.usefixtures("loaded")
async def test_update_todo_fields(hass: HomeAssistant, nas: NoteStationStore) -> None:
    """Only the fields given change; priority, star and due can be set and cleared."""
    rent = nas.todo_by_title("Pay rent")
    await act(
        hass, "update_todo", todo="pay rent", priority="none", star=True, due=None
    )
    assert (rent.priority, rent.star, rent.due_date, rent.title) == (
        -1,
        True,
        -1,
        "Pay rent",
    )
    await act(
        hass,
        "update_todo",
        todo=rent.object_id,
        title="Pay the rent",
        done=True,
        priority="low",
        comment="Paid by transfer",
        due="2026-12-01",
    )
    assert (rent.title, rent.done, rent.priority, rent.comment) == (
        "Pay the rent",
        True,
        100,
        "Paid by transfer",
    )
    done = await act(hass, "get_todos", status="done", priority=["low"])
    assert [todo["title"] for todo in done["todos"]] == ["Pay the rent"]
    assert done["todos"][0]["due"] == "2026-12-01"
    with pytest.raises(ServiceValidationError, match="no to-do Laundry"):
        await act(hass, "update_todo", todo="Laundry", done=True)


@pytest.mark.usefixtures("loaded")
async def test_get_todos_filters(hass: HomeAssistant, nas: NoteStationStore) -> None:
    """Status, star, priority and overdue filters combine."""

    async def titles(**filters: Any) -> list[str]:
        response = await act(hass, "get_todos", **filters)
        return [todo["title"] for todo in response["todos"]]

    assert await titles() == [
        "Pay rent",
        "Plan trip",
        "Call the plumber",
        "Book flights",
        "Pack bags",
    ]
    assert await titles(status="done") == ["Call the plumber"]
    assert await titles(star=False, status="open") == [
        "Pay rent",
        "Book flights",
        "Pack bags",
    ]
    assert await titles(priority=["high", "medium"]) == ["Pay rent"]
    assert await titles(priority="none", overdue=False, status="open") == [
        "Plan trip",
        "Book flights",
        "Pack bags",
    ]
    assert await titles(overdue=True) == []


async def test_one_request_per_refresh(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    fake_dsm: FakeDsm,
    nas: NoteStationStore,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Each refresh reads to-dos, subtasks and notebooks in one compound request."""
    await setup_entry(hass, config_entry)
    notestation = config_entry.runtime_data.app(NOTESTATION)
    assert notestation is not None
    coordinator = notestation.coordinator
    fake_dsm.reset_request_log()
    await coordinator.async_refresh()
    [request] = fake_dsm.requests
    assert request.api == "SYNO.Entry.Request"
    assert request.compound == (
        ("SYNO.NoteStation.Notebook", "list"),
        ("SYNO.NoteStation.Todo", "list"),
        ("SYNO.NoteStation.Todo", "list"),  # the subtasks of "Plan trip"
    )

    # A to-do that gains its first subtask on the NAS: read in the same refresh.
    nas.add_todo("Find the receipt", parent_id=nas.todo_by_title("Pay rent").object_id)
    fake_dsm.reset_request_log()
    await poll(hass, freezer)
    assert [r.api for r in fake_dsm.requests if "NoteStation" in str(r.compound)] == [
        "SYNO.Entry.Request",
        "SYNO.Entry.Request",
    ]
    titles = [todo.title for todo in coordinator.data.todos]
    assert "Find the receipt" in titles
    fake_dsm.reset_request_log()
    await coordinator.async_refresh()
    assert len(fake_dsm.requests) == 1

    # A parent deleted on the NAS fails only its own subtask list.
    nas.delete_todo(nas.todo_by_title("Plan trip").object_id)
    await coordinator.async_refresh()
    assert coordinator.last_update_success
    assert "Book flights" not in [todo.title for todo in coordinator.data.todos]


async def test_app_missing_on_the_nas(
    hass: HomeAssistant,
    entry_data: dict[str, Any],
    fake_dsm: FakeDsm,
    entity_registry: er.EntityRegistry,
    issue_registry: ir.IssueRegistry,
) -> None:
    """No Note Station: no list, no counts, a repair issue, and actions say why."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=f"{DEMO_SERIAL}_{DEMO_USER}",
        data=entry_data,
        options={CONF_APPS: ["notestation"], CONF_UPDATE_INTERVAL: 5},
    )
    fake_dsm.uninstall("SYNO.NoteStation.")
    await setup_entry(hass, entry)
    assert entry.runtime_data.app(NOTESTATION) is None
    platforms = {
        registered.domain
        for registered in entity_registry.entities.get_entries_for_config_entry_id(
            entry.entry_id
        )
    }
    assert platforms == {"button", "sensor"}
    assert hass.states.async_entity_ids("todo") == []
    assert hass.states.get("sensor.ds923_demo_open_to_dos") is None
    assert issue_registry.async_get_issue(
        DOMAIN, f"app_missing_{entry.entry_id}_notestation"
    )
    with pytest.raises(ServiceValidationError, match="does not use Note Station"):
        await act(hass, "get_todos")


@pytest.mark.usefixtures("loaded")
@pytest.mark.parametrize(
    ("break_nas", "message"),
    [
        (
            lambda dsm: dsm.faults.fail_api("SYNO.NoteStation.Todo", "create", 411),
            "slow down",
        ),
        (lambda dsm: dsm.faults.reset(), "Cannot reach DSM"),
        (
            lambda dsm: (
                dsm.store.expire_sessions(),
                setattr(dsm.store.users[DEMO_USER], "password", "changed"),
            ),
            "Sign in again",
        ),
    ],
)
async def test_failed_write_is_translated(
    hass: HomeAssistant,
    fake_dsm: FakeDsm,
    secrets_in_logs: list[str],
    break_nas: Callable[[FakeDsm], object],
    message: str,
) -> None:
    """DSM refusing, the NAS gone, or a refused sign-in: a message the user can act on."""
    [entry] = hass.config_entries.async_entries(DOMAIN)
    client = entry.runtime_data.client
    assert client.session is not None
    secrets_in_logs.extend([DEMO_PASSWORD, client.session.sid])
    count = len(fake_dsm.notestation.todos)
    break_nas(fake_dsm)
    with pytest.raises(HomeAssistantError, match=message):
        await act(hass, "create_todo", title="Milk", due=date(2026, 7, 1))
    assert len(fake_dsm.notestation.todos) == count
