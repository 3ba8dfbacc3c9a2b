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

Home Assistant takes the deliveries only from a local address, so push fails silently
when the NAS must reach Home Assistant through an address that is not local. Two repair
issues say so: the URL given to Drive is not local, or Drive reported a change in the
feed but no delivery arrived since the webhook was registered.

Only the NAS delivers: a request from any other address (unless the entry names it as
a proxy in between) is refused with 403 and logged once per address. A delivery is
bounded in bytes and changes, and one that repeats an earlier one exactly within a
minute is dropped.
"""

from datetime import datetime, timedelta
import hashlib
from http import HTTPStatus
import ipaddress
import json
import socket
import time
from typing import TYPE_CHECKING, Any

from aiohttp import web
from homeassistant.components import webhook
from homeassistant.core import callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.network import NoURLAvailableError
from homeassistant.util import dt as dt_util
from homeassistant.util.network import is_local
from yarl import URL

from custom_components.synology_native.api import DsmError, DsmResponseError
from custom_components.synology_native.api.drive import (
    WEBHOOK_APP_ID,
    Drive,
    parse_webhook_delivery,
)
from custom_components.synology_native.const import (
    CONF_DRIVE_PUSH_SOURCES,
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
# How long Drive may take to deliver a change the feed already shows before push counts
# as silent (deliveries take a second when they work).
PUSH_SILENCE = timedelta(minutes=15)
# Bounds of one delivery. Drive sends a few changes at a time (drive.md §6.4); a body or a
# list far beyond that is not a delivery to act on in full.
MAX_DELIVERY_BYTES = 1024 * 1024
MAX_DELIVERY_CHANGES = 1000
# A delivery repeating an earlier one byte for byte within this many seconds is dropped.
REPLAY_WINDOW_SECONDS = 60.0
# Addresses logged as refused, at most; then refusals go unlogged until the next start.
MAX_LOGGED_STRANGERS = 100


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
        self._registered_at: datetime | None = None
        self._delivered = False
        self._senders: frozenset[str] = frozenset()
        self._strangers_logged: set[str] = set()
        self._recent: dict[bytes, float] = {}
        self._cap_logged = False

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
        self._senders = await self._async_senders()
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
            registered = await self._drive.create_webhook(url, self._app_id)
        except DsmError:
            webhook.async_unregister(self._hass, self._webhook_id)
            raise
        self._registered_at = dt_util.utcnow()
        await self._async_report_url(url)
        return registered

    def _issue_id(self, kind: str) -> str:
        return f"{kind}_{self._entry.entry_id}"

    def _raise_issue(self, kind: str, **placeholders: str) -> None:
        ir.async_create_issue(
            self._hass,
            DOMAIN,
            self._issue_id(kind),
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key=kind,
            translation_placeholders={"entry": self._entry.title, **placeholders},
        )

    async def _async_report_url(self, url: str) -> None:
        """Raise a repair issue when the address given to Drive is not a local one."""
        host = URL(url).host or ""
        if await self._hass.async_add_executor_job(may_be_local, host):
            ir.async_delete_issue(self._hass, DOMAIN, self._issue_id(ISSUE_URL))
        else:
            self._raise_issue(ISSUE_URL, url=str(URL(url).with_path("/")))

    @callback
    def async_check_silence(self, feed: NotificationFeed) -> None:
        """Raise a repair issue when the feed shows a change Drive never delivered."""
        if self._delivered or self._registered_at is None:
            return
        since = self._registered_at.replace(microsecond=0)  # the feed has seconds
        changed = [item.time for item in feed.items if item.time >= since]
        if changed and dt_util.utcnow() - min(changed) >= PUSH_SILENCE:
            self._raise_issue(ISSUE_SILENT)

    async def _async_senders(self) -> frozenset[str]:
        """Return the addresses deliveries may come from: the NAS's, and proxies named.

        Written as aiohttp writes a request's remote address.
        """
        host = URL(self._entry.runtime_data.client.url).host or ""
        found = await self._hass.loop.getaddrinfo(host, None)
        named = self._entry.options.get(CONF_DRIVE_PUSH_SOURCES, [])
        return frozenset(
            str(ipaddress.ip_address(address))
            for address in (*(info[4][0] for info in found), *named)
        )

    def _replayed(self, body: bytes) -> bool:
        """Tell whether body repeats a delivery of the last REPLAY_WINDOW_SECONDS."""
        now = time.monotonic()
        self._recent = {
            digest: seen
            for digest, seen in self._recent.items()
            if now - seen < REPLAY_WINDOW_SECONDS
        }
        digest = hashlib.sha256(body).digest()
        replayed = digest in self._recent
        self._recent[digest] = now
        return replayed

    async def _async_remove_stale(self) -> None:
        """Remove the Drive webhooks an earlier run of this entry left behind."""
        for stale in await self._drive.webhooks(self._app_id):
            await self._drive.delete_webhook(stale.webhook_id, self._app_id)

    async def async_stop(self, registered: Webhook) -> None:
        """Unregister the Home Assistant webhook and remove Drive's (best effort)."""
        webhook.async_unregister(self._hass, self._webhook_id)
        for kind in (ISSUE_URL, ISSUE_SILENT):
            ir.async_delete_issue(self._hass, DOMAIN, self._issue_id(kind))
        try:
            await self._drive.delete_webhook(registered.webhook_id, self._app_id)
        except DsmError as err:
            LOGGER.debug("Removing the Drive webhook failed: %s", err)

    async def _async_handle(
        self, hass: HomeAssistant, webhook_id: str, request: web.Request
    ) -> web.Response:
        """Turn one delivery into bus events.

        Another sender gets 403, a body over the limit 413, anything but Drive's
        format 400; an exact replay is answered but fires nothing.
        """
        remote = str(request.remote)
        if remote not in self._senders:
            if (
                remote not in self._strangers_logged
                and len(self._strangers_logged) < MAX_LOGGED_STRANGERS
            ):
                self._strangers_logged.add(remote)
                LOGGER.warning(
                    "Refused a Drive webhook delivery from %s, which is not the NAS"
                    " (a proxy in between is named in the entry's options)",
                    remote,
                )
            return web.Response(status=HTTPStatus.FORBIDDEN)
        body = bytearray()
        async for chunk in request.content.iter_chunked(64 * 1024):
            body += chunk
            if len(body) > MAX_DELIVERY_BYTES:
                return self._refused(
                    "larger than 1 MiB", HTTPStatus.REQUEST_ENTITY_TOO_LARGE
                )
        if self._replayed(bytes(body)):
            LOGGER.debug("Dropped a Drive webhook delivery seen less than a minute ago")
            return web.Response(text="OK")
        try:
            changes = parse_webhook_delivery(self._capped(json.loads(body)))
        except (ValueError, DsmResponseError) as err:
            return self._refused(
                str(err) if isinstance(err, DsmResponseError) else "not JSON",
                HTTPStatus.BAD_REQUEST,
            )
        self._refusal_logged = False
        if not self._delivered:
            self._delivered = True
            ir.async_delete_issue(hass, DOMAIN, self._issue_id(ISSUE_SILENT))
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

    def _capped(self, body: Any) -> Any:
        """Keep the first MAX_DELIVERY_CHANGES changes of a delivery, warning once."""
        if not isinstance(body, list) or len(body) <= MAX_DELIVERY_CHANGES:
            return body
        if not self._cap_logged:
            self._cap_logged = True
            LOGGER.warning(
                "A Drive webhook delivery held %d changes; only the first %d are reported",
                len(body),
                MAX_DELIVERY_CHANGES,
            )
        return body[:MAX_DELIVERY_CHANGES]

    def _refused(self, why: str, status: HTTPStatus) -> web.Response:
        """Answer a delivery that is not Drive's, logging once until a good one."""
        if not self._refusal_logged:
            self._refusal_logged = True
            LOGGER.warning(
                "Refused a Drive webhook delivery that is not Drive's format: %s", why
            )
        return web.Response(status=status)


ISSUE_URL = "drive_push_url_not_local"
ISSUE_SILENT = "drive_push_silent"


def may_be_local(host: str) -> bool:
    """Tell whether host may be local: only an address known not to be says no.

    A multicast DNS name (.local) is local by definition; a name Home Assistant cannot
    resolve may still resolve for the NAS, so it raises no alarm either.
    """
    if host.endswith(".local"):
        return True
    try:
        addresses = {ipaddress.ip_address(host)}
    except ValueError:
        try:
            found = socket.getaddrinfo(host, None)
        except OSError:
            return True
        addresses = {
            ipaddress.ip_address(str(item[4][0]).split("%")[0]) for item in found
        }
    return all(is_local(address) for address in addresses)
