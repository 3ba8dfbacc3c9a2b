"""The NAS self-check through Home Assistant against the simulator."""

import json

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.synology_native.const import DOMAIN
from custom_components.synology_native.selfcheck import probe
from tests.fake_dsm import FakeDsm


@pytest.fixture(autouse=True)
def short_socket_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """Listen to Chat's socket for a moment only."""
    monkeypatch.setattr(probe, "SOCKET_WINDOW_SECONDS", 0.3)


async def test_default(
    hass: HomeAssistant, loaded: None, config_entry: MockConfigEntry, fake_dsm: FakeDsm
) -> None:
    """Print."""
    report = await hass.services.async_call(
        DOMAIN, "check_nas", {}, blocking=True, return_response=True
    )
    print(json.dumps(report, indent=1))
