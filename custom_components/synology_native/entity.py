"""Base entity of Synology Native: one device per DSM account on a NAS."""

from collections.abc import Callable, Coroutine
from datetime import date, datetime
from functools import wraps
from typing import TYPE_CHECKING, Any, Concatenate, Protocol

from homeassistant.const import CONF_URL, CONF_USERNAME
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .api import DsmError
from .const import DOMAIN, SUPPORTED_YEARS
from .coordinator import DsmCoordinator
from .error_policy import action_error

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry
    from homeassistant.core import HomeAssistant

    from .data import DsmConfigEntry


class EntryEntity(Protocol):
    """An entity that knows its config entry (every entity of this integration)."""

    @property
    def hass(self) -> HomeAssistant:
        """Return Home Assistant."""

    @property
    def entry(self) -> ConfigEntry:
        """Return the config entry the entity belongs to."""


def dsm_errors[EntityT: EntryEntity, **P, R](
    func: Callable[Concatenate[EntityT, P], Coroutine[Any, Any, R]],
) -> Callable[Concatenate[EntityT, P], Coroutine[Any, Any, R]]:
    """Decorate an entity method that calls DSM: a failure raises its translated error.

    What the error means (reauth, retry, refusal) is decided by the error policy.
    """

    @wraps(func)
    async def handler(self: EntityT, /, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await func(self, *args, **kwargs)
        except DsmError as err:
            raise action_error(self.hass, self.entry, err) from err

    return handler


def supported_due[DueT: date | datetime | None](due: DueT) -> DueT:
    """Return a to-do's due date from the frontend or Assist; refuse a year like 1."""
    if due is not None and due.year not in SUPPORTED_YEARS:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="invalid_due",
            translation_placeholders={"due": due.isoformat()},
        )
    return due


def account_device_info(entry: DsmConfigEntry) -> DeviceInfo:
    """Describe the device that stands for the signed-in DSM account."""
    nas = entry.runtime_data.nas_coordinator.data
    assert entry.unique_id is not None  # noqa: S101 - the config flow always sets it
    return DeviceInfo(
        identifiers={(DOMAIN, entry.unique_id)},
        name=f"{nas.model} {entry.data[CONF_USERNAME]}",
        manufacturer="Synology",
        model=nas.model,
        sw_version=nas.version,
        configuration_url=entry.data[CONF_URL],
        entry_type=DeviceEntryType.SERVICE,
    )


def is_first_account(hass: HomeAssistant, entry: DsmConfigEntry) -> bool:
    """Tell whether entry is the first account added: its list alone is "Tasks".

    Lists of accounts added later are named after the account, so adding one never
    renames a list Assist already knows.
    """
    first = min(
        hass.config_entries.async_entries(DOMAIN),
        key=lambda other: (other.created_at, other.entry_id),
    )
    return first.entry_id == entry.entry_id


class DsmEntity(CoordinatorEntity[DsmCoordinator[Any]]):
    """An entity fed by one app coordinator, on the account's device."""

    _attr_has_entity_name = True

    def __init__(self, coordinator: DsmCoordinator[Any], key: str) -> None:
        """Name the entity by key, unique within the entry."""
        super().__init__(coordinator)
        entry = self.entry = coordinator.config_entry
        self._attr_unique_id = f"{entry.unique_id}_{key}"
        self._attr_translation_key = key
        self._attr_device_info = account_device_info(entry)
