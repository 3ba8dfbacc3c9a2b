"""Drive in the entry's poll: the notification feed and the quota, as one snapshot."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import override

from custom_components.synology_native.api import CallResult
from custom_components.synology_native.api.drive import (
    Drive,
    DriveQuota,
    NotificationFeed,
    notifications_call,
    parse_notifications,
    parse_quota,
    quota_call,
)
from custom_components.synology_native.api.models import Call
from custom_components.synology_native.api.system import DsmApp
from custom_components.synology_native.coordinator import (
    NasCoordinator,
    PolledAppCoordinator,
)
from custom_components.synology_native.data import AppKey, PolledApp

from .events import DriveNotificationMarker


@dataclass(frozen=True, slots=True)
class DriveSnapshot:
    """What Drive entities read: the newest notifications and the quota."""

    feed: NotificationFeed
    quota: DriveQuota


class DriveCoordinator(PolledAppCoordinator[DriveSnapshot, Drive]):
    """Drive in the entry's poll: the notification feed and the quota.

    Owns the entry's Drive calls, and the marker that turns each new notification
    into one bus event (load it before the first poll).
    """

    def __init__(self, poll: NasCoordinator) -> None:
        """Join the entry's poll."""
        super().__init__(poll, "drive", Drive)
        self.marker = DriveNotificationMarker(poll.hass, poll.config_entry)

    @override
    def reads(self) -> list[Call]:
        return [notifications_call(), quota_call()]

    @override
    async def _async_snapshot(self, results: Sequence[CallResult]) -> DriveSnapshot:
        feed, quota = results
        snapshot = DriveSnapshot(
            feed=parse_notifications(feed.unwrap()), quota=parse_quota(quota.unwrap())
        )
        await self.marker.async_feed_read(snapshot.feed)
        return snapshot


# Drive as a used app of an entry: its client and this coordinator.
type DriveApp = PolledApp[Drive, DriveCoordinator]
DRIVE: AppKey[DriveApp] = AppKey(DsmApp.DRIVE)
