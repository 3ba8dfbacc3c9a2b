"""Setting up, polling, recovering and unloading an entry against the simulator."""

from datetime import timedelta
import logging
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
)
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)

from custom_components.synology_native.api import DsmApp
from custom_components.synology_native.const import (
    CONF_APPS,
    CONF_UPDATE_INTERVAL,
    DOMAIN,
)
from tests.conftest import advance_time, demo_entry, setup_entry
from tests.fake_dsm.store import DEMO_PASSWORD, DEMO_SERIAL, DEMO_USER

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers import device_registry as dr, issue_registry as ir
    from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

    from tests.fake_dsm import FakeDsm

VERSION_ENTITY = "sensor.ds923_demo_dsm_version"
OPEN_TODOS = "sensor.ds923_demo_open_to_dos"
TASKS = "todo.tasks"
DOMAIN_LOGGER = "custom_components.synology_native"
# An entity of each polled app (and the NAS itself).
POLLED = (
    VERSION_ENTITY,
    OPEN_TODOS,
    "calendar.ds923_demo_my_calendar",
    "sensor.ds923_demo_unread_drive_notifications",
)


def states(hass: HomeAssistant, *entity_ids: str) -> list[str]:
    """Return the states of entity_ids, in order."""
    found = [hass.states.get(entity_id) for entity_id in entity_ids]
    return [state.state if state else "missing" for state in found]


async def poll(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Let one update interval pass and wait for the refresh it starts."""
    await advance_time(hass, freezer, timedelta(minutes=5))


def logins(fake_dsm: FakeDsm) -> int:
    """Count sign-in requests."""
    return sum(1 for r in fake_dsm.requests if r.method == "login")


async def test_setup_creates_device_and_sensor(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    fake_dsm: FakeDsm,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
) -> None:
    """One device for the DSM account; its DSM version as a diagnostic sensor."""
    await setup_entry(hass, config_entry)
    assert config_entry.state is ConfigEntryState.LOADED
    assert config_entry.unique_id is not None
    device = device_registry.async_get_device_by_identifier(
        (DOMAIN, config_entry.unique_id), config_entry.entry_id
    )
    assert device is not None
    assert device.manufacturer == "Synology"
    assert device.model == fake_dsm.store.model
    assert device.name == f"{fake_dsm.store.model} {DEMO_USER}"
    assert device.sw_version == fake_dsm.store.dsm_version
    entity = entity_registry.async_get(VERSION_ENTITY)
    assert entity is not None
    assert entity.unique_id == f"{DEMO_SERIAL}_{DEMO_USER}_dsm_version"
    assert entity.device_id == device.id
    state = hass.states.get(VERSION_ENTITY)
    assert state is not None
    assert state.state == fake_dsm.store.dsm_version
    assert (
        state.attributes["friendly_name"] == f"{fake_dsm.store.model} demo DSM version"
    )


async def test_unload_signs_out(
    hass: HomeAssistant, config_entry: MockConfigEntry, fake_dsm: FakeDsm
) -> None:
    """Unloading ends the DSM session."""
    await setup_entry(hass, config_entry)
    assert len(fake_dsm.store.sessions) == 1
    assert await hass.config_entries.async_unload(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.NOT_LOADED
    assert fake_dsm.store.sessions == {}


async def test_unload_with_nas_gone(
    hass: HomeAssistant, config_entry: MockConfigEntry, fake_dsm: FakeDsm
) -> None:
    """A NAS that vanished does not stop the entry from unloading."""
    await setup_entry(hass, config_entry)
    fake_dsm.faults.reset(5)
    assert await hass.config_entries.async_unload(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.NOT_LOADED


async def test_setup_retries_when_unreachable(
    hass: HomeAssistant, config_entry: MockConfigEntry, fake_dsm: FakeDsm
) -> None:
    """A NAS that does not answer puts the entry into retry."""
    fake_dsm.faults.fail_http(503)
    await setup_entry(hass, config_entry)
    assert config_entry.state is ConfigEntryState.SETUP_RETRY


async def test_setup_retries_on_failed_first_read(
    hass: HomeAssistant, config_entry: MockConfigEntry, fake_dsm: FakeDsm
) -> None:
    """A first read that fails after discovery also retries later."""
    fake_dsm.faults.fail_api("SYNO.DSM.Info", "getinfo", 117)
    await setup_entry(hass, config_entry)
    assert config_entry.state is ConfigEntryState.SETUP_RETRY


async def test_setup_refused_sign_in_starts_reauth(
    hass: HomeAssistant, config_entry: MockConfigEntry, fake_dsm: FakeDsm
) -> None:
    """A refused password leads the user to reauth."""
    fake_dsm.store.users[DEMO_USER].password = "changed-elsewhere"
    await setup_entry(hass, config_entry)
    assert config_entry.state is ConfigEntryState.SETUP_ERROR
    assert any(config_entry.async_get_active_flows(hass, {"reauth"}))


async def test_expired_session_recovered_while_running(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    fake_dsm: FakeDsm,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A session DSM ends mid-run is renewed with one sign-in; nothing goes unavailable."""
    await setup_entry(hass, config_entry)
    assert logins(fake_dsm) == 1
    fake_dsm.store.expire_sessions()
    await poll(hass, freezer)
    assert logins(fake_dsm) == 2
    state = hass.states.get(VERSION_ENTITY)
    assert state is not None
    assert state.state == fake_dsm.store.dsm_version


async def test_password_changed_while_running(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    fake_dsm: FakeDsm,
    freezer: FrozenDateTimeFactory,
) -> None:
    """When re-login is refused mid-run, the entry asks for reauth."""
    await setup_entry(hass, config_entry)
    fake_dsm.store.expire_sessions()
    fake_dsm.store.users[DEMO_USER].password = "changed-elsewhere"
    await poll(hass, freezer)
    assert any(config_entry.async_get_active_flows(hass, {"reauth"}))


async def test_nas_down_then_back(
    hass: HomeAssistant,
    entry_data: dict[str, object],
    fake_dsm: FakeDsm,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """One failed poll keeps every entity; failures spanning a poll period grey them.

    Going unavailable and coming back are logged once each per coordinator. (Chat,
    which is not polled, would take some of the faults.)
    """
    polled_apps = ["calendar", "drive", "notestation"]
    options = {CONF_APPS: polled_apps, CONF_UPDATE_INTERVAL: 5}
    await setup_entry(hass, demo_entry(entry_data, options))
    shown = states(hass, *POLLED)
    assert STATE_UNAVAILABLE not in shown
    # One request per cycle carries every read: one bad answer fails them all.
    fake_dsm.faults.malformed(1)
    await poll(hass, freezer)
    assert states(hass, *POLLED) == shown
    assert (
        not [  # nothing went unavailable
            record
            for record in caplog.records
            if record.levelno >= logging.WARNING
            and record.name.startswith(DOMAIN_LOGGER)
        ]
    )
    await poll(hass, freezer)
    assert states(hass, *POLLED) == shown
    fake_dsm.faults.malformed(2)
    await poll(hass, freezer)
    assert states(hass, *POLLED) == shown
    await poll(hass, freezer)
    assert states(hass, *POLLED) == [STATE_UNAVAILABLE] * len(POLLED)
    fake_dsm.faults.malformed(1)
    await poll(hass, freezer)
    assert states(hass, *POLLED) == [STATE_UNAVAILABLE] * len(POLLED)
    await poll(hass, freezer)
    assert states(hass, *POLLED) == shown
    for coordinator in ("nas", *polled_apps):
        name = f"synology_native {coordinator} data"
        said = [
            record.getMessage()
            for record in caplog.records
            if record.levelno >= logging.INFO and name in record.getMessage()
        ]
        assert len(said) == 2, said  # going, and back
        assert said[1] == f"Fetching {name} recovered"


async def test_one_request_per_cycle(
    hass: HomeAssistant,
    notestation_entry: MockConfigEntry,
    fake_dsm: FakeDsm,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Setup and every later cycle read the NAS and Note Station in one request."""
    await setup_entry(hass, notestation_entry)
    entry_reads = (
        ("SYNO.DSM.Info", "getinfo"),
        ("SYNO.NoteStation.Notebook", "list"),
        ("SYNO.NoteStation.Todo", "list"),  # the top-level to-dos
    )
    [first_read] = [r for r in fake_dsm.requests if "DSM.Info" in str(r.compound)]
    assert first_read.compound == entry_reads
    assert not any(r.api == "SYNO.DSM.Info" for r in fake_dsm.requests)
    fake_dsm.reset_request_log()
    fake_dsm.notestation.add_todo("Water plants")
    await poll(hass, freezer)
    [request] = fake_dsm.requests
    assert request.compound == (
        *entry_reads,
        ("SYNO.NoteStation.Todo", "list"),  # the subtasks of "Plan trip"
    )
    assert states(hass, OPEN_TODOS) == ["5"]


async def test_one_app_failing_leaves_the_others(
    hass: HomeAssistant,
    notestation_entry: MockConfigEntry,
    fake_dsm: FakeDsm,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Note Station failing its reads makes only its entities unavailable."""
    await setup_entry(hass, notestation_entry)
    fake_dsm.faults.fail_api("SYNO.NoteStation.Notebook", "list", 117, count=2)
    fake_dsm.store.dsm_version = "DSM 7.3-81180"
    await poll(hass, freezer)
    assert states(hass, VERSION_ENTITY, OPEN_TODOS) == ["DSM 7.3-81180", "4"]
    await poll(hass, freezer)
    assert states(hass, VERSION_ENTITY, OPEN_TODOS, TASKS) == [
        "DSM 7.3-81180",
        STATE_UNAVAILABLE,
        STATE_UNAVAILABLE,
    ]
    await poll(hass, freezer)
    assert states(hass, OPEN_TODOS, TASKS) == ["4", "4"]


async def test_apps_poll_without_the_version_sensor(
    hass: HomeAssistant,
    notestation_entry: MockConfigEntry,
    fake_dsm: FakeDsm,
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
) -> None:
    """Disabling the DSM version sensor does not stop the apps' updates."""
    await setup_entry(hass, notestation_entry)
    entity_registry.async_update_entity(
        VERSION_ENTITY, disabled_by=er.RegistryEntryDisabler.USER
    )
    await hass.config_entries.async_reload(notestation_entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(VERSION_ENTITY) is None
    fake_dsm.notestation.add_todo("Water plants")
    await poll(hass, freezer)
    assert states(hass, OPEN_TODOS) == ["5"]


async def test_setup_retries_when_an_app_cannot_be_read(
    hass: HomeAssistant, config_entry: MockConfigEntry, fake_dsm: FakeDsm
) -> None:
    """An app whose first read fails retries the setup; later it comes up."""
    fake_dsm.faults.fail_api("SYNO.NoteStation.Todo", "list", 105)
    await setup_entry(hass, config_entry)
    assert config_entry.state is ConfigEntryState.SETUP_RETRY
    await hass.config_entries.async_reload(config_entry.entry_id)
    await hass.async_block_till_done()
    assert states(hass, OPEN_TODOS) == ["4"]


async def test_rate_limited_poll(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    fake_dsm: FakeDsm,
    freezer: FrozenDateTimeFactory,
) -> None:
    """DSM asking to slow down marks the data stale and retries later."""
    await setup_entry(hass, config_entry)
    fake_dsm.faults.fail_api("SYNO.DSM.Info", "getinfo", 411, count=2)
    await poll(hass, freezer)
    await poll(hass, freezer)
    coordinator = config_entry.runtime_data.nas_coordinator
    assert coordinator.last_update_success is False
    assert "slow down" in str(coordinator.last_exception)


async def test_diagnostics_redact_secrets(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    """Diagnostics describe the NAS and never show a secret."""
    await setup_entry(hass, config_entry)
    client = config_entry.runtime_data.client
    assert client.session is not None
    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, config_entry
    )
    text = str(diagnostics)
    for secret in (DEMO_PASSWORD, client.session.sid, DEMO_SERIAL, DEMO_USER):
        assert secret not in text
    assert diagnostics["signed_in"] is True
    assert diagnostics["installed_apps"] == [
        "calendar",
        "chat",
        "contacts",
        "drive",
        "notestation",
    ]
    assert diagnostics["nas"]["model"] == "DS923+"
    assert diagnostics["notestation"]["last_update_success"] is True
    assert diagnostics["notestation"]["todos"] > 0
    assert diagnostics["chat"]["mode"] in {"push", "polling"}
    assert diagnostics["chat"]["channels"] > 0
    assert diagnostics["drive"]["unread"] == 2
    assert diagnostics["drive"]["quota"]["used"] > 0
    assert "SYNO.NoteStation.Todo" in diagnostics["app_apis"]
    assert "SYNO.API.Auth" not in diagnostics["app_apis"]


async def test_chosen_app_missing_is_a_repair_issue(
    hass: HomeAssistant,
    entry_data: dict[str, object],
    fake_dsm: FakeDsm,
    issue_registry: ir.IssueRegistry,
) -> None:
    """An app chosen at setup that the NAS lost is explained; dropping it clears that."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=f"{DEMO_SERIAL}_{DEMO_USER}",
        data=entry_data,
        options={CONF_APPS: ["chat", "notestation"], CONF_UPDATE_INTERVAL: 5},
    )
    fake_dsm.uninstall("SYNO.NoteStation.")
    await setup_entry(hass, entry)
    assert set(entry.runtime_data.apps) == {DsmApp.CHAT}
    issue = issue_registry.async_get_issue(
        DOMAIN, f"app_missing_{entry.entry_id}_notestation"
    )
    assert issue is not None
    assert issue.translation_placeholders == {
        "app": "Note Station",
        "entry": entry.title,
    }

    hass.config_entries.async_update_entry(
        entry, options={CONF_APPS: ["chat"], CONF_UPDATE_INTERVAL: 5}
    )
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert not issue_registry.issues
