"""OpenID Connect on the simulated NAS: SSO Server as provider, DSM's SSO Client as its client.

The provider (auth.md §7), on authlib, under /webman/sso/: discovery, the authorization
endpoint (a minimal sign-in page, or auto-approval for tests), the token endpoint (authorization
code grant, PKCE S256/plain, exact `redirect_uri`), userinfo and JWKS. Codes, access tokens and
ID tokens live 180 s; there is never a refresh token. ID tokens are RS256 with `sub` =
`username` = the DSM user name. Time comes from the store's clock.

DSM's SSO Client (auth.md §8.1): `index.cgi?action=oidcauthurl` hands out the authorization
URL of DSM's own application at the provider, the DSM root page is where the browser lands with
`code` and `state`, and `redeem_for_dsm` is what `SYNO.API.Auth login type=sso` does with the
code: redeem it at the token endpoint with `client_secret_post`, verify the ID token and read
the configured user claim.
"""

from dataclasses import dataclass
from functools import cached_property
import hmac
import html
import json
import secrets
from typing import TYPE_CHECKING, Any

from aiohttp import web
from authlib.oauth2 import AuthorizationServer, OAuth2Request
from authlib.oauth2.rfc6749 import (
    ClientMixin,
    MissingAuthorizationError,
    OAuth2Error,
    OAuth2Payload,
    ResourceProtector,
    TokenMixin,
)
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant
from authlib.oauth2.rfc6749.util import extract_basic_authorization, scope_to_list
from authlib.oauth2.rfc6750 import BearerTokenGenerator, BearerTokenValidator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import AuthorizationCodeMixin
from authlib.oidc.core.grants import OpenIDCode
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey
from yarl import URL

from .store import DsmStore, SsoAccessToken, SsoClientSettings, User, opaque_token

if TYPE_CHECKING:
    from collections.abc import Mapping

ISSUER_PATH = "/webman/sso"
DISCOVERY_PATH = f"{ISSUER_PATH}/.well-known/openid-configuration"
AUTHORIZE_PATH = f"{ISSUER_PATH}/SSOOauth.cgi"
TOKEN_PATH = f"{ISSUER_PATH}/SSOAccessToken.cgi"
USERINFO_PATH = f"{ISSUER_PATH}/SSOUserInfo.cgi"
JWKS_PATH = f"{ISSUER_PATH}/openid-jwks.json"

# Lifetime of codes, access tokens and ID tokens (auth.md §7.2: 180 s by default).
TOKEN_LIFETIME = 180
# auth.md §8.2 (2026-12): Keycloak, Authelia and authentik keep a code 60 s by default;
# `SimulatedSsoServer.code_lifetime` set to this plays such a provider.
SHORT_CODE_LIFETIME = 60
# auth.md §8.2: DSM 7.0/7.1 offer SSO only when the page's host is the redirect URI's.
HOST_GATED_VERSIONS = ("DSM 7.0", "DSM 7.1")
SCOPES = ("email", "groups", "openid")
KEY_ID = "sso-server-signing-key"
# The browser's SSO Server sign-in, remembered for one-click authorizations.
BROWSER_COOKIE = "sso_session"
# INFERRED: the groups of an ordinary DSM account; the simulator has no group model.
DEFAULT_GROUPS = ("users",)

# DSM's own application at the provider, as an admin registers it for the SSO Client.
DSM_CLIENT_ID = "synology-dsm"
DSM_CLIENT_SECRET = "synology-dsm-sso-client-secret"
DSM_UI_PATH = "/index.cgi"
# INFERRED (auth.md §8.1 gives only the success shape): how `oidcauthurl` answers while the
# SSO Client is off or for a profile that is not configured. DSM's page never asks then; a
# failed envelope with "unknown error" is the guess.
SSO_CLIENT_OFF_CODE = 100


@dataclass(frozen=True)
class SsoApplication(ClientMixin):
    """An application in SSO Server's list; without a secret it is a public client."""

    client_id: str
    redirect_uris: tuple[str, ...]
    client_secret: str | None = None

    def get_client_id(self) -> str:
        """Return the application id."""
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        """Return the first registered redirect URI."""
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope: str) -> str:
        """Keep the requested scopes SSO Server knows."""
        return " ".join(name for name in scope_to_list(scope) or [] if name in SCOPES)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        """Match a registered URI exactly, trailing slash and port included (§7.2)."""
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        """Compare in constant time; a public client has nothing to compare."""
        return self.client_secret is not None and hmac.compare_digest(
            client_secret, self.client_secret
        )

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        """Confidential: the secret in the body or HTTP Basic; public: none."""
        if self.client_secret is None:
            return method == "none"
        return method in ("client_secret_post", "client_secret_basic")

    def check_response_type(self, response_type: str) -> bool:
        """Only the authorization code flow is simulated."""
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        """No refresh tokens: the authorization code grant only."""
        return grant_type == "authorization_code"


@dataclass(frozen=True)
class IssuedCode(AuthorizationCodeMixin):
    """An authorization code with what the token request is checked against."""

    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user_name: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    issued_at: float

    def get_redirect_uri(self) -> str:
        """Return the URI the code was issued for."""
        return self.redirect_uri

    def get_scope(self) -> str:
        """Return the granted scope."""
        return self.scope

    def get_nonce(self) -> str | None:
        """Return the nonce of the authorization request."""
        return self.nonce

    def get_auth_time(self) -> int:
        """Return when the user was signed in."""
        return int(self.issued_at)


@dataclass(frozen=True)
class PresentedToken(TokenMixin):
    """An access token as the userinfo endpoint sees it."""

    record: SsoAccessToken
    now: float

    def get_scope(self) -> str:
        """Return the token's scope."""
        return self.record.scope

    def is_expired(self) -> bool:
        """Tell whether its 180 s are over."""
        return self.now >= self.record.expires_at

    def is_revoked(self) -> bool:
        """SSO Server has no revocation endpoint."""
        return False


class SimulatedSsoServer:
    """One NAS's SSO Server package: applications, browser sign-ins, codes, tokens, key."""

    def __init__(self, store: DsmStore) -> None:
        """Serve the DSM accounts of `store`; no application is registered yet."""
        self.store = store
        self.applications: dict[str, SsoApplication] = {}
        self.codes: dict[str, IssuedCode] = {}
        self.browser_sessions: dict[str, str] = {}  # cookie value -> user name
        # Test switches.
        self.auto_approve_as: str | None = None  # approve every request as this user
        self.server_url: str | None = None  # "Server URL" setting; None: as requested
        self.claim_overrides: dict[str, Any] = {}  # merged into every ID token
        self.sign_with_unpublished_key = False  # ID tokens fail signature checks
        self.code_lifetime = TOKEN_LIFETIME  # SHORT_CODE_LIFETIME: a 60-s provider
        self._oauth = _OAuthServer(self)
        self._protector = ResourceProtector()
        self._protector.register_token_validator(_AccessTokens(self))

    def register_application(
        self,
        client_id: str,
        redirect_uris: list[str],
        client_secret: str | None = None,
    ) -> SsoApplication:
        """Add an application as an admin does in SSO Server's application list."""
        application = SsoApplication(client_id, tuple(redirect_uris), client_secret)
        self.applications[client_id] = application
        return application

    @cached_property
    def signing_key(self) -> RSAKey:
        """Return the key ID tokens are signed with, made on first use (it takes a while)."""
        return _new_key()

    @cached_property
    def unpublished_key(self) -> RSAKey:
        """Return a key with the published key's id that the JWKS does not contain."""
        return _new_key()

    def add_routes(self, router: web.UrlDispatcher) -> None:
        """Route the OIDC endpoints; GET-only endpoints answer POST with 405 (§7.2)."""
        router.add_get(DISCOVERY_PATH, self.discovery)
        router.add_get(JWKS_PATH, self.jwks)
        router.add_get(AUTHORIZE_PATH, self.authorize)
        router.add_post(AUTHORIZE_PATH, self.authorize)
        router.add_post(TOKEN_PATH, self.token)
        router.add_get(USERINFO_PATH, self.userinfo)
        router.add_get(DSM_UI_PATH, self.dsm_ui)
        router.add_get("/", self.dsm_root)

    def enable_dsm_sso_client(self, dsm_url: str, *more_urls: str) -> SsoClientSettings:
        """Register DSM at this provider and turn its SSO Client on, as an admin would.

        The redirect URI is the bare DSM address (auth.md §8.1), more_urls further ones
        (DSM 7.2 keeps several, auth.md §8.2); the user claim `username`.
        """
        self.register_application(
            DSM_CLIENT_ID, [dsm_url, *more_urls], DSM_CLIENT_SECRET
        )
        settings = self.store.sso_client
        settings.enabled = True
        settings.client_id = DSM_CLIENT_ID
        settings.client_secret = DSM_CLIENT_SECRET
        settings.redirect_uri = dsm_url
        settings.more_redirect_uris = list(more_urls)
        return settings

    def issuer(self, request: web.Request) -> str:
        """Return the issuer: the configured Server URL, else the URL the request used."""
        base = self.server_url or str(request.url.origin())
        return f"{base.rstrip('/')}{ISSUER_PATH}"

    # --- endpoints -----------------------------------------------------------------

    async def discovery(self, request: web.Request) -> web.Response:
        """Answer the discovery document; endpoints hang below the issuer (§7.1)."""
        issuer = self.issuer(request)
        base = issuer.removesuffix(ISSUER_PATH)
        return web.json_response(
            {
                "issuer": issuer,
                "authorization_endpoint": f"{base}{AUTHORIZE_PATH}",
                "token_endpoint": f"{base}{TOKEN_PATH}",
                "userinfo_endpoint": f"{base}{USERINFO_PATH}",
                "jwks_uri": f"{base}{JWKS_PATH}",
                "response_types_supported": [
                    "code",
                    "code id_token",
                    "id_token",
                    "id_token token",
                ],
                "grant_types_supported": ["authorization_code", "implicit"],
                "code_challenge_methods_supported": ["S256", "plain"],
                "token_endpoint_auth_methods_supported": [
                    "client_secret_basic",
                    "client_secret_post",
                ],
                "id_token_signing_alg_values_supported": ["RS256"],
                "scopes_supported": list(SCOPES),
                "claims_supported": [
                    "aud",
                    "email",
                    "exp",
                    "groups",
                    "iat",
                    "iss",
                    "sub",
                    "username",
                ],
                "subject_types_supported": ["public"],
            }
        )

    async def jwks(self, request: web.Request) -> web.Response:
        """Publish the signing key (public part only)."""
        return web.json_response({"keys": [self.signing_key.as_dict(private=False)]})

    async def authorize(self, request: web.Request) -> web.Response:
        """Check the request, sign the user in if needed, and redirect with a code.

        A request authlib cannot redirect (unknown application, unregistered redirect URI)
        gets an error page, as OAuth demands. POST is the sign-in page's form.
        """
        oauth_request = _OAuthRequest(
            request.method,
            str(request.url),
            request.headers,
            dict(request.query),
            self.issuer(request),
        )
        try:
            grant = self._oauth.get_consent_grant(oauth_request)
        except OAuth2Error as error:
            if error.redirect_uri:
                return self._oauth.handle_error_response(oauth_request, error)
            return _error_page(error.error or "invalid_request")
        form = await request.post() if request.method == "POST" else {}
        user, cookie = self._browser_user(request), None
        if form.get("action") == "cancel":
            user = None
        elif form:
            user = self._signed_in(str(form.get("username")), str(form.get("password")))
            if user is None:
                return _sign_in_page(request, failed=True)
            cookie = secrets.token_urlsafe(24)
            self.browser_sessions[cookie] = user.name
        elif user is None:
            return _sign_in_page(request, failed=False)
        response = self._oauth.create_authorization_response(
            oauth_request, grant_user=user, grant=grant
        )
        if cookie is not None:
            response.set_cookie(
                BROWSER_COOKIE, cookie, path=ISSUER_PATH, secure=request.secure
            )
        return response

    async def token(self, request: web.Request) -> web.Response:
        """Redeem a code; an application id nobody registered is `invalid_app_id`."""
        form = {name: str(value) for name, value in (await request.post()).items()}
        basic_id, _ = extract_basic_authorization(request.headers)
        if (basic_id or form.get("client_id")) not in self.applications:
            return web.json_response({"error": "invalid_app_id"}, status=400)
        oauth_request = _OAuthRequest(
            request.method,
            str(request.url),
            request.headers,
            form,
            self.issuer(request),
        )
        response: web.Response = self._oauth.create_token_response(oauth_request)
        return response

    async def userinfo(self, request: web.Request) -> web.Response:
        """Answer the claims of a live access token (§7.2; errors as reported)."""
        oauth_request = _OAuthRequest(
            request.method,
            str(request.url),
            request.headers,
            dict(request.query),
            self.issuer(request),
        )
        try:
            token: PresentedToken = self._protector.validate_request(
                ["openid"], oauth_request
            )
        except MissingAuthorizationError:
            return web.json_response({"error": "invalid_request"}, status=401)
        except OAuth2Error:
            return web.json_response({"error": "invalid_token"}, status=401)
        user = self.store.users[token.record.user_name]
        return web.json_response(self.claims_of(user, token.record.scope))

    async def dsm_ui(self, request: web.Request) -> web.Response:
        """Answer DSM's `index.cgi?action=oidcauthurl&method=oidc` (auth.md §8.1, step 1).

        The URL asks the provider for a code for DSM's own application and the redirect
        URI DSM picks for this request (see dsm_redirect_uri); the caller appends its
        `state`. DSM 7.0/7.1 hand out none to a page on another host (auth.md §8.2).
        """
        settings = self.store.sso_client
        redirect_uri = self.dsm_redirect_uri(request)
        if (
            request.query.get("action") != "oidcauthurl"
            or request.query.get("method") != "oidc"
            or not settings.enabled
            or redirect_uri is None
        ):
            return web.json_response(
                {"error": {"code": SSO_CLIENT_OFF_CODE}, "success": False}
            )
        base = self.issuer(request).removesuffix(ISSUER_PATH)
        url = URL(f"{base}{AUTHORIZE_PATH}").with_query(
            client_id=settings.client_id,
            redirect_uri=redirect_uri,
            scope=settings.scope,
            response_type="code",
        )
        return web.json_response({"data": {"url": str(url)}, "success": True})

    def dsm_redirect_uri(self, request: web.Request) -> str | None:
        """Return the redirect URI DSM uses for a request reaching it at its Host.

        auth.md §8.2: DSM 7.2 picks, among the configured URIs, the one with the
        request's host and scheme, else the first (the wrong one for this host); DSM
        7.0/7.1 know one URI and offer SSO only to a page on its host (None otherwise).
        """
        settings = self.store.sso_client
        uris = [settings.redirect_uri, *settings.more_redirect_uris]
        host, scheme = request.url.host, request.url.scheme
        if self.store.dsm_version.startswith(HOST_GATED_VERSIONS):
            return uris[0] if URL(uris[0]).host == host else None
        return next(
            (uri for uri in uris if (URL(uri).host, URL(uri).scheme) == (host, scheme)),
            uris[0],
        )

    async def dsm_root(self, request: web.Request) -> web.Response:
        """Show DSM's root page: where the browser landed after the identity provider.

        Without `code` it is the NAS's front page (the device's "Visit" link).
        """
        query = request.query
        if "code" in query:
            body = (
                "<h1>Signed in at your identity provider</h1>"
                "<p>Copy the full address of this page and paste it into Home "
                "Assistant's sign-in dialog:</p>"
                f'<p><input readonly size="100" value="{html.escape(str(request.url))}">'
                "</p><p>The code in it works once and only for a few minutes.</p>"
            )
        elif "error" in query:
            body = (
                "<h1>The identity provider did not sign you in</h1>"
                f"<p>It answered: {html.escape(query['error'])}</p>"
            )
        else:
            body = (
                "<h1>Synology DSM (simulated)</h1>"
                f"<p>{html.escape(self.store.model)}, "
                f"{html.escape(self.store.dsm_version)}. This is the DSM simulator of "
                "Synology Native; it serves the DSM web API, not DSM's desktop.</p>"
            )
        return web.Response(
            content_type="text/html",
            text=f"<!doctype html><title>Synology DSM (simulated)</title>{body}",
        )

    def redeem_for_dsm(self, request: web.Request, code: str) -> str | None:
        """Do what DSM does with a code its client hands it; return the user claim, or None.

        The code is redeemed at the token endpoint as DSM's application with the secret
        in the form (`client_secret_post`); the ID token must be RS256, signed with the
        published key, issued by this provider to DSM's application, and unexpired.
        """
        settings = self.store.sso_client
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.dsm_redirect_uri(request) or settings.redirect_uri,
            "client_id": settings.client_id,
            "client_secret": settings.client_secret,
        }
        issuer = self.issuer(request)
        token_url = f"{issuer.removesuffix(ISSUER_PATH)}{TOKEN_PATH}"
        oauth_request = _OAuthRequest("POST", token_url, {}, form, issuer)
        response: web.Response = self._oauth.create_token_response(oauth_request)
        if response.status != 200 or response.text is None:
            return None
        id_token = json.loads(response.text).get("id_token")
        published = RSAKey.import_key(self.signing_key.as_dict(private=False))
        try:
            token = jwt.decode(id_token, published, algorithms=["RS256"])
        except JoseError, ValueError, TypeError:
            return None
        claims = token.claims
        if (
            claims.get("iss") != issuer
            or claims.get("aud") != settings.client_id
            or not isinstance(claims.get("exp"), int)
            or claims["exp"] <= self.store.clock()
        ):
            return None
        value = claims.get(settings.user_claim)
        return value if isinstance(value, str) and value else None

    # --- helpers -------------------------------------------------------------------

    def claims_of(self, user: User, scope: str) -> dict[str, Any]:
        """Return the identity claims of `user` for `scope` (§7.2)."""
        claims: dict[str, Any] = {"sub": user.name, "username": user.name}
        if "groups" in scope_to_list(scope):
            claims["groups"] = list(DEFAULT_GROUPS)
        return claims

    def _browser_user(self, request: web.Request) -> User | None:
        name = self.auto_approve_as or self.browser_sessions.get(
            request.cookies.get(BROWSER_COOKIE, "")
        )
        return self.store.users.get(name) if name else None

    def _signed_in(self, name: str, password: str) -> User | None:
        """Check a DSM password on the sign-in page (no second factor is simulated)."""
        user = self.store.users.get(name)
        if user is None or user.disabled or user.password != password:
            return None
        return user


def _new_key() -> RSAKey:
    return RSAKey.generate_key(
        2048, parameters={"kid": KEY_ID, "use": "sig", "alg": "RS256"}
    )


def _error_page(error: str) -> web.Response:
    return web.Response(
        status=400,
        content_type="text/html",
        text=f"<!doctype html><title>SSO Server</title><p>Error: {html.escape(error)}</p>",
    )


def _sign_in_page(request: web.Request, *, failed: bool) -> web.Response:
    """Render the demo's sign-in form; it posts back with the same query string."""
    notice = "<p>Wrong account or password.</p>" if failed else ""
    action = html.escape(request.path_qs)
    return web.Response(
        content_type="text/html",
        text=(
            "<!doctype html><title>Synology SSO Server (simulated)</title>"
            f"<h1>Sign in to SSO Server</h1>{notice}"
            f'<form method="post" action="{action}">'
            '<label>Account <input name="username" autocomplete="username"></label> '
            '<label>Password <input name="password" type="password"'
            ' autocomplete="current-password"></label> '
            '<button name="action" value="sign_in">Sign in</button> '
            '<button name="action" value="cancel">Cancel</button></form>'
        ),
    )


class _Payload(OAuth2Payload):
    def __init__(self, data: dict[str, str]) -> None:
        self._data = data

    @property
    def data(self) -> dict[str, str]:
        return self._data

    @property
    def datalist(self) -> dict[str, list[str]]:
        return {name: [value] for name, value in self._data.items()}


class _OAuthRequest(OAuth2Request):
    """A request whose parameters were already read, for authlib's sync API."""

    def __init__(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        data: dict[str, str],
        issuer: str,
    ) -> None:
        super().__init__(method, url, headers=headers)
        self.payload = _Payload(data)
        self.issuer = issuer
        self._data = data

    @property
    def args(self) -> dict[str, str]:
        return self._data

    @property
    def form(self) -> dict[str, str]:
        return self._data


class _OAuthServer(AuthorizationServer):
    """authlib's authorization server wired to the simulator's state and to aiohttp."""

    def __init__(self, sso: SimulatedSsoServer) -> None:
        super().__init__(scopes_supported=list(SCOPES))
        self.sso = sso
        self.register_grant(_CodeGrant, [CodeChallenge(required=False), _IdTokens(sso)])
        self.register_token_generator(
            "default",
            BearerTokenGenerator(
                access_token_generator=lambda *_args, **_kwargs: opaque_token(),
                expires_generator=TOKEN_LIFETIME,
            ),
        )

    def query_client(self, client_id: str) -> SsoApplication | None:
        return self.sso.applications.get(client_id)

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        self.sso.store.sso_access_tokens[token["access_token"]] = SsoAccessToken(
            token=token["access_token"],
            client_id=request.client.client_id,
            user_name=request.user.name,
            scope=token.get("scope", ""),
            expires_at=self.sso.store.clock() + TOKEN_LIFETIME,
        )

    def create_oauth2_request(self, request: OAuth2Request) -> OAuth2Request:
        return request

    def handle_response(
        self, status: int, body: Any, headers: list[tuple[str, str]]
    ) -> web.Response:
        text = json.dumps(body) if isinstance(body, dict) else str(body)
        return web.Response(status=status, text=text, headers=dict(headers))

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        """Nobody listens to authlib's signals here."""


class _CodeGrant(AuthorizationCodeGrant):
    """Authorization codes kept in memory for 180 s; public clients authenticate with none."""

    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]  # noqa: RUF012 - authlib's class attribute

    @property
    def sso(self) -> SimulatedSsoServer:
        return self.server.sso  # type: ignore[no-any-return]

    def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
        data = request.payload.data
        self.sso.codes[code] = IssuedCode(
            code=code,
            client_id=request.client.client_id,
            redirect_uri=request.payload.redirect_uri,
            scope=request.client.get_allowed_scope(request.payload.scope),
            user_name=request.user.name,
            nonce=data.get("nonce"),
            code_challenge=data.get("code_challenge"),
            code_challenge_method=data.get("code_challenge_method"),
            issued_at=self.sso.store.clock(),
        )

    def query_authorization_code(
        self, code: str, client: SsoApplication
    ) -> IssuedCode | None:
        issued = self.sso.codes.get(code)
        if issued is None or issued.client_id != client.client_id:
            return None
        if self.sso.store.clock() - issued.issued_at > self.sso.code_lifetime:
            return None
        return issued

    def delete_authorization_code(self, authorization_code: IssuedCode) -> None:
        self.sso.codes.pop(authorization_code.code, None)

    def authenticate_user(self, authorization_code: IssuedCode) -> User | None:
        return self.sso.store.users.get(authorization_code.user_name)


class _IdTokens(OpenIDCode):
    """RS256 ID tokens with the store's clock, a 180-s lifetime and the test switches."""

    def __init__(self, sso: SimulatedSsoServer) -> None:
        super().__init__(require_nonce=False)
        self.sso = sso

    def exists_nonce(self, nonce: str, request: OAuth2Request) -> bool:
        """Tell whether the application already used this nonce (a replay)."""
        client_id = request.payload.client_id
        return any(
            code.nonce == nonce and code.client_id == client_id
            for code in self.sso.codes.values()
        )

    def resolve_client_private_key(self, client: SsoApplication) -> RSAKey:
        if self.sso.sign_with_unpublished_key:
            return self.sso.unpublished_key
        return self.sso.signing_key

    def get_client_algorithm(self, client: SsoApplication) -> str:
        return "RS256"

    def get_encode_header(self, client: SsoApplication) -> dict[str, str]:
        return {"alg": "RS256", "kid": KEY_ID}

    def get_compatible_claims(self, request: OAuth2Request) -> dict[str, Any]:
        now = int(self.sso.store.clock())
        return {
            "iss": request.issuer,
            "aud": request.client.client_id,
            "iat": now,
            "exp": now + TOKEN_LIFETIME,
        }

    def generate_user_info(self, user: User, scope: str) -> dict[str, Any]:
        return self.sso.claims_of(user, scope) | self.sso.claim_overrides


class _AccessTokens(BearerTokenValidator):
    def __init__(self, sso: SimulatedSsoServer) -> None:
        super().__init__()
        self.sso = sso

    def authenticate_token(self, token_string: str) -> PresentedToken | None:
        record = self.sso.store.sso_access_tokens.get(token_string)
        return (
            None if record is None else PresentedToken(record, self.sso.store.clock())
        )
