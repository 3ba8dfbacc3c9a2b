"""Synology Native: the DSM 7 productivity apps in Home Assistant."""

from datetime import timedelta
from typing import TYPE_CHECKING

from homeassistant.const import Platform
from homeassistant.exceptions import ConfigEntryNotReady
from homeassistant.helpers import config_validation as cv

from .api import DsmClient, DsmError, DsmSystem
from .const import (
    CONF_UPDATE_INTERVAL,
    DEFAULT_UPDATE_INTERVAL,
    DOMAIN,
    LOGGER,
    AuthMethod,
)
from .coordinator import NasCoordinator
from .data import (
    DsmConfigEntry,
    DsmRuntimeData,
    auth_method_of,
    create_entry_client,
)

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.typing import ConfigType

PLATFORMS: list[Platform] = [Platform.SENSOR]

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Set up the integration; actions are registered here as app issues add them."""
    return True


async def async_setup_entry(hass: HomeAssistant, entry: DsmConfigEntry) -> bool:
    """Learn which apps the NAS offers, sign in, and start polling."""
    client = create_entry_client(hass, entry.data)
    try:
        installed_apps = await DsmSystem(client).apps()
    except DsmError as err:
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key="cannot_connect",
            translation_placeholders={"error": str(err)},
        ) from err

    minutes = entry.options.get(
        CONF_UPDATE_INTERVAL, DEFAULT_UPDATE_INTERVAL.total_seconds() / 60
    )
    nas_coordinator = NasCoordinator(
        hass, entry, client, "nas", timedelta(minutes=minutes)
    )
    # The first read signs in; a refused sign-in starts reauth from here.
    await nas_coordinator.async_config_entry_first_refresh()
    entry.runtime_data = DsmRuntimeData(
        client=client,
        installed_apps=installed_apps,
        nas_coordinator=nas_coordinator,
    )
    # A password entry signs in again after a reload. An SSO entry cannot without the
    # user, so its session outlives reloads and restarts and ends with the entry.
    if auth_method_of(entry.data) is AuthMethod.PASSWORD:
        entry.async_on_unload(lambda: _async_logout(client))
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: DsmConfigEntry) -> bool:
    """Unload platforms; a password entry's session ends through its on-unload callback."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(hass: HomeAssistant, entry: DsmConfigEntry) -> None:
    """End the DSM session an SSO entry kept across reloads."""
    if auth_method_of(entry.data) is AuthMethod.SSO:
        await _async_logout(create_entry_client(hass, entry.data))


async def _async_logout(client: DsmClient) -> None:
    """End the DSM session; an unreachable NAS forgets it by itself."""
    try:
        await client.logout()
    except DsmError as err:
        LOGGER.debug("Signing out of %s failed: %s", client.url, err)
