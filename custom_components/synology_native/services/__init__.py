"""Actions of Synology Native, registered once in async_setup.

One module per app defines its actions (ACTIONS); this package holds what they
share. Every action names its config entry (or uses the only loaded one). Bad input
is a translated ServiceValidationError raised before anything is sent to the NAS;
what DSM refuses is translated by translate_dsm_errors.
"""

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv, service
import probatio

from custom_components.synology_native.api import DsmApp
from custom_components.synology_native.const import APP_NAMES, DOMAIN
from custom_components.synology_native.data import DsmConfigEntry

ATTR_CONFIG_ENTRY_ID = "config_entry_id"
ATTR_LIMIT = "limit"

ENTRY_FIELD = {probatio.Optional(ATTR_CONFIG_ENTRY_ID): cv.string}
LIMIT_FIELD = {
    probatio.Optional(ATTR_LIMIT, default=20): probatio.All(
        probatio.Coerce(int), probatio.Range(min=1, max=100)
    )
}


@dataclass(frozen=True, slots=True)
class Action:
    """One action as Home Assistant registers it."""

    name: str
    handler: Callable[[ServiceCall], Coroutine[Any, Any, ServiceResponse]]
    schema: probatio.Schema
    supports_response: SupportsResponse = SupportsResponse.NONE


def loaded_entry(call: ServiceCall, app: DsmApp) -> DsmConfigEntry:
    """Return the loaded entry the call names (or the only one) that uses app."""
    entry: DsmConfigEntry = service.async_get_config_entry(
        call.hass, DOMAIN, call.data.get(ATTR_CONFIG_ENTRY_ID)
    )
    if app not in entry.runtime_data.apps:
        raise invalid("app_not_used", app=APP_NAMES[app])
    return entry


def invalid(key: str, **placeholders: str) -> ServiceValidationError:
    """Build the translated error for bad input."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders or None,
    )


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register every action of the integration."""
    for action in (*notestation.ACTIONS, *chat.ACTIONS):
        hass.services.async_register(
            DOMAIN,
            action.name,
            action.handler,
            schema=action.schema,
            supports_response=action.supports_response,
        )
    calendar.async_register(hass)


# The app modules build on the helpers above, so they are imported after them.
from . import calendar, chat, notestation  # noqa: E402
