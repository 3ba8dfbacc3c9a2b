"""Synology Drive actions: files in and out, folders, links, versions, team folders.

Every check that can be made before touching the NAS is made first (the local path is
in allowlist_external_dirs, the Drive items exist, the name is free, the file fits the
quota), so a refused action changes nothing. Files stream in chunks both ways: memory
does not grow with their size.
"""

import asyncio
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager, contextmanager
import mimetypes
from pathlib import Path
from typing import Any

from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
)
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import config_validation as cv
from homeassistant.util import dt as dt_util
import probatio

from custom_components.synology_native.api import (
    DsmConflictError,
    DsmNotFoundError,
    DsmQuotaExceededError,
)
from custom_components.synology_native.api.drive import (
    MY_DRIVE,
    ConflictAction,
    Drive,
    DriveFile,
    DriveLinkMissingError,
    DriveLinkPasswordError,
    child_path,
    is_drive_path,
)
from custom_components.synology_native.apps.drive.coordinator import DRIVE
from custom_components.synology_native.const import DOMAIN
from custom_components.synology_native.data import DsmConfigEntry
from custom_components.synology_native.error_policy import (
    Refusals,
    translate_dsm_errors,
)
from custom_components.synology_native.services import (
    ATTR_LIMIT,
    ENTRY_FIELD,
    LIMIT_FIELD,
    Action,
    invalid,
    loaded_app,
    parse_time,
    require_admin,
)
from custom_components.synology_native.services.files import (
    open_for_reading,
    write_whole,
)

ATTR_FILE_PATH = "file_path"
ATTR_FOLDER = "folder"
ATTR_NAME = "name"
ATTR_CONFLICT = "conflict"
ATTR_PATH = "path"
ATTR_PATHS = "paths"
ATTR_TARGET_PATH = "target_path"
ATTR_OVERWRITE = "overwrite"
ATTR_PASSWORD = "password"
ATTR_EXPIRES = "expires"
ATTR_QUERY = "query"
ATTR_LOCATION = "location"
ATTR_DESTINATION = "destination"
ATTR_PERMANENT = "permanent"
ATTR_VERSION_ID = "version_id"

# What the conflict field offers per action; "stop" refuses a taken name.
UPLOAD_CONFLICTS = [action.value for action in ConflictAction]
PLACE_CONFLICTS = [
    ConflictAction.STOP.value,
    ConflictAction.AUTORENAME.value,
    ConflictAction.OVERWRITE.value,
]
SEARCH_LOCATIONS = ["any", "mydrive", "team_folders"]

_PATH = {probatio.Required(ATTR_PATH): cv.string}
_PATHS = {
    probatio.Required(ATTR_PATHS): probatio.All(
        cv.ensure_list, [cv.string], probatio.Length(min=1)
    )
}

UPLOAD_SCHEMA = probatio.Schema(
    {
        **ENTRY_FIELD,
        probatio.Required(ATTR_FILE_PATH): cv.string,
        probatio.Required(ATTR_FOLDER): cv.string,
        probatio.Optional(ATTR_NAME): cv.string,
        probatio.Optional(ATTR_CONFLICT, default="stop"): probatio.In(UPLOAD_CONFLICTS),
    }
)
DOWNLOAD_SCHEMA = probatio.Schema(
    {
        **ENTRY_FIELD,
        **_PATH,
        probatio.Required(ATTR_TARGET_PATH): cv.string,
        probatio.Optional(ATTR_OVERWRITE, default=False): cv.boolean,
    }
)
SHARE_LINK_SCHEMA = probatio.Schema(
    {
        **ENTRY_FIELD,
        **_PATH,
        probatio.Optional(ATTR_PASSWORD): cv.string,
        probatio.Optional(ATTR_EXPIRES): cv.string,
    }
)
LIST_FILES_SCHEMA = probatio.Schema(
    {
        **ENTRY_FIELD,
        probatio.Optional(ATTR_FOLDER, default=MY_DRIVE): cv.string,
        **LIMIT_FIELD,
    }
)
SEARCH_FILES_SCHEMA = probatio.Schema(
    {
        **ENTRY_FIELD,
        probatio.Required(ATTR_QUERY): cv.string,
        probatio.Optional(ATTR_LOCATION, default="any"): probatio.In(SEARCH_LOCATIONS),
        **LIMIT_FIELD,
    }
)
PATH_SCHEMA = probatio.Schema({**ENTRY_FIELD, **_PATH})
PLACE_SCHEMA = probatio.Schema(
    {
        **ENTRY_FIELD,
        **_PATHS,
        probatio.Required(ATTR_DESTINATION): cv.string,
        probatio.Optional(ATTR_CONFLICT, default="stop"): probatio.In(PLACE_CONFLICTS),
    }
)
DELETE_SCHEMA = probatio.Schema(
    {
        **ENTRY_FIELD,
        **_PATHS,
        probatio.Optional(ATTR_PERMANENT, default=False): cv.boolean,
    }
)
RESTORE_VERSION_SCHEMA = probatio.Schema(
    {**ENTRY_FIELD, **_PATH, probatio.Required(ATTR_VERSION_ID): cv.string}
)
ENTRY_SCHEMA = probatio.Schema(ENTRY_FIELD)


# What Drive refuses about a path, said with the path.
DRIVE_REFUSALS: Refusals = {
    DsmNotFoundError: "drive_not_found",
    DsmConflictError: "drive_name_taken",
    DsmQuotaExceededError: "drive_over_quota",
    DriveLinkMissingError: "drive_link_missing",
    DriveLinkPasswordError: "drive_link_password_wrong",
}


def _drive(call: ServiceCall) -> tuple[DsmConfigEntry, Drive]:
    entry, drive = loaded_app(call, DRIVE)
    return entry, drive.client


async def _refresh(call: ServiceCall) -> None:
    """Read the quota and notifications again after a change (Drive alone)."""
    await loaded_app(call, DRIVE)[1].coordinator.async_refresh()


def _drive_path(path: str) -> str:
    if not is_drive_path(path):
        raise invalid("drive_path_invalid", path=path)
    return path


@contextmanager
def _drive_errors(
    hass: HomeAssistant, entry: DsmConfigEntry, path: str
) -> Iterator[None]:
    """Translate what Drive refuses about path; everything else as any DSM error."""
    with translate_dsm_errors(hass, entry, DRIVE_REFUSALS, path=path):
        yield


async def _existing(
    hass: HomeAssistant, entry: DsmConfigEntry, drive: Drive, path: str
) -> DriveFile:
    with _drive_errors(hass, entry, path):
        return await drive.file(_drive_path(path))


async def _folder(
    hass: HomeAssistant, entry: DsmConfigEntry, drive: Drive, path: str
) -> DriveFile:
    folder = await _existing(hass, entry, drive, path)
    if not folder.is_dir:
        raise invalid("drive_not_a_folder", path=path)
    return folder


async def _name_is_free(
    hass: HomeAssistant,
    entry: DsmConfigEntry,
    drive: Drive,
    folder: DriveFile,
    name: str,
) -> None:
    """Refuse name in folder when an item already has it (the error shows its path)."""
    with translate_dsm_errors(hass, entry):
        try:
            await drive.file(child_path(f"id:{folder.file_id}", name))
        except DsmNotFoundError:
            return
    raise invalid("drive_name_taken", path=child_path(folder.display_path, name))


def file_data(file: DriveFile) -> dict[str, Any]:
    """Describe a Drive item in an action's response."""
    return {
        "id": file.file_id,
        "name": file.name,
        "path": file.display_path,
        "folder": file.is_dir,
        "size": file.size,
        "modified": file.modified.isoformat(),
        "owner": file.owner,
        "starred": file.starred,
        "shared": file.shared,
        "labels": list(file.labels),
        "permanent_link": file.permanent_link,
    }


async def _allowed(hass: HomeAssistant, path: str, refusal: str) -> Path:
    """Return path if allowlist_external_dirs lets Home Assistant use it."""
    if not await hass.async_add_executor_job(hass.config.is_allowed_path, path):
        raise invalid(refusal, path=path)
    return Path(path)


# --- upload and download ------------------------------------------------------------

# The longest a transfer may take: a minute, plus the file's time at a slow home uplink.
# One still running then has stalled in all but name (each chunk alone may be in time).
TRANSFER_BASE_SECONDS = 60.0
TRANSFER_MIN_BYTES_PER_SECOND = 100_000


def _transfer_error(key: str, **placeholders: str) -> HomeAssistantError:
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders,
    )


@asynccontextmanager
async def _transfer_deadline(path: str, size: int) -> AsyncIterator[None]:
    """Stop a transfer of size bytes that outlasts its deadline, with a clear error."""
    seconds = TRANSFER_BASE_SECONDS + size / TRANSFER_MIN_BYTES_PER_SECOND
    try:
        async with asyncio.timeout(seconds):
            yield
    except TimeoutError as err:
        raise _transfer_error(
            "drive_transfer_too_slow", path=path, seconds=f"{seconds:.0f}"
        ) from err


async def _upload_file(call: ServiceCall) -> ServiceResponse:
    """Store a local file in a Drive folder."""
    entry, drive = _drive(call)
    hass = call.hass
    local = await _allowed(hass, call.data[ATTR_FILE_PATH], "path_not_allowed")
    size = await hass.async_add_executor_job(_file_size, local)
    if size is None:
        raise invalid("local_file_missing", path=str(local))
    folder = await _folder(hass, entry, drive, call.data[ATTR_FOLDER])
    name = call.data.get(ATTR_NAME) or local.name
    if "/" in name:
        raise invalid("drive_name_invalid", name=name)
    target = child_path(f"id:{folder.file_id}", name)
    shown = child_path(folder.display_path, name)
    conflict = ConflictAction(call.data[ATTR_CONFLICT])
    if conflict is ConflictAction.STOP:
        await _name_is_free(hass, entry, drive, folder, name)
    if folder.display_path.startswith(MY_DRIVE):
        with translate_dsm_errors(hass, entry):
            quota = await drive.quota()
        if size > quota.free:
            raise invalid("drive_over_quota", path=shown)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    source = await open_for_reading(
        hass, local, lambda: invalid("path_not_allowed", path=str(local))
    )
    try:
        async with _transfer_deadline(shown, size):
            with _drive_errors(hass, entry, shown):
                stored = await drive.upload(
                    target, source, conflict_action=conflict, content_type=content_type
                )
    finally:
        await hass.async_add_executor_job(source.close)
    await _refresh(call)
    return {"file": file_data(stored)}


def _file_size(path: Path) -> int | None:
    """Return the size of a regular file, None when there is none."""
    return path.stat().st_size if path.is_file() else None


async def _download_file(call: ServiceCall) -> ServiceResponse:
    """Write a Drive file to a local path, whole or not at all."""
    entry, drive = _drive(call)
    hass = call.hass
    target = await _allowed(
        hass, call.data[ATTR_TARGET_PATH], "drive_target_not_allowed"
    )
    problem = await hass.async_add_executor_job(
        _unwritable, target, call.data[ATTR_OVERWRITE]
    )
    if problem is not None:
        raise invalid(problem, path=str(target))
    path = call.data[ATTR_PATH]
    file = await _existing(hass, entry, drive, path)
    if file.is_dir:
        raise invalid("drive_not_a_file", path=path)
    async with _transfer_deadline(path, file.size):
        with _drive_errors(hass, entry, path):
            async with drive.download(f"id:{file.file_id}") as chunks:
                size = await write_whole(
                    hass,
                    target,
                    _whole(chunks, path=path, size=file.size),
                    lambda: invalid("drive_target_not_allowed", path=str(target)),
                )
    return {"path": str(target), "size": size, "file": file_data(file)}


async def _whole(
    chunks: AsyncIterator[bytes], *, path: str, size: int
) -> AsyncIterator[bytes]:
    """Pass chunks on; refuse a body that ends before the size Drive lists."""
    received = 0
    async for chunk in chunks:
        received += len(chunk)
        yield chunk
    if received < size:
        # The body ended early without a transport error: not the file Drive lists.
        raise _transfer_error(
            "drive_download_short",
            path=path,
            received=str(received),
            size=str(size),
        )


def _unwritable(target: Path, overwrite: bool) -> str | None:
    """Name what keeps target from being written, None when it can be."""
    if not target.parent.is_dir():
        return "local_folder_missing"
    if target.is_dir() or (target.exists() and not overwrite):
        return "local_file_exists"
    return None


# --- links, listing, search -----------------------------------------------------------


async def _create_share_link(call: ServiceCall) -> ServiceResponse:
    """Return a file's sharing link, protected if asked."""
    entry, drive = _drive(call)
    path = call.data[ATTR_PATH]
    expires = None
    if ATTR_EXPIRES in call.data:
        moment = parse_time(call.data[ATTR_EXPIRES], dates=False)
        if moment is None:
            raise invalid("invalid_time", time=call.data[ATTR_EXPIRES])
        expires = dt_util.as_utc(moment)  # type: ignore[arg-type]
        if expires <= dt_util.utcnow():
            raise invalid("time_in_past")
    with _drive_errors(call.hass, entry, path):
        link = await drive.share_link(
            _drive_path(path), password=call.data.get(ATTR_PASSWORD), expires=expires
        )
    return {"url": link.url, "link_id": link.link_id, "protected": link.protected}


async def _list_files(call: ServiceCall) -> ServiceResponse:
    """List a Drive folder."""
    entry, drive = _drive(call)
    folder = call.data[ATTR_FOLDER]
    with _drive_errors(call.hass, entry, folder):
        page = await drive.files(_drive_path(folder), limit=call.data[ATTR_LIMIT])
    return {"files": [file_data(item) for item in page.items], "total": page.total}


async def _search_files(call: ServiceCall) -> ServiceResponse:
    """Find Drive items by name."""
    entry, drive = _drive(call)
    with translate_dsm_errors(call.hass, entry):
        page = await drive.search(
            call.data[ATTR_QUERY],
            location=call.data[ATTR_LOCATION],
            limit=call.data[ATTR_LIMIT],
        )
    return {"files": [file_data(item) for item in page.items], "total": page.total}


async def _list_team_folders(call: ServiceCall) -> ServiceResponse:
    """List the team folders the account may use."""
    entry, drive = _drive(call)
    with translate_dsm_errors(call.hass, entry):
        folders = await drive.team_folders()
    return {
        "team_folders": [
            {
                "name": folder.name,
                "id": folder.file_id,
                "path": f"/team-folders/{folder.name}",
                "versioning": folder.versioning,
                "keep_versions": folder.keep_versions,
            }
            for folder in folders
        ]
    }


# --- folders, move, copy, delete ---------------------------------------------------------


async def _create_folder(call: ServiceCall) -> ServiceResponse:
    """Create a Drive folder in an existing one."""
    entry, drive = _drive(call)
    path = _drive_path(call.data[ATTR_PATH].rstrip("/"))
    with _drive_errors(call.hass, entry, path):
        folder = await drive.create_folder(path)
    return {"folder": file_data(folder)}


async def _placed(
    call: ServiceCall, place: str
) -> tuple[DsmConfigEntry, Drive, list[DriveFile], DriveFile, ConflictAction]:
    """Check a move or copy: every item exists, and with "stop" every name is free."""
    entry, drive = _drive(call)
    hass = call.hass
    items = [
        await _existing(hass, entry, drive, path) for path in call.data[ATTR_PATHS]
    ]
    destination = await _folder(hass, entry, drive, call.data[ATTR_DESTINATION])
    conflict = ConflictAction(call.data[ATTR_CONFLICT])
    if conflict is ConflictAction.STOP:
        for item in items:
            await _name_is_free(hass, entry, drive, destination, item.name)
    if any(
        destination.display_path.startswith(item.display_path + "/")
        or destination.file_id == item.file_id
        for item in items
    ):
        raise invalid(
            "drive_move_into_itself" if place == "move" else "drive_copy_into_itself",
            path=destination.display_path,
        )
    return entry, drive, items, destination, conflict


async def _after_task(
    call: ServiceCall, entry: DsmConfigEntry, drive: Drive, file_ids: Sequence[str]
) -> ServiceResponse:
    """Describe the items a task produced."""
    with translate_dsm_errors(call.hass, entry):
        files = [await drive.file(f"id:{file_id}") for file_id in file_ids]
    await _refresh(call)
    return {"files": [file_data(file) for file in files]}


async def _place(call: ServiceCall, place: str) -> ServiceResponse:
    """Move or copy Drive items into a folder."""
    entry, drive, items, destination, conflict = await _placed(call, place)
    run = drive.move if place == "move" else drive.copy
    with _drive_errors(call.hass, entry, destination.display_path):
        outcome = await run(
            [f"id:{item.file_id}" for item in items],
            f"id:{destination.file_id}",
            conflict_action=conflict,
        )
    return await _after_task(call, entry, drive, outcome.targets)


async def _move(call: ServiceCall) -> ServiceResponse:
    """Move Drive items into a folder."""
    return await _place(call, "move")


async def _copy(call: ServiceCall) -> ServiceResponse:
    """Copy Drive items into a folder."""
    return await _place(call, "copy")


async def _delete(call: ServiceCall) -> ServiceResponse:
    """Move Drive items to the recycle bin, or (administrators) delete them for good."""
    if call.data[ATTR_PERMANENT]:
        await require_admin(call)
    entry, drive = _drive(call)
    hass = call.hass
    items = [
        await _existing(hass, entry, drive, path) for path in call.data[ATTR_PATHS]
    ]
    if any(item.parent_id == "0" for item in items):
        raise invalid("drive_root", path=items[0].display_path)
    with translate_dsm_errors(hass, entry):
        await drive.delete(
            [f"id:{item.file_id}" for item in items],
            permanent=call.data[ATTR_PERMANENT],
        )
    await _refresh(call)
    return {"deleted": [item.display_path for item in items]}


# --- versions ----------------------------------------------------------------------------


async def _list_versions(call: ServiceCall) -> ServiceResponse:
    """List a file's stored versions, newest first."""
    entry, drive = _drive(call)
    path = call.data[ATTR_PATH]
    file = await _existing(call.hass, entry, drive, path)
    if file.is_dir:
        raise invalid("drive_not_a_file", path=path)
    with _drive_errors(call.hass, entry, path):
        versions = await drive.versions(f"id:{file.file_id}")
    return {
        "versions": [
            {
                "version_id": version.version_id,
                "size": version.size,
                "modified": version.modified.isoformat(),
            }
            for version in versions
        ]
    }


async def _restore_version(call: ServiceCall) -> ServiceResponse:
    """Make an earlier version of a file its content again."""
    entry, drive = _drive(call)
    path = call.data[ATTR_PATH]
    file = await _existing(call.hass, entry, drive, path)
    version_id = call.data[ATTR_VERSION_ID]
    with _drive_errors(call.hass, entry, f"{path} ({version_id})"):
        await drive.restore_version(f"id:{file.file_id}", version_id)
        restored = await drive.file(f"id:{file.file_id}")
    return {"file": file_data(restored)}


ACTIONS = (
    Action("upload_file", _upload_file, UPLOAD_SCHEMA, SupportsResponse.OPTIONAL),
    Action("download_file", _download_file, DOWNLOAD_SCHEMA, SupportsResponse.OPTIONAL),
    Action(
        "create_share_link",
        _create_share_link,
        SHARE_LINK_SCHEMA,
        SupportsResponse.ONLY,
        admin=True,  # makes a file public
    ),
    Action("list_files", _list_files, LIST_FILES_SCHEMA, SupportsResponse.ONLY),
    Action("search_files", _search_files, SEARCH_FILES_SCHEMA, SupportsResponse.ONLY),
    Action("create_folder", _create_folder, PATH_SCHEMA, SupportsResponse.OPTIONAL),
    Action("move", _move, PLACE_SCHEMA, SupportsResponse.OPTIONAL),
    Action("copy", _copy, PLACE_SCHEMA, SupportsResponse.OPTIONAL),
    Action("delete", _delete, DELETE_SCHEMA, SupportsResponse.OPTIONAL),
    Action("list_versions", _list_versions, PATH_SCHEMA, SupportsResponse.ONLY),
    Action(
        "restore_version",
        _restore_version,
        RESTORE_VERSION_SCHEMA,
        SupportsResponse.OPTIONAL,
    ),
    Action(
        "list_team_folders", _list_team_folders, ENTRY_SCHEMA, SupportsResponse.ONLY
    ),
)


# The DSM methods these actions (or Home Assistant's to-do actions, "todo.*") do the
# work of; call_api covers every other method (services/call_api.py, docs/endpoints.md).
COVERS: Mapping[tuple[str, str], str] = {
    ("SYNO.SynologyDrive.Files", "upload"): "upload_file",
    ("SYNO.SynologyDrive.Files", "download"): "download_file",
    ("SYNO.SynologyDrive.Sharing", "create_link"): "create_share_link",
    ("SYNO.SynologyDrive.AdvanceSharing", "create"): "create_share_link",
    ("SYNO.SynologyDrive.AdvanceSharing", "update"): "create_share_link",
    ("SYNO.SynologyDrive.Files", "list"): "list_files",
    ("SYNO.SynologyDrive.Files", "search"): "search_files",
    ("SYNO.SynologyDrive.Files", "create"): "create_folder",
    ("SYNO.SynologyDrive.Files", "move"): "move",
    ("SYNO.SynologyDrive.Files", "copy"): "copy",
    ("SYNO.SynologyDrive.Files", "delete"): "delete",
    ("SYNO.SynologyDrive.Revisions", "list"): "list_versions",
    ("SYNO.SynologyDrive.Revisions", "restore"): "restore_version",
    ("SYNO.SynologyDrive.TeamFolders", "list"): "list_team_folders",
}
