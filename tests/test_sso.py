"""SSO Server sign-in through Home Assistant's OAuth2 callback view, against the simulator.

The simulator serves HTTPS with a certificate from a test CA. Home Assistant trusts that
CA through `trusted_test_ca`: its shared client sessions take their SSL context from
homeassistant.util.ssl.client_context, which the fixture replaces for the test with
Home Assistant's own context plus the test CA (see the fixture for why not
SSL_CERT_FILE). The user's browser is an aiohttp session that trusts the CA too.
"""

from collections.abc import AsyncIterator, Iterator
import ssl
import time
from typing import TYPE_CHECKING, Any
from unittest.mock import patch

from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.const import (
    CONF_CLIENT_ID,
    CONF_CLIENT_SECRET,
    CONF_PASSWORD,
    CONF_URL,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
    MATCH_ALL,
)
from homeassistant.core import Event, HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.config_entry_oauth2_flow import MY_AUTH_CALLBACK_PATH
from homeassistant.setup import async_setup_component
from homeassistant.util import ssl as ssl_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
)
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
import trustme
from yarl import URL

from custom_components.synology_native.const import (
    CONF_AUTH_METHOD,
    CONF_DEVICE_TOKEN,
    CONF_SESSION_ID,
    CONF_SSO_URL,
    CONF_SYNOTOKEN,
    DOMAIN,
    AuthMethod,
)
from tests.browser import Browser, browser_session
from tests.conftest import DEMO_PASSWORD, DEMO_SERIAL, DEMO_USER, serve
from tests.fake_dsm import FakeDsm, run_simulator, server_tls_context

if TYPE_CHECKING:
    from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

# What current_request_with_host makes Home Assistant's frontend base.
REDIRECT_URI = "https://example.com/auth/external/callback"
CLIENT_ID = "home-assistant"
CLIENT_SECRET = "sso-app-secret"
UNIQUE_ID = f"{DEMO_SERIAL}_{DEMO_USER}"

pytestmark = pytest.mark.usefixtures("current_request_with_host")


@pytest.fixture
def local_ca() -> trustme.CA:
    """Give a fresh certificate authority for the simulator's certificate."""
    return trustme.CA()


@pytest.fixture
def trusted_test_ca(local_ca: trustme.CA) -> Iterator[ssl.SSLContext]:
    """Make Home Assistant's verifying client sessions trust the test CA.

    Home Assistant builds its verifying context once, at import, from certifi (or
    REQUESTS_CA_BUNDLE), so setting SSL_CERT_FILE or that variable in a test comes too
    late, and adding the CA to the cached context would leak it into every later test.
    The patch hands new connectors, created per Home Assistant instance, a context made
    the same way plus the test CA; it is built here because loading certificates blocks.
    """
    context = ssl_util.create_client_context(
        ssl_util.SSLCipherList.PYTHON_DEFAULT, ssl_util.SSL_ALPN_HTTP11
    )
    local_ca.configure_trust(context)
    with patch.object(ssl_util, "client_context", return_value=context):
        yield context


@pytest.fixture
def sso_app(fake_dsm: FakeDsm) -> FakeDsm:
    """Register Home Assistant in SSO Server; the browser is signed in as the demo user."""
    fake_dsm.sso.register_application(CLIENT_ID, [REDIRECT_URI], CLIENT_SECRET)
    fake_dsm.sso.auto_approve_as = DEMO_USER
    return fake_dsm


@pytest.fixture
async def https_url(
    sso_app: FakeDsm,
    local_ca: trustme.CA,
    socket_enabled: None,
    request: pytest.FixtureRequest,
) -> AsyncIterator[str]:
    """Serve the simulator over HTTPS with a certificate from the test CA."""
    context = server_tls_context(local_ca, "127.0.0.1")
    async with serve(sso_app, request, context) as url:
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
    """Drives one config flow the way the frontend, the browser and SSO Server do."""

    def __init__(
        self,
        hass: HomeAssistant,
        browser: Browser,
        hass_client_no_auth: ClientSessionGenerator,
    ) -> None:
        """Use browser for SSO Server's pages and the callback."""
        self.hass = hass
        self.browser = browser
        self.hass_client_no_auth = hass_client_no_auth

    async def configure(self, flow_id: str, data: Any = None) -> dict[str, Any]:
        """Submit a step."""
        return await self.hass.config_entries.flow.async_configure(flow_id, data)

    async def to_sso_form(self, url: str, verify_ssl: bool = True) -> dict[str, Any]:
        """Start a flow, give the address and choose SSO Server."""
        result = await self.hass.config_entries.flow.async_init(
            DOMAIN, context={"source": SOURCE_USER}
        )
        result = await self.configure(
            result["flow_id"], {CONF_URL: url, CONF_VERIFY_SSL: verify_ssl}
        )
        result = await self.configure(result["flow_id"], {"next_step_id": "sso"})
        assert result["step_id"] == "sso"
        return result

    async def submit_sso(
        self,
        result: dict[str, Any],
        sso_url: str,
        client_id: str = CLIENT_ID,
        client_secret: str = CLIENT_SECRET,
    ) -> dict[str, Any]:
        """Submit the SSO form."""
        return await self.configure(
            result["flow_id"],
            {
                CONF_SSO_URL: sso_url,
                CONF_CLIENT_ID: client_id,
                CONF_CLIENT_SECRET: client_secret,
            },
        )

    async def authorize(self, result: dict[str, Any]) -> URL:
        """Open SSO Server's page in the browser; return where it redirects."""
        assert result["type"] is FlowResultType.EXTERNAL_STEP
        page = await self.browser.open(result["url"])
        assert page.status == 302, page.text
        assert page.location is not None
        return page.location

    async def call_back(self, redirect: URL) -> int:
        """Let the browser follow the redirect to Home Assistant's callback view."""
        assert str(redirect.with_query(None)) == REDIRECT_URI
        client = await self.hass_client_no_auth()
        response = await client.get(f"/auth/external/callback?{redirect.query_string}")
        return response.status

    async def finish(self, result: dict[str, Any]) -> dict[str, Any]:
        """Authorize, call back, and let the flow continue as the frontend does."""
        assert await self.call_back(await self.authorize(result)) == 200
        return await self.configure(result["flow_id"])

    async def sign_in(self, url: str, verify_ssl: bool = True) -> dict[str, Any]:
        """Run the whole SSO sign-in with the right settings."""
        result = await self.submit_sso(await self.to_sso_form(url, verify_ssl), url)
        return await self.finish(result)


@pytest.fixture
async def flow(
    hass: HomeAssistant,
    browser: Browser,
    hass_client_no_auth: ClientSessionGenerator,
) -> SignIn:
    """Give the flow driver.

    The test client freezes Home Assistant's router once the callback is called, so
    repairs (which the notify platform needs) registers its views here, before that.
    """
    assert await async_setup_component(hass, "repairs", {})
    return SignIn(hass, browser, hass_client_no_auth)


def entry_sessions(fake_dsm: FakeDsm) -> list[str]:
    """Return the user names of the sessions the NAS holds."""
    return [session.user.name for session in fake_dsm.store.sessions.values()]


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
            CONF_SSO_URL: url,
            CONF_CLIENT_ID: CLIENT_ID,
            CONF_CLIENT_SECRET: CLIENT_SECRET,
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
    """SSO sign-in creates the entry, which polls DSM in the session the sign-in made."""
    result = await flow.to_sso_form(https_url)
    assert result["description_placeholders"] == {"redirect_uri": REDIRECT_URI}
    schema = result["data_schema"].schema
    assert next(k for k in schema if k == CONF_SSO_URL).description == {
        "suggested_value": https_url
    }
    result = await flow.submit_sso(result, https_url)
    authorize = URL(result["url"])
    assert str(authorize.with_query(None)) == f"{https_url}/webman/sso/SSOOauth.cgi"
    query = authorize.query
    assert query["client_id"] == CLIENT_ID
    assert query["redirect_uri"] == REDIRECT_URI
    assert query["scope"] == "openid email groups"
    assert query["code_challenge_method"] == "S256"
    assert query["nonce"]
    assert query["state"]
    implementation = hass.config_entries.flow._progress[result["flow_id"]].flow_impl
    secrets_in_logs.append(implementation.code_verifier)

    redirect = await flow.authorize(result)
    secrets_in_logs.append(redirect.query["code"])
    assert await flow.call_back(redirect) == 200
    result = await flow.configure(result["flow_id"])

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == f"DS923+ {DEMO_USER}"
    entry = result["result"]
    assert entry.unique_id == UNIQUE_ID
    data = dict(entry.data)
    sid = data.pop(CONF_SESSION_ID)
    synotoken = data.pop(CONF_SYNOTOKEN)
    device_token = data.pop(CONF_DEVICE_TOKEN)
    assert data == {
        CONF_URL: https_url,
        CONF_VERIFY_SSL: True,
        CONF_AUTH_METHOD: AuthMethod.SSO,
        CONF_USERNAME: DEMO_USER,
        CONF_SSO_URL: https_url,
        CONF_CLIENT_ID: CLIENT_ID,
        CONF_CLIENT_SECRET: CLIENT_SECRET,
    }
    assert fake_dsm.store.sessions[sid].synotoken == synotoken
    assert fake_dsm.store.device_tokens[device_token] == (DEMO_USER, "Home Assistant")
    # The exchange sent both tokens of this sign-in; none came with a refresh token.
    exchange = next(r for r in fake_dsm.requests if r.method == "oidc")
    assert exchange.params["access_token"] in fake_dsm.store.sso_access_tokens
    secrets_in_logs += [
        sid,
        synotoken,
        device_token,
        CLIENT_SECRET,
        exchange.params["access_token"],
        exchange.params["id_token"],
    ]

    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    # The entry polled the NAS in the sign-in's session and never signed in itself.
    polls = [r for r in fake_dsm.requests if r.method == "getinfo"]
    assert polls[-1].params["_sid"] == sid
    assert not any(r.method == "login" for r in fake_dsm.requests)
    assert entry_sessions(fake_dsm) == [DEMO_USER]
    text = repr([(event.event_type, event.data) for event in events])
    for secret in secrets_in_logs:
        assert secret not in text


async def test_wrong_state_is_refused(
    hass: HomeAssistant, flow: SignIn, https_url: str, fake_dsm: FakeDsm
) -> None:
    """A callback whose state Home Assistant did not sign changes nothing."""
    result = await flow.submit_sso(await flow.to_sso_form(https_url), https_url)
    redirect = await flow.authorize(result)
    forged = redirect.update_query(state="eyJhbGciOiJIUzI1NiJ9.e30.forged")
    assert await flow.call_back(forged) == 400
    progress = hass.config_entries.flow.async_get(result["flow_id"])
    assert progress["step_id"] == "auth"
    assert fake_dsm.store.sso_access_tokens == {}
    assert hass.config_entries.async_entries(DOMAIN) == []


async def test_pkce_mismatch_then_retry(
    hass: HomeAssistant, flow: SignIn, https_url: str, fake_dsm: FakeDsm
) -> None:
    """A code requested with another challenge is refused by SSO Server; a retry works."""
    result = await flow.submit_sso(await flow.to_sso_form(https_url), https_url)
    # Someone swapped the challenge on the way to SSO Server.
    tampered = URL(result["url"]).update_query(code_challenge="x" * 43)
    page = await flow.browser.open(tampered)
    assert page.location is not None
    assert await flow.call_back(page.location) == 200
    result = await flow.configure(result["flow_id"])
    assert result["step_id"] == "sso"
    assert result["errors"] == {"base": "code_refused"}
    assert fake_dsm.store.sso_access_tokens == {}

    result = await flow.submit_sso(result, https_url)
    result = await flow.finish(result)
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        ({"sign_with_unpublished_key": True}, "its signature does not match"),
        ({"claim_overrides": {"aud": "someone-else"}}, "another application"),
        ({"claim_overrides": {"nonce": "an-old-nonce"}}, "nonce mismatch"),
        (
            {"claim_overrides": {"iss": "https://other.example/webman/sso"}},
            "issued by another server",
        ),
        (
            {"claim_overrides": {"sub": "", "username": ""}},
            "a required claim is missing",
        ),
    ],
)
async def test_untrusted_id_token(
    hass: HomeAssistant,
    flow: SignIn,
    https_url: str,
    fake_dsm: FakeDsm,
    tamper: dict[str, Any],
    reason: str,
) -> None:
    """An ID token failing any check stops the sign-in before DSM is asked."""
    for name, value in tamper.items():
        setattr(fake_dsm.sso, name, value)
    result = await flow.sign_in(https_url)
    assert result["step_id"] == "sso"
    assert result["errors"] == {"base": "invalid_id_token"}
    assert reason in result["description_placeholders"]["reason"]
    assert not any(r.method == "oidc" for r in fake_dsm.requests)
    assert fake_dsm.store.sessions == {}


async def test_expired_id_token(
    hass: HomeAssistant, flow: SignIn, https_url: str, fake_dsm: FakeDsm
) -> None:
    """An ID token from a clock ten minutes behind has expired."""
    fake_dsm.store.clock = lambda: time.time() - 600
    result = await flow.sign_in(https_url)
    assert result["errors"] == {"base": "invalid_id_token"}
    assert result["description_placeholders"]["reason"] == "it has expired"


async def test_idp_token_errors(
    hass: HomeAssistant, flow: SignIn, https_url: str, fake_dsm: FakeDsm
) -> None:
    """Token endpoint errors say what to fix on the SSO form."""
    result = await flow.submit_sso(
        await flow.to_sso_form(https_url), https_url, client_secret="wrong"
    )
    result = await flow.finish(result)
    assert result["errors"] == {"base": "invalid_client"}

    # The application was deleted in SSO Server after the user signed in.
    result = await flow.submit_sso(result, https_url)
    redirect = await flow.authorize(result)
    del fake_dsm.sso.applications[CLIENT_ID]
    assert await flow.call_back(redirect) == 200
    result = await flow.configure(result["flow_id"])
    assert result["errors"] == {"base": "invalid_client"}


async def test_code_expired(
    hass: HomeAssistant, flow: SignIn, https_url: str, fake_dsm: FakeDsm
) -> None:
    """A code redeemed after 180 seconds is refused."""
    result = await flow.submit_sso(await flow.to_sso_form(https_url), https_url)
    redirect = await flow.authorize(result)
    fake_dsm.store.clock = lambda: time.time() + 181
    assert await flow.call_back(redirect) == 200
    result = await flow.configure(result["flow_id"])
    assert result["errors"] == {"base": "code_refused"}


async def test_user_cancels_at_sso_server(
    hass: HomeAssistant, flow: SignIn, https_url: str, fake_dsm: FakeDsm
) -> None:
    """Cancelling on SSO Server's page ends the flow with its error."""
    fake_dsm.sso.auto_approve_as = None
    result = await flow.submit_sso(await flow.to_sso_form(https_url), https_url)
    page = await flow.browser.submit(result["url"], {"action": "cancel"})
    assert page.location is not None
    assert await flow.call_back(page.location) == 200
    result = await flow.configure(result["flow_id"])
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "user_rejected_authorize"
    assert result["description_placeholders"] == {"error": "access_denied"}


async def test_other_idp_error(
    hass: HomeAssistant, flow: SignIn, https_url: str, fake_dsm: FakeDsm
) -> None:
    """An OAuth error the flow has no advice for is named: here a PKCE downgrade."""
    result = await flow.submit_sso(await flow.to_sso_form(https_url), https_url)
    # Someone removed the challenge on the way: SSO Server then refuses the verifier.
    stripped = URL(result["url"]).without_query_params(
        "code_challenge", "code_challenge_method"
    )
    page = await flow.browser.open(stripped)
    assert page.location is not None
    assert await flow.call_back(page.location) == 200
    result = await flow.configure(result["flow_id"])
    assert result["errors"] == {"base": "sso_refused"}
    assert result["description_placeholders"]["error"] == "invalid_request"


@pytest.mark.parametrize(
    ("prepare", "sso_url", "error", "placeholders"),
    [
        ("nothing", "ftp://nas", "invalid_url", {}),
        (
            "server_url",
            None,
            "issuer_mismatch",
            {"issuer": "https://nas.example:5001/webman/sso"},
        ),
        ("not_found", None, "sso_unavailable", {}),
        ("unreachable", "https://127.0.0.1:9", "cannot_connect", {}),
    ],
)
async def test_discovery_errors(
    hass: HomeAssistant,
    flow: SignIn,
    https_url: str,
    fake_dsm: FakeDsm,
    prepare: str,
    sso_url: str | None,
    error: str,
    placeholders: dict[str, str],
) -> None:
    """An SSO address without a matching OIDC provider is explained on the form."""
    result = await flow.to_sso_form(https_url)
    if prepare == "server_url":
        fake_dsm.sso.server_url = "https://nas.example:5001"
    elif prepare == "not_found":
        fake_dsm.faults.fail_http(404)
    result = await flow.submit_sso(result, sso_url or https_url)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": error}
    assert (
        result["description_placeholders"]
        == {"redirect_uri": REDIRECT_URI} | placeholders
    )


async def test_dsm_refuses_then_password(
    hass: HomeAssistant, flow: SignIn, https_url: str, fake_dsm: FakeDsm
) -> None:
    """A NAS that does not accept SSO sign-in says so and offers the password form."""
    fake_dsm.store.accept_sso_sign_in = False
    result = await flow.sign_in(https_url)
    assert result["step_id"] == "credentials"
    assert result["errors"] == {"base": "sso_not_accepted"}
    schema = result["data_schema"].schema
    assert next(k for k in schema if k == CONF_USERNAME).description == {
        "suggested_value": DEMO_USER
    }
    # Nothing was half-created: no session on the NAS, no entry.
    assert fake_dsm.store.sessions == {}
    assert hass.config_entries.async_entries(DOMAIN) == []

    result = await flow.configure(
        result["flow_id"], {CONF_USERNAME: DEMO_USER, CONF_PASSWORD: DEMO_PASSWORD}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_AUTH_METHOD] == AuthMethod.PASSWORD
    assert result["result"].unique_id == UNIQUE_ID


async def test_sign_in_without_a_session_left_over(
    hass: HomeAssistant, flow: SignIn, https_url: str, fake_dsm: FakeDsm
) -> None:
    """When DSM opens the session but the NAS read fails, the session is closed again."""
    fake_dsm.faults.fail_api("SYNO.DSM.Info", "getinfo", 117)
    result = await flow.sign_in(https_url)
    assert result["errors"] == {"base": "cannot_connect"}
    assert fake_dsm.store.sessions == {}


async def test_same_account_with_password_is_not_a_duplicate(
    hass: HomeAssistant,
    flow: SignIn,
    https_url: str,
    fake_dsm: FakeDsm,
    config_entry: MockConfigEntry,
) -> None:
    """SSO sign-in to an account set up with a password aborts; reconfigure switches."""
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
    result = await flow.finish(await flow.submit_sso(result, https_url))
    assert result["reason"] == "reconfigure_successful"
    assert config_entry.data[CONF_AUTH_METHOD] == AuthMethod.SSO
    assert CONF_PASSWORD not in config_entry.data
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.LOADED


async def test_reconfigure_keeps_sso_settings(
    hass: HomeAssistant, flow: SignIn, https_url: str, fake_dsm: FakeDsm
) -> None:
    """Reconfiguring an SSO entry suggests its SSO Server and application."""
    entry = sso_entry(https_url, **{CONF_SSO_URL: "https://sso.example:5001"})
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    result = await flow.configure(
        result["flow_id"], {CONF_URL: https_url, CONF_VERIFY_SSL: True}
    )
    result = await flow.configure(result["flow_id"], {"next_step_id": "sso"})
    suggested = {
        key: key.description["suggested_value"]
        for key in result["data_schema"].schema
        if key.description
    }
    assert suggested == {
        CONF_SSO_URL: "https://sso.example:5001",
        CONF_CLIENT_ID: CLIENT_ID,
    }


async def test_session_end_leads_to_sso_reauth(
    hass: HomeAssistant,
    flow: SignIn,
    https_url: str,
    fake_dsm: FakeDsm,
) -> None:
    """When DSM ends the session, reauth runs SSO again: one click while signed in."""
    # The first sign-in goes through SSO Server's page; the browser keeps its cookie.
    fake_dsm.sso.auto_approve_as = None
    result = await flow.submit_sso(await flow.to_sso_form(https_url), https_url)
    page = await flow.browser.open(result["url"])
    page = await flow.browser.submit(
        result["url"],
        {"username": DEMO_USER, "password": DEMO_PASSWORD, "action": "sign_in"},
    )
    assert page.location is not None
    assert await flow.call_back(page.location) == 200
    entry = (await flow.configure(result["flow_id"]))["result"]
    await hass.async_block_till_done()
    old_sid = entry.data[CONF_SESSION_ID]

    fake_dsm.store.expire_sessions()
    await entry.runtime_data.nas_coordinator.async_refresh()
    await hass.async_block_till_done()
    # The client cannot sign in by itself: no password, no login attempt.
    assert not any(r.method == "login" for r in fake_dsm.requests)
    flows = hass.config_entries.flow.async_progress()
    assert [f["context"]["source"] for f in flows] == ["reauth"]
    result = await flow.configure(flows[0]["flow_id"])
    assert result["step_id"] == "reauth_sso"
    assert result["description_placeholders"][CONF_USERNAME] == DEMO_USER

    result = await flow.configure(flows[0]["flow_id"], {})
    # Still signed in to SSO Server: the authorization redirects at once.
    result = await flow.finish(result)
    assert result["reason"] == "reauth_successful"
    assert entry.data[CONF_SESSION_ID] != old_sid
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED


async def test_reauth_discovery_error(
    hass: HomeAssistant, flow: SignIn, https_url: str, fake_dsm: FakeDsm
) -> None:
    """A reauth whose SSO Server is gone says so on the reauth form."""
    entry = sso_entry(https_url)
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress()
    fake_dsm.faults.fail_http(404)
    result = await flow.configure(flows[0]["flow_id"], {})
    assert result["step_id"] == "reauth_sso"
    assert result["errors"] == {"base": "sso_unavailable"}


async def test_reauth_with_another_account_aborts(
    hass: HomeAssistant, flow: SignIn, https_url: str, fake_dsm: FakeDsm
) -> None:
    """Reauth cannot move the entry to another DSM user; that session is closed."""
    fake_dsm.store.add_user("other", "pw")
    fake_dsm.sso.auto_approve_as = "other"
    entry = sso_entry(https_url)
    entry.add_to_hass(hass)
    result = await entry.start_reauth_flow(hass)
    result = await flow.finish(await flow.configure(result["flow_id"], {}))
    assert result["reason"] == "wrong_account"
    assert fake_dsm.store.sessions == {}


async def test_reload_keeps_session_and_removal_ends_it(
    hass: HomeAssistant, flow: SignIn, https_url: str, fake_dsm: FakeDsm
) -> None:
    """An SSO session survives reloads (none could be opened again) and ends on removal."""
    entry = (await flow.sign_in(https_url))["result"]
    await hass.async_block_till_done()
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert entry_sessions(fake_dsm) == [DEMO_USER]
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert fake_dsm.store.sessions == {}


async def test_diagnostics_redact_sso_secrets(
    hass: HomeAssistant,
    flow: SignIn,
    https_url: str,
    hass_client: ClientSessionGenerator,
) -> None:
    """Diagnostics of an SSO entry show no session, token or application secret."""
    # Its view must be registered before the callback's test server starts.
    assert await async_setup_component(hass, "diagnostics", {})
    entry = (await flow.sign_in(https_url))["result"]
    await hass.async_block_till_done()
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    data = diagnostics["entry"]["data"]
    for key in (CONF_SESSION_ID, CONF_SYNOTOKEN, CONF_DEVICE_TOKEN, CONF_CLIENT_SECRET):
        assert data[key] == "**REDACTED**"
    assert data[CONF_CLIENT_ID] == CLIENT_ID
    text = repr(diagnostics)
    for secret in (entry.data[CONF_SESSION_ID], entry.data[CONF_SYNOTOKEN]):
        assert secret not in text


async def test_my_home_assistant_redirect(
    hass: HomeAssistant, flow: SignIn, https_url: str
) -> None:
    """With My Home Assistant loaded, the redirect URI to register is its own."""
    hass.config.components.add("my")
    result = await flow.to_sso_form(https_url)
    assert result["description_placeholders"] == {"redirect_uri": MY_AUTH_CALLBACK_PATH}


@pytest.mark.usefixtures("refused_handshakes_expected")
async def test_tls_verification(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    fake_dsm: FakeDsm,
    sso_app: FakeDsm,
    socket_enabled: None,
) -> None:
    """A certificate nobody trusts: refused with verification on, fine with it off."""
    untrusted = trustme.CA()
    context = server_tls_context(untrusted, "127.0.0.1")
    async with (
        run_simulator(sso_app, ssl_context=context) as url,
        browser_session(trust=False) as http,
    ):
        assert await async_setup_component(hass, "repairs", {})
        flow = SignIn(hass, Browser(http), hass_client_no_auth)
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


async def test_token_endpoint_down(
    hass: HomeAssistant, flow: SignIn, https_url: str, fake_dsm: FakeDsm
) -> None:
    """SSO Server failing between sign-in and code redemption is a connection error."""
    result = await flow.submit_sso(await flow.to_sso_form(https_url), https_url)
    redirect = await flow.authorize(result)
    fake_dsm.faults.fail_http(503)
    assert await flow.call_back(redirect) == 200
    result = await flow.configure(result["flow_id"])
    assert result["step_id"] == "sso"
    assert result["errors"] == {"base": "cannot_connect"}


async def test_reauth_refused_switches_to_password(
    hass: HomeAssistant, flow: SignIn, https_url: str, fake_dsm: FakeDsm
) -> None:
    """A NAS that stopped accepting SSO sign-in is reauthenticated with the password."""
    fake_dsm.store.accept_sso_sign_in = False
    entry = sso_entry(https_url)
    entry.add_to_hass(hass)
    result = await entry.start_reauth_flow(hass)
    result = await flow.finish(await flow.configure(result["flow_id"], {}))
    assert result["step_id"] == "credentials"
    assert result["errors"] == {"base": "sso_not_accepted"}
    result = await flow.configure(
        result["flow_id"], {CONF_USERNAME: DEMO_USER, CONF_PASSWORD: DEMO_PASSWORD}
    )
    assert result["reason"] == "reauth_successful"
    assert entry.data[CONF_AUTH_METHOD] == AuthMethod.PASSWORD
    assert CONF_SESSION_ID not in entry.data


@pytest.mark.usefixtures("refused_handshakes_expected")
async def test_sso_server_certificate_checked(
    hass: HomeAssistant, flow: SignIn, https_url: str, sso_app: FakeDsm
) -> None:
    """With verification on, an SSO Server with an untrusted certificate is refused."""
    result = await flow.to_sso_form(https_url)
    context = server_tls_context(trustme.CA(), "127.0.0.1")
    async with run_simulator(sso_app, ssl_context=context) as untrusted_url:
        result = await flow.submit_sso(result, untrusted_url)
    assert result["errors"] == {"base": "ssl_error"}
