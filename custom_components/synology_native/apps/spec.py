"""What one app contributes to the integration: the entry of the table of apps.

Each ``apps/<app>/__init__.py`` builds one ``AppSpec``; ``apps/__init__.py`` lists them
in ``APPS``. Setup, unload, removal, diagnostics, the platforms, the action registry and the NAS
self-check go through the table, so none of them names an app.
"""

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from custom_components.synology_native.data import AppRuntime, PolledApp

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigSubentryFlow
    from homeassistant.const import Platform
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from custom_components.synology_native.api import DsmApp, DsmClient
    from custom_components.synology_native.api.catalog import CatalogSection
    from custom_components.synology_native.coordinator import (
        NasCoordinator,
        PolledAppCoordinator,
    )
    from custom_components.synology_native.data import DsmConfigEntry
    from custom_components.synology_native.selfcheck.guesses import AppSelfCheck
    from custom_components.synology_native.services import Action, EntityAction
    from custom_components.synology_native.storage import EntryData

# Builds an app's runtime for an entry, before the entry's first poll: a polled app's
# coordinator joins the poll here, so the first request reads the app too.
type CreateRuntime[RuntimeT] = Callable[
    [HomeAssistant, DsmConfigEntry, NasCoordinator], Awaitable[RuntimeT]
]
# A step with the runtime built: after the first poll (``prepare``; a DsmError fails
# the setup) or once the platforms are set up (``start``).
type RuntimeStep[RuntimeT] = Callable[
    [HomeAssistant, DsmConfigEntry, RuntimeT], Awaitable[None]
]
# Adds the app's entities of one platform (now, and as the app's data brings more).
type AddEntities[RuntimeT] = Callable[
    [HomeAssistant, DsmConfigEntry, RuntimeT, AddConfigEntryEntitiesCallback], None
]


@dataclass(frozen=True, slots=True, kw_only=True)
class AppOptions[RuntimeT: AppRuntime[Any]]:
    """The app's own fields in the entry's options, shown when the entry uses the app."""

    # The fields as schema markers and selectors, each defaulting to the entry's option.
    fields: Callable[[HomeAssistant, DsmConfigEntry, RuntimeT], dict[Any, Any]]
    # What is wrong with the saved input, by field; empty saves it.
    problems: Callable[[Mapping[str, Any]], dict[str, str]] = lambda _input: {}


@dataclass(frozen=True, slots=True, kw_only=True)
class AppSpec[RuntimeT: AppRuntime[Any]]:
    """One app: how it runs for an entry, and what it adds to Home Assistant."""

    # The DSM package, or None for what DSM itself offers (WebDAV administration):
    # then it is always there, has no runtime, and only its actions count.
    app: DsmApp | None
    # Its part of the endpoint catalog (call_api, docs/endpoints.md).
    catalog: CatalogSection
    create: CreateRuntime[RuntimeT] | None = None
    prepare: RuntimeStep[RuntimeT] | None = None
    start: RuntimeStep[RuntimeT] | None = None
    platforms: Mapping[Platform, AddEntities[RuntimeT]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    actions: tuple[Action | EntityAction, ...] = ()
    # The DSM methods (API, method) the app's actions do the work of, by action name.
    covers: Mapping[tuple[str, str], str] = field(
        default_factory=lambda: MappingProxyType({})
    )
    # What the entry's diagnostics tell of the app (counts, never names or contents).
    diagnostics: Callable[[RuntimeT], dict[str, Any]] | None = None
    # What the app keeps per entry in storage; removed with the entry.
    stores: tuple[EntryData, ...] = ()
    # Its wire guesses the NAS self-check settles, and the reads that settle them.
    self_check: AppSelfCheck | None = None
    # Its fields in the entry's options.
    options: AppOptions[RuntimeT] | None = None
    # The kinds of subentry it adds to an entry, and the flow that adds each.
    subentry_flows: Mapping[str, type[ConfigSubentryFlow]] = field(
        default_factory=lambda: MappingProxyType({})
    )


def polled_app[CoordinatorT: PolledAppCoordinator[Any, Any]](
    coordinator: Callable[[NasCoordinator], CoordinatorT],
) -> CreateRuntime[PolledApp[Any, CoordinatorT]]:
    """Build a polled app's runtime: its coordinator joins the entry's poll."""

    async def create(
        _hass: HomeAssistant, _entry: DsmConfigEntry, poll: NasCoordinator
    ) -> PolledApp[Any, CoordinatorT]:
        built = coordinator(poll)
        return PolledApp(client=built.api, coordinator=built)

    return create


def client_app[ClientT](
    client: Callable[[DsmClient], ClientT],
) -> CreateRuntime[AppRuntime[ClientT]]:
    """Build the runtime of an app with actions only: its client."""

    async def create(
        _hass: HomeAssistant, _entry: DsmConfigEntry, poll: NasCoordinator
    ) -> AppRuntime[ClientT]:
        return AppRuntime(client=client(poll.client))

    return create
