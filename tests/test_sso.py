"""Single sign-on through DSM's SSO Client, through the config flow, against the simulator.

The simulator serves HTTPS with a certificate from a test CA and plays both sides: DSM, whose
SSO Client is a confidential OpenID Connect client, and the identity provider (SSO Server).
Home Assistant trusts the CA through `trusted_test_ca`: its shared client sessions take their
SSL context from homeassistant.util.ssl.client_context, which the fixture replaces for the
test with Home Assistant's own context plus the test CA (loading certificates blocks, and
SSL_CERT_FILE would come too late). The user's browser is an aiohttp session that trusts
the CA too; the user copies the address it lands on into the flow.
"""

from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
import ssl
from typing import TYPE_CHECKING, Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.const import (
    CONF_PASSWORD,
    CONF_URL,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
    MATCH_ALL,
)
from homeassistant.core import Event, HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.translation import async_get_translations
from homeassistant.setup import async_setup_component
from homeassistant.util import ssl as ssl_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
import trustme
from yarl import URL

from custom_components.synology_native.apps.notestation.coordinator import NOTESTATION
from custom_components.synology_native.const import (
    CONF_AUTH_METHOD,
    CONF_DEVICE_TOKEN,
    CONF_OTP_CODE,
    CONF_SESSION_ID,
    CONF_SSO_LANDING,
    CONF_SYNOTOKEN,
    DOMAIN,
    AuthMethod,
)
from tests.browser import Browser, browser_session
from tests.conftest import DEMO_PASSWORD, DEMO_SERIAL, DEMO_USER, serve
from tests.fake_dsm import FakeDsm, run_simulator, server_tls_context, totp_code
from tests.fake_dsm.sso import DSM_CLIENT_ID, SHORT_CODE_LIFETIME
from tests.fake_dsm.store import DEMO_OTP_SECRET, DEMO_OTP_USER

if TYPE_CHECKING:
    from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

UNIQUE_ID = f"{DEMO_SERIAL}_{DEMO_USER}"
SSO_STEPS = ("sso", "reauth_sso")


@pytest.fixture
def local_ca() -> trustme.CA:
    """Give a fresh certificate authority for the simulator's certificate."""
    return trustme.CA()


@pytest.fixture
def trusted_test_ca(local_ca: trustme.CA) -> Iterator[ssl.SSLContext]:
    """Make Home Assistant's verifying client sessions trust the test CA."""
    context = ssl_util.create_client_context(
        ssl_util.SSLCipherList.PYTHON_DEFAULT, ssl_util.SSL_ALPN_HTTP11
    )
    local_ca.configure_trust(context)
    with patch.object(ssl_util, "client_context", return_value=context):
        yield context


@pytest.fixture
def signed_in_at_provider(fake_dsm: FakeDsm) -> FakeDsm:
    """Sign the user's browser in at the identity provider as the demo user."""
    fake_dsm.sso.auto_approve_as = DEMO_USER
    return fake_dsm


@pytest.fixture
async def https_url(
    signed_in_at_provider: FakeDsm,
    local_ca: trustme.CA,
    socket_enabled: None,
    request: pytest.FixtureRequest,
) -> AsyncIterator[str]:
    """Serve the simulator over HTTPS; its SSO Client uses its own provider."""
    context = server_tls_context(local_ca, "127.0.0.1")
    async with serve(signed_in_at_provider, request, context) as url:
        signed_in_at_provider.sso.enable_dsm_sso_client(url)
        yield url


@pytest.fixture
async def browser(trusted_test_ca: ssl.SSLContext) -> AsyncIterator[Browser]:
    """Give the user's browser, which trusts the test CA as the user's system would."""
    async with browser_session(trusted_test_ca) as http:
        yield Browser(http)


@pytest.fixture
def events(hass: HomeAssistant) -> list[Event]:
    """Record every event fired on the bus."""
    recorded: list[Event] = []
    hass.bus.async_listen(MATCH_ALL, recorded.append)
    return recorded


class SignIn:
    """Drives one config flow the way the frontend and the user's browser do."""

    def __init__(self, hass: HomeAssistant, browser: Browser) -> None:
        """Use browser for the identity provider's pages and the landing page."""
        self.hass = hass
        self.browser = browser

    async def configure(self, flow_id: str, data: Any = None) -> dict[str, Any]:
        """Submit a step."""
        return await self.hass.config_entries.flow.async_configure(flow_id, data)

    async def choose_sso(self, url: str, verify_ssl: bool = True) -> dict[str, Any]:
        """Start a flow, give the address and choose single sign-on."""
        result = await self.hass.config_entries.flow.async_init(
            DOMAIN, context={"source": SOURCE_USER}
        )
        result = await self.configure(
            result["flow_id"], {CONF_URL: url, CONF_VERIFY_SSL: verify_ssl}
        )
        return await self.configure(result["flow_id"], {"next_step_id": "sso"})

    async def land(self, result: dict[str, Any]) -> URL:
        """Open the link the form shows; return where the browser lands, and look there."""
        assert result["step_id"] in SSO_STEPS
        page = await self.browser.open(result["description_placeholders"]["auth_url"])
        assert page.status == 302, page.text
        assert page.location is not None
        landed = await self.browser.open(page.location)
        assert landed.status == 200
        return page.location

    async def paste(self, result: dict[str, Any], text: str | URL) -> dict[str, Any]:
        """Paste the landing address (or anything else) into the form."""
        return await self.configure(result["flow_id"], {CONF_SSO_LANDING: str(text)})

    async def sign_in(self, url: str, verify_ssl: bool = True) -> dict[str, Any]:
        """Run the whole sign-in."""
        result = await self.choose_sso(url, verify_ssl)
        return await self.paste(result, await self.land(result))


@pytest.fixture
def flow(hass: HomeAssistant, browser: Browser) -> SignIn:
    """Give the flow driver."""
    return SignIn(hass, browser)


def sso_logins(fake_dsm: FakeDsm) -> list[dict[str, str]]:
    """Return the parameters of every `login type=sso` the NAS received."""
    return [
        r.params
        for r in fake_dsm.requests
        if r.method == "login" and r.params.get("type") == "sso"
    ]


def sso_entry(url: str, **data: Any) -> MockConfigEntry:
    """Return an SSO entry of the demo account with a session id DSM does not know."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=DEMO_USER,
        unique_id=UNIQUE_ID,
        data={
            CONF_URL: url,
            CONF_VERIFY_SSL: True,
            CONF_AUTH_METHOD: AuthMethod.SSO,
            CONF_USERNAME: DEMO_USER,
            CONF_SESSION_ID: "ended-long-ago",
            CONF_SYNOTOKEN: "stale",
        }
        | data,
    )


async def test_sign_in_end_to_end(
    hass: HomeAssistant,
    flow: SignIn,
    https_url: str,
    fake_dsm: FakeDsm,
    events: list[Event],
    secrets_in_logs: list[str],
) -> None:
    """Single sign-on creates the entry, which polls DSM in the session DSM opened."""
    result = await flow.choose_sso(https_url)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "sso"
    link = URL(result["description_placeholders"]["auth_url"])
    # DSM's own authorization request, with the state the flow appended.
    assert str(link.with_query(None)) == f"{https_url}/webman/sso/SSOOauth.cgi"
    assert link.query["client_id"] == DSM_CLIENT_ID
    assert link.query["redirect_uri"] == https_url
    assert link.query["response_type"] == "code"
    state = link.query["state"]
    assert len(state) == 64
    assert int(state, 16) >= 0

    landing = await flow.land(result)
    assert str(landing.with_query(None)).rstrip("/") == https_url
    assert landing.query["state"] == state
    # The DSM page the browser landed on shows the address to copy.
    page = await flow.browser.open(landing)
    assert "paste it into Home Assistant" in page.text
    code = landing.query["code"]
    secrets_in_logs.append(code)
    result = await flow.paste(result, landing)

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == f"DS923+ {DEMO_USER}"
    entry = result["result"]
    assert entry.unique_id == UNIQUE_ID
    data = dict(entry.data)
    sid = data.pop(CONF_SESSION_ID)
    synotoken = data.pop(CONF_SYNOTOKEN)
    assert data == {
        CONF_URL: https_url,
        CONF_VERIFY_SSL: True,
        CONF_AUTH_METHOD: AuthMethod.SSO,
        CONF_USERNAME: DEMO_USER,
    }
    assert fake_dsm.store.sessions[sid].synotoken == synotoken
    secrets_in_logs += [sid, synotoken]
    # DSM's login, as its own login page sends it; DSM redeemed the code itself.
    (login,) = sso_logins(fake_dsm)
    assert login["version"] == "6"
    assert {k: login[k] for k in login if k not in ("api", "version", "method")} == {
        "type": "sso",
        "server": "oidc",
        "code": code,
        "state": state,
        "session": "webui",
        "client": "browser",
        "rememberme": "0",
        "enable_syno_token": "yes",
        "format": "sid",
    }
    assert fake_dsm.sso.codes == {}

    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    # The entry read the apps in that session and never signed in by itself.
    assert [r for r in fake_dsm.requests if r.params.get("_sid") == sid]
    notestation = entry.runtime_data.app(NOTESTATION)
    assert notestation is not None
    assert notestation.coordinator.last_update_success
    assert len([r for r in fake_dsm.requests if r.method == "login"]) == 1
    text = repr([(event.event_type, event.data) for event in events])
    for secret in secrets_in_logs:
        assert secret not in text


async def test_two_step_account_continues_with_its_code(
    hass: HomeAssistant,
    flow: SignIn,
    https_url: str,
    fake_dsm: FakeDsm,
    secrets_in_logs: list[str],
) -> None:
    """DSM's 403 leads to the code step; the device token then skips it on reauth."""
    fake_dsm.sso.auto_approve_as = DEMO_OTP_USER
    result = await flow.sign_in(https_url)
    assert result["step_id"] == "otp"

    result = await flow.configure(result["flow_id"], {CONF_OTP_CODE: "000000"})
    assert result["step_id"] == "otp"
    assert result["errors"] == {"base": "invalid_otp"}

    code = totp_code(DEMO_OTP_SECRET)
    secrets_in_logs.append(code)
    result = await flow.configure(result["flow_id"], {CONF_OTP_CODE: code})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    entry = result["result"]
    assert entry.data[CONF_USERNAME] == DEMO_OTP_USER
    device_token = entry.data[CONF_DEVICE_TOKEN]
    secrets_in_logs += [device_token, entry.data[CONF_SESSION_ID]]
    assert fake_dsm.store.device_tokens[device_token][0] == DEMO_OTP_USER
    # The code step continued with DSM's token at v6, which issues device tokens.
    step = next(r for r in fake_dsm.requests if r.params.get("otp_code") == code)
    assert step.version == "6"
    assert step.params["enable_device_token"] == "yes"
    # auth.md §8.2: DSM's page continues with logintype=local and an empty account.
    assert (step.params["logintype"], step.params["account"]) == ("local", "")
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED

    # DSM ends the session: reauth signs in through SSO again, without a code.
    fake_dsm.store.expire_sessions()
    await entry.runtime_data.nas_coordinator.async_refresh()
    await hass.async_block_till_done()
    (reauth,) = hass.config_entries.flow.async_progress()
    result = await flow.configure(reauth["flow_id"])
    assert result["step_id"] == "reauth_sso"
    result = await flow.paste(result, await flow.land(result))
    assert result["reason"] == "reauth_successful"
    assert sso_logins(fake_dsm)[-1]["device_id"] == device_token


async def test_two_step_sign_in_forgotten_by_dsm(
    hass: HomeAssistant, flow: SignIn, https_url: str, fake_dsm: FakeDsm
) -> None:
    """A code step DSM no longer continues goes back to the link, which works again."""
    fake_dsm.sso.auto_approve_as = DEMO_OTP_USER
    result = await flow.sign_in(https_url)
    assert result["step_id"] == "otp"
    fake_dsm.store.pending_second_factors.clear()
    result = await flow.configure(
        result["flow_id"], {CONF_OTP_CODE: totp_code(DEMO_OTP_SECRET)}
    )
    assert result["step_id"] == "sso"
    assert result["errors"] == {"base": "code_refused"}
    result = await flow.paste(result, await flow.land(result))
    assert result["step_id"] == "otp"


@pytest.mark.parametrize(
    ("tamper", "error", "placeholder"),
    [
        ("without_code", "landing_no_code", ""),
        ("other_state", "landing_wrong_state", ""),
        ("cancelled", "landing_provider_error", "access_denied"),
        ("empty", "landing_no_code", ""),
    ],
)
async def test_pasted_address_problems(
    hass: HomeAssistant,
    flow: SignIn,
    https_url: str,
    fake_dsm: FakeDsm,
    tamper: str,
    error: str,
    placeholder: str,
) -> None:
    """An address that cannot finish this sign-in is explained; DSM is not asked."""
    result = await flow.choose_sso(https_url)
    if tamper == "cancelled":
        fake_dsm.sso.auto_approve_as = None
        page = await flow.browser.submit(
            result["description_placeholders"]["auth_url"], {"action": "cancel"}
        )
        assert page.location is not None
        pasted = str(page.location)
    else:
        landing = await flow.land(result)
        pasted = {
            "without_code": str(landing.with_query(None)),
            "other_state": str(landing.update_query(state="ab" * 32)),
            "empty": " ",
        }[tamper]
    result = await flow.paste(result, pasted)
    assert result["step_id"] == "sso"
    assert result["errors"] == {"base": error}
    assert result["description_placeholders"]["error"] == placeholder
    assert sso_logins(fake_dsm) == []
    assert fake_dsm.store.sessions == {}

    # The same link still works.
    fake_dsm.sso.auto_approve_as = DEMO_USER
    result = await flow.paste(result, await flow.land(result))
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_bare_code_is_refused(
    hass: HomeAssistant, flow: SignIn, https_url: str, fake_dsm: FakeDsm
) -> None:
    """A code alone proves nothing about its sign-in: the whole address is asked for."""
    result = await flow.choose_sso(https_url)
    landing = await flow.land(result)
    result = await flow.paste(result, landing.query["code"])
    assert result["errors"] == {"base": "landing_code_only"}
    assert sso_logins(fake_dsm) == []
    result = await flow.paste(result, landing)
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.parametrize("problem", ["reused", "unknown_user", "unsigned"])
async def test_dsm_refuses_the_code(
    hass: HomeAssistant,
    flow: SignIn,
    https_url: str,
    fake_dsm: FakeDsm,
    browser: Browser,
    problem: str,
) -> None:
    """A code DSM does not accept is explained with the likely reasons; nothing is made."""
    result = await flow.choose_sso(https_url)
    if problem == "unknown_user":
        # The provider knows a user the NAS does not have.
        fake_dsm.sso.claim_overrides = {"username": "nobody-on-this-nas"}
    elif problem == "unsigned":
        fake_dsm.sso.sign_with_unpublished_key = True
    landing = await flow.land(result)
    if problem == "reused":
        # Another tab already signed in with this code.
        form = {
            "api": "SYNO.API.Auth",
            "version": "6",
            "method": "login",
            "type": "sso",
            "server": "oidc",
            "code": landing.query["code"],
            "state": landing.query["state"],
            "format": "sid",
        }
        async with browser.http.post(f"{https_url}/webapi/entry.cgi", data=form) as r:
            assert (await r.json())["success"] is True
        fake_dsm.store.sessions.clear()
    result = await flow.paste(result, landing)
    assert result["step_id"] == "sso"
    assert result["errors"] == {"base": "code_refused"}
    assert fake_dsm.store.sessions == {}
    assert hass.config_entries.async_entries(DOMAIN) == []


async def test_expired_code(
    hass: HomeAssistant,
    flow: SignIn,
    https_url: str,
    fake_dsm: FakeDsm,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A provider keeping codes 60 s: one pasted after a minute is called expired.

    The user was told "about a minute" before opening the link.
    """
    fake_dsm.sso.code_lifetime = SHORT_CODE_LIFETIME
    result = await flow.choose_sso(https_url)
    landing = await flow.land(result)
    later = fake_dsm.store.clock() + SHORT_CODE_LIFETIME + 1
    fake_dsm.store.clock = lambda: later
    freezer.tick(timedelta(seconds=SHORT_CODE_LIFETIME + 1))
    result = await flow.paste(result, landing)
    assert result["errors"] == {"base": "code_expired"}
    texts = await async_get_translations(hass, "en", "config", [DOMAIN])
    for key in ("step.sso.description", "step.reauth_sso.description"):
        assert "about a minute" in texts[f"component.{DOMAIN}.config.{key}"]
    assert "about a minute" in texts[f"component.{DOMAIN}.config.error.code_expired"]


async def test_code_in_the_fragment(
    hass: HomeAssistant, flow: SignIn, https_url: str
) -> None:
    """A redirect URI like https://<dsm>/#/signin brings code and state after the '#'."""
    result = await flow.choose_sso(https_url)
    landing = await flow.land(result)
    pasted = f"{landing.with_query(None)}#/signin?{landing.query_string}"
    result = await flow.paste(result, pasted)
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_redirect_uri_on_another_host_is_explained_first(
    hass: HomeAssistant, flow: SignIn, https_url: str, fake_dsm: FakeDsm
) -> None:
    """DSM 7.2 picks a redirect URI by host: another host's is named before sign-in.

    The sign-in still works when the user pastes where the browser landed.
    """
    elsewhere = str(URL(https_url).with_host("nas.example.com"))
    fake_dsm.sso.enable_dsm_sso_client(elsewhere)
    result = await flow.choose_sso(https_url)
    assert result["step_id"] == "sso"
    assert result["errors"] == {"base": "sso_host_mismatch"}
    placeholders = result["description_placeholders"]
    assert (placeholders["entry_host"], placeholders["redirect_host"]) == (
        "127.0.0.1",
        "nas.example.com",
    )
    page = await flow.browser.open(placeholders["auth_url"])
    assert page.location is not None
    assert page.location.host == "nas.example.com"
    result = await flow.paste(result, page.location)
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_dsm_7_1_offers_sso_only_on_the_redirect_host(
    hass: HomeAssistant, flow: SignIn, https_url: str, fake_dsm: FakeDsm
) -> None:
    """DSM 7.0/7.1 give no authorization URL to another host; the form says why."""
    fake_dsm.store.dsm_version = "DSM 7.1.1-42962 Update 6"
    fake_dsm.sso.enable_dsm_sso_client(str(URL(https_url).with_host("nas.example.com")))
    result = await flow.choose_sso(https_url)
    assert result["step_id"] == "credentials"
    assert result["errors"] == {"base": "sso_not_configured"}
    fake_dsm.sso.enable_dsm_sso_client(https_url)
    result = await flow.sign_in(https_url)
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_sso_not_configured_offers_password(
    hass: HomeAssistant, flow: SignIn, https_url: str, fake_dsm: FakeDsm
) -> None:
    """Without an SSO Client on the NAS the password form says so and signs in."""
    fake_dsm.store.sso_client.enabled = False
    result = await flow.choose_sso(https_url)
    assert result["step_id"] == "credentials"
    assert result["errors"] == {"base": "sso_not_configured"}
    result = await flow.configure(
        result["flow_id"], {CONF_USERNAME: DEMO_USER, CONF_PASSWORD: DEMO_PASSWORD}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_AUTH_METHOD] == AuthMethod.PASSWORD


async def test_plain_http_offers_password(
    hass: HomeAssistant, flow: SignIn, dsm_url: str, fake_dsm: FakeDsm
) -> None:
    """DSM offers single sign-on only over HTTPS; the flow does not even ask."""
    fake_dsm.sso.enable_dsm_sso_client(dsm_url)
    fake_dsm.reset_request_log()
    result = await flow.choose_sso(dsm_url)
    assert result["step_id"] == "credentials"
    assert result["errors"] == {"base": "sso_needs_https"}
    assert not [r for r in fake_dsm.requests if r.path == "/index.cgi"]


async def test_nas_unreachable_for_the_link(
    hass: HomeAssistant, flow: SignIn, https_url: str, fake_dsm: FakeDsm
) -> None:
    """A NAS failing while the link is fetched is a connection error."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await flow.configure(
        result["flow_id"], {CONF_URL: https_url, CONF_VERIFY_SSL: True}
    )
    fake_dsm.faults.fail_http(503)
    result = await flow.configure(result["flow_id"], {"next_step_id": "sso"})
    assert result["step_id"] == "credentials"
    assert result["errors"] == {"base": "cannot_connect"}


async def test_sign_in_without_a_session_left_over(
    hass: HomeAssistant, flow: SignIn, https_url: str, fake_dsm: FakeDsm
) -> None:
    """When DSM opens the session but the NAS read fails, the session is closed again."""
    fake_dsm.faults.fail_api("SYNO.DSM.Info", "getinfo", 117)
    result = await flow.sign_in(https_url)
    assert result["errors"] == {"base": "cannot_connect"}
    assert fake_dsm.store.sessions == {}


async def test_same_account_with_password_then_reconfigure(
    hass: HomeAssistant,
    flow: SignIn,
    https_url: str,
    fake_dsm: FakeDsm,
    config_entry: MockConfigEntry,
) -> None:
    """SSO to an account set up with a password aborts; reconfigure switches it."""
    config_entry.add_to_hass(hass)
    result = await flow.sign_in(https_url)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert fake_dsm.store.sessions == {}

    result = await config_entry.start_reconfigure_flow(hass)
    result = await flow.configure(
        result["flow_id"], {CONF_URL: https_url, CONF_VERIFY_SSL: True}
    )
    result = await flow.configure(result["flow_id"], {"next_step_id": "sso"})
    result = await flow.paste(result, await flow.land(result))
    assert result["reason"] == "reconfigure_successful"
    assert config_entry.data[CONF_AUTH_METHOD] == AuthMethod.SSO
    assert CONF_PASSWORD not in config_entry.data
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.LOADED


async def test_reauth_when_dsm_ends_the_session(
    hass: HomeAssistant, flow: SignIn, https_url: str, fake_dsm: FakeDsm
) -> None:
    """When DSM ends the session, reauth runs the same steps; nothing signs in alone."""
    entry = (await flow.sign_in(https_url))["result"]
    await hass.async_block_till_done()
    old_sid = entry.data[CONF_SESSION_ID]

    fake_dsm.store.expire_sessions()
    await entry.runtime_data.nas_coordinator.async_refresh()
    await hass.async_block_till_done()
    assert len(sso_logins(fake_dsm)) == 1
    flows = hass.config_entries.flow.async_progress()
    assert [f["context"]["source"] for f in flows] == ["reauth"]
    result = await flow.configure(flows[0]["flow_id"])
    assert result["step_id"] == "reauth_sso"
    assert result["description_placeholders"][CONF_USERNAME] == DEMO_USER

    result = await flow.paste(result, await flow.land(result))
    assert result["reason"] == "reauth_successful"
    assert entry.data[CONF_SESSION_ID] != old_sid
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED


async def test_reauth_with_another_account_aborts(
    hass: HomeAssistant, flow: SignIn, https_url: str, fake_dsm: FakeDsm
) -> None:
    """Reauth cannot move the entry to another DSM user; that session is closed."""
    fake_dsm.store.add_user("other", "pw")
    fake_dsm.sso.auto_approve_as = "other"
    entry = sso_entry(https_url)
    entry.add_to_hass(hass)
    result = await entry.start_reauth_flow(hass)
    result = await flow.paste(result, await flow.land(result))
    assert result["reason"] == "wrong_account"
    assert fake_dsm.store.sessions == {}


async def test_reauth_after_sso_was_turned_off(
    hass: HomeAssistant, flow: SignIn, https_url: str, fake_dsm: FakeDsm
) -> None:
    """A NAS whose SSO Client was turned off is reauthenticated with the password."""
    fake_dsm.store.sso_client.enabled = False
    entry = sso_entry(https_url)
    entry.add_to_hass(hass)
    result = await entry.start_reauth_flow(hass)
    assert result["step_id"] == "credentials"
    assert result["errors"] == {"base": "sso_not_configured"}
    assert suggested_account(result) == DEMO_USER
    result = await flow.configure(
        result["flow_id"], {CONF_USERNAME: DEMO_USER, CONF_PASSWORD: DEMO_PASSWORD}
    )
    assert result["reason"] == "reauth_successful"
    assert entry.data[CONF_AUTH_METHOD] == AuthMethod.PASSWORD
    assert CONF_SESSION_ID not in entry.data


def suggested_account(result: dict[str, Any]) -> Any:
    """Return the user name the password form suggests."""
    key = next(k for k in result["data_schema"].schema if k == CONF_USERNAME)
    return (key.description or {}).get("suggested_value")


async def test_reload_keeps_session_and_removal_ends_it(
    hass: HomeAssistant, flow: SignIn, https_url: str, fake_dsm: FakeDsm
) -> None:
    """An SSO session survives reloads (none could be opened again) and ends on removal."""
    entry = (await flow.sign_in(https_url))["result"]
    await hass.async_block_till_done()
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert [s.user.name for s in fake_dsm.store.sessions.values()] == [DEMO_USER]
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert fake_dsm.store.sessions == {}


async def test_diagnostics_redact_sso_secrets(
    hass: HomeAssistant,
    flow: SignIn,
    https_url: str,
    hass_client: ClientSessionGenerator,
) -> None:
    """Diagnostics of an SSO entry show no session or token."""
    assert await async_setup_component(hass, "diagnostics", {})
    entry = (await flow.sign_in(https_url))["result"]
    await hass.async_block_till_done()
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    data = diagnostics["entry"]["data"]
    for key in (CONF_SESSION_ID, CONF_SYNOTOKEN):
        assert data[key] == "**REDACTED**"
    text = repr(diagnostics)
    for secret in (entry.data[CONF_SESSION_ID], entry.data[CONF_SYNOTOKEN]):
        assert secret not in text


@pytest.mark.usefixtures("refused_handshakes_expected")
async def test_tls_verification(
    hass: HomeAssistant, signed_in_at_provider: FakeDsm, socket_enabled: None
) -> None:
    """A certificate nobody trusts: refused with verification on, fine with it off."""
    untrusted = trustme.CA()
    context = server_tls_context(untrusted, "127.0.0.1")
    async with (
        run_simulator(signed_in_at_provider, ssl_context=context) as url,
        browser_session(trust=False) as http,
    ):
        signed_in_at_provider.sso.enable_dsm_sso_client(url)
        flow = SignIn(hass, Browser(http))
        result = await hass.config_entries.flow.async_init(
            DOMAIN, context={"source": SOURCE_USER}
        )
        result = await flow.configure(
            result["flow_id"], {CONF_URL: url, CONF_VERIFY_SSL: True}
        )
        assert result["errors"] == {"base": "ssl_error"}

        result = await flow.sign_in(url, verify_ssl=False)
        assert result["type"] is FlowResultType.CREATE_ENTRY
        assert result["data"][CONF_VERIFY_SSL] is False
        await hass.async_block_till_done()
        assert result["result"].state is ConfigEntryState.LOADED
        await hass.config_entries.async_unload(result["result"].entry_id)
