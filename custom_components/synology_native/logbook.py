"""Logbook lines for the Chat and Drive bus events."""

from collections.abc import Callable, Mapping
from typing import Any

from homeassistant.components.logbook.const import (
    LOGBOOK_ENTRY_MESSAGE,
    LOGBOOK_ENTRY_NAME,
)
from homeassistant.core import Event, HomeAssistant, callback

from .const import (
    DOMAIN,
    EVENT_CHAT_ASSIST,
    EVENT_CHAT_MESSAGE,
    EVENT_CHAT_MESSAGE_DELETED,
    EVENT_CHAT_MESSAGE_UPDATED,
    EVENT_CHAT_REACTION,
    EVENT_DRIVE_FILE_CHANGED,
    EVENT_DRIVE_NOTIFICATION,
)

# Message texts stay out of the logbook; who did what where is enough.
_DESCRIPTIONS = {
    EVENT_CHAT_MESSAGE: "wrote in {channel_name}",
    EVENT_CHAT_MESSAGE_UPDATED: "edited a message in {channel_name}",
    EVENT_CHAT_MESSAGE_DELETED: "deleted a message in {channel_name}",
}
# A direct message's channel is named after the other person, so "wrote in Alice"
# would be wrong: the account sent it to them (own), or they sent it to the account.
_DIRECT = {
    EVENT_CHAT_MESSAGE: "sent a direct message",
    EVENT_CHAT_MESSAGE_UPDATED: "edited a direct message",
    EVENT_CHAT_MESSAGE_DELETED: "deleted a direct message",
}
DIRECT_CHANNEL_TYPE = "anonymous"  # direct messages and groups (README: channel_type)


@callback
def async_describe_events(
    hass: HomeAssistant,
    async_describe_event: Callable[[str, str, Callable[[Event], dict[str, str]]], None],
) -> None:
    """Describe the Chat and Drive events."""

    @callback
    def describe(event: Event) -> dict[str, str]:
        data: Mapping[str, Any] = event.data
        if event.event_type == EVENT_CHAT_ASSIST:
            return {
                LOGBOOK_ENTRY_NAME: str(data.get("author_name", "")),
                LOGBOOK_ENTRY_MESSAGE: (
                    f"asked Assist in {data.get('channel_name')}"
                    + (", which acted" if data.get("action_done") else "")
                ),
            }
        if event.event_type == EVENT_CHAT_REACTION:
            return {
                LOGBOOK_ENTRY_NAME: str(data.get("user_name", "")),
                LOGBOOK_ENTRY_MESSAGE: (
                    f"{data.get('action', 'added')} reaction {data.get('reaction')} "
                    f"in {data.get('channel_name')}"
                ),
            }
        author = str(data.get("author_name", ""))
        channel = str(data.get("channel_name", ""))
        if data.get("channel_type") != DIRECT_CHANNEL_TYPE:
            said = _DESCRIPTIONS[str(event.event_type)].format(channel_name=channel)
        elif data.get("own"):
            said = f"{_DIRECT[str(event.event_type)]} to {channel}"
        else:
            said = _DIRECT[str(event.event_type)]
        return {LOGBOOK_ENTRY_NAME: author, LOGBOOK_ENTRY_MESSAGE: said}

    for event_type in (*_DESCRIPTIONS, EVENT_CHAT_REACTION, EVENT_CHAT_ASSIST):
        async_describe_event(DOMAIN, event_type, describe)

    @callback
    def describe_drive(event: Event) -> dict[str, str]:
        data: Mapping[str, Any] = event.data
        if event.event_type == EVENT_DRIVE_NOTIFICATION:
            return {
                LOGBOOK_ENTRY_NAME: str(data.get("actor", "")),
                LOGBOOK_ENTRY_MESSAGE: (
                    f"Drive: {data.get('type')} {data.get('file_path')}"
                ),
            }
        return {
            LOGBOOK_ENTRY_NAME: "Synology Drive",
            LOGBOOK_ENTRY_MESSAGE: f"{data.get('event_type')} item {data.get('file_id')}",
        }

    for event_type in (EVENT_DRIVE_NOTIFICATION, EVENT_DRIVE_FILE_CHANGED):
        async_describe_event(DOMAIN, event_type, describe_drive)
