"""``check_nas``: the NAS self-check as an administrator action with the report as response."""

from homeassistant.core import ServiceCall, ServiceResponse, SupportsResponse
import probatio

from custom_components.synology_native.services import ENTRY_FIELD, Action, loaded_entry

from . import async_check_nas


async def _check_nas(call: ServiceCall) -> ServiceResponse:
    """Run the self-check on the entry's NAS; only reads."""
    return await async_check_nas(call.hass, loaded_entry(call))


ACTIONS = (
    Action(
        "check_nas",
        _check_nas,
        probatio.Schema(ENTRY_FIELD),
        SupportsResponse.ONLY,
        admin=True,
    ),
)
