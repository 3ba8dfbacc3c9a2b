"""Discovery: a NAS announcing itself over zeroconf or SSDP, through the config flow."""

from ipaddress import ip_address
from typing import Any

from homeassistant.config_entries import SOURCE_SSDP, SOURCE_ZEROCONF, ConfigEntryState
from homeassistant.const import CONF_PASSWORD, CONF_URL, CONF_USERNAME, CONF_VERIFY_SSL
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.service_info.ssdp import (
    ATTR_UPNP_FRIENDLY_NAME,
    ATTR_UPNP_SERIAL,
    SsdpServiceInfo,
)
from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import pytest_socket
from yarl import URL

from custom_components.synology_native.const import DOMAIN
from custom_components.synology_native.discovery import (
    CONF_MACS,
    from_ssdp,
    from_zeroconf,
)
from tests.conftest import demo_entry
from tests.fake_dsm.store import DEMO_PASSWORD, DEMO_SERIAL, DEMO_USER

MAC = "00:11:32:80:fd:b5"
MAC_STORED = "00113280fdb5"


def zeroconf(url: str, **properties: str) -> ZeroconfServiceInfo:
    """Announce the simulator the way DSM does, on its HTTP admin port."""
    address = URL(url)
    return ZeroconfServiceInfo(
        ip_address=ip_address(address.host or ""),
        ip_addresses=[ip_address(address.host or "")],
        hostname="demonas.local.",
        name="demonas._http._tcp.local.",
        port=address.port,
        type="_http._tcp.local.",
        properties={
            "vendor": "Synology",
            "model": "DS923+",
            "serial": DEMO_SERIAL,
            "admin_port": str(address.port),
            "mac_address": MAC,
            **properties,
        },
    )


def ssdp(host: str) -> SsdpServiceInfo:
    """Announce a NAS over SSDP: its UPnP serial number is a MAC address."""
    return SsdpServiceInfo(
        ssdp_usn="mock_usn",
        ssdp_st="urn:schemas-upnp-org:device:Basic:1",
        ssdp_location=f"http://{host}:5000/ssdp/desc-DSM-eth0.xml",
        upnp={
            ATTR_UPNP_FRIENDLY_NAME: "demonas (DS923+)",
            ATTR_UPNP_SERIAL: MAC.replace(":", "").upper(),
        },
    )


async def test_new_nas_is_offered_with_its_address(
    hass: HomeAssistant, dsm_url: str
) -> None:
    """The announced address is filled in; signing in creates the entry."""
    result: Any = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_ZEROCONF}, data=zeroconf(dsm_url)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "discovery_confirm"
    assert result["description_placeholders"]["name"] == "demonas"
    schema = result["data_schema"].schema
    suggested = {
        str(key): key.description["suggested_value"]
        for key in schema
        if key.description
    }
    assert suggested[CONF_URL] == dsm_url
    flows = hass.config_entries.flow.async_progress()
    assert flows[0]["context"]["title_placeholders"] == {"name": "demonas"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: dsm_url, CONF_VERIFY_SSL: True}
    )
    assert result["step_id"] == "sign_in_method"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "credentials"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: DEMO_USER, CONF_PASSWORD: DEMO_PASSWORD}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == f"{DEMO_SERIAL}_{DEMO_USER}"
    assert result["data"][CONF_MACS] == [MAC_STORED]
    await hass.config_entries.async_unload(result["result"].entry_id)


async def test_one_offer_per_nas(hass: HomeAssistant, dsm_url: str) -> None:
    """A second announcement of the same NAS does not start a second flow."""
    first = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_ZEROCONF}, data=zeroconf(dsm_url)
    )
    assert first["type"] is FlowResultType.FORM
    second = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_ZEROCONF}, data=zeroconf(dsm_url)
    )
    assert second["type"] is FlowResultType.ABORT
    assert second["reason"] == "already_in_progress"


async def test_configured_nas_is_not_offered_again(
    hass: HomeAssistant, entry_data: dict[str, Any]
) -> None:
    """Same serial, same address: nothing to do, nothing to offer."""
    entry = demo_entry(entry_data)
    entry.add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": SOURCE_ZEROCONF},
        data=zeroconf(entry_data[CONF_URL]),
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.data[CONF_URL] == entry_data[CONF_URL]
    # The entry learns the NAS's MAC address, to follow it over SSDP later.
    assert entry.data[CONF_MACS] == [MAC_STORED]


@pytest.fixture
def second_loopback_address(socket_enabled: None, hass: HomeAssistant) -> None:
    """Let the test reach 127.0.0.2 too: loopback, where nothing listens."""
    pytest_socket.socket_allow_hosts(["127.0.0.1", "127.0.0.2"])


@pytest.mark.usefixtures("second_loopback_address")
async def test_configured_nas_is_followed_to_its_new_address(
    hass: HomeAssistant, entry_data: dict[str, Any], dsm_url: str
) -> None:
    """The entry keeps its scheme and port, takes the announced host and reconnects.

    The entry knows the NAS at 127.0.0.2, where nothing answers, so it waits to retry;
    the NAS then announces itself at 127.0.0.1, where the simulator serves.
    """
    entry = demo_entry(
        {**entry_data, CONF_URL: dsm_url.replace("127.0.0.1", "127.0.0.2")}
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_RETRY
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_ZEROCONF}, data=zeroconf(dsm_url)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.data[CONF_URL] == dsm_url
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED


async def test_ssdp_follows_a_nas_by_the_mac_it_announced(
    hass: HomeAssistant, entry_data: dict[str, Any]
) -> None:
    """SSDP carries no DSM serial: a MAC address the entry learnt identifies the NAS."""
    entry = demo_entry(
        {**entry_data, CONF_URL: "https://192.0.2.10:5001", CONF_MACS: [MAC_STORED]}
    )
    entry.add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_SSDP}, data=ssdp("192.0.2.20")
    )
    assert result["reason"] == "already_configured"
    assert entry.data[CONF_URL] == "https://192.0.2.20:5001"


async def test_ssdp_offers_an_unknown_nas_on_https(hass: HomeAssistant) -> None:
    """An unknown NAS from SSDP is offered on DSM's HTTPS port."""
    other = MockConfigEntry(
        domain=DOMAIN,
        unique_id="OTHER_someone",
        data={CONF_URL: "https://192.0.2.99:5001", CONF_MACS: ["aabbccddeeff"]},
    )
    other.add_to_hass(hass)
    result: Any = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_SSDP}, data=ssdp("192.0.2.20")
    )
    assert result["step_id"] == "discovery_confirm"
    suggested = {
        str(key): key.description["suggested_value"]
        for key in result["data_schema"].schema
        if key.description
    }
    assert suggested[CONF_URL] == "https://192.0.2.20:5001"
    assert result["description_placeholders"]["name"] == "demonas (DS923+)"


@pytest.mark.parametrize(
    "properties",
    [
        {"vendor": "NotSynology"},
        {"vendor": ""},
    ],
)
async def test_other_vendors_are_refused(
    hass: HomeAssistant, properties: dict[str, str]
) -> None:
    """A device that is not a Synology NAS gets no offer."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": SOURCE_ZEROCONF},
        data=zeroconf("http://192.0.2.30:5000", **properties),
    )
    assert result["reason"] == "not_synology"


async def test_hostile_announcement_fields_are_not_believed(
    hass: HomeAssistant,
) -> None:
    """A forged port, serial, MAC or name falls back to safe values."""
    result: Any = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": SOURCE_ZEROCONF},
        data=zeroconf(
            "http://192.0.2.30:5000",
            admin_port="99999",
            secure_admin_port="-1",
            serial="../../x",
            mac_address="zz|" + "a" * 500,
        ),
    )
    suggested = {
        str(key): key.description["suggested_value"]
        for key in result["data_schema"].schema
        if key.description
    }
    assert suggested[CONF_URL] == "https://192.0.2.30:5001"


def test_announcement_keeps_only_well_formed_fields() -> None:
    """Serials and MAC addresses are kept only in their own shapes; names are cut."""
    nas = from_zeroconf(
        zeroconf(
            "http://192.0.2.30:5000",
            serial="../../x",
            mac_address="zz|" + "a" * 500 + "|00-11-32-80-FD-B5",
        )
    )
    assert nas is not None
    assert nas.serial is None
    assert nas.macs == frozenset({MAC_STORED})
    assert from_zeroconf(zeroconf("http://0.0.0.0:5000")) is None
    long_name = ssdp("192.0.2.20")
    long_name.upnp = {ATTR_UPNP_FRIENDLY_NAME: "n" * 500}
    parsed = from_ssdp(long_name)
    assert parsed is not None
    assert len(parsed.name) == 64
    assert parsed.macs == frozenset()
