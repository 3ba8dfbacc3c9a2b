"""Fault injection: latency, HTTP errors, malformed bodies, dropped connections, API errors.

Transport faults (latency, HTTP status, malformed body, reset) are applied per HTTP request by
one aiohttp middleware; API faults (rate limit, `fail_api`) per API call, so each item of a
compound request counts on its own. Every kind fires for the next `count` occasions it was
armed for and, periodically, on every Nth occasion (`trigger.every`, set by the CLI).
"""

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from aiohttp.abc import AbstractStreamWriter
from aiohttp.typedefs import Handler, Middleware

from .store import DsmStore

# CONFLICT: 411 is "account locked" for SYNO.API.Auth (auth.md §3.3) but the apps (Chat) use it
# for rate limiting, which is what this fault simulates; so it never hits the core APIs.
RATE_LIMIT_CODE = 411
SOCKET_PREFIX = "/sc/"
MALFORMED_BODY = '{"data":{"items":[{"id":1,'  # cut short: not valid JSON


def rate_limit_applies(api: str) -> bool:
    """Tell whether the rate-limit fault may hit `api`: app APIs only.

    Not SYNO.API.*, and not the compound wrapper, whose items count one by one.
    """
    return not api.startswith("SYNO.API.") and api != "SYNO.Entry.Request"


@dataclass
class Trigger:
    """When one kind of fault fires: the next `pending` occasions, and every `every`-th one."""

    pending: int = 0
    every: int = 0  # 0: never periodically

    def fires(self, occasion: int) -> bool:
        """Tell whether occasion number `occasion` (1-based) gets this fault."""
        if self.pending > 0:
            self.pending -= 1
            return True
        return self.every > 0 and occasion % self.every == 0


@dataclass
class _BrokenCall:
    api: str
    method: str
    match: Callable[[Mapping[str, Any]], bool]


@dataclass
class _ApiFailure:
    api: str
    method: str
    code: int
    remaining: int


class Faults:
    """The faults armed on one simulated NAS; mutable at any time."""

    def __init__(self, store: DsmStore) -> None:
        """No faults, no latency."""
        self._store = store
        self.latency = 0.0  # seconds added to every HTTP request
        self.http_error_status = 500
        self.http_errors = Trigger()
        self.malformed_bodies = Trigger()
        self.resets = Trigger()
        self.rate_limits = Trigger()
        self._api_failures: list[_ApiFailure] = []
        self._broken_calls: list[_BrokenCall] = []
        # A hostile NAS: the `total` lists claim (None: the truth), and answers of this
        # many bytes (0: none), streamed without a length.
        self.claimed_total: int | None = None
        self.oversized_bytes = 0
        self.oversized = Trigger()
        self._http_requests = 0
        self._api_calls = 0

    def fail_http(self, status: int = 500, count: int = 1) -> None:
        """Make the next `count` requests answer HTTP `status` with a short non-JSON body."""
        self.http_error_status = status
        self.http_errors.pending += count

    def malformed(self, count: int = 1) -> None:
        """Make the next `count` requests answer HTTP 200 with a body that is not JSON."""
        self.malformed_bodies.pending += count

    def reset(self, count: int = 1) -> None:
        """Make the next `count` requests lose their connection without any response."""
        self.resets.pending += count

    def rate_limit(self, count: int = 1) -> None:
        """Make the next `count` app API calls fail with DSM error 411."""
        self.rate_limits.pending += count

    def claim_total(self, total: int | None) -> None:
        """Make lists answer `total` (Note Station's to-dos), whatever they hold."""
        self.claimed_total = total

    def oversize(self, size: int, count: int = 1) -> None:
        """Make the next `count` requests answer a valid envelope of `size` bytes."""
        self.oversized_bytes = size
        self.oversized.pending += count

    def fail_api(self, api: str, method: str, code: int, count: int = 1) -> None:
        """Make the next `count` calls of `api`.`method` (also in compounds) fail with `code`."""
        self._api_failures.append(_ApiFailure(api, method, code, count))

    def break_calls(
        self, api: str, method: str, match: Callable[[Mapping[str, Any]], bool]
    ) -> Callable[[], None]:
        """Answer HTTP 500 to requests calling `api`.`method` with params that `match`.

        Until the returned function is called; params are as decoded (JSON values).
        """
        broken = _BrokenCall(api, method, match)
        self._broken_calls.append(broken)
        return lambda: self._broken_calls.remove(broken)

    def broken_call(self, api: str, method: str, params: Mapping[str, Any]) -> bool:
        """Tell whether this call is one of the broken ones."""
        return any(
            (broken.api, broken.method) == (api, method) and broken.match(params)
            for broken in self._broken_calls
        )

    def expire_sessions_now(self) -> None:
        """Time out every existing session (later calls answer 106)."""
        self._store.expire_sessions()

    def api_fault(self, api: str, method: str) -> int | None:
        """Return the DSM error code this API call must fail with, if a fault hits it."""
        for failure in self._api_failures:
            if (failure.api, failure.method) == (api, method):
                failure.remaining -= 1
                if failure.remaining <= 0:
                    self._api_failures.remove(failure)
                return failure.code
        if rate_limit_applies(api):
            self._api_calls += 1
            if self.rate_limits.fires(self._api_calls):
                return RATE_LIMIT_CODE
        return None

    def transport_fault(self, request: web.Request) -> web.StreamResponse | None:
        """Return the faulty answer to this HTTP request, if a transport fault hits it."""
        self._http_requests += 1
        occasion = self._http_requests
        if self.resets.fires(occasion):
            if request.transport is not None:
                request.transport.close()
            return web.Response()  # never delivered: the connection is already gone
        if self.http_errors.fires(occasion):
            status = self.http_error_status
            return web.Response(
                status=status, text=f"HTTP {status} (simulated fault)\n"
            )
        if self.malformed_bodies.fires(occasion):
            return web.Response(text=MALFORMED_BODY, content_type="application/json")
        if self.oversized.fires(occasion):
            return _Oversized(self.oversized_bytes)
        return None


class _Oversized(web.StreamResponse):
    """A valid JSON envelope of a given size, streamed in chunks without a length."""

    CHUNK = b"x" * (64 * 1024)

    def __init__(self, size: int) -> None:
        super().__init__(headers={"Content-Type": "application/json"})
        self._size = size

    async def prepare(self, request: web.BaseRequest) -> AbstractStreamWriter | None:
        writer = await super().prepare(request)
        head, tail = b'{"data":{"pad":"', b'"},"success":true}'
        await self.write(head)
        left = self._size - len(head) - len(tail)
        try:
            while left > 0:
                await self.write(self.CHUNK[: min(left, len(self.CHUNK))])
                left -= len(self.CHUNK)
            await self.write(tail)
        except ConnectionError:
            pass  # the client stopped reading, as it should
        return writer


def fault_middleware(faults: Faults) -> Middleware:
    """Build the aiohttp middleware that applies `faults` to every request."""

    @web.middleware
    async def apply_faults(
        request: web.Request, handler: Handler
    ) -> web.StreamResponse:
        if faults.latency > 0:
            await asyncio.sleep(faults.latency)
        if request.path.startswith(SOCKET_PREFIX):
            # The real-time channel has its own faults (chat.ChatFaults).
            return await handler(request)
        fault = faults.transport_fault(request)
        return await handler(request) if fault is None else fault

    return apply_faults
