"""WebDAV administration against the simulator: discovery of an unknown namespace, transfer log."""

import json
from typing import TYPE_CHECKING

import pytest

from custom_components.synology_native.api import (
    DsmApiNotInstalledError,
    DsmBusyError,
    DsmClient,
    DsmInvalidParameterError,
    DsmPermissionError,
    DsmResponseError,
)
from custom_components.synology_native.api.models import Endpoint
from custom_components.synology_native.api.webdav import (
    WebDav,
    parse_settings,
    parse_transfer_logging,
)
from tests.fake_dsm.store import DEMO_USER
from tests.fake_dsm.webdav import LOOK_ALIKE, WebDavNamespace

if TYPE_CHECKING:
    from tests.fake_dsm import FakeDsm


@pytest.fixture
def webdav(client: DsmClient) -> WebDav:
    """Give WebDAV administration for the demo account (an administrator)."""
    return WebDav(client)


# Names and keys no spec mentions: discovery must not depend on the simulator's default.
OTHER_NAMESPACE = WebDavNamespace(
    name="SYNO.DavServer.Config",
    version=3,
    settings={"http_enabled": False, "port_http": 8080, "log_level": 2},
)


async def test_default_namespace(webdav: WebDav, fake_dsm: FakeDsm) -> None:
    """The package's API is found past Hyper Backup's look-alike and read."""
    settings = await webdav.settings()
    assert settings.api == "SYNO.WebDAVServer.Setting"
    assert settings.values == fake_dsm.webdav.settings
    assert any(request.api == LOOK_ALIKE for request in fake_dsm.requests)


async def test_any_namespace_is_discovered_and_written(
    webdav: WebDav, fake_dsm: FakeDsm
) -> None:
    """Another name, version and keys work the same; set sends the keys it was given."""
    fake_dsm.webdav.install(fake_dsm.webapi, OTHER_NAMESPACE)
    settings = await webdav.settings()
    assert (settings.api, settings.version) == ("SYNO.DavServer.Config", 3)
    changed = await webdav.change_settings(settings, {"port_http": 8081})
    assert changed.values["port_http"] == 8081
    assert fake_dsm.webdav.settings["port_http"] == 8081
    wire = next(r for r in fake_dsm.requests if r.method == "set")
    assert (wire.api, wire.version, json.loads(wire.params["port_http"])) == (
        "SYNO.DavServer.Config",
        "3",
        8081,
    )


async def test_refused_value(webdav: WebDav, fake_dsm: FakeDsm) -> None:
    """DSM refuses a port it uses itself."""
    settings = await webdav.settings()
    with pytest.raises(DsmInvalidParameterError):
        await webdav.change_settings(settings, {"http_port": 5000})
    assert fake_dsm.webdav.settings["http_port"] == 5005


async def test_package_missing(webdav: WebDav, fake_dsm: FakeDsm) -> None:
    """Without the package only the look-alike is there: not installed."""
    fake_dsm.webdav.uninstall(fake_dsm.webapi)
    with pytest.raises(DsmApiNotInstalledError):
        await webdav.settings()


async def test_not_an_administrator(webdav: WebDav, fake_dsm: FakeDsm) -> None:
    """A normal account is refused the settings and the transfer log."""
    fake_dsm.store.users[DEMO_USER].admin = False
    with pytest.raises(DsmPermissionError):
        await webdav.settings()
    with pytest.raises(DsmPermissionError):
        await webdav.transfer_logging()


async def test_transfer_logging(webdav: WebDav, fake_dsm: FakeDsm) -> None:
    """The switch turns WebDAV logging on and leaves the other protocols alone."""
    fake_dsm.webdav.transfer_log["ftp"] = True
    assert (await webdav.transfer_logging())["webdav"] is False
    await webdav.set_transfer_logging(enabled=True)
    assert fake_dsm.webdav.transfer_log["webdav"] is True
    assert fake_dsm.webdav.transfer_log["ftp"] is True


@pytest.mark.parametrize("data", [None, {}, {"port": "5005"}, [1]])
def test_malformed_settings(data: object) -> None:
    """Settings are a non-empty map of flags and numbers."""
    with pytest.raises(DsmResponseError, match=r"^SYNO\.WebDAVServer\.get: data[ .]"):
        parse_settings(data, Endpoint("SYNO.WebDAVServer", "get"))


@pytest.mark.parametrize("data", [None, {"ftp": True}, {"webdav": True, "ftp": 1}])
def test_malformed_transfer_logging(data: object) -> None:
    """The transfer-log answer carries WebDAV's switch and only switches."""
    with pytest.raises(DsmResponseError):
        parse_transfer_logging(data)


async def test_candidate_without_settings_is_skipped(
    webdav: WebDav, fake_dsm: FakeDsm
) -> None:
    """A DAV API whose get answers no settings is not the package's settings API."""
    fake_dsm.webdav.install(fake_dsm.webapi, WebDavNamespace("SYNO.DavThing", 1, {}))
    with pytest.raises(DsmApiNotInstalledError):
        await webdav.settings()


async def test_other_failures_are_not_hidden(webdav: WebDav, fake_dsm: FakeDsm) -> None:
    """A busy NAS is not mistaken for a missing package."""
    fake_dsm.faults.fail_api("SYNO.WebDAVServer.Setting", "get", 117)
    with pytest.raises(DsmBusyError):
        await webdav.settings()
