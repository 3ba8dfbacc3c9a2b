"""Polling: one HTTP request per update cycle for the whole entry.

The entry's poll (``NasCoordinator``) runs on the update interval. Each cycle it sends
ONE compound ``SYNO.Entry.Request`` carrying the NAS info read (which also keeps the DSM
session alive) and the reads of every polled app, then hands each app the results of
its own reads. Entities follow their app's coordinator, so they update per app, and one
app's failed reads fail only that app. A failure of the request as a whole fails all.
Either keeps the last data until the failures span a poll period (``DsmCoordinator``).

Adding a polled app (the contract):

1. In ``apps/<app>/coordinator.py`` (as ``apps/notestation/coordinator.py``), subclass
   ``PolledAppCoordinator[Snapshot, Api]`` with a frozen dataclass ``Snapshot`` that
   compares equal when nothing changed (``always_update=False``: no state is written)
   and the app's client class ``Api`` (built on the entry's client, kept as ``api``).
2. ``reads()`` returns the ``Call`` list the app needs this cycle (build the calls in
   ``api/``; wire logic lives there).
3. ``_async_snapshot(results)`` builds the snapshot from the results of ``reads()``, in
   the same order; ``result.unwrap()`` raises an item's own error. It may send a rare
   follow-up request (later pages, newly appeared objects) through the app's client.
4. The app's entry in the table of apps (``apps/<app>/__init__.py``) builds it with
   the entry's poll (``polled_app(XCoordinator)``), before the first refresh. A write
   refreshes the app alone with ``async_refresh()``, which sends the app's reads in one
   request of their own.
"""

from abc import abstractmethod
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, override

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
from homeassistant.util import dt as dt_util

from .api import CallResult, DsmClient, DsmError, NasInfo
from .api.models import Call
from .api.system import NAS_INFO, parse_nas_info
from .const import DOMAIN, LOGGER
from .error_policy import Failure, failure_of, update_error

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant


class DsmCoordinator[DataT](DataUpdateCoordinator[DataT]):
    """Base of the entry's coordinators: client errors become Home Assistant's.

    Snapshots are dataclasses that compare equal when nothing changed, so with
    ``always_update=False`` entities write no state for an unchanged NAS.

    One failed read keeps the last data: entities go unavailable only when the reads
    keep failing for a poll period (Home Assistant then logs once going, once back).
    """

    # The entry's runtime data holds the coordinators, so the entry is typed without
    # it here: this module and data.py do not import each other.
    config_entry: ConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        client: DsmClient,
        name: str,
        update_interval: timedelta | None,
    ) -> None:
        """Set up a coordinator named name for entry."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} {name}",
            update_interval=update_interval,
            always_update=False,
        )
        self.client = client
        # When the reads began failing, while the last data still stands.
        self._failing_since: datetime | None = None

    @property
    def poll_period(self) -> timedelta | None:
        """Return how often this coordinator's data is read."""
        return self.update_interval

    @abstractmethod
    async def _async_fetch(self) -> DataT:
        """Read the snapshot from the NAS."""

    @override
    async def _async_update_data(self) -> DataT:
        try:
            data = await self._async_fetch()
        except DsmError as err:
            if self.keeps_data_through(err):
                return self.data
            raise update_error(err) from err
        self._failing_since = None
        return data

    def keeps_data_through(self, err: DsmError) -> bool:
        """Tell whether the last data still stands although a read failed with err.

        It does while the failures span less than a poll period; a refused sign-in
        never waits.
        """
        period = self.poll_period
        if (
            self.data is None
            or period is None
            or failure_of(err) is Failure.REAUTHENTICATE
        ):
            return False
        now = dt_util.utcnow()
        if self._failing_since is None:
            self._failing_since = now
            LOGGER.debug("%s keeps its last data through: %s", self.name, err)
        return now - self._failing_since < period


class NasCoordinator(DsmCoordinator[NasInfo]):
    """The entry's poll: the NAS identity and every polled app's reads in one request."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        client: DsmClient,
        update_interval: timedelta,
    ) -> None:
        """Poll entry every update_interval; an app joins by being built with it."""
        super().__init__(hass, entry, client, "nas", update_interval)
        self.polled_apps: list[PolledAppCoordinator[Any, Any]] = []

    @override
    async def _async_fetch(self) -> NasInfo:
        reads = [app.reads() for app in self.polled_apps]
        try:
            results = await self.client.compound(
                [Call(NAS_INFO), *(call for calls in reads for call in calls)]
            )
        except DsmError as err:
            for app in self.polled_apps:
                if not app.keeps_data_through(err):
                    app.async_set_update_error(update_error(err))
            raise
        nas, rest = results[0], results[1:]
        for app, calls in zip(self.polled_apps, reads, strict=True):
            await app.async_refresh_from(rest[: len(calls)])
            rest = rest[len(calls) :]
        return parse_nas_info(nas.unwrap())


# The results the entry's poll hands the app being refreshed. Task-local, so a refresh
# after a write, running at the same time in another task, reads for itself.
_polled_results: ContextVar[Sequence[CallResult] | None] = ContextVar(
    "polled_results", default=None
)


def _keep_polling() -> None:
    """Listen to the entry's poll only so that it runs (see PolledAppCoordinator)."""


class PolledAppCoordinator[SnapshotT, ApiT](DsmCoordinator[SnapshotT]):
    """An app the entry's poll reads; the module docstring gives the contract.

    ``api`` is the app's client (writes and rare follow-up reads go through it).
    """

    def __init__(
        self, poll: NasCoordinator, name: str, api: Callable[[DsmClient], ApiT]
    ) -> None:
        """Join the entry's poll; this coordinator has no timer of its own."""
        super().__init__(poll.hass, poll.config_entry, poll.client, name, None)
        self.api = api(poll.client)
        self._poll = poll
        poll.polled_apps.append(self)

    @property
    @override
    def poll_period(self) -> timedelta | None:
        return self._poll.update_interval

    @abstractmethod
    def reads(self) -> list[Call]:
        """Return the calls this app needs this cycle."""

    @abstractmethod
    async def _async_snapshot(self, results: Sequence[CallResult]) -> SnapshotT:
        """Build the snapshot from the results of reads(), in order."""

    async def async_refresh_from(self, results: Sequence[CallResult]) -> None:
        """Refresh from results the entry's poll received for reads()."""
        token = _polled_results.set(results)
        try:
            await self.async_refresh()
        finally:
            _polled_results.reset(token)

    @override
    async def _async_fetch(self) -> SnapshotT:
        results = _polled_results.get()
        if results is None:
            results = await self.client.compound(self.reads())
        return await self._async_snapshot(results)

    @callback
    @override
    def async_add_listener(
        self, update_callback: CALLBACK_TYPE, context: Any = None
    ) -> Callable[[], None]:
        # The poll runs only while something listens to it; an app's entities count,
        # so disabling the DSM version sensor does not stop the apps' updates.
        remove = super().async_add_listener(update_callback, context)
        remove_from_poll = self._poll.async_add_listener(_keep_polling)

        @callback
        def remove_both() -> None:
            remove()
            remove_from_poll()

        return remove_both
