"""Attacks on the integration, driven through Home Assistant against the simulator (issue 20).

Each test plays one party that must not get in (a proxy reading URLs, a user without
administrator rights, an automation, a LAN host, a hostile NAS) and asserts the safe outcome.
"""

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from homeassistant.core import Context, SupportsResponse
from homeassistant.exceptions import ServiceValidationError, Unauthorized
import pytest

from custom_components.synology_native.const import DOMAIN
from tests.conftest import client_log_text, secrets_in_urls
from tests.fake_dsm.store import DEMO_USER

if TYPE_CHECKING:
    from homeassistant.auth.models import User
    from homeassistant.core import HomeAssistant

    from tests.fake_dsm import FakeDsm


async def act(
    hass: HomeAssistant, action: str, context: Context | None = None, **data: Any
) -> Any:
    """Call an action of the integration and return its response, if it gives one."""
    return await hass.services.async_call(
        DOMAIN,
        action,
        data,
        blocking=True,
        return_response=hass.services.supports_response(DOMAIN, action)
        is not SupportsResponse.NONE,
        context=context,
    )


async def refused(
    hass: HomeAssistant,
    action: str,
    key: str,
    context: Context | None = None,
    **data: Any,
) -> None:
    """Assert that the action is refused with the translated error key."""
    with pytest.raises(ServiceValidationError) as caught:
        await act(hass, action, context, **data)
    assert caught.value.translation_key == key


@pytest.mark.usefixtures("loaded")
async def test_no_secret_travels_in_a_url(
    hass: HomeAssistant,
    fake_dsm: FakeDsm,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Sign-in, reads, compound calls and uploads keep the session out of every URL.

    A reverse proxy or the NAS's access log keeps URLs; the web server's access log
    stands in for them.
    """
    caplog.set_level(logging.INFO)
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    photo = tmp_path / "door.jpg"
    photo.write_bytes(b"\xff\xd8" + bytes(1000))
    await act(hass, "upload_file", file_path=str(photo), folder="/mydrive")
    await act(
        hass,
        "call_api",
        api="SYNO.Entry.Request",
        method="request",
        params={"compound": [{"api": "SYNO.SynologyDrive.Info", "method": "get"}]},
    )
    await act(hass, "list_channels")
    assert {request.path for request in fake_dsm.requests} >= {
        "/webapi/query.cgi",
        "/webapi/entry.cgi",
    }
    assert secrets_in_urls([fake_dsm]) == []
    sids = {session.sid for session in fake_dsm.store.sessions.values()}
    log = client_log_text(caplog)
    assert "aiohttp.access" in log
    assert not [sid for sid in sids if sid in log]


@pytest.mark.usefixtures("loaded")
@pytest.mark.parametrize(
    ("api", "method", "key"),
    [
        ("SYNO.Core.OTP", "get", "api_hands_out_secrets"),
        ("SYNO.API.Auth.Key", "get", "api_hands_out_secrets"),
        ("SYNO.OAUTH.Token", "list", "api_hands_out_secrets"),
        ("SYNO.Core.Directory.OIDC.SSO", "get", "api_hands_out_secrets"),
        ("SYNO.Chat.Webhook.Incoming", "list", "api_hands_out_secrets"),
        ("SYNO.SynologyDrive.Webhooks", "list", "api_hands_out_secrets"),
        ("SYNO.Core.NormalUser", "set", "api_changes_accounts"),
        ("SYNO.Chat.User", "change_password", "api_changes_accounts"),
    ],
)
async def test_call_api_refuses_secrets_and_accounts_to_everyone(
    hass: HomeAssistant,
    fake_dsm: FakeDsm,
    hass_admin_user: User,
    api: str,
    method: str,
    key: str,
) -> None:
    """An automation (no user) and an administrator alike: refused, nothing sent.

    Home Assistant lets a call with no user through an administrator-only action (only
    administrators write automations); what no one may do is refused by the catalog.
    """
    fake_dsm.reset_request_log()
    for context in (Context(), Context(user_id=hass_admin_user.id)):
        await refused(hass, "call_api", key, context, api=api, method=method)
        await refused(
            hass,
            "call_api",
            key,
            context,
            api="SYNO.Entry.Request",
            method="request",
            params={"compound": [{"api": api, "method": method}]},
        )
    assert fake_dsm.requests == []
    allowed = await act(
        hass, "call_api", Context(), api="SYNO.DSM.Info", method="getinfo"
    )
    assert allowed["api"] == "SYNO.DSM.Info"


@pytest.mark.usefixtures("loaded")
async def test_a_user_without_administrator_rights_changes_nothing_nas_wide(
    hass: HomeAssistant,
    fake_dsm: FakeDsm,
    hass_read_only_user: User,
    hass_admin_user: User,
) -> None:
    """NAS-wide settings, public links and deleting for good are for administrators.

    The user may still move a file to the recycle bin, which the owner can undo.
    """
    drive = fake_dsm.store.drive
    drive.task_seconds = 0.05
    fake_dsm.webdav.transfer_log["webdav"] = True
    user = Context(user_id=hass_read_only_user.id)
    fake_dsm.reset_request_log()
    for action, data in (
        ("set_webdav_transfer_log", {"enabled": False}),
        ("set_webdav_settings", {"settings": {"enable_http": False}}),
        ("get_webdav_transfer_log", {}),
        ("create_share_link", {"path": "/mydrive/Documents/Welcome.txt"}),
        ("delete", {"paths": ["/mydrive/Documents/Welcome.txt"], "permanent": True}),
    ):
        with pytest.raises(Unauthorized):
            await act(hass, action, user, **data)
    assert fake_dsm.requests == []
    assert fake_dsm.webdav.transfer_log["webdav"] is True
    assert fake_dsm.webdav.settings["enable_http"] is True
    assert drive.links == {}
    assert drive.resolve(DEMO_USER, "/mydrive/Documents/Welcome.txt")

    await act(hass, "delete", user, paths=["/mydrive/Documents/Welcome.txt"])
    admin = Context(user_id=hass_admin_user.id)
    await act(hass, "set_webdav_transfer_log", admin, enabled=False)
    assert fake_dsm.webdav.transfer_log["webdav"] is False
