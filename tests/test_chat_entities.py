"""The Chat event, notify and sensor entities as Home Assistant shows them."""

from typing import TYPE_CHECKING, Any
from unittest.mock import patch

from homeassistant.const import Platform
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)

from custom_components.synology_native.api.chat_schedule import ConnectionMode
from custom_components.synology_native.const import (
    CONF_APPS,
    CONF_CHAT_DM_USERS,
    DOMAIN,
)
from tests.fake_dsm.store import DEMO_SERIAL, DEMO_USER
from tests.test_chat import BOB, setup_entry, until

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers import entity_registry as er
    from syrupy.assertion import SnapshotAssertion


@pytest.mark.parametrize("platform", [Platform.EVENT, Platform.NOTIFY, Platform.SENSOR])
async def test_chat_entities(
    hass: HomeAssistant,
    entry_data: dict[str, Any],
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    platform: Platform,
) -> None:
    """Registry entries, states and attributes of one platform's Chat entities."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        entry_id="01KCHATENTITIES0000000000",
        title=DEMO_USER,
        unique_id=f"{DEMO_SERIAL}_{DEMO_USER}",
        data=entry_data,
        options={CONF_APPS: ["chat"], CONF_CHAT_DM_USERS: [BOB]},
    )
    with patch("custom_components.synology_native.PLATFORMS", [platform]):
        chat = await setup_entry(hass, entry)
        await until(lambda: chat.mode is ConnectionMode.PUSH)
        await chat.async_read_round()
    await snapshot_platform(hass, entity_registry, snapshot, entry.entry_id)
