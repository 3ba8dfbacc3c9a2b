"""Buttons of Synology Native: run the NAS self-check from the device page."""

from typing import TYPE_CHECKING

from homeassistant.components.button import ButtonEntity
from homeassistant.const import EntityCategory, Platform

from .apps import async_add_app_entities
from .entity import account_device_info
from .selfcheck import async_check_nas

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .data import DsmConfigEntry

# One check at a time per entry: it listens to Chat for a few seconds.
PARALLEL_UPDATES = 1


async def async_setup_entry(
    hass: HomeAssistant,
    entry: DsmConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the self-check button of the entry's device, and the apps' buttons."""
    async_add_entities([CheckNasButton(entry)])
    async_add_app_entities(hass, entry, Platform.BUTTON, async_add_entities)


class CheckNasButton(ButtonEntity):
    """Runs check_nas: the report goes to diagnostics, contradictions to repairs."""

    _attr_has_entity_name = True
    _attr_entity_category = EntityCategory.DIAGNOSTIC
    _attr_translation_key = "check_nas"

    def __init__(self, entry: DsmConfigEntry) -> None:
        """Put the button on the account's device."""
        self._entry = entry
        self._attr_unique_id = f"{entry.unique_id}_check_nas"
        self._attr_device_info = account_device_info(entry)

    async def async_press(self) -> None:
        """Check the NAS (only reads)."""
        await async_check_nas(self.hass, self._entry)
