"""Synology Chat: pushed by its listener; Assist answers in Chat."""

from typing import TYPE_CHECKING, Any

from homeassistant.const import Platform

from custom_components.synology_native.api import DsmApp
from custom_components.synology_native.api.catalog import CatalogSection
from custom_components.synology_native.apps.spec import AppSpec
from custom_components.synology_native.const import (
    CONF_CHAT_ASSIST,
    SUBENTRY_CHAT_ASSIST_USER,
)
from custom_components.synology_native.data import PushedApp

from .assist import ASSIST_ANSWERS, ChatAssist
from .event import async_add_events
from .listener import CHAT_CURSORS, ChatApp, ChatListener
from .notify import async_add_notifiers
from .options import OPTIONS, ChatAssistUserFlow
from .selfcheck import SELF_CHECK
from .sensor import async_add_sensors
from .services import ACTIONS, COVERS

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from custom_components.synology_native.coordinator import NasCoordinator
    from custom_components.synology_native.data import DsmConfigEntry


async def _async_create(
    hass: HomeAssistant, entry: DsmConfigEntry, poll: NasCoordinator
) -> ChatApp:
    """Build the listener; it reads nothing yet."""
    listener = ChatListener(hass, entry, poll.client)
    return PushedApp(client=listener.chat, listener=listener)


async def _async_prime(
    _hass: HomeAssistant, _entry: DsmConfigEntry, chat: ChatApp
) -> None:
    """Read Chat once before platforms start; news is reported once Home Assistant runs."""
    await chat.listener.async_prime()


async def _async_start(
    hass: HomeAssistant, entry: DsmConfigEntry, chat: ChatApp
) -> None:
    """Start listening, Assist first (when chosen) so no post slips past it."""
    if entry.options.get(CONF_CHAT_ASSIST, False):
        await ChatAssist(hass, entry, chat.listener).async_start()
    chat.listener.async_start()


def _diagnostics(chat: ChatApp) -> dict[str, Any]:
    """Describe the Chat connection; messages and names stay out."""
    listener = chat.listener
    return {
        "mode": listener.mode,
        "channels": len(listener.channels),
        "unread": sum(listener.unread.values()),
    }


SPEC: AppSpec[ChatApp] = AppSpec(
    app=DsmApp.CHAT,
    catalog=CatalogSection.CHAT,
    create=_async_create,
    prepare=_async_prime,
    start=_async_start,
    platforms={
        Platform.EVENT: async_add_events,
        Platform.NOTIFY: async_add_notifiers,
        Platform.SENSOR: async_add_sensors,
    },
    actions=ACTIONS,
    covers=COVERS,
    diagnostics=_diagnostics,
    stores=(CHAT_CURSORS, ASSIST_ANSWERS),
    self_check=SELF_CHECK,
    options=OPTIONS,
    subentry_flows={SUBENTRY_CHAT_ASSIST_USER: ChatAssistUserFlow},
)
