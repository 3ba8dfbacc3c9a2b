"""When Chat is read: soon after the socket says something changed, else on a timer.

The socket (chat_socket) only says that something changed; the catch-up reads
(chat_catchup) find what. Socket events arriving close together are read together.
Without a socket worth trusting (none, one that says nothing we understand, one that
missed posts) the reads run every POLL_SECONDS; with one, every CALIBRATE_SECONDS to
catch what it missed. Reads failing for longer than a poll period make Chat unreachable.
"""

import asyncio
from collections.abc import Awaitable, Callable
from enum import StrEnum
import logging
import time

import aiohttp

from .chat_catchup import ChatCatchUp
from .chat_socket import ChatSocketKeeper
from .errors import DsmError

_LOGGER = logging.getLogger(__name__)

# Socket events arriving within this many seconds are read together. It bounds a post's
# wait for its read, so it stays well below issue 15's 250 ms (99th percentile) target.
COALESCE_SECONDS = 0.1
# Reads without a socket worth trusting, and calibration reads with one. Chat counts as
# unreachable once no read succeeded for longer than one poll period.
POLL_SECONDS = 5.0
CALIBRATE_SECONDS = 30.0


class ConnectionMode(StrEnum):
    """How changes in Chat are heard (the socket's states, and down)."""

    PUSH = "push"  # the socket announces changes
    SILENT = "silent"  # connected, but posts came that the socket never announced
    NOT_UNDERSTOOD = "not_understood"  # connected, but it says nothing we understand
    POLLING = "polling"  # no socket
    DOWN = "down"  # Chat cannot be read


class ChatSchedule:
    """Keeps the socket and runs the catch-up reads when they are due."""

    def __init__(
        self,
        catch_up: ChatCatchUp,
        http: aiohttp.ClientSession,
        *,
        verify_ssl: bool,
        on_round: Callable[[DsmError | None], Awaitable[None]],
        on_mode: Callable[[], None],
    ) -> None:
        """Read with catch_up; after each round on_round gets what failed it (or None).

        on_mode is called whenever the mode may have changed.
        """
        self.catch_up = catch_up
        self._name = catch_up.name
        self._on_round = on_round
        self._on_mode = on_mode
        self.mode = ConnectionMode.POLLING
        self._wake = asyncio.Event()
        self._socket_woke = False  # a change event came since the last round began
        self._rounds_started = 0
        self._rounds_done = 0
        self._round_over = asyncio.Condition()
        # Monotonic time of the first failed read since the last good one.
        self._failing_since: float | None = None
        self._unreachable = False  # failing for longer than a poll period
        self._incomplete = False  # a conversation was not read through last round
        self._bug_logged = False  # an unexpected error, until a round works again
        self.keeper = ChatSocketKeeper(
            catch_up.client,
            http,
            name=self._name,
            verify_ssl=verify_ssl,
            on_change=self._on_socket_change,
            on_state=self._update_mode,
            readable=self._until_readable,
            after_drop=self.read_round,
        )

    def request_read(self) -> None:
        """Read changes soon (after a write of our own, for example)."""
        self._wake.set()

    async def read_round(self) -> None:
        """Read Chat now and return once a read that started after this call is over."""
        target = self._rounds_started + 1
        self._wake.set()
        async with self._round_over:
            await self._round_over.wait_for(lambda: self._rounds_done >= target)

    async def run(self) -> None:
        """Keep the socket and the reads going until cancelled."""
        async with asyncio.TaskGroup() as group:
            group.create_task(self.keeper.run())
            group.create_task(self._read_loop())

    def _on_socket_change(self) -> None:
        self._socket_woke = True
        self._wake.set()

    async def _until_readable(self) -> None:
        # While Chat cannot be read (sign-in refused, NAS away) its socket cannot
        # open either: wait for a read that works rather than knock in a loop.
        async with self._round_over:
            await self._round_over.wait_for(lambda: self._failing_since is None)

    async def _read_loop(self) -> None:
        self._wake.set()  # first, what was posted while we were away
        while True:
            settled = self.mode is ConnectionMode.PUSH and not self._incomplete
            timed_out = False
            try:
                async with asyncio.timeout(
                    CALIBRATE_SECONDS if settled else POLL_SECONDS
                ):
                    await self._wake.wait()
            except TimeoutError:
                timed_out = True
            else:
                await asyncio.sleep(COALESCE_SECONDS)
            self._wake.clear()
            by_socket, self._socket_woke = self._socket_woke, False
            self._rounds_started += 1
            await self._safe_round(timed_out=timed_out, by_socket=by_socket)
            async with self._round_over:
                self._rounds_done = self._rounds_started
                self._round_over.notify_all()

    async def _safe_round(self, *, timed_out: bool, by_socket: bool) -> None:
        failure: DsmError | None = None
        try:
            result = await self.catch_up.read_round()
        except DsmError as err:
            failure = err
            self._note_failure(err)
        except Exception:
            if not self._bug_logged:
                self._bug_logged = True
                _LOGGER.exception("Reading Chat of %s failed", self._name)
        else:
            self._bug_logged = False
            # Posts a round before left unread prove nothing about the socket.
            timed_out &= not self._incomplete
            self._incomplete = bool(result.skipped)
            if self._unreachable:
                _LOGGER.info("Reading Chat of %s works again", self._name)
            self._failing_since = None
            self._unreachable = False
            self.keeper.note_read(result.found, timed=timed_out, announced=by_socket)
            client = self.catch_up.client
            if self.keeper.socket.session_sid not in (
                None,
                client.session.sid if client.session else None,
            ):
                self.keeper.renew()  # the session was renewed under the socket
        finally:
            await self._on_round(failure)
            self._update_mode()

    def _note_failure(self, err: DsmError) -> None:
        """Count Chat as unreachable once reads failed for longer than a poll period."""
        now = time.monotonic()
        if self._failing_since is None:
            self._failing_since = now
        _LOGGER.debug("Reading Chat of %s failed: %s", self._name, err)
        if not self._unreachable and now - self._failing_since > POLL_SECONDS:
            _LOGGER.warning("Reading Chat of %s failed: %s", self._name, err)
            self._unreachable = True

    def _update_mode(self) -> None:
        mode = (
            ConnectionMode.DOWN
            if self._unreachable
            else ConnectionMode(self.keeper.state.value)
        )
        if mode is not self.mode:
            self.mode = mode
            self._wake.set()  # the read schedule follows the mode
        self._on_mode()
