"""DSM's OpenID Connect sign-in in the client, without Home Assistant.

The simulator plays DSM and its identity provider over plain HTTP here (the client does not
check the scheme; the config flow does). Answers a real NAS might give but the simulator
never does come from a small stub.
"""

from typing import Any

import aiohttp
from aiohttp import web
import pytest
from yarl import URL

from custom_components.synology_native.api import (
    DsmClient,
    DsmHttpError,
    DsmInvalidOtpError,
    DsmOtpRequiredError,
    DsmResponseError,
    DsmSessionExpiredError,
    DsmSsoRefusedError,
    DsmSsoUnavailableError,
    SsoLandingError,
    SsoLandingProblem,
    SsoSignIn,
    second_factor_token,
)
from custom_components.synology_native.api.auth import CURRENT_USER, account_of
from tests.browser import Browser, browser_session
from tests.fake_dsm import FakeDsm, totp_code
from tests.fake_dsm.store import DEMO_OTP_SECRET, DEMO_OTP_USER, DEMO_USER

SIGN_IN = SsoSignIn("https://idp.example/authorize?state=s1", "s1")


@pytest.fixture
def client(http: aiohttp.ClientSession, dsm_url: str, fake_dsm: FakeDsm) -> DsmClient:
    """Give a client of a NAS whose SSO Client uses its own provider."""
    fake_dsm.sso.enable_dsm_sso_client(dsm_url)
    fake_dsm.sso.auto_approve_as = DEMO_USER
    return DsmClient(http, dsm_url)


async def landing(sign_in: SsoSignIn) -> URL:
    """Sign in at the provider in a browser; return the address it lands on."""
    async with browser_session() as http:
        page = await Browser(http).open(sign_in.url)
    assert page.location is not None
    return page.location


async def test_sign_in_opens_a_session_for_the_named_user(client: DsmClient) -> None:
    """DSM redeems the code; the client learns whose session it is and keeps it."""
    sign_in = await client.start_sso()
    assert URL(sign_in.url).query["state"] == sign_in.state
    code = sign_in.code_from(str(await landing(sign_in)))
    session = await client.login_sso(sign_in, code)
    assert session.account == DEMO_USER
    assert session.device_token is None
    assert client.session is session
    assert client.credentials is None


async def test_refusal_and_renewal(client: DsmClient, fake_dsm: FakeDsm) -> None:
    """A used code is refused; an ended SSO session cannot be renewed by the client."""
    sign_in = await client.start_sso()
    code = sign_in.code_from(str(await landing(sign_in)))
    await client.login_sso(sign_in, code)
    with pytest.raises(DsmSsoRefusedError):
        await client.login_sso(sign_in, code)
    fake_dsm.store.expire_sessions()
    with pytest.raises(DsmSessionExpiredError):
        await client.call(CURRENT_USER)


async def test_second_factor(client: DsmClient, fake_dsm: FakeDsm) -> None:
    """A 2-step account continues with DSM's token and a code, and gets a device token."""
    fake_dsm.sso.auto_approve_as = DEMO_OTP_USER
    sign_in = await client.start_sso()
    code = sign_in.code_from(str(await landing(sign_in)))
    with pytest.raises(DsmOtpRequiredError) as required:
        await client.login_sso(sign_in, code)
    token = second_factor_token(required.value.detail)
    with pytest.raises(DsmInvalidOtpError):
        await client.login_sso_second_factor(token, "000000")
    session = await client.login_sso_second_factor(token, totp_code(DEMO_OTP_SECRET))
    assert session.account == DEMO_OTP_USER
    assert session.device_token is not None
    assert fake_dsm.store.device_tokens[session.device_token][0] == DEMO_OTP_USER

    # The trusted device skips the code at the next single sign-on.
    sign_in = await client.start_sso()
    code = sign_in.code_from(str(await landing(sign_in)))
    again = await client.login_sso(sign_in, code, session.device_token)
    assert again.device_token == session.device_token


async def test_sso_client_off(client: DsmClient, fake_dsm: FakeDsm) -> None:
    """A NAS without a working SSO Client offers no sign-in link."""
    fake_dsm.store.sso_client.enabled = False
    with pytest.raises(DsmSsoUnavailableError):
        await client.start_sso()


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (200, b"<!doctype html><title>DSM</title>", DsmSsoUnavailableError),
        (200, b'{"success":true,"data":{}}', DsmResponseError),
        (
            200,
            b'{"success":true,"data":{"url":"javascript:alert(1)"}}',
            DsmResponseError,
        ),
        (404, b"", DsmHttpError),
    ],
)
async def test_odd_link_answers(
    http: aiohttp.ClientSession,
    aiohttp_server: Any,
    socket_enabled: None,
    status: int,
    body: bytes,
    error: type[Exception],
) -> None:
    """A web UI page instead of an answer, or an answer without a usable URL."""

    async def answer(request: web.Request) -> web.Response:
        return web.Response(status=status, body=body)

    app = web.Application()
    app.router.add_get("/index.cgi", answer)
    server = await aiohttp_server(app)
    with pytest.raises(error):
        await DsmClient(http, str(server.make_url(""))).start_sso()


@pytest.mark.parametrize(
    ("pasted", "code"),
    [
        ("https://nas:5001/?code=abc&state=s1", "abc"),
        ("https://nas:5001?state=s1&code=abc", "abc"),
        ("?code=abc&state=s1", "abc"),
        # auth.md §8.2: a redirect URI with a fragment brings them after the '#'.
        ("https://nas:5001/#/signin?code=abc&state=s1", "abc"),
        ("https://nas:5001/#code=abc&state=s1", "abc"),
        ("https://nas:5001/?code=abc&state=s1#/signin?code=old", "abc"),
    ],
)
def test_code_from_landing(pasted: str, code: str) -> None:
    """The full address or its query, with this sign-in's state."""
    assert SIGN_IN.code_from(pasted) == code


@pytest.mark.parametrize(
    ("pasted", "problem", "provider_error"),
    [
        ("", SsoLandingProblem.NO_CODE, ""),
        ("  abc  ", SsoLandingProblem.CODE_ONLY, ""),
        ("https://nas:5001/", SsoLandingProblem.NO_CODE, ""),
        ("https://nas:5001/?code=&state=s1", SsoLandingProblem.NO_CODE, ""),
        ("https://nas:5001/?code=abc", SsoLandingProblem.WRONG_STATE, ""),
        ("https://nas:5001/?code=abc&state=s2", SsoLandingProblem.WRONG_STATE, ""),
        ("https://nas:5001/#/signin?code=abc", SsoLandingProblem.WRONG_STATE, ""),
        ("https://nas:5001/#/signin", SsoLandingProblem.NO_CODE, ""),
        (
            "https://nas:5001/?error=access_denied&state=s1",
            SsoLandingProblem.PROVIDER_ERROR,
            "access_denied",
        ),
        (
            "https://nas:5001/?error=%3Cscript%3E",
            SsoLandingProblem.PROVIDER_ERROR,
            "unknown",
        ),
    ],
)
def test_unusable_landing(
    pasted: str, problem: SsoLandingProblem, provider_error: str
) -> None:
    """What cannot finish this sign-in, and the provider's error only when it is a word."""
    with pytest.raises(SsoLandingError) as caught:
        SIGN_IN.code_from(pasted)
    assert caught.value.problem is problem
    assert caught.value.provider_error == provider_error


@pytest.mark.parametrize(
    ("url", "host"),
    [
        (
            "https://idp/authorize?redirect_uri=https%3A%2F%2FNAS.lan%3A5001&state=1",
            "nas.lan",
        ),
        ("https://idp/authorize?redirect_uri=https%3A%2F%2Fnas%2F%23%2Fsignin", "nas"),
        ("https://idp/authorize?client_id=x", None),
        ("https://idp/authorize?redirect_uri=signin", None),
    ],
)
def test_redirect_host(url: str, host: str | None) -> None:
    """The host the provider sends the browser back to, compared with the entry's."""
    assert SsoSignIn(url, "s").redirect_host == host


def test_malformed_answers() -> None:
    """A 403 without a token to continue, or a user read without a name."""
    with pytest.raises(DsmResponseError):
        second_factor_token({"types": [{"type": "otp"}]})
    with pytest.raises(
        DsmResponseError, match=r"Auth\.login: error\.errors\.token is empty"
    ):
        second_factor_token({"token": ""})
    with pytest.raises(DsmResponseError):
        account_of({"fullname": "Demo"})
    with pytest.raises(
        DsmResponseError, match=r"NormalUser\.get: data\.username is empty"
    ):
        account_of({"username": ""})
    assert account_of({"username": "demo"}) == "demo"
