"""Drive's fields in the entry's options: push, and where deliveries may come from."""

import ipaddress
from typing import TYPE_CHECKING, Any

from homeassistant.helpers.selector import (
    BooleanSelector,
    TextSelector,
    TextSelectorConfig,
)
import probatio

from custom_components.synology_native.apps.spec import AppOptions
from custom_components.synology_native.const import (
    CONF_DRIVE_PUSH,
    CONF_DRIVE_PUSH_SOURCES,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from homeassistant.core import HomeAssistant

    from custom_components.synology_native.data import DsmConfigEntry

    from .coordinator import DriveApp


def _fields(
    _hass: HomeAssistant, entry: DsmConfigEntry, _drive: DriveApp
) -> dict[Any, Any]:
    return {
        probatio.Required(
            CONF_DRIVE_PUSH, default=entry.options.get(CONF_DRIVE_PUSH, False)
        ): BooleanSelector(),
        probatio.Optional(
            CONF_DRIVE_PUSH_SOURCES,
            default=entry.options.get(CONF_DRIVE_PUSH_SOURCES, []),
        ): TextSelector(TextSelectorConfig(multiple=True)),
    }


def _problems(user_input: Mapping[str, Any]) -> dict[str, str]:
    """Refuse delivery sources that are not IP addresses."""
    try:
        for text in user_input.get(CONF_DRIVE_PUSH_SOURCES, []):
            ipaddress.ip_address(text)
    except ValueError:
        return {CONF_DRIVE_PUSH_SOURCES: "invalid_address"}
    return {}


OPTIONS: AppOptions[DriveApp] = AppOptions(fields=_fields, problems=_problems)
