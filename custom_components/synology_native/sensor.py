"""Sensors of Synology Native: the DSM version, Note Station to-dos, Chat and Drive."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, override

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import EntityCategory, UnitOfInformation
from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.util import dt as dt_util

from .api.chat_schedule import ConnectionMode
from .api.notestation import Todo
from .apps.chat.entity import ChatEntity
from .apps.notestation.due import is_due_today, is_overdue, next_due_change
from .entity import DsmEntity

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .apps.chat.listener import ChatListener
    from .apps.drive.coordinator import DriveCoordinator, DriveSnapshot
    from .apps.notestation.coordinator import NoteStationCoordinator
    from .coordinator import NasCoordinator
    from .data import DsmConfigEntry

# Coordinator-fed: reading never calls the NAS.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class TodoCountDescription(SensorEntityDescription):
    """A sensor counting the to-dos for which counts(todo, now) is true."""

    counts: Callable[[Todo, datetime], bool]
    # True when the count can change as time passes, with nothing changed on the NAS.
    changes_with_time: bool


TODO_COUNTS = (
    TodoCountDescription(
        key="open_todos",
        state_class=SensorStateClass.MEASUREMENT,
        counts=lambda todo, _now: not todo.done,
        changes_with_time=False,
    ),
    TodoCountDescription(
        key="overdue_todos",
        state_class=SensorStateClass.MEASUREMENT,
        counts=is_overdue,
        changes_with_time=True,
    ),
    TodoCountDescription(
        key="todos_due_today",
        state_class=SensorStateClass.MEASUREMENT,
        counts=is_due_today,
        changes_with_time=True,
    ),
)


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


async def async_setup_entry(
    hass: HomeAssistant,
    entry: DsmConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the sensors of one DSM account and of the apps it uses."""
    sensors: list[SensorEntity] = [DsmVersionSensor(entry.runtime_data.nas_coordinator)]
    if (notestation := entry.runtime_data.notestation) is not None:
        sensors.extend(
            TodoCountSensor(notestation, description) for description in TODO_COUNTS
        )
    if (chat := entry.runtime_data.chat) is not None:
        sensors += [ChatUnreadSensor(entry, chat), ChatConnectionSensor(entry, chat)]
    if (drive := entry.runtime_data.drive) is not None:
        sensors.extend(DriveSensor(drive, description) for description in DRIVE_SENSORS)
    async_add_entities(sensors)


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


class TodoCountSensor(DsmEntity, SensorEntity):
    """How many Note Station to-dos are open, overdue or due today.

    Counts that depend on the time are written again at the moment they can next
    change (a due time passing, midnight), and only then.
    """

    coordinator: NoteStationCoordinator
    entity_description: TodoCountDescription
    _cancel_timer: CALLBACK_TYPE | None = None

    def __init__(
        self, coordinator: NoteStationCoordinator, description: TodoCountDescription
    ) -> None:
        """Attach to the Note Station coordinator."""
        super().__init__(coordinator, description.key)
        self.entity_description = description

    @property
    @override
    def native_value(self) -> int:
        now = dt_util.utcnow()
        counts = self.entity_description.counts
        return sum(1 for todo in self.coordinator.data.todos if counts(todo, now))

    @override
    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        self.async_on_remove(self._async_stop_timer)
        self._async_start_timer()

    @callback
    @override
    def _handle_coordinator_update(self) -> None:
        self._async_start_timer()
        super()._handle_coordinator_update()

    @callback
    def _async_start_timer(self) -> None:
        """Wake up when the count can next change with time, if it can."""
        self._async_stop_timer()
        if self.entity_description.changes_with_time:
            self._cancel_timer = async_track_point_in_utc_time(
                self.hass,
                self._async_time_passed,
                next_due_change(self.coordinator.data.todos, dt_util.utcnow()),
            )

    @callback
    def _async_stop_timer(self) -> None:
        if self._cancel_timer is not None:
            self._cancel_timer()
            self._cancel_timer = None

    @callback
    def _async_time_passed(self, _now: datetime) -> None:
        self._cancel_timer = None
        self._async_start_timer()
        self.async_write_ha_state()


class ChatUnreadSensor(ChatEntity, SensorEntity):
    """Unread Chat messages in all conversations; per conversation as attributes."""

    _attr_translation_key = "chat_unread"
    _attr_native_unit_of_measurement = "messages"

    def __init__(self, entry: DsmConfigEntry, chat: ChatListener) -> None:
        """Count from chat."""
        super().__init__(entry, chat, "unread")

    @property
    @override
    def native_value(self) -> int:
        return sum(self.chat.unread.values())

    @property
    @override
    def extra_state_attributes(self) -> dict[str, Any]:
        return {
            self.chat.channel_name(self.chat.channels[cid]): count
            for cid, count in sorted(self.chat.unread.items())
        }


class ChatConnectionSensor(ChatEntity, SensorEntity):
    """How Home Assistant hears about Chat: push, polling, or not at all."""

    _attr_translation_key = "chat_connection"
    _attr_device_class = SensorDeviceClass.ENUM
    _attr_entity_category = EntityCategory.DIAGNOSTIC

    def __init__(self, entry: DsmConfigEntry, chat: ChatListener) -> None:
        """Report chat's mode."""
        super().__init__(entry, chat, "connection")
        self._attr_options = [mode.value for mode in ConnectionMode]

    @property
    @override
    def available(self) -> bool:
        return True

    @property
    @override
    def native_value(self) -> str:
        return self.chat.mode.value


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
