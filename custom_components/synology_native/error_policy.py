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
"""

from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import TYPE_CHECKING

from homeassistant.exceptions import (
    ConfigEntryAuthFailed,
    ConfigEntryNotReady,
    HomeAssistantError,
)
from homeassistant.helpers.update_coordinator import UpdateFailed

from .api import (
    DsmApiError,
    DsmAuthError,
    DsmBusyError,
    DsmConnectionError,
    DsmError,
    DsmFileTooLargeError,
    DsmRateLimitError,
    DsmRequestTooLargeError,
    DsmResponseError,
    DsmSessionExpiredError,
)
from .const import DOMAIN

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry
    from homeassistant.core import HomeAssistant

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
    hass: HomeAssistant, entry: ConfigEntry, err: DsmError
) -> HomeAssistantError:
    """Return the translated error an action or entity write raises (reauth starts)."""
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
def translate_dsm_errors(hass: HomeAssistant, entry: ConfigEntry) -> Iterator[None]:
    """Raise what a failed DSM call in this block means for the user, translated."""
    try:
        yield
    except DsmError as err:
        raise action_error(hass, entry, err) from err
