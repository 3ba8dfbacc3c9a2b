"""The simulator object and how to run it on a loopback port."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
import ssl

from aiohttp import web
from aiohttp.typedefs import Handler
import trustme
from yarl import URL

# Imported for their @handler registrations.
from . import auth, calendar, chat, contacts, info, notestation  # noqa: F401
from .calendar_rest import add_rest_routes
from .catalog import ApiEntry, default_catalog
from .chat_socket import ChatSocketServer
from .chat_store import seed_chat_demo
from .drive import ADVANCED_LINK_PATH, PLAIN_LINK_PATH, link_page
from .faults import Faults, fault_middleware
from .notestation_store import NoteStationStore
from .sso import SimulatedSsoServer
from .store import DEMO_USER, DsmStore, seed_demo
from .webapi import RecordedRequest, WebApi
from .webdav import DEFAULT_NAMESPACE, WebDavSim

SHUTDOWN_SECONDS = 1.0

# Every simulator made since the suite's last look (tests/conftest.py takes them after
# each test and checks every URL they received).
MADE: list[FakeDsm] = []


class FakeDsm:
    """One simulated Synology NAS: state, installed APIs, faults, request log, aiohttp app."""

    def __init__(self, *, demo: bool = False) -> None:
        """Set up an empty NAS, or with `demo` the demo accounts (see store.seed_demo)."""
        self.store = DsmStore()
        self.sso = SimulatedSsoServer(self.store)
        self.chat_socket = ChatSocketServer(self.store)
        if demo:
            seed_demo(self.store)
            seed_chat_demo(self.store.chat)
        self.chat = self.store.chat
        self.faults = Faults(self.store)
        self.requests: list[RecordedRequest] = []
        # Every URL asked for, in order, as a web server's access log keeps them.
        self.urls: list[URL] = []
        self.catalog: dict[str, ApiEntry] = default_catalog()
        self.webapi = WebApi(self.store, self.faults, self.catalog, self.requests)
        self.webapi.sso = self.sso
        self.webdav = WebDavSim()
        self.webapi.webdav = self.webdav
        self.webdav.install(self.webapi, DEFAULT_NAMESPACE)
        self.app = self.create_app()
        MADE.append(self)

    @property
    def notestation(self) -> NoteStationStore:
        """Return the demo account's Note Station library (a demo NAS only)."""
        return self.store.notestation_of(self.store.users[DEMO_USER])

    def create_app(self) -> web.Application:
        """Build the aiohttp application serving this NAS."""
        app = web.Application(
            middlewares=[
                self._record_url,
                self.chat_socket.middleware(),
                fault_middleware(self.faults),
            ]
        )
        app.on_cleanup.append(lambda _app: self.store.drive.close())
        self.webapi.add_routes(app.router)
        add_rest_routes(app.router, self.webapi)
        self.sso.add_routes(app.router)
        serve_link = link_page(self.store)
        app.router.add_get(f"{PLAIN_LINK_PATH}{{link}}", serve_link)
        app.router.add_get(f"{ADVANCED_LINK_PATH}{{link}}", serve_link)
        self.chat_socket.attach(app)
        return app

    @web.middleware
    async def _record_url(
        self, request: web.Request, handler: Handler
    ) -> web.StreamResponse:
        self.urls.append(request.rel_url)
        return await handler(request)

    def uninstall(self, api_prefix: str) -> None:
        """Remove every API whose name starts with `api_prefix` (a package that is not installed)."""
        for name in [name for name in self.catalog if name.startswith(api_prefix)]:
            del self.catalog[name]

    def reset_request_log(self) -> None:
        """Forget the recorded requests."""
        self.requests.clear()


def server_tls_context(ca: trustme.CA, *hosts: str) -> ssl.SSLContext:
    """Return a server context with a certificate for `hosts` issued by the test `ca`."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*hosts).configure_cert(context)
    return context


@asynccontextmanager
async def run_simulator(
    sim: FakeDsm,
    host: str = "127.0.0.1",
    port: int = 0,
    ssl_context: ssl.SSLContext | None = None,
) -> AsyncIterator[str]:
    """Serve `sim` on `host`:`port` (0: any free port) and yield its base URL.

    With `ssl_context` it serves HTTPS, as SSO Server demands (auth.md §7.1).
    """
    # A client cancelled in the middle of opening its Chat socket can leave the
    # connection half-open; stopping waits this long for it, not aiohttp's minute.
    runner = web.AppRunner(sim.app, shutdown_timeout=SHUTDOWN_SECONDS)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port, ssl_context=ssl_context).start()
        bound_host, bound_port = runner.addresses[0][:2]
        sim.store.drive.source_host = bound_host
        scheme = "http" if ssl_context is None else "https"
        yield str(URL.build(scheme=scheme, host=bound_host, port=bound_port))
    finally:
        await runner.cleanup()
