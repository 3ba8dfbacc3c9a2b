"""Note Station's sensors: open, overdue and due-today to-do counts."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, override

from homeassistant.components.sensor import (
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.util import dt as dt_util

from custom_components.synology_native.entity import DsmEntity

from .due import count_due_today, count_overdue, next_due_change

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from custom_components.synology_native.data import DsmConfigEntry

    from .coordinator import (
        NoteStationApp,
        NoteStationCoordinator,
        NoteStationSnapshot,
    )


@dataclass(frozen=True, kw_only=True)
class TodoCountDescription(SensorEntityDescription):
    """A sensor showing count(snapshot, now)."""

    count: Callable[[NoteStationSnapshot, datetime], int]
    # True when the count can change as time passes, with nothing changed on the NAS.
    changes_with_time: bool


TODO_COUNTS = (
    TodoCountDescription(
        key="open_todos",
        state_class=SensorStateClass.MEASUREMENT,
        count=lambda data, _now: sum(1 for todo in data.todos if not todo.done),
        changes_with_time=False,
    ),
    TodoCountDescription(
        key="overdue_todos",
        state_class=SensorStateClass.MEASUREMENT,
        count=lambda data, now: count_overdue(data.open_dues, now),
        changes_with_time=True,
    ),
    TodoCountDescription(
        key="todos_due_today",
        state_class=SensorStateClass.MEASUREMENT,
        count=lambda data, now: count_due_today(data.open_dues, now),
        changes_with_time=True,
    ),
)


@callback
def async_add_sensors(
    _hass: HomeAssistant,
    _entry: DsmConfigEntry,
    notestation: NoteStationApp,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the to-do counts."""
    async_add_entities(
        TodoCountSensor(notestation.coordinator, description)
        for description in TODO_COUNTS
    )


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
        return self.entity_description.count(self.coordinator.data, dt_util.utcnow())

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
                next_due_change(self.coordinator.data.open_dues, dt_util.utcnow()),
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
