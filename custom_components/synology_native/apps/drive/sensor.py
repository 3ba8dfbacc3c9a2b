"""Drive's sensors: unread notifications and the quota."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, override

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import EntityCategory, UnitOfInformation
from homeassistant.core import callback

from custom_components.synology_native.entity import DsmEntity

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from custom_components.synology_native.data import DsmConfigEntry

    from .coordinator import DriveApp, DriveCoordinator, DriveSnapshot


@dataclass(frozen=True, kw_only=True)
class DriveSensorDescription(SensorEntityDescription):
    """A sensor reading value(snapshot) from the Drive coordinator."""

    value: Callable[[DriveSnapshot], int]


DRIVE_SENSORS = (
    DriveSensorDescription(
        key="drive_unread_notifications",
        state_class=SensorStateClass.MEASUREMENT,
        value=lambda snapshot: snapshot.feed.unread,
    ),
    DriveSensorDescription(
        key="drive_quota_used",
        device_class=SensorDeviceClass.DATA_SIZE,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfInformation.BYTES,
        suggested_unit_of_measurement=UnitOfInformation.GIGABYTES,
        suggested_display_precision=2,
        value=lambda snapshot: snapshot.quota.used,
    ),
    DriveSensorDescription(
        key="drive_quota_total",
        device_class=SensorDeviceClass.DATA_SIZE,
        native_unit_of_measurement=UnitOfInformation.BYTES,
        suggested_unit_of_measurement=UnitOfInformation.GIGABYTES,
        suggested_display_precision=2,
        entity_category=EntityCategory.DIAGNOSTIC,
        value=lambda snapshot: snapshot.quota.total,
    ),
)


@callback
def async_add_sensors(
    _hass: HomeAssistant,
    _entry: DsmConfigEntry,
    drive: DriveApp,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the notification and quota sensors."""
    async_add_entities(
        DriveSensor(drive.coordinator, description) for description in DRIVE_SENSORS
    )


class DriveSensor(DsmEntity, SensorEntity):
    """Unread Drive notifications, or the Drive quota used or in all."""

    coordinator: DriveCoordinator
    entity_description: DriveSensorDescription

    def __init__(
        self, coordinator: DriveCoordinator, description: DriveSensorDescription
    ) -> None:
        """Attach to the Drive coordinator."""
        super().__init__(coordinator, description.key)
        self.entity_description = description

    @property
    @override
    def native_value(self) -> int:
        return self.entity_description.value(self.coordinator.data)
