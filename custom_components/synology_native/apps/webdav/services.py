"""WebDAV Server administration actions: the package's settings and transfer logging.

The package's settings API is found on the NAS when an action runs (api.webdav). An account
that is not an administrator, or a NAS without the package, gets a translated explanation.
"""

from collections.abc import Mapping
from typing import Any

from homeassistant.core import ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.helpers import config_validation as cv
import probatio

from custom_components.synology_native.api import (
    DsmApiNotInstalledError,
    DsmPermissionError,
)
from custom_components.synology_native.api.webdav import (
    WEBDAV_PROTOCOL,
    SettingValue,
    WebDav,
    WebDavSettings,
)
from custom_components.synology_native.data import DsmConfigEntry
from custom_components.synology_native.error_policy import (
    Refusals,
    translate_dsm_errors,
)
from custom_components.synology_native.services import (
    ENTRY_FIELD,
    Action,
    invalid,
    loaded_entry,
)

ATTR_SETTINGS = "settings"
ATTR_ENABLED = "enabled"
MAX_PORT = 65535

GET_SCHEMA = probatio.Schema(ENTRY_FIELD)
SET_SETTINGS_SCHEMA = probatio.Schema(
    {**ENTRY_FIELD, probatio.Required(ATTR_SETTINGS): dict}
)
SET_TRANSFER_LOG_SCHEMA = probatio.Schema(
    {**ENTRY_FIELD, probatio.Required(ATTR_ENABLED): cv.boolean}
)


def _webdav(call: ServiceCall) -> tuple[DsmConfigEntry, WebDav]:
    entry = loaded_entry(call)
    return entry, WebDav(entry.runtime_data.client)


# Why the NAS cannot be administered, instead of a bare DSM refusal.
WEBDAV_REFUSALS: Refusals = {
    DsmApiNotInstalledError: "webdav_not_installed",
    DsmPermissionError: "webdav_admin_required",
}


def _settings_data(settings: WebDavSettings) -> dict[str, Any]:
    return {"api": settings.api, ATTR_SETTINGS: dict(settings.values)}


def _checked_changes(
    current: WebDavSettings, changes: dict[str, Any]
) -> dict[str, SettingValue]:
    """Accept only settings the package reported, each of the type it reported."""
    if not changes:
        raise invalid("nothing_to_change")
    for key, value in changes.items():
        if key not in current.values:
            raise invalid(
                "unknown_webdav_setting",
                setting=key,
                known=", ".join(sorted(current.values)),
            )
        wanted = type(current.values[key])
        if type(value) is not wanted or (
            key.endswith("port") and not 1 <= value <= MAX_PORT
        ):
            raise invalid(
                "invalid_webdav_setting",
                setting=key,
                kind="on/off" if wanted is bool else "number",
            )
    return changes


async def _get_settings(call: ServiceCall) -> ServiceResponse:
    entry, webdav = _webdav(call)
    with translate_dsm_errors(call.hass, entry, WEBDAV_REFUSALS):
        return _settings_data(await webdav.settings())


async def _set_settings(call: ServiceCall) -> ServiceResponse:
    entry, webdav = _webdav(call)
    with translate_dsm_errors(call.hass, entry, WEBDAV_REFUSALS):
        current = await webdav.settings()
        changes = _checked_changes(current, call.data[ATTR_SETTINGS])
        return _settings_data(await webdav.change_settings(current, changes))


async def _get_transfer_log(call: ServiceCall) -> ServiceResponse:
    entry, webdav = _webdav(call)
    with translate_dsm_errors(call.hass, entry, WEBDAV_REFUSALS):
        switches = await webdav.transfer_logging()
    return {ATTR_ENABLED: switches[WEBDAV_PROTOCOL]}


async def _set_transfer_log(call: ServiceCall) -> None:
    entry, webdav = _webdav(call)
    with translate_dsm_errors(call.hass, entry, WEBDAV_REFUSALS):
        await webdav.set_transfer_logging(enabled=call.data[ATTR_ENABLED])


# The package's settings and the transfer log are NAS-wide, and the log shows what every
# user transferred: administrators only.
ACTIONS = (
    Action(
        "get_webdav_settings",
        _get_settings,
        GET_SCHEMA,
        SupportsResponse.ONLY,
        admin=True,
    ),
    Action(
        "set_webdav_settings",
        _set_settings,
        SET_SETTINGS_SCHEMA,
        SupportsResponse.OPTIONAL,
        admin=True,
    ),
    Action(
        "get_webdav_transfer_log",
        _get_transfer_log,
        GET_SCHEMA,
        SupportsResponse.ONLY,
        admin=True,
    ),
    Action(
        "set_webdav_transfer_log",
        _set_transfer_log,
        SET_TRANSFER_LOG_SCHEMA,
        admin=True,
    ),
)


# The DSM methods these actions (or Home Assistant's to-do actions, "todo.*") do the
# work of; call_api covers every other method (services/call_api.py, docs/endpoints.md).
COVERS: Mapping[tuple[str, str], str] = {
    ("SYNO.Core.SyslogClient.FileTransfer", "get"): "get_webdav_transfer_log",
    ("SYNO.Core.SyslogClient.FileTransfer", "set"): "set_webdav_transfer_log",
}
