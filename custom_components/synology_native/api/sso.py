"""Synology SSO Server as an OpenID Connect provider (auth.md §7).

Discovery, redeeming an authorization code, and verifying the ID token before any
claim in it is used. Endpoints always come from the discovery document. The ID token
is checked with PyJWT against keys fetched here over the injected session (PyJWT's
own key client would block the event loop).
"""

from dataclasses import dataclass, field
import hmac
import json
import re
from typing import TYPE_CHECKING, Any

import aiohttp
import jwt
from yarl import URL

from .errors import (
    DsmHttpError,
    IdTokenProblem,
    SsoIdTokenError,
    SsoIssuerMismatchError,
    SsoResponseError,
    SsoTokenRequestError,
)
from .transport import transport_errors

if TYPE_CHECKING:
    from collections.abc import Mapping

# The issuer is the SSO Server URL plus this path; discovery sits below it (§7.1).
ISSUER_PATH = "/webman/sso"
DISCOVERY_PATH = f"{ISSUER_PATH}/.well-known/openid-configuration"
# `groups` and `email` are all SSO Server adds to `openid`; there is no `profile`.
SCOPES = "openid email groups"
# SSO Server signs ID tokens with RS256 only (§7.1); nothing else is accepted.
ID_TOKEN_ALGORITHMS = ["RS256"]
# Tokens live 180 s, so only a small difference between the clocks is tolerated.
CLOCK_SKEW_SECONDS = 30
DEFAULT_TIMEOUT = 30.0
# OAuth error codes are short ASCII words (RFC 6749 §5.2); anything else SSO Server
# might put there is not repeated to the user or the log.
_OAUTH_ERROR_CODE = re.compile(r"[a-z_ ]{1,64}")


@dataclass(frozen=True, slots=True)
class SsoProvider:
    """What the discovery document says about one SSO Server."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str


@dataclass(frozen=True, slots=True)
class SsoApplication:
    """An application registered in SSO Server; public ones have no secret."""

    client_id: str
    client_secret: str | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class SsoTokens:
    """What the token endpoint issued. SSO Server issues no refresh token."""

    access_token: str = field(repr=False)
    id_token: str = field(repr=False)
    expires_in: int


def account_from_claims(claims: Mapping[str, Any]) -> str | None:
    """Return the DSM user name of verified claims.

    CONFLICT (auth.md §7.2): one real token carries ``username`` and ``sub``, both the
    DSM user name; another report shows no ``username``. ``username`` is read first
    and ``sub`` is the fallback.
    """
    for claim in ("username", "sub"):
        value = claims.get(claim)
        if isinstance(value, str) and value:
            return value
    return None


class SsoClient:
    """Talks to the SSO Server at one address over an injected aiohttp session."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        sso_url: str,
        *,
        verify_ssl: bool = True,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        """Prepare a client for the SSO Server URL (scheme, host and port)."""
        self._http = session
        self.url = sso_url.rstrip("/")
        self._ssl = verify_ssl
        self._timeout = aiohttp.ClientTimeout(total=timeout)

    async def discover(self) -> SsoProvider:
        """Read the discovery document and check it belongs to this address."""
        document = await self._get_json(f"{self.url}{DISCOVERY_PATH}")
        if not isinstance(document, dict):
            msg = "the discovery document is not a JSON object"
            raise SsoResponseError(msg)
        names = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
        values = [document.get(name) for name in names]
        urls = [value for value in values if isinstance(value, str) and value]
        if len(urls) != len(names):
            msg = "the discovery document lacks an endpoint"
            raise SsoResponseError(msg)
        provider = SsoProvider(*urls)
        expected = f"{self.url}{ISSUER_PATH}"
        if URL(provider.issuer) != URL(expected):
            raise SsoIssuerMismatchError(expected, provider.issuer)
        return provider

    async def redeem_code(
        self,
        provider: SsoProvider,
        application: SsoApplication,
        *,
        code: str,
        redirect_uri: str,
        code_verifier: str,
    ) -> SsoTokens:
        """Trade an authorization code for tokens (PKCE, ``client_secret_post``).

        CONFLICT (auth.md §7.2): reports disagree whether HTTP Basic works; the
        secret in the form body works in every report.
        """
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": application.client_id,
            "code_verifier": code_verifier,
        }
        if application.client_secret:
            form["client_secret"] = application.client_secret
        with transport_errors(self.url):
            async with self._http.post(
                provider.token_endpoint, data=form, ssl=self._ssl, timeout=self._timeout
            ) as response:
                status = response.status
                body = await response.read()
        answer = _json_or_none(body)
        if status != 200:  # noqa: PLR2004 - OAuth errors come with 400 or 401
            error = answer.get("error") if isinstance(answer, dict) else None
            if not isinstance(error, str):
                raise DsmHttpError(status)
            raise SsoTokenRequestError(
                error if _OAUTH_ERROR_CODE.fullmatch(error) else "unknown"
            )
        return _tokens(answer)

    async def verify_id_token(
        self,
        provider: SsoProvider,
        application: SsoApplication,
        id_token: str,
        *,
        nonce: str,
    ) -> str:
        """Check the ID token against the provider's keys; return the DSM account it names.

        Signature (RS256, key by ``kid`` from ``jwks_uri``), ``iss``, ``aud``, ``exp``
        and ``iat`` with a small clock skew, and the ``nonce`` of this sign-in.
        """
        keys = await self._signing_keys(provider)
        claims = _verified_claims(id_token, keys, provider.issuer, application)
        if not isinstance(claims.get("nonce"), str) or not hmac.compare_digest(
            claims["nonce"], nonce
        ):
            raise SsoIdTokenError(IdTokenProblem.NONCE)
        account = account_from_claims(claims)
        if account is None:
            raise SsoIdTokenError(IdTokenProblem.MISSING_CLAIM)
        return account

    async def _signing_keys(self, provider: SsoProvider) -> jwt.PyJWKSet:
        document = await self._get_json(provider.jwks_uri)
        try:
            return jwt.PyJWKSet.from_dict(document)
        except (jwt.PyJWKSetError, jwt.PyJWKError, TypeError, AttributeError) as err:
            msg = "SSO Server publishes no usable signing key"
            raise SsoResponseError(msg) from err

    async def _get_json(self, url: str) -> Any:
        with transport_errors(self.url):
            async with self._http.get(
                url, ssl=self._ssl, timeout=self._timeout
            ) as response:
                if response.status != 200:  # noqa: PLR2004
                    raise DsmHttpError(response.status)
                body = await response.read()
        answer = _json_or_none(body)
        if answer is None:
            msg = "SSO Server answered with a body that is not JSON"
            raise SsoResponseError(msg)
        return answer


def _json_or_none(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None


def _tokens(answer: Any) -> SsoTokens:
    """Read a successful token response (auth.md §7.2)."""
    if not isinstance(answer, dict):
        msg = "the token response is not a JSON object"
        raise SsoResponseError(msg)
    access_token, id_token = answer.get("access_token"), answer.get("id_token")
    expires_in = answer.get("expires_in")
    if not (
        isinstance(access_token, str)
        and isinstance(id_token, str)
        and isinstance(expires_in, int)
    ):
        msg = "the token response lacks the access token, ID token or lifetime"
        raise SsoResponseError(msg)
    return SsoTokens(access_token, id_token, expires_in)


# PyJWT's exceptions, most specific first, and what each means for the user.
_PROBLEMS: tuple[tuple[type[jwt.PyJWTError], IdTokenProblem], ...] = (
    (jwt.ExpiredSignatureError, IdTokenProblem.EXPIRED),
    (jwt.ImmatureSignatureError, IdTokenProblem.NOT_YET_VALID),
    (jwt.InvalidAudienceError, IdTokenProblem.AUDIENCE),
    (jwt.InvalidIssuerError, IdTokenProblem.ISSUER),
    (jwt.MissingRequiredClaimError, IdTokenProblem.MISSING_CLAIM),
    (jwt.InvalidSignatureError, IdTokenProblem.SIGNATURE),
    (jwt.InvalidAlgorithmError, IdTokenProblem.ALGORITHM),
)


def _verified_claims(
    id_token: str, keys: jwt.PyJWKSet, issuer: str, application: SsoApplication
) -> dict[str, Any]:
    """Return the claims of id_token once signature, issuer, audience and times hold."""
    try:
        header = jwt.get_unverified_header(id_token)
    except jwt.DecodeError as err:
        raise SsoIdTokenError(IdTokenProblem.MALFORMED) from err
    if header.get("alg") not in ID_TOKEN_ALGORITHMS:
        raise SsoIdTokenError(IdTokenProblem.ALGORITHM)
    key = _key_for(keys, header.get("kid"))
    try:
        claims: dict[str, Any] = jwt.decode(
            id_token,
            key,
            algorithms=ID_TOKEN_ALGORITHMS,
            audience=application.client_id,
            issuer=issuer,
            leeway=CLOCK_SKEW_SECONDS,
            options={"require": ["iss", "aud", "exp", "iat", "sub"]},
        )
    except jwt.PyJWTError as err:
        problem = next(
            (problem for kind, problem in _PROBLEMS if isinstance(err, kind)),
            IdTokenProblem.MALFORMED,
        )
        raise SsoIdTokenError(problem) from err
    return claims


def _key_for(keys: jwt.PyJWKSet, kid: Any) -> jwt.PyJWK:
    """Pick the key the token names; a key set of one needs no ``kid``."""
    if isinstance(kid, str):
        try:
            return keys[kid]
        except KeyError as err:
            raise SsoIdTokenError(IdTokenProblem.UNKNOWN_KEY) from err
    if len(keys.keys) == 1:
        return keys.keys[0]
    raise SsoIdTokenError(IdTokenProblem.UNKNOWN_KEY)
