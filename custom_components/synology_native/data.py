"""Runtime data of a config entry and the client factory shared with the config flow."""

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_PASSWORD, CONF_URL, CONF_USERNAME, CONF_VERIFY_SSL
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from .api import DsmApp, DsmClient, DsmSession, PasswordCredentials
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

    from .coordinator import NasCoordinator


@dataclass(frozen=True, slots=True)
class AppRuntime[ClientT]:
    """One used app of a loaded entry: its API client (actions only, as Contacts)."""

    client: ClientT


@dataclass(frozen=True, slots=True)
class PolledApp[ClientT, CoordinatorT](AppRuntime[ClientT]):
    """An app read with the entry's poll: its client and its coordinator."""

    coordinator: CoordinatorT


@dataclass(frozen=True, slots=True)
class PushedApp[ClientT, ListenerT](AppRuntime[ClientT]):
    """An app that tells of its changes: its client and its listener."""

    listener: ListenerT


@dataclass(frozen=True, slots=True)
class AppKey[RuntimeT: AppRuntime[Any]]:
    """Finds one app's runtime in an entry, typed (``DsmRuntimeData.app``).

    Each app declares its key beside its coordinator or listener, so every module of
    the app reaches its runtime without importing the table of apps.
    """

    app: DsmApp


@dataclass(slots=True)
class SelfCheck:
    """An entry's latest NAS self-check report (check_nas), for diagnostics."""

    report: dict[str, Any] | None = None
    # One check at a time: a second would stop the first one's recording.
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


@dataclass(slots=True)
class DsmRuntimeData:
    """What a loaded entry holds: the client, the entry's poll and each used app."""

    client: DsmClient
    installed_apps: frozenset[DsmApp]
    nas_coordinator: NasCoordinator
    # The installed apps the user chose to use (options), each with its runtime;
    # platforms and actions serve only these.
    apps: dict[DsmApp, AppRuntime[Any]]
    # The latest NAS self-check (check_nas), for diagnostics.
    selfcheck: SelfCheck = field(default_factory=SelfCheck)

    def app[RuntimeT: AppRuntime[Any]](self, key: AppKey[RuntimeT]) -> RuntimeT | None:
        """Return the runtime of the app key names, None when the entry does not use it."""
        # The app's own create function built it, so it has the key's type.
        return cast("RuntimeT | None", self.apps.get(key.app))


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
