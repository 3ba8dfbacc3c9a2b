"""Chat's notify entities: send to a channel or a person."""

from typing import TYPE_CHECKING, override

from homeassistant.components.notify import NotifyEntity
from homeassistant.components.notify.const import NotifyEntityFeature
from homeassistant.core import callback
from homeassistant.exceptions import ServiceValidationError

from custom_components.synology_native.const import CONF_CHAT_DM_USERS, DOMAIN
from custom_components.synology_native.entity import dsm_errors

from .entity import ChatChannelEntity, ChatEntity, async_follow_channels

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from custom_components.synology_native.data import DsmConfigEntry

    from .listener import ChatApp

NAMED_TYPES = ("public", "private")


def compose(message: str, title: str | None) -> str:
    """Put the title on a line of its own above the message."""
    text = message.strip()
    if not text:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="empty_message"
        )
    return f"{title.strip()}\n{text}" if title and title.strip() else text


@callback
def async_add_notifiers(
    hass: HomeAssistant,
    entry: DsmConfigEntry,
    chat: ChatApp,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a notify entity per named channel and per chosen direct-message partner."""
    async_add_entities(
        ChatDirectNotify(entry, chat, user_id)
        for user_id in entry.options.get(CONF_CHAT_DM_USERS, [])
        if str(user_id).isdecimal() and int(user_id) in chat.listener.users
    )
    async_follow_channels(
        hass,
        entry,
        chat,
        async_add_entities,
        make=lambda channel_id: ChatChannelNotify(entry, chat, channel_id),
        wanted=lambda channel: channel.is_joined and channel.type in NAMED_TYPES,
    )


class ChatChannelNotify(ChatChannelEntity, NotifyEntity):
    """Post into a channel as the signed-in user."""

    channel_kind = "notify"
    _attr_supported_features = NotifyEntityFeature.TITLE

    @dsm_errors
    @override
    async def async_send_message(self, message: str, title: str | None = None) -> None:
        text = compose(message, title)
        await self.client.send(self.channel_id, text, conn_id=self.listener.conn_id)
        self.listener.async_request_catch_up()


class ChatDirectNotify(ChatEntity, NotifyEntity):
    """Send a direct message to one person."""

    _attr_translation_key = "chat_direct"
    _attr_supported_features = NotifyEntityFeature.TITLE

    def __init__(self, entry: DsmConfigEntry, chat: ChatApp, user_id: int) -> None:
        """Send to user_id."""
        super().__init__(entry, chat, f"dm_{user_id}_notify")
        self.user_id = int(user_id)
        self._attr_translation_placeholders = {
            "user": chat.listener.users[self.user_id].display_name
        }

    @dsm_errors
    @override
    async def async_send_message(self, message: str, title: str | None = None) -> None:
        text = compose(message, title)
        channel = await self.client.direct_channel(self.user_id)
        await self.client.send(channel.channel_id, text, conn_id=self.listener.conn_id)
        self.listener.async_request_catch_up()
