"""Password sign-in to DSM: parameters, the session it yields, and device tokens.

Follows auth.md §1-§5: ``SYNO.API.Auth login`` with ``format=sid`` and
``enable_syno_token=yes``; a one-time code once, together with a request for a device
token, so later sign-ins of a 2-step account need no code.
"""

from dataclasses import dataclass, field
from typing import Any

from .errors import DsmResponseError
from .models import Endpoint

LOGIN = Endpoint("SYNO.API.Auth", "login", min_version=6, max_version=7)
LOGOUT = Endpoint("SYNO.API.Auth", "logout", min_version=1, max_version=7)

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
    if not isinstance(data, dict) or not isinstance(data.get("sid"), str):
        msg = "DSM sign-in answered without a session id"
        raise DsmResponseError(msg)
    synotoken = data.get("synotoken")
    device_token = (
        issued_device_token(data) if otp_code is not None else credentials.device_token
    )
    return DsmSession(
        account=credentials.account,
        sid=data["sid"],
        synotoken=synotoken if isinstance(synotoken, str) else None,
        device_token=device_token,
    )
