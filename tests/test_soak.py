"""A bounded soak: Chat traffic from several users and polling, under scheduled faults.

Each round, alice and bob post (some replies in a thread), the entry polls, and the
next fault of the schedule strikes; halfway through, Home Assistant restarts the entry
while posts keep coming. At the end every post has reached the bus once, every entity
is available again without a reload, each outage was logged once going and once coming
back, nothing unhandled reached the log, and the integration's memory did not grow.

The test command runs the short form (12 s); ``scripts/soak 600`` (or ``SOAK_SECONDS=600``
with pytest) runs it for ten minutes. Both print the figure table (pytest with ``-s``).
"""

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
import logging
import os
import random
import re
import time
import tracemalloc
from typing import TYPE_CHECKING
from unittest.mock import Mock

from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import Event, callback
from homeassistant.helpers import entity_registry as er, storage
import pytest

from custom_components.synology_native.api.chat_catchup import RECENT_WINDOW
from custom_components.synology_native.api.chat_schedule import ConnectionMode
from custom_components.synology_native.const import EVENT_CHAT_MESSAGE
from tests.fake_dsm.chat_store import DM_ALICE, FAMILY, GENERAL
from tests.test_chat import (  # noqa: F401 - fast_listener applies to the soak too
    fast_listener,
    push_ready,
    until,
)

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from custom_components.synology_native.apps.chat.listener import ChatListener
    from tests.fake_dsm import FakeDsm

SOAK_SECONDS = float(os.environ.get("SOAK_SECONDS", "12"))
ROUND_SECONDS = 0.25
POSTS_PER_ROUND = 4
SLOW_REPLY_SECONDS = 0.3
# Who posts where: (user, conversation, 1 for a reply in the soak's thread).
TRAFFIC = [
    ("alice", GENERAL, 0),
    ("bob", GENERAL, 0),
    ("alice", DM_ALICE, 0),
    ("alice", FAMILY, 1),
]
# Where the integration's own memory is measured (the simulator shares the process).
OWN_CODE = "*/custom_components/synology_native/*"
# Growth of the integration's traced memory, from the settled state after the restart
# to the settled state at the end, that still counts as flat (caches of a fixed set of
# conversations, not a history).
FLAT_MEMORY_BYTES = 128 * 1024

# Log lines that say a part went away, and lines that say it came back; the named
# group tells which part (each coordinator of the poll is a part of its own).
OUTAGE_DOWN = re.compile(
    r"(?P<part>Chat socket) of demo dropped"
    r"|(?P<reads>Reading Chat) of demo failed"
    r"|Error (?:fetching|requesting) synology_native (?P<app>\w+) data"
)
OUTAGE_UP = re.compile(
    r"(?P<part>Chat socket) of demo is back"
    r"|(?P<reads>Reading Chat) of demo works again"
    r"|Fetching synology_native (?P<app>\w+) data recovered"
)


@dataclass
class Figures:
    """What the soak did and saw, printed as one table."""

    rounds: int = 0
    sent: int = 0
    received: int = 0
    lost: int = 0
    duplicated: int = 0
    faults: dict[str, int] = field(default_factory=dict)
    peak_mb: float = 0.0
    own_growth_kb: float = 0.0

    def table(self) -> str:
        """Return the figures as a two-column table."""
        rows = [
            ("seconds", f"{SOAK_SECONDS:g}"),
            ("rounds", self.rounds),
            ("messages sent", self.sent),
            ("messages received", self.received),
            ("lost", self.lost),
            ("duplicated", self.duplicated),
            *((f"fault: {name}", count) for name, count in self.faults.items()),
            ("faults injected", sum(self.faults.values())),
            ("peak memory (MB, process)", f"{self.peak_mb:.1f}"),
            ("integration memory growth (kB)", f"{self.own_growth_kb:.1f}"),
        ]
        return "\n".join(f"{name:<32} {value:>10}" for name, value in rows)


def fault_schedule(
    fake_dsm: FakeDsm,
) -> list[tuple[str, Callable[[], Awaitable[None]]]]:
    """Return the faults in the order they strike, one per round, round robin."""

    async def drop_socket() -> None:
        await fake_dsm.chat_socket.drop_sockets()

    async def expire_session() -> None:
        await fake_dsm.chat_socket.expire_sessions()

    async def http_5xx_burst() -> None:
        fake_dsm.faults.fail_http(503, count=3)

    async def slow_replies() -> None:
        fake_dsm.faults.latency = SLOW_REPLY_SECONDS

    async def malformed_json() -> None:
        fake_dsm.faults.malformed(2)

    async def connection_resets() -> None:
        fake_dsm.faults.reset(2)

    async def rate_limits() -> None:
        fake_dsm.faults.rate_limit(3)

    return [
        ("socket drop", drop_socket),
        ("HTTP 5xx burst", http_5xx_burst),
        ("session expiry", expire_session),
        ("slow replies", slow_replies),
        ("malformed JSON", malformed_json),
        ("connection reset", connection_resets),
        ("411 rate limit", rate_limits),
    ]


def clear_faults(fake_dsm: FakeDsm) -> None:
    """Disarm whatever is still pending."""
    faults = fake_dsm.faults
    faults.latency = 0.0
    for trigger in (
        faults.http_errors,
        faults.malformed_bodies,
        faults.resets,
        faults.rate_limits,
    ):
        trigger.pending = 0


@dataclass(frozen=True)
class Line:
    """What the soak keeps of a log record: the record would keep its objects alive."""

    message: str
    traceback: bool


def flatten(record: logging.LogRecord) -> bool:
    """Turn a record's arguments and exception into text.

    Test harnesses keep every record; an error among its arguments would keep its
    traceback's frames, and all they point to, alive, which would read as a leak.
    """
    if record.exc_info is not None:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.exc_info = None
    if record.args:
        record.msg, record.args = record.getMessage(), None
    return True


@contextmanager
def measuring() -> Iterator[None]:
    """Trace memory, and flatten the records the root logger's handlers get."""
    handlers = list(logging.getLogger().handlers)
    for handler in handlers:
        handler.addFilter(flatten)
    tracemalloc.start()
    try:
        yield
    finally:
        tracemalloc.stop()
        for handler in handlers:
            handler.removeFilter(flatten)


def keep_lines(caplog: pytest.LogCaptureFixture, lines: list[Line]) -> None:
    """Move the records logged so far into lines.

    Also forget the saves the test harness's storage mock recorded: it keeps every
    saved payload, which would read as a leak too.
    """
    lines.extend(
        Line(record.getMessage(), bool(record.exc_info or record.exc_text))
        for record in caplog.records
    )
    caplog.clear()
    recorded_writes: Mock = storage.Store._async_write_data  # type: ignore[assignment]
    recorded_writes.reset_mock()


def outage_lines(lines: list[Line]) -> dict[str, list[str]]:
    """Return, per part, 'down' and 'up' in the order its outage lines came."""
    outages: dict[str, list[str]] = {}
    for line in lines:
        message = line.message
        for word, pattern in (("down", OUTAGE_DOWN), ("up", OUTAGE_UP)):
            if found := pattern.match(message):
                part = next(group for group in found.groups() if group)
                outages.setdefault(part, []).append(word)
    return outages


@pytest.mark.timeout(SOAK_SECONDS * 4 + 60)
async def test_soak(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    fake_dsm: FakeDsm,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Every post arrives once through faults and a restart; everything recovers."""
    caplog.set_level(logging.INFO)
    figures = Figures(faults={name: 0 for name, _ in fault_schedule(fake_dsm)})
    figures.faults["Home Assistant restart"] = 0
    # Only the ids are kept: the events themselves would count as memory grown.
    received: list[int] = []

    @callback
    def record(event: Event) -> None:
        received.append(event.data["post_id"])

    hass.bus.async_listen(EVENT_CHAT_MESSAGE, record)
    chat = await push_ready(hass, config_entry)
    thread = await fake_dsm.chat.post_as("alice", FAMILY, "soak thread")
    sent = [thread.post_id]
    # Fill the recent-post windows the listener keeps, so that memory measures from a
    # full state.
    for number in range(RECENT_WINDOW):
        for user, channel, thread_id in TRAFFIC:
            post = await fake_dsm.chat.post_as(
                user,
                channel,
                f"warm-up {number}",
                thread_id=thread_id and thread.post_id,
            )
            sent.append(post.post_id)
    await settle(hass, config_entry, chat, received, sent)
    chance = random.Random(15)  # noqa: S311 - a repeatable traffic pattern
    schedule = fault_schedule(fake_dsm)
    own_start = 0
    restarted = False
    restart_at = 0
    lines: list[Line] = []
    started = time.monotonic()
    rounds_after_restart = 0
    with measuring():
        # Past the time, the rounds go on until every fault struck after the restart:
        # on a slow machine the restart alone can take the second half.
        while (
            elapsed := time.monotonic() - started
        ) < SOAK_SECONDS or rounds_after_restart < len(schedule):
            figures.rounds += 1
            rounds_after_restart += restarted
            for number in range(POSTS_PER_ROUND):
                user, channel, thread_id = chance.choice(TRAFFIC)
                post = await fake_dsm.chat.post_as(
                    user,
                    channel,
                    f"r{figures.rounds} {number}",
                    thread_id=thread_id and thread.post_id,
                )
                sent.append(post.post_id)
            if not restarted and elapsed > SOAK_SECONDS / 2:
                keep_lines(caplog, lines)
                restart_at = len(lines)
                chat = await restart(hass, config_entry, fake_dsm, sent)
                figures.faults["Home Assistant restart"] += 1
                restarted = True
                # Memory is compared between two settled states: now and at the end.
                clear_faults(fake_dsm)
                await settle(hass, config_entry, chat, received, sent)
                own_start = own_memory()
            else:
                name, strike = schedule[figures.rounds % len(schedule)]
                await strike()
                figures.faults[name] += 1
            await poll(config_entry)
            await asyncio.sleep(ROUND_SECONDS)
            await hass.async_block_till_done()
            fake_dsm.faults.latency = 0.0
            keep_lines(caplog, lines)
        clear_faults(fake_dsm)
        await settle(hass, config_entry, chat, received, sent)
        keep_lines(caplog, lines)
        own_end = own_memory()
        figures.peak_mb = tracemalloc.get_traced_memory()[1] / 1e6

    figures.sent = len(sent)
    figures.received = len(received)
    figures.lost = len(set(sent) - set(received))
    figures.duplicated = len(received) - len(set(received))
    figures.own_growth_kb = (own_end - own_start) / 1024
    print(f"\nSoak figures\n{figures.table()}")  # noqa: T201 - the soak's report

    assert restarted
    assert figures.lost == 0
    assert figures.duplicated == 0
    assert set(received) == set(sent)
    assert figures.own_growth_kb * 1024 < FLAT_MEMORY_BYTES
    assert_every_entity_available(hass, config_entry)
    # Each outage is said once going and once coming back. The restart begins anew:
    # an outage under way then ends unsaid; after it, none is left.
    for part, said in outage_lines(lines[:restart_at]).items():
        pairs = len(said) // 2
        assert said[: pairs * 2] == ["down", "up"] * pairs, f"{part} before: {said}"
    outages = outage_lines(lines[restart_at:])
    assert outages  # the faults were noticed
    for part, said in outages.items():
        assert said == ["down", "up"] * (len(said) // 2), f"{part}: {said}"
    unhandled = [line.message for line in lines if line.traceback]
    assert unhandled == []


async def poll(entry: MockConfigEntry) -> None:
    """Run one update cycle of the entry, as its timer would."""
    await entry.runtime_data.nas_coordinator.async_refresh()


async def restart(
    hass: HomeAssistant, entry: MockConfigEntry, fake_dsm: FakeDsm, sent: list[int]
) -> ChatListener:
    """Unload the entry, post while it is gone, and set it up again."""
    assert await hass.config_entries.async_unload(entry.entry_id)
    for number in range(POSTS_PER_ROUND):
        post = await fake_dsm.chat.post_as("bob", GENERAL, f"while down {number}")
        sent.append(post.post_id)
    return await push_ready(hass, entry)


async def settle(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    chat: ChatListener,
    received: list[int],
    sent: list[int],
) -> None:
    """With the faults gone, let everything recover and deliver what it still owes."""
    await until(lambda: chat.mode is ConnectionMode.PUSH, seconds=10)
    await until(lambda: len(set(received)) >= len(sent), seconds=10)
    await chat.async_read_round()
    await poll(entry)
    await hass.async_block_till_done()


def own_memory() -> int:
    """Return the bytes traced to the integration's own code."""
    snapshot = tracemalloc.take_snapshot().filter_traces(
        [tracemalloc.Filter(inclusive=True, filename_pattern=OWN_CODE)]
    )
    return sum(stat.size for stat in snapshot.statistics("filename"))


def assert_every_entity_available(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Every enabled entity of entry has a state other than unavailable."""
    entities = er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    enabled = [e.entity_id for e in entities if not e.disabled]
    assert enabled
    unavailable = [
        entity_id
        for entity_id in enabled
        if (state := hass.states.get(entity_id)) is None
        or state.state == STATE_UNAVAILABLE
    ]
    assert unavailable == []
