"""One exception hierarchy for everything that can go wrong talking to DSM.

DSM answers HTTP 200 with ``{"success": false, "error": {"code": N}}`` for API-level
failures. Codes below 400 mean the same on every API; codes from 400 up are
namespace-specific (the same number means different things in ``SYNO.API.Auth`` and in
an app), so a code is always read together with the API that returned it.
Messages never contain parameters, so no secret can leak through ``str(err)``.
"""

from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping


class DsmError(Exception):
    """Base class of every error this client raises."""


class DsmConnectionError(DsmError):
    """The NAS could not be reached, or the connection broke mid-request."""


class DsmHostNotFoundError(DsmConnectionError):
    """The NAS's host name does not resolve (DNS)."""


class DsmConnectionRefusedError(DsmConnectionError):
    """The host answered, but nothing listens on the port."""


class DsmTimeoutError(DsmConnectionError):
    """The NAS did not answer within the request timeout."""


class DsmSslError(DsmConnectionError):
    """The TLS handshake failed, usually an untrusted or mismatched certificate."""


class DsmHttpError(DsmConnectionError):
    """The web server answered with an HTTP status other than 200."""

    def __init__(self, status: int) -> None:
        """Keep the status for callers that want it."""
        super().__init__(f"DSM answered HTTP {status}")
        self.status = status


class DsmRequestTooLargeError(DsmError):
    """The NAS's web server refused the request body as too large (HTTP 413).

    Not a connection problem: the NAS is reachable, and the same request fails again.
    """

    def __init__(self) -> None:
        """Say what happened without the request."""
        super().__init__("the NAS refused the request as too large (HTTP 413)")


class DsmResponseError(DsmError):
    """The body was not the JSON envelope every DSM API answers with, or not the answer.

    For an answer read field by field (``typed.Fields``), source names the API and
    method and path the field, such as ``data.posts[3].file_props.size``.
    """

    def __init__(self, message: str, *, source: str = "", path: str = "") -> None:
        """Keep where the answer went wrong, when it is known."""
        super().__init__(message)
        self.source = source
        self.path = path


class DsmFileTooLargeError(DsmError):
    """A file is larger than the app accepts; nothing was sent."""

    def __init__(self, size: int, limit: int) -> None:
        """Keep both sizes in bytes."""
        super().__init__(f"the file has {size} bytes, the limit is {limit}")
        self.size = size
        self.limit = limit


class DsmApiNotInstalledError(DsmError):
    """The API is not offered by this NAS (its package is missing or stopped)."""

    def __init__(self, api: str) -> None:
        """Name the API that is missing."""
        super().__init__(f"{api} is not available on this NAS")
        self.api = api


class DsmVersionUnsupportedError(DsmError):
    """The NAS offers the API, but no version this client can speak."""

    def __init__(
        self, api: str, offered: tuple[int, int], wanted: tuple[int, int]
    ) -> None:
        """Name both version ranges."""
        super().__init__(
            f"{api} is offered in versions {offered[0]}-{offered[1]}, "
            f"this client speaks {wanted[0]}-{wanted[1]}"
        )
        self.api = api


class DsmApiError(DsmError):
    """DSM refused a call with an error code."""

    def __init__(
        self, code: int, api: str, method: str, detail: Any = None, meaning: str = ""
    ) -> None:
        """Keep code, API, method and DSM's own detail (never a parameter value)."""
        text = f"{api}.{method} failed with DSM error {code}"
        super().__init__(f"{text}: {meaning}" if meaning else text)
        self.code = code
        self.api = api
        self.method = method
        self.detail = detail
        self.meaning = meaning


class DsmInvalidParameterError(DsmApiError):
    """A parameter was missing or malformed (101, 114, 120)."""


class DsmPermissionError(DsmApiError):
    """The signed-in user may not do this (105, 160, and app-specific codes)."""


class DsmSessionExpiredError(DsmApiError):
    """The session is gone (106, 107, 119): log in again and retry once."""


class DsmBusyError(DsmApiError):
    """DSM is busy or its network is unstable; retrying later may work."""


class DsmRateLimitError(DsmApiError):
    """Too many requests; wait before the next one."""


class DsmNotFoundError(DsmApiError):
    """The object a call refers to does not exist."""


class DsmConflictError(DsmApiError):
    """The object changed on the NAS since it was read."""


class DsmQuotaExceededError(DsmApiError):
    """The account's storage quota has no room for what was asked."""


class DsmAuthError(DsmApiError):
    """Sign-in failed (``SYNO.API.Auth`` codes 400-411)."""


class DsmInvalidCredentialsError(DsmAuthError):
    """No such account, or a wrong password (400)."""


class DsmAccountUnusableError(DsmAuthError):
    """The account cannot sign in: disabled, not permitted, blocked, locked or expired."""


class DsmOtpRequiredError(DsmAuthError):
    """The account uses 2-step verification and no code or device token was given (403)."""


class DsmInvalidOtpError(DsmAuthError):
    """The one-time code was wrong or already used (404)."""


class DsmSsoUnavailableError(DsmError):
    """DSM offers no OpenID Connect sign-in: its SSO Client is off or not set up."""


class DsmSsoRefusedError(DsmError):
    """DSM did not accept the authorization code of a single sign-on.

    The code expired or was used, or DSM could not redeem it at its identity provider,
    did not trust the ID token, or found no DSM user for it (auth.md §8.1).
    """


class SsoLandingProblem(StrEnum):
    """What is wrong with the address the browser landed on after single sign-on."""

    NO_CODE = "no_code"
    CODE_ONLY = "code_only"
    WRONG_STATE = "wrong_state"
    PROVIDER_ERROR = "provider_error"


class SsoLandingError(DsmError):
    """The pasted landing address cannot finish this sign-in; DSM was not asked."""

    def __init__(self, problem: SsoLandingProblem, provider_error: str = "") -> None:
        """Name the problem, and the identity provider's OAuth error code if it sent one."""
        super().__init__(f"the landing address cannot be used: {problem}")
        self.problem = problem
        self.provider_error = provider_error


# Codes from here up mean different things in different APIs (webapi.md §5.3).
FIRST_NAMESPACE_CODE = 400

# Codes that mean the same on every API (webapi.md §5.1).
_COMMON_CODES: dict[int, tuple[type[DsmApiError], str]] = {
    100: (DsmApiError, "unknown error"),
    101: (DsmInvalidParameterError, "missing or malformed parameter"),
    102: (DsmApiError, "API does not exist"),
    103: (DsmApiError, "method does not exist"),
    104: (DsmApiError, "version not supported"),
    105: (DsmPermissionError, "no permission"),
    106: (DsmSessionExpiredError, "session timed out"),
    107: (DsmSessionExpiredError, "session ended by a duplicate login"),
    108: (DsmApiError, "upload failed"),
    109: (DsmBusyError, "network unstable or system busy"),
    110: (DsmBusyError, "network unstable or system busy"),
    111: (DsmBusyError, "network unstable or system busy"),
    112: (DsmApiError, "compound request stopped after an earlier error"),
    113: (DsmInvalidParameterError, "invalid compound request"),
    114: (DsmInvalidParameterError, "missing parameter"),
    115: (DsmPermissionError, "upload not allowed"),
    116: (DsmPermissionError, "not allowed on a demo site"),
    117: (DsmBusyError, "unknown internal error"),
    118: (DsmBusyError, "network unstable or system busy"),
    119: (DsmSessionExpiredError, "session not found"),
    120: (DsmInvalidParameterError, "invalid parameter"),
    150: (DsmPermissionError, "request IP does not match the login IP"),
    160: (DsmPermissionError, "the user lacks the application privilege"),
}

# INFERRED: the foundation issue and reports from Chat users treat 411 on app APIs as
# "too many requests"; the spec has no capture of it. Namespaces that give 411 another
# meaning override it in their own table.
RATE_LIMIT_CODE = 411

_AUTH_API = "SYNO.API.Auth"

# SYNO.API.Auth codes (auth.md §3.3).
_AUTH_CODES: dict[int, tuple[type[DsmApiError], str]] = {
    400: (DsmInvalidCredentialsError, "no such account or incorrect password"),
    401: (DsmAccountUnusableError, "account disabled"),
    402: (DsmAccountUnusableError, "permission denied"),
    403: (DsmOtpRequiredError, "2-step verification code required"),
    404: (DsmInvalidOtpError, "2-step verification code rejected"),
    405: (DsmAccountUnusableError, "app portal incorrect"),
    406: (DsmAccountUnusableError, "2-step verification must be set up in DSM first"),
    407: (DsmAccountUnusableError, "IP address blocked after failed sign-ins"),
    408: (DsmAccountUnusableError, "password expired and cannot be changed"),
    409: (DsmAccountUnusableError, "password expired"),
    410: (DsmAccountUnusableError, "password must be changed in DSM"),
    411: (DsmAccountUnusableError, "account locked"),
}

# Per-namespace tables for codes >= 400, keyed by API name prefix. App modules add
# theirs with register_error_codes() so each app's codes live next to its calls.
_NAMESPACE_CODES: dict[str, dict[int, tuple[type[DsmApiError], str]]] = {
    _AUTH_API: _AUTH_CODES,
}


def register_error_codes(
    api_prefix: str, codes: Mapping[int, tuple[type[DsmApiError], str]]
) -> None:
    """Declare what codes >= 400 mean for APIs whose name starts with api_prefix."""
    _NAMESPACE_CODES.setdefault(api_prefix, {}).update(codes)


def error_from_code(
    code: int, api: str, method: str, detail: Any = None
) -> DsmApiError:
    """Build the typed error for a DSM error code returned by api.method."""
    if code < FIRST_NAMESPACE_CODE:
        cls, meaning = _COMMON_CODES.get(code, (DsmApiError, ""))
        return cls(code, api, method, detail, meaning)
    # The longest matching prefix wins, so an API can refine its app's table.
    for prefix in sorted(_NAMESPACE_CODES, key=len, reverse=True):
        table = _NAMESPACE_CODES[prefix]
        if api.startswith(prefix) and code in table:
            cls, meaning = table[code]
            return cls(code, api, method, detail, meaning)
    if code == RATE_LIMIT_CODE and api != _AUTH_API:
        return DsmRateLimitError(code, api, method, detail, "too many requests")
    return DsmApiError(code, api, method, detail)
