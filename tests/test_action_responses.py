"""What each action answers, against the simulator's demo data, as snapshots.

Every action that gives response data is called once with valid input on a fresh
simulator. Home Assistant's time starts at FROZEN; the simulator's clock stays there
and its ids come from a seeded generator, so what the actions answer is the same at
every run.
"""

from datetime import datetime
import json
import random
from typing import TYPE_CHECKING, Any
import uuid

import ical.util
import pytest

from custom_components.synology_native.const import DOMAIN
from tests.fake_dsm import (
    calendar_store,
    chat_store,
    drive_store,
    notestation_store,
    store,
)
from tests.fake_dsm.chat_store import GENERAL, post_id_for
from tests.test_chat import fast_listener, push_ready  # noqa: F401

if TYPE_CHECKING:
    from pathlib import Path

    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry
    from syrupy.assertion import SnapshotAssertion

    from tests.fake_dsm import FakeDsm

FROZEN = "2026-11-30 12:00:00+00:00"
CALENDAR = {"entity_id": "calendar.ds923_demo_my_calendar"}
WELCOME = post_id_for(GENERAL, 1)
LATER = "2026-12-01T09:00:00+00:00"

# (action, data): {name} is filled in at run time (a file path, an id).
CALLS: list[tuple[str, dict[str, Any]]] = [
    ("create_note", {"title": "Groceries", "body": "Milk", "notebook": "Home"}),
    ("get_note", {"note": "{note}"}),
    ("search_notes", {"query": "welcome"}),
    ("list_notebooks", {}),
    ("create_todo", {"title": "Water the plants", "due": LATER}),
    ("get_todos", {}),
    ("send_message", {"channel": "general", "message": "Dinner at seven?"}),
    (
        "create_poll",
        {"channel": "general", "question": "Pizza?", "choices": ["Yes", "No"]},
    ),
    ("schedule_message", {"channel": "general", "message": "Later", "send_at": LATER}),
    ("search_messages", {"keyword": "welcome"}),
    ("list_channels", {}),
    ("list_users", {}),
    ("upload_file", {"file_path": "{upload}", "folder": "/mydrive/Camera"}),
    (
        "download_file",
        {"path": "/mydrive/Documents/Welcome.txt", "target_path": "{download}"},
    ),
    ("create_share_link", {"path": "/mydrive/Documents/Welcome.txt"}),
    ("list_files", {"folder": "/mydrive/Documents"}),
    ("search_files", {"query": "Welcome"}),
    ("list_team_folders", {}),
    ("create_folder", {"path": "/mydrive/Receipts"}),
    ("move", {"paths": ["/mydrive/Camera"], "destination": "/mydrive/Documents"}),
    ("copy", {"paths": ["/mydrive/Camera"], "destination": "/mydrive/Documents"}),
    ("delete", {"paths": ["/mydrive/Camera"]}),
    ("list_versions", {"path": "/mydrive/Documents/Welcome.txt"}),
    (
        "restore_version",
        {"path": "/mydrive/Documents/Welcome.txt", "version_id": "{version}"},
    ),
    ("list_address_books", {}),
    ("find_contacts", {"query": "Ada"}),
    ("create_contact", {"address_book": "My contacts", "name": "Alan Turing"}),
    ("update_contact", {"contact": "{contact}", "company": "Analytical Engines"}),
    ("get_webdav_settings", {}),
    ("set_webdav_settings", {"settings": {"enable_https": True}}),
    ("get_webdav_transfer_log", {}),
    ("call_api", {"api": "SYNO.NoteStation.Notebook", "method": "list"}),
    ("get_events", {**CALENDAR, "start": "2026-11-30", "end": "2026-12-07"}),
    (
        "create_event",
        {
            **CALENDAR,
            "summary": "Dentist",
            "start": LATER,
            "end": "2026-12-01T10:00:00+00:00",
        },
    ),
    ("update_event", {**CALENDAR, "uid": "{event}", "summary": "Stand-up"}),
    ("export_ics", CALENDAR),
    ("import_ics", {**CALENDAR, "ics": "{ics}"}),
]


class SeededSecrets:
    """The simulator's random ids, drawn from a seeded generator: the same every run."""

    def __init__(self) -> None:
        """Start from one seed."""
        self._random = random.Random(19)  # noqa: S311 - test ids, not secrets

    def token_bytes(self, size: int) -> bytes:
        """Return size bytes."""
        return self._random.randbytes(size)

    def token_hex(self, size: int) -> str:
        """Return size bytes as hex digits."""
        return self.token_bytes(size).hex()

    def choice(self, items: str) -> str:
        """Return one of items."""
        return self._random.choice(items)

    def uuid1(self) -> uuid.UUID:
        """Return a UUID (the calendar library's default event UID)."""
        return uuid.UUID(bytes=self.token_bytes(16))


class FixedClock:
    """The simulator's clock, stopped at FROZEN: the times it answers never vary."""

    @staticmethod
    def time() -> float:
        """Return FROZEN as epoch seconds."""
        return datetime.fromisoformat(FROZEN).timestamp()


@pytest.fixture
def seeded_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the simulator's ids and times the same at every run (before it seeds)."""
    seeded = SeededSecrets()
    for module in (calendar_store, chat_store, drive_store, notestation_store):
        monkeypatch.setattr(module, "secrets", seeded)
    monkeypatch.setattr(ical.util, "uuid", seeded)
    monkeypatch.setattr(store, "time", FixedClock)


@pytest.fixture
def fake_dsm(seeded_ids: None, fake_dsm: FakeDsm) -> FakeDsm:
    """Give the simulator, its demo data seeded with the same ids at every run."""
    return fake_dsm


def run_time_values(fake_dsm: FakeDsm, tmp_path: Path) -> dict[str, str]:
    """Return the values CALLS take from the demo data or the test's folder."""
    upload = tmp_path / "front_door.jpg"
    upload.write_bytes(b"\xff\xd8 a picture")
    drive = fake_dsm.store.drive
    welcome = next(node for node in drive.nodes.values() if node.name == "Welcome.txt")
    calendar = fake_dsm.store.calendar
    event = next(
        item
        for item in calendar.events.values()
        if item.master.summary == "Team stand-up"
    )
    contact = fake_dsm.store.contacts.contact_by_name("Ada Lovelace")
    return {
        "note": next(iter(fake_dsm.notestation.notes)),
        "upload": str(upload),
        "download": str(tmp_path / "Welcome.txt"),
        "version": welcome.revisions[0].revision_id,
        "event": event.uid,
        "contact": str(contact.contact_id),
        "ics": (
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
            "UID:imported-1\r\nDTSTAMP:20261130T120000Z\r\nDTSTART:20261203T100000Z\r\n"
            "DTEND:20261203T110000Z\r\nSUMMARY:Imported\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        ),
    }


def filled(value: Any, names: dict[str, str]) -> Any:
    """Put a run-time value in place of its {name}."""
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return names[value[1:-1]]
    return value


@pytest.mark.usefixtures("fast_listener")
@pytest.mark.freeze_time(FROZEN, tick=True)
@pytest.mark.parametrize(("action", "data"), CALLS, ids=[call[0] for call in CALLS])
async def test_action_response(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    fake_dsm: FakeDsm,
    tmp_path: Path,
    dsm_url: str,
    snapshot: SnapshotAssertion,
    action: str,
    data: dict[str, Any],
) -> None:
    """The action's response data for the demo account."""
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    await push_ready(hass, config_entry)
    names = run_time_values(fake_dsm, tmp_path)
    response = await hass.services.async_call(
        DOMAIN,
        action,
        {key: filled(value, names) for key, value in data.items()},
        blocking=True,
        return_response=True,
    )
    # The simulator's address (its port) and the test's folder change between runs.
    text = json.dumps(response).replace(dsm_url, "https://dsm.test")
    assert json.loads(text.replace(str(tmp_path), "/config/www")) == snapshot
