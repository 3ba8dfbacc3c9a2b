"""Client errors turned into the translated Home Assistant errors users see."""

from collections.abc import Iterator
from contextlib import contextmanager

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError

from .api import (
    DsmApiError,
    DsmAuthError,
    DsmError,
    DsmRateLimitError,
    DsmRequestTooLargeError,
    DsmSessionExpiredError,
)
from .const import DOMAIN
from .data import DsmConfigEntry


@contextmanager
def translate_dsm_errors(hass: HomeAssistant, entry: DsmConfigEntry) -> Iterator[None]:
    """Raise what a failed DSM call means for the user, in their language.

    A refused sign-in also starts reauth, as a failed poll would.
    """
    try:
        yield
    except (DsmAuthError, DsmSessionExpiredError) as err:
        entry.async_start_reauth(hass)
        raise HomeAssistantError(
            translation_domain=DOMAIN, translation_key="auth_failed"
        ) from err
    except DsmRateLimitError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN, translation_key="rate_limited"
        ) from err
    except DsmRequestTooLargeError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN, translation_key="too_large"
        ) from err
    except DsmApiError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="dsm_refused",
            translation_placeholders={
                "reason": err.meaning or "no reason given",
                "code": str(err.code),
            },
        ) from err
    except DsmError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="cannot_connect",
            translation_placeholders={"error": str(err)},
        ) from err
