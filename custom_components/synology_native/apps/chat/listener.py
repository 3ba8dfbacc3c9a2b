"""The Chat listener: Home Assistant's side of the Chat socket and the catch-up reads.

The socket and the reads live in the client (api.chat_socket, api.chat_catchup,
api.chat_schedule). This module reports what the reads find: bus events for automations,
signals for the entities, and each new post to Assist directly (on_post). It stores the
cursors after every round, finished or not, and starts the reads only once Home
Assistant has started, so automations see the backlog.
"""

from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from homeassistant.const import CONF_VERIFY_SSL
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.start import async_at_started

from custom_components.synology_native.api import DsmApp, DsmClient, DsmError
from custom_components.synology_native.api.chat import (
    Chat,
    ChatChannel,
    ChatPost,
    ChatUser,
)
from custom_components.synology_native.api.chat_catchup import (
    ChangeKind,
    ChatCatchUp,
    ChatChange,
)
from custom_components.synology_native.api.chat_schedule import (
    ChatSchedule,
    ConnectionMode,
)
from custom_components.synology_native.const import (
    DOMAIN,
    EVENT_CHAT_MESSAGE,
    EVENT_CHAT_MESSAGE_DELETED,
    EVENT_CHAT_MESSAGE_UPDATED,
    EVENT_CHAT_REACTION,
    LOGGER,
)
from custom_components.synology_native.data import AppKey, PushedApp
from custom_components.synology_native.error_policy import start_reauth_if_needed
from custom_components.synology_native.storage import EntryData

if TYPE_CHECKING:
    from custom_components.synology_native.data import DsmConfigEntry

EVENTS = {
    ChangeKind.MESSAGE: EVENT_CHAT_MESSAGE,
    ChangeKind.UPDATED: EVENT_CHAT_MESSAGE_UPDATED,
    ChangeKind.DELETED: EVENT_CHAT_MESSAGE_DELETED,
    ChangeKind.REACTION: EVENT_CHAT_REACTION,
}

# Assist's hook: each new post as read from Chat, never from the public bus event,
# which anything can fire.
type PostHook = Callable[[ChatChannel, ChatPost], Coroutine[Any, Any, None]]


# What was already reported, per channel and thread (see ChannelCursor).
CHAT_CURSORS = EntryData("{domain}.chat_{entry_id}")


def signal_state(entry_id: str) -> str:
    """Dispatcher signal: mode, channels or unread counts changed."""
    return f"{DOMAIN}_{entry_id}_chat_state"


def signal_channel_event(entry_id: str) -> str:
    """Dispatcher signal: an event for a channel's event entity."""
    return f"{DOMAIN}_{entry_id}_chat_event"


class ChatListener:
    """Reports what Chat's reads find, for one entry."""

    def __init__(
        self, hass: HomeAssistant, entry: DsmConfigEntry, client: DsmClient
    ) -> None:
        """Prepare for entry; nothing is read until async_prime."""
        self.hass = hass
        self.entry = entry
        self.client = client
        self.catch_up = ChatCatchUp(client, self._report, name=entry.title)
        self.chat = self.catch_up.chat
        self._store = CHAT_CURSORS.store(hass, entry.entry_id)
        self.on_post: PostHook | None = None
        self._unreportable: set[int] = set()  # posts already logged as such
        verify_ssl = bool(entry.data.get(CONF_VERIFY_SSL, True))
        self.schedule = ChatSchedule(
            self.catch_up,
            async_get_clientsession(hass, verify_ssl=verify_ssl),
            verify_ssl=verify_ssl,
            on_round=self._after_round,
            on_mode=self._signal_state,
        )

    # --- state for entities and actions ---

    @property
    def mode(self) -> ConnectionMode:
        """Return how changes in Chat are heard."""
        return self.schedule.mode

    @property
    def me(self) -> ChatUser | None:
        """Return the signed-in Chat user."""
        return self.catch_up.me

    @property
    def users(self) -> dict[int, ChatUser]:
        """Return Chat's users by id."""
        return self.catch_up.users

    @property
    def channels(self) -> dict[int, ChatChannel]:
        """Return the conversations the user sees, by id."""
        return self.catch_up.channels

    @property
    def unread(self) -> dict[int, int]:
        """Return the unread count of each joined channel."""
        return {
            cid: channel.unread
            for cid, channel in self.channels.items()
            if channel.is_joined and channel.unread is not None
        }

    @property
    def conn_id(self) -> str | None:
        """Return the socket's connection id, for posts that should not echo to us."""
        return self.schedule.keeper.socket.conn_id

    def channel_name(self, channel: ChatChannel) -> str:
        """Name a channel as people see it: its name, or the other person's."""
        return self.catch_up.channel_name(channel)

    @callback
    def async_request_catch_up(self) -> None:
        """Read changes soon (after a write of our own, for example)."""
        self.schedule.request_read()

    async def async_read_round(self) -> None:
        """Read Chat now and return once a read that started after this call is over."""
        await self.schedule.read_round()

    # --- lifecycle ---

    async def async_prime(self) -> None:
        """Read who we are, users, channels and the cursors; report nothing.

        On the very first start, what is already in Chat counts as seen. Anything newer
        than the stored cursors is reported by the loop, once Home Assistant runs.
        """
        await self.catch_up.prime(await self._store.async_load())
        await self._save_if_moved()

    @callback
    def async_start(self) -> None:
        """Start the reads as the entry's background task once Home Assistant runs.

        Before that, automations are not armed yet: what was posted while Home
        Assistant was stopped waits for them. Unloading cancels the task.
        """
        self.entry.async_on_unload(async_at_started(self.hass, self._async_start_loop))

    @callback
    def _async_start_loop(self, _hass: HomeAssistant) -> None:
        self.entry.async_create_background_task(
            self.hass, self.schedule.run(), f"{DOMAIN} chat {self.entry.title}"
        )

    async def _after_round(self, failure: DsmError | None) -> None:
        await self._save_if_moved()
        if failure is not None:
            start_reauth_if_needed(self.hass, self.entry, failure)

    @callback
    def _signal_state(self) -> None:
        async_dispatcher_send(self.hass, signal_state(self.entry.entry_id))

    # --- reporting ---

    def event_data(self, channel: ChatChannel, post: ChatPost) -> dict[str, Any]:
        """Describe a post for automations: ids, names, text, mentions, attachments."""
        return {
            "config_entry_id": self.entry.entry_id,
            **self.catch_up.describe(channel, post),
        }

    def _report(self, change: ChatChange) -> None:
        """Fire change; a post that cannot be described is logged once and skipped."""
        channel, post = change.channel, change.post
        try:
            data = {
                "config_entry_id": self.entry.entry_id,
                **self.catch_up.describe_change(change),
            }
        except (ValueError, OverflowError, OSError) as err:
            if post.post_id not in self._unreportable:
                self._unreportable.add(post.post_id)
                LOGGER.warning(
                    "Skipping Chat post %s in %s of %s, which cannot be reported: %s",
                    post.post_id,
                    self.channel_name(channel),
                    self.entry.title,
                    err,
                )
            return
        self.hass.bus.async_fire(EVENTS[change.kind], data)
        signal = signal_channel_event(self.entry.entry_id)
        if change.kind in (ChangeKind.MESSAGE, ChangeKind.REACTION):
            async_dispatcher_send(
                self.hass, signal, channel.channel_id, change.kind, data
            )
        if change.kind is not ChangeKind.MESSAGE:
            return
        if data["mentions_me"] and not data["own"]:
            async_dispatcher_send(
                self.hass, signal, channel.channel_id, "mention", data
            )
        if self.on_post is not None:
            self.entry.async_create_task(
                self.hass,
                self.on_post(channel, post),
                f"{DOMAIN} chat post {post.post_id}",
            )

    async def _save_if_moved(self) -> None:
        if self.catch_up.moved:
            self.catch_up.moved = False
            await self._store.async_save(self.catch_up.cursor_data())


# Chat as a used app of an entry: its client and this listener.
type ChatApp = PushedApp[Chat, ChatListener]
CHAT: AppKey[ChatApp] = AppKey(DsmApp.CHAT)
