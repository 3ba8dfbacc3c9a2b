"""What a failed DSM call means: reauth, retry, slow down or refused; what users read."""

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.translation import async_get_translations
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.synology_native.api import (
    DsmApiNotInstalledError,
    DsmBusyError,
    DsmConnectionError,
    DsmError,
    DsmInvalidCredentialsError,
    DsmOtpRequiredError,
    DsmPermissionError,
    DsmRateLimitError,
    DsmResponseError,
    DsmSessionExpiredError,
    DsmTimeoutError,
)
from custom_components.synology_native.api.errors import (
    DsmApiError,
    DsmRequestTooLargeError,
)
from custom_components.synology_native.const import DOMAIN
from custom_components.synology_native.error_policy import (
    Failure,
    failure_of,
    translate_dsm_errors,
)
from tests.conftest import setup_entry


@pytest.mark.parametrize(
    ("error", "failure"),
    [
        (DsmInvalidCredentialsError(400, "SYNO.API.Auth", "login"), "reauthenticate"),
        (DsmOtpRequiredError(403, "SYNO.API.Auth", "login"), "reauthenticate"),
        (DsmSessionExpiredError(119, "SYNO.X", "y"), "reauthenticate"),
        (DsmRateLimitError(411, "SYNO.Chat.Post", "create"), "rate_limited"),
        (DsmConnectionError("gone"), "not_ready"),
        (DsmTimeoutError("slow"), "not_ready"),
        (DsmBusyError(117, "SYNO.X", "y"), "not_ready"),
        (DsmResponseError("not JSON"), "not_ready"),
        (DsmRequestTooLargeError(), "failed"),
        (DsmPermissionError(105, "SYNO.X", "y"), "failed"),
        (DsmApiNotInstalledError("SYNO.X"), "failed"),
    ],
)
def test_each_error_has_one_meaning(error: DsmError, failure: str) -> None:
    """Every client error falls into exactly one of the four kinds."""
    assert failure_of(error) is Failure(failure)


async def loaded(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Set up entry and load its exception texts, as the frontend does before showing one."""
    await setup_entry(hass, entry)
    await async_get_translations(hass, "en", "exceptions", [DOMAIN])


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (
            DsmPermissionError(105, "SYNO.X", "y", None, "no permission"),
            "DSM refused the request: no permission (error 105)",
        ),
        (
            DsmApiError(999, "SYNO.X", "y"),
            "DSM refused the request: no reason given (error 999)",
        ),
        (
            DsmRateLimitError(411, "SYNO.X", "y"),
            "DSM asked Home Assistant to slow down. Try again in a minute",
        ),
        (DsmConnectionError("NAS gone"), "Cannot reach DSM: NAS gone"),
    ],
)
async def test_refusals_are_translated(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    error: DsmError,
    message: str,
) -> None:
    """Each kind of failure reads as its translated message."""
    await loaded(hass, config_entry)
    with (
        pytest.raises(HomeAssistantError) as raised,
        translate_dsm_errors(hass, config_entry),
    ):
        raise error
    assert str(raised.value) == message
    assert not any(config_entry.async_get_active_flows(hass, {"reauth"}))


async def test_refused_sign_in_starts_reauth(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    """A sign-in DSM refuses during an action leads the user to reauth."""
    await loaded(hass, config_entry)
    with (
        pytest.raises(HomeAssistantError, match="Sign in again"),
        translate_dsm_errors(hass, config_entry),
    ):
        raise DsmInvalidCredentialsError(400, "SYNO.API.Auth", "login")
    await hass.async_block_till_done()
    assert any(config_entry.async_get_active_flows(hass, {"reauth"}))
