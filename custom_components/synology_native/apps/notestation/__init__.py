"""Note Station: to-dos and notebooks, read with the entry's poll."""

from typing import Any

from homeassistant.const import Platform

from custom_components.synology_native.api import DsmApp
from custom_components.synology_native.api.catalog import CatalogSection
from custom_components.synology_native.apps.spec import AppSpec, polled_app

from .coordinator import NoteStationApp, NoteStationCoordinator
from .sensor import async_add_sensors
from .services import ACTIONS, COVERS
from .todo import async_add_todo_list


def _diagnostics(notestation: NoteStationApp) -> dict[str, Any]:
    """Count what Note Station holds; titles and contents are the user's own."""
    coordinator = notestation.coordinator
    return {
        "last_update_success": coordinator.last_update_success,
        "todos": len(coordinator.data.todos),
        "notebooks": len(coordinator.data.notebooks),
    }


SPEC = AppSpec[NoteStationApp](
    app=DsmApp.NOTESTATION,
    catalog=CatalogSection.NOTESTATION,
    create=polled_app(NoteStationCoordinator),
    platforms={Platform.SENSOR: async_add_sensors, Platform.TODO: async_add_todo_list},
    actions=ACTIONS,
    covers=COVERS,
    diagnostics=_diagnostics,
)
