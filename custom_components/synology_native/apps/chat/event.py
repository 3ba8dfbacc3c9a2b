"""Chat's event entities: one per joined conversation."""

from typing import TYPE_CHECKING, Any, override

from homeassistant.components.event import EventEntity
from homeassistant.core import callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect

from .entity import ChatChannelEntity, async_follow_channels
from .listener import signal_channel_event

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from custom_components.synology_native.data import DsmConfigEntry

    from .listener import ChatApp

EVENT_TYPES = ["message", "mention", "reaction"]


@callback
def async_add_events(
    hass: HomeAssistant,
    entry: DsmConfigEntry,
    chat: ChatApp,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add an event entity per joined conversation, also for ones joined later."""
    async_follow_channels(
        hass,
        entry,
        chat,
        async_add_entities,
        make=lambda channel_id: ChatChannelEvent(entry, chat, channel_id),
        wanted=lambda channel: channel.is_joined,
    )


class ChatChannelEvent(ChatChannelEntity, EventEntity):
    """Messages, mentions of the user, and reactions in one conversation."""

    channel_kind = "events"
    _attr_event_types = EVENT_TYPES
    # Message contents are for automations, not for the history database.
    _unrecorded_attributes = frozenset(
        {"text", "previous_text", "mentions", "attachments"}
    )

    @override
    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass,
                signal_channel_event(self.entry.entry_id),
                self._async_chat_event,
            )
        )

    @callback
    def _async_chat_event(
        self, channel_id: int, event_type: str, data: dict[str, Any]
    ) -> None:
        if channel_id != self.channel_id:
            return
        self._trigger_event(
            event_type,
            {key: value for key, value in data.items() if key != "config_entry_id"},
        )
        self.async_write_ha_state()
