"""What users read when a DSM call made for them fails."""

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.translation import async_get_translations
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.synology_native.api import (
    DsmConnectionError,
    DsmError,
    DsmInvalidCredentialsError,
    DsmPermissionError,
    DsmRateLimitError,
)
from custom_components.synology_native.api.errors import DsmApiError
from custom_components.synology_native.const import DOMAIN
from custom_components.synology_native.error_policy import translate_dsm_errors
from tests.conftest import setup_entry


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
