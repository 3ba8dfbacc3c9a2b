"""Synology Drive: notifications and quota with the entry's poll; pushed file changes."""

from dataclasses import asdict
from datetime import datetime
from typing import TYPE_CHECKING, Any

from homeassistant.const import Platform
from homeassistant.core import callback
from homeassistant.helpers.event import async_track_time_interval

from custom_components.synology_native.api import DsmApp
from custom_components.synology_native.api.catalog import CatalogSection
from custom_components.synology_native.apps.spec import AppSpec
from custom_components.synology_native.const import CONF_DRIVE_PUSH
from custom_components.synology_native.data import PolledApp

from .coordinator import DriveApp, DriveCoordinator
from .events import DRIVE_MARKER, PUSH_SILENCE, DriveFileChanges
from .options import OPTIONS
from .selfcheck import SELF_CHECK
from .sensor import async_add_sensors
from .services import ACTIONS, COVERS

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from custom_components.synology_native.coordinator import NasCoordinator
    from custom_components.synology_native.data import DsmConfigEntry


async def _async_create(
    _hass: HomeAssistant, _entry: DsmConfigEntry, poll: NasCoordinator
) -> DriveApp:
    """Join the entry's poll, the stored marker first: the first poll reports only news."""
    coordinator = DriveCoordinator(poll)
    await coordinator.marker.async_load()
    return PolledApp(client=coordinator.api, coordinator=coordinator)


async def _async_start_push(
    hass: HomeAssistant, entry: DsmConfigEntry, drive: DriveApp
) -> None:
    """Have Drive push file changes to a Home Assistant webhook until unload (option)."""
    if not entry.options.get(CONF_DRIVE_PUSH, False):
        return
    push = DriveFileChanges(hass, entry, drive.client)
    if (registered := await push.async_start()) is not None:
        entry.async_on_unload(lambda: push.async_stop(registered))
        coordinator = drive.coordinator

        @callback
        def check_silence(_now: datetime) -> None:
            push.async_check_silence(coordinator.data.feed)

        entry.async_on_unload(
            async_track_time_interval(hass, check_silence, PUSH_SILENCE)
        )


def _diagnostics(drive: DriveApp) -> dict[str, Any]:
    """Count Drive notifications and give the quota; names and paths stay out."""
    coordinator = drive.coordinator
    return {
        "last_update_success": coordinator.last_update_success,
        "notifications": len(coordinator.data.feed.items),
        "unread": coordinator.data.feed.unread,
        "quota": asdict(coordinator.data.quota),
    }


SPEC: AppSpec[DriveApp] = AppSpec(
    app=DsmApp.DRIVE,
    catalog=CatalogSection.DRIVE,
    create=_async_create,
    prepare=_async_start_push,
    platforms={Platform.SENSOR: async_add_sensors},
    actions=ACTIONS,
    covers=COVERS,
    diagnostics=_diagnostics,
    stores=(DRIVE_MARKER,),
    self_check=SELF_CHECK,
    options=OPTIONS,
)
