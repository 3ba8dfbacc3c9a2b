"""The table of apps: each ``apps/<app>/__init__.py`` contributes one ``AppSpec``.

Setup, unload, removal, diagnostics, the platforms and the action registry read this
table; none of them names an app. ``apps/spec.py`` says what an entry holds.
"""

from collections.abc import Callable, Coroutine, Iterator
from typing import TYPE_CHECKING, Any, Final

from homeassistant.const import Platform
from homeassistant.core import callback

from . import calendar, chat, contacts, drive, notestation, webdav
from .spec import AppSpec

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from custom_components.synology_native.data import AppRuntime, DsmConfigEntry
    from custom_components.synology_native.services import Action, EntityAction

APPS: Final[tuple[AppSpec[Any], ...]] = (
    notestation.SPEC,
    chat.SPEC,
    calendar.SPEC,
    drive.SPEC,
    contacts.SPEC,
    webdav.SPEC,
)

# The DSM packages the integration serves: only these are offered in the options.
SUPPORTED_APPS: Final = frozenset(spec.app for spec in APPS if spec.app is not None)

# Every platform any app adds entities to; the sensor platform always has the DSM
# version, the button platform the NAS self-check.
PLATFORMS: Final = sorted(
    {
        Platform.BUTTON,
        Platform.SENSOR,
        *(platform for spec in APPS for platform in spec.platforms),
    }
)

# Every app action; call_api's come on top (services/call_api.py).
APP_ACTIONS: Final[tuple[Action | EntityAction, ...]] = tuple(
    action for spec in APPS for action in spec.actions
)


def used_apps(entry: DsmConfigEntry) -> Iterator[tuple[AppSpec[Any], AppRuntime[Any]]]:
    """Yield each app the loaded entry uses with its runtime, in the table's order."""
    runtimes = entry.runtime_data.apps
    for spec in APPS:
        if spec.app is not None and spec.app in runtimes:
            yield spec, runtimes[spec.app]


@callback
def async_add_app_entities(
    hass: HomeAssistant,
    entry: DsmConfigEntry,
    platform: Platform,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the entities of platform of every app the entry uses."""
    for spec, runtime in used_apps(entry):
        if (add := spec.platforms.get(platform)) is not None:
            add(hass, entry, runtime, async_add_entities)


def app_platform_setup(
    platform: Platform,
) -> Callable[
    [HomeAssistant, DsmConfigEntry, AddConfigEntryEntitiesCallback],
    Coroutine[Any, Any, None],
]:
    """Return the async_setup_entry of a platform whose entities all come from apps."""

    async def async_setup_entry(
        hass: HomeAssistant,
        entry: DsmConfigEntry,
        async_add_entities: AddConfigEntryEntitiesCallback,
    ) -> None:
        """Add the entities of this platform of the apps the entry uses."""
        async_add_app_entities(hass, entry, platform, async_add_entities)

    return async_setup_entry
