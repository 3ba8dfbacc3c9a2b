"""The Chat real-time channel: Socket.IO at ``/sc/socket.io/`` on the DSM origin.

Only the place and the sign-in of this channel are known (chat.md §9): the path, the
session cookie ``id=<sid>`` with ``X-SYNO-TOKEN`` and ``Origin``. Event names and payloads
are not public, so this module hands every event on as "something changed" and the
caller reads what changed over HTTP.
"""

from collections.abc import Callable
import logging
from typing import Any

import aiohttp
import socketio

from .client import DsmClient
from .errors import DsmConnectionError

_LOGGER = logging.getLogger(__name__)

# VERIFIED path (chat.md §9.1). Engine.IO 4 is the project's resolution 5: the real DSM's
# Engine.IO version is unknown, and when this cannot connect the caller keeps polling.
SOCKET_PATH = "sc/socket.io"
CONNECT_TIMEOUT = 10.0
# How long closing a WebSocket may wait for the server's close frame.
CLOSE_TIMEOUT = 1.0


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
