"""The NAS self-check (check_nas and its button) through Home Assistant against the simulator."""

import asyncio
from contextlib import asynccontextmanager, suppress
from dataclasses import replace
import json
import logging
from typing import TYPE_CHECKING, Any

from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import Unauthorized
from homeassistant.helpers import entity_registry as er, issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, MockUser
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)

from custom_components.synology_native.api import (
    DsmInvalidParameterError,
    client as client_module,
)
from custom_components.synology_native.api.calendar import (
    CalendarKind,
    SynoCalendarApi,
    TaskDraft,
)
from custom_components.synology_native.api.chat_socket import CHANGE_EVENTS
from custom_components.synology_native.api.drive import Drive
from custom_components.synology_native.const import DOMAIN
from custom_components.synology_native.selfcheck import issue_id, probe
from custom_components.synology_native.selfcheck.guesses import GUESSES
from tests.conftest import setup_entry
from tests.fake_dsm import FakeDsm
from tests.fake_dsm.chat_store import GENERAL

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from homeassistant.core import Context

# The simulator's Chat hands out 50 posts per read; a conversation longer than that
# shows the cap to a read of PAGE_SIZE (100).
LONG_CONVERSATION = 60
# What every guess says about the demo NAS as it is (nothing posted during the check,
# DSM's SSO Client off, conversations shorter than a page).
DEMO_VERDICTS = {
    "api_versions": "confirmed",
    "notestation_todos": "confirmed",
    "notestation_priority_scale": "confirmed",
    "calendar_lists": "confirmed",
    "calendar_event_list_form": "confirmed",
    "calendar_events": "confirmed",
    "calendar_task_zone_key": "confirmed",
    "drive_notification_fields": "confirmed",
    "drive_quota_shape": "confirmed",
    "drive_revisions_shape": "confirmed",
    "contacts_fields": "confirmed",
    "chat_page_size": "not_seen",
    "chat_socket_events": "not_seen",
    "webdav_settings_api": "confirmed",
    "sso_redirect_host": "not_seen",
}
SHAPE_WORDS = {
    "null",
    "boolean",
    "integer",
    "number",
    "string",
    "unknown",
    "absent",
} | {
    "0",
    "1",
    "2-10",
    "11-100",
    ">100",
}
# The demo's file with an earlier version.
WELCOME = "/mydrive/Documents/Welcome.txt"
# Writes the check must never make, by method name.
WRITE_METHODS = {"create", "set", "update", "delete", "restore", "upload", "move"}


@pytest.fixture(autouse=True)
def short_socket_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """Listen to Chat's socket for half a second only."""
    monkeypatch.setattr(probe, "SOCKET_WINDOW_SECONDS", 0.5)


async def check_nas(hass: HomeAssistant, context: Context | None = None) -> Any:
    """Run the action and return its report."""
    return await hass.services.async_call(
        DOMAIN,
        "check_nas",
        {},
        blocking=True,
        return_response=True,
        context=context,
    )


def verdicts(report: dict[str, Any]) -> dict[str, str]:
    """Return each guess's verdict."""
    return {guess["key"]: guess["verdict"] for guess in report["guesses"]}


def guess(report: dict[str, Any], key: str) -> dict[str, Any]:
    """Return one guess's entry of the report."""
    return next(item for item in report["guesses"] if item["key"] == key)


@asynccontextmanager
async def chatting(fake_dsm: FakeDsm) -> AsyncIterator[None]:
    """Have alice post in general every 50 ms while the block runs."""

    async def post() -> None:
        while True:
            await fake_dsm.chat.post_as("alice", GENERAL, "hello")
            await asyncio.sleep(0.05)

    task = asyncio.create_task(post())
    try:
        yield
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task


async def long_conversation(fake_dsm: FakeDsm) -> None:
    """Make general longer than one page of the simulator."""
    for index in range(LONG_CONVERSATION):
        await fake_dsm.chat.post_as("bob", GENERAL, f"message {index}")
    fake_dsm.chat.posting_too_fast = lambda _creator: False  # type: ignore[method-assign]


def test_every_guess_names_its_place() -> None:
    """Each guess names the client code it checks, once."""
    keys = [item.key for item in GUESSES]
    assert len(keys) == len(set(keys)) == len(DEMO_VERDICTS)
    assert all(item.checks.startswith("api/") for item in GUESSES)


async def test_demo_nas(
    hass: HomeAssistant,
    loaded: None,
    fake_dsm: FakeDsm,
    config_entry: MockConfigEntry,
) -> None:
    """On the demo NAS every guess it shows is confirmed, with reads only."""
    fake_dsm.reset_request_log()
    report = await check_nas(hass)
    assert verdicts(report) == DEMO_VERDICTS
    assert guess(report, "calendar_task_zone_key")["form"] == "tzid"
    assert guess(report, "webdav_settings_api")["seen"] == {
        "api": "SYNO.WebDAVServer.Setting v1"
    }
    assert report["summary"] == {"confirmed": 12, "contradicted": 0, "not_seen": 3}
    assert not {request.method for request in fake_dsm.requests} & WRITE_METHODS
    assert config_entry.runtime_data.selfcheck.report == report


async def test_everything_seen(
    hass: HomeAssistant,
    loaded: None,
    fake_dsm: FakeDsm,
    dsm_url: str,
) -> None:
    """A long conversation, a post while listening and DSM's SSO Client settle the rest."""
    await long_conversation(fake_dsm)
    fake_dsm.sso.enable_dsm_sso_client(dsm_url)
    async with chatting(fake_dsm):
        report = await check_nas(hass)
    assert verdicts(report) == {
        **DEMO_VERDICTS,
        "chat_page_size": "confirmed",
        "chat_socket_events": "confirmed",
        "sso_redirect_host": "confirmed",
    }
    events = guess(report, "chat_socket_events")["seen"]
    assert "post_create" in events
    assert guess(report, "chat_page_size")["seen"] == {
        "page": "fewer than asked",
        "largest": "11-100",
    }
    assert guess(report, "sso_redirect_host")["seen"] == {"same_host": True}


async def test_alternative_forms(
    hass: HomeAssistant,
    loaded: None,
    fake_dsm: FakeDsm,
    dsm_url: str,
    config_entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
) -> None:
    """A NAS speaking the other documented forms gets them named, not breaking anything."""
    await long_conversation(fake_dsm)
    fake_dsm.chat.page_cap = 1000  # hands out what is asked
    fake_dsm.store.dialect.task_zone_key = "tz_id"
    fake_dsm.store.dialect.revisions_shape = "revisions"
    fake_dsm.chat_socket.faults.unknown_names = True
    fake_dsm.sso.enable_dsm_sso_client(dsm_url.replace("127.0.0.1", "nas.example"))
    async with chatting(fake_dsm):
        report = await check_nas(hass)
    assert verdicts(report) == {
        **DEMO_VERDICTS,
        "chat_socket_events": "contradicted",
        "calendar_task_zone_key": "contradicted",
        "drive_revisions_shape": "contradicted",
        "sso_redirect_host": "contradicted",
    }
    assert guess(report, "calendar_task_zone_key")["seen"] == {"zone_key": "tz_id"}
    events = guess(report, "chat_socket_events")["seen"]
    assert events
    assert not set(events) & CHANGE_EVENTS
    revisions = guess(report, "drive_revisions_shape")
    assert revisions["form"] == "revisions"
    assert "revision_id" in json.dumps(revisions["seen"])
    assert guess(report, "sso_redirect_host")["seen"] == {"same_host": False}
    # Speaking both zone keys and both version shapes, the integration copes; signing
    # in from another host than DSM's redirect address does not work.
    issues = {issue_id(config_entry, key) for key in DEMO_VERDICTS}
    raised = {key[1] for key in issue_registry.issues if key[1] in issues}
    assert raised == {issue_id(config_entry, "sso_redirect_host")}


def zone_keys_sent(fake_dsm: FakeDsm) -> set[str]:
    """Return the zone keys of the last Todo.create the simulator received."""
    create = [
        r
        for r in fake_dsm.requests
        if r.api == "SYNO.Cal.Todo" and r.method == "create"
    ]
    return {"tzid", "tz_id"} & set(create[-1].params)


async def test_client_adapts_to_the_nas_forms(
    hass: HomeAssistant,
    loaded: None,
    fake_dsm: FakeDsm,
    config_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A NAS seen speaking tz_id and {revisions} gets those (logged once, kept)."""
    fake_dsm.store.dialect.task_zone_key = "tz_id"
    fake_dsm.store.dialect.revisions_shape = "revisions"
    calendar = SynoCalendarApi(config_entry.runtime_data.client)
    task_list = (await calendar.calendars(CalendarKind.TODO))[0]
    draft = TaskDraft("Call", tz_id="America/New_York")
    await calendar.create_task(task_list, draft)
    assert zone_keys_sent(fake_dsm) == {"tzid", "tz_id"}
    drive = Drive(config_entry.runtime_data.client)
    versions = await drive.versions(WELCOME)
    with pytest.raises(DsmInvalidParameterError):  # sent as version_id
        await drive.restore_version(WELCOME, versions[-1].version_id)

    caplog.set_level(logging.INFO)
    await check_nas(hass)
    await check_nas(hass)
    after = await calendar.create_task(task_list, draft)
    assert after.draft.tz_id == "America/New_York"
    assert zone_keys_sent(fake_dsm) == {"tz_id"}
    await drive.restore_version(WELCOME, versions[-1].version_id)
    assert caplog.text.count("answers in the tz_id form") == 1
    assert caplog.text.count("answers in the revisions form") == 1

    # A restart keeps the report and the forms.
    report = config_entry.runtime_data.selfcheck.report
    await hass.config_entries.async_reload(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.runtime_data.selfcheck.report == report
    calendar = SynoCalendarApi(config_entry.runtime_data.client)
    await calendar.create_task(task_list, draft)
    assert zone_keys_sent(fake_dsm) == {"tz_id"}


async def test_contradiction_that_breaks_a_feature_raises_an_issue(
    hass: HomeAssistant,
    fake_dsm: FakeDsm,
    config_entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
) -> None:
    """An API offered only in versions we do not speak: an issue, gone once confirmed."""
    name = "SYNO.SynologyDrive.Revisions"
    offered = fake_dsm.catalog[name]
    fake_dsm.catalog[name] = replace(offered, min_version=5, max_version=6)
    await setup_entry(hass, config_entry)
    report = await check_nas(hass)
    found = guess(report, "api_versions")
    assert found["verdict"] == "contradicted"
    assert found["seen"] == {name: {"nas": [5, 6], "ours": [1, 2]}}
    issue = issue_registry.async_get_issue(
        DOMAIN, issue_id(config_entry, "api_versions")
    )
    assert issue is not None
    assert issue.translation_key == "guess_contradicted"
    assert issue.translation_placeholders is not None
    assert "github.com" in issue.translation_placeholders["tracker"]
    assert "APIs listed" in issue.translation_placeholders["feature"]

    fake_dsm.catalog[name] = offered
    await hass.config_entries.async_reload(config_entry.entry_id)
    await hass.async_block_till_done()
    report = await check_nas(hass)
    assert guess(report, "api_versions")["verdict"] == "confirmed"
    assert (
        issue_registry.async_get_issue(DOMAIN, issue_id(config_entry, "api_versions"))
        is None
    )


async def test_button_runs_the_check(
    hass: HomeAssistant,
    loaded: None,
    config_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """The device's Check NAS button (diagnostic) keeps a report for diagnostics."""
    entity_id = entity_registry.async_get_entity_id(
        "button", DOMAIN, f"{config_entry.unique_id}_check_nas"
    )
    assert entity_id is not None
    assert entity_registry.async_get(entity_id).entity_category == "diagnostic"  # type: ignore[union-attr]
    assert config_entry.runtime_data.selfcheck.report is None
    await hass.services.async_call(
        "button", "press", {ATTR_ENTITY_ID: entity_id}, blocking=True
    )
    assert config_entry.runtime_data.selfcheck.report is not None


async def test_check_is_for_administrators(
    hass: HomeAssistant, loaded: None, hass_read_only_user: MockUser
) -> None:
    """A user who is not an administrator may not run the action."""
    from homeassistant.core import Context  # noqa: PLC0415

    with pytest.raises(Unauthorized):
        await check_nas(hass, Context(user_id=hass_read_only_user.id))


def _leaves(value: Any, found: set[str]) -> None:
    """Collect every string value (not key) of decoded JSON."""
    if isinstance(value, str):
        found.add(value)
    elif isinstance(value, list):
        for item in value:
            _leaves(item, found)
    elif isinstance(value, dict):
        for item in value.values():
            _leaves(item, found)


async def test_report_and_diagnostics_hold_no_value_from_the_nas(
    hass: HomeAssistant,
    loaded: None,
    fake_dsm: FakeDsm,
    config_entry: MockConfigEntry,
    dsm_url: str,
    monkeypatch: pytest.MonkeyPatch,
    hass_client: Any,
) -> None:
    """No string the NAS sent during the check, nor a planted marker, is in either."""
    markers = await plant_markers(fake_dsm)
    fake_dsm.sso.enable_dsm_sso_client(dsm_url)
    sent: set[str] = set()
    unwrap = client_module._unwrap_envelope

    def collecting(body: bytes, api: str, method: str) -> Any:
        _leaves(json.loads(body), sent)
        return unwrap(body, api, method)

    monkeypatch.setattr(client_module, "_unwrap_envelope", collecting)
    async with chatting(fake_dsm):
        report = await check_nas(hass)
    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, config_entry
    )
    assert diagnostics["selfcheck"] == json.loads(json.dumps(report))
    assert len(sent) > 100  # the check read a good part of the NAS
    in_report: set[str] = set()
    _leaves(report, in_report)
    # Words of the shape language (types, list buckets, forms) may equal a NAS's text
    # by chance ("1", "list"); everything else in the report must be ours.
    ours = {
        text
        for text in in_report
        if not set(text.split("|")) <= SHAPE_WORDS | {"tzid", "revisions", "list"}
    }
    assert len(ours) > 20
    assert not ours & sent, ours & sent
    for marker in markers:
        assert marker not in json.dumps(report)
        assert marker not in json.dumps(diagnostics)


async def plant_markers(fake_dsm: FakeDsm) -> list[str]:
    """Put a unique value in each text the user wrote, in every app the check reads."""
    markers: list[str] = []

    def marker() -> str:
        markers.append(f"MARKER{len(markers):03d}Q")
        return markers[-1]

    for todo in fake_dsm.notestation.todos.values():
        todo.title = marker()
    calendar = fake_dsm.store.calendar
    for item in calendar.calendars.values():
        item.name = marker()
    for task in calendar.tasks.values():
        task.summary = marker()
    for event in calendar.events.values():
        event.master.summary = marker()
    for contact in fake_dsm.store.contacts.contacts.values():
        for name in contact.fields:
            contact.fields[name] = marker()
    await fake_dsm.chat.post_as("alice", GENERAL, marker())
    return markers


async def test_a_nas_that_shows_less(
    hass: HomeAssistant,
    fake_dsm: FakeDsm,
    config_entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Apps not installed are not seen; a socket that refuses and an odd to-do are told."""
    fake_dsm.uninstall("SYNO.SynologyDrive.")
    await setup_entry(hass, config_entry)
    fake_dsm.chat_socket.faults.socket_unavailable = True
    next(iter(fake_dsm.notestation.todos.values())).priority = "high"  # type: ignore[assignment]
    report = await check_nas(hass)
    assert report["reads"]["drive_quota"] == "unavailable"
    assert verdicts(report) == {
        **DEMO_VERDICTS,
        "notestation_todos": "contradicted",
        "notestation_priority_scale": "not_seen",
        "drive_notification_fields": "not_seen",
        "drive_quota_shape": "not_seen",
        "drive_revisions_shape": "not_seen",
        "chat_socket_events": "contradicted",
    }
    todos = guess(report, "notestation_todos")["seen"]
    assert "string" in json.dumps(todos)
    assert issue_registry.async_get_issue(
        DOMAIN, issue_id(config_entry, "notestation_todos")
    )


async def test_removed_entry_forgets_its_check(
    hass: HomeAssistant,
    loaded: None,
    config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """The stored report goes with the entry; a damaged one is ignored."""
    await check_nas(hass)
    key = f"{DOMAIN}.selfcheck_{config_entry.entry_id}"
    assert hass_storage[key]["data"]["report"]["version"] == 1
    hass_storage[key]["data"] = {
        "report": "x",
        "forms": {"calendar_task_zone_key": "?"},
    }
    await hass.config_entries.async_reload(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.runtime_data.selfcheck.report is None
    assert config_entry.runtime_data.client.forms == {}
    await hass.config_entries.async_remove(config_entry.entry_id)
    await hass.async_block_till_done()
    assert key not in hass_storage
