"""Synology Calendar: calendars, events and task lists, read with the entry's poll."""

from typing import Any

from homeassistant.const import Platform

from custom_components.synology_native.api import DsmApp
from custom_components.synology_native.api.catalog import CatalogSection
from custom_components.synology_native.apps.spec import AppSpec, polled_app

from .calendar import async_add_calendars
from .coordinator import CalendarApp, CalendarCoordinator
from .services import ACTIONS, COVERS
from .todo import async_add_task_lists


def _diagnostics(calendar: CalendarApp) -> dict[str, Any]:
    """Count calendars, events and tasks; names and contents stay out."""
    coordinator = calendar.coordinator
    snapshot = coordinator.data
    return {
        "last_update_success": coordinator.last_update_success,
        "calendars": len(snapshot.calendars),
        "read_only_calendars": sum(not item.writable for item in snapshot.calendars),
        "task_lists": len(snapshot.task_lists),
        "events_in_window": len(snapshot.events),
        "tasks": len(snapshot.tasks),
    }


SPEC = AppSpec[CalendarApp](
    app=DsmApp.CALENDAR,
    catalog=CatalogSection.CALENDAR,
    create=polled_app(CalendarCoordinator),
    platforms={
        Platform.CALENDAR: async_add_calendars,
        Platform.TODO: async_add_task_lists,
    },
    actions=ACTIONS,
    covers=COVERS,
    diagnostics=_diagnostics,
)
