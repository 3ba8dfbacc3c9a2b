"""The Drive client against the simulator over real HTTP, without Home Assistant."""

import asyncio
from datetime import UTC, datetime, timedelta
import io
import json
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web
import pytest

from custom_components.synology_native.api import (
    DsmClient,
    DsmConflictError,
    DsmInvalidParameterError,
    DsmNotFoundError,
    DsmQuotaExceededError,
    DsmResponseError,
    DsmTimeoutError,
    PasswordCredentials,
)
from custom_components.synology_native.api.drive import (
    ADVANCE_SHARING_CREATE,
    ADVANCE_SHARING_UPDATE,
    LINK_PASSWORD_WRONG_CODE,
    ConflictAction,
    Drive,
    DriveLinkMissingError,
    DriveLinkPasswordError,
    FileChangeType,
    child_path,
    is_drive_path,
    parse_file,
    parse_notifications,
    parse_quota,
    parse_versions,
    parse_webhook_delivery,
)
from custom_components.synology_native.api.errors import error_from_code
from tests.fake_dsm.drive import SHARING_TOKEN_COOKIE
from tests.fake_dsm.store import DEMO_PASSWORD, DEMO_USER

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from tests.fake_dsm import FakeDsm
    from tests.fake_dsm.drive_store import DriveStore, Task


@pytest.fixture
def store(fake_dsm: FakeDsm) -> DriveStore:
    """Give the simulator's Drive, changed directly as another user would."""
    fake_dsm.store.drive.task_seconds = 0.05
    return fake_dsm.store.drive


async def _drive_for(url: str, user: str) -> AsyncIterator[Drive]:
    async with aiohttp.ClientSession() as http:
        client = DsmClient(
            http, url, credentials=PasswordCredentials(user, DEMO_PASSWORD)
        )
        yield Drive(client, task_poll_seconds=0.02)


@pytest.fixture
async def drive(dsm_url: str, store: DriveStore) -> AsyncIterator[Drive]:
    """Give Drive calls for the demo account."""
    async for drive in _drive_for(dsm_url, DEMO_USER):
        yield drive


def sent(fake_dsm: FakeDsm, method: str) -> list[dict[str, str]]:
    """Return the wire parameters of every Files request to method."""
    return [
        request.params
        for request in fake_dsm.requests
        if (request.api, request.method) == ("SYNO.SynologyDrive.Files", method)
    ]


async def test_every_path_format_addresses_the_same_file(
    drive: Drive, store: DriveStore, fake_dsm: FakeDsm
) -> None:
    """id:, id:<folder>/<name>, link:, /mydrive, /views and /volumes find one file."""
    welcome = await drive.file("/mydrive/Documents/Welcome.txt")
    documents = await drive.file("/mydrive/Documents")
    view_id = store.my_drive(DEMO_USER).root.view_id
    for path in (
        f"id:{welcome.file_id}",
        f"id:{documents.file_id}/Welcome.txt",
        f"link:{welcome.permanent_link}",
        f"/views/{view_id}/Documents/Welcome.txt",
        f"/volumes/volume1/homes/{DEMO_USER}/Drive/Documents/Welcome.txt",
    ):
        assert await drive.file(path) == welcome
    assert welcome.display_path == "/mydrive/Documents/Welcome.txt"
    assert welcome.parent_id == documents.file_id
    # 64-bit ids stay decimal strings, parameters go JSON-encoded.
    assert int(welcome.file_id) > 2**59
    assert sent(fake_dsm, "get")[0]["path"] == '"/mydrive/Documents/Welcome.txt"'
    root = await drive.file("/mydrive")
    assert (root.name, root.parent_id, root.is_dir) == ("", "0", True)


async def test_list_search_team_folders_and_labels(drive: Drive) -> None:
    """Listing is by name; search spans My Drive and team folders."""
    home = await drive.files("/mydrive")
    assert [item.name for item in home.items] == ["Camera", "Documents"]
    assert home.total == 2
    page = await drive.files("/mydrive", offset=1, limit=1)
    assert [item.name for item in page.items] == ["Documents"]
    found = await drive.search("list")
    assert [item.display_path for item in found.items] == [
        "/team-folders/Family/Shopping list.txt"
    ]
    (family,) = await drive.team_folders()
    assert (family.name, family.versioning) == ("Family", True)
    assert [
        item.name for item in (await drive.files(f"id:{family.file_id}")).items
    ] == ["Shopping list.txt"]
    (label,) = await drive.labels()
    assert label.name == "Important"


async def test_each_user_sees_only_their_files_and_team_folders(
    dsm_url: str, store: DriveStore, fake_dsm: FakeDsm
) -> None:
    """Another user's My Drive is not found; a team folder is shared by its members."""
    fake_dsm.store.add_user("carol", DEMO_PASSWORD)
    welcome = store.resolve(DEMO_USER, "/mydrive/Documents/Welcome.txt")
    async for carol in _drive_for(dsm_url, "carol"):
        with pytest.raises(DsmNotFoundError):
            await carol.file(f"id:{welcome.file_id}")
        with pytest.raises(DsmNotFoundError):
            await carol.file("/team-folders/Family")
        assert await carol.team_folders() == ()
        assert (await carol.files("/mydrive")).total == 0
        assert (await carol.search("")).total == 0


async def test_folders_rename_star_label_and_conflicts(drive: Drive) -> None:
    """A taken name is a conflict for create and rename; autorename picks a free one."""
    folder = await drive.create_folder("/mydrive/Projects")
    assert folder.is_dir
    with pytest.raises(DsmConflictError):
        await drive.create_folder("/mydrive/Projects")
    again = await drive.create_folder(
        "/mydrive/Projects", conflict_action=ConflictAction.AUTORENAME
    )
    assert again.name == "Projects (1)"
    renamed = await drive.rename(f"id:{again.file_id}", "Archive")
    assert renamed.display_path == "/mydrive/Archive"
    with pytest.raises(DsmConflictError):
        await drive.rename(f"id:{again.file_id}", "Projects")
    with pytest.raises(DsmNotFoundError):
        await drive.create_folder("/mydrive/Missing/Sub")
    await drive.set_starred(["/mydrive/Archive"], starred=True)
    (label,) = await drive.labels()
    await drive.set_labels(["/mydrive/Archive"], [label.label_id])
    archive = await drive.file("/mydrive/Archive")
    assert (archive.starred, archive.labels) == (True, ("Important",))


async def test_upload_streams_a_file_and_keeps_versions(
    drive: Drive, store: DriveStore, fake_dsm: FakeDsm
) -> None:
    """An open file uploads in chunks; `version` keeps the old content restorable."""
    content = bytes(range(256)) * 4096  # 1 MiB
    stored = await drive.upload(
        "/mydrive/Camera/snapshot.jpg", io.BytesIO(content), content_type="image/jpeg"
    )
    assert (stored.size, stored.content_type) == (len(content), "image")
    assert store.content(store.nodes[stored.file_id]) == content
    with pytest.raises(DsmConflictError):
        await drive.upload("/mydrive/Camera/snapshot.jpg", b"new")
    await drive.upload(
        "/mydrive/Camera/snapshot.jpg", b"new", conflict_action=ConflictAction.VERSION
    )
    newest, oldest = await drive.versions(f"id:{stored.file_id}")
    assert (newest.size, oldest.size) == (3, len(content))
    assert [
        json.loads(request.params["path"])
        for request in fake_dsm.requests
        if (request.api, request.method) == ("SYNO.SynologyDrive.Revisions", "list")
    ] == [f"id:{stored.file_id}"]
    await drive.restore_version(f"id:{stored.file_id}", oldest.version_id)
    assert store.content(store.nodes[stored.file_id]) == content
    async with drive.download(f"id:{stored.file_id}") as chunks:
        received = b"".join([chunk async for chunk in chunks])
    assert received == content
    with pytest.raises(DsmNotFoundError):
        await drive.restore_version(f"id:{stored.file_id}", "999")


async def test_upload_beyond_the_quota_is_refused(
    drive: Drive, store: DriveStore
) -> None:
    """The quota counts My Drive; an upload that does not fit stores nothing."""
    quota = await drive.quota()
    assert quota.used == store.used(DEMO_USER) > 0
    store.quota[DEMO_USER] = quota.used + 10
    with pytest.raises(DsmQuotaExceededError):
        await drive.upload("/mydrive/big.bin", b"x" * 11)
    assert (await drive.quota()).free == 10
    with pytest.raises(DsmNotFoundError):
        await drive.file("/mydrive/big.bin")


async def test_download_refusal_is_a_typed_error(drive: Drive) -> None:
    """DSM answers a refused download with an envelope, not a file."""
    with pytest.raises(DsmNotFoundError):
        async with drive.download("/mydrive/nothing.txt"):
            pass
    with pytest.raises(DsmInvalidParameterError):
        async with drive.download("/mydrive/Documents"):
            pass


async def test_move_copy_delete_wait_for_their_tasks(
    drive: Drive, store: DriveStore, fake_dsm: FakeDsm
) -> None:
    """Tasks run a moment; the client polls until done; a conflict is a typed error."""
    await drive.create_folder("/mydrive/Old")
    copied = await drive.copy(["/mydrive/Documents/Welcome.txt"], "/mydrive/Old")
    (copy_id,) = copied.targets
    assert store.display_path(store.nodes[copy_id]) == "/mydrive/Old/Welcome.txt"
    polls = [r for r in fake_dsm.requests if r.api == "SYNO.SynologyDrive.Tasks"]
    assert len(polls) >= 2  # "in_progress" at least once before "finished"
    with pytest.raises(DsmConflictError):
        await drive.move(["/mydrive/Documents/Welcome.txt"], "/mydrive/Old")
    assert (await drive.file("/mydrive/Documents/Welcome.txt")).name == "Welcome.txt"
    moved = await drive.move(
        ["/mydrive/Documents/Welcome.txt"],
        "/mydrive/Old",
        conflict_action=ConflictAction.AUTORENAME,
    )
    assert store.nodes[moved.targets[0]].name == "Welcome (1).txt"
    await drive.delete(["/mydrive/Old"])
    with pytest.raises(DsmNotFoundError):
        await drive.file("/mydrive/Old")
    restored = await drive.restore_from_trash(f"id:{store.nodes[copy_id].parent_id}")
    assert restored.display_path == "/mydrive/Old"
    assert json.loads(sent(fake_dsm, "delete")[0]["files"]) == ["/mydrive/Old"]


async def test_a_task_that_never_finishes_times_out(
    dsm_url: str, store: DriveStore
) -> None:
    """The wait is bounded."""
    store.task_seconds = 60
    async with aiohttp.ClientSession() as http:
        client = DsmClient(
            http, dsm_url, credentials=PasswordCredentials(DEMO_USER, DEMO_PASSWORD)
        )
        drive = Drive(client, task_poll_seconds=0.01, task_timeout_seconds=0.05)
        with pytest.raises(DsmTimeoutError):
            await drive.delete(["/mydrive/Camera"])


async def _visit(url: str, token: str | None = None) -> tuple[int, bytes]:
    """Fetch a link's URL as a visitor's browser does (no DSM session)."""
    cookies = {SHARING_TOKEN_COOKIE: token} if token else None
    async with (
        aiohttp.ClientSession(cookies=cookies) as http,
        http.get(url) as response,
    ):
        return response.status, await response.read()


async def _unlock(dsm_url: str, sharing_link: str, password: str) -> dict[str, Any]:
    """Call the public password check a visitor's browser calls."""
    form = {
        "api": "SYNO.SynologyDrive.AdvanceSharing.Public",
        "version": "1",
        "method": "auth",
        "sharing_link": json.dumps(sharing_link),
        "password": json.dumps(password),
    }
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{dsm_url}/webapi/entry.cgi", data=form) as response,
    ):
        return await response.json()  # type: ignore[no-any-return]


async def test_a_protected_link_really_asks_for_its_password(
    drive: Drive, store: DriveStore, dsm_url: str, fake_dsm: FakeDsm
) -> None:
    """The advanced link's own URL is handed out, and it opens only with the password.

    The plain link stays plain: a password on the advanced link does not guard it.
    """
    plain = await drive.share_link("/mydrive/Documents/Welcome.txt")
    assert (plain.url, plain.protected) == (f"{dsm_url}/d/f/{plain.link_id}", False)
    expires = datetime.now(UTC) + timedelta(days=7)
    link = await drive.share_link(
        "/mydrive/Documents/Welcome.txt", password="s3cret", expires=expires
    )
    assert link.protected
    assert link.url == f"{dsm_url}/d/s/{link.link_id}"
    stored = store.links[link.link_id]
    assert (stored.password, stored.due_date) == ("s3cret", int(expires.timestamp()))
    assert [
        (request.method, json.loads(request.params["path"]))
        for request in fake_dsm.requests
        if request.api == "SYNO.SynologyDrive.AdvanceSharing"
    ] == [
        ("create", "/mydrive/Documents/Welcome.txt"),
        ("update", "/mydrive/Documents/Welcome.txt"),
    ]
    content = store.content(stored.node)
    assert await _visit(link.url) == (401, b"This link is protected by a password.")
    assert await _unlock(dsm_url, link.link_id, "wrong") == {
        "error": {"code": LINK_PASSWORD_WRONG_CODE},
        "success": False,
    }
    unlocked = await _unlock(dsm_url, link.link_id, "s3cret")
    token = unlocked["data"]["sharing_token"]
    assert await _visit(link.url, token) == (200, content)
    assert await _visit(plain.url) == (200, content)
    store.clock = lambda: expires.timestamp() + 1
    assert (await _visit(link.url, token))[0] == 404


async def test_advanced_links_refuse_the_old_link_id_shape(
    drive: Drive, fake_dsm: FakeDsm
) -> None:
    """AdvanceSharing is addressed by path: a link id alone is refused (120)."""
    plain = await drive.share_link("/mydrive/Documents/Welcome.txt")
    with pytest.raises(DsmInvalidParameterError):
        await drive._client.call(ADVANCE_SHARING_CREATE, {"link_id": plain.link_id})
    with pytest.raises(DriveLinkMissingError):
        await drive._client.call(
            ADVANCE_SHARING_UPDATE,
            {"path": "/mydrive/Documents/Welcome.txt", "sharing_link": "nope"},
        )
    assert isinstance(
        error_from_code(
            LINK_PASSWORD_WRONG_CODE, "SYNO.SynologyDrive.AdvanceSharing.Public", "auth"
        ),
        DriveLinkPasswordError,
    )


async def test_notifications_grow_when_others_change_files(
    drive: Drive, store: DriveStore
) -> None:
    """The demo feed has a share and a team-folder file; a new change adds one."""
    feed = await drive.notifications()
    assert [(item.kind, item.actor, item.file_name) for item in feed.items] == [
        ("file_shared", "alice", "Holiday plan.txt"),
        ("file_created", "alice", "Shopping list.txt"),
    ]
    assert (feed.total, feed.unread) == (2, 2)
    family = store.resolve(DEMO_USER, "/team-folders/Family")
    store.write_file("alice", family, "Photos.txt", b"1")
    newest = (await drive.notifications()).items[0]
    assert (newest.file_path, newest.kind) == (
        "/team-folders/Family/Photos.txt",
        "file_created",
    )
    info = await drive.info()
    assert (info.username, info.mydrive_versioning) == (DEMO_USER, True)


async def test_webhooks_deliver_the_real_payload(
    drive: Drive, store: DriveStore, aiohttp_server: object
) -> None:
    """Drive POSTs a JSON array of changes to the registered URL, batched."""
    received: list[object] = []
    delivered = asyncio.Event()

    async def receive(request: web.Request) -> web.Response:
        received.append(await request.json())
        delivered.set()
        return web.Response(text="OK")

    app = web.Application()
    app.router.add_post("/hook", receive)
    server = await aiohttp_server(app)  # type: ignore[operator]
    url = str(server.make_url("/hook"))
    webhook = await drive.create_webhook(url)
    assert await drive.webhooks() == (webhook,)
    home = store.my_drive(DEMO_USER)
    store.create_folder(DEMO_USER, home, "A")
    store.create_folder(DEMO_USER, home, "B")
    await asyncio.wait_for(delivered.wait(), 2)
    (batch,) = received
    changes = parse_webhook_delivery(batch)
    assert [change.event_type for change in changes] == [FileChangeType.CREATED] * 2
    assert all(change.is_dir and change.parent_id == home.file_id for change in changes)
    await drive.delete_webhook(webhook.webhook_id)
    assert await drive.webhooks() == ()
    with pytest.raises(DsmNotFoundError):
        await drive.delete_webhook(webhook.webhook_id)


@pytest.mark.parametrize(
    "body",
    [
        {},
        [],
        [{"event_type": "file_created"}],
        [
            {
                "event_type": "exploded",
                "file_id": "1",
                "permanent_link": "x",
                "file_type": "file",
                "parent_id": "0",
            }
        ],
        [
            {
                "event_type": "file_created",
                "file_id": "1",
                "permanent_link": "x",
                "file_type": "pipe",
                "parent_id": "0",
            }
        ],
    ],
)
def test_malformed_deliveries_are_refused(body: object) -> None:
    """Anything but a non-empty array of well-formed changes is an error."""
    with pytest.raises(DsmResponseError):
        parse_webhook_delivery(body)


# A FileInfo as drive.md §4 describes it, with the fields the client reads.
FILE_INFO = {
    "file_id": "881632870845419530",
    "name": "a.txt",
    "type": "file",
    "content_type": "document",
    "display_path": "/mydrive/a.txt",
    "parent_id": "881632870845419520",
    "size": 1,
    "modified_time": 1796000000,
    "version_id": "3083",
    "permanent_link": "abc",
    "owner": {"uid": 1026, "name": "demo"},
    "starred": False,
    "shared": False,
    "removed": False,
}


def test_ids_given_as_numbers_are_read_as_text() -> None:
    """drive.md §4 CONFLICT: version_id (and any id) may come as a number."""
    file = parse_file({**FILE_INFO, "version_id": 3083, "file_id": 7})
    assert (file.version_id, file.file_id) == ("3083", "7")


def test_versions_read_the_typed_shape_and_the_old_one() -> None:
    """DSM4J's `{total, items:[{version_id}]}` first; `{revisions}` only as a fallback."""
    typed = parse_versions(
        {
            "total": 1,
            "items": [{"version_id": 7, "size": 3, "modified_time": "1700000000"}],
        }
    )
    old = parse_versions(
        {"revisions": [{"revision_id": "7", "size": 3, "modified_time": 1700000000}]}
    )
    assert typed == old
    assert typed[0].version_id == "7"
    assert typed[0].modified == datetime.fromtimestamp(1700000000, UTC)


@pytest.mark.parametrize(
    ("parse", "data"),
    [
        (parse_file, {"file_id": "1"}),
        (parse_file, {"type": "fifo"}),
        (parse_file, {**FILE_INFO, "starred": "yes"}),
        (parse_file, []),
        (parse_notifications, {"total": 0}),
        (parse_notifications, {"items": [{"type": "x"}], "total": 1}),
        (parse_quota, {"used": "1", "total": 2}),
        (parse_versions, {}),
        (parse_versions, {"total": 0}),
        (parse_versions, {"items": [{"version_id": True}]}),
        (parse_versions, {"revisions": [{"revision_id": True}]}),
    ],
)
def test_malformed_answers_are_typed_errors(parse: object, data: object) -> None:
    """A missing or mistyped field never becomes a default that looks like data."""
    with pytest.raises(DsmResponseError):
        parse(data)  # type: ignore[operator]


def test_paths() -> None:
    """Only Drive's path formats pass; a child of an id folder keeps the id form."""
    assert is_drive_path("/mydrive")
    assert is_drive_path("id:123/new.txt")
    assert not is_drive_path("/mydrivex")
    assert not is_drive_path("documents/a.txt")
    assert child_path("id:5", "a.txt") == "id:5/a.txt"
    assert child_path("/mydrive/", "a.txt") == "/mydrive/a.txt"


@pytest.mark.parametrize(
    ("status", "result"),
    [
        ("paused", None),
        ("finished", {"errors": "boom"}),
        ("finished", {"errors": [{}]}),
    ],
)
async def test_tasks_with_malformed_answers_are_typed_errors(
    drive: Drive,
    store: DriveStore,
    monkeypatch: pytest.MonkeyPatch,
    status: str,
    result: dict[str, object] | None,
) -> None:
    """An unknown task status or a broken result raises DsmResponseError."""
    start_task = store.start_task

    def broken(*args: Any) -> Task:
        task = start_task(*args)
        task.status, task.result = status, result
        return task

    monkeypatch.setattr(store, "start_task", broken)
    with pytest.raises(DsmResponseError):
        await drive.delete(["/mydrive/Camera"])


async def test_a_task_without_a_result_touched_nothing(
    drive: Drive, store: DriveStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A finished task may leave `result` out: no errors and no targets."""
    start_task = store.start_task

    def bare(*args: Any) -> Task:
        task = start_task(*args)
        task.status, task.result = "finished", None
        return task

    monkeypatch.setattr(store, "start_task", bare)
    outcome = await drive.delete(["/mydrive/Camera"])
    assert outcome.targets == ()
