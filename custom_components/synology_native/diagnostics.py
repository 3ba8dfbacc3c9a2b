"""Diagnostics: what the entry knows about the NAS, with every secret redacted."""

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_PASSWORD, CONF_URL, CONF_USERNAME

from .api.system import APP_API_PREFIX
from .const import CONF_DEVICE_TOKEN, CONF_SESSION_ID, CONF_SYNOTOKEN

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from .data import DsmConfigEntry, DsmRuntimeData

APP_PREFIXES = tuple(APP_API_PREFIX.values())
TO_REDACT = {
    CONF_PASSWORD,
    CONF_DEVICE_TOKEN,
    CONF_SESSION_ID,
    CONF_SYNOTOKEN,
    CONF_USERNAME,
    CONF_URL,
    "serial",
}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: DsmConfigEntry
) -> dict[str, Any]:
    """Describe the entry, the NAS and the APIs it offers."""
    runtime = entry.runtime_data
    apis = await runtime.client.apis()
    return async_redact_data(
        {
            "entry": {"data": dict(entry.data), "options": dict(entry.options)},
            "nas": asdict(runtime.nas_coordinator.data),
            "installed_apps": sorted(runtime.installed_apps),
            "apps": sorted(runtime.apps),
            "notestation": _notestation_state(runtime),
            "chat": _chat_state(runtime),
            "calendar": _calendar_state(runtime),
            "drive": _drive_state(runtime),
            "signed_in": runtime.client.session is not None,
            # Shapes and verdicts only: the self-check never keeps a value (check_nas).
            "selfcheck": runtime.selfcheck.report,
            "app_apis": {
                name: [info.min_version, info.max_version]
                for name, info in sorted(apis.items())
                if name.startswith(APP_PREFIXES)
            },
        },
        TO_REDACT,
    )


def _notestation_state(runtime: DsmRuntimeData) -> dict[str, Any] | None:
    """Count what Note Station holds; titles and contents are the user's own."""
    if (coordinator := runtime.notestation) is None:
        return None
    return {
        "last_update_success": coordinator.last_update_success,
        "todos": len(coordinator.data.todos),
        "notebooks": len(coordinator.data.notebooks),
    }


def _chat_state(runtime: DsmRuntimeData) -> dict[str, Any] | None:
    """Describe the Chat connection; messages and names stay out."""
    if (chat := runtime.chat) is None:
        return None
    return {
        "mode": chat.mode,
        "channels": len(chat.channels),
        "unread": sum(chat.unread.values()),
    }


def _calendar_state(runtime: DsmRuntimeData) -> dict[str, Any] | None:
    """Count calendars, events and tasks; names and contents stay out."""
    if (coordinator := runtime.calendar) is None:
        return None
    snapshot = coordinator.data
    return {
        "last_update_success": coordinator.last_update_success,
        "calendars": len(snapshot.calendars),
        "read_only_calendars": sum(not item.writable for item in snapshot.calendars),
        "task_lists": len(snapshot.task_lists),
        "events_in_window": len(snapshot.events),
        "tasks": len(snapshot.tasks),
    }


def _drive_state(runtime: DsmRuntimeData) -> dict[str, Any] | None:
    """Count Drive notifications and give the quota; names and paths stay out."""
    if (coordinator := runtime.drive) is None:
        return None
    return {
        "last_update_success": coordinator.last_update_success,
        "notifications": len(coordinator.data.feed.items),
        "unread": coordinator.data.feed.unread,
        "quota": asdict(coordinator.data.quota),
    }
