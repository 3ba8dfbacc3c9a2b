"""Chat's sensors: unread messages, and how Home Assistant hears about Chat."""

from typing import TYPE_CHECKING, Any, override

from homeassistant.components.sensor import SensorDeviceClass, SensorEntity
from homeassistant.const import EntityCategory
from homeassistant.core import callback

from custom_components.synology_native.api.chat_schedule import ConnectionMode

from .entity import ChatEntity

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from custom_components.synology_native.data import DsmConfigEntry

    from .listener import ChatApp


@callback
def async_add_sensors(
    _hass: HomeAssistant,
    entry: DsmConfigEntry,
    chat: ChatApp,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add Chat's unread and connection sensors."""
    async_add_entities(
        [ChatUnreadSensor(entry, chat), ChatConnectionSensor(entry, chat)]
    )


class ChatUnreadSensor(ChatEntity, SensorEntity):
    """Unread Chat messages in all conversations; per conversation as attributes."""

    _attr_translation_key = "chat_unread"
    _attr_native_unit_of_measurement = "messages"

    def __init__(self, entry: DsmConfigEntry, chat: ChatApp) -> None:
        """Count from chat."""
        super().__init__(entry, chat, "unread")

    @property
    @override
    def native_value(self) -> int:
        return sum(self.listener.unread.values())

    @property
    @override
    def extra_state_attributes(self) -> dict[str, Any]:
        chat = self.listener
        return {
            chat.channel_name(chat.channels[cid]): count
            for cid, count in sorted(chat.unread.items())
        }


class ChatConnectionSensor(ChatEntity, SensorEntity):
    """How Home Assistant hears about Chat: push, polling, or not at all."""

    _attr_translation_key = "chat_connection"
    _attr_device_class = SensorDeviceClass.ENUM
    _attr_entity_category = EntityCategory.DIAGNOSTIC

    def __init__(self, entry: DsmConfigEntry, chat: ChatApp) -> None:
        """Report chat's mode."""
        super().__init__(entry, chat, "connection")
        self._attr_options = [mode.value for mode in ConnectionMode]

    @property
    @override
    def available(self) -> bool:
        return True

    @property
    @override
    def native_value(self) -> str:
        return self.listener.mode.value
