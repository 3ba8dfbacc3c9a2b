"""What a Synology NAS announces on the network, read as hostile input.

DSM announces itself over zeroconf (``_http._tcp`` with TXT records such as
``vendor=Synology``, ``serial=…``, ``admin_port=5000``, ``secure_admin_port=5001`` and
``mac_address=aa:bb:…|…``) and over SSDP (a UPnP basic device whose ``serialNumber`` is
the MAC address of the announcing interface). Any host on the LAN can send either,
so every field is checked before the config flow uses it.
"""

from dataclasses import dataclass
from ipaddress import ip_address
import re
from typing import TYPE_CHECKING

from homeassistant.const import CONF_URL
from homeassistant.helpers.service_info.ssdp import (
    ATTR_UPNP_FRIENDLY_NAME,
    ATTR_UPNP_SERIAL,
)
from yarl import URL

from .const import DOMAIN

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.service_info.ssdp import SsdpServiceInfo
    from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo

# The MAC addresses a NAS announced, kept in entry data to follow it to a new address.
CONF_MACS = "macs"
# DSM's own ports when an announcement names none.
DSM_HTTPS_PORT = 5001
MAX_MACS = 16
MAX_NAME_LENGTH = 64
_MAC = re.compile(r"[0-9a-f]{12}")
_SERIAL = re.compile(r"[0-9A-Za-z]{4,32}")


@dataclass(frozen=True, slots=True)
class Announcement:
    """One NAS on the network, as far as its announcement can be believed."""

    host: str
    # The DSM address to suggest: https on the secure port unless only HTTP is announced.
    url: str
    name: str
    serial: str | None
    macs: frozenset[str]


def from_zeroconf(info: ZeroconfServiceInfo) -> Announcement | None:
    """Read a zeroconf announcement; None when it is not a usable DSM one."""
    properties = info.properties
    if not str(properties.get("vendor", "")).lower().startswith("synology"):
        return None
    host = _host(str(info.ip_address))
    if host is None:
        return None
    secure = _port(properties.get("secure_admin_port"))
    plain = _port(properties.get("admin_port"))
    if secure is None and plain is not None:
        url = URL.build(scheme="http", host=host, port=plain)
    else:
        url = URL.build(scheme="https", host=host, port=secure or DSM_HTTPS_PORT)
    serial = str(properties.get("serial", ""))
    return Announcement(
        host=host,
        url=str(url),
        name=_name(info.name.split(".", 1)[0]),
        serial=serial if _SERIAL.fullmatch(serial) else None,
        macs=_macs(str(properties.get("mac_address", "")).split("|")),
    )


def from_ssdp(info: SsdpServiceInfo) -> Announcement | None:
    """Read an SSDP announcement; its serial number is a MAC address, not DSM's serial."""
    location = URL(info.ssdp_location or "")
    host = _host(location.host or "")
    if host is None:
        return None
    return Announcement(
        host=host,
        url=str(URL.build(scheme="https", host=host, port=DSM_HTTPS_PORT)),
        name=_name(str(info.upnp.get(ATTR_UPNP_FRIENDLY_NAME, host))),
        serial=None,
        macs=_macs([str(info.upnp.get(ATTR_UPNP_SERIAL, ""))]),
    )


def entries_of(hass: HomeAssistant, nas: Announcement) -> list[ConfigEntry]:
    """Return the entries on the announced NAS.

    The serial decides when the announcement has one. Otherwise a MAC address an entry
    learnt earlier does, and failing that the address itself (whose MACs the entry then
    learns, so it can be followed once the NAS moves).
    """
    entries = hass.config_entries.async_entries(DOMAIN)
    if nas.serial is not None:
        return [
            entry
            for entry in entries
            if (entry.unique_id or "").startswith(f"{nas.serial}_")
        ]
    by_mac = [
        entry for entry in entries if nas.macs & set(entry.data.get(CONF_MACS, ()))
    ]
    return by_mac or [
        entry for entry in entries if URL(entry.data[CONF_URL]).host == nas.host
    ]


def moved_url(entry: ConfigEntry, nas: Announcement) -> str:
    """Return the entry's DSM address on the announced host, scheme and port kept."""
    return str(URL(entry.data[CONF_URL]).with_host(nas.host))


def _host(text: str) -> str | None:
    """Return the address if it is one a NAS on the LAN can have."""
    try:
        address = ip_address(text)
    except ValueError:
        return None
    if address.is_unspecified or address.is_multicast or address.is_link_local:
        return None
    return str(address)


def _port(value: object) -> int | None:
    text = str(value or "")
    return int(text) if text.isdigit() and 0 < int(text) < 65536 else None  # noqa: PLR2004


def _macs(texts: list[str]) -> frozenset[str]:
    """Return the MAC addresses among texts, as 12 lower-case hex digits."""
    found = (re.sub(r"[^0-9a-f]", "", text.lower()) for text in texts[:MAX_MACS])
    return frozenset(mac for mac in found if _MAC.fullmatch(mac))


def _name(text: str) -> str:
    return text.strip()[:MAX_NAME_LENGTH] or "Synology NAS"
