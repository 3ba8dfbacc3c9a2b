"""Actions of Synology Native, registered once in async_setup.

Each app's actions (its ``services.py``) reach the registry through the table of
apps; this package holds what they share. Every action names its config entry (or
uses the only loaded one). Bad input
is a translated ServiceValidationError raised before anything is sent to the NAS;
what DSM refuses is translated by translate_dsm_errors.
"""

from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Any

from homeassistant.auth.permissions.const import POLICY_CONTROL
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import (
    ServiceValidationError,
    Unauthorized,
    UnknownUser,
)
from homeassistant.helpers import config_validation as cv, service
from homeassistant.util import dt as dt_util
import probatio

from custom_components.synology_native.api import APP_NAMES, DsmApp
from custom_components.synology_native.const import DOMAIN, SUPPORTED_YEARS
from custom_components.synology_native.data import AppKey, AppRuntime, DsmConfigEntry

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
    # Only Home Assistant administrators may call it (checked on the call's user): it
    # changes NAS-wide settings, makes data public, or reads what all users did.
    admin: bool = False


@dataclass(frozen=True, slots=True)
class EntityAction:
    """One action that targets entities of entity_domain: it runs their method."""

    name: str
    entity_domain: str
    method: str
    schema: dict[Any, Any]
    supports_response: SupportsResponse = SupportsResponse.NONE


def loaded_entry(call: ServiceCall, app: DsmApp | None = None) -> DsmConfigEntry:
    """Return the loaded entry the call names (or the only one), using app if given.

    With several accounts and none named, the error lists them and says how to choose
    (core's own says only that there are several).
    """
    entry_id = call.data.get(ATTR_CONFIG_ENTRY_ID)
    entries = call.hass.config_entries.async_entries(DOMAIN)
    if entry_id is None and len(entries) > 1:
        raise invalid(
            "choose_account",
            accounts=", ".join(f"{item.title} ({item.entry_id})" for item in entries),
        )
    entry: DsmConfigEntry = service.async_get_config_entry(call.hass, DOMAIN, entry_id)
    if app is not None and app not in entry.runtime_data.apps:
        raise invalid("app_not_used", app=APP_NAMES[app])
    return entry


async def require_admin(call: ServiceCall) -> None:
    """Refuse a call by a Home Assistant user who is not an administrator.

    The rule of an action registered for administrators only, for an action that needs
    it for some inputs only: a call without a user (an automation) passes, as only
    administrators write automations.
    """
    if call.context.user_id is None:
        return
    user = await call.hass.auth.async_get_user(call.context.user_id)
    if user is None:
        raise UnknownUser(
            context=call.context,
            permission=POLICY_CONTROL,
            user_id=call.context.user_id,
        )
    if not user.is_admin:
        raise Unauthorized(context=call.context, permission=POLICY_CONTROL)


def loaded_app[RuntimeT: AppRuntime[Any]](
    call: ServiceCall, key: AppKey[RuntimeT]
) -> tuple[DsmConfigEntry, RuntimeT]:
    """Return the loaded entry the call names and its runtime of the app key names."""
    entry = loaded_entry(call, key.app)
    runtime = entry.runtime_data.app(key)
    assert runtime is not None  # noqa: S101 - loaded_entry checked the app is used
    return entry, runtime


def invalid(key: str, **placeholders: str) -> ServiceValidationError:
    """Build the translated error for bad input."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders or None,
    )


def parse_time(value: Any, *, dates: bool) -> date | datetime | None:
    """Read a date and time (with dates, also a date alone) given to an action.

    Return None for anything else: text that is no date, impossible dates, hours and
    offsets ("2026-02-30", "25:00", "+99:00"), moments Python cannot hold in UTC or
    in Home Assistant's time zone (year 9999 at −05:00), and years outside
    SUPPORTED_YEARS. Times are checked in the action, not the schema, so the caller
    raises a translated error.
    """
    moment: date | datetime | None = None
    try:
        if isinstance(value, date):
            moment = value
        elif isinstance(value, str):
            day = dt_util.parse_date(value) if dates else None
            # Without dates, "2026-12-01" still reads as its midnight, as cv.datetime does.
            moment = day or dt_util.parse_datetime(value)
        if isinstance(moment, datetime):
            dt_util.as_local(dt_util.as_utc(moment))
        elif moment is not None:
            if not dates:
                return None
            dt_util.as_utc(dt_util.start_of_local_day(moment))
    except ValueError, OverflowError:
        return None
    if moment is not None and moment.year not in SUPPORTED_YEARS:
        return None
    return moment


@callback
def async_register_actions(
    hass: HomeAssistant, actions: Iterable[Action | EntityAction]
) -> None:
    """Register actions once, each finding its config entry (or entities) when called."""
    for action in actions:
        if isinstance(action, EntityAction):
            service.async_register_platform_entity_service(
                hass,
                DOMAIN,
                action.name,
                entity_domain=action.entity_domain,
                func=action.method,
                schema=action.schema,
                supports_response=action.supports_response,
            )
            continue
        register = (
            partial(service.async_register_admin_service, hass)
            if action.admin
            else hass.services.async_register
        )
        register(
            DOMAIN,
            action.name,
            action.handler,
            schema=action.schema,
            supports_response=action.supports_response,
        )
