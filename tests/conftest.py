"""Fixtures shared by every test: the DSM simulator on loopback and config entries."""

import asyncio
from contextlib import asynccontextmanager
from datetime import datetime
import logging
import ssl
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from homeassistant.components import conversation
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_PASSWORD, CONF_URL, CONF_USERNAME, CONF_VERIFY_SSL
from homeassistant.core import Context
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension

from custom_components.synology_native.api import DsmApp, chat as chat_api
from custom_components.synology_native.const import (
    CONF_APPS,
    CONF_UPDATE_INTERVAL,
    DOMAIN,
)
from tests.fake_dsm import FakeDsm, run_simulator
from tests.fake_dsm.server import MADE
from tests.fake_dsm.store import DEMO_PASSWORD, DEMO_SERIAL, DEMO_USER

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator
    from datetime import timedelta

    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant
    from syrupy.assertion import SnapshotAssertion

    from tests.fake_dsm.calendar_store import CalendarStore
    from tests.fake_dsm.notestation_store import NoteStationStore


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant's loader find custom_components/ in the repository."""


# Query keys that carry a secret; webapi.md §4 and auth.md §3, §8.1.
URL_SECRETS = frozenset(
    {"_sid", "SynoToken", "passwd", "otp_code", "device_id", "code", "state"}
)


def secrets_in_urls(sims: list[FakeDsm]) -> list[str]:
    """List the web API requests of sims whose URL carries a secret."""
    return [
        str(url)
        for sim in sims
        for url in sim.urls
        if url.path.startswith("/webapi/") and URL_SECRETS & url.query.keys()
    ]


@pytest.fixture(autouse=True)
def no_secret_in_urls(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail any test after which a simulator kept a secret in a web API URL.

    Proxies and access logs keep URLs, so nothing secret may travel in one. Tests
    marked `secret_in_url` drive another client, or check that the simulator takes
    what a real DSM takes.
    """
    MADE.clear()
    yield
    made = list(MADE)
    MADE.clear()
    if request.node.get_closest_marker("secret_in_url") is None:
        assert secrets_in_urls(made) == []


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Serialize Home Assistant's states and registry entries as core's tests do."""
    return snapshot.use_extension(HomeAssistantSnapshotExtension)


@pytest.fixture
async def refused_handshakes_expected(enable_event_loop_debug: None) -> None:
    """Let a client refuse the simulator's certificate without failing the test.

    asyncio reports the server side of a failed TLS handshake to the loop's exception
    handler in debug mode only, and the test harness turns every such report into an
    error; a test about an untrusted certificate expects exactly that failure.
    """
    asyncio.get_running_loop().set_debug(False)


@pytest.fixture
def fake_dsm() -> FakeDsm:
    """Give a simulated NAS with the demo accounts."""
    return FakeDsm(demo=True)


@pytest.fixture
async def dsm_url(
    fake_dsm: FakeDsm, socket_enabled: None, request: pytest.FixtureRequest
) -> AsyncIterator[str]:
    """Serve the simulator on loopback and return its base URL."""
    async with serve(fake_dsm, request) as url:
        yield url


@asynccontextmanager
async def serve(
    fake_dsm: FakeDsm,
    request: pytest.FixtureRequest,
    ssl_context: ssl.SSLContext | None = None,
) -> AsyncIterator[str]:
    """Run the simulator for one test and yield its base URL.

    In tests with Home Assistant, the entries still loaded are unloaded before the
    simulator stops, so nothing keeps talking to (or holds a socket on) a NAS that is gone.
    """
    hass: HomeAssistant | None = (
        request.getfixturevalue("hass") if "hass" in request.fixturenames else None
    )
    async with run_simulator(fake_dsm, ssl_context=ssl_context) as url:
        yield url
        if hass is not None:
            for entry in hass.config_entries.async_entries(DOMAIN):
                if entry.state is ConfigEntryState.LOADED:
                    await hass.config_entries.async_unload(entry.entry_id)


@pytest.fixture
def chat_pace(fake_dsm: FakeDsm, monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Pace Chat posts on the simulator's clock: a wait moves it on instead of sleeping.

    The simulator's clock stands still otherwise, so only the client's waits make room
    under its post rate. Returns the waits, in seconds, as the client asked for them.
    """
    waits: list[float] = []
    start = fake_dsm.store.clock()

    async def pace(seconds: float) -> None:
        waits.append(seconds)

    fake_dsm.store.clock = lambda: start + sum(waits)
    monkeypatch.setattr(chat_api, "pace", pace)
    return waits


@pytest.fixture
def entry_data(dsm_url: str) -> dict[str, Any]:
    """Config entry data of the demo account."""
    return {
        CONF_URL: dsm_url,
        CONF_VERIFY_SSL: True,
        CONF_USERNAME: DEMO_USER,
        CONF_PASSWORD: DEMO_PASSWORD,
    }


def demo_entry(
    entry_data: dict[str, Any], options: dict[str, Any] | None = None
) -> MockConfigEntry:
    """Give a config entry for the demo account on the simulator, with options."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=DEMO_USER,
        unique_id=f"{DEMO_SERIAL}_{DEMO_USER}",
        data=entry_data,
        options=options or {},
    )


@pytest.fixture
def config_entry(entry_data: dict[str, Any]) -> MockConfigEntry:
    """Give a config entry for the demo account on the simulator."""
    return demo_entry(entry_data)


@pytest.fixture
def notestation_entry(entry_data: dict[str, Any]) -> MockConfigEntry:
    """Give the demo account using Note Station only, polled every 5 minutes.

    Polling tests move the clock by minutes; Chat, which is not polled, would see its
    real-time connection time out meanwhile.
    """
    return demo_entry(entry_data, {CONF_APPS: ["notestation"], CONF_UPDATE_INTERVAL: 5})


@pytest.fixture
def nas(fake_dsm: FakeDsm) -> NoteStationStore:
    """Give the simulator's Note Station library, changed directly as another device would."""
    return fake_dsm.notestation


@pytest.fixture
async def loaded(hass: HomeAssistant, config_entry: MockConfigEntry) -> None:
    """Set up the demo account."""
    await setup_entry(hass, config_entry)


# Calendar tests run on Monday 2 March 2026, noon in Home Assistant's zone (US/Pacific,
# the test default), with the NAS user in Europe/Berlin.
CALENDAR_TEST_DAY = datetime(2026, 3, 2, 12, tzinfo=ZoneInfo("US/Pacific"))


@pytest.fixture
def cal(fake_dsm: FakeDsm) -> CalendarStore:
    """Give the simulator's calendars, changed directly as another device would."""
    return fake_dsm.store.calendar


@pytest.fixture
def calendar_entry(entry_data: dict[str, Any]) -> MockConfigEntry:
    """Give the demo account with Calendar and Note Station (no Chat socket to wait on)."""
    return demo_entry(entry_data, {CONF_APPS: [DsmApp.CALENDAR, DsmApp.NOTESTATION]})


@pytest.fixture
async def calendar_loaded(
    hass: HomeAssistant,
    calendar_entry: MockConfigEntry,
    cal: CalendarStore,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Set up the Calendar account on CALENDAR_TEST_DAY, its calendar cleared of the demo."""
    freezer.move_to(CALENDAR_TEST_DAY)
    cal.ensure_user(DEMO_USER, 1026)
    cal.events.clear()
    await setup_entry(hass, calendar_entry)


async def setup_entry(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Add entry to Home Assistant and set it up."""
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def advance_time(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, delta: timedelta
) -> None:
    """Let delta pass and wait for the work its timers started (coordinator refreshes).

    Only that work is awaited, not every background task: the Chat listener is one
    that lasts as long as its entry, so waiting for all of them would never end.
    """
    freezer.tick(delta)
    running = asyncio.all_tasks()
    async_fire_time_changed(hass)
    if started := asyncio.all_tasks() - running:
        await asyncio.wait(started)
    await hass.async_block_till_done()


async def say(hass: HomeAssistant, text: str) -> str:
    """Speak text to Assist, which must act on it; return what Assist answers."""
    result = await conversation.async_converse(
        hass, text, None, Context(), language="en"
    )
    assert result.response.response_type.value == "action_done", text
    return str(result.response.speech["plain"]["speech"])


def client_log_text(caplog: pytest.LogCaptureFixture) -> str:
    """Everything logged outside the simulator, with tracebacks.

    The simulator's web server access log counts (it keeps the URLs a proxy would
    keep); authlib, the simulated provider's OAuth library, logs the tokens it issues.
    """
    formatter = logging.Formatter("%(name)s %(message)s")
    return "\n".join(
        formatter.format(record)
        for record in caplog.records
        if not record.name.startswith(("tests.", "authlib."))
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
