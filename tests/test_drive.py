"""Synology Drive through Home Assistant: sensors, notification events, push webhooks."""

import asyncio
from collections.abc import Callable
import itertools
import logging
import socket
from typing import TYPE_CHECKING, Any
from unittest.mock import patch

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import Platform
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)

from custom_components.synology_native.api.drive import NOTIFICATION_PAGE
from custom_components.synology_native.apps.drive.events import (
    PUSH_SILENCE,
    may_be_local,
    webhook_app_id,
)
from custom_components.synology_native.const import (
    CONF_APPS,
    CONF_DRIVE_PUSH,
    DOMAIN,
    EVENT_DRIVE_FILE_CHANGED,
    EVENT_DRIVE_NOTIFICATION,
)
from tests.conftest import advance_time, demo_entry, setup_entry
from tests.fake_dsm.store import DEMO_USER
from tests.test_init import poll

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.helpers import issue_registry as ir
    from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
    from syrupy.assertion import SnapshotAssertion

    from tests.fake_dsm import FakeDsm
    from tests.fake_dsm.drive_store import DriveStore

UNREAD = "sensor.ds923_demo_unread_drive_notifications"
QUOTA_USED = "sensor.ds923_demo_drive_quota_used"
QUOTA_TOTAL = "sensor.ds923_demo_drive_quota"


@pytest.fixture
def drive(fake_dsm: FakeDsm) -> DriveStore:
    """Give the simulator's Drive, changed directly as another user would."""
    return fake_dsm.store.drive


def recorded(hass: HomeAssistant, event_type: str) -> list[dict[str, Any]]:
    """Collect the data of every event_type fired from now on."""
    events: list[dict[str, Any]] = []

    @callback
    def record(event: Event) -> None:
        events.append(dict(event.data))

    hass.bus.async_listen(event_type, record)
    return events


@pytest.fixture
def drive_push_entry(entry_data: dict[str, Any]) -> MockConfigEntry:
    """Give an entry of the demo account with Drive push on."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=DEMO_USER,
        unique_id=DEMO_USER,
        data=entry_data,
        options={CONF_DRIVE_PUSH: True},
    )


@pytest.fixture
def drive_entry(entry_data: dict[str, Any]) -> MockConfigEntry:
    """Give an entry of the demo account polling Drive and Note Station, without Chat.

    Tests that move the clock leave Chat out: its connection would time out.
    """
    return MockConfigEntry(
        domain=DOMAIN,
        title=DEMO_USER,
        unique_id=DEMO_USER,
        data=entry_data,
        options={CONF_APPS: ["drive", "notestation"]},
    )


def alice_adds_a_file(drive: DriveStore, name: str) -> None:
    """Let alice put a file into the team folder demo shares with her."""
    family = drive.resolve(DEMO_USER, "/team-folders/Family")
    drive.write_file("alice", family, name, b"from alice")


@pytest.mark.usefixtures("loaded")
async def test_sensors_show_unread_notifications_and_quota(
    hass: HomeAssistant, drive: DriveStore
) -> None:
    """Unread count as a number; quota in data-size units, shown in GB."""
    assert hass.states.get(UNREAD).state == "2"
    used = hass.states.get(QUOTA_USED)
    assert used.attributes["device_class"] == "data_size"
    assert used.attributes["unit_of_measurement"] == "GB"
    assert float(used.state) == pytest.approx(drive.used(DEMO_USER) / 1e9, abs=0.01)
    total = hass.states.get(QUOTA_TOTAL)
    assert float(total.state) == pytest.approx(10 * 1024**3 / 1e9, abs=0.01)


async def test_new_notifications_fire_once_across_polls_and_restarts(
    hass: HomeAssistant,
    drive_entry: MockConfigEntry,
    drive: DriveStore,
    freezer: FrozenDateTimeFactory,
) -> None:
    """What is there at first is not reported; each new one once, even after a restart."""
    events = recorded(hass, EVENT_DRIVE_NOTIFICATION)
    await setup_entry(hass, drive_entry)
    assert events == []
    alice_adds_a_file(drive, "Recipes.txt")
    await poll(hass, freezer)
    (event,) = events
    node = drive.resolve(DEMO_USER, "/team-folders/Family/Recipes.txt")
    assert event | {"time": None, "notification_id": None} == {
        "config_entry_id": drive_entry.entry_id,
        "notification_id": None,
        "type": "file_created",
        "file_id": node.file_id,
        "file_name": "Recipes.txt",
        "file_path": "/team-folders/Family/Recipes.txt",
        "actor": "alice",
        "time": None,
    }
    assert hass.states.get(UNREAD).state == "3"
    await poll(hass, freezer)
    assert len(events) == 1

    await hass.config_entries.async_unload(drive_entry.entry_id)
    alice_adds_a_file(drive, "While away.txt")
    await hass.config_entries.async_setup(drive_entry.entry_id)
    await hass.async_block_till_done()
    assert [event["file_name"] for event in events] == ["Recipes.txt", "While away.txt"]


async def test_an_older_notification_back_on_the_page_is_not_new(
    hass: HomeAssistant,
    drive_entry: MockConfigEntry,
    drive: DriveStore,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Items sliding back onto the newest page (newer ones gone) fire nothing."""
    seconds = itertools.count(drive.now() + 1)
    drive.clock = lambda: next(seconds)  # each change a second after the one before
    for number in range(NOTIFICATION_PAGE):
        alice_adds_a_file(drive, f"Photo {number}.jpg")
    events = recorded(hass, EVENT_DRIVE_NOTIFICATION)
    await setup_entry(hass, drive_entry)
    feed = drive.notifications[DEMO_USER]
    assert len(feed) > NOTIFICATION_PAGE  # the demo's own are off the page
    del feed[:2]  # two newest dismissed: two older ones come back onto the page
    await poll(hass, freezer)
    assert events == []
    alice_adds_a_file(drive, "Recipes.txt")
    await poll(hass, freezer)
    assert [event["file_name"] for event in events] == ["Recipes.txt"]


async def test_drive_joins_the_entrys_single_request_per_cycle(
    hass: HomeAssistant,
    drive_entry: MockConfigEntry,
    fake_dsm: FakeDsm,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The feed and the quota ride in the entry's one compound request."""
    await setup_entry(hass, drive_entry)
    fake_dsm.reset_request_log()
    await poll(hass, freezer)
    webapi = [r for r in fake_dsm.requests if r.path.startswith("/webapi/")]
    (request,) = webapi
    apis = {api for api, _ in request.compound}
    assert {"SYNO.DSM.Info", "SYNO.NoteStation.Todo"} <= apis
    drive_items = [item for item in request.compound if "SynologyDrive" in item[0]]
    assert drive_items == [
        ("SYNO.SynologyDrive.Notifications", "list"),
        ("SYNO.SynologyDrive.Info", "quota"),
    ]


@pytest.fixture
async def push_entry(
    hass: HomeAssistant,
    entry_data: dict[str, Any],
    hass_client_no_auth: ClientSessionGenerator,
) -> MockConfigEntry:
    """Set up the demo account with Drive push, Home Assistant listening on loopback."""
    entry = MockConfigEntry(
        domain=DOMAIN, title=DEMO_USER, unique_id=DEMO_USER, data=entry_data
    )
    # Everything that adds HTTP views loads before the test server freezes the router.
    await setup_entry(hass, entry)
    client = await hass_client_no_auth()
    hass.config.internal_url = str(client.make_url("/")).rstrip("/")
    hass.config_entries.async_update_entry(entry, options={CONF_DRIVE_PUSH: True})
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def test_push_turns_file_changes_into_events_within_a_second(
    hass: HomeAssistant, push_entry: MockConfigEntry, drive: DriveStore
) -> None:
    """A change on the NAS reaches the bus through Drive's webhook delivery."""
    (registered,) = drive.webhooks.values()
    assert registered.app_id == webhook_app_id(push_entry.entry_id)
    arrived = asyncio.Event()
    events = recorded(hass, EVENT_DRIVE_FILE_CHANGED)
    hass.bus.async_listen_once(
        EVENT_DRIVE_FILE_CHANGED, callback(lambda _event: arrived.set())
    )
    alice_adds_a_file(drive, "Pushed.txt")
    await asyncio.wait_for(arrived.wait(), timeout=1)
    node = drive.resolve(DEMO_USER, "/team-folders/Family/Pushed.txt")
    assert events == [
        {
            "config_entry_id": push_entry.entry_id,
            "event_type": "file_created",
            "file_id": node.file_id,
            "permanent_link": node.permanent_link,
            "file_type": "file",
            "parent_id": node.parent_id,
        }
    ]


async def test_forged_deliveries_are_refused_and_logged_once(
    hass: HomeAssistant,
    push_entry: MockConfigEntry,
    drive: DriveStore,
    hass_client_no_auth: ClientSessionGenerator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Not Drive's format: 400, no event, one log line; a good delivery still works."""
    caplog.set_level(logging.WARNING)
    (registered,) = drive.webhooks.values()
    path = registered.url.removeprefix(hass.config.internal_url)
    events = recorded(hass, EVENT_DRIVE_FILE_CHANGED)
    client = await hass_client_no_auth()
    for body in ({"event_type": "file_created"}, [{"file_id": "1"}]):
        response = await client.post(path, json=body)
        assert response.status == 400
    response = await client.post(path, data=b"not json")
    assert response.status == 400
    assert caplog.text.count("Refused a Drive webhook delivery") == 1
    # Another id is not ours: nothing happens.
    await client.post("/api/webhook/guessed", json=[])
    change = {
        "event_type": "file_removed",
        "file_id": "42",
        "permanent_link": "abc",
        "file_type": "dir",
        "parent_id": "7",
    }
    response = await client.post(path, json=[change, change])
    assert (response.status, await response.text()) == (200, "OK")
    await hass.async_block_till_done()
    assert [event["event_type"] for event in events] == ["file_removed"]


async def test_the_drive_webhook_goes_with_the_entry(
    hass: HomeAssistant, push_entry: MockConfigEntry, drive: DriveStore
) -> None:
    """Unloading removes Drive's webhook; a stale one is replaced at the next start."""
    (first,) = drive.webhooks.values()
    await hass.config_entries.async_unload(push_entry.entry_id)
    assert drive.webhooks == {}
    drive.webhooks[first.webhook_id] = first  # as if Home Assistant had crashed
    await hass.config_entries.async_setup(push_entry.entry_id)
    await hass.async_block_till_done()
    (current,) = drive.webhooks.values()
    assert current.webhook_id != first.webhook_id
    assert current.url != first.url


async def test_push_without_a_local_url_falls_back_to_polling(
    hass: HomeAssistant,
    drive_push_entry: MockConfigEntry,
    drive: DriveStore,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """No URL the NAS could reach: a warning, no Drive webhook, the entry still loads."""
    assert await async_setup_component(hass, DOMAIN, {})  # http sets a URL at setup
    hass.config.internal_url = hass.config.external_url = hass.config.api = None
    await setup_entry(hass, drive_push_entry)
    assert drive_push_entry.state is ConfigEntryState.LOADED
    assert drive.webhooks == {}
    assert "Drive push needs Home Assistant's local URL" in caplog.text


async def test_push_to_an_address_not_local_is_a_repair_issue(
    hass: HomeAssistant,
    drive_push_entry: MockConfigEntry,
    drive: DriveStore,
    issue_registry: ir.IssueRegistry,
) -> None:
    """A public internal URL: Home Assistant would refuse Drive's deliveries; say so."""
    assert await async_setup_component(hass, DOMAIN, {})
    hass.config.internal_url = "http://203.0.113.5:8123"
    await setup_entry(hass, drive_push_entry)
    assert len(drive.webhooks) == 1
    issue = issue_registry.async_get_issue(
        DOMAIN, f"drive_push_url_not_local_{drive_push_entry.entry_id}"
    )
    assert issue is not None
    assert issue.translation_placeholders == {
        "entry": DEMO_USER,
        "url": "http://203.0.113.5:8123/",
    }
    await hass.config_entries.async_unload(drive_push_entry.entry_id)
    assert not issue_registry.issues


def test_which_push_addresses_count_as_local(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only an address known not to be local raises the issue."""
    assert may_be_local("192.168.1.20")
    assert may_be_local("localhost")  # resolves to loopback
    assert may_be_local("homeassistant.local")  # multicast DNS: local by definition
    assert not may_be_local("203.0.113.5")

    def unknown(*_args: Any) -> Any:
        raise socket.gaierror(socket.EAI_NONAME, "not known here")

    monkeypatch.setattr(socket, "getaddrinfo", unknown)
    assert may_be_local("nas-only-name.lan")  # the NAS may resolve what we cannot


async def test_push_that_never_delivers_is_a_repair_issue(
    hass: HomeAssistant,
    entry_data: dict[str, Any],
    drive: DriveStore,
    hass_client_no_auth: ClientSessionGenerator,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
) -> None:
    """The feed shows a change, but no delivery came since registration: a repair issue."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=DEMO_USER,
        unique_id=DEMO_USER,
        data=entry_data,
        options={CONF_APPS: ["drive"]},
    )
    await setup_entry(hass, entry)
    client = await hass_client_no_auth()
    hass.config.internal_url = str(client.make_url("/")).rstrip("/")
    hass.config_entries.async_update_entry(
        entry, options={CONF_APPS: ["drive"], CONF_DRIVE_PUSH: True}
    )
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert not issue_registry.issues  # a loopback address is local
    (registered,) = drive.webhooks.values()
    registered.url = "http://127.0.0.1:9/"  # the NAS cannot reach Home Assistant
    alice_adds_a_file(drive, "Lost.txt")
    await poll(hass, freezer)
    assert not issue_registry.issues  # a delivery may take a moment
    await advance_time(hass, freezer, PUSH_SILENCE)
    assert issue_registry.async_get_issue(DOMAIN, f"drive_push_silent_{entry.entry_id}")


async def test_logbook_lines(hass: HomeAssistant) -> None:
    """Both Drive events get a logbook line: who, what, which item."""
    from custom_components.synology_native.logbook import (  # noqa: PLC0415
        async_describe_events,
    )

    described: dict[str, Callable[[Event], dict[str, str]]] = {}
    async_describe_events(
        hass, lambda domain, name, describe: described.__setitem__(name, describe)
    )
    notification = described[EVENT_DRIVE_NOTIFICATION](
        Event(
            EVENT_DRIVE_NOTIFICATION,
            {"actor": "alice", "type": "file_shared", "file_path": "/mydrive/a.txt"},
        )
    )
    assert notification == {
        "name": "alice",
        "message": "Drive: file_shared /mydrive/a.txt",
    }
    change = described[EVENT_DRIVE_FILE_CHANGED](
        Event(EVENT_DRIVE_FILE_CHANGED, {"event_type": "file_removed", "file_id": "7"})
    )
    assert change == {"name": "Synology Drive", "message": "file_removed item 7"}


async def test_a_refused_webhook_registration_retries_setup(
    hass: HomeAssistant, drive_push_entry: MockConfigEntry, fake_dsm: FakeDsm
) -> None:
    """Drive refusing the webhook: the entry retries later, no webhook is left."""
    fake_dsm.faults.fail_api("SYNO.SynologyDrive.Webhooks", "create", 105)
    await setup_entry(hass, drive_push_entry)
    assert drive_push_entry.state is ConfigEntryState.SETUP_RETRY
    assert fake_dsm.store.drive.webhooks == {}


async def test_unloading_survives_a_failed_webhook_removal(
    hass: HomeAssistant,
    drive_push_entry: MockConfigEntry,
    fake_dsm: FakeDsm,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Drive refusing to remove its webhook does not keep the entry from unloading."""
    caplog.set_level(logging.DEBUG)
    await setup_entry(hass, drive_push_entry)
    fake_dsm.faults.fail_api("SYNO.SynologyDrive.Webhooks", "delete", 105)
    assert await hass.config_entries.async_unload(drive_push_entry.entry_id)
    assert drive_push_entry.state is ConfigEntryState.NOT_LOADED
    assert "Removing the Drive webhook failed" in caplog.text
    assert len(fake_dsm.store.drive.webhooks) == 1


async def test_removing_the_entry_forgets_the_marker(
    hass: HomeAssistant, config_entry: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    """The stored notification marker goes with the entry."""
    await setup_entry(hass, config_entry)
    key = f"{DOMAIN}.drive_{config_entry.entry_id}"
    assert key in hass_storage
    await hass.config_entries.async_remove(config_entry.entry_id)
    await hass.async_block_till_done()
    assert key not in hass_storage


@pytest.mark.freeze_time("2026-11-30 12:00:00+00:00", tick=True)
async def test_sensors_snapshot(
    hass: HomeAssistant,
    entry_data: dict[str, Any],
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """The Drive sensors (and the DSM version) as Home Assistant shows them."""
    entry = demo_entry(entry_data, {CONF_APPS: ["drive"]})
    with patch("custom_components.synology_native.PLATFORMS", [Platform.SENSOR]):
        await setup_entry(hass, entry)
    await snapshot_platform(hass, entity_registry, snapshot, entry.entry_id)
