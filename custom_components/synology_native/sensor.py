"""Sensors of Synology Native."""

from typing import TYPE_CHECKING, Any, override

from homeassistant.components.sensor import SensorDeviceClass, SensorEntity
from homeassistant.const import EntityCategory

from .chat_listener import ConnectionMode
from .entity import ChatEntity, DsmEntity

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .chat_listener import ChatListener
    from .coordinator import NasCoordinator
    from .data import DsmConfigEntry

# Coordinator-fed: reading never calls the NAS.
PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: DsmConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the sensors of one DSM account."""
    async_add_entities([DsmVersionSensor(entry.runtime_data.nas_coordinator)])
    if (chat := entry.runtime_data.chat) is not None:
        async_add_entities(
            [ChatUnreadSensor(entry, chat), ChatConnectionSensor(entry, chat)]
        )


class DsmVersionSensor(DsmEntity, SensorEntity):
    """The DSM version the NAS runs."""

    _attr_entity_category = EntityCategory.DIAGNOSTIC
    coordinator: NasCoordinator

    def __init__(self, coordinator: NasCoordinator) -> None:
        """Attach to the NAS coordinator."""
        super().__init__(coordinator, "dsm_version")

    @property
    @override
    def native_value(self) -> str:
        return self.coordinator.data.version


class ChatUnreadSensor(ChatEntity, SensorEntity):
    """Unread Chat messages in all conversations; per conversation as attributes."""

    _attr_translation_key = "chat_unread"
    _attr_native_unit_of_measurement = "messages"

    def __init__(self, entry: DsmConfigEntry, chat: ChatListener) -> None:
        """Count from chat."""
        super().__init__(entry, chat, "unread")

    @property
    @override
    def native_value(self) -> int:
        return sum(self.chat.unread.values())

    @property
    @override
    def extra_state_attributes(self) -> dict[str, Any]:
        return {
            self.chat.channel_name(self.chat.channels[cid]): count
            for cid, count in sorted(self.chat.unread.items())
        }


class ChatConnectionSensor(ChatEntity, SensorEntity):
    """How Home Assistant hears about Chat: push, polling, or not at all."""

    _attr_translation_key = "chat_connection"
    _attr_device_class = SensorDeviceClass.ENUM
    _attr_entity_category = EntityCategory.DIAGNOSTIC

    def __init__(self, entry: DsmConfigEntry, chat: ChatListener) -> None:
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
        return self.chat.mode.value
