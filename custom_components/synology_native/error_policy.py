"""What a failed DSM call means for Home Assistant, decided in one place.

``failure_of`` sorts every client error into one of four kinds; the helpers below turn
that kind into what each caller raises or does:

- REAUTHENTICATE: DSM refused the sign-in, or ended a session the entry cannot renew.
  Setup and polls raise ConfigEntryAuthFailed; actions and the Chat listener start reauth.
- NOT_READY: the NAS cannot be reached, is busy, or answered with something that is not
  DSM's envelope. Setup retries, a poll marks the data stale.
- RATE_LIMITED: DSM asked to slow down; a poll waits RATE_LIMIT_BACKOFF_SECONDS.
- FAILED: DSM refused this call (permission, missing object, bad parameter, a
  request body too large for the NAS's web server).

Every text a user reads about a DSM failure is chosen here: the exceptions of setup,
polls, actions and entity writes, and the config flow's form errors. An action may
name refusals it can explain better (``Refusals``: "no such file", "name taken"); they
are raised here too, as ServiceValidationError.
"""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING

from homeassistant.exceptions import (
    ConfigEntryAuthFailed,
    ConfigEntryNotReady,
    HomeAssistantError,
    ServiceValidationError,
)
from homeassistant.helpers.update_coordinator import UpdateFailed

from .api import (
    DsmAccountUnusableError,
    DsmApiError,
    DsmAuthError,
    DsmBusyError,
    DsmConnectionError,
    DsmConnectionRefusedError,
    DsmError,
    DsmFileTooLargeError,
    DsmHostNotFoundError,
    DsmInvalidCredentialsError,
    DsmInvalidOtpError,
    DsmRateLimitError,
    DsmRequestTooLargeError,
    DsmResponseError,
    DsmSessionExpiredError,
    DsmSslError,
    DsmSsoRefusedError,
)
from .const import DOMAIN

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry
    from homeassistant.core import HomeAssistant

# Refusals an action explains itself: each client error class (DSM's code mapped by
# the client) with the translation key (of exceptions) that says what it means there.
type Refusals = Mapping[type[DsmError], str]
NO_REFUSALS: Refusals = MappingProxyType({})

# How long a poll waits after DSM said "too many requests" before asking again.
RATE_LIMIT_BACKOFF_SECONDS = 60


class Failure(StrEnum):
    """What a failed DSM call asks of Home Assistant."""

    REAUTHENTICATE = "reauthenticate"
    NOT_READY = "not_ready"
    RATE_LIMITED = "rate_limited"
    FAILED = "failed"


def failure_of(err: DsmError) -> Failure:
    """Sort a client error into what it asks of Home Assistant."""
    match err:
        case DsmAuthError() | DsmSessionExpiredError():
            return Failure.REAUTHENTICATE
        case DsmRateLimitError():
            return Failure.RATE_LIMITED
        case DsmRequestTooLargeError():
            return Failure.FAILED
        case DsmConnectionError() | DsmBusyError() | DsmResponseError():
            return Failure.NOT_READY
        case _:
            return Failure.FAILED


def _auth_failed() -> ConfigEntryAuthFailed:
    return ConfigEntryAuthFailed(
        translation_domain=DOMAIN, translation_key="auth_failed"
    )


def setup_error(err: DsmError) -> ConfigEntryAuthFailed | ConfigEntryNotReady:
    """Return what setup raises: reauth for a refused sign-in, else retry later."""
    if failure_of(err) is Failure.REAUTHENTICATE:
        return _auth_failed()
    return ConfigEntryNotReady(
        translation_domain=DOMAIN,
        translation_key="cannot_connect",
        translation_placeholders={"error": str(err)},
    )


def update_error(err: DsmError) -> ConfigEntryAuthFailed | UpdateFailed:
    """Return what a poll raises: reauth, or stale data until the next try."""
    match failure_of(err):
        case Failure.REAUTHENTICATE:
            return _auth_failed()
        case Failure.RATE_LIMITED:
            return UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="rate_limited",
                retry_after=RATE_LIMIT_BACKOFF_SECONDS,
            )
        case _:
            return UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="update_failed",
                translation_placeholders={"error": str(err)},
            )


def start_reauth_if_needed(
    hass: HomeAssistant, entry: ConfigEntry, err: DsmError
) -> bool:
    """Start reauth when err means the sign-in is refused; tell whether it did."""
    if failure_of(err) is not Failure.REAUTHENTICATE:
        return False
    entry.async_start_reauth(hass)
    return True


def action_error(
    hass: HomeAssistant,
    entry: ConfigEntry,
    err: DsmError,
    refusals: Refusals = NO_REFUSALS,
    placeholders: Mapping[str, str] | None = None,
) -> HomeAssistantError:
    """Return the translated error an action or entity write raises (reauth starts).

    A refusal the action named is explained with its own key and placeholders.
    """
    for kind, key in refusals.items():
        if isinstance(err, kind):
            return ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key=key,
                translation_placeholders=dict(placeholders or {}) or None,
            )
    match failure_of(err):
        case Failure.REAUTHENTICATE:
            entry.async_start_reauth(hass)
            return HomeAssistantError(
                translation_domain=DOMAIN, translation_key="auth_failed"
            )
        case Failure.RATE_LIMITED:
            # Chat's "create post too fast" reaches users only after the client tried again.
            return HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="chat_rate_limited"
                if isinstance(err, DsmApiError) and err.api.startswith("SYNO.Chat.")
                else "rate_limited",
            )
        case Failure.FAILED if isinstance(
            err, DsmRequestTooLargeError | DsmFileTooLargeError
        ):
            return HomeAssistantError(
                translation_domain=DOMAIN, translation_key="too_large"
            )
        case Failure.FAILED if isinstance(err, DsmApiError):
            return HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="dsm_refused",
                translation_placeholders={
                    "reason": err.meaning or "no reason given",
                    "code": str(err.code),
                },
            )
        case _:
            return HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="cannot_connect",
                translation_placeholders={"error": str(err)},
            )


@contextmanager
def translate_dsm_errors(
    hass: HomeAssistant,
    entry: ConfigEntry,
    refusals: Refusals = NO_REFUSALS,
    **placeholders: str,
) -> Iterator[None]:
    """Raise what a failed DSM call in this block means for the user, translated.

    refusals names the failures this block explains itself, with placeholders.
    """
    try:
        yield
    except DsmError as err:
        raise action_error(hass, entry, err, refusals, placeholders) from err


def form_error(err: DsmError, *, sso_code_expired: bool = False) -> str:
    """Name the config flow's form error (a key of config.error) for a failed call.

    sso_code_expired tells a refused single sign-on code that was too old to use.
    """
    match err:
        case DsmInvalidOtpError():
            return "invalid_otp"
        case DsmInvalidCredentialsError():
            return "invalid_auth"
        case DsmSsoRefusedError():
            return "code_expired" if sso_code_expired else "code_refused"
        case DsmAccountUnusableError():
            return "account_unusable"
        case _:
            return connection_error(err)


def connection_error(err: DsmError) -> str:
    """Name the config flow's form error for a failure to reach DSM."""
    match err:
        case DsmSslError():
            return "ssl_error"
        case DsmHostNotFoundError():
            return "host_not_found"
        case DsmConnectionRefusedError():
            return "connection_refused"
        case _:
            return "cannot_connect"
