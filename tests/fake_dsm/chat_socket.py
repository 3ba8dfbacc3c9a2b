"""Chat's real-time channel: Socket.IO at `/sc/socket.io/` on the DSM port (chat.md §9).

Socket events carry provisional names (chat.md §9: the real ones are not public) and are
emitted to every member of the channel that changed, except the connection whose id was
sent as `conn_id`. Switches make the socket unavailable, refuse reconnects, say nothing
at all while connected, or speak only event names no client can know.
"""

import asyncio
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware
import socketio

from .chat_store import Channel
from .store import DsmStore

SOCKET_PATH = "/sc/socket.io/"

# INFERRED (chat.md §9.1, §9.3): the real event names are not public; these are the
# provisional names the simulator emits. The client must not depend on them.
PROVISIONAL_EVENTS = {
    "post_create": "post_create",
    "post_update": "post_update",
    "post_delete": "post_delete",
    "channel_update": "channel_update",
    "user_update": "user_update",
}


@dataclass
class ChatSocketFaults:
    """Faults of the real-time channel."""

    socket_unavailable: bool = False  # /sc/socket.io/ answers 404: polling only
    refuse_until: float = 0.0  # store-clock time until which connections are refused
    silent: bool = False  # connections stay open but nothing is emitted
    unknown_names: bool = False  # every event goes out under a name no client knows


# A name of the kind a DSM of another version could use (chat.md §11: names unknown).
UNKNOWN_EVENT_PREFIX = "chat.v9."


def _same_origin(origin: str | None, environ: dict[str, Any]) -> bool:
    """Accept only DSM's own origin, over HTTP or HTTPS as the request came.

    Engine.IO's own check assumes HTTP behind aiohttp, which would refuse the web
    page's origin on a DSM served over HTTPS.
    """
    request: web.Request = environ["aiohttp.request"]
    return origin == f"{request.scheme}://{request.host}"


class ChatSocketServer:
    """Chat's Socket.IO server on one simulated NAS: tells members that a channel changed."""

    def __init__(self, store: DsmStore) -> None:
        """Serve the members of store's Chat; every change there is emitted."""
        self.store = store
        self.faults = ChatSocketFaults()
        self.event_names = dict(PROVISIONAL_EVENTS)
        store.chat.on_change = self.emit
        self.sio = socketio.AsyncServer(
            async_mode="aiohttp", cors_allowed_origins=_same_origin
        )
        # Socket.IO sid -> (chat user id, DSM sid it authenticated with)
        self.connections: dict[str, tuple[int, str]] = {}
        self.sio.on("connect", self._connect)
        self.sio.on("disconnect", self._disconnect)
        # Engine.IO's per-connection tasks (ping loops) are tracked so that stopping the
        # simulator leaves none behind.
        self._tasks: set[asyncio.Task[Any]] = set()
        start_task = self.sio.eio.start_background_task

        def start_tracked(target: Any, *args: Any, **kwargs: Any) -> Any:
            task = start_task(target, *args, **kwargs)
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            return task

        self.sio.eio.start_background_task = start_tracked

    # --- wiring ---

    def attach(self, app: web.Application) -> None:
        """Serve Socket.IO at /sc/socket.io/ on the DSM app."""
        self.sio.attach(app, socketio_path=SOCKET_PATH.strip("/"))
        app.on_shutdown.append(self._shutdown)

    async def _shutdown(self, app: web.Application) -> None:
        # Abort rather than close politely: a client that went away (or never finished
        # connecting) would never drain the goodbye, and stopping would wait forever.
        for eio_socket in list(self.sio.eio.sockets.values()):
            await eio_socket.close(wait=False, abort=True)
        self.sio.eio.sockets.clear()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def middleware(self) -> Middleware:
        """Answer 404 at the socket path while it is unavailable, 503 while refusing.

        A client that leaves during the upgrade (a connect cancelled by an unload) is
        dropped quietly, as a web server does: Engine.IO would raise writing to it.
        """

        @web.middleware
        async def socket_faults(
            request: web.Request, handler: Handler
        ) -> web.StreamResponse:
            if not request.path.startswith(SOCKET_PATH):
                return await handler(request)
            if self.faults.socket_unavailable:
                return web.Response(status=404, text="Not Found")
            if self.store.clock() < self.faults.refuse_until:
                return web.Response(status=503, text="Service Unavailable")
            try:
                return await handler(request)
            except ConnectionResetError:
                return web.Response(status=400, text="client closed the request")

        return socket_faults

    # --- the socket ---

    async def _connect(self, sid: str, environ: dict[str, Any], auth: Any) -> None:
        request: web.Request = environ["aiohttp.request"]
        dsm_sid = request.cookies.get("id", "")
        session = self.store.sessions.get(dsm_sid)
        if session is None or session.expired:
            raise socketio.exceptions.ConnectionRefusedError("invalid session")
        user = self.store.chat.user_of_account(session.user.name)
        self.connections[sid] = (user.user_id, dsm_sid)
        await self.sio.enter_room(sid, f"user:{user.user_id}")

    async def _disconnect(self, sid: str, reason: Any = None) -> None:
        self.connections.pop(sid, None)

    async def drop_sockets(self) -> None:
        """Close every socket connection from the server side."""
        for sid in list(self.connections):
            await self.sio.disconnect(sid)

    async def refuse_reconnects(self, seconds: float) -> None:
        """Drop every socket and refuse new ones for `seconds` of store time."""
        self.faults.refuse_until = self.store.clock() + seconds
        await self.drop_sockets()

    async def make_unavailable(self) -> None:
        """Drop every socket and answer 404 at the socket path from now on."""
        self.faults.socket_unavailable = True
        await self.drop_sockets()

    async def expire_sessions(self) -> None:
        """Time out every DSM session and close the sockets opened with them."""
        self.store.expire_sessions()
        for sid, (_, dsm_sid) in list(self.connections.items()):
            session = self.store.sessions.get(dsm_sid)
            if session is None or session.expired:
                await self.sio.disconnect(sid)

    async def emit(
        self, kind: str, channel: Channel, payload: dict[str, Any], conn_id: Any = None
    ) -> None:
        """Tell every connected member that something changed in channel."""
        if self.faults.silent:
            return
        name = self.event_names[kind]
        if self.faults.unknown_names:
            name = UNKNOWN_EVENT_PREFIX + name
        skip = conn_id if isinstance(conn_id, str) and conn_id else None
        for member in channel.members:
            await self.sio.emit(name, payload, room=f"user:{member}", skip_sid=skip)
