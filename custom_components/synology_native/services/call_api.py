"""``call_api``: any cataloged DSM method, for administrators, with DSM's answer as response.

Methods the catalog marks refused (secrets, accounts: api.catalog.REFUSED) are refused to
everyone, automations included.

The call is checked against the integration's catalog (api.catalog) and against what the
connected NAS reports in ``SYNO.API.Info`` before anything is sent; what fails a check is a
translated validation error. Parameters are encoded as the catalog says for the API (JSON
text or raw strings, webapi.md §2.2) and sent with the entry's session. A method that answers
with a file writes it to a path Home Assistant may write.
"""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
)
from homeassistant.helpers import config_validation as cv
import probatio

from custom_components.synology_native.api import ApiInfo, DsmClient, Endpoint
from custom_components.synology_native.api.catalog import (
    CATALOG,
    JSON_TYPE_NAMES,
    CatalogEndpoint,
    Encoding,
    endpoint,
    json_type_name,
    versions_text,
)
from custom_components.synology_native.apps import APPS
from custom_components.synology_native.error_policy import translate_dsm_errors

from . import ENTRY_FIELD, Action, invalid, loaded_entry
from .files import write_whole

# What covers a method: an action of an app (its COVERS), the integration's sign-in,
# or else this generic action.
CALL_API = "call_api"
SIGN_IN = "sign-in"
COVERAGE: Mapping[tuple[str, str], str] = {
    method: action for spec in APPS for method, action in spec.covers.items()
}

ATTR_API = "api"
ATTR_METHOD = "method"
ATTR_VERSION = "version"
ATTR_PARAMS = "params"
ATTR_DOWNLOAD_PATH = "download_path"

COMPOUND_API = "SYNO.Entry.Request"
COMPOUND_ITEMS = "compound"
# Routing keys the client sets itself (webapi.md §2); a parameter may not replace them.
ROUTING_KEYS = frozenset({"api", "version", "method", "_sid", "SynoToken"})

CALL_API_SCHEMA = probatio.Schema(
    {
        **ENTRY_FIELD,
        probatio.Required(ATTR_API): cv.string,
        probatio.Required(ATTR_METHOD): cv.string,
        probatio.Optional(ATTR_VERSION): probatio.All(
            probatio.Coerce(int), probatio.Range(min=1)
        ),
        probatio.Optional(ATTR_PARAMS, default=dict): dict,
        probatio.Optional(ATTR_DOWNLOAD_PATH): cv.string,
    }
)


def coverage(item: CatalogEndpoint) -> str:
    """Name what covers an endpoint: an action, SIGN_IN, or CALL_API."""
    if item.sign_in:
        return SIGN_IN
    return COVERAGE.get((item.api.name, item.method), CALL_API)


def is_typed(item: CatalogEndpoint) -> bool:
    """Tell whether something other than call_api covers an endpoint."""
    return coverage(item) not in (CALL_API, SIGN_IN)


def via_call_api(item: CatalogEndpoint) -> bool:
    """Tell whether call_api reaches it (no file uploads, nothing it refuses)."""
    return coverage(item) == CALL_API and not item.upload and item.refused is None


def _cataloged(api: str, method: str) -> CatalogEndpoint:
    """Return the catalog's endpoint; refuse unknown, reserved and upload methods."""
    if api not in CATALOG:
        raise invalid("unknown_api", api=api)
    found = endpoint(api, method)
    if found is None:
        raise invalid(
            "unknown_method",
            api=api,
            method=method,
            methods=", ".join(CATALOG[api].method_names()),
        )
    if found.sign_in:
        raise invalid("method_reserved", api=api, method=method)
    if found.refused is not None:
        raise invalid(found.refused.value, api=api, method=method)
    if found.upload:
        raise invalid("upload_not_supported", api=api, method=method)
    return found


def _version(found: CatalogEndpoint, info: ApiInfo | None, wanted: int | None) -> int:
    """Pick the version: the one asked for, else the highest both sides have."""
    name = found.api.name
    if wanted is not None and wanted not in found.versions:
        raise invalid(
            "unknown_version",
            api=name,
            method=found.method,
            version=str(wanted),
            versions=versions_text(found.versions),
        )
    if info is None:
        raise invalid("api_not_on_nas", api=name)
    offered = [v for v in found.versions if info.min_version <= v <= info.max_version]
    if not offered or (wanted is not None and wanted not in offered):
        raise invalid(
            "method_not_on_nas",
            api=name,
            method=found.method,
            versions=f"{info.min_version}-{info.max_version}",
        )
    return wanted if wanted is not None else max(offered)


def _check_params(found: CatalogEndpoint, params: Mapping[str, Any]) -> None:
    """Refuse routing keys, values of the wrong type, and objects for a raw API."""
    for name, value in params.items():
        if name in ROUTING_KEYS:
            raise invalid("reserved_parameter", parameter=name)
        wanted = found.parameters.get(name)
        if wanted is not None and not _is_type(value, wanted):
            raise invalid(
                "wrong_parameter_type",
                parameter=name,
                expected=JSON_TYPE_NAMES[wanted],
                given=json_type_name(value),
            )
        if found.api.encoding is Encoding.RAW and not _is_raw(value):
            raise invalid("raw_parameter", parameter=name, api=found.api.name)


def _is_type(value: Any, wanted: type) -> bool:
    if wanted is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, wanted)


def _is_raw(value: Any) -> bool:
    """Tell whether a raw API can take value: a plain value or a list of them."""
    plain = (str, int, float, bool)
    return isinstance(value, plain) or (
        isinstance(value, list) and all(isinstance(item, plain) for item in value)
    )


def _checked_compound(
    apis: Mapping[str, ApiInfo], params: Mapping[str, Any]
) -> dict[str, Any]:
    """Check every item of a compound request as a call of its own; fill in versions."""
    items = params.get(COMPOUND_ITEMS)
    if not isinstance(items, list) or not items:
        raise invalid("invalid_compound")
    checked = []
    for item in items:
        if not isinstance(item, dict) or not all(
            isinstance(item.get(key), str) for key in (ATTR_API, ATTR_METHOD)
        ):
            raise invalid("invalid_compound")
        found = _cataloged(item[ATTR_API], item[ATTR_METHOD])
        if found.download or found.api.name == COMPOUND_API:
            raise invalid("not_in_compound", api=found.api.name, method=found.method)
        wanted = item.get(ATTR_VERSION)
        if wanted is not None and not _is_type(wanted, int):
            raise invalid("invalid_compound")
        version = _version(found, apis.get(found.api.name), wanted)
        item_params = {
            key: value
            for key, value in item.items()
            if key not in (ATTR_API, ATTR_METHOD, ATTR_VERSION)
        }
        _check_params(found, item_params)
        checked.append({**item, ATTR_VERSION: version})
    return {**params, COMPOUND_ITEMS: checked}


async def _allowed_target(hass: HomeAssistant, path: str | None) -> Path:
    if path is None:
        raise invalid("download_path_required")
    if not await hass.async_add_executor_job(hass.config.is_allowed_path, path):
        raise invalid("download_path_not_allowed", path=path)
    return Path(path)


async def _download(
    hass: HomeAssistant,
    client: DsmClient,
    request: Endpoint,
    params: Mapping[str, Any],
    target: Path,
) -> int:
    """Stream a file answer into target, whole or not at all; return its size in bytes.

    The file is created only once DSM answers with a file, so a refusal leaves none.
    """
    async with client.stream(request, params) as chunks:
        return await write_whole(
            hass,
            target,
            chunks,
            lambda: invalid("download_path_not_allowed", path=str(target)),
        )


async def _call_api(call: ServiceCall) -> ServiceResponse:
    entry = loaded_entry(call)
    client = entry.runtime_data.client
    found = _cataloged(call.data[ATTR_API], call.data[ATTR_METHOD])
    params: dict[str, Any] = call.data[ATTR_PARAMS]
    _check_params(found, params)
    target = (
        await _allowed_target(call.hass, call.data.get(ATTR_DOWNLOAD_PATH))
        if found.download
        else None
    )
    with translate_dsm_errors(call.hass, entry):
        apis = await client.apis()
        version = _version(found, apis.get(found.api.name), call.data.get(ATTR_VERSION))
        if found.api.name == COMPOUND_API:
            params = _checked_compound(apis, params)
        request = Endpoint(found.api.name, found.method, version, version)
        answer: dict[str, Any] = {
            ATTR_API: found.api.name,
            ATTR_METHOD: found.method,
            ATTR_VERSION: version,
        }
        if target is not None:
            size = await _download(call.hass, client, request, params, target)
            return {**answer, "path": str(target), "size": size}
        data = await client.call(
            request,
            params,
            json_format=found.api.encoding is Encoding.JSON,
        )
    return {**answer, "data": data}


ACTIONS = (
    Action(
        "call_api",
        _call_api,
        CALL_API_SCHEMA,
        SupportsResponse.ONLY,
        admin=True,
    ),
)
