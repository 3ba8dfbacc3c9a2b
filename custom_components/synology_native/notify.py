"""Notify entities of Synology Native: send to a Chat channel or a person."""

from typing import TYPE_CHECKING, override

from homeassistant.components.notify import NotifyEntity
from homeassistant.components.notify.const import NotifyEntityFeature
from homeassistant.exceptions import ServiceValidationError

from .apps.chat.entity import ChatChannelEntity, ChatEntity, async_follow_channels
from .const import CONF_CHAT_DM_USERS, DOMAIN
from .error_policy import translate_dsm_errors

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .apps.chat.listener import ChatListener
    from .data import DsmConfigEntry

# Each message is one write to the NAS.
PARALLEL_UPDATES = 1

NAMED_TYPES = ("public", "private")


def compose(message: str, title: str | None) -> str:
    """Put the title on a line of its own above the message."""
    text = message.strip()
    if not text:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="empty_message"
        )
    return f"{title.strip()}\n{text}" if title and title.strip() else text


async def async_setup_entry(
    hass: HomeAssistant,
    entry: DsmConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a notify entity per named channel and per chosen direct-message partner."""
    chat = entry.runtime_data.chat
    if chat is None:
        return
    async_add_entities(
        ChatDirectNotify(entry, chat, user_id)
        for user_id in entry.options.get(CONF_CHAT_DM_USERS, [])
        if str(user_id).isdecimal() and int(user_id) in chat.users
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

    @override
    async def async_send_message(self, message: str, title: str | None = None) -> None:
        text = compose(message, title)
        with translate_dsm_errors(self.hass, self.entry):
            await self.chat.chat.send(self.channel_id, text, conn_id=self.chat.conn_id)
        self.chat.async_request_catch_up()


class ChatDirectNotify(ChatEntity, NotifyEntity):
    """Send a direct message to one person."""

    _attr_translation_key = "chat_direct"
    _attr_supported_features = NotifyEntityFeature.TITLE

    def __init__(self, entry: DsmConfigEntry, chat: ChatListener, user_id: int) -> None:
        """Send to user_id."""
        super().__init__(entry, chat, f"dm_{user_id}_notify")
        self.user_id = int(user_id)
        self._attr_translation_placeholders = {
            "user": chat.users[self.user_id].display_name
        }

    @override
    async def async_send_message(self, message: str, title: str | None = None) -> None:
        text = compose(message, title)
        with translate_dsm_errors(self.hass, self.entry):
            channel = await self.chat.chat.direct_channel(self.user_id)
            await self.chat.chat.send(
                channel.channel_id, text, conn_id=self.chat.conn_id
            )
        self.chat.async_request_catch_up()
