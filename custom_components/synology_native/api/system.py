"""DSM itself: which NAS this is, and which productivity apps it offers."""

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from .models import ApiInfo, Endpoint
from .typed import Fields

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .client import DsmClient

# INFERRED: the spec documents no identity call for a non-administrator session. This
# one is listed by SYNO.API.Info on DSM 7.2.2 (versions 2-2) and a widely used library
# reads model, serial and version_string from it. One endpoint, one parser: a capture
# corrects both here.
NAS_INFO = Endpoint("SYNO.DSM.Info", "getinfo", min_version=2, max_version=2)


class DsmApp(StrEnum):
    """The productivity apps this client knows, keyed by what Home Assistant stores."""

    CHAT = "chat"
    CALENDAR = "calendar"
    NOTESTATION = "notestation"
    DRIVE = "drive"
    CONTACTS = "contacts"


# The API each app's package registers; its presence in SYNO.API.Info means the
# package is installed and running.
APP_MARKER_API: Mapping[DsmApp, str] = {
    DsmApp.CHAT: "SYNO.Chat.Channel",
    DsmApp.CALENDAR: "SYNO.Cal.Cal",
    DsmApp.NOTESTATION: "SYNO.NoteStation.Info",
    DsmApp.DRIVE: "SYNO.SynologyDrive.Files",
    DsmApp.CONTACTS: "SYNO.Contacts.Addressbook",
}


# Product names, for repair issues and errors (they are names, not translatable text).
APP_NAMES: Mapping[DsmApp, str] = {
    DsmApp.CHAT: "Synology Chat",
    DsmApp.CALENDAR: "Synology Calendar",
    DsmApp.NOTESTATION: "Note Station",
    DsmApp.DRIVE: "Synology Drive",
    DsmApp.CONTACTS: "Synology Contacts",
}

# Every API of an app's package starts with its prefix.
APP_API_PREFIX: Mapping[DsmApp, str] = {
    DsmApp.CHAT: "SYNO.Chat.",
    DsmApp.CALENDAR: "SYNO.Cal.",
    DsmApp.NOTESTATION: "SYNO.NoteStation.",
    DsmApp.DRIVE: "SYNO.SynologyDrive.",
    DsmApp.CONTACTS: "SYNO.Contacts.",
}


@dataclass(frozen=True, slots=True)
class NasInfo:
    """Identity of the NAS."""

    serial: str
    model: str
    version: str


def parse_nas_info(data: Any) -> NasInfo:
    """Read ``SYNO.DSM.Info getinfo`` (INFERRED shape, see NAS_INFO)."""
    answer = Fields.of(data, NAS_INFO)
    return NasInfo(
        serial=answer.field("serial", str),
        model=answer.optional("model", str, ""),
        version=answer.optional("version_string", str, ""),
    )


def installed_apps(apis: Mapping[str, ApiInfo]) -> frozenset[DsmApp]:
    """Tell which productivity apps the NAS offers, from its API list."""
    return frozenset(app for app, api in APP_MARKER_API.items() if api in apis)


class DsmSystem:
    """Calls about the NAS itself."""

    def __init__(self, client: DsmClient) -> None:
        """Use client for every call."""
        self._client = client

    async def info(self) -> NasInfo:
        """Return serial number, model and DSM version."""
        return parse_nas_info(await self._client.call(NAS_INFO))

    async def apps(self) -> frozenset[DsmApp]:
        """Return the productivity apps installed on the NAS."""
        return installed_apps(await self._client.apis())
