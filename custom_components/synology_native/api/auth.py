"""Sign-in to DSM: password, one-time code, device tokens, and DSM's OpenID Connect sign-in.

Password sign-in follows auth.md §1-§5: ``SYNO.API.Auth login`` with ``format=sid``
and ``enable_syno_token=yes``; a one-time code once, together with a request for a
device token (at v6, auth.md §2), so later sign-ins of a 2-step account need no code.

Single sign-on follows DSM's own login page (auth.md §8.1): DSM is the OpenID Connect
client of the identity provider configured in its SSO Client. DSM hands out the
authorization URL, the browser lands on the DSM address with ``code`` and ``state``, and
the client gives DSM the code, which DSM redeems itself. Every parameter DSM's code does
not spell out for certain is one of the INFERRED constants below.
"""

from dataclasses import dataclass, field
import re
import secrets
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .errors import SsoLandingError, SsoLandingProblem
from .models import Endpoint
from .typed import Fields

LOGIN = Endpoint("SYNO.API.Auth", "login", min_version=6, max_version=7)
# auth.md §2 correction: a v7 login with a one-time code issues no usable device token;
# the login that asks for one goes out at v6.
DEVICE_TOKEN_LOGIN = Endpoint("SYNO.API.Auth", "login", min_version=6, max_version=6)
LOGOUT = Endpoint("SYNO.API.Auth", "logout", min_version=1, max_version=7)
# The signed-in user's name; DSM's v6 login answer does not say whom a single sign-on
# session is for. Not in the spec: a Home Assistant auth provider for DSM, run against
# real NASes, reads `data.username` of v1 `get` (found by code search).
CURRENT_USER = Endpoint("SYNO.Core.NormalUser", "get", min_version=1, max_version=1)

# INFERRED (auth.md §3.1): DSM binds a sid to a session name that logout repeats. One
# widely used client names it "webui" so that accounts without administrator rights
# may sign in; app names such as "FileStation" are refused for some of them.
SESSION_NAME = "webui"

# --- DSM's OpenID Connect sign-in (auth.md §8.1, read from DSM's login code: INFERRED) ---
# Step 1: DSM's authorization URL, from its web UI CGI (not the web API).
SSO_AUTH_URL_PATH = "/index.cgi"
SSO_AUTH_URL_QUERY = {"action": "oidcauthurl", "method": "oidc"}
# What errors call that answer: it is a page of DSM's web server, not a Web API method.
SSO_AUTH_URL_SOURCE = "DSM oidcauthurl"
# Step 2: DSM's page appends a state of 64 hex characters.
SSO_STATE_BYTES = 32
# Step 3: the login DSM's page sends, at v6. `format=sid` is ours, as for password
# sign-in; `rememberme=0` is what the page sends without "stay signed in".
SSO_LOGIN = Endpoint("SYNO.API.Auth", "login", min_version=6, max_version=6)
SSO_LOGIN_PARAMS = {
    "type": "sso",
    "server": "oidc",
    "session": SESSION_NAME,
    "client": "browser",
    "rememberme": "0",
    "enable_syno_token": "yes",
    "format": "sid",
}
# A trusted device is presented with an SSO login as with a password login (auth.md
# §3.2: `device_id` + `device_name` as parameters); DSM's page relies on its cookies.
SSO_SENDS_DEVICE_TOKEN = True
# Step 4: after a 403 the page continues with the answer's `token` as `passwd`, the code,
# and the account name it holds, which is empty after single sign-on (auth.md §3.3).
SSO_SECOND_FACTOR_ACCOUNT = ""
# auth.md §8.2 (2026-12), INFERRED from DSM's login code: the continuation also carries
# `logintype=local` (N4S4/synology-api `auth.py` sends the same on its password login).
SSO_SECOND_FACTOR_LOGINTYPE = "local"
# auth.md §8.2 (2026-12): SSO Server keeps a code 180 s, but Keycloak, Authelia and
# authentik default to 60 s; the user is told "about a minute", and a code refused after
# that long most likely expired.
SSO_CODE_LIFETIME_SECONDS = 60
# OAuth error codes are short ASCII words (RFC 6749 §4.1.2.1); anything else in a pasted
# address is not repeated to the user.
_OAUTH_ERROR_CODE = re.compile(r"[a-z_]{1,64}")

DEFAULT_DEVICE_NAME = "Home Assistant"


@dataclass(frozen=True, slots=True)
class PasswordCredentials:
    """What a password sign-in needs; the device token skips the one-time code."""

    account: str
    password: str = field(repr=False)
    device_token: str | None = field(default=None, repr=False)
    device_name: str = DEFAULT_DEVICE_NAME


@dataclass(frozen=True, slots=True)
class DsmSession:
    """A signed-in DSM web API session."""

    account: str
    sid: str = field(repr=False)
    synotoken: str | None = field(default=None, repr=False)
    # Set when this sign-in produced or reused a device token worth storing.
    device_token: str | None = field(default=None, repr=False)


def login_params(
    credentials: PasswordCredentials, otp_code: str | None
) -> dict[str, str]:
    """Build the raw (non-JSON) login parameters; SYNO.API.Auth has no requestFormat."""
    params = {
        "account": credentials.account,
        "passwd": credentials.password,
        "session": SESSION_NAME,
        "format": "sid",
        "enable_syno_token": "yes",
    }
    if otp_code is not None:
        params |= {
            "otp_code": otp_code,
            "enable_device_token": "yes",
            "device_name": credentials.device_name,
        }
    elif credentials.device_token:
        params |= {
            "device_id": credentials.device_token,
            "device_name": credentials.device_name,
        }
    return params


def issued_device_token(data: dict[str, Any]) -> str | None:
    """Read the device token DSM issued.

    CONFLICT (auth.md §3.2): DSM 7.2.2 answers ``did``; some clients read
    ``device_id``. Read ``did`` first and fall back to ``device_id``.
    """
    token = data.get("did") or data.get("device_id")
    return token if isinstance(token, str) and token else None


def session_from_login(
    data: Any, credentials: PasswordCredentials, otp_code: str | None
) -> DsmSession:
    """Turn a successful login's ``data`` into a session.

    DSM returns ``did`` on every login, but it is only a device token when this sign-in
    asked for one with a one-time code; otherwise the stored token (if any) stays.
    """
    device_token = (
        issued_device_token(data) if otp_code is not None else credentials.device_token
    )
    return session_of(data, credentials.account, device_token)


def session_of(data: Any, account: str, device_token: str | None) -> DsmSession:
    """Read ``sid`` and ``synotoken`` of a successful sign-in (auth.md §3.2)."""
    answer = Fields.of(data, LOGIN)
    return DsmSession(
        account=account,
        sid=answer.field("sid", str),
        synotoken=answer.optional("synotoken", str, None),
        device_token=device_token,
    )


def landing_params(text: str) -> dict[str, list[str]]:
    """Return the parameters of a pasted landing address: its query, else its fragment.

    auth.md §8.2 (2026-12): some provider guides register ``https://<dsm>/#/signin`` as
    the redirect URI, so ``code``/``state`` may arrive after the ``#`` (as ``#code=…`` or
    ``#/signin?code=…``). The query wins when it carries ``code`` or ``error``.
    """
    parts = urlsplit(text)
    query = parse_qs(parts.query or text.lstrip("?"))
    if "code" in query or "error" in query:
        return query
    fragment = parts.fragment
    return parse_qs(fragment.split("?", 1)[1] if "?" in fragment else fragment) or query


def redirect_host(authorization_url: str) -> str | None:
    """Return the host of the ``redirect_uri`` inside DSM's authorization URL (or None).

    auth.md §8.2: DSM 7.0/7.1 offer SSO only when the page's host is this host; 7.2 picks
    a redirect URI by the request's host. The flow compares it with the entry's host.
    """
    uris = parse_qs(urlsplit(authorization_url).query).get("redirect_uri")
    host = urlsplit(uris[0]).hostname if uris else None
    return host or None


@dataclass(frozen=True, slots=True)
class SsoSignIn:
    """One single sign-on attempt: the link the user opens, and the state it carries."""

    url: str
    state: str = field(repr=False)

    @property
    def redirect_host(self) -> str | None:
        """Return the host the identity provider sends the browser back to."""
        return redirect_host(self.url)

    def code_from(self, pasted: str) -> str:
        """Return the code of the pasted landing address.

        The address must carry ``code`` and this sign-in's ``state`` (in its query or
        its fragment, see landing_params): a code alone is refused, as nothing would
        show it comes from this sign-in (a code someone else obtained and passed on).
        An ``error`` from the identity provider is
        reported as such.
        """
        text = pasted.strip()
        if not text:
            raise SsoLandingError(SsoLandingProblem.NO_CODE)
        if "=" not in text and "/" not in text and "?" not in text:
            raise SsoLandingError(SsoLandingProblem.CODE_ONLY)
        query = landing_params(text)
        if "error" in query:
            error = query["error"][0]
            raise SsoLandingError(
                SsoLandingProblem.PROVIDER_ERROR,
                error if _OAUTH_ERROR_CODE.fullmatch(error) else "unknown",
            )
        codes = query.get("code")
        if not codes or not codes[0]:
            raise SsoLandingError(SsoLandingProblem.NO_CODE)
        states = query.get("state")
        if not states or not secrets.compare_digest(states[0], self.state):
            raise SsoLandingError(SsoLandingProblem.WRONG_STATE)
        return codes[0]


def sso_sign_in(authorization_url: str) -> SsoSignIn:
    """Append a fresh state to DSM's authorization URL (auth.md §8.1, step 2)."""
    state = secrets.token_hex(SSO_STATE_BYTES)
    separator = "&" if "?" in authorization_url else "?"
    return SsoSignIn(f"{authorization_url}{separator}state={state}", state)


def sso_authorization_url(answer: Any) -> str:
    """Read ``data.url`` of DSM's ``oidcauthurl`` answer (auth.md §8.1, step 1)."""
    data = Fields.of(answer, SSO_AUTH_URL_SOURCE, "body").object("data")
    url = data.field("url", str)
    if urlsplit(url).scheme not in ("http", "https"):
        raise data.error("url", "is not an http or https address")
    return url


def sso_login_params(code: str, state: str, device_token: str | None) -> dict[str, str]:
    """Build DSM's OpenID Connect login (auth.md §8.1, step 3)."""
    params = {**SSO_LOGIN_PARAMS, "code": code, "state": state}
    if device_token and SSO_SENDS_DEVICE_TOKEN:
        params |= {"device_id": device_token, "device_name": DEFAULT_DEVICE_NAME}
    return params


def sso_second_factor_params(token: str, otp_code: str) -> dict[str, str]:
    """Continue an SSO sign-in that DSM answered with 403 (auth.md §8.1, step 4)."""
    return {
        "account": SSO_SECOND_FACTOR_ACCOUNT,
        "logintype": SSO_SECOND_FACTOR_LOGINTYPE,
        "passwd": token,
        "otp_code": otp_code,
        "enable_device_token": "yes",
        "device_name": DEFAULT_DEVICE_NAME,
        "session": SESSION_NAME,
        "format": "sid",
        "enable_syno_token": "yes",
    }


def second_factor_token(detail: Any) -> str:
    """Read the ``token`` a 403 answer offers to continue the sign-in with (auth.md §3.3)."""
    errors = Fields.of(detail, LOGIN, "error.errors")
    token = errors.field("token", str)
    if not token:
        raise errors.error("token", "is empty")
    return token


def account_of(data: Any) -> str:
    """Read ``username`` of ``SYNO.Core.NormalUser get``."""
    answer = Fields.of(data, CURRENT_USER)
    name = answer.field("username", str)
    if not name:
        raise answer.error("username", "is empty")
    return name
