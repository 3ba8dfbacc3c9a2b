"""Wire-level tests of the simulated SSO Server and of DSM's SSO Client that uses it."""

import base64
from collections.abc import AsyncIterator
import hashlib
import json
import ssl
from typing import Any

import aiohttp
import jwt
import pytest
import trustme
from yarl import URL

from tests.browser import Browser, browser_session
from tests.fake_dsm import FakeDsm, run_simulator, server_tls_context
from tests.fake_dsm.auth import totp_code
from tests.fake_dsm.sso import DSM_CLIENT_ID, TOKEN_LIFETIME
from tests.fake_dsm.store import (
    DEMO_OTP_SECRET,
    DEMO_OTP_USER,
    DEMO_PASSWORD,
    DEMO_USER,
)
from tests.test_fake_dsm import Clock

pytestmark = pytest.mark.usefixtures("socket_enabled")

REDIRECT = "https://ha.example/auth/external/callback"
CLIENT_ID = "ha-app"
SECRET = "ha-app-secret"
PUBLIC_ID = "ha-public"
VERIFIER = "v" * 64


def challenge(verifier: str) -> str:
    """Return the S256 code challenge of `verifier` (RFC 7636 §4.2)."""
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


class Sso:
    """A relying party's view of the simulator: endpoints, a browser, the token call."""

    def __init__(self, base_url: str, browser: Browser) -> None:
        """Talk to the simulator at `base_url` through `browser`."""
        self.base_url = base_url
        self.browser = browser
        self.http = browser.http

    async def browser_get(self, path: str) -> tuple[int, str]:
        """GET a path of the NAS; return the status and the text."""
        async with self.http.get(self.base_url + path) as resp:
            return resp.status, await resp.text()

    def url(self, path: str) -> str:
        """Return the URL of an SSO Server path."""
        return f"{self.base_url}/webman/sso/{path}"

    def authorize_url(self, **params: str) -> URL:
        """Return an authorization request of the confidential app, with PKCE S256."""
        query = {
            "response_type": "code",
            "client_id": CLIENT_ID,
            "redirect_uri": REDIRECT,
            "scope": "openid email groups",
            "state": "state-1",
            "nonce": "nonce-1",
            "code_challenge": challenge(VERIFIER),
            "code_challenge_method": "S256",
        } | params
        return URL(self.url("SSOOauth.cgi")).with_query(query)

    async def code(self, **params: str) -> str:
        """Authorize (the user is signed in) and return the code of the redirect."""
        page = await self.browser.open(self.authorize_url(**params))
        assert page.status == 302, page.text
        assert page.location is not None
        assert page.location.query["state"] == params.get("state", "state-1")
        return page.location.query["code"]

    async def token(self, **form: str) -> tuple[int, dict[str, Any]]:
        """POST to the token endpoint; return the status and the JSON body."""
        defaults = {
            "grant_type": "authorization_code",
            "redirect_uri": REDIRECT,
            "client_id": CLIENT_ID,
            "client_secret": SECRET,
            "code_verifier": VERIFIER,
        }
        fields = {name: value for name, value in (defaults | form).items() if value}
        async with self.http.post(self.url("SSOAccessToken.cgi"), data=fields) as resp:
            return resp.status, await resp.json()

    async def dsm_login(self, **params: str) -> dict[str, Any]:
        """Call DSM's SYNO.API.Auth `login` v6 and return the JSON body."""
        form = {"api": "SYNO.API.Auth", "version": "6", "method": "login"} | params
        async with self.http.post(
            f"{self.base_url}/webapi/entry.cgi", data=form
        ) as resp:
            body: dict[str, Any] = await resp.json()
            return body


@pytest.fixture
def clock() -> Clock:
    """Return the clock the simulator runs on."""
    return Clock(1_800_000_000.0)


@pytest.fixture
def sim(clock: Clock) -> FakeDsm:
    """Return a demo NAS with a confidential and a public application."""
    dsm = FakeDsm(demo=True)
    dsm.store.clock = clock
    dsm.sso.register_application(CLIENT_ID, [REDIRECT], SECRET)
    dsm.sso.register_application(PUBLIC_ID, [REDIRECT])
    dsm.sso.auto_approve_as = DEMO_USER
    return dsm


@pytest.fixture
async def sso(sim: FakeDsm) -> AsyncIterator[Sso]:
    """Serve the simulator on loopback and yield a relying party for it."""
    async with run_simulator(sim) as base_url, browser_session() as http:
        yield Sso(base_url, Browser(http))


async def test_discovery_and_keys(sso: Sso) -> None:
    """Discovery names the endpoints below the issuer; JWKS publishes one RS256 key."""
    async with sso.http.get(sso.url(".well-known/openid-configuration")) as resp:
        document = await resp.json()
    issuer = f"{sso.base_url}/webman/sso"
    assert document["issuer"] == issuer
    assert document["token_endpoint"] == f"{issuer}/SSOAccessToken.cgi"
    assert document["code_challenge_methods_supported"] == ["S256", "plain"]
    assert "refresh_token" not in document["grant_types_supported"]
    async with sso.http.get(document["jwks_uri"]) as resp:
        keys = (await resp.json())["keys"]
    assert [(key["kty"], key["alg"], "d" in key) for key in keys] == [
        ("RSA", "RS256", False)
    ]


async def test_configured_server_url_is_the_issuer(sso: Sso, sim: FakeDsm) -> None:
    """SSO Server's "Server URL" setting, not the request, makes the issuer."""
    sim.sso.server_url = "https://nas.example:5001/"
    async with sso.http.get(sso.url(".well-known/openid-configuration")) as resp:
        document = await resp.json()
    assert document["issuer"] == "https://nas.example:5001/webman/sso"
    assert document["jwks_uri"].startswith("https://nas.example:5001/")


async def test_code_flow_with_pkce(sso: Sso, sim: FakeDsm) -> None:
    """The code buys a 180-s access token and an RS256 ID token; no refresh token."""
    status, tokens = await sso.token(code=await sso.code())
    assert status == 200
    assert tokens["expires_in"] == TOKEN_LIFETIME
    assert "refresh_token" not in tokens
    async with sso.http.get(sso.url("openid-jwks.json")) as resp:
        keys = jwt.PyJWKSet.from_dict(await resp.json())
    claims = jwt.decode(
        tokens["id_token"],
        keys.keys[0],
        algorithms=["RS256"],
        audience=CLIENT_ID,
        options={"verify_exp": False, "verify_iat": False},
    )
    assert claims["iss"] == f"{sso.base_url}/webman/sso"
    assert claims["sub"] == claims["username"] == DEMO_USER
    assert claims["nonce"] == "nonce-1"
    assert claims["exp"] - claims["iat"] == TOKEN_LIFETIME
    assert claims["groups"] == ["users"]


async def test_code_is_good_once(sso: Sso) -> None:
    """A redeemed code is refused the second time."""
    code = await sso.code()
    assert (await sso.token(code=code))[0] == 200
    status, body = await sso.token(code=code)
    assert (status, body["error"]) == (400, "invalid_grant")


async def test_public_client(sso: Sso) -> None:
    """An application without a secret redeems with PKCE only."""
    code = await sso.code(client_id=PUBLIC_ID)
    status, tokens = await sso.token(code=code, client_id=PUBLIC_ID, client_secret="")
    assert status == 200
    assert "id_token" in tokens


@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({"code_verifier": "w" * 64}, "invalid_grant"),
        ({"code_verifier": ""}, "invalid_request"),
        ({"redirect_uri": "https://ha.example/other"}, "invalid_grant"),
        ({"client_secret": "wrong"}, "invalid_client"),
        ({"client_id": "nobody"}, "invalid_app_id"),
    ],
)
async def test_token_endpoint_refusals(
    sso: Sso, form: dict[str, str], error: str
) -> None:
    """PKCE, redirect URI and client checks answer the OAuth errors auth.md lists."""
    status, body = await sso.token(code=await sso.code(), **form)
    assert status in (400, 401)
    assert body["error"] == error


async def test_code_expires_after_180_seconds(sso: Sso, clock: Clock) -> None:
    """A code older than its lifetime is refused."""
    code = await sso.code()
    clock.now += TOKEN_LIFETIME + 1
    status, body = await sso.token(code=code)
    assert (status, body["error"]) == (400, "invalid_grant")


async def test_authorization_errors(sso: Sso) -> None:
    """Requests that cannot be redirected get an error page; others redirect the error."""
    page = await sso.browser.open(sso.authorize_url(client_id="nobody"))
    assert (page.status, page.location) == (400, None)
    assert "invalid_client" in page.text
    page = await sso.browser.open(
        sso.authorize_url(redirect_uri="https://evil.example/")
    )
    assert (page.status, page.location) == (400, None)
    page = await sso.browser.open(sso.authorize_url(scope="openid admin"))
    assert page.location is not None
    assert page.location.query["error"] == "invalid_scope"
    assert page.location.query["state"] == "state-1"


async def test_replayed_nonce_is_refused(sso: Sso) -> None:
    """The same nonce twice by one application is a replay."""
    await sso.code()
    page = await sso.browser.open(sso.authorize_url())
    assert page.location is not None
    assert page.location.query["error"] == "invalid_request"


async def test_sign_in_page_then_one_click(sso: Sso, sim: FakeDsm) -> None:
    """Without a signed-in browser a page asks for the DSM password, once."""
    sim.sso.auto_approve_as = None
    url = sso.authorize_url()
    page = await sso.browser.open(url)
    assert page.status == 200
    assert 'name="password"' in page.text
    page = await sso.browser.submit(url, {"username": DEMO_USER, "password": "no"})
    assert "Wrong account or password" in page.text
    page = await sso.browser.submit(
        url, {"username": DEMO_USER, "password": DEMO_PASSWORD, "action": "sign_in"}
    )
    assert page.location is not None
    assert "code" in page.location.query
    # Signed in now: the next authorization redirects at once.
    assert await sso.code(nonce="nonce-2")


async def test_cancel_on_sign_in_page(sso: Sso, sim: FakeDsm) -> None:
    """Cancelling redirects back with access_denied."""
    sim.sso.auto_approve_as = None
    page = await sso.browser.submit(sso.authorize_url(), {"action": "cancel"})
    assert page.location is not None
    assert page.location.query["error"] == "access_denied"


async def test_userinfo(sso: Sso, clock: Clock) -> None:
    """Userinfo answers a live bearer token's claims; errors as reported (§7.2)."""
    _, tokens = await sso.token(code=await sso.code())
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    async with sso.http.get(sso.url("SSOUserInfo.cgi"), headers=bearer) as resp:
        assert await resp.json() == {
            "sub": DEMO_USER,
            "username": DEMO_USER,
            "groups": ["users"],
        }
    async with sso.http.get(sso.url("SSOUserInfo.cgi")) as resp:
        assert (resp.status, (await resp.json())["error"]) == (401, "invalid_request")
    async with sso.http.post(sso.url("SSOUserInfo.cgi"), headers=bearer) as resp:
        assert resp.status == 405
    clock.now += TOKEN_LIFETIME
    async with sso.http.get(sso.url("SSOUserInfo.cgi"), headers=bearer) as resp:
        assert (resp.status, (await resp.json())["error"]) == (401, "invalid_token")


async def dsm_code(sso: Sso, sim: FakeDsm) -> str:
    """Open DSM's own sign-in link (the user is signed in); return the code it lands with."""
    _status, text = await sso.browser_get("/index.cgi?action=oidcauthurl&method=oidc")
    url = URL(json.loads(text)["data"]["url"]).update_query(state="s" * 64)
    page = await sso.browser.open(url)
    assert page.location is not None
    assert str(page.location.with_query(None)).rstrip("/") == sso.base_url
    return page.location.query["code"]


def sso_login(code: str, **params: str) -> dict[str, str]:
    """Return DSM's OpenID Connect login parameters (auth.md §8.1)."""
    return {
        "type": "sso",
        "server": "oidc",
        "code": code,
        "state": "s" * 64,
        "format": "sid",
        "enable_syno_token": "yes",
    } | params


async def test_authorization_url(sso: Sso, sim: FakeDsm) -> None:
    """`oidcauthurl` answers DSM's authorization URL once the SSO Client is set up."""
    path = "/index.cgi?action=oidcauthurl&method=oidc"
    assert await sso.browser_get(path) == (
        200,
        '{"error": {"code": 100}, "success": false}',
    )
    sim.sso.enable_dsm_sso_client(sso.base_url)
    _, text = await sso.browser_get(path)
    url = URL(json.loads(text)["data"]["url"])
    assert str(url.with_query(None)) == sso.url("SSOOauth.cgi")
    assert dict(url.query) == {
        "client_id": DSM_CLIENT_ID,
        "redirect_uri": sso.base_url,
        "scope": "openid email groups",
        "response_type": "code",
    }
    _status, text = await sso.browser_get("/index.cgi?action=oidcauthurl&method=azure")
    assert json.loads(text)["success"] is False


async def test_root_page(sso: Sso) -> None:
    """DSM's root page: the front page, or where the browser landed after sign-in."""
    status, text = await sso.browser_get("/")
    assert status == 200
    assert "Synology DSM (simulated)" in text
    assert "paste" not in text
    status, text = await sso.browser_get("/?code=abc&state=s1")
    assert "paste it into Home Assistant" in text
    assert "code=abc&amp;state=s1" in text
    status, text = await sso.browser_get("/?error=%3Cb%3Eaccess_denied")
    assert "&lt;b&gt;access_denied" in text


async def test_sso_login(sso: Sso, sim: FakeDsm) -> None:
    """DSM redeems the code server-side, once; the session is the claimed user's."""
    sim.sso.enable_dsm_sso_client(sso.base_url)
    code = await dsm_code(sso, sim)
    body = await sso.dsm_login(**sso_login(code))
    data = body["data"]
    assert set(data) == {"did", "is_portal_port", "sid", "synotoken"}
    session = sim.store.sessions[data["sid"]]
    assert session.user.name == DEMO_USER
    assert session.synotoken == data["synotoken"]
    assert sim.sso.codes == {}
    assert (await sso.dsm_login(**sso_login(code)))["error"] == {"code": 400}


async def test_sso_login_refusals(sso: Sso, sim: FakeDsm, clock: Clock) -> None:
    """What DSM refuses: other profiles, missing code, SSO off, unknown or disabled users."""
    sim.sso.enable_dsm_sso_client(sso.base_url)
    code = await dsm_code(sso, sim)
    assert (await sso.dsm_login(**sso_login(code, server="azure")))["error"] == {
        "code": 400
    }
    missing = sso_login(code)
    del missing["code"]
    assert (await sso.dsm_login(**missing))["error"]["code"] == 114
    sim.store.sso_client.enabled = False
    assert (await sso.dsm_login(**sso_login(code)))["error"] == {"code": 400}
    sim.store.sso_client.enabled = True
    sim.store.users[DEMO_USER].disabled = True
    assert (await sso.dsm_login(**sso_login(code)))["error"] == {"code": 401}
    sim.store.users[DEMO_USER].disabled = False
    sim.sso.claim_overrides = {"username": "nobody"}
    code = await dsm_code(sso, sim)
    assert (await sso.dsm_login(**sso_login(code)))["error"] == {"code": 400}
    sim.sso.claim_overrides = {}
    code = await dsm_code(sso, sim)
    clock.now += TOKEN_LIFETIME + 1
    assert (await sso.dsm_login(**sso_login(code)))["error"] == {"code": 400}
    assert sim.store.sessions == {}


async def test_sso_login_with_second_factor(
    sso: Sso, sim: FakeDsm, clock: Clock
) -> None:
    """A 2-step account: 403 with a token; the token and a code finish the sign-in."""
    sim.sso.enable_dsm_sso_client(sso.base_url)
    sim.sso.auto_approve_as = DEMO_OTP_USER
    body = await sso.dsm_login(**sso_login(await dsm_code(sso, sim)))
    assert body["error"]["code"] == 403
    token = body["error"]["errors"]["token"]
    continued = {
        "account": "",
        "passwd": token,
        "otp_code": totp_code(DEMO_OTP_SECRET, clock.now),
        "enable_device_token": "yes",
        "device_name": "Home Assistant",
        "format": "sid",
    }
    data = (await sso.dsm_login(**continued))["data"]
    assert sim.store.sessions[data["sid"]].user.name == DEMO_OTP_USER
    assert sim.store.device_tokens[data["did"]] == (DEMO_OTP_USER, "Home Assistant")
    # The token works for one sign-in, and not for long.
    clock.now += 30
    continued["otp_code"] = totp_code(DEMO_OTP_SECRET, clock.now)
    assert (await sso.dsm_login(**continued))["error"] == {"code": 400}
    body = await sso.dsm_login(**sso_login(await dsm_code(sso, sim)))
    continued["passwd"] = body["error"]["errors"]["token"]
    clock.now += 11 * 60
    continued["otp_code"] = totp_code(DEMO_OTP_SECRET, clock.now)
    assert (await sso.dsm_login(**continued))["error"] == {"code": 400}


@pytest.mark.usefixtures("refused_handshakes_expected")
async def test_tls(sim: FakeDsm) -> None:
    """With a server context the simulator speaks HTTPS only to clients trusting its CA."""
    ca = trustme.CA()
    trusting = ssl.create_default_context()
    ca.configure_trust(trusting)
    discovery = "/webman/sso/.well-known/openid-configuration"
    async with run_simulator(
        sim, ssl_context=server_tls_context(ca, "127.0.0.1")
    ) as url:
        assert url.startswith("https://")
        async with browser_session(trusting) as http:
            page = await Browser(http).open(url + discovery)
        assert page.status == 200
        async with browser_session() as http:
            with pytest.raises(aiohttp.ClientConnectorCertificateError):
                await Browser(http).open(url + discovery)
