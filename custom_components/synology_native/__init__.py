"""Synology Native: the DSM 7 productivity apps in Home Assistant."""

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from homeassistant.const import Platform
from homeassistant.exceptions import ConfigEntryNotReady
from homeassistant.helpers import config_validation as cv, issue_registry as ir
from homeassistant.helpers.storage import Store

from .api import DsmApp, DsmClient, DsmError, DsmSystem
from .api.contacts import Contacts
from .api.webdav import WebDav
from .apps.calendar.coordinator import CalendarCoordinator
from .apps.chat.assist import ChatAssist, assist_storage_key
from .apps.chat.listener import STORAGE_VERSION, ChatListener, chat_storage_key
from .apps.drive.coordinator import DriveCoordinator
from .apps.drive.events import DriveFileChanges, DriveNotificationMarker
from .apps.notestation.coordinator import NoteStationCoordinator
from .const import (
    APP_NAMES,
    CONF_APPS,
    CONF_CHAT_ASSIST,
    CONF_DRIVE_PUSH,
    CONF_UPDATE_INTERVAL,
    DEFAULT_UPDATE_INTERVAL,
    DOMAIN,
    LOGGER,
    SUPPORTED_APPS,
    AuthMethod,
)
from .coordinator import NasCoordinator
from .data import (
    DsmConfigEntry,
    DsmRuntimeData,
    auth_method_of,
    create_entry_client,
)
from .error_policy import setup_error
from .services import async_setup_services

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.typing import ConfigType

PLATFORMS: list[Platform] = [
    Platform.BUTTON,
    Platform.CALENDAR,
    Platform.EVENT,
    Platform.NOTIFY,
    Platform.SENSOR,
    Platform.TODO,
]

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions; each finds its config entry when called."""
    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: DsmConfigEntry) -> bool:
    """Learn which apps the NAS offers, sign in, and start polling."""
    client = create_entry_client(hass, entry.data)
    try:
        installed_apps = await DsmSystem(client).apps()
    except DsmError as err:
        raise setup_error(err) from err
    chosen = SUPPORTED_APPS.intersection(
        DsmApp(app) for app in entry.options.get(CONF_APPS, installed_apps)
    )
    _async_report_missing_apps(hass, entry, chosen - installed_apps)
    apps = frozenset(chosen & installed_apps)

    minutes = entry.options.get(
        CONF_UPDATE_INTERVAL, DEFAULT_UPDATE_INTERVAL.total_seconds() / 60
    )
    nas_coordinator = NasCoordinator(hass, entry, client, timedelta(minutes=minutes))
    # Polled apps join the entry's poll here, so its first request reads them too.
    notestation = (
        NoteStationCoordinator(nas_coordinator) if DsmApp.NOTESTATION in apps else None
    )
    calendar = CalendarCoordinator(nas_coordinator) if DsmApp.CALENDAR in apps else None
    drive = DriveCoordinator(nas_coordinator) if DsmApp.DRIVE in apps else None
    if drive is not None:
        # The stored marker first, so the first poll reports only what is new.
        await drive.marker.async_load()
    # The first request signs in; a refused sign-in starts reauth from here.
    await nas_coordinator.async_config_entry_first_refresh()
    for app in nas_coordinator.polled_apps:
        if not app.last_update_success:
            raise ConfigEntryNotReady(
                translation_domain=DOMAIN,
                translation_key="cannot_connect",
                translation_placeholders={"error": str(app.last_exception)},
            ) from app.last_exception
    # A password entry signs in again after a reload. An SSO entry cannot without the
    # user, so its session outlives reloads and restarts and ends with the entry.
    if auth_method_of(entry.data) is AuthMethod.PASSWORD:
        entry.async_on_unload(lambda: _async_logout(client))
    chat = await _async_start_chat(hass, entry, client) if DsmApp.CHAT in apps else None
    if drive is not None and entry.options.get(CONF_DRIVE_PUSH, False):
        await _async_start_drive_push(hass, entry, drive)
    entry.runtime_data = DsmRuntimeData(
        client=client,
        installed_apps=installed_apps,
        apps=apps,
        nas_coordinator=nas_coordinator,
        notestation=notestation,
        chat=chat,
        calendar=calendar,
        drive=drive,
        contacts=Contacts(client) if DsmApp.CONTACTS in apps else None,
        webdav=WebDav(client),
    )
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    if chat is not None:
        if entry.options.get(CONF_CHAT_ASSIST, False):
            # Listening before the listener starts, so no post slips past Assist.
            await ChatAssist(hass, entry, chat).async_start()
        chat.async_start()
    return True


async def _async_start_chat(
    hass: HomeAssistant, entry: DsmConfigEntry, client: DsmClient
) -> ChatListener:
    """Read Chat once before platforms start; news is reported once Home Assistant runs."""
    chat = ChatListener(hass, entry, client)
    try:
        await chat.async_prime()
    except DsmError as err:
        raise setup_error(err) from err
    return chat


async def _async_start_drive_push(
    hass: HomeAssistant, entry: DsmConfigEntry, drive: DriveCoordinator
) -> None:
    """Have Drive push file changes to a Home Assistant webhook until unload."""
    push = DriveFileChanges(hass, entry, drive.drive)
    try:
        registered = await push.async_start()
    except DsmError as err:
        raise setup_error(err) from err
    if registered is not None:
        entry.async_on_unload(lambda: push.async_stop(registered))


async def async_unload_entry(hass: HomeAssistant, entry: DsmConfigEntry) -> bool:
    """Unload platforms; the DSM session ends through the on-unload callback."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(hass: HomeAssistant, entry: DsmConfigEntry) -> None:
    """Forget what the entry kept: Chat state, the Drive marker, an SSO session."""
    for key in (chat_storage_key(entry.entry_id), assist_storage_key(entry.entry_id)):
        await Store[dict[str, Any]](hass, STORAGE_VERSION, key).async_remove()
    await DriveNotificationMarker(hass, entry).async_remove()
    if auth_method_of(entry.data) is AuthMethod.SSO:
        await _async_logout(create_entry_client(hass, entry.data))


def _async_report_missing_apps(
    hass: HomeAssistant, entry: DsmConfigEntry, missing: frozenset[DsmApp]
) -> None:
    """Explain, as a repair issue, each chosen app the NAS no longer offers."""
    for app in DsmApp:
        issue_id = f"app_missing_{entry.entry_id}_{app}"
        if app not in missing:
            ir.async_delete_issue(hass, DOMAIN, issue_id)
            continue
        ir.async_create_issue(
            hass,
            DOMAIN,
            issue_id,
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key="app_missing",
            translation_placeholders={"app": APP_NAMES[app], "entry": entry.title},
        )


async def _async_logout(client: DsmClient) -> None:
    """End the DSM session; an unreachable NAS forgets it by itself."""
    try:
        await client.logout()
    except DsmError as err:
        LOGGER.debug("Signing out of %s failed: %s", client.url, err)
