"""Bad input through every action: a translated error, and the NAS stays as it was."""

import copy
from datetime import date, timedelta
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import web
from homeassistant.core import SupportsResponse
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.util import dt as dt_util
import probatio
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import yaml

from custom_components.synology_native.api.chat import MAX_MESSAGE_LENGTH
from custom_components.synology_native.api.notestation import MAX_TITLE_LENGTH
from custom_components.synology_native.const import CONF_APPS, DOMAIN
from tests.fake_dsm.chat_store import FAMILY, GENERAL, post_id_for
from tests.fake_dsm.store import DEMO_USER
from tests.test_chat import fast_listener, push_ready  # noqa: F401

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from tests.fake_dsm import FakeDsm

COMPONENT = Path(__file__).parents[1] / "custom_components/synology_native"
EXCEPTIONS = json.loads((COMPONENT / "translations/en.json").read_text())["exceptions"]

WELCOME = post_id_for(GENERAL, 1)
LATER = (dt_util.utcnow() + timedelta(days=1)).isoformat()
# Times Python cannot read or hold, in the forms a user or an automation writes.
BAD_TIMES = (
    "2026-02-30 10:00",
    "2026-11-05 25:00",
    "2026-11-05T10:00:00+99:00",
    "9999-12-31T23:59:00-05:00",
    "9999-12-31 23:59",  # in Home Assistant's time zone, west of UTC in tests
    "25:00",
    "tomorrow",
    "0001-01-01",  # a typo no calendar, to-do or schedule means
    "1899-12-31 23:00",
)
LONG_MESSAGE = "x" * (MAX_MESSAGE_LENGTH + 1)
LONG_TITLE = "t" * (MAX_TITLE_LENGTH + 1)

# The Calendar actions target a calendar entity instead of naming an entry.
CALENDAR = {"entity_id": "calendar.ds923_demo_my_calendar"}
EVENT = {
    **CALENDAR,
    "summary": "x",
    "start": "2026-03-04 09:00",
    "end": "2026-03-04 10:00",
}

NO_START_ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
    "UID:no-start\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:When?\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n"
)

# (action, data, translation key). Every action has at least one row.
BAD_INPUTS: list[tuple[str, dict[str, Any], str]] = [
    ("create_note", {"title": "  ", "body": "b", "notebook": "Home"}, "empty_title"),
    (
        "create_note",
        {"title": LONG_TITLE, "body": "b", "notebook": "Home"},
        "title_too_long",
    ),
    (
        "create_note",
        {"title": "t", "body": "b", "notebook": "Nowhere"},
        "notebook_not_found",
    ),
    ("append_to_note", {"note": "{note}", "text": " \n "}, "empty_text"),
    ("get_note", {"note": "1026_NOSUCHNOTE"}, "dsm_refused"),
    ("search_notes", {"query": "x", "config_entry_id": "{chat_only}"}, "app_not_used"),
    ("list_notebooks", {"config_entry_id": "{chat_only}"}, "app_not_used"),
    ("create_todo", {"title": ""}, "empty_title"),
    ("create_todo", {"title": "\t "}, "empty_title"),
    ("create_todo", {"title": LONG_TITLE}, "title_too_long"),
    ("create_todo", {"title": "x", "parent": "Book flights"}, "parent_not_found"),
    *(("create_todo", {"title": "x", "due": due}, "invalid_due") for due in BAD_TIMES),
    ("update_todo", {"todo": "Pay rent", "title": " "}, "empty_title"),
    ("update_todo", {"todo": "No such thing", "done": True}, "todo_not_found"),
    *(
        ("update_todo", {"todo": "Pay rent", "due": due}, "invalid_due")
        for due in BAD_TIMES
    ),
    ("get_todos", {"config_entry_id": "{chat_only}"}, "app_not_used"),
    (
        "send_message",
        {"channel": "general", "message": "x", "file_url": "http://10.0.0.1/a.jpg"},
        "url_not_allowed",
    ),
    (
        "send_message",
        {"channel": "general", "message": "x", "file_url": "file:///etc/passwd"},
        "url_not_allowed",
    ),
    (
        "send_message",
        {"channel": "general", "message": LONG_MESSAGE},
        "message_too_long",
    ),
    ("send_message", {"channel": "general", "message": " "}, "empty_message"),
    ("send_message", {"message": "to nobody"}, "no_target"),
    (
        "send_message",
        {"channel": "general", "message": "x", "thread_id": post_id_for(99, 1)},
        "unknown_post",
    ),
    (
        "send_message",
        {"user": "bob", "message": "x", "thread_id": WELCOME},
        "thread_not_in_channel",
    ),
    ("edit_message", {"post_id": WELCOME, "message": LONG_MESSAGE}, "message_too_long"),
    ("edit_message", {"post_id": WELCOME, "message": ""}, "empty_message"),
    ("delete_message", {"post_id": post_id_for(99, 1)}, "unknown_post"),
    ("react", {"post_id": WELCOME, "reaction": "not-a-reaction"}, "unknown_reaction"),
    (
        "react",
        {"post_id": WELCOME, "reaction": ":definitely_unknown:"},
        "unknown_reaction",
    ),
    ("react", {"post_id": WELCOME, "reaction": " "}, "empty_reaction"),
    *(
        (
            "create_poll",
            {
                "channel": "general",
                "question": "?",
                "choices": ["a", "b"],
                "expires_at": at,
            },
            "invalid_time",
        )
        for at in BAD_TIMES
    ),
    (
        "create_poll",
        {"channel": "general", "question": LONG_MESSAGE, "choices": ["a", "b"]},
        "message_too_long",
    ),
    *(
        (
            "schedule_message",
            {"channel": "general", "message": "x", "send_at": at},
            "invalid_time",
        )
        for at in BAD_TIMES
    ),
    (
        "schedule_message",
        {"user": "bob", "message": LONG_MESSAGE, "send_at": LATER},
        "message_too_long",
    ),
    (
        "schedule_message",
        {"channel": "general", "message": "\n", "send_at": LATER},
        "empty_message",
    ),
    *(
        ("set_reminder", {"post_id": WELCOME, "remind_at": at}, "invalid_time")
        for at in BAD_TIMES
    ),
    # A date alone is no moment to send or remind at.
    (
        "set_reminder",
        {"post_id": WELCOME, "remind_at": date(2030, 1, 1)},
        "invalid_time",
    ),
    ("search_messages", {"keyword": "x", "channel": "nowhere"}, "unknown_channel"),
    ("list_channels", {"config_entry_id": "{notestation_only}"}, "app_not_used"),
    ("list_users", {"config_entry_id": "{notestation_only}"}, "app_not_used"),
    *(("create_event", {**EVENT, "start": when}, "invalid_time") for when in BAD_TIMES),
    ("create_event", {**EVENT, "end": "2026-03-04 08:00"}, "calendar_end_before_start"),
    ("create_event", {**EVENT, "end": "2026-03-05"}, "calendar_mixed_times"),
    ("create_event", {**EVENT, "time_zone": "Mars/Olympus"}, "unknown_time_zone"),
    (
        "create_event",
        {**EVENT, "rrule": "FREQ=MONTHLY;BYDAY=-1FR"},
        "calendar_rule_unsupported",
    ),
    ("create_event", {**EVENT, "summary": " "}, "calendar_summary_empty"),
    (
        "create_event",
        {**EVENT, "rrule": "FREQ=DAILY;COUNT=100000000"},
        "calendar_count_too_large",
    ),
    *(
        ("create_event", {**EVENT, "attendees": [who]}, "calendar_attendee_invalid")
        for who in ("not an e-mail", "alice@", "bob@home", "a/b")
    ),
    *(
        (
            "create_event",
            {**EVENT, "reminders": [minutes]},
            "calendar_reminder_out_of_range",
        )
        for minutes in (10**12, -5)
    ),
    (
        "update_event",
        {**CALENDAR, "uid": "{event}", "summary": ""},
        "calendar_summary_empty",
    ),
    (
        "update_event",
        {**CALENDAR, "uid": "{event}", "start": "0001-01-01 09:30"},
        "invalid_time",
    ),
    (
        "get_events",
        {**CALENDAR, "start": "2026-01-01", "end": "2030-01-01"},
        "calendar_span_too_long",
    ),
    ("import_ics", {**CALENDAR, "ics": NO_START_ICS}, "calendar_event_without_start"),
    ("export_ics", {**CALENDAR, "path": "{folder}"}, "calendar_export_to_folder"),
    (
        "copy",
        {"paths": ["/mydrive/Documents"], "destination": "/mydrive/Documents"},
        "drive_copy_into_itself",
    ),
    ("get_events", {**CALENDAR, "start": "tomorrow"}, "invalid_time"),
    (
        "get_events",
        {**CALENDAR, "start": "2026-03-05", "end": "2026-03-01"},
        "calendar_end_before_start",
    ),
    (
        "update_event",
        {**CALENDAR, "uid": "x", "scope": "this"},
        "calendar_recurrence_id_required",
    ),
    ("update_event", {**CALENDAR, "uid": "no-such-uid"}, "dsm_refused"),
    (
        "delete_event",
        {**CALENDAR, "uid": "x", "scope": "this_and_following"},
        "calendar_recurrence_id_required",
    ),
    (
        "export_ics",
        {**CALENDAR, "path": "/etc/calendar.ics"},
        "calendar_path_not_allowed",
    ),
    ("import_ics", {**CALENDAR, "ics": "hello"}, "calendar_not_ics"),
    ("import_ics", CALENDAR, "calendar_ics_missing"),
    (
        "upload_file",
        {"file_path": "/etc/hostname", "folder": "/mydrive"},
        "path_not_allowed",
    ),
    (
        "download_file",
        {"path": "/mydrive/Documents/Welcome.txt", "target_path": "/etc/x.txt"},
        "drive_target_not_allowed",
    ),
    ("create_share_link", {"path": "Documents/Welcome.txt"}, "drive_path_invalid"),
    (
        "create_share_link",
        {"path": "/mydrive/Documents/Welcome.txt", "expires": "tomorrow"},
        "invalid_time",
    ),
    ("list_files", {"folder": "/mydrive/ghost"}, "drive_not_found"),
    ("search_files", {"query": "x", "config_entry_id": "{chat_only}"}, "app_not_used"),
    ("create_folder", {"path": "/mydrive/Documents"}, "drive_name_taken"),
    (
        "move",
        {"paths": ["/mydrive/ghost.txt"], "destination": "/mydrive/Camera"},
        "drive_not_found",
    ),
    (
        "copy",
        {
            "paths": ["/mydrive/Documents/Welcome.txt"],
            "destination": "/mydrive/Documents",
        },
        "drive_name_taken",
    ),
    ("delete", {"paths": ["/mydrive"]}, "drive_root"),
    ("list_versions", {"path": "/mydrive/Documents"}, "drive_not_a_file"),
    (
        "restore_version",
        {"path": "/mydrive/Documents/Welcome.txt", "version_id": "404"},
        "drive_not_found",
    ),
    ("list_team_folders", {"config_entry_id": "{chat_only}"}, "app_not_used"),
    # Contacts, WebDAV administration and call_api (details in their own test modules).
    ("find_contacts", {"query": " "}, "empty_query"),
    ("list_address_books", {"config_entry_id": "{chat_only}"}, "app_not_used"),
    (
        "create_contact",
        {"address_book": "Colleagues", "name": "X"},
        "address_book_read_only",
    ),
    ("update_contact", {"contact": 9999, "name": "X"}, "contact_not_found"),
    ("delete_contact", {"contact": 9999}, "contact_not_found"),
    # The WebDAV rows run as an account outside DSM's administrators (see the test).
    ("get_webdav_settings", {}, "webdav_admin_required"),
    (
        "set_webdav_settings",
        {"settings": {"enable_http": False}},
        "webdav_admin_required",
    ),
    ("get_webdav_transfer_log", {}, "webdav_admin_required"),
    ("set_webdav_transfer_log", {"enabled": True}, "webdav_admin_required"),
    ("call_api", {"api": "SYNO.Contacts.Label", "method": "search"}, "unknown_method"),
]


# Actions whose only input is the entry, which Home Assistant itself checks.
ENTRY_ONLY_ACTIONS = {"check_nas"}


def nas_contents(fake_dsm: FakeDsm) -> Any:
    """Copy what the simulated NAS holds: Chat, Note Station, Calendar, Drive, Contacts, WebDAV."""
    drive = fake_dsm.store.drive
    return (
        *copy.deepcopy(
            tuple(
                {
                    name: value
                    for name, value in vars(store).items()
                    if value is not None and not callable(value)
                }
                for store in (
                    fake_dsm.chat,
                    fake_dsm.notestation,
                    fake_dsm.store.calendar,
                )
            )
        ),
        [
            (node.name, node.parent_id, node.removed, len(node.revisions))
            for node in drive.nodes.values()
        ],
        sorted(drive.links),
        sorted(drive.webhooks),
        copy.deepcopy(fake_dsm.store.contacts),
        copy.deepcopy(fake_dsm.webdav),
    )


def filled(value: Any, names: dict[str, str]) -> Any:
    """Put ids known only at run time into a table value."""
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return names[value[1:-1]]
    return value


@pytest.fixture
async def loaded(hass: HomeAssistant, config_entry: MockConfigEntry) -> None:
    """Load the demo entry with every app, its Chat socket connected."""
    await push_ready(hass, config_entry)


@pytest.fixture
async def entries(
    hass: HomeAssistant,
    loaded: None,
    entry_data: dict[str, Any],
    fake_dsm: FakeDsm,
    tmp_path: Path,
) -> dict[str, str]:
    """Add two entries of the demo account that lack Note Station or Chat.

    Name ids known only now: a note, an event, a folder Home Assistant may write to.
    """
    folder = tmp_path / "exports"
    folder.mkdir()
    hass.config.allowlist_external_dirs = {str(folder)}
    names = {
        "note": next(iter(fake_dsm.notestation.notes)),
        "event": next(iter(fake_dsm.store.calendar.events.values())).uid,
        "folder": str(folder),
    }
    for name, apps in (("chat_only", ["chat"]), ("notestation_only", ["notestation"])):
        entry = MockConfigEntry(
            domain=DOMAIN, unique_id=name, data=entry_data, options={CONF_APPS: apps}
        )
        entry.add_to_hass(hass)
        await hass.config_entries.async_setup(entry.entry_id)
        names[name] = entry.entry_id
    await hass.async_block_till_done()
    return names


async def test_every_action_refuses_bad_input(
    hass: HomeAssistant, fake_dsm: FakeDsm, entries: dict[str, str]
) -> None:
    """Each bad input is a translated error and leaves the NAS as it was."""
    assert {action for action, _, _ in BAD_INPUTS} | ENTRY_ONLY_ACTIONS == set(
        hass.services.async_services_for_domain(DOMAIN)
    )
    assert set(hass.services.async_services_for_domain(DOMAIN)) == set(
        yaml.safe_load((COMPONENT / "services.yaml").read_text())
    )
    default_entry = {
        "config_entry_id": hass.config_entries.async_entries(DOMAIN)[0].entry_id
    }
    fake_dsm.store.users[DEMO_USER].admin = False
    failures = []
    for action, data, key in BAD_INPUTS:
        call = ({} if "entity_id" in data else default_entry) | {
            name: filled(value, entries) for name, value in data.items()
        }
        before = nas_contents(fake_dsm)
        try:
            await hass.services.async_call(
                DOMAIN,
                action,
                call,
                blocking=True,
                return_response=hass.services.supports_response(DOMAIN, action)
                is SupportsResponse.ONLY,
            )
        except HomeAssistantError as err:
            outcome = (err.translation_domain, err.translation_key)
            message = str(err)
        except probatio.Invalid as err:  # the schema's own untranslated message
            outcome, message = ("schema", str(err)), ""
        else:
            outcome, message = ("no error", None), ""
        if outcome != (DOMAIN, key) or key not in EXCEPTIONS or not message:
            failures.append((action, data, key, outcome))
        if nas_contents(fake_dsm) != before:
            failures.append((action, data, key, "changed the NAS"))
    assert failures == []


@pytest.mark.usefixtures("entries")
async def test_several_accounts_say_how_to_choose(hass: HomeAssistant) -> None:
    """Without config_entry_id among several accounts: a translated way to choose."""
    with pytest.raises(ServiceValidationError) as caught:
        await hass.services.async_call(
            DOMAIN, "list_notebooks", {}, blocking=True, return_response=True
        )
    assert caught.value.translation_key == "choose_account"
    for entry in hass.config_entries.async_entries(DOMAIN):
        assert entry.entry_id in str(caught.value)
    assert "config_entry_id" in str(caught.value)


@pytest.mark.usefixtures("loaded")
async def test_allowed_url_is_fetched(
    hass: HomeAssistant, fake_dsm: FakeDsm, aiohttp_server: Any
) -> None:
    """A file URL under allowlist_external_urls is downloaded and posted."""

    async def report(request: web.Request) -> web.Response:
        return web.Response(body=b"%PDF")

    app = web.Application()
    app.router.add_get("/files/r.pdf", report)
    server = await aiohttp_server(app)
    hass.config.allowlist_external_urls = {str(server.make_url("/files/"))}
    sent = await hass.services.async_call(
        DOMAIN,
        "send_message",
        {"channel": "family", "file_url": str(server.make_url("/files/r.pdf"))},
        blocking=True,
        return_response=True,
    )
    post = fake_dsm.chat.channels[FAMILY].posts[sent["post_id"]]
    assert (post.file_props or {})["name"] == "r.pdf"
    # The folder is allowed, not its neighbour.
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "send_message",
            {"channel": "family", "file_url": str(server.make_url("/other.pdf"))},
            blocking=True,
        )
    assert err.value.translation_key == "url_not_allowed"


@pytest.mark.usefixtures("loaded")
async def test_too_large_for_the_nas(hass: HomeAssistant, fake_dsm: FakeDsm) -> None:
    """A body the NAS's web server refuses (HTTP 413) says so, not "cannot reach DSM"."""
    notes = len(fake_dsm.notestation.notes)
    with pytest.raises(HomeAssistantError, match="too large for the NAS") as err:
        await hass.services.async_call(
            DOMAIN,
            "create_note",
            {
                "title": "Big",
                "body": "<p>" + "x" * (2 * 1024 * 1024) + "</p>",
                "body_format": "html",
                "notebook": "Home",
            },
            blocking=True,
        )
    assert err.value.translation_key == "too_large"
    assert len(fake_dsm.notestation.notes) == notes
