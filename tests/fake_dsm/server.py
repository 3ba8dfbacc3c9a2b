"""The simulator object and how to run it on a loopback port."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web
from yarl import URL

# Imported for their @handler registrations.
from . import auth, info  # noqa: F401
from .catalog import ApiEntry, default_catalog
from .chat import ChatSim, seed_demo_chat
from .faults import Faults, fault_middleware
from .store import DsmStore, seed_demo
from .webapi import RecordedRequest, WebApi


class FakeDsm:
    """One simulated Synology NAS: state, installed APIs, faults, request log, aiohttp app."""

    def __init__(self, *, demo: bool = False) -> None:
        """Set up an empty NAS, or with `demo` the demo accounts (see store.seed_demo)."""
        self.store = DsmStore()
        self.chat = ChatSim(self.store)
        if demo:
            seed_demo(self.store)
            seed_demo_chat(self.chat)
        self.faults = Faults(self.store)
        self.requests: list[RecordedRequest] = []
        self.catalog: dict[str, ApiEntry] = default_catalog()
        self.webapi = WebApi(self.store, self.faults, self.catalog, self.requests)
        self.webapi.chat = self.chat
        self.app = self.create_app()

    def create_app(self) -> web.Application:
        """Build the aiohttp application serving this NAS."""
        app = web.Application(
            middlewares=[self.chat.middleware(), fault_middleware(self.faults)]
        )
        self.webapi.add_routes(app.router)
        self.chat.attach(app)
        return app

    def uninstall(self, api_prefix: str) -> None:
        """Remove every API whose name starts with `api_prefix` (a package that is not installed)."""
        for name in [name for name in self.catalog if name.startswith(api_prefix)]:
            del self.catalog[name]

    def reset_request_log(self) -> None:
        """Forget the recorded requests."""
        self.requests.clear()


@asynccontextmanager
async def run_simulator(
    sim: FakeDsm, host: str = "127.0.0.1", port: int = 0
) -> AsyncIterator[str]:
    """Serve `sim` on `host`:`port` (0: any free port) and yield its base URL."""
    runner = web.AppRunner(sim.app)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        bound_host, bound_port = runner.addresses[0][:2]
        yield str(URL.build(scheme="http", host=bound_host, port=bound_port))
    finally:
        await runner.cleanup()
