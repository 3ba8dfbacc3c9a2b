"""Sign-in to DSM: password, one-time code, device tokens, and SSO Server sign-in.

Password sign-in follows auth.md §1-§5: ``SYNO.API.Auth login`` with ``format=sid``
and ``enable_syno_token=yes``; a one-time code once, together with a request for a
device token, so later sign-ins of a 2-step account need no code. How DSM turns an SSO
Server sign-in into a session is not documented: see exchange_sso_sign_in.
"""

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from .errors import (
    DsmApiError,
    DsmResponseError,
    DsmSsoRefusedError,
    DsmVersionUnsupportedError,
)
from .models import Endpoint

if TYPE_CHECKING:
    from .client import DsmClient
    from .sso import SsoTokens

LOGIN = Endpoint("SYNO.API.Auth", "login", min_version=6, max_version=7)
LOGOUT = Endpoint("SYNO.API.Auth", "logout", min_version=1, max_version=7)
# The manifest lists `oidc` in version 6 only (auth.md §2).
OIDC_EXCHANGE = Endpoint("SYNO.API.Auth", "oidc", min_version=6, max_version=6)

# INFERRED (auth.md §3.1): DSM binds a sid to a session name that logout repeats. One
# widely used client names it "webui" so that accounts without administrator rights
# may sign in; app names such as "FileStation" are refused for some of them.
SESSION_NAME = "webui"

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
    return _session(data, credentials.account, device_token)


def _session(data: Any, account: str, device_token: str | None) -> DsmSession:
    """Read ``sid`` and ``synotoken`` of a successful sign-in (auth.md §3.2)."""
    if not isinstance(data, dict) or not isinstance(data.get("sid"), str):
        msg = "DSM sign-in answered without a session id"
        raise DsmResponseError(msg)
    synotoken = data.get("synotoken")
    return DsmSession(
        account=account,
        sid=data["sid"],
        synotoken=synotoken if isinstance(synotoken, str) else None,
        device_token=device_token,
    )


async def exchange_sso_sign_in(
    client: DsmClient,
    tokens: SsoTokens,
    account: str,
    device_name: str = DEFAULT_DEVICE_NAME,
) -> DsmSession:
    """Turn a verified SSO Server sign-in into a DSM web API session for account.

    INFERRED (auth.md §8): no public source documents how DSM does this. DSM 7 lists
    ``SYNO.API.Auth`` method ``oidc`` (version 6 only) and the DSM login page uses some
    request of this kind when DSM itself signs in through SSO, so this sends that
    method, by POST, what an OpenID Connect relying party holds after sign-in:
    ``id_token`` (signed, names the user in ``username``/``sub``) and
    ``access_token`` (lets DSM ask SSO Server's userinfo endpoint), together with the
    session options a password sign-in sends (``session``, ``format=sid``,
    ``enable_syno_token``) and a device-token request (``enable_device_token``,
    ``device_name``). The answer is read like a password sign-in's (``sid``,
    ``synotoken``, ``did``). Every DSM error code counts as a refusal: which code a
    real NAS uses is unknown. The session is handed to client, which cannot renew it
    by itself: a later sign-in needs the user again (tokens last 180 seconds and come
    without a refresh token).
    """
    params = {
        "id_token": tokens.id_token,
        "access_token": tokens.access_token,
        "session": SESSION_NAME,
        "format": "sid",
        "enable_syno_token": "yes",
        "enable_device_token": "yes",
        "device_name": device_name,
    }
    try:
        data = await client.call_without_session(OIDC_EXCHANGE, params)
    except (DsmApiError, DsmVersionUnsupportedError) as err:
        msg = f"DSM does not accept SSO sign-in for its web API: {err}"
        raise DsmSsoRefusedError(msg) from err
    session = _session(data, account, None)
    session = replace(session, device_token=issued_device_token(data))
    client.use_session(session)
    return session
