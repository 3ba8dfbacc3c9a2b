"""Diagnostics: what the entry knows about the NAS, with every secret redacted."""

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_PASSWORD, CONF_URL, CONF_USERNAME

from .api.system import APP_API_PREFIX
from .apps import APPS
from .const import CONF_DEVICE_TOKEN, CONF_SESSION_ID, CONF_SYNOTOKEN

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from .data import DsmConfigEntry

APP_PREFIXES = tuple(APP_API_PREFIX.values())
TO_REDACT = {
    CONF_PASSWORD,
    CONF_DEVICE_TOKEN,
    CONF_SESSION_ID,
    CONF_SYNOTOKEN,
    CONF_USERNAME,
    CONF_URL,
    "serial",
}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: DsmConfigEntry
) -> dict[str, Any]:
    """Describe the entry, the NAS and the APIs it offers."""
    runtime = entry.runtime_data
    runtimes = runtime.apps
    # Each app with diagnostics has its key, None while the entry does not use it.
    app_states: dict[str, dict[str, Any] | None] = {
        spec.app: spec.diagnostics(runtimes[spec.app]) if spec.app in runtimes else None
        for spec in APPS
        if spec.diagnostics is not None and spec.app is not None
    }
    apis = await runtime.client.apis()
    return async_redact_data(
        {
            "entry": {"data": dict(entry.data), "options": dict(entry.options)},
            "nas": asdict(runtime.nas_coordinator.data),
            "installed_apps": sorted(runtime.installed_apps),
            "apps": sorted(runtime.apps),
            **app_states,
            "signed_in": runtime.client.session is not None,
            # Shapes and verdicts only: the self-check never keeps a value (check_nas).
            "selfcheck": runtime.selfcheck.report,
            "app_apis": {
                name: [info.min_version, info.max_version]
                for name, info in sorted(apis.items())
                if name.startswith(APP_PREFIXES)
            },
        },
        TO_REDACT,
    )
