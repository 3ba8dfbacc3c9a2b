"""Entities fed by the Chat listener: the account-wide base and one per conversation."""

from typing import TYPE_CHECKING, override

from homeassistant.core import callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity import Entity

from custom_components.synology_native.api.chat_schedule import ConnectionMode
from custom_components.synology_native.entity import account_device_info

from .listener import signal_state

if TYPE_CHECKING:
    from collections.abc import Callable

    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from custom_components.synology_native.api.chat import ChatChannel
    from custom_components.synology_native.data import DsmConfigEntry

    from .listener import ChatApp


class ChatEntity(Entity):
    """An entity fed by the Chat listener, on the account's device."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(self, entry: DsmConfigEntry, app: ChatApp, key: str) -> None:
        """Identify the entity by key within the entry's Chat."""
        self.entry = entry
        self.client = app.client
        self.listener = app.listener
        self._attr_unique_id = f"{entry.unique_id}_chat_{key}"
        self._attr_device_info = account_device_info(entry)

    @property
    @override
    def available(self) -> bool:
        return self.listener.mode is not ConnectionMode.DOWN

    @override
    async def async_added_to_hass(self) -> None:
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass, signal_state(self.entry.entry_id), self._async_chat_changed
            )
        )

    @callback
    def _async_chat_changed(self) -> None:
        """Write the state after the listener read Chat."""
        self.async_write_ha_state()


class ChatChannelEntity(ChatEntity):
    """An entity for one Chat conversation, named after it."""

    _attr_translation_key = "chat_channel"
    # Tells this entity's unique id from those of the conversation's other entities.
    channel_kind: str

    def __init__(self, entry: DsmConfigEntry, app: ChatApp, channel_id: int) -> None:
        """Follow channel_id."""
        super().__init__(entry, app, f"{channel_id}_{self.channel_kind}")
        self.channel_id = channel_id
        chat = app.listener
        self._attr_translation_placeholders = {
            "channel": chat.channel_name(chat.channels[channel_id])
        }


@callback
def async_follow_channels(
    hass: HomeAssistant,
    entry: DsmConfigEntry,
    chat: ChatApp,
    async_add_entities: AddConfigEntryEntitiesCallback,
    *,
    make: Callable[[int], ChatChannelEntity],
    wanted: Callable[[ChatChannel], bool],
) -> None:
    """Add an entity per wanted conversation, now and for each one that appears later."""
    added: set[int] = set()

    @callback
    def add_new_channels() -> None:
        new = [
            channel_id
            for channel_id, channel in chat.listener.channels.items()
            if channel_id not in added and wanted(channel)
        ]
        added.update(new)
        if new:
            async_add_entities([make(channel_id) for channel_id in new])

    add_new_channels()
    entry.async_on_unload(
        async_dispatcher_connect(hass, signal_state(entry.entry_id), add_new_channels)
    )
