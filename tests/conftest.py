"""Fixtures shared by every test: the DSM simulator on loopback and config entries."""

import logging
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_PASSWORD, CONF_URL, CONF_USERNAME, CONF_VERIFY_SSL
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.synology_native.const import DOMAIN
from tests.fake_dsm import FakeDsm, run_simulator
from tests.fake_dsm.store import DEMO_PASSWORD, DEMO_SERIAL, DEMO_USER

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from homeassistant.core import HomeAssistant


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant's loader find custom_components/ in the repository."""


@pytest.fixture
def fake_dsm() -> FakeDsm:
    """Give a simulated NAS with the demo accounts."""
    return FakeDsm(demo=True)


@pytest.fixture
async def dsm_url(
    fake_dsm: FakeDsm, socket_enabled: None, request: pytest.FixtureRequest
) -> AsyncIterator[str]:
    """Serve the simulator on loopback and return its base URL.

    In tests with Home Assistant, the entries still loaded are unloaded before the
    simulator stops, so nothing keeps talking to (or holds a socket on) a NAS that is gone.
    """
    hass: HomeAssistant | None = (
        request.getfixturevalue("hass") if "hass" in request.fixturenames else None
    )
    async with run_simulator(fake_dsm) as url:
        yield url
        if hass is not None:
            for entry in hass.config_entries.async_entries(DOMAIN):
                if entry.state is ConfigEntryState.LOADED:
                    await hass.config_entries.async_unload(entry.entry_id)


@pytest.fixture
def entry_data(dsm_url: str) -> dict[str, Any]:
    """Config entry data of the demo account."""
    return {
        CONF_URL: dsm_url,
        CONF_VERIFY_SSL: True,
        CONF_USERNAME: DEMO_USER,
        CONF_PASSWORD: DEMO_PASSWORD,
    }


@pytest.fixture
def config_entry(entry_data: dict[str, Any]) -> MockConfigEntry:
    """Give a config entry for the demo account on the simulator."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=DEMO_USER,
        unique_id=f"{DEMO_SERIAL}_{DEMO_USER}",
        data=entry_data,
    )


def client_log_text(caplog: pytest.LogCaptureFixture) -> str:
    """Everything logged outside the simulator, with tracebacks.

    The simulator's own access log shows request URLs as a web server would; what
    matters is what Home Assistant and the client write.
    """
    formatter = logging.Formatter("%(name)s %(message)s")
    return "\n".join(
        formatter.format(record)
        for record in caplog.records
        if not record.name.startswith(("aiohttp.access", "tests."))
    )


@pytest.fixture
def secrets_in_logs(caplog: pytest.LogCaptureFixture) -> Iterator[list[str]]:
    """Collect secrets a test saw; after the test none may appear in logs."""
    caplog.set_level(logging.DEBUG)
    seen: list[str] = []
    yield seen
    text = client_log_text(caplog)
    for secret in seen:
        assert secret not in text
