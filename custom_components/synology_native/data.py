"""Runtime data of a config entry and the client factory shared with the config flow."""

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_PASSWORD, CONF_URL, CONF_USERNAME, CONF_VERIFY_SSL
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from .api import DsmApp, DsmClient, DsmSession, PasswordCredentials
from .api.contacts import Contacts
from .api.webdav import WebDav
from .const import (
    CONF_AUTH_METHOD,
    CONF_DEVICE_TOKEN,
    CONF_SESSION_ID,
    CONF_SYNOTOKEN,
    AuthMethod,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from homeassistant.core import HomeAssistant

    from .apps.calendar.coordinator import CalendarCoordinator
    from .apps.chat.listener import ChatListener
    from .apps.drive.coordinator import DriveCoordinator
    from .apps.notestation.coordinator import NoteStationCoordinator
    from .coordinator import NasCoordinator


@dataclass(slots=True)
class SelfCheck:
    """An entry's latest NAS self-check report (check_nas), for diagnostics."""

    report: dict[str, Any] | None = None
    # One check at a time: a second would stop the first one's recording.
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


@dataclass(slots=True)
class DsmRuntimeData:
    """What a loaded entry holds: the client, the installed apps and the coordinators."""

    client: DsmClient
    installed_apps: frozenset[DsmApp]
    # The installed apps the user chose to use (options); platforms serve only these.
    apps: frozenset[DsmApp]
    nas_coordinator: NasCoordinator
    # None unless Note Station is among apps.
    notestation: NoteStationCoordinator | None
    # The Chat push listener, when Chat is used.
    chat: ChatListener | None
    # Contacts calls (no polling: actions only), when Contacts is used.
    contacts: Contacts | None
    # WebDAV Server administration; its settings API is found when an action runs.
    webdav: WebDav
    # None unless Synology Calendar is among apps.
    calendar: CalendarCoordinator | None = None
    # None unless Drive is among apps.
    drive: DriveCoordinator | None = None
    # The latest NAS self-check (check_nas), for diagnostics.
    selfcheck: SelfCheck = field(default_factory=SelfCheck)


type DsmConfigEntry = ConfigEntry[DsmRuntimeData]


def auth_method_of(data: Mapping[str, Any]) -> AuthMethod:
    """Tell how an entry signs in; entries from before SSO sign-in use a password."""
    return AuthMethod(data.get(CONF_AUTH_METHOD, AuthMethod.PASSWORD))


def credentials_from(data: Mapping[str, Any]) -> PasswordCredentials:
    """Build password credentials from config entry data or flow input."""
    return PasswordCredentials(
        account=data[CONF_USERNAME],
        password=data[CONF_PASSWORD],
        device_token=data.get(CONF_DEVICE_TOKEN),
    )


def create_client(
    hass: HomeAssistant,
    url: str,
    *,
    verify_ssl: bool,
    credentials: PasswordCredentials | None = None,
) -> DsmClient:
    """Create a client on Home Assistant's shared aiohttp session."""
    return DsmClient(
        async_get_clientsession(hass, verify_ssl=verify_ssl),
        url,
        verify_ssl=verify_ssl,
        credentials=credentials,
    )


def create_entry_client(hass: HomeAssistant, data: Mapping[str, Any]) -> DsmClient:
    """Create the client for a stored config entry.

    A password entry signs in by itself. An SSO entry continues the session its
    sign-in yielded and cannot open another without the user.
    """
    if auth_method_of(data) is AuthMethod.PASSWORD:
        return create_client(
            hass,
            data[CONF_URL],
            verify_ssl=data[CONF_VERIFY_SSL],
            credentials=credentials_from(data),
        )
    client = create_client(hass, data[CONF_URL], verify_ssl=data[CONF_VERIFY_SSL])
    client.use_session(
        DsmSession(
            account=data[CONF_USERNAME],
            sid=data[CONF_SESSION_ID],
            synotoken=data.get(CONF_SYNOTOKEN),
            device_token=data.get(CONF_DEVICE_TOKEN),
        )
    )
    return client
