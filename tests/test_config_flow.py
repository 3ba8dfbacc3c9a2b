"""Config flow through Home Assistant against the simulator over real HTTP."""

from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.const import CONF_PASSWORD, CONF_URL, CONF_USERNAME, CONF_VERIFY_SSL
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)

from custom_components.synology_native.config_flow import normalize_url
from custom_components.synology_native.const import (
    CONF_APPS,
    CONF_AUTH_METHOD,
    CONF_CHAT_ASSIST,
    CONF_CHAT_ASSIST_AGENT,
    CONF_CHAT_ASSIST_MAX_AGE,
    CONF_CHAT_DM_USERS,
    CONF_DEVICE_TOKEN,
    CONF_DRIVE_PUSH,
    CONF_DRIVE_PUSH_SOURCES,
    CONF_OTP_CODE,
    CONF_UPDATE_INTERVAL,
    DOMAIN,
    AuthMethod,
)
from tests.fake_dsm import FakeDsm, run_simulator, totp_code
from tests.fake_dsm.store import (
    DEMO_OTP_USER as OTP_USER,
    DEMO_PASSWORD,
    DEMO_SERIAL,
    DEMO_USER,
)

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.typing import ClientSessionGenerator


async def start(
    hass: HomeAssistant, url: str, verify_ssl: bool = True
) -> dict[str, Any]:
    """Open the flow and submit the address."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    return await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: url, CONF_VERIFY_SSL: verify_ssl}
    )


async def choose(
    hass: HomeAssistant, result: dict[str, Any], method: str
) -> dict[str, Any]:
    """Pick a sign-in method from the menu that follows the address."""
    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == "sign_in_method"
    assert result["menu_options"] == ["credentials", "sso"]
    return await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": method}
    )


async def start_password(hass: HomeAssistant, url: str) -> dict[str, Any]:
    """Open the flow, submit the address and choose password sign-in."""
    result = await choose(hass, await start(hass, url), "credentials")
    assert result["step_id"] == "credentials"
    return result


async def sign_in(
    hass: HomeAssistant,
    flow_id: str,
    user: str = DEMO_USER,
    password: str = DEMO_PASSWORD,
) -> dict[str, Any]:
    """Submit the credentials step."""
    return await hass.config_entries.flow.async_configure(
        flow_id, {CONF_USERNAME: user, CONF_PASSWORD: password}
    )


def suggested(result: dict[str, Any], field: str) -> Any:
    """Return the value a form suggests for field."""
    for key in result["data_schema"].schema:
        if key == field:
            return (key.description or {}).get("suggested_value")
    raise KeyError(field)


def otp_now(fake_dsm: FakeDsm) -> str:
    """Return the current code of the 2FA demo account."""
    secret = fake_dsm.store.users[OTP_USER].otp_secret
    assert secret is not None
    return totp_code(secret)


def active_sessions(fake_dsm: FakeDsm) -> int:
    """Sessions the simulator still holds open."""
    return len(fake_dsm.store.sessions)


async def test_password_sign_in(
    hass: HomeAssistant, dsm_url: str, fake_dsm: FakeDsm, secrets_in_logs: list[str]
) -> None:
    """Address, then user and password, creates the entry and loads it."""
    secrets_in_logs.append(DEMO_PASSWORD)
    result = await start_password(hass, dsm_url)
    result = await sign_in(hass, result["flow_id"])
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == f"DS923+ {DEMO_USER}"
    assert result["data"] == {
        CONF_URL: dsm_url,
        CONF_VERIFY_SSL: True,
        CONF_AUTH_METHOD: AuthMethod.PASSWORD,
        CONF_USERNAME: DEMO_USER,
        CONF_PASSWORD: DEMO_PASSWORD,
    }
    entry = result["result"]
    assert entry.unique_id == f"{DEMO_SERIAL}_{DEMO_USER}"
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    # The flow signed out of its own session; only the entry's remains.
    assert active_sessions(fake_dsm) == 1


async def test_wrong_password_then_right(hass: HomeAssistant, dsm_url: str) -> None:
    """A wrong password shows the form again with an error and recovers."""
    result = await start_password(hass, dsm_url)
    result = await sign_in(hass, result["flow_id"], password="not-it")
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}
    result = await sign_in(hass, result["flow_id"])
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_unusable_account(
    hass: HomeAssistant, dsm_url: str, fake_dsm: FakeDsm
) -> None:
    """An account DSM refuses for a reason the user must fix in DSM says which."""
    fake_dsm.store.add_user("newbie", "first-pw", must_change_password=True)
    result = await start_password(hass, dsm_url)
    result = await sign_in(hass, result["flow_id"], "newbie", "first-pw")
    assert result["errors"] == {"base": "account_unusable"}
    assert (
        result["description_placeholders"]["reason"]
        == "password must be changed in DSM"
    )


async def test_code_required_then_device_token(
    hass: HomeAssistant,
    dsm_url: str,
    fake_dsm: FakeDsm,
    secrets_in_logs: list[str],
    hass_client: ClientSessionGenerator,
) -> None:
    """A 2-step account asks for a code once; the entry keeps the device token."""
    result = await start_password(hass, dsm_url)
    result = await sign_in(hass, result["flow_id"], OTP_USER)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "otp"

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_OTP_CODE: "12ab"}
    )
    assert result["step_id"] == "otp"
    assert result["errors"] == {"base": "otp_malformed"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_OTP_CODE: "000000"}
    )
    assert result["step_id"] == "otp"
    assert result["errors"] == {"base": "invalid_otp"}

    code = otp_now(fake_dsm)
    secrets_in_logs.append(code)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_OTP_CODE: f" {code} "}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    token = result["data"][CONF_DEVICE_TOKEN]
    secrets_in_logs.append(token)
    assert fake_dsm.store.device_tokens[token][0] == OTP_USER
    assert CONF_OTP_CODE not in result["data"]
    await hass.async_block_till_done()

    # The entry signed in with the device token, without a code.
    entry = result["result"]
    assert entry.state is ConfigEntryState.LOADED
    logins = [r for r in fake_dsm.requests if r.method == "login"]
    assert logins[-1].params.get("device_id") == token
    assert "otp_code" not in logins[-1].params
    # The login that asked for the device token went out at v6: at v7 DSM issues none.
    asked = next(r for r in logins if r.params.get("otp_code") == code)
    assert asked.version == "6"

    # DSM drops the session: the entry signs in again by itself, still without a code.
    fake_dsm.store.expire_sessions()
    fake_dsm.reset_request_log()
    await entry.runtime_data.nas_coordinator.async_refresh()
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data.nas_coordinator.last_update_success
    assert hass.config_entries.flow.async_progress() == []
    relogin = next(r for r in fake_dsm.requests if r.method == "login")
    assert relogin.params.get("device_id") == token
    assert "otp_code" not in relogin.params
    # Diagnostics name the login kind, never the token.
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    assert diagnostics["entry"]["data"][CONF_DEVICE_TOKEN] == "**REDACTED**"
    assert token not in str(diagnostics)


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("ftp://nas.local", "invalid_url"),
        ("https://nas.local/webman", "invalid_url"),
        ("http://127.0.0.1:9", "connection_refused"),
    ],
)
async def test_address_errors(
    hass: HomeAssistant, socket_enabled: None, url: str, error: str
) -> None:
    """Addresses that are not a reachable DSM keep the user on the first step.

    A refused port says so, with the address tried (an unknown host name, which
    the test resolver cannot look up, is told apart in tests/api/test_client.py).
    """
    result = await start(hass, url)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {"base": error}
    if error != "invalid_url":
        assert result["description_placeholders"]["address"] == url


async def test_address_answering_like_no_dsm(
    hass: HomeAssistant, dsm_url: str, fake_dsm: FakeDsm
) -> None:
    """A web server that answers, but not as DSM does, is the general error."""
    fake_dsm.faults.fail_http(404)
    result = await start(hass, dsm_url)
    assert result["errors"] == {"base": "cannot_connect"}
    assert result["description_placeholders"]["address"] == dsm_url


@pytest.mark.parametrize("verify_ssl", [True, False])
async def test_https_on_the_http_port(
    hass: HomeAssistant, dsm_url: str, verify_ssl: bool
) -> None:
    """https:// on DSM's plain-HTTP port says so, with or without verification."""
    result = await start(hass, dsm_url.replace("http://", "https://"), verify_ssl)
    assert result["errors"] == {"base": "http_port"}
    assert result["description_placeholders"]["address"] == dsm_url.replace(
        "http://", "https://"
    )


async def test_no_supported_app(
    hass: HomeAssistant, dsm_url: str, fake_dsm: FakeDsm
) -> None:
    """A NAS with only apps the integration does not support yet is refused."""
    fake_dsm.uninstall("SYNO.Chat.")
    fake_dsm.uninstall("SYNO.NoteStation.")
    fake_dsm.uninstall("SYNO.Contacts.")
    fake_dsm.uninstall("SYNO.Cal.")
    fake_dsm.uninstall("SYNO.SynologyDrive.")
    result = await start(hass, dsm_url)
    assert result["errors"] == {"base": "no_apps"}


async def test_duplicate_aborts(
    hass: HomeAssistant, dsm_url: str, config_entry: MockConfigEntry
) -> None:
    """The same DSM user on the same NAS cannot be added twice."""
    config_entry.add_to_hass(hass)
    result = await start_password(hass, dsm_url)
    result = await sign_in(hass, result["flow_id"])
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_reauth(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    fake_dsm: FakeDsm,
) -> None:
    """A changed password is fixed in reauth; the entry reloads."""
    config_entry.add_to_hass(hass)
    fake_dsm.store.users[DEMO_USER].password = "new-secret"
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress()
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]

    result = await hass.config_entries.flow.async_configure(
        flows[0]["flow_id"], {CONF_PASSWORD: "still-wrong"}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    assert result["description_placeholders"][CONF_USERNAME] == DEMO_USER
    result = await hass.config_entries.flow.async_configure(
        flows[0]["flow_id"], {CONF_PASSWORD: "new-secret"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert config_entry.data[CONF_PASSWORD] == "new-secret"
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.LOADED


async def test_reauth_with_code(
    hass: HomeAssistant, dsm_url: str, fake_dsm: FakeDsm
) -> None:
    """A revoked trusted device asks for a code again during reauth."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=f"{DEMO_SERIAL}_{OTP_USER}",
        data={
            CONF_URL: dsm_url,
            CONF_VERIFY_SSL: True,
            CONF_USERNAME: OTP_USER,
            CONF_PASSWORD: DEMO_PASSWORD,
            CONF_DEVICE_TOKEN: "revoked-token",
        },
    )
    entry.add_to_hass(hass)
    result = await entry.start_reauth_flow(hass)
    assert result["step_id"] == "reauth_confirm"
    assert result["description_placeholders"][CONF_USERNAME] == OTP_USER
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: DEMO_PASSWORD}
    )
    assert result["step_id"] == "otp"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_OTP_CODE: otp_now(fake_dsm)}
    )
    assert result["reason"] == "reauth_successful"
    assert entry.data[CONF_DEVICE_TOKEN] in fake_dsm.store.device_tokens


async def test_reauth_other_account_aborts(
    hass: HomeAssistant, config_entry: MockConfigEntry, fake_dsm: FakeDsm
) -> None:
    """Reauth cannot switch the entry to a different NAS."""
    config_entry.add_to_hass(hass)
    fake_dsm.store.serial = "OTHER-NAS"
    result = await config_entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: DEMO_PASSWORD}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_account"


async def test_reconfigure(
    hass: HomeAssistant, config_entry: MockConfigEntry, fake_dsm: FakeDsm
) -> None:
    """A new address for the same NAS keeps the entry and reloads it."""
    config_entry.add_to_hass(hass)
    result = await config_entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: "ftp://x", CONF_VERIFY_SSL: False}
    )
    assert result["errors"] == {"base": "invalid_url"}
    # The same NAS, now answering on another port.
    async with run_simulator(fake_dsm) as new_url:
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_URL: new_url, CONF_VERIFY_SSL: False}
        )
        result = await choose(hass, result, "credentials")
        # The form suggests the entry's DSM user.
        assert suggested(result, CONF_USERNAME) == DEMO_USER
        result = await sign_in(hass, result["flow_id"], password=DEMO_PASSWORD)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert config_entry.data[CONF_URL] == new_url
    assert config_entry.data[CONF_VERIFY_SSL] is False
    assert config_entry.data[CONF_PASSWORD] == DEMO_PASSWORD


async def test_reconfigure_other_nas_aborts(
    hass: HomeAssistant, config_entry: MockConfigEntry, dsm_url: str, fake_dsm: FakeDsm
) -> None:
    """An address that leads to another NAS is refused."""
    config_entry.add_to_hass(hass)
    fake_dsm.store.serial = "OTHER-NAS"
    result = await config_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: dsm_url, CONF_VERIFY_SSL: True}
    )
    result = await choose(hass, result, "credentials")
    result = await sign_in(hass, result["flow_id"])
    assert result["reason"] == "wrong_account"
    assert config_entry.data[CONF_URL] == dsm_url


async def test_options(
    hass: HomeAssistant, config_entry: MockConfigEntry, fake_dsm: FakeDsm
) -> None:
    """Options list only supported apps the NAS has; saving reloads the entry."""
    fake_dsm.uninstall("SYNO.NoteStation.")
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    result = await hass.config_entries.options.async_init(config_entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    apps_selector = result["data_schema"].schema[CONF_APPS]
    assert apps_selector.config["options"] == ["calendar", "chat", "contacts", "drive"]
    # Drive push is offered while Drive is used; proxies are IP addresses.
    assert CONF_DRIVE_PUSH in result["data_schema"].schema
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_APPS: ["chat"],
            CONF_UPDATE_INTERVAL: 15,
            CONF_DRIVE_PUSH_SOURCES: ["nas"],
        },
    )
    assert result["errors"] == {CONF_DRIVE_PUSH_SOURCES: "invalid_address"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_APPS: ["chat"], CONF_UPDATE_INTERVAL: 15}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert config_entry.options == {
        CONF_APPS: ["chat"],
        CONF_UPDATE_INTERVAL: 15,
        # Assist in Chat stays off until chosen.
        CONF_CHAT_ASSIST: False,
        CONF_CHAT_ASSIST_AGENT: "conversation.home_assistant",
        CONF_CHAT_ASSIST_MAX_AGE: 5,
        CONF_DRIVE_PUSH: False,
        CONF_DRIVE_PUSH_SOURCES: [],
    }
    assert config_entry.state is ConfigEntryState.LOADED
    coordinator = config_entry.runtime_data.nas_coordinator
    assert coordinator.update_interval is not None
    assert coordinator.update_interval.total_seconds() == 15 * 60


async def test_options_chat_direct_messages(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    """With Chat, the options offer people for direct-message notify entities."""
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    result = await hass.config_entries.options.async_init(config_entry.entry_id)
    people = result["data_schema"].schema[CONF_CHAT_DM_USERS].config["options"]
    assert people == [{"value": "2", "label": "Alice"}, {"value": "3", "label": "Bob"}]
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {CONF_APPS: ["chat"], CONF_UPDATE_INTERVAL: 5, CONF_CHAT_DM_USERS: ["3"]},
    )
    await hass.async_block_till_done()
    assert config_entry.options[CONF_CHAT_DM_USERS] == ["3"]
    assert hass.states.get("notify.ds923_demo_chat_with_bob") is not None


async def test_options_need_a_loaded_entry(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    """Options of an entry that never connected explain why they are unavailable."""
    config_entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(config_entry.entry_id)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "not_loaded"


@pytest.mark.parametrize(
    ("typed", "url"),
    [
        ("nas.local", "https://nas.local:5001"),
        ("192.168.1.5:5000", "https://192.168.1.5:5000"),
        ("http://nas.local:5000/", "http://nas.local:5000"),
        ("https://nas.example.com", "https://nas.example.com"),
        (" https://NAS.local:5001 ", "https://nas.local:5001"),
    ],
)
def test_normalize_url(typed: str, url: str) -> None:
    """What users type becomes one canonical address."""
    assert normalize_url(typed) == url
