"""Coordinators: one per polled app, each refreshing with one HTTP request per cycle."""

from abc import abstractmethod
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
from .const import DOMAIN, LOGGER

if TYPE_CHECKING:
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
