"""Synology Drive on the bus: new notifications from polling, file changes from a webhook.

Notifications: each poll reads the newest page of the feed; an item is new when its id
was not on the page last seen and it is not older than the newest item seen then. That
marker is stored, so a restart neither repeats nor loses notifications; the first read of
an entry only sets the marker (what is already there is not reported).

File changes (push): Home Assistant registers a local-only webhook with an unguessable
id and asks Drive to POST its changes there (``SYNO.SynologyDrive.Webhooks``). Drive's
deliveries (a JSON array, drive.md Corrections) become bus events right away. The Drive
webhook is removed when the entry unloads; a stale one from a crash is removed at the
next start, found by the entry's own webhook application id.
"""

from http import HTTPStatus
from typing import TYPE_CHECKING

from aiohttp import web
from homeassistant.components import webhook
from homeassistant.helpers.network import NoURLAvailableError

from custom_components.synology_native.api import DsmError, DsmResponseError
from custom_components.synology_native.api.drive import (
    WEBHOOK_APP_ID,
    Drive,
    parse_webhook_delivery,
)
from custom_components.synology_native.const import (
    DOMAIN,
    EVENT_DRIVE_FILE_CHANGED,
    EVENT_DRIVE_NOTIFICATION,
    LOGGER,
)
from custom_components.synology_native.storage import EntryData

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from custom_components.synology_native.api.drive import NotificationFeed, Webhook
    from custom_components.synology_native.data import DsmConfigEntry

# The notifications already fired, and the newest one's time.
DRIVE_MARKER = EntryData("{domain}.drive_{entry_id}")


class DriveNotificationMarker:
    """Fires one bus event per new Drive notification, across polls and restarts."""

    def __init__(self, hass: HomeAssistant, entry: DsmConfigEntry) -> None:
        """Keep the marker of entry."""
        self._hass = hass
        self._entry = entry
        self._store = DRIVE_MARKER.store(hass, entry.entry_id)
        self._seen: set[str] | None = None
        self._newest = 0.0

    async def async_load(self) -> None:
        """Read the stored marker, if the entry has one."""
        stored = await self._store.async_load()
        if stored is not None:
            self._seen = set(stored["seen"])
            self._newest = float(stored["newest"])

    async def async_feed_read(self, feed: NotificationFeed) -> None:
        """Fire an event for each new notification (oldest first), then move the marker."""
        if self._seen is not None:
            for item in reversed(feed.items):
                if (
                    item.notification_id in self._seen
                    or item.time.timestamp() < self._newest
                ):
                    continue
                self._hass.bus.async_fire(
                    EVENT_DRIVE_NOTIFICATION,
                    {
                        "config_entry_id": self._entry.entry_id,
                        "notification_id": item.notification_id,
                        "type": item.kind,
                        "file_id": item.file_id,
                        "file_name": item.file_name,
                        "file_path": item.file_path,
                        "actor": item.actor,
                        "time": item.time.isoformat(),
                    },
                )
        seen = {item.notification_id for item in feed.items}
        newest = max((item.time.timestamp() for item in feed.items), default=0.0)
        if seen == self._seen and newest <= self._newest:
            return
        self._seen = seen
        self._newest = max(newest, self._newest)
        await self._store.async_save(
            {"seen": sorted(self._seen), "newest": self._newest}
        )


def webhook_app_id(entry_id: str) -> str:
    """Return the Drive webhook application id of an entry: stale ones are found by it."""
    return f"{WEBHOOK_APP_ID}-{entry_id}"


class DriveFileChanges:
    """Receives Drive's webhook deliveries for one entry and fires them as bus events."""

    def __init__(
        self, hass: HomeAssistant, entry: DsmConfigEntry, drive: Drive
    ) -> None:
        """Prepare push for entry; nothing is registered before async_start."""
        self._hass = hass
        self._entry = entry
        self._drive = drive
        self._webhook_id = webhook.async_generate_id()
        self._app_id = webhook_app_id(entry.entry_id)
        # A refused delivery is logged once until a good one arrives.
        self._refusal_logged = False

    async def async_start(self) -> Webhook | None:
        """Register both webhooks; None (polling only) when Drive cannot reach us."""
        try:
            url = webhook.async_generate_url(
                self._hass, self._webhook_id, allow_external=False, allow_ip=True
            )
        except NoURLAvailableError:
            LOGGER.warning(
                "Drive push needs Home Assistant's local URL (Settings > System > "
                "Network); Drive changes are not pushed"
            )
            return None
        await self._async_remove_stale()
        webhook.async_register(
            self._hass,
            DOMAIN,
            "Synology Drive",
            self._webhook_id,
            self._async_handle,
            local_only=True,
            allowed_methods=["POST"],
        )
        try:
            return await self._drive.create_webhook(url, self._app_id)
        except DsmError:
            webhook.async_unregister(self._hass, self._webhook_id)
            raise

    async def _async_remove_stale(self) -> None:
        """Remove the Drive webhooks an earlier run of this entry left behind."""
        for stale in await self._drive.webhooks(self._app_id):
            await self._drive.delete_webhook(stale.webhook_id, self._app_id)

    async def async_stop(self, registered: Webhook) -> None:
        """Unregister the Home Assistant webhook and remove Drive's (best effort)."""
        webhook.async_unregister(self._hass, self._webhook_id)
        try:
            await self._drive.delete_webhook(registered.webhook_id, self._app_id)
        except DsmError as err:
            LOGGER.debug("Removing the Drive webhook failed: %s", err)

    async def _async_handle(
        self, hass: HomeAssistant, webhook_id: str, request: web.Request
    ) -> web.Response:
        """Turn one delivery into bus events; refuse anything else with 400."""
        try:
            changes = parse_webhook_delivery(await request.json())
        except (ValueError, DsmResponseError) as err:
            if not self._refusal_logged:
                self._refusal_logged = True
                LOGGER.warning(
                    "Refused a Drive webhook delivery that is not Drive's format: %s",
                    err if isinstance(err, DsmResponseError) else "not JSON",
                )
            return web.Response(status=HTTPStatus.BAD_REQUEST)
        self._refusal_logged = False
        # Drive may batch the same change twice in one delivery; report it once.
        for change in dict.fromkeys(changes):
            hass.bus.async_fire(
                EVENT_DRIVE_FILE_CHANGED,
                {
                    "config_entry_id": self._entry.entry_id,
                    "event_type": change.event_type.value,
                    "file_id": change.file_id,
                    "permanent_link": change.permanent_link,
                    "file_type": "dir" if change.is_dir else "file",
                    "parent_id": change.parent_id,
                },
            )
        return web.Response(text="OK")
