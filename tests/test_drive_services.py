"""Drive actions through Home Assistant against the simulator, good and bad inputs."""

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.aiohttp_client import async_get_clientsession
import pytest

from custom_components.synology_native.apps.drive import services as drive_services
from custom_components.synology_native.const import DOMAIN
from tests.fake_dsm.drive_store import DriveError
from tests.fake_dsm.store import DEMO_USER

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from tests.fake_dsm import FakeDsm
    from tests.fake_dsm.drive_store import DriveStore

# Drive methods that change something on the NAS.
WRITES = {"create", "update", "upload", "move", "copy", "delete", "restore"}

pytestmark = pytest.mark.usefixtures("loaded")


@pytest.fixture
def drive(fake_dsm: FakeDsm) -> DriveStore:
    """Give the simulator's Drive, with tasks that finish quickly."""
    fake_dsm.store.drive.task_seconds = 0.05
    return fake_dsm.store.drive


@pytest.fixture
def allowed(hass: HomeAssistant, tmp_path: Path) -> Path:
    """Give a folder in allowlist_external_dirs."""
    folder = tmp_path / "allowed"
    folder.mkdir()
    hass.config.allowlist_external_dirs = {str(folder)}
    return folder


async def act(hass: HomeAssistant, action: str, **data: Any) -> Any:
    """Call a Drive action and return its response."""
    return await hass.services.async_call(
        DOMAIN, action, data, blocking=True, return_response=True
    )


async def refused(hass: HomeAssistant, action: str, key: str, **data: Any) -> str:
    """Assert that the action is refused with the translated error key; return its text."""
    with pytest.raises(ServiceValidationError) as caught:
        await act(hass, action, **data)
    assert caught.value.translation_key == key
    return str(caught.value)


def writes(fake_dsm: FakeDsm) -> list[str | None]:
    """Return the Drive writes the simulator received."""
    return [
        request.method
        for request in fake_dsm.requests
        if (request.api or "").startswith("SYNO.SynologyDrive.")
        and request.method in WRITES
    ]


async def test_upload_a_snapshot_streams_it_into_drive(
    hass: HomeAssistant, drive: DriveStore, allowed: Path
) -> None:
    """The file lands in the folder under its own name (or the one given)."""
    snapshot = allowed / "front_door.jpg"
    snapshot.write_bytes(b"\xff\xd8" + bytes(300_000))
    response = await act(
        hass, "upload_file", file_path=str(snapshot), folder="/mydrive/Camera"
    )
    node = drive.resolve(DEMO_USER, "/mydrive/Camera/front_door.jpg")
    assert drive.content(node) == snapshot.read_bytes()
    assert response["file"] | {"modified": None, "permanent_link": None} == {
        "id": node.file_id,
        "name": "front_door.jpg",
        "path": "/mydrive/Camera/front_door.jpg",
        "folder": False,
        "size": 300_002,
        "modified": None,
        "owner": DEMO_USER,
        "starred": False,
        "shared": False,
        "labels": [],
        "permanent_link": None,
    }
    again = await act(
        hass,
        "upload_file",
        file_path=str(snapshot),
        folder="/mydrive/Camera",
        conflict="autorename",
    )
    assert again["file"]["name"] == "front_door (1).jpg"
    await act(
        hass,
        "upload_file",
        file_path=str(snapshot),
        folder="/team-folders/Family",
        name="door.jpg",
    )
    assert drive.resolve(DEMO_USER, "/team-folders/Family/door.jpg")


async def test_bad_uploads_touch_nothing(
    hass: HomeAssistant,
    drive: DriveStore,
    fake_dsm: FakeDsm,
    allowed: Path,
    tmp_path: Path,
) -> None:
    """Outside the allowlist, missing, taken, over quota: refused before any write."""
    outside = tmp_path / "secret.txt"
    outside.write_text("no")
    photo = allowed / "Welcome.txt"
    photo.write_text("new text")
    fake_dsm.reset_request_log()
    await refused(
        hass,
        "upload_file",
        "path_not_allowed",
        file_path=str(outside),
        folder="/mydrive",
    )
    await refused(
        hass,
        "upload_file",
        "local_file_missing",
        file_path=str(allowed / "gone.jpg"),
        folder="/mydrive",
    )
    await refused(
        hass,
        "upload_file",
        "drive_not_found",
        file_path=str(photo),
        folder="/mydrive/Nowhere",
    )
    await refused(
        hass,
        "upload_file",
        "drive_not_a_folder",
        file_path=str(photo),
        folder="/mydrive/Documents/Welcome.txt",
    )
    await refused(
        hass, "upload_file", "drive_path_invalid", file_path=str(photo), folder="Camera"
    )
    taken = await refused(
        hass,
        "upload_file",
        "drive_name_taken",
        file_path=str(photo),
        folder="/mydrive/Documents",
    )
    assert f"/mydrive/Documents/{photo.name}" in taken  # the user's path, not an id
    await refused(
        hass,
        "upload_file",
        "drive_name_invalid",
        file_path=str(photo),
        folder="/mydrive",
        name="a/b.txt",
    )
    drive.quota[DEMO_USER] = drive.used(DEMO_USER) + 3
    await refused(
        hass, "upload_file", "drive_over_quota", file_path=str(photo), folder="/mydrive"
    )
    assert writes(fake_dsm) == []
    welcome = drive.resolve(DEMO_USER, "/mydrive/Documents/Welcome.txt")
    assert b"Welcome" in drive.content(welcome)


async def test_download_writes_the_whole_file_or_nothing(
    hass: HomeAssistant, drive: DriveStore, allowed: Path, tmp_path: Path
) -> None:
    """The file arrives whole; bad targets and Drive paths leave the disk unchanged."""
    target = allowed / "welcome.txt"
    response = await act(
        hass,
        "download_file",
        path="/mydrive/Documents/Welcome.txt",
        target_path=str(target),
    )
    welcome = drive.resolve(DEMO_USER, "/mydrive/Documents/Welcome.txt")
    assert target.read_bytes() == drive.content(welcome)
    assert response["size"] == len(drive.content(welcome))
    await refused(
        hass,
        "download_file",
        "local_file_exists",
        path="/mydrive/Documents/Welcome.txt",
        target_path=str(target),
    )
    await refused(
        hass,
        "download_file",
        "drive_target_not_allowed",
        path="/mydrive/Documents/Welcome.txt",
        target_path=str(tmp_path / "x.txt"),
    )
    await refused(
        hass,
        "download_file",
        "local_folder_missing",
        path="/mydrive/Documents/Welcome.txt",
        target_path=str(allowed / "no" / "x.txt"),
    )
    await refused(
        hass,
        "download_file",
        "drive_not_found",
        path="/mydrive/nothing.txt",
        target_path=str(allowed / "n.txt"),
    )
    await refused(
        hass,
        "download_file",
        "drive_not_a_file",
        path="/mydrive/Documents",
        target_path=str(allowed / "d.txt"),
    )
    assert await hass.async_add_executor_job(os.listdir, allowed) == ["welcome.txt"]
    target.write_text("old")
    await act(
        hass,
        "download_file",
        path=f"link:{welcome.permanent_link}",
        target_path=str(target),
        overwrite=True,
    )
    assert target.read_bytes() == drive.content(welcome)


async def test_download_ending_short_is_refused(
    hass: HomeAssistant, drive: DriveStore, allowed: Path
) -> None:
    """A body shorter than the file Drive lists fails, and leaves no file behind."""
    welcome = drive.resolve(DEMO_USER, "/mydrive/Documents/Welcome.txt")
    listed = welcome.size
    blob = welcome.revisions[-1].blob
    blob.write_bytes(blob.read_bytes()[: listed - 9])  # the NAS serves a cut copy
    with pytest.raises(HomeAssistantError) as caught:
        await act(
            hass,
            "download_file",
            path="/mydrive/Documents/Welcome.txt",
            target_path=str(allowed / "welcome.txt"),
        )
    assert caught.value.translation_key == "drive_download_short"
    assert f"ended after {listed - 9} of its {listed} bytes" in str(caught.value)
    assert await hass.async_add_executor_job(os.listdir, allowed) == []


async def test_transfers_have_a_deadline(
    hass: HomeAssistant,
    allowed: Path,
    fake_dsm: FakeDsm,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A transfer that outlasts its deadline stops with a clear error, no file left."""
    monkeypatch.setattr(drive_services, "TRANSFER_BASE_SECONDS", 0.2)
    fake_dsm.faults.latency = 0.5  # every answer, the transfer's too, comes this late
    photo = allowed / "slow.jpg"
    photo.write_bytes(b"jpeg")
    with pytest.raises(HomeAssistantError) as caught:
        await act(hass, "upload_file", file_path=str(photo), folder="/mydrive")
    assert caught.value.translation_key == "drive_transfer_too_slow"
    assert "/mydrive/slow.jpg" in str(caught.value)
    with pytest.raises(HomeAssistantError) as caught:
        await act(
            hass,
            "download_file",
            path="/mydrive/Documents/Welcome.txt",
            target_path=str(allowed / "welcome.txt"),
        )
    assert caught.value.translation_key == "drive_transfer_too_slow"
    assert await hass.async_add_executor_job(os.listdir, allowed) == ["slow.jpg"]


async def test_share_links(
    hass: HomeAssistant, drive: DriveStore, fake_dsm: FakeDsm
) -> None:
    """A protected link is the advanced link's own URL, which asks for the password.

    Refusals: an expiry in the past; DSM's 1036 (no advanced link) and 1037 (wrong
    password) as translated errors.
    """
    plain = await act(hass, "create_share_link", path="/mydrive/Documents/Welcome.txt")
    assert plain["url"].endswith(f"/d/f/{plain['link_id']}")
    assert plain["protected"] is False
    response = await act(
        hass,
        "create_share_link",
        path="/mydrive/Documents/Welcome.txt",
        password="pw",
        expires="2099-01-01T00:00:00+00:00",
    )
    link = drive.links[response["link_id"]]
    assert response["url"].endswith(f"/d/s/{link.link_id}")
    assert response["protected"] is True
    assert (link.advanced, link.password, link.due_date) == (True, "pw", 4070908800)
    session = async_get_clientsession(hass)
    async with session.get(response["url"]) as page:
        assert page.status == 401
    for code, key in (
        (1036, "drive_link_missing"),
        (1037, "drive_link_password_wrong"),
    ):
        fake_dsm.faults.fail_api("SYNO.SynologyDrive.AdvanceSharing", "update", code)
        await refused(
            hass,
            "create_share_link",
            key,
            path="/mydrive/Documents/Welcome.txt",
            password="pw",
        )
    await refused(
        hass,
        "create_share_link",
        "time_in_past",
        path="/mydrive/Documents/Welcome.txt",
        expires="2001-01-01T00:00:00+00:00",
    )
    await refused(
        hass,
        "create_share_link",
        "invalid_time",
        path="/mydrive/Documents/Welcome.txt",
        expires="soon",
    )
    await refused(hass, "create_share_link", "drive_not_found", path="/mydrive/x")


async def test_listing_search_and_team_folders(hass: HomeAssistant) -> None:
    """What a user sees in My Drive, a search, and their team folders."""
    listing = await act(hass, "list_files")
    assert [item["path"] for item in listing["files"]] == [
        "/mydrive/Camera",
        "/mydrive/Documents",
    ]
    found = await act(hass, "search_files", query="shopping", location="team_folders")
    assert [item["name"] for item in found["files"]] == ["Shopping list.txt"]
    folders = await act(hass, "list_team_folders")
    assert [folder["path"] for folder in folders["team_folders"]] == [
        "/team-folders/Family"
    ]
    await refused(hass, "list_files", "drive_not_found", folder="/mydrive/none")


async def test_folders_move_copy_delete(
    hass: HomeAssistant, drive: DriveStore, fake_dsm: FakeDsm
) -> None:
    """Each acts after its task finished; conflicts and missing items change nothing."""
    created = await act(hass, "create_folder", path="/mydrive/Archive/")
    assert created["folder"]["path"] == "/mydrive/Archive"
    await refused(hass, "create_folder", "drive_name_taken", path="/mydrive/Archive")
    await refused(hass, "create_folder", "drive_not_found", path="/mydrive/a/b")
    copied = await act(
        hass,
        "copy",
        paths=["/mydrive/Documents/Welcome.txt"],
        destination="/mydrive/Archive",
    )
    assert [item["path"] for item in copied["files"]] == [
        "/mydrive/Archive/Welcome.txt"
    ]
    fake_dsm.reset_request_log()
    taken = await refused(
        hass,
        "move",
        "drive_name_taken",
        paths=["/mydrive/Documents/Welcome.txt"],
        destination="/mydrive/Archive",
    )
    assert "/mydrive/Archive/Welcome.txt" in taken
    await refused(
        hass,
        "move",
        "drive_not_found",
        paths=["/mydrive/Camera", "/mydrive/ghost.txt"],
        destination="/mydrive/Archive",
    )
    await refused(
        hass,
        "move",
        "drive_move_into_itself",
        paths=["/mydrive/Archive"],
        destination="/mydrive/Archive",
    )
    await refused(hass, "delete", "drive_not_found", paths=["/mydrive/ghost.txt"])
    await refused(hass, "delete", "drive_root", paths=["/mydrive"])
    assert writes(fake_dsm) == []
    moved = await act(
        hass,
        "move",
        paths=["/mydrive/Documents/Welcome.txt"],
        destination="/mydrive/Archive",
        conflict="autorename",
    )
    assert [item["path"] for item in moved["files"]] == [
        "/mydrive/Archive/Welcome (1).txt"
    ]
    deleted = await act(hass, "delete", paths=["/mydrive/Archive"])
    assert deleted == {"deleted": ["/mydrive/Archive"]}
    with pytest.raises(DriveError):
        drive.resolve(DEMO_USER, "/mydrive/Archive")


async def test_versions_list_and_restore(
    hass: HomeAssistant, drive: DriveStore
) -> None:
    """The demo file has two versions; restoring the first makes a third."""
    listed = await act(hass, "list_versions", path="/mydrive/Documents/Welcome.txt")
    newest, oldest = listed["versions"]
    restored = await act(
        hass,
        "restore_version",
        path="/mydrive/Documents/Welcome.txt",
        version_id=oldest["version_id"],
    )
    assert restored["file"]["size"] == oldest["size"]
    node = drive.resolve(DEMO_USER, "/mydrive/Documents/Welcome.txt")
    assert drive.content(node) == b"Welcome to Synology Drive.\n"
    assert len(node.revisions) == 3
    await refused(
        hass,
        "restore_version",
        "drive_not_found",
        path="/mydrive/Documents/Welcome.txt",
        version_id="404",
    )
    await refused(hass, "list_versions", "drive_not_a_file", path="/mydrive/Documents")
    assert newest["size"] > oldest["size"]


async def test_refusals_in_the_middle_change_nothing(
    hass: HomeAssistant, drive: DriveStore, fake_dsm: FakeDsm, allowed: Path
) -> None:
    """The quota filling up during an upload, a file gone during a download."""
    photo = allowed / "late.jpg"
    photo.write_bytes(b"jpeg")
    fake_dsm.faults.fail_api("SYNO.SynologyDrive.Files", "upload", 1051)
    await refused(
        hass, "upload_file", "drive_over_quota", file_path=str(photo), folder="/mydrive"
    )
    fake_dsm.faults.fail_api("SYNO.SynologyDrive.Files", "download", 1003)
    await refused(
        hass,
        "download_file",
        "drive_not_found",
        path="/mydrive/Documents/Welcome.txt",
        target_path=str(allowed / "w.txt"),
    )
    assert await hass.async_add_executor_job(os.listdir, allowed) == ["late.jpg"]
    with pytest.raises(DriveError):
        drive.resolve(DEMO_USER, "/mydrive/late.jpg")
