"""What a self-check reads from the NAS: read-only calls, observed as shapes and counts.

Every call here only reads. The client records the shape of each answer while the probe
runs (api.shapes); the few facts a shape cannot carry (how many to-do priorities lie off
the assumed scale, whether Chat cut a page short, whether DSM's sign-in address names the
entry's host) are kept as counts and yes/no answers, never as values.
"""

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from custom_components.synology_native.api import (
    DsmApiNotInstalledError,
    DsmError,
    DsmNotFoundError,
    DsmResponseError,
    DsmSsoUnavailableError,
)
from custom_components.synology_native.api.calendar import (
    CalendarKind,
    SynoCalendarApi,
)
from custom_components.synology_native.api.chat import (
    CHANNEL_LIST,
    PAGE_SIZE,
    POST_LIST,
    Chat,
    parse_post_list,
)
from custom_components.synology_native.api.chat_socket import ChatSocket
from custom_components.synology_native.api.contacts import Contacts
from custom_components.synology_native.api.drive import MY_DRIVE, Drive
from custom_components.synology_native.api.notestation import (
    NOT_SET,
    PRIORITY_VALUES,
    parse_todos,
    todo_list_call,
)
from custom_components.synology_native.api.webdav import WebDav

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Mapping

    import aiohttp

    from custom_components.synology_native.api import ApiInfo, DsmClient
    from custom_components.synology_native.api.shapes import ShapeRecorder

# How long the check listens to Chat's socket for event names and payload shapes.
SOCKET_WINDOW_SECONDS = 5.0
# Chat conversations whose newest page is read to see how many posts DSM hands out.
CHAT_CHANNELS_READ = 3
# Drive versions are asked for the first file in My Drive or in one of its first folders.
DRIVE_FILES_READ = 20
DRIVE_FOLDERS_READ = 3
# Calendar events are read for this window around now.
CALENDAR_WINDOW = timedelta(days=35)


class Read:
    """Names of the probe's reads, for the guesses that judge them."""

    NOTESTATION_TODOS = "notestation_todos"
    CALENDAR_EVENTS = "calendar_events"
    CALENDAR_TASKS = "calendar_tasks"
    DRIVE_NOTIFICATIONS = "drive_notifications"
    DRIVE_QUOTA = "drive_quota"
    DRIVE_REVISIONS = "drive_revisions"
    CONTACTS = "contacts"
    CHAT_POSTS = "chat_posts"
    WEBDAV = "webdav"
    SSO = "sso"
    SOCKET = "chat_socket"


class Outcome:
    """How one read ended: its answer was read, failed to parse, or was not made."""

    READ = "read"
    MALFORMED = "malformed"  # DSM answered in a shape our parser refuses
    REFUSED = "refused"  # DSM answered with an error code
    UNAVAILABLE = "unavailable"  # the API is not installed, or nothing to read


@dataclass(slots=True)
class ChatPage:
    """What one read of PAGE_SIZE posts brought: more than asked, fewer, and more older."""

    over: bool = False  # a read brought more posts than asked
    short_with_more: bool = False  # fewer than asked although older posts exist
    full: bool = False  # exactly as many as asked
    largest: int = 0  # the most posts one read brought


@dataclass(slots=True)
class Observations:
    """Everything the guesses are judged on; no value from the NAS."""

    shapes: ShapeRecorder
    apis: Mapping[str, ApiInfo]
    outcomes: dict[str, str] = field(default_factory=dict)
    # Note Station: to-dos with a priority, and how many of those lie off the scale.
    priorities_set: int = 0
    priorities_off_scale: int = 0
    chat_page: ChatPage | None = None
    socket_connected: bool | None = None
    # WebDAV: the API (a name DSM lists, not user data) that answered with settings.
    webdav_api: str | None = None
    webdav_candidates: int = 0
    # SSO: whether the redirect address DSM hands out names the entry's own host.
    sso_host_matches: bool | None = None


async def _attempt(
    seen: Observations, read: str, action: Callable[[], Awaitable[None]]
) -> None:
    """Run one read and note how it ended; a failure never stops the others."""
    try:
        await action()
    except DsmApiNotInstalledError:
        seen.outcomes[read] = Outcome.UNAVAILABLE
    except DsmResponseError:
        seen.outcomes[read] = Outcome.MALFORMED
    except DsmError:
        seen.outcomes[read] = Outcome.REFUSED
    else:
        seen.outcomes.setdefault(read, Outcome.READ)


async def observe(
    client: DsmClient,
    http: aiohttp.ClientSession,
    *,
    verify_ssl: bool,
) -> Observations:
    """Read what every guess needs, recording shapes; only reads."""
    with client.recording() as shapes:
        seen = Observations(shapes, await client.apis())
        reads: list[tuple[str, Callable[[], Awaitable[None]]]] = [
            (Read.NOTESTATION_TODOS, lambda: _notestation(client, seen)),
            (Read.CALENDAR_EVENTS, lambda: _calendar_events(client)),
            (Read.CALENDAR_TASKS, lambda: _calendar_tasks(client)),
            (Read.DRIVE_NOTIFICATIONS, lambda: _drive_notifications(client)),
            (Read.DRIVE_QUOTA, lambda: _drive_quota(client)),
            (Read.DRIVE_REVISIONS, lambda: _drive_revisions(client, seen)),
            (Read.CONTACTS, lambda: _contacts(client)),
            (Read.CHAT_POSTS, lambda: _chat_page(client, seen)),
            (Read.WEBDAV, lambda: _webdav(client, seen)),
            (Read.SSO, lambda: _sso(client, seen)),
        ]
        for read, action in reads:
            await _attempt(seen, read, action)
        await _attempt(
            seen,
            Read.SOCKET,
            lambda: _socket(client, http, seen, verify_ssl=verify_ssl),
        )
    return seen


async def _notestation(client: DsmClient, seen: Observations) -> None:
    """Read the first page of to-dos; count priorities that lie off the assumed scale."""
    call = todo_list_call()
    data = await client.call(call.endpoint, call.params)
    parse_todos([data])  # raises on a shape the integration cannot read
    numbers = [item["priority"] for item in data["todos"]]
    assigned = [number for number in numbers if number != NOT_SET]
    seen.priorities_set = len(assigned)
    seen.priorities_off_scale = sum(
        number not in PRIORITY_VALUES.values() for number in assigned
    )


async def _calendar_events(client: DsmClient) -> None:
    api = SynoCalendarApi(client)
    calendars = await api.calendars(CalendarKind.EVENT)
    now = datetime.now(UTC)
    await api.events(
        [item.cal_id for item in calendars],
        now - CALENDAR_WINDOW,
        now + CALENDAR_WINDOW,
    )


async def _calendar_tasks(client: DsmClient) -> None:
    api = SynoCalendarApi(client)
    lists = await api.calendars(CalendarKind.TODO)
    await api.tasks([item.cal_id for item in lists])


async def _drive_notifications(client: DsmClient) -> None:
    await Drive(client).notifications()


async def _drive_quota(client: DsmClient) -> None:
    await Drive(client).quota()


async def _drive_revisions(client: DsmClient, seen: Observations) -> None:
    drive = Drive(client)
    page = await drive.files(MY_DRIVE, limit=DRIVE_FILES_READ)
    file = next((item for item in page.items if not item.is_dir), None)
    for folder in [item for item in page.items if item.is_dir][:DRIVE_FOLDERS_READ]:
        if file is not None:
            break
        inner = await drive.files(folder.display_path, limit=DRIVE_FILES_READ)
        file = next((item for item in inner.items if not item.is_dir), None)
    if file is None:
        seen.outcomes[Read.DRIVE_REVISIONS] = Outcome.UNAVAILABLE
        return
    await drive.versions(file.display_path)


async def _contacts(client: DsmClient) -> None:
    contacts = Contacts(client)
    books = await contacts.address_books()
    await contacts.contacts([book.addressbook_id for book in books])


async def _chat_page(client: DsmClient, seen: Observations) -> None:
    chat = Chat(client)
    page = ChatPage()
    joined = [channel for channel in await chat.channels() if channel.is_joined]
    for channel in joined[:CHAT_CHANNELS_READ]:
        posts = await chat.newest_posts(channel.channel_id, PAGE_SIZE)
        page.over |= len(posts) > PAGE_SIZE
        page.full |= len(posts) == PAGE_SIZE
        page.largest = max(page.largest, len(posts))
        if 0 < len(posts) < PAGE_SIZE:
            page.short_with_more |= await _older_posts_exist(
                client, channel.channel_id, min(post.post_id for post in posts)
            )
    seen.chat_page = page


async def _older_posts_exist(client: DsmClient, channel_id: int, oldest: int) -> bool:
    """Tell whether the conversation holds posts older than oldest (one read)."""
    try:
        data = await client.call(
            POST_LIST,
            {
                "channel_id": channel_id,
                "thread_id": 0,
                "post_id": oldest,
                "prev_count": PAGE_SIZE,
                "next_count": 0,
            },
        )
    except DsmNotFoundError:
        return False
    return any(post.post_id < oldest for post in parse_post_list(data))


async def _webdav(client: DsmClient, seen: Observations) -> None:
    settings = await WebDav(client).settings()
    seen.webdav_api = f"{settings.api} v{settings.version}"


async def _sso(client: DsmClient, seen: Observations) -> None:
    try:
        sign_in = await client.start_sso()
    except DsmSsoUnavailableError:
        seen.outcomes[Read.SSO] = Outcome.UNAVAILABLE
        return
    if (host := sign_in.redirect_host) is not None:
        seen.sso_host_matches = host == urlsplit(client.url).hostname


async def _socket(
    client: DsmClient,
    http: aiohttp.ClientSession,
    seen: Observations,
    *,
    verify_ssl: bool,
) -> None:
    """Listen to Chat's socket for a short window; events are recorded as shapes."""
    if CHANNEL_LIST.api not in seen.apis:
        seen.outcomes[Read.SOCKET] = Outcome.UNAVAILABLE
        return
    socket = ChatSocket(
        client, http, lambda _name: None, lambda: None, verify_ssl=verify_ssl
    )
    try:
        await socket.connect()
    except DsmError:
        seen.socket_connected = False
        raise
    seen.socket_connected = True
    try:
        await asyncio.sleep(SOCKET_WINDOW_SECONDS)
    finally:
        await socket.disconnect()
