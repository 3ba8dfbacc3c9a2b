"""Sensors of Synology Native: the DSM version, and those of each used app."""

from typing import TYPE_CHECKING, override

from homeassistant.components.sensor import SensorEntity
from homeassistant.const import EntityCategory, Platform

from .apps import async_add_app_entities
from .entity import DsmEntity

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .coordinator import NasCoordinator
    from .data import DsmConfigEntry

# Coordinator-fed: reading never calls the NAS.
PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: DsmConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the sensors of one DSM account and of the apps it uses."""
    async_add_entities([DsmVersionSensor(entry.runtime_data.nas_coordinator)])
    async_add_app_entities(hass, entry, Platform.SENSOR, async_add_entities)


class DsmVersionSensor(DsmEntity, SensorEntity):
    """The DSM version the NAS runs."""

    _attr_entity_category = EntityCategory.DIAGNOSTIC
    coordinator: NasCoordinator

    def __init__(self, coordinator: NasCoordinator) -> None:
        """Attach to the NAS coordinator."""
        super().__init__(coordinator, "dsm_version")

    @property
    @override
    def native_value(self) -> str:
        return self.coordinator.data.version
