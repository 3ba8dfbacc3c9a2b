"""Diagnostics of an entry using every app, as a user would download them."""

from typing import TYPE_CHECKING

import pytest
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)

from custom_components.synology_native.apps.chat.listener import CHAT, ConnectionMode
from tests.conftest import setup_entry
from tests.test_chat import until

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry
    from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
    from syrupy.assertion import SnapshotAssertion


@pytest.mark.freeze_time("2026-11-30 12:00:00+00:00", tick=True)
async def test_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    config_entry: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    """Counts and versions of every app; secrets, names and contents stay out."""
    await setup_entry(hass, config_entry)
    chat = config_entry.runtime_data.app(CHAT)
    assert chat is not None
    await until(lambda: chat.listener.mode is ConnectionMode.PUSH)
    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, config_entry
    )
    assert diagnostics == snapshot
