"""Attacks on the integration, driven through Home Assistant against the simulator (issue 20).

Each test plays one party that must not get in (a proxy reading URLs, a user without
administrator rights, an automation, a LAN host, a hostile NAS) and asserts the safe outcome.
"""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
import logging
from pathlib import Path
import re
import tracemalloc
from typing import TYPE_CHECKING, Any

from aiohttp import web
from homeassistant.const import CONF_PASSWORD, CONF_URL, CONF_USERNAME, CONF_VERIFY_SSL
from homeassistant.core import Context, SupportsResponse, callback
from homeassistant.exceptions import ServiceValidationError, Unauthorized, UnknownUser
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import pytest_socket

from custom_components.synology_native import coordinator as polling
from custom_components.synology_native.api.catalog import REFUSED
from custom_components.synology_native.apps import APP_ACTIONS
from custom_components.synology_native.apps.chat import services as chat_services
from custom_components.synology_native.apps.notestation.coordinator import NOTESTATION
from custom_components.synology_native.const import (
    CONF_DRIVE_PUSH,
    CONF_DRIVE_PUSH_SOURCES,
    DOMAIN,
    EVENT_DRIVE_FILE_CHANGED,
)
from custom_components.synology_native.selfcheck.services import (
    ACTIONS as SELFCHECK_ACTIONS,
)
from custom_components.synology_native.services import Action
from custom_components.synology_native.services.call_api import (
    ACTIONS as CALL_API_ACTIONS,
)
from custom_components.synology_native.services.files import write_whole
from scripts.benchmarks import longest_loop_block
from tests.conftest import client_log_text, secrets_in_urls, setup_entry
from tests.fake_dsm import run_simulator
from tests.fake_dsm.chat_store import FAMILY
from tests.fake_dsm.drive_store import DriveError
from tests.fake_dsm.store import DEMO_PASSWORD, DEMO_USER

if TYPE_CHECKING:
    from homeassistant.auth.models import User
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

    from tests.fake_dsm import FakeDsm
    from tests.fake_dsm.notestation_store import NoteStationStore


async def act(
    hass: HomeAssistant, action: str, context: Context | None = None, **data: Any
) -> Any:
    """Call an action of the integration and return its response, if it gives one."""
    return await hass.services.async_call(
        DOMAIN,
        action,
        data,
        blocking=True,
        return_response=hass.services.supports_response(DOMAIN, action)
        is not SupportsResponse.NONE,
        context=context,
    )


async def refused(
    hass: HomeAssistant,
    action: str,
    key: str,
    context: Context | None = None,
    **data: Any,
) -> None:
    """Assert that the action is refused with the translated error key."""
    with pytest.raises(ServiceValidationError) as caught:
        await act(hass, action, context, **data)
    assert caught.value.translation_key == key


@pytest.mark.usefixtures("loaded")
async def test_no_secret_travels_in_a_url(
    hass: HomeAssistant,
    fake_dsm: FakeDsm,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Sign-in, reads, compound calls and uploads keep the session out of every URL.

    A reverse proxy or the NAS's access log keeps URLs; the web server's access log
    stands in for them.
    """
    caplog.set_level(logging.INFO)
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    photo = tmp_path / "door.jpg"
    photo.write_bytes(b"\xff\xd8" + bytes(1000))
    await act(hass, "upload_file", file_path=str(photo), folder="/mydrive")
    await act(
        hass,
        "call_api",
        api="SYNO.Entry.Request",
        method="request",
        params={"compound": [{"api": "SYNO.SynologyDrive.Info", "method": "get"}]},
    )
    await act(hass, "list_channels")
    assert {request.path for request in fake_dsm.requests} >= {
        "/webapi/query.cgi",
        "/webapi/entry.cgi",
    }
    assert secrets_in_urls([fake_dsm]) == []
    sids = {session.sid for session in fake_dsm.store.sessions.values()}
    log = client_log_text(caplog)
    assert "aiohttp.access" in log
    assert not [sid for sid in sids if sid in log]


@pytest.mark.usefixtures("loaded")
@pytest.mark.parametrize(
    ("api", "method", "key"),
    [
        ("SYNO.Core.OTP", "get", "api_hands_out_secrets"),
        ("SYNO.API.Auth.Key", "get", "api_hands_out_secrets"),
        ("SYNO.OAUTH.Token", "list", "api_hands_out_secrets"),
        ("SYNO.Core.Directory.OIDC.SSO", "get", "api_hands_out_secrets"),
        ("SYNO.Chat.Webhook.Incoming", "list", "api_hands_out_secrets"),
        ("SYNO.SynologyDrive.Webhooks", "list", "api_hands_out_secrets"),
        ("SYNO.Core.NormalUser", "set", "api_changes_accounts"),
        ("SYNO.Chat.User", "change_password", "api_changes_accounts"),
    ],
)
async def test_call_api_refuses_secrets_and_accounts_to_everyone(
    hass: HomeAssistant,
    fake_dsm: FakeDsm,
    hass_admin_user: User,
    api: str,
    method: str,
    key: str,
) -> None:
    """An automation (no user) and an administrator alike: refused, nothing sent.

    Home Assistant lets a call with no user through an administrator-only action (only
    administrators write automations); what no one may do is refused by the catalog.
    """
    fake_dsm.reset_request_log()
    for context in (Context(), Context(user_id=hass_admin_user.id)):
        await refused(hass, "call_api", key, context, api=api, method=method)
        await refused(
            hass,
            "call_api",
            key,
            context,
            api="SYNO.Entry.Request",
            method="request",
            params={"compound": [{"api": api, "method": method}]},
        )
    assert fake_dsm.requests == []
    allowed = await act(
        hass, "call_api", Context(), api="SYNO.DSM.Info", method="getinfo"
    )
    assert allowed["api"] == "SYNO.DSM.Info"


@pytest.mark.usefixtures("loaded")
async def test_a_user_without_administrator_rights_changes_nothing_nas_wide(
    hass: HomeAssistant,
    fake_dsm: FakeDsm,
    hass_read_only_user: User,
    hass_admin_user: User,
) -> None:
    """NAS-wide settings, public links and deleting for good are for administrators.

    The user may still move a file to the recycle bin, which the owner can undo.
    """
    drive = fake_dsm.store.drive
    drive.task_seconds = 0.05
    fake_dsm.webdav.transfer_log["webdav"] = True
    user = Context(user_id=hass_read_only_user.id)
    fake_dsm.reset_request_log()
    for action, data in (
        ("set_webdav_transfer_log", {"enabled": False}),
        ("set_webdav_settings", {"settings": {"enable_http": False}}),
        ("get_webdav_transfer_log", {}),
        ("create_share_link", {"path": "/mydrive/Documents/Welcome.txt"}),
        ("delete", {"paths": ["/mydrive/Documents/Welcome.txt"], "permanent": True}),
    ):
        with pytest.raises(Unauthorized):
            await act(hass, action, user, **data)
    assert fake_dsm.requests == []
    assert fake_dsm.webdav.transfer_log["webdav"] is True
    assert fake_dsm.webdav.settings["enable_http"] is True
    assert drive.links == {}
    assert drive.resolve(DEMO_USER, "/mydrive/Documents/Welcome.txt")

    with pytest.raises(UnknownUser):
        await act(
            hass,
            "delete",
            Context(user_id="gone"),
            paths=["/mydrive/Documents/Welcome.txt"],
            permanent=True,
        )
    await act(hass, "delete", user, paths=["/mydrive/Documents/Welcome.txt"])
    # An automation (no user) may delete for good.
    await act(hass, "delete", Context(), paths=["/mydrive/Camera"], permanent=True)
    with pytest.raises(DriveError):
        drive.resolve(DEMO_USER, "/mydrive/Camera")
    admin = Context(user_id=hass_admin_user.id)
    await act(hass, "set_webdav_transfer_log", admin, enabled=False)
    assert fake_dsm.webdav.transfer_log["webdav"] is False


async def planted_during(
    hass: HomeAssistant,
    fake_dsm: FakeDsm,
    plant: Callable[[], None],
    action: str,
    **data: Any,
) -> Any:
    """Run an action; once its allowlist check has passed, plant a link (a race).

    The NAS answers slowly, so the link appears while the action waits for it.
    """
    fake_dsm.faults.latency = 0.3
    task = asyncio.ensure_future(act(hass, action, **data))
    await asyncio.sleep(0.1)
    plant()
    try:
        return await task
    finally:
        fake_dsm.faults.latency = 0


@pytest.fixture
def folders(hass: HomeAssistant, tmp_path: Path) -> tuple[Path, Path]:
    """Give an allowed folder and, outside it, a file an attacker wants written or read."""
    allowed = tmp_path / "allowed"
    allowed.mkdir()
    hass.config.allowlist_external_dirs = {str(allowed)}
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"secret outside")
    return allowed, outside


@pytest.mark.usefixtures("loaded")
async def test_links_in_allowed_folders_lead_nowhere(
    hass: HomeAssistant, fake_dsm: FakeDsm, folders: tuple[Path, Path]
) -> None:
    """Links planted in an allowed folder lead neither writes nor reads outside it.

    Writes go through a new temporary file renamed into place; reads never follow a
    link at the file's name.
    """
    allowed, outside = folders
    fake_dsm.store.drive.task_seconds = 0.05
    # Drive's download once wrote through a fixed temporary name an attacker can plant.
    (allowed / ".welcome.txt.part").symlink_to(outside)
    written = await act(
        hass,
        "download_file",
        path="/mydrive/Documents/Welcome.txt",
        target_path=str(allowed / "welcome.txt"),
    )
    assert written["size"] > 0
    assert outside.read_bytes() == b"secret outside"

    # A link planted at the target after the check: replaced, not written through.
    target = allowed / "contacts.vcf"
    book = fake_dsm.store.contacts.visible_books(DEMO_USER)[0]
    await planted_during(
        hass,
        fake_dsm,
        lambda: target.symlink_to(outside),
        "call_api",
        api="SYNO.Contacts.Addressbook",
        method="export",
        params={"addressbook_id": book.book_id},
        download_path=str(target),
    )
    assert outside.read_bytes() == b"secret outside"
    assert not target.is_symlink()
    assert target.read_bytes().startswith(b"BEGIN:VCARD")

    # A file swapped for a link after the check is not read.
    photo = allowed / "photo.jpg"
    photo.write_bytes(b"\xff\xd8")

    def swap() -> None:
        photo.unlink()
        photo.symlink_to(outside)

    with pytest.raises(ServiceValidationError) as caught:
        await planted_during(
            hass, fake_dsm, swap, "upload_file", file_path=str(photo), folder="/mydrive"
        )
    assert caught.value.translation_key == "path_not_allowed"
    with pytest.raises(DriveError):
        fake_dsm.store.drive.resolve(DEMO_USER, "/mydrive/photo.jpg")

    # A folder on the way swapped for a link to a folder outside: neither read nor written.
    sub = allowed / "sub"
    sub.mkdir()
    (sub / "photo.jpg").write_bytes(b"\xff\xd8")
    elsewhere = outside.parent / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "photo.jpg").write_bytes(b"secret photo")

    def swap_folder() -> None:
        (sub / "photo.jpg").unlink()
        sub.rmdir()
        sub.symlink_to(elsewhere)

    for action, data, key in (
        (
            "upload_file",
            {"file_path": str(sub / "photo.jpg"), "folder": "/mydrive"},
            "path_not_allowed",
        ),
        (
            "download_file",
            {
                "path": "/mydrive/Documents/Welcome.txt",
                "target_path": str(sub / "welcome.txt"),
            },
            "drive_target_not_allowed",
        ),
    ):
        with pytest.raises(ServiceValidationError) as caught:
            await planted_during(hass, fake_dsm, swap_folder, action, **data)
        assert caught.value.translation_key == key
        sub.unlink()
        sub.mkdir()
        (sub / "photo.jpg").write_bytes(b"\xff\xd8")
    assert sorted(path.name for path in elsewhere.iterdir()) == ["photo.jpg"]
    with pytest.raises(DriveError):
        fake_dsm.store.drive.resolve(DEMO_USER, "/mydrive/photo.jpg")
    assert not [
        path
        for path in allowed.iterdir()
        if path.name.endswith(".part") and not path.is_symlink()
    ]


@pytest.mark.usefixtures("loaded")
async def test_file_url_stays_on_allowed_hosts_and_posts_whole_files(
    hass: HomeAssistant,
    fake_dsm: FakeDsm,
    aiohttp_server: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A redirect to a host not allowed is not followed; a file arrives whole or not at all."""
    monkeypatch.setattr(chat_services, "MAX_FILE_BYTES", 4 * 1024 * 1024)
    inside: list[str] = []
    big = bytes(range(256)) * (4 * 4096)  # 4 MiB, streamed in many small writes

    async def stream(request: web.Request) -> web.StreamResponse:
        size = len(big) + (16384 if request.path == "/huge.bin" else 0)
        response = web.StreamResponse()
        await response.prepare(request)
        for start in range(0, size, 16384):
            await response.write(big[start : start + 16384] or b"x" * 16384)
        await response.write_eof()
        return response

    async def internal(request: web.Request) -> web.Response:
        inside.append(request.path)
        return web.Response(body=b"router admin page")

    internal_app = web.Application()
    internal_app.router.add_get("/admin", internal)
    internal_server = await aiohttp_server(internal_app)

    async def hop(request: web.Request) -> web.Response:
        raise web.HTTPFound(str(internal_server.make_url("/admin")))

    async def loop(request: web.Request) -> web.Response:
        raise web.HTTPFound("/loop")

    async def announced(request: web.Request) -> web.Response:
        return web.Response(body=big + b"x")

    app = web.Application()
    app.router.add_get("/hop.pdf", hop)
    app.router.add_get("/loop", loop)
    app.router.add_get("/announced.bin", announced)
    app.router.add_get("/big.bin", stream)
    app.router.add_get("/huge.bin", stream)
    server = await aiohttp_server(app)
    hass.config.allowlist_external_urls = {str(server.make_url("/"))}
    before = len(fake_dsm.chat.channels[FAMILY].posts)

    await refused(
        hass,
        "send_message",
        "url_not_allowed",
        channel="family",
        file_url=str(server.make_url("/hop.pdf")),
    )
    assert inside == []
    await refused(
        hass,
        "send_message",
        "too_many_redirects",
        channel="family",
        file_url=str(server.make_url("/loop")),
    )
    await refused(
        hass,
        "send_message",
        "file_too_large",
        channel="family",
        file_url=str(server.make_url("/announced.bin")),
    )
    await refused(
        hass,
        "send_message",
        "file_too_large",
        channel="family",
        file_url=str(server.make_url("/huge.bin")),
    )
    assert len(fake_dsm.chat.channels[FAMILY].posts) == before

    sent = await act(
        hass,
        "send_message",
        channel="family",
        file_url=str(server.make_url("/big.bin")),
    )
    post = fake_dsm.chat.channels[FAMILY].posts[sent["post_id"]]
    assert (post.file_props or {})["size"] == len(big)


def file_changes(hass: HomeAssistant) -> list[dict[str, Any]]:
    """Collect every Drive file change fired from now on."""
    events: list[dict[str, Any]] = []
    hass.bus.async_listen(
        EVENT_DRIVE_FILE_CHANGED, callback(lambda event: events.append(event.data))
    )
    return events


def change(file_id: int) -> dict[str, str]:
    """Build one change as Drive delivers it."""
    return {
        "event_type": "file_created",
        "file_id": str(file_id),
        "permanent_link": f"link{file_id}",
        "file_type": "file",
        "parent_id": "7",
    }


async def test_drive_webhook_takes_deliveries_from_the_nas_only(
    hass: HomeAssistant,
    fake_dsm: FakeDsm,
    socket_enabled: None,
    hass_client_no_auth: ClientSessionGenerator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A LAN host gets 403 and one log line; the NAS's deliveries arrive, bounded.

    The NAS serves (and delivers) from 127.0.0.2; the test's client, a host on the
    LAN, posts from 127.0.0.1 until the entry names it as a proxy in between.
    """
    caplog.set_level(logging.WARNING)
    # Loopback answers on all of 127/8; the test harness allows 127.0.0.1 only.
    pytest_socket.socket_allow_hosts(["127.0.0.1", "127.0.0.2"], allow_unix_socket=True)
    drive = fake_dsm.store.drive
    async with run_simulator(fake_dsm, host="127.0.0.2") as url:
        entry = MockConfigEntry(
            domain=DOMAIN,
            title=DEMO_USER,
            unique_id=DEMO_USER,
            data={
                CONF_URL: url,
                CONF_VERIFY_SSL: True,
                CONF_USERNAME: DEMO_USER,
                CONF_PASSWORD: DEMO_PASSWORD,
            },
        )
        await setup_entry(hass, entry)
        client = await hass_client_no_auth()
        hass.config.internal_url = str(client.make_url("/")).rstrip("/")
        hass.config_entries.async_update_entry(entry, options={CONF_DRIVE_PUSH: True})
        await hass.config_entries.async_reload(entry.entry_id)
        await hass.async_block_till_done()
        (registered,) = drive.webhooks.values()
        path = registered.url.removeprefix(hass.config.internal_url)
        events = file_changes(hass)

        for _ in range(2):
            response = await client.post(path, json=[change(1)])
            assert response.status == 403
        await hass.async_block_till_done()
        assert events == []
        assert caplog.text.count("not the NAS") == 1

        arrived = asyncio.Event()
        hass.bus.async_listen_once(
            EVENT_DRIVE_FILE_CHANGED, callback(lambda _event: arrived.set())
        )
        family = drive.resolve(DEMO_USER, "/team-folders/Family")
        drive.write_file("alice", family, "Pushed.txt", b"from alice")
        await asyncio.wait_for(arrived.wait(), timeout=1)
        assert len(events) == 1

        hass.config_entries.async_update_entry(
            entry,
            options={CONF_DRIVE_PUSH: True, CONF_DRIVE_PUSH_SOURCES: ["127.0.0.1"]},
        )
        await hass.config_entries.async_reload(entry.entry_id)
        await hass.async_block_till_done()
        (registered,) = drive.webhooks.values()
        path = registered.url.removeprefix(hass.config.internal_url)
        events.clear()
        for _ in range(2):
            response = await client.post(path, json=[change(2)])
            assert response.status == 200
        flood = [change(number) for number in range(5000)]
        assert (await client.post(path, json=flood)).status == 200
        huge = [change(1)] * 20_000 + [{"padding": "x" * 1024 * 1024}]
        assert (await client.post(path, json=huge)).status == 413
        await hass.async_block_till_done()
        assert [event["file_id"] for event in events[:2]] == ["2", "0"]
        assert len(events) == 1 + 1000
        assert caplog.text.count("only the first 1000") == 1
        await hass.config_entries.async_unload(entry.entry_id)


MAX_EXTRA_BYTES = 64 * 1024 * 1024
MAX_LOOP_BLOCK_MS = 100


async def hostile(run: Callable[[], Awaitable[object]]) -> tuple[int, float]:
    """Run twice; return the peak memory it added (bytes) and the longest loop block (ms).

    Memory is traced in a run of its own: tracing slows Python down several times,
    which would count as blocking.
    """
    block = await longest_loop_block(run)
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        await run()
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    return peak, block


async def test_a_hostile_nas_neither_floods_memory_nor_blocks_the_loop(
    hass: HomeAssistant,
    notestation_entry: MockConfigEntry,
    fake_dsm: FakeDsm,
    nas: NoteStationStore,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A claimed total of 2,000,000 to-dos and a 100 MB answer: bounded by us.

    What was read is kept (the to-dos of the pages read); an answer too large is a
    failed read: the last data stands through it, and once the failures span a poll
    period the refresh fails with one warning. The next honest answer is read again.
    """
    caplog.set_level(logging.WARNING)
    nas.todo_page_cap = 2
    await setup_entry(hass, notestation_entry)
    notestation = notestation_entry.runtime_data.app(NOTESTATION)
    assert notestation is not None
    coordinator = notestation.coordinator
    known = {todo.title for todo in coordinator.data.todos}

    fake_dsm.faults.claim_total(2_000_000)
    fake_dsm.reset_request_log()
    peak, block = await hostile(coordinator.async_refresh)
    assert peak < MAX_EXTRA_BYTES
    assert block < MAX_LOOP_BLOCK_MS
    assert coordinator.last_update_success
    assert {todo.title for todo in coordinator.data.todos} == known
    # Two refreshes, each reading at most 100 pages of every list it reads.
    assert sum(len(request.compound) for request in fake_dsm.requests) < 1000
    assert caplog.text.count("claims 2000000 to-dos") == 1

    fake_dsm.faults.claim_total(None)
    fake_dsm.faults.oversize(100 * 1024 * 1024, count=3)
    peak, block = await hostile(coordinator.async_refresh)
    assert peak < MAX_EXTRA_BYTES
    assert block < MAX_LOOP_BLOCK_MS
    assert coordinator.last_update_success
    assert {todo.title for todo in coordinator.data.todos} == known
    # The failures now span a poll period: the third too-large answer fails the refresh.
    later = dt_util.utcnow() + coordinator.poll_period
    monkeypatch.setattr(polling.dt_util, "utcnow", lambda: later)
    await coordinator.async_refresh()
    monkeypatch.undo()
    assert not coordinator.last_update_success
    assert caplog.text.count("more than 32 MiB") == 1
    await coordinator.async_refresh()
    assert coordinator.last_update_success


def test_security_md_and_readme_match_the_code() -> None:
    """SECURITY.md lists the refused APIs and administrator-only actions as the code has them.

    The README's action tables say the same per action.
    """
    root = Path(__file__).resolve().parent.parent
    security = (root / "SECURITY.md").read_text(encoding="utf-8")
    listed = {
        match.group(1): match.group(2)
        for match in re.finditer(
            r"^\| `(SYNO\.[\w.]+)` \| ([^|]+) \|", security, re.MULTILINE
        )
    }
    assert listed == {
        name: "all" if methods is None else ", ".join(f"`{m}`" for m in sorted(methods))
        for name, (_, methods) in REFUSED.items()
    }
    admin = {
        action.name
        for action in (*APP_ACTIONS, *CALL_API_ACTIONS, *SELFCHECK_ACTIONS)
        if isinstance(action, Action) and action.admin
    }
    assert admin == {
        "call_api",
        "check_nas",
        "get_webdav_settings",
        "set_webdav_settings",
        "get_webdav_transfer_log",
        "set_webdav_transfer_log",
        "create_share_link",
    }
    for name in admin:
        assert f"`{name}`" in security
    readme = (root / "README.md").read_text(encoding="utf-8")
    rows = re.findall(
        r"^\| `synology_native\.(\w+)` \|.*\| ([^|]+) \|$", readme, re.MULTILINE
    )
    assert {name for name, who in rows if who.startswith("administrators")} == (
        admin - {"call_api"}
    )


async def test_a_write_that_fails_midway_leaves_nothing(
    hass: HomeAssistant, folders: tuple[Path, Path]
) -> None:
    """A stream that breaks after its first chunk leaves neither file nor temporary."""
    allowed, _ = folders

    async def broken() -> AsyncIterator[bytes]:
        yield b"first part"
        raise ConnectionResetError

    with pytest.raises(ConnectionResetError):
        await write_whole(hass, allowed / "cut.bin", broken(), ServiceValidationError)
    assert list(allowed.iterdir()) == []


@pytest.mark.usefixtures("loaded")
async def test_import_ics_reads_no_link_and_no_garbage(
    hass: HomeAssistant, folders: tuple[Path, Path]
) -> None:
    """A link to a file outside, and a file that is not text, are not read."""
    allowed, outside = folders
    (allowed / "link.ics").symlink_to(outside)
    (allowed / "binary.ics").write_bytes(b"\xff\xfe\x00")
    for name, key in (
        ("link.ics", "calendar_path_not_allowed"),
        ("binary.ics", "file_not_readable"),
        ("missing.ics", "file_not_readable"),
    ):
        await refused(
            hass,
            "import_ics",
            key,
            entity_id="calendar.ds923_demo_my_calendar",
            path=str(allowed / name),
        )
