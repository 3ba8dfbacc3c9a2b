"""The SSO Server client and the DSM exchange without Home Assistant.

Well-formed behaviour is checked against the simulator; answers a real server might give
but the simulator never does (broken documents, odd keys) come from a small stub.
"""

from collections.abc import AsyncIterator, Callable
import hashlib
import json
import time
from typing import Any

import aiohttp
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa
import jwt
import pytest

from custom_components.synology_native.api import (
    DsmClient,
    DsmHttpError,
    DsmSessionExpiredError,
    DsmSsoRefusedError,
    DsmSystem,
    IdTokenProblem,
    SsoApplication,
    SsoClient,
    SsoIdTokenError,
    SsoIssuerMismatchError,
    SsoProvider,
    SsoResponseError,
    SsoTokenRequestError,
    SsoTokens,
    exchange_sso_sign_in,
)
from custom_components.synology_native.api.sso import account_from_claims
from tests.browser import Browser, browser_session
from tests.conftest import DEMO_USER
from tests.fake_dsm import FakeDsm
from tests.fake_dsm.catalog import ApiEntry

CLIENT = SsoApplication("rp", "rp-secret")
REDIRECT = "https://ha.example/auth/external/callback"
ISSUER_PATH = "/webman/sso"


class StubProvider:
    """An OIDC provider whose every answer a test sets; it records token requests."""

    def __init__(self) -> None:
        """Sign with one fresh key unless a test publishes others."""
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.answers: dict[str, tuple[int, bytes]] = {}
        self.token_forms: list[dict[str, str]] = []
        self.url = ""

    def public_jwk(self, key: rsa.RSAPrivateKey, kid: str | None) -> dict[str, Any]:
        """Return the JWK of key's public half."""
        jwk = jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
        return jwk | ({"kid": kid} if kid else {})

    def answer(self, path: str, body: Any, status: int = 200) -> None:
        """Answer GET or POST of path with body (bytes as they are, else JSON)."""
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.answers[path] = (status, raw)

    def serve_discovery(self, issuer: str | None = None) -> None:
        """Publish a discovery document for this stub."""
        base = self.url + ISSUER_PATH
        self.answer(
            f"{ISSUER_PATH}/.well-known/openid-configuration",
            {
                "issuer": issuer or base,
                "authorization_endpoint": f"{base}/authorize",
                "token_endpoint": f"{base}/token",
                "jwks_uri": f"{base}/jwks",
            },
        )

    def id_token(
        self,
        claims: dict[str, Any] | None = None,
        *,
        kid: str | None = "k1",
        key: rsa.RSAPrivateKey | None = None,
    ) -> str:
        """Sign a valid ID token for CLIENT, with claims changed or removed (None)."""
        now = int(time.time())
        payload = {
            "iss": self.url + ISSUER_PATH,
            "aud": CLIENT.client_id,
            "sub": DEMO_USER,
            "username": DEMO_USER,
            "iat": now,
            "exp": now + 180,
            "nonce": "n-1",
        } | (claims or {})
        payload = {name: value for name, value in payload.items() if value is not None}
        headers = {"kid": kid} if kid else {}
        return jwt.encode(payload, key or self.key, algorithm="RS256", headers=headers)

    async def handle(self, request: web.Request) -> web.Response:
        """Answer from the table; record token requests."""
        if request.method == "POST":
            self.token_forms.append(dict(await request.post()))  # type: ignore[arg-type]
        status, body = self.answers.get(request.path, (404, b"not found"))
        return web.Response(status=status, body=body)


@pytest.fixture
async def stub(socket_enabled: None) -> AsyncIterator[StubProvider]:
    """Serve a stub provider on loopback."""
    provider = StubProvider()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", provider.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    provider.url = f"http://{host}:{port}"
    provider.answer(
        f"{ISSUER_PATH}/jwks", {"keys": [provider.public_jwk(provider.key, "k1")]}
    )
    yield provider
    await runner.cleanup()


def provider_of(stub: StubProvider) -> SsoProvider:
    """Return the endpoints the stub's discovery document would name."""
    base = stub.url + ISSUER_PATH
    return SsoProvider(base, f"{base}/authorize", f"{base}/token", f"{base}/jwks")


async def test_discovery(stub: StubProvider, http: aiohttp.ClientSession) -> None:
    """The document's endpoints are used as they are, once the issuer matches."""
    stub.serve_discovery()
    provider = await SsoClient(http, stub.url + "/").discover()
    assert provider == provider_of(stub)


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        ([], 200, SsoResponseError),
        ({"issuer": "x"}, 200, SsoResponseError),
        (b"<html>", 200, SsoResponseError),
        (b"not here", 404, DsmHttpError),
    ],
)
async def test_discovery_failures(
    stub: StubProvider,
    http: aiohttp.ClientSession,
    body: Any,
    status: int,
    error: type[Exception],
) -> None:
    """No document, or one without the endpoints, is not an OpenID provider."""
    stub.answer(f"{ISSUER_PATH}/.well-known/openid-configuration", body, status)
    with pytest.raises(error):
        await SsoClient(http, stub.url).discover()


async def test_issuer_mismatch(stub: StubProvider, http: aiohttp.ClientSession) -> None:
    """A Server URL without the port shows as an issuer for another address."""
    stub.serve_discovery(issuer="https://nas.example/webman/sso")
    with pytest.raises(SsoIssuerMismatchError) as caught:
        await SsoClient(http, stub.url).discover()
    assert caught.value.advertised == "https://nas.example/webman/sso"
    assert caught.value.expected == f"{stub.url}{ISSUER_PATH}"


async def test_redeem_posts_secret_and_verifier(
    stub: StubProvider, http: aiohttp.ClientSession
) -> None:
    """The code goes with redirect URI, verifier and (confidential) the secret."""
    stub.answer(
        f"{ISSUER_PATH}/token",
        {
            "access_token": "at",
            "id_token": "it",
            "expires_in": 180,
            "token_type": "Bearer",
        },
    )
    client = SsoClient(http, stub.url)
    tokens = await client.redeem_code(
        provider_of(stub), CLIENT, code="c", redirect_uri=REDIRECT, code_verifier="v"
    )
    assert tokens == SsoTokens("at", "it", 180)
    assert "at" not in repr(tokens)
    await client.redeem_code(
        provider_of(stub),
        SsoApplication("public"),
        code="c",
        redirect_uri=REDIRECT,
        code_verifier="v",
    )
    assert stub.token_forms == [
        {
            "grant_type": "authorization_code",
            "code": "c",
            "redirect_uri": REDIRECT,
            "client_id": "rp",
            "code_verifier": "v",
            "client_secret": "rp-secret",
        },
        {
            "grant_type": "authorization_code",
            "code": "c",
            "redirect_uri": REDIRECT,
            "client_id": "public",
            "code_verifier": "v",
        },
    ]


@pytest.mark.parametrize(
    ("body", "status", "check"),
    [
        ({"error": "invalid_grant"}, 400, lambda e: e.error == "invalid_grant"),
        ({"error": "<b>Oops</b>"}, 400, lambda e: e.error == "unknown"),
        (b"Internal error", 500, lambda e: e.status == 500),
        ({"error": 7}, 401, lambda e: e.status == 401),
        ([], 200, lambda e: isinstance(e, SsoResponseError)),
        (
            {"access_token": "at", "expires_in": 180},
            200,
            lambda e: "ID token" in str(e),
        ),
    ],
)
async def test_redeem_failures(
    stub: StubProvider,
    http: aiohttp.ClientSession,
    body: Any,
    status: int,
    check: Callable[[Any], bool],
) -> None:
    """OAuth errors keep their code (only if it is one); other answers are typed."""
    stub.answer(f"{ISSUER_PATH}/token", body, status)
    with pytest.raises(
        (SsoTokenRequestError, DsmHttpError, SsoResponseError)
    ) as caught:
        await SsoClient(http, stub.url).redeem_code(
            provider_of(stub),
            CLIENT,
            code="c",
            redirect_uri=REDIRECT,
            code_verifier="v",
        )
    assert check(caught.value)


async def verify(stub: StubProvider, http: aiohttp.ClientSession, token: str) -> str:
    """Verify token as the ID token of CLIENT's sign-in with nonce n-1."""
    return await SsoClient(http, stub.url).verify_id_token(
        provider_of(stub), CLIENT, token, nonce="n-1"
    )


async def test_id_token_accepted(
    stub: StubProvider, http: aiohttp.ClientSession
) -> None:
    """A valid token names the DSM account; `sub` stands in for a missing `username`."""
    assert await verify(stub, http, stub.id_token()) == DEMO_USER
    assert await verify(stub, http, stub.id_token({"username": None})) == DEMO_USER
    # A key set of one needs no key id.
    assert await verify(stub, http, stub.id_token(kid=None)) == DEMO_USER


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda s: "not-a-jwt", IdTokenProblem.MALFORMED),
        (lambda s: s.id_token(kid="k9"), IdTokenProblem.UNKNOWN_KEY),
        (
            lambda s: jwt.encode(
                {"sub": "x"}, "shared-secret-of-32-bytes-or-more!", "HS256"
            ),
            IdTokenProblem.ALGORITHM,
        ),
        (
            lambda s: s.id_token(
                key=rsa.generate_private_key(public_exponent=65537, key_size=2048)
            ),
            IdTokenProblem.SIGNATURE,
        ),
        (
            lambda s: s.id_token({"iat": int(time.time()) + 600}),
            IdTokenProblem.NOT_YET_VALID,
        ),
        (lambda s: s.id_token({"exp": None}), IdTokenProblem.MISSING_CLAIM),
        (lambda s: s.id_token({"nonce": None}), IdTokenProblem.NONCE),
    ],
)
async def test_id_token_refused(
    stub: StubProvider,
    http: aiohttp.ClientSession,
    make: Callable[[StubProvider], str],
    problem: IdTokenProblem,
) -> None:
    """Each failed check is named, and the message never quotes the token."""
    token = make(stub)
    with pytest.raises(SsoIdTokenError) as caught:
        await verify(stub, http, token)
    assert caught.value.problem is problem
    assert token not in str(caught.value)


async def test_key_choice_without_kid(
    stub: StubProvider, http: aiohttp.ClientSession
) -> None:
    """Several published keys and a token naming none: no key is guessed."""
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    stub.answer(
        f"{ISSUER_PATH}/jwks",
        {"keys": [stub.public_jwk(stub.key, "k1"), stub.public_jwk(other, "k2")]},
    )
    with pytest.raises(SsoIdTokenError) as caught:
        await verify(stub, http, stub.id_token(kid=None))
    assert caught.value.problem is IdTokenProblem.UNKNOWN_KEY


@pytest.mark.parametrize("jwks", [{"keys": []}, [], b"{"])
async def test_unusable_key_set(
    stub: StubProvider, http: aiohttp.ClientSession, jwks: Any
) -> None:
    """A JWKS without a usable key fails before any token is trusted."""
    stub.answer(f"{ISSUER_PATH}/jwks", jwks)
    with pytest.raises(SsoResponseError):
        await verify(stub, http, stub.id_token())


def test_account_claims() -> None:
    """`username` wins over `sub`; neither gives no account."""
    assert account_from_claims({"username": "a", "sub": "b"}) == "a"
    assert account_from_claims({"sub": "b"}) == "b"
    assert account_from_claims({"sub": "", "username": 3}) is None


async def signed_in_tokens(fake_dsm: FakeDsm, url: str) -> SsoTokens:
    """Sign the demo user in at the simulator's SSO Server as a relying party."""
    fake_dsm.sso.register_application(
        CLIENT.client_id, [REDIRECT], CLIENT.client_secret
    )
    fake_dsm.sso.auto_approve_as = DEMO_USER
    async with browser_session() as http:
        client = SsoClient(http, url)
        provider = await client.discover()
        verifier = "v" * 43
        challenge = jwt.utils.base64url_encode(
            hashlib.sha256(verifier.encode()).digest()
        ).decode()
        page = await Browser(http).open(
            f"{provider.authorization_endpoint}?response_type=code&client_id=rp"
            f"&redirect_uri={REDIRECT}&scope=openid&nonce=n-1"
            f"&code_challenge={challenge}&code_challenge_method=S256"
        )
        assert page.location is not None
        return await client.redeem_code(
            provider,
            CLIENT,
            code=page.location.query["code"],
            redirect_uri=REDIRECT,
            code_verifier=verifier,
        )


async def test_exchange_opens_session(
    dsm_url: str, fake_dsm: FakeDsm, http: aiohttp.ClientSession
) -> None:
    """The exchange's session is the client's from then on; it cannot be renewed."""
    tokens = await signed_in_tokens(fake_dsm, dsm_url)
    client = DsmClient(http, dsm_url)
    session = await exchange_sso_sign_in(client, tokens, DEMO_USER)
    assert client.session is session
    assert client.credentials is None
    assert fake_dsm.store.device_tokens[session.device_token or ""][0] == DEMO_USER
    await DsmSystem(client).info()
    fake_dsm.store.expire_sessions()
    with pytest.raises(DsmSessionExpiredError):
        await DsmSystem(client).info()


async def test_exchange_refused_by_old_dsm(
    dsm_url: str, fake_dsm: FakeDsm, http: aiohttp.ClientSession
) -> None:
    """A DSM whose Auth API stops below version 6 has no `oidc`: a refusal."""
    tokens = await signed_in_tokens(fake_dsm, dsm_url)
    auth = fake_dsm.catalog["SYNO.API.Auth"]
    fake_dsm.catalog["SYNO.API.Auth"] = ApiEntry(
        auth.name, auth.path, 1, 5, auth.json_format, auth.methods, auth.needs_session
    )
    with pytest.raises(DsmSsoRefusedError):
        await exchange_sso_sign_in(DsmClient(http, dsm_url), tokens, DEMO_USER)
