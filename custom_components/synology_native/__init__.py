"""Synology Native: the DSM 7 productivity apps in Home Assistant."""

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from homeassistant.exceptions import ConfigEntryNotReady
from homeassistant.helpers import config_validation as cv, issue_registry as ir

from .api import APP_NAMES, DsmApp, DsmClient, DsmError, DsmSystem
from .apps import APP_ACTIONS, APPS, PLATFORMS, SUPPORTED_APPS, used_apps
from .const import (
    CONF_APPS,
    CONF_UPDATE_INTERVAL,
    DEFAULT_UPDATE_INTERVAL,
    DOMAIN,
    LOGGER,
    AuthMethod,
)
from .coordinator import NasCoordinator
from .data import (
    AppRuntime,
    DsmConfigEntry,
    DsmRuntimeData,
    auth_method_of,
    create_entry_client,
)
from .error_policy import setup_error
from .selfcheck import (
    async_forget as async_forget_selfcheck,
    async_restore as async_restore_selfcheck,
)
from .selfcheck.services import ACTIONS as SELFCHECK_ACTIONS
from .services import async_register_actions
from .services.call_api import ACTIONS as CALL_API_ACTIONS

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.typing import ConfigType

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions; each finds its config entry when called."""
    async_register_actions(hass, (*APP_ACTIONS, *CALL_API_ACTIONS, *SELFCHECK_ACTIONS))
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
    apps = chosen & installed_apps

    minutes = entry.options.get(
        CONF_UPDATE_INTERVAL, DEFAULT_UPDATE_INTERVAL.total_seconds() / 60
    )
    nas_coordinator = NasCoordinator(hass, entry, client, timedelta(minutes=minutes))
    # Before the first refresh: a polled app joins the entry's poll as it is built, so
    # the first request reads it too.
    runtimes: dict[DsmApp, AppRuntime[Any]] = {
        spec.app: await spec.create(hass, entry, nas_coordinator)
        for spec in APPS
        if spec.app in apps and spec.create is not None
    }
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
    entry.runtime_data = DsmRuntimeData(
        client=client,
        installed_apps=installed_apps,
        nas_coordinator=nas_coordinator,
        apps=runtimes,
    )
    await async_restore_selfcheck(hass, entry)
    for spec, runtime in used_apps(entry):
        if spec.prepare is not None:
            try:
                await spec.prepare(hass, entry, runtime)
            except DsmError as err:
                raise setup_error(err) from err
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    for spec, runtime in used_apps(entry):
        if spec.start is not None:
            await spec.start(hass, entry, runtime)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: DsmConfigEntry) -> bool:
    """Unload platforms; the DSM session ends through the on-unload callback."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(hass: HomeAssistant, entry: DsmConfigEntry) -> None:
    """Forget what the entry kept: what each app stored, its last NAS check, an SSO session."""
    for spec in APPS:
        for data in spec.stores:
            await data.store(hass, entry.entry_id).async_remove()
    await async_forget_selfcheck(hass, entry.entry_id)
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
