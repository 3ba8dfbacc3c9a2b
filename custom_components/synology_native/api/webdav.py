"""WebDAV Server administration: the package's settings, found at run time, and transfer logging.

No public source names the WebDAV Server package's admin API (webdav.md §1), so nothing here
hard-codes it: `WebDav.server_api` finds it in ``SYNO.API.Info`` as webdav.md §3 describes.
The file-transfer log switch ``SYNO.Core.SyslogClient.FileTransfer`` is VERIFIED (§2).
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import (
    DsmApiError,
    DsmApiNotInstalledError,
    DsmPermissionError,
    DsmResponseError,
)
from .models import Endpoint
from .typed import Fields, is_kind

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .client import DsmClient
    from .models import ApiInfo

FILE_TRANSFER_GET = Endpoint("SYNO.Core.SyslogClient.FileTransfer", "get")
FILE_TRANSFER_SET = Endpoint("SYNO.Core.SyslogClient.FileTransfer", "set")
# The key of WebDAV among the per-protocol switches `get` answers (VERIFIED, webdav.md §2).
WEBDAV_PROTOCOL = "webdav"

# webdav.md §3 step 1: the package's API is among the names containing this, any case.
DISCOVERY_MARKER = "dav"
# INFERRED (webdav.md §3 steps 2-3): the settings are read with `get` (no parameters) and
# written with `set` taking the same keys. A capture of the package's UI corrects both here.
SETTINGS_GET_METHOD = "get"
SETTINGS_SET_METHOD = "set"
# Answering this is what an administrator gets from a candidate that is not a settings API
# (webdav.md §3 step 2: 103 wrong method, 114/120 needs parameters), or from a package
# removed since the NAS listed its APIs (102).
NOT_A_SETTINGS_API = frozenset({102, 103, 114, 120})

WEBDAV_SERVER = "WebDAV Server"

type SettingValue = bool | int


@dataclass(frozen=True, slots=True)
class WebDavSettings:
    """The WebDAV Server settings as the package reports them, and the API that did."""

    api: str
    version: int
    values: Mapping[str, SettingValue]


def discovery_candidates(apis: Mapping[str, ApiInfo]) -> list[tuple[str, int]]:
    """Return (name, highest version) of every API whose name contains "dav"."""
    return sorted(
        (name, info.max_version)
        for name, info in apis.items()
        if DISCOVERY_MARKER in name.casefold()
    )


def parse_settings(data: Any, source: Endpoint) -> dict[str, SettingValue]:
    """Read a settings object: a non-empty map of names to flags and numbers."""
    answer = Fields.of(data, source)
    if not answer.raw:
        raise answer.error(None, "holds no settings")
    return {
        key: answer.field(key, bool)
        if is_kind(answer.raw[key], bool)
        else answer.field(key, int)
        for key in answer.raw
    }


def parse_transfer_logging(data: Any) -> dict[str, bool]:
    """Read ``FileTransfer.get``: a switch per protocol, WebDAV's among them."""
    answer = Fields.of(data, FILE_TRANSFER_GET)
    answer.field(WEBDAV_PROTOCOL, bool)
    return {key: answer.field(key, bool) for key in answer.raw}


def transfer_logging_params(
    current: Mapping[str, bool], *, enabled: bool
) -> dict[str, bool]:
    """Build ``FileTransfer.set`` (INFERRED, webdav.md §2: the keys of ``get``).

    Every switch is sent as read, WebDAV's changed, so the other protocols stay as they
    are whether DSM reads missing keys as "off" or as "unchanged".
    """
    return {**current, WEBDAV_PROTOCOL: enabled}


class WebDav:
    """WebDAV administration through one signed-in client."""

    def __init__(self, client: DsmClient) -> None:
        """Use client for every call."""
        self._client = client

    async def settings(self) -> WebDavSettings:
        """Find the package's settings API and read the settings.

        Raises DsmApiNotInstalledError when no API answers like one, and
        DsmPermissionError when one refused the account (not an administrator).
        """
        refused: DsmPermissionError | None = None
        for name, version in discovery_candidates(await self._client.apis()):
            endpoint = Endpoint(name, SETTINGS_GET_METHOD, version, version)
            try:
                data = await self._client.call(endpoint)
            except DsmPermissionError as err:
                refused = err
                continue
            except DsmApiError as err:
                if err.code in NOT_A_SETTINGS_API:
                    continue
                raise
            try:
                values = parse_settings(data, endpoint)
            except DsmResponseError:
                continue
            return WebDavSettings(name, version, values)
        if refused is not None:
            raise refused
        raise DsmApiNotInstalledError(WEBDAV_SERVER)

    async def change_settings(
        self, current: WebDavSettings, changes: Mapping[str, SettingValue]
    ) -> WebDavSettings:
        """Write changed settings through the API current came from; read them back."""
        endpoint = Endpoint(
            current.api, SETTINGS_SET_METHOD, current.version, current.version
        )
        await self._client.call(endpoint, dict(changes))
        read = Endpoint(
            current.api, SETTINGS_GET_METHOD, current.version, current.version
        )
        values = parse_settings(await self._client.call(read), read)
        return WebDavSettings(current.api, current.version, values)

    async def transfer_logging(self) -> dict[str, bool]:
        """Return the file-transfer log switch of every protocol."""
        return parse_transfer_logging(await self._client.call(FILE_TRANSFER_GET))

    async def set_transfer_logging(self, *, enabled: bool) -> None:
        """Turn logging of WebDAV file transfers on or off."""
        current = await self.transfer_logging()
        await self._client.call(
            FILE_TRANSFER_SET,
            transfer_logging_params(current, enabled=enabled),
        )
