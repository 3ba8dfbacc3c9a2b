"""The Chat real-time channel: Socket.IO at ``/sc/socket.io/`` on the DSM origin.

Only the place and the sign-in of this channel are known (chat.md §9): the path, the
session cookie ``id=<sid>`` with ``X-SYNO-TOKEN`` and ``Origin``. Event names and payloads
are not public: an event only says "something changed" and the caller reads what changed
over HTTP. ChatSocketKeeper keeps one connection open (backoff, renewal) and tells
whether what the socket says is understood at all.
"""

import asyncio
from collections.abc import Awaitable, Callable
from enum import StrEnum
import logging
import random
from typing import Any

import aiohttp
import socketio

from .client import DsmClient
from .errors import DsmConnectionError, DsmError

_LOGGER = logging.getLogger(__name__)

# VERIFIED path (chat.md §9.1). Engine.IO 4 is the project's resolution 5: the real DSM's
# Engine.IO version is unknown, and when this cannot connect the caller keeps polling.
SOCKET_PATH = "sc/socket.io"
CONNECT_TIMEOUT = 10.0
# How long closing a WebSocket may wait for the server's close frame.
CLOSE_TIMEOUT = 1.0
# Reconnect backoff: doubles from the minimum up to the maximum, with jitter.
BACKOFF_MIN_SECONDS = 1.0
BACKOFF_MAX_SECONDS = 30.0

# INFERRED (chat.md §9.1): the names are not public. dsmnative's notes say the web client
# handles post created/updated/deleted, channel joined/closed/updated and user updated;
# its tests name them so. An event of these names means "read what changed".
CHANGE_EVENTS = frozenset(
    {
        "post_create",
        "post_update",
        "post_delete",
        "channel_join",
        "channel_close",
        "channel_update",
        "user_update",
    }
)
# Understood, but nothing to read.
QUIET_EVENTS = frozenset({"typing"})


class ChatSocketError(DsmConnectionError):
    """The real-time channel could not be opened."""


def socket_headers(client: DsmClient) -> dict[str, str]:
    """Build the handshake headers: session cookie, SynoToken and Origin (chat.md §9.1).

    The client signs in with ``format=sid``, so no cookie exists: it is sent explicitly.
    """
    session = client.session
    if session is None:
        msg = "not signed in"
        raise ChatSocketError(msg)
    headers = {"Cookie": f"id={session.sid}", "Origin": client.url}
    if session.synotoken:
        headers["X-SYNO-TOKEN"] = session.synotoken
    return headers


class ChatSocket:
    """One Socket.IO connection of the signed-in session.

    The headers go through the WebSocket options rather than the ``headers`` argument,
    which would copy the cookie into the (shared) HTTP session's cookie jar. No automatic
    reconnection: the caller owns backoff and knows when the session was renewed.
    """

    def __init__(
        self,
        client: DsmClient,
        http: aiohttp.ClientSession,
        on_event: Callable[[str], None],
        on_disconnect: Callable[[], None],
        *,
        verify_ssl: bool = True,
        timeout: float = CONNECT_TIMEOUT,
    ) -> None:
        """Prepare a connection; on_event gets each event's name, on_disconnect a drop."""
        self._client = client
        self._http = http
        self._on_event = on_event
        self._on_disconnect = on_disconnect
        self._verify_ssl = verify_ssl
        self._timeout = timeout
        self._sio: Any = None
        self.session_sid: str | None = None

    @property
    def connected(self) -> bool:
        """Tell whether the connection is open."""
        return self._sio is not None and bool(self._sio.connected)

    @property
    def conn_id(self) -> str | None:
        """Return this connection's id, sent as ``conn_id`` so DSM need not echo us."""
        if not self.connected:
            return None
        sid = self._sio.get_sid("/")
        return sid if isinstance(sid, str) else None

    async def connect(self) -> None:
        """Open the connection with the client's current session."""
        headers = socket_headers(self._client)
        assert self._client.session is not None  # noqa: S101 - socket_headers checked it
        await self.disconnect()
        sio = socketio.AsyncClient(
            reconnection=False,
            handle_sigint=False,
            http_session=self._http,
            # With ssl_verify=False engineio builds an SSL context inside the event
            # loop (a blocking call); aiohttp's own ssl=False does the same job.
            ssl_verify=True,
            request_timeout=CLOSE_TIMEOUT,
            websocket_extra_options={
                "headers": headers,
                **({} if self._verify_ssl else {"ssl": False}),
            },
        )
        sio.on("*", self._any_event)
        sio.on("disconnect", self._disconnected)
        self._sio = sio
        try:
            await sio.connect(
                self._client.url,
                transports=["websocket"],
                socketio_path=SOCKET_PATH,
                wait_timeout=self._timeout,
            )
        except (
            socketio.exceptions.SocketIOError,
            aiohttp.ClientError,
            TimeoutError,
        ) as err:
            self._sio = None
            msg = f"cannot open the Chat socket: {err}"
            raise ChatSocketError(msg) from err
        self.session_sid = self._client.session.sid
        _LOGGER.debug("Chat socket connected to %s", self._client.url)

    async def disconnect(self) -> None:
        """Close the connection, if open; the caller is not told of this drop."""
        sio, self._sio = self._sio, None
        self.session_sid = None
        if sio is None:
            return
        if sio.connected:
            await sio.disconnect()
        else:
            # A connect cut short (cancelled on unload) may have opened Engine.IO's
            # socket already; left open, the NAS would hold it until it times out.
            await sio.eio.disconnect(abort=True)

    async def _any_event(self, event: str, *args: Any) -> None:
        # INFERRED (chat.md §9.2): names and payloads are not public, so only the name is
        # logged (to learn it) and handed on; the payload is never read, only its shape
        # recorded while a self-check runs.
        _LOGGER.debug("Chat socket event %s", event)
        if (shapes := self._client.shapes) is not None:
            shapes.event(event, args)
        self._on_event(event)

    async def _disconnected(self, *args: Any) -> None:
        if self._sio is None:
            return  # closed by us
        self._sio = None
        self.session_sid = None
        _LOGGER.debug("Chat socket closed by %s", self._client.url)
        self._on_disconnect()


def backoff_seconds(attempt: int) -> float:
    """Return the wait before reconnect attempt number attempt (1-based), with jitter."""
    ceiling = min(BACKOFF_MAX_SECONDS, BACKOFF_MIN_SECONDS * 2.0 ** (attempt - 1))
    return ceiling * random.uniform(0.5, 1.0)  # noqa: S311 - jitter, not security


class SocketState(StrEnum):
    """What the socket is worth at the moment, named as the caller's modes are."""

    PUSH = "push"  # connected, and it announces changes
    SILENT = "silent"  # connected, but posts came that it never announced
    NOT_UNDERSTOOD = "not_understood"  # connected, but says only what we do not know
    CLOSED = "polling"  # not connected (connecting, backing off): read on a schedule


class ChatSocketKeeper:
    """Keeps the Chat socket open and tells its caller when something changed.

    The caller supplies how to wait until Chat can be read at all (while the sign-in is
    refused the socket cannot open either) and what to do after a drop (read first: that
    signs in again when the session ended). A connection whose first events are all of
    names not understood counts as NOT_UNDERSTOOD until one is; one that stays quiet
    while reads find new posts counts as SILENT until it announces some. In both the
    caller cannot rely on it and reads on its own schedule.
    """

    def __init__(
        self,
        client: DsmClient,
        http: aiohttp.ClientSession,
        *,
        name: str,
        verify_ssl: bool,
        on_change: Callable[[], None],
        on_state: Callable[[], None],
        readable: Callable[[], Awaitable[None]],
        after_drop: Callable[[], Awaitable[None]],
    ) -> None:
        """Prepare; nothing connects before run."""
        self._name = name
        self._on_change = on_change
        self._on_state = on_state
        self._readable = readable
        self._after_drop = after_drop
        self._closed = asyncio.Event()
        self.socket = ChatSocket(
            client, http, self._event, self._closed.set, verify_ssl=verify_ssl
        )
        self.state = SocketState.CLOSED
        self._heard = 0  # change events received, ever
        self._connection = 0  # connections opened, ever
        self._heard_at = (0, 0)  # (connection, heard) when the last read was noted
        self._silent = False
        self._understood = False
        self._unknown: set[str] = set()  # names already logged

    def note_read(self, found: int, *, timed: bool, announced: bool) -> None:
        """Judge the socket by a read that worked and found posts of others.

        Posts found by a timed read (no event asked for it), while the same connection
        stayed open and announced no change since the last read, were never announced.
        A read an event asked for that finds posts shows the socket announces again.
        """
        heard = (self._connection, self._heard)
        if found and timed and heard == self._heard_at and self.socket.connected:
            if not self._silent:
                _LOGGER.info("Chat socket of %s did not announce new posts", self._name)
            self._silent = True
        elif found and announced:
            self._silent = False
        self._heard_at = heard
        if self.state in (SocketState.PUSH, SocketState.SILENT):
            self._set_state(SocketState.SILENT if self._silent else SocketState.PUSH)

    def _set_state(self, state: SocketState) -> None:
        if state is not self.state:
            self.state = state
            self._on_state()

    def _event(self, event: str) -> None:
        if event in CHANGE_EVENTS or event in QUIET_EVENTS:
            self._understood = True
            if self.state is SocketState.NOT_UNDERSTOOD:
                self._set_state(SocketState.PUSH)
            if event in CHANGE_EVENTS:
                self._heard += 1
                self._on_change()
            return
        if event not in self._unknown and len(self._unknown) < len(CHANGE_EVENTS):
            self._unknown.add(event)
            _LOGGER.info(
                "Chat socket of %s sent an event not understood: %s", self._name, event
            )
        if not self._understood and self.state is not SocketState.CLOSED:
            self._set_state(SocketState.NOT_UNDERSTOOD)

    def renew(self) -> None:
        """Reconnect with the client's current session (renewed under the socket)."""
        self._closed.set()

    async def run(self) -> None:
        """Connect, and reconnect after every drop, until cancelled; then close."""
        try:
            await self._keep()
        finally:
            await self.socket.disconnect()

    async def _keep(self) -> None:
        attempt = 0
        while True:
            await self._readable()
            try:
                await self.socket.connect()
            except DsmError as err:
                attempt += 1
                if attempt == 1:
                    _LOGGER.info("Chat socket of %s unavailable: %s", self._name, err)
                await asyncio.sleep(backoff_seconds(attempt))
                continue
            if attempt:
                _LOGGER.info("Chat socket of %s is back", self._name)
            attempt = 0
            self._connection += 1
            self._understood = False
            self._silent = False
            self._closed.clear()
            self._set_state(SocketState.PUSH)
            self._on_change()  # read what happened while we were not connected
            await self._closed.wait()
            await self.socket.disconnect()
            _LOGGER.info("Chat socket of %s dropped", self._name)
            attempt = 1
            self._set_state(SocketState.CLOSED)
            await self._after_drop()
