"""Coordinators: one per polled app, each refreshing with one HTTP request per cycle."""

from abc import abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, override

from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from .api import (
    DsmAuthError,
    DsmClient,
    DsmError,
    DsmRateLimitError,
    DsmSessionExpiredError,
    DsmSystem,
    NasInfo,
)
from .api.drive import (
    Drive,
    DriveQuota,
    NotificationFeed,
    notifications_call,
    parse_notifications,
    parse_quota,
    quota_call,
)
from .api.models import Call, CallResult
from .api.notestation import (
    NOTEBOOK_LIST,
    Notebook,
    NoteStation,
    Todo,
    parse_notebooks,
    parse_todos,
    subtasks_missing,
    todo_list_call,
)
from .const import DOMAIN, LOGGER
from .drive_events import DriveNotificationMarker

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import timedelta

    from homeassistant.core import HomeAssistant

    from .data import DsmConfigEntry

# How long to wait after DSM said "too many requests" before asking again.
RATE_LIMIT_BACKOFF_SECONDS = 60


class DsmCoordinator[DataT](DataUpdateCoordinator[DataT]):
    """Base of every app coordinator: maps client errors to Home Assistant's.

    Snapshots are dataclasses that compare equal when nothing changed, so with
    ``always_update=False`` entities write no state for an unchanged NAS.
    """

    config_entry: DsmConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: DsmConfigEntry,
        client: DsmClient,
        name: str,
        update_interval: timedelta,
    ) -> None:
        """Set up polling for one app of entry."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} {name}",
            update_interval=update_interval,
            always_update=False,
        )
        self.client = client

    @abstractmethod
    async def _async_fetch(self) -> DataT:
        """Read the app's snapshot from the NAS."""

    @override
    async def _async_update_data(self) -> DataT:
        try:
            return await self._async_fetch()
        except (DsmAuthError, DsmSessionExpiredError) as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="auth_failed"
            ) from err
        except DsmRateLimitError as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="rate_limited",
                retry_after=RATE_LIMIT_BACKOFF_SECONDS,
            ) from err
        except DsmError as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="update_failed",
                translation_placeholders={"error": str(err)},
            ) from err


class NasCoordinator(DsmCoordinator[NasInfo]):
    """Reads the NAS identity; polling it also keeps the DSM session alive."""

    @override
    async def _async_fetch(self) -> NasInfo:
        return await DsmSystem(self.client).info()


@dataclass(frozen=True, slots=True)
class NoteStationSnapshot:
    """What Note Station entities and actions read: every to-do and notebook.

    To-dos are in DSM's order, subtasks included (after the top-level ones).
    """

    todos: tuple[Todo, ...]
    notebooks: tuple[Notebook, ...]

    def todo(self, todo_id: str) -> Todo | None:
        """Return the to-do with this id, if there is one."""
        return next((todo for todo in self.todos if todo.object_id == todo_id), None)


class NoteStationCoordinator(DsmCoordinator[NoteStationSnapshot]):
    """Reads to-dos and notebooks in one compound request per refresh.

    The request carries the top-level to-do list, the notebook list and one subtask
    list per to-do that had subtasks at the last refresh. Only when a to-do gained
    its first subtasks since then does a second request read them.
    """

    @property
    def notestation(self) -> NoteStation:
        """Return the Note Station calls of this entry's client."""
        return NoteStation(self.client)

    @override
    async def _async_fetch(self) -> NoteStationSnapshot:
        parents = (
            ()
            if self.data is None
            else tuple(todo.object_id for todo in self.data.todos if todo.subtask_ids)
        )
        calls = [
            Call(NOTEBOOK_LIST),
            todo_list_call(),
            *(todo_list_call(parent_id) for parent_id in parents),
        ]
        notebooks, top_level, *subtask_lists = await self.client.compound(calls)
        # A parent deleted since the last refresh fails its own item; the check for
        # missing subtasks below reads again whatever a failed item should have given.
        todos = parse_todos(
            [top_level.unwrap()]
            + [result.data for result in subtask_lists if result.error is None]
        )
        todos += await self.notestation.subtasks(subtasks_missing(todos))
        return NoteStationSnapshot(
            todos=todos, notebooks=parse_notebooks(notebooks.unwrap())
        )


@dataclass(frozen=True, slots=True)
class DriveSnapshot:
    """What Drive entities read: the newest notifications and the quota."""

    feed: NotificationFeed
    quota: DriveQuota


class DriveCoordinator(DsmCoordinator[DriveSnapshot]):
    """Reads the Drive notification feed and quota in one compound request.

    Owns the entry's Drive calls, and the marker that turns each new notification
    into one bus event. reads() and _async_snapshot() are the two halves of a
    refresh, so the entry-level poll can carry the reads in its own request.
    """

    def __init__(
        self,
        hass: HomeAssistant,
        entry: DsmConfigEntry,
        client: DsmClient,
        update_interval: timedelta,
    ) -> None:
        """Poll Drive for entry."""
        super().__init__(hass, entry, client, "drive", update_interval)
        self.drive = Drive(client)
        self.marker = DriveNotificationMarker(hass, entry)

    def reads(self) -> list[Call]:
        """Return the calls of one refresh: the newest notifications, the quota."""
        return [notifications_call(), quota_call()]

    async def _async_snapshot(self, results: Sequence[CallResult]) -> DriveSnapshot:
        """Build the snapshot from the results of reads(); report new notifications."""
        feed, quota = results
        snapshot = DriveSnapshot(
            feed=parse_notifications(feed.unwrap()), quota=parse_quota(quota.unwrap())
        )
        await self.marker.async_feed_read(snapshot.feed)
        return snapshot

    @override
    async def _async_setup(self) -> None:
        await self.marker.async_load()

    @override
    async def _async_fetch(self) -> DriveSnapshot:
        return await self._async_snapshot(await self.client.compound(self.reads()))
