"""WebDAV administration through Home Assistant: package present, absent, and a non-admin account."""

from typing import TYPE_CHECKING, Any

from homeassistant.exceptions import ServiceValidationError
import pytest

from custom_components.synology_native.const import DOMAIN
from tests.conftest import setup_entry
from tests.fake_dsm.store import DEMO_USER
from tests.fake_dsm.webdav import WebDavNamespace

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from tests.fake_dsm import FakeDsm

RESPONDS = {"get_webdav_settings", "set_webdav_settings", "get_webdav_transfer_log"}


async def act(hass: HomeAssistant, action: str, **data: Any) -> Any:
    """Call a WebDAV action, with its response when it gives one."""
    return await hass.services.async_call(
        DOMAIN, action, data, blocking=True, return_response=action in RESPONDS
    )


def sets(fake_dsm: FakeDsm) -> list[str | None]:
    """Return the APIs the simulator received a `set` for."""
    return [request.api for request in fake_dsm.requests if request.method == "set"]


@pytest.mark.usefixtures("loaded")
async def test_read_and_change_settings(hass: HomeAssistant, fake_dsm: FakeDsm) -> None:
    """An administrator reads the package's settings and changes the HTTPS port."""
    response = await act(hass, "get_webdav_settings")
    assert response == {
        "api": "SYNO.WebDAVServer.Setting",
        "settings": {
            "enable_http": True,
            "http_port": 5005,
            "enable_https": True,
            "https_port": 5006,
        },
    }
    changed = await act(
        hass, "set_webdav_settings", settings={"enable_http": False, "https_port": 5443}
    )
    assert changed["settings"]["https_port"] == 5443
    assert fake_dsm.webdav.settings["enable_http"] is False


async def test_another_namespace(
    hass: HomeAssistant, fake_dsm: FakeDsm, config_entry: MockConfigEntry
) -> None:
    """Whatever the package calls its API and its keys, the actions follow it."""
    fake_dsm.webdav.install(
        fake_dsm.webapi,
        WebDavNamespace("SYNO.WebDav.Admin", 2, {"https": True, "https_port": 443}),
    )
    await setup_entry(hass, config_entry)
    response = await act(hass, "get_webdav_settings")
    assert response["api"] == "SYNO.WebDav.Admin"
    await act(hass, "set_webdav_settings", settings={"https": False})
    assert fake_dsm.webdav.settings == {"https": False, "https_port": 443}


@pytest.mark.usefixtures("loaded")
@pytest.mark.parametrize(
    ("settings", "key"),
    [
        ({}, "nothing_to_change"),
        ({"enable_ftp": True}, "unknown_webdav_setting"),
        ({"http_port": "5005"}, "invalid_webdav_setting"),
        ({"enable_http": 1}, "invalid_webdav_setting"),
        ({"https_port": 70000}, "invalid_webdav_setting"),
    ],
)
async def test_bad_settings_change_nothing(
    hass: HomeAssistant, fake_dsm: FakeDsm, settings: dict[str, Any], key: str
) -> None:
    """Unknown names and wrong types are refused before anything is sent."""
    with pytest.raises(ServiceValidationError) as caught:
        await act(hass, "set_webdav_settings", settings=settings)
    assert caught.value.translation_key == key
    assert sets(fake_dsm) == []


@pytest.mark.usefixtures("loaded")
async def test_package_not_installed(hass: HomeAssistant, fake_dsm: FakeDsm) -> None:
    """Without the package the settings are explained away; transfer logging still works."""
    fake_dsm.webdav.uninstall(fake_dsm.webapi)
    for action, data in (
        ("get_webdav_settings", {}),
        ("set_webdav_settings", {"settings": {"enable_http": False}}),
    ):
        with pytest.raises(ServiceValidationError, match="WebDAV Server package"):
            await act(hass, action, **data)
    assert await act(hass, "get_webdav_transfer_log") == {"enabled": False}
    assert sets(fake_dsm) == []


@pytest.mark.usefixtures("loaded")
async def test_not_an_administrator(hass: HomeAssistant, fake_dsm: FakeDsm) -> None:
    """An account outside DSM's administrators is told so, for every WebDAV action."""
    fake_dsm.store.users[DEMO_USER].admin = False
    for action, data in (
        ("get_webdav_settings", {}),
        ("set_webdav_settings", {"settings": {"enable_http": False}}),
        ("get_webdav_transfer_log", {}),
        ("set_webdav_transfer_log", {"enabled": True}),
    ):
        with pytest.raises(ServiceValidationError) as caught:
            await act(hass, action, **data)
        assert caught.value.translation_key == "webdav_admin_required"
    assert fake_dsm.webdav.transfer_log["webdav"] is False
    assert fake_dsm.webdav.settings["enable_http"] is True


@pytest.mark.usefixtures("loaded")
async def test_transfer_log_switch(hass: HomeAssistant, fake_dsm: FakeDsm) -> None:
    """The switch turns WebDAV transfer logging on and off, other protocols untouched."""
    fake_dsm.webdav.transfer_log["cifs"] = True
    await act(hass, "set_webdav_transfer_log", enabled=True)
    assert await act(hass, "get_webdav_transfer_log") == {"enabled": True}
    await act(hass, "set_webdav_transfer_log", enabled=False)
    assert fake_dsm.webdav.transfer_log == {
        "afp": False,
        "cifs": True,
        "filestation": False,
        "ftp": False,
        "tftp": False,
        "webdav": False,
    }
