"""Benchmark scenarios against the DSM simulator.

A scenario measures a baseline and its variants in the same run and returns one row
each; the table shows every figure and its ratio to the baseline, so results compare
across machines. Register a scenario with ``@scenario``; run ``scripts/bench --help``.
"""

import argparse
import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import AsyncExitStack, asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
import gc
import multiprocessing
from multiprocessing.connection import Connection
from pathlib import Path
import socket
import statistics
import sys
import tempfile
import threading
import time
import tracemalloc
from typing import Any
from unittest.mock import patch

import aiohttp
from aiohttp.resolver import ThreadedResolver
from homeassistant import loader
from homeassistant.const import CONF_PASSWORD, CONF_URL, CONF_USERNAME, CONF_VERIFY_SSL
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_test_home_assistant,
    mock_storage,
)
from synology_api.base_api import BaseApi
from synology_api.calendar import Calendar as SynologyApiCalendar
from synology_api.chat import ChatUser
from synology_api.core_sys_info import SysInfo
from synology_api.notestation import NoteStation

from custom_components.synology_native.api import (
    Call,
    DsmApp,
    DsmClient,
    DsmSystem,
    PasswordCredentials,
)
from custom_components.synology_native.api.calendar import (
    CalendarKind,
    SynoCalendarApi,
    calendar_list_call,
    event_list_call,
    parse_calendars,
    parse_events,
    parse_tasks,
    task_list_call,
)
from custom_components.synology_native.api.chat import (
    POST_CREATE,
    Chat,
    newest_posts_call,
    posts_of,
)
from custom_components.synology_native.api.chat_schedule import ConnectionMode
from custom_components.synology_native.api.client import INFO
from custom_components.synology_native.api.drive import ConflictAction, Drive
from custom_components.synology_native.api.system import NAS_INFO
from custom_components.synology_native.apps.calendar.coordinator import window_at
from custom_components.synology_native.apps.chat.listener import ChatListener
from custom_components.synology_native.apps.notestation.coordinator import NOTESTATION
from custom_components.synology_native.const import (
    CONF_APPS,
    DOMAIN,
    EVENT_CHAT_MESSAGE,
)
from custom_components.synology_native.coordinator import PolledAppCoordinator
from custom_components.synology_native.data import DsmConfigEntry
from tests.fake_dsm import FakeDsm, run_simulator
from tests.fake_dsm.chat_store import GENERAL
from tests.fake_dsm.store import DEMO_PASSWORD, DEMO_SERIAL, DEMO_USER


@dataclass(frozen=True)
class Row:
    """One measured figure; the first row of a scenario is its baseline."""

    variant: str
    value: float
    unit: str
    # Smaller is better for times, larger for throughput: the ratio reads "x faster".
    higher_is_better: bool = False
    # Rows compare with the first row of their measure.
    measure: str = ""
    # A figure the row must reach (at most, or at least when higher is better).
    target: float | None = None

    def meets_target(self) -> bool:
        """Tell whether the row reaches its target (a row without one does)."""
        if self.target is None:
            return True
        if self.higher_is_better:
            return self.value >= self.target
        return self.value <= self.target


type Scenario = Callable[[int], Awaitable[list[Row]]]
SCENARIOS: dict[str, tuple[str, Scenario]] = {}


def scenario(name: str, title: str) -> Callable[[Scenario], Scenario]:
    """Register a scenario under name."""

    def register(func: Scenario) -> Scenario:
        SCENARIOS[name] = (title, func)
        return func

    return register


async def median_ms(repeat: int, run: Callable[[], Awaitable[object]]) -> float:
    """Run repeat times and return the median wall time in milliseconds."""
    return statistics.median([await wall_ms(run) for _ in range(repeat)])


COMPOUND_ITEMS = 10
INJECTED_LATENCY = 0.020


@scenario(
    "compound",
    f"{COMPOUND_ITEMS} small reads, {INJECTED_LATENCY * 1000:.0f} ms latency",
)
async def compound_vs_separate(repeat: int) -> list[Row]:
    """One SYNO.Entry.Request against the same reads as separate requests."""
    sim = FakeDsm(demo=True)
    calls = [
        Call(NAS_INFO) if index % 2 else Call(INFO, {"query": "SYNO.API.Auth"})
        for index in range(COMPOUND_ITEMS)
    ]
    async with run_simulator(sim) as url, aiohttp.ClientSession() as http:
        client = DsmClient(
            http, url, credentials=PasswordCredentials(DEMO_USER, DEMO_PASSWORD)
        )
        await client.call(NAS_INFO)  # discovery and sign-in stay out of the figures
        sim.faults.latency = INJECTED_LATENCY

        async def one_by_one() -> None:
            for item in calls:
                await client.call(item.endpoint, item.params)

        async def concurrently() -> None:
            await asyncio.gather(
                *(client.call(item.endpoint, item.params) for item in calls)
            )

        async def compound() -> None:
            for result in await client.compound(calls):
                result.unwrap()

        return [
            Row(
                "separate requests, one after another",
                await median_ms(repeat, one_by_one),
                "ms",
            ),
            Row(
                "separate requests, concurrent",
                await median_ms(repeat, concurrently),
                "ms",
            ),
            Row("one compound request", await median_ms(repeat, compound), "ms"),
        ]


CHAT_POSTS = 1000
# Posts are made this far apart in the latency runs, so each one is timed on its own
# as much as the listener's coalescing allows.
CHAT_SPACING = 0.02
CHAT_DELIVERY_TIMEOUT = 120
CHAT_SETTLE = 1.0
# Issue 15's targets.
CHAT_P99_TARGET_MS = 250


class LoopbackResolver(ThreadedResolver):
    """The plain resolver, closed the way Home Assistant closes its own on stop."""

    async def real_close(self) -> None:
        """Close as ThreadedResolver does."""
        await self.close()


@asynccontextmanager
async def chat_listener(*, push: bool) -> AsyncIterator[tuple[FakeDsm, ChatListener]]:
    """Run the Chat listener against the simulator in a minimal Home Assistant."""
    sim = FakeDsm(demo=True)
    sim.chat_socket.faults.socket_unavailable = not push
    # Home Assistant's HTTP session resolves names through zeroconf, which a minimal
    # instance does not run; loopback needs only the plain resolver.
    with (
        mock_storage(),
        patch(
            "homeassistant.helpers.aiohttp_client._async_make_resolver",
            return_value=LoopbackResolver(),
        ),
    ):
        async with (
            run_simulator(sim) as url,
            async_test_home_assistant() as hass,
        ):
            client = DsmClient(
                async_get_clientsession(hass),
                url,
                credentials=PasswordCredentials(DEMO_USER, DEMO_PASSWORD),
            )
            entry = MockConfigEntry(
                domain=DOMAIN, title="bench", data={CONF_VERIFY_SSL: True}
            )
            entry.add_to_hass(hass)
            listener = ChatListener(hass, entry, client)
            await listener.async_prime()
            listener.async_start()
            wanted = ConnectionMode.PUSH if push else ConnectionMode.POLLING
            while listener.mode is not wanted:  # noqa: ASYNC110 - set by another task
                await asyncio.sleep(0.01)
            sim.faults.latency = INJECTED_LATENCY
            try:
                yield sim, listener
            finally:
                # Stopping ends the listener (a background task) and closes its socket
                # while the simulator still runs.
                await hass.async_stop(force=True)


@dataclass(frozen=True)
class Delivery:
    """What a run of posts brought to the bus."""

    latencies_ms: list[float]
    seconds: float
    lost: int
    duplicated: int


async def post_and_time(
    sim: FakeDsm, listener: ChatListener, spacing: float
) -> Delivery:
    """Post CHAT_POSTS messages; time each one to the bus, count losses and doubles."""
    posted: dict[int, float] = {}
    arrived: dict[int, float] = {}
    duplicated = 0
    done = asyncio.Event()

    @callback
    def on_message(event: Event) -> None:
        nonlocal duplicated
        post_id = event.data["post_id"]
        if post_id in arrived:
            duplicated += 1
            return
        arrived[post_id] = time.perf_counter()
        if len(arrived) == CHAT_POSTS:
            done.set()

    remove = listener.hass.bus.async_listen(EVENT_CHAT_MESSAGE, on_message)
    start = time.perf_counter()
    for number in range(CHAT_POSTS):
        sent = time.perf_counter()
        post = await sim.chat.post_as("alice", GENERAL, f"bench {number}")
        posted[post.post_id] = sent
        if spacing:
            await asyncio.sleep(spacing)
    with suppress(TimeoutError):
        await asyncio.wait_for(done.wait(), CHAT_DELIVERY_TIMEOUT)
    total = time.perf_counter() - start
    # A double would come after the last post's first event.
    await asyncio.sleep(CHAT_SETTLE)
    remove()
    return Delivery(
        [(arrived[p] - posted[p]) * 1000 for p in posted if p in arrived],
        total,
        lost=len(set(posted) - set(arrived)),
        duplicated=duplicated,
    )


def p99(values: list[float]) -> float:
    """Return the 99th percentile."""
    return statistics.quantiles(values, n=100)[98]


@scenario(
    "chat-latency",
    f"Chat post -> bus event, {CHAT_POSTS} posts {CHAT_SPACING * 1000:.0f} ms apart",
)
async def chat_latency(repeat: int) -> list[Row]:
    """Latency from a post in the simulator to its event on the bus.

    Polling, how a script reading Chat would notice a post, is the baseline of push.
    """
    rows = []
    for push in (False, True):
        async with chat_listener(push=push) as (sim, listener):
            delivery = await post_and_time(sim, listener, CHAT_SPACING)
        mode = "push" if push else "polling"
        rows += [
            Row(
                f"{mode}: median",
                statistics.median(delivery.latencies_ms),
                "ms",
                measure="median",
            ),
            Row(
                f"{mode}: 99th percentile",
                p99(delivery.latencies_ms),
                "ms",
                measure="p99",
                target=CHAT_P99_TARGET_MS if push else None,
            ),
        ]
    return sorted(rows, key=lambda row: row.measure)


@scenario("chat-burst", f"Chat burst of {CHAT_POSTS} posts, none lost or doubled")
async def chat_burst(repeat: int) -> list[Row]:
    """Measure posts per second from the first post to the last event, and losses."""
    rows = []
    for push in (False, True):
        async with chat_listener(push=push) as (sim, listener):
            delivery = await post_and_time(sim, listener, 0)
        mode = "push" if push else "polling"
        rows += [
            Row(
                mode,
                CHAT_POSTS / delivery.seconds,
                "posts/s",
                higher_is_better=True,
            ),
            Row(f"{mode}: lost", delivery.lost, "", measure="lost", target=0),
            Row(
                f"{mode}: duplicated",
                delivery.duplicated,
                "",
                measure="duplicated",
                target=0,
            ),
        ]
    return sorted(rows, key=lambda row: row.measure)


# Posts asked for at once in the chat-send-burst scenario (issue 21: ten notifications).
SEND_BURST = 10


@scenario(
    "chat-send-burst",
    f"{SEND_BURST} Chat posts asked for at once, simulator at its default post rate",
)
async def chat_send_burst(repeat: int) -> list[Row]:
    """Post a burst as one account: once unpaced (each sent once, at once), once paced.

    The unpaced run is how the client posted before pacing; it shows what DSM's rate
    limit refuses. The paced run must lose nothing and end within about ten seconds.
    """
    sim = FakeDsm(demo=True)
    async with run_simulator(sim) as url, aiohttp.ClientSession() as http:
        client = DsmClient(
            http, url, credentials=PasswordCredentials(DEMO_USER, DEMO_PASSWORD)
        )
        chat = Chat(client)
        await chat.channels()  # sign-in stays out of the figures

        def unpaced(number: int) -> Awaitable[Any]:
            params = {"channel_id": GENERAL, "message": f"unpaced {number}"}
            return client.call(POST_CREATE, params | {"type": "normal"})

        unpaced_results = await asyncio.gather(
            *(unpaced(number) for number in range(SEND_BURST)),
            return_exceptions=True,
        )
        await asyncio.sleep(SEND_BURST)  # the simulator's allowance fills again
        start = time.perf_counter()
        paced_results = await asyncio.gather(
            *(chat.send(GENERAL, f"paced {number}") for number in range(SEND_BURST)),
            return_exceptions=True,
        )
        seconds = time.perf_counter() - start
        messages = [post.message for post in sim.chat.channels[GENERAL].posts.values()]
    in_order = [m for m in messages if m.startswith("paced")] == [
        f"paced {number}" for number in range(SEND_BURST)
    ]
    return [
        Row(
            "unpaced: refused",
            sum(isinstance(result, Exception) for result in unpaced_results),
            "posts",
            measure="refused",
        ),
        Row(
            "paced: refused",
            sum(isinstance(result, Exception) for result in paced_results),
            "posts",
            measure="refused",
            target=0,
        ),
        Row("paced: first ask to last post", seconds, "s", measure="time", target=10),
        Row("paced: out of order", 0 if in_order else 1, "", measure="order", target=0),
    ]


def free_port() -> int:
    """Return a loopback TCP port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


CALENDARS = 20
EVENTS_PER_CALENDAR = 500
CALENDAR_WINDOW_DAYS = 35
CALENDAR_REPEAT = 3


def seed_bench_calendars(sim: FakeDsm, events: int | None = None) -> None:
    """Give the demo user CALENDARS calendars of events each (EVENTS_PER_CALENDAR).

    Every tenth event is a weekly series, the rest single events, spread over the
    polled window.
    """
    events = EVENTS_PER_CALENDAR if events is None else events
    store = sim.store.calendar
    user = sim.store.users[DEMO_USER]
    start = window_at(datetime.now(UTC))[0]
    for number in range(CALENDARS):
        calendar = store.add_calendar(user.name, user.uid, f"Calendar {number}")
        for index in range(events):
            begin = start + timedelta(hours=index * 24 * CALENDAR_WINDOW_DAYS // events)
            store.add_event(
                calendar,
                f"Event {index}",
                begin,
                begin + timedelta(hours=1),
                rrule="FREQ=WEEKLY;COUNT=4" if index % 10 == 0 else None,
            )


def peer_calendar_reads(community: SynologyApiCalendar, start: int, end: int) -> None:
    """Read Calendar as the package's users do, one call per calendar.

    The calendars, then the events of each in the window (start, end in seconds),
    and the task lists and the tasks of each.
    """
    calendars = community.cal_list("event")["data"]["list"]
    for calendar in calendars:
        community.event_list(cal_id_list=[calendar["cal_id"]], start=start, end=end)
    task_lists = community.cal_list("todo")["data"]["list"]
    for task_list in task_lists:
        community.todo_list(cal_id_list=[task_list["cal_id"]])


@scenario(
    "calendar",
    f"Calendar: {CALENDARS} calendars x {EVENTS_PER_CALENDAR} events, "
    f"{INJECTED_LATENCY * 1000:.0f} ms latency",
)
async def calendar_reads(repeat: int) -> list[Row]:
    """One poll's reads (calendars, task lists, events of the window, tasks).

    The baseline is the synology-api package (what scripts and other integrations
    use today) reading the same, as its users call it: list the calendars, then the
    events of each calendar, and the task lists and their tasks. It is synchronous,
    so it runs in a thread. Requests are counted at the simulator.
    """
    # The simulator expands 10,000 events per read, seconds of CPU: a few runs do.
    repeat = min(repeat, CALENDAR_REPEAT)
    sim = FakeDsm(demo=True)
    seed_bench_calendars(sim)
    rows: list[Row] = []
    async with run_simulator(sim) as url, aiohttp.ClientSession() as http:
        window = window_at(datetime.now(UTC))
        start, end = (int(bound.timestamp()) for bound in window)

        # Its default DSM 7 sign-in; it stays out of the figures.
        community = await asyncio.to_thread(
            peer_connect, SynologyApiCalendar, url, anew=True
        )

        def per_calendar() -> None:
            peer_calendar_reads(community, start, end)

        client = DsmClient(
            http, url, credentials=PasswordCredentials(DEMO_USER, DEMO_PASSWORD)
        )
        api = SynoCalendarApi(client)
        await api.calendars(CalendarKind.EVENT)  # discovery and sign-in stay out

        async def one_cycle() -> None:
            calendars, task_lists = (
                parse_calendars(result.unwrap(), kind)
                for result, kind in zip(
                    await client.compound(
                        [
                            calendar_list_call(CalendarKind.EVENT),
                            calendar_list_call(CalendarKind.TODO),
                        ]
                    ),
                    (CalendarKind.EVENT, CalendarKind.TODO),
                    strict=True,
                )
            )
            events, tasks = await client.compound(
                [
                    event_list_call([item.cal_id for item in calendars], *window),
                    task_list_call([item.cal_id for item in task_lists]),
                ]
            )
            parse_events(events.unwrap())
            parse_tasks(tasks.unwrap())

        async def steady_cycle() -> None:
            # A poll that knows the calendars already: everything in one request.
            results = await client.compound(
                [
                    calendar_list_call(CalendarKind.EVENT),
                    calendar_list_call(CalendarKind.TODO),
                    event_list_call(known_calendars, *window),
                    task_list_call(known_lists),
                ]
            )
            parse_events(results[2].unwrap())
            parse_tasks(results[3].unwrap())

        known_calendars = [
            item.cal_id for item in await api.calendars(CalendarKind.EVENT)
        ]
        known_lists = [item.cal_id for item in await api.calendars(CalendarKind.TODO)]
        sim.faults.latency = INJECTED_LATENCY
        for variant, run in (
            (
                "synology-api, per calendar (baseline)",
                lambda: asyncio.to_thread(per_calendar),
            ),
            ("this client, first poll (2 requests)", one_cycle),
            ("this client, later polls (1 request)", steady_cycle),
        ):
            sim.reset_request_log()
            await run()
            rows.append(
                Row(f"{variant}: requests", len(sim.requests), "req", measure="req")
            )
            rows.append(
                Row(
                    f"{variant}: wall",
                    await median_ms(repeat, run),
                    "ms",
                    measure="wall",
                )
            )
    return rows


@asynccontextmanager
async def home_assistant() -> AsyncIterator[HomeAssistant]:
    """Run a minimal Home Assistant that finds this repository's integration."""
    # Home Assistant's HTTP session resolves names through zeroconf, which a minimal
    # instance does not run; loopback needs only the plain resolver.
    with (
        mock_storage(),
        patch(
            "homeassistant.helpers.aiohttp_client._async_make_resolver",
            return_value=LoopbackResolver(),
        ),
    ):
        async with async_test_home_assistant() as hass:
            hass.data.pop(loader.DATA_CUSTOM_COMPONENTS)
            # Platforms need Home Assistant's HTTP server; a port of its own, so a
            # Home Assistant already running on this machine is no obstacle.
            await async_setup_component(
                hass,
                "http",
                {"http": {"server_host": ["127.0.0.1"], "server_port": free_port()}},
            )
            try:
                yield hass
            finally:
                await hass.async_stop(force=True)


@asynccontextmanager
async def simulator_in_thread(sim: FakeDsm) -> AsyncIterator[str]:
    """Serve sim from an event loop of its own, as a NAS is another machine.

    Its work then does not count as Home Assistant's time on the event loop.
    """
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    stack = AsyncExitStack()

    async def in_simulator_loop[T](coro: Coroutine[Any, Any, T]) -> T:
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, loop))

    try:
        yield await in_simulator_loop(stack.enter_async_context(run_simulator(sim)))
    finally:
        await in_simulator_loop(stack.aclose())
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()


type SimulatorChange = Callable[[FakeDsm], Awaitable[object]]


class SimulatorProcess:
    """The demo simulator in a process of its own: a NAS is another machine.

    A simulator thread of this process holds the GIL while it encodes a large answer,
    and that would count as Home Assistant's time on the event loop; a process's work
    does not. seed and the changes given to ``change`` run in the simulator's
    process, so they are module-level functions (or partials of them).
    """

    def __init__(self, seed: SimulatorChange) -> None:
        """Prepare a process that seeds the demo simulator with seed and serves it."""
        context = multiprocessing.get_context("spawn")
        self._pipe, self._child_end = context.Pipe()
        self._process = context.Process(
            target=serve_simulator, args=(seed, self._child_end), daemon=True
        )

    async def __aenter__(self) -> str:
        """Start the process; return the simulator's URL once it serves."""
        self._process.start()
        # Only the child holds its end now: if it dies, reading here fails at once.
        self._child_end.close()
        return str(await asyncio.to_thread(self._pipe.recv))

    async def __aexit__(self, *_exc: object) -> None:
        """Stop the simulator and its process."""
        self._pipe.send(None)
        await asyncio.to_thread(self._process.join, PROCESS_STOP_SECONDS)

    async def change(self, change: SimulatorChange) -> object:
        """Apply change to the simulator; return what it returned."""
        self._pipe.send(change)
        return await asyncio.to_thread(self._pipe.recv)


PROCESS_STOP_SECONDS = 30


def serve_simulator(seed: SimulatorChange, pipe: Connection) -> None:
    """Serve a seeded demo simulator, applying each change the pipe brings until None."""

    async def serve() -> None:
        sim = FakeDsm(demo=True)
        await seed(sim)
        async with run_simulator(sim) as url:
            pipe.send(url)
            while (change := await asyncio.to_thread(pipe.recv)) is not None:
                pipe.send(await change(sim))

    asyncio.run(serve())


async def no_seed(_sim: FakeDsm) -> None:
    """Leave the demo data as it is."""


@asynccontextmanager
async def loaded_entry(
    sim: FakeDsm | SimulatorProcess, apps: list[DsmApp] | None = None
) -> AsyncIterator[DsmConfigEntry]:
    """Set up the demo account with apps, by default every app but Chat (not polled).

    A FakeDsm is served from a thread of this process, so a scenario can reach into it.
    """
    if apps is None:
        apps = [app for app in DsmApp if app is not DsmApp.CHAT]
    served = simulator_in_thread(sim) if isinstance(sim, FakeDsm) else sim
    async with home_assistant() as hass, served as url:
        entry = MockConfigEntry(
            domain=DOMAIN,
            title=DEMO_USER,
            unique_id=f"{DEMO_SERIAL}_{DEMO_USER}",
            data={
                CONF_URL: url,
                CONF_VERIFY_SSL: True,
                CONF_USERNAME: DEMO_USER,
                CONF_PASSWORD: DEMO_PASSWORD,
            },
            options={CONF_APPS: apps},
        )
        entry.add_to_hass(hass)
        if not await hass.config_entries.async_setup(entry.entry_id):
            msg = f"setup failed: {entry.state}"
            raise RuntimeError(msg)
        await hass.async_block_till_done()
        try:
            yield entry
        finally:
            await hass.config_entries.async_unload(entry.entry_id)


@scenario(
    "poll",
    f"one update cycle, {INJECTED_LATENCY * 1000:.0f} ms latency",
)
async def poll_cycle(repeat: int) -> list[Row]:
    """Measure requests and wall time of one cycle with 0, 1, 2... polled apps.

    The baseline is the NAS read alone. "separate" is how cycles went before the
    entry's poll: the NAS read and each app's reads as requests of their own.
    """
    sim = FakeDsm(demo=True)
    async with loaded_entry(sim) as entry:
        poll = entry.runtime_data.nas_coordinator
        polled = list(poll.polled_apps)
        system = DsmSystem(poll.client)
        sim.faults.latency = INJECTED_LATENCY

        async def separately(apps: list[PolledAppCoordinator[Any, Any]]) -> None:
            await system.info()
            for app in apps:
                await app.async_refresh()

        async def in_one_request() -> None:
            await poll.async_refresh()

        rows = []
        for count in range(len(polled) + 1):
            apps = polled[:count]
            poll.polled_apps[:] = apps
            names = ", ".join(app.name.removeprefix(f"{DOMAIN} ") for app in apps)
            label = f"NAS + {names}" if apps else "NAS"
            for variant, run in (
                ("separate", partial(separately, apps)),
                ("one request", in_one_request),
            ):
                if not apps and variant == "separate":
                    continue
                sim.reset_request_log()
                await run()
                if not all(app.last_update_success for app in apps):
                    msg = f"{label}: a refresh failed"
                    raise RuntimeError(msg)
                requests = len(sim.requests)
                rows.append(
                    Row(
                        f"{label}, {variant}: {requests} request(s)",
                        await median_ms(repeat, run),
                        "ms",
                    )
                )
        poll.polled_apps[:] = polled
        return rows


TODO_COUNTS = (100, 1000, 10_000)
LOOP_TICK = 0.001


type Measure = Callable[[Callable[[], Awaitable[object]]], Awaitable[float]]


async def wall_ms(run: Callable[[], Awaitable[object]]) -> float:
    """Run once and return the wall time, in ms."""
    start = time.perf_counter()
    await run()
    return (time.perf_counter() - start) * 1000


async def loop_cpu_ms(run: Callable[[], Awaitable[object]]) -> float:
    """Run once and return the CPU time of the event loop's thread meanwhile, in ms.

    Workers and the simulator's process do not count: this is the time Home
    Assistant's loop spent on the run, waits excluded.
    """
    start = time.thread_time()
    await run()
    return (time.thread_time() - start) * 1000


async def longest_loop_block(run: Callable[[], Awaitable[object]]) -> float:
    """Run and return the longest the event loop went without a turn, in ms."""
    longest = 0.0
    running = True

    async def tick() -> None:
        nonlocal longest
        while running:
            start = time.perf_counter()
            await asyncio.sleep(LOOP_TICK)
            longest = max(longest, time.perf_counter() - start - LOOP_TICK)

    ticker = asyncio.create_task(tick())
    try:
        await run()
    finally:
        running = False
        await ticker
    return longest * 1000


@scenario(
    "todos", f"Note Station refresh of {' / '.join(map(str, TODO_COUNTS))} to-dos"
)
async def todo_refresh(repeat: int) -> list[Row]:
    """Measure time, peak memory and longest event-loop block of a to-do refresh.

    The simulator runs in a thread of its own: the loop figures are Home Assistant's.
    """
    rows = [row for count in TODO_COUNTS for row in await _todo_rows(count, repeat)]
    # Each measure's baseline is the smallest list.
    return sorted(rows, key=lambda row: row.measure)


async def only_todos(count: int, sim: FakeDsm) -> None:
    """Replace the demo to-dos with count numbered ones, each due a second apart."""
    sim.notestation.todos.clear()
    add_todos(sim, count)


def add_todos(sim: FakeDsm, count: int) -> None:
    """Add count numbered to-dos, each due a second after the one before."""
    for number in range(count):
        sim.notestation.add_todo(f"To-do {number}", due_date=1_800_000_000 + number)


async def toggle_todo(index: int, sim: FakeDsm) -> None:
    """Check off the index-th to-do, or check it back on."""
    todo = list(sim.notestation.todos.values())[index]
    todo.done = not todo.done


async def toggle_middle_todo(sim: FakeDsm) -> None:
    """Check off the middle to-do, or check it back on."""
    await toggle_todo(len(sim.notestation.todos) // 2, sim)


async def _todo_rows(count: int, repeat: int) -> list[Row]:
    nas = SimulatorProcess(partial(only_todos, count))
    async with loaded_entry(nas) as entry:
        used = entry.runtime_data.app(NOTESTATION)
        assert used is not None  # noqa: S101 - the entry uses Note Station
        notestation = used.coordinator

        async def changed_refresh(measure: Measure) -> float:
            # One to-do changes before each refresh, so the entities write state too.
            await nas.change(partial(toggle_todo, 0))
            return await measure(notestation.async_refresh)

        elapsed = statistics.median(
            [await changed_refresh(wall_ms) for _ in range(max(1, repeat // 4))]
        )
        block = await changed_refresh(longest_loop_block)
        peak = await changed_refresh(peak_mib)
        if len(notestation.data.todos) != count:
            msg = f"{len(notestation.data.todos)} of {count} to-dos read"
            raise RuntimeError(msg)
    return [
        Row(f"{count} to-dos: time", elapsed, "ms", measure="time"),
        Row(f"{count} to-dos: longest loop block", block, "ms", measure="block"),
        Row(f"{count} to-dos: peak memory", peak, "MiB", measure="memory"),
    ]


DRIVE_FILE_MB = 200
MIB = 1024 * 1024


async def peak_mib(run: Callable[[], Awaitable[object]]) -> float:
    """Run once and return the peak of Python's traced memory meanwhile, in MiB."""
    tracemalloc.start()
    try:
        await run()
        return tracemalloc.get_traced_memory()[1] / MIB
    finally:
        tracemalloc.stop()


def write_file(path: Path, mib: int) -> None:
    """Write a file of mib MiB, a MiB at a time."""
    chunk = bytes(range(256)) * (MIB // 256)
    with path.open("wb") as out:
        for _ in range(mib):
            out.write(chunk)


@scenario(
    "drive-files",
    f"Drive {DRIVE_FILE_MB} MB upload/download, peak memory",
)
async def drive_files(repeat: int) -> list[Row]:
    """Peak memory of streaming a 1 MiB and a DRIVE_FILE_MB MiB file each way.

    Not a timed figure: memory must not grow with the file, so each ratio to the
    1 MiB baseline should stay near 1.
    """
    sim = FakeDsm(demo=True)
    with tempfile.TemporaryDirectory() as folder:
        sizes = {"1 MB": 1, f"{DRIVE_FILE_MB} MB": DRIVE_FILE_MB}
        for label, mib in sizes.items():
            await asyncio.to_thread(write_file, Path(folder, label), mib)
        async with run_simulator(sim) as url, aiohttp.ClientSession() as http:
            drive = Drive(
                DsmClient(
                    http, url, credentials=PasswordCredentials(DEMO_USER, DEMO_PASSWORD)
                )
            )
            await drive.info()  # discovery and sign-in stay out of the figures
            rows = []
            for direction in ("upload", "download"):
                for label, mib in sizes.items():
                    local = Path(folder, label)

                    async def upload(local: Path = local) -> None:
                        with local.open("rb") as source:
                            await drive.upload(
                                f"/mydrive/{local.name}",
                                source,
                                conflict_action=ConflictAction.OVERWRITE,
                            )

                    async def download(local: Path = local, mib: int = mib) -> None:
                        received = 0
                        async with drive.download(f"/mydrive/{local.name}") as chunks:
                            with local.with_suffix(".copy").open("wb") as sink:
                                async for chunk in chunks:
                                    sink.write(chunk)
                                    received += len(chunk)
                        if received != mib * MIB:
                            msg = "the download is not the file"
                            raise AssertionError(msg)

                    run = upload if direction == "upload" else download
                    rows.append(Row(f"{direction} {label}", await peak_mib(run), "MiB"))
    return rows


# --- Against the peer: the synology-api package, driven as its users call it ---------
# One request per call, its default DSM 7 sign-in over HTTP; it is synchronous, so it
# runs in a worker thread. Requests are counted where they reach DSM's CGIs.


def peer_connect[T: BaseApi](kind: type[T], url: str, *, anew: bool = False) -> T:
    """Sign in as the package's README shows: address, port, user, password.

    The package keeps one session for every wrapper (BaseApi.shared_session); anew
    forgets it first, since the one an earlier scenario opened belongs to that
    scenario's simulator, which is gone.
    """
    if anew:
        BaseApi.shared_session = None
    host, port = url.removeprefix("http://").rsplit(":", 1)
    return kind(host, port, DEMO_USER, DEMO_PASSWORD, dsm_version=7, debug=False)


@dataclass(frozen=True)
class PeerApps:
    """The package's wrappers over one session."""

    system: SysInfo
    notes: NoteStation
    chat: ChatUser
    calendar: SynologyApiCalendar


def peer_session(url: str) -> PeerApps:
    """Sign in once and open the wrappers a script polling this entry's apps uses."""
    notes = peer_connect(NoteStation, url, anew=True)
    return PeerApps(
        system=peer_connect(SysInfo, url),
        notes=notes,
        chat=peer_connect(ChatUser, url),
        calendar=peer_connect(SynologyApiCalendar, url),
    )


def peer_notestation(peer: PeerApps) -> None:
    """Read Note Station's notebooks and to-dos, a call each."""
    peer.notes.notebooks_info()
    peer.notes.todo()


def peer_calendar(peer: PeerApps) -> None:
    """Read Calendar's window as the calendar bench's baseline does."""
    start, end = (int(bound.timestamp()) for bound in window_at(datetime.now(UTC)))
    peer_calendar_reads(peer.calendar, start, end)


# synology-api has no wrapper for a user's Drive; its users call its generic request
# with an API name and parameters, one request each (drive.md: the poll's two reads).
PEER_DRIVE_READS = (
    ("SYNO.SynologyDrive.Notifications", {"method": "list", "offset": 0, "limit": 50}),
    ("SYNO.SynologyDrive.Info", {"method": "quota"}),
)


def peer_drive(peer: PeerApps) -> None:
    """Read Drive's notifications and quota through the package's generic call."""
    for api, params in PEER_DRIVE_READS:
        info = peer.notes.gen_list[api]
        peer.notes.request_data(
            api, info["path"], {"version": info["maxVersion"], **params}
        )


# What the package reads for each polled app of an update cycle, by coordinator name.
PEER_POLL_READS: dict[str, Callable[[PeerApps], None]] = {
    "notestation": peer_notestation,
    "calendar": peer_calendar,
    "drive": peer_drive,
}


async def requests_and_ms(
    sim: FakeDsm, repeat: int, run: Callable[[], Awaitable[object]]
) -> tuple[int, float]:
    """Count the requests of one run, then time repeat runs (median)."""
    sim.reset_request_log()
    await run()
    return len(sim.requests), await median_ms(repeat, run)


def request_rows(label: str, requests: int, wall: float) -> list[Row]:
    """Give a variant's request count and wall time as rows of their own measures."""
    return [
        Row(f"{label}: requests", requests, "req", measure="requests"),
        Row(f"{label}: wall", wall, "ms", measure="wall"),
    ]


@scenario(
    "peer-poll",
    f"update cycle, {INJECTED_LATENCY * 1000:.0f} ms latency",
)
async def peer_poll(repeat: int) -> list[Row]:
    """One update cycle of the entry's polled apps; the package reads the same."""
    sim = FakeDsm(demo=True)
    async with loaded_entry(sim) as entry:
        poll = entry.runtime_data.nas_coordinator
        url = str(poll.client.url)
        names = [app.name.removeprefix(f"{DOMAIN} ") for app in poll.polled_apps]
        peer = await asyncio.to_thread(peer_session, url)
        reads = [PEER_POLL_READS[name] for name in names]

        def peer_cycle() -> None:
            peer.system.dsm_info()
            for read in reads:
                read(peer)

        sim.faults.latency = INJECTED_LATENCY
        baseline = await requests_and_ms(
            sim, repeat, lambda: asyncio.to_thread(peer_cycle)
        )
        ours = await requests_and_ms(sim, repeat, poll.async_refresh)
        apps = ", ".join(["NAS", *names])
        return [
            *request_rows(f"synology-api ({apps})", *baseline),
            *request_rows("this integration", *ours),
        ]


PEER_CHANNELS = 20
PEER_POSTS = 50  # the package's default page


async def seed_channels(sim: FakeDsm, posts: int) -> list[int]:
    """Give the demo user PEER_CHANNELS more channels of posts by alice each."""
    chat = sim.chat
    members = [
        user.user_id
        for name in (DEMO_USER, "alice")
        if (user := chat.user_named(name)) is not None
    ]
    ids = []
    for number in range(PEER_CHANNELS):
        channel = chat.add_channel(f"bench {number}", "public", members[0], members)
        for index in range(posts):
            await chat.post_as("alice", channel.channel_id, f"post {index}")
        ids.append(channel.channel_id)
    return ids


@scenario(
    "peer-chat-read",
    f"newest posts of {PEER_CHANNELS} Chat channels",
)
async def peer_chat_read(repeat: int) -> list[Row]:
    """List the channels, then read the newest posts of each bench channel."""
    sim = FakeDsm(demo=True)
    channel_ids = await seed_channels(sim, PEER_POSTS)
    async with run_simulator(sim) as url, aiohttp.ClientSession() as http:
        peer = await asyncio.to_thread(peer_session, url)
        chat = Chat(
            DsmClient(
                http, url, credentials=PasswordCredentials(DEMO_USER, DEMO_PASSWORD)
            )
        )
        await chat.channels()  # discovery and sign-in stay out of the figures

        def peer_read() -> None:
            peer.chat.channel_list()
            for channel_id in channel_ids:
                peer.chat.post_list(channel_id, limit=PEER_POSTS)

        async def read() -> None:
            listed = {channel.channel_id for channel in await chat.channels()}
            results = await chat.client.compound(
                [
                    newest_posts_call(channel_id, PEER_POSTS)
                    for channel_id in channel_ids
                    if channel_id in listed
                ]
            )
            if sum(len(posts_of(result)) for result in results) < len(channel_ids):
                msg = "a channel read no posts"
                raise RuntimeError(msg)

        sim.faults.latency = INJECTED_LATENCY
        baseline = await requests_and_ms(
            sim, repeat, lambda: asyncio.to_thread(peer_read)
        )
        ours = await requests_and_ms(sim, repeat, read)
    return [
        *request_rows("synology-api, a call per channel", *baseline),
        *request_rows("this client, compound", *ours),
    ]


@scenario("peer-sign-in", f"sign-in, {INJECTED_LATENCY * 1000:.0f} ms latency")
async def peer_sign_in(repeat: int) -> list[Row]:
    """Sign in from nothing known: the package's default way, and this client's."""
    sim = FakeDsm(demo=True)
    async with run_simulator(sim) as url, aiohttp.ClientSession() as http:

        def peer_login() -> None:
            peer_connect(NoteStation, url, anew=True)

        async def login() -> None:
            credentials = PasswordCredentials(DEMO_USER, DEMO_PASSWORD)
            await DsmClient(http, url, credentials=credentials).login(credentials)

        sim.faults.latency = INJECTED_LATENCY
        baseline = await requests_and_ms(
            sim, repeat, lambda: asyncio.to_thread(peer_login)
        )
        ours = await requests_and_ms(sim, repeat, login)
    return [
        *request_rows("synology-api, its default", *baseline),
        *request_rows("this client", *ours),
    ]


LOADED_TODOS = 10_000
LOADED_EVENTS_PER_CALENDAR = 250  # 5,000 events in CALENDARS calendars
LOADED_POSTS = 1000
LOOP_BLOCK_TARGET_MS = 50


async def seed_loaded(todos: int, posts: int, events: int, sim: FakeDsm) -> None:
    """Add to-dos, Chat channels of posts and calendars of events."""
    add_todos(sim, todos)
    await seed_channels(sim, posts)
    seed_bench_calendars(sim, events)


@dataclass(frozen=True)
class LoadedFigures:
    """What a loaded entry costs Home Assistant."""

    memory: float  # MB held by the entry
    block: float  # ms, the longest event-loop block of a refresh
    # ms of loop time for the Note Station refresh that brings one changed to-do
    one_change: float


async def loaded_figures(seed: SimulatorChange) -> LoadedFigures:
    """Set up an entry with every app on a seeded simulator and measure it.

    The loop figures are measured with memory tracing off, which would slow every line.
    The changed to-do is the middle one.
    """
    nas = SimulatorProcess(seed)
    gc.collect()
    tracemalloc.start()
    try:
        async with loaded_entry(nas, list(DsmApp)) as entry:
            gc.collect()
            memory = tracemalloc.get_traced_memory()[0] / 1e6
            tracemalloc.stop()
            runtime = entry.runtime_data
            block = await longest_loop_block(runtime.nas_coordinator.async_refresh)
            notestation = runtime.app(NOTESTATION)
            assert notestation is not None  # noqa: S101 - the entry uses every app
            one_change = []
            for _ in range(ONE_CHANGE_REPEAT):
                await nas.change(toggle_middle_todo)
                one_change.append(
                    await loop_cpu_ms(notestation.coordinator.async_refresh)
                )
    finally:
        tracemalloc.stop()
    return LoadedFigures(memory, block, statistics.median(one_change))


ONE_CHANGE_TARGET_MS = 20
ONE_CHANGE_REPEAT = 5


@scenario(
    "loaded",
    f"entry: {LOADED_TODOS} to-dos, {CALENDARS * LOADED_EVENTS_PER_CALENDAR} "
    f"events, {PEER_CHANNELS}x{LOADED_POSTS} posts",
)
async def loaded(_repeat: int) -> list[Row]:
    """Measure what a loaded entry costs Home Assistant, and the same on the demo data.

    Memory held; the longest event-loop block of the entry's refresh; and the loop
    time of the Note Station refresh that brings one changed to-do (the median of a
    few). The simulator runs in a process of its own, so every figure is Home
    Assistant's alone.
    """
    demo = await loaded_figures(no_seed)
    loaded = await loaded_figures(
        partial(seed_loaded, LOADED_TODOS, LOADED_POSTS, LOADED_EVENTS_PER_CALENDAR)
    )
    return [
        Row("demo data: memory", demo.memory, "MB", measure="memory"),
        Row("loaded: memory", loaded.memory, "MB", measure="memory"),
        Row("demo data: longest loop block", demo.block, "ms", measure="block"),
        Row(
            "loaded: longest loop block in a refresh",
            loaded.block,
            "ms",
            measure="block",
            target=LOOP_BLOCK_TARGET_MS,
        ),
        Row(
            "demo data: one to-do changed, loop time",
            demo.one_change,
            "ms",
            measure="one change",
        ),
        Row(
            f"loaded: one of {LOADED_TODOS} to-dos changed, loop time",
            loaded.one_change,
            "ms",
            measure="one change",
            target=ONE_CHANGE_TARGET_MS,
        ),
    ]


def ratio(baseline: Row, row: Row) -> float | None:
    """How many times better row is than baseline (None: a zero count compares not)."""
    if not baseline.value or not row.value:
        return None
    if row.higher_is_better:
        return row.value / baseline.value
    return baseline.value / row.value


def target_text(row: Row) -> str:
    """Show the row's target and whether it was reached."""
    if row.target is None:
        return ""
    sign = ">=" if row.higher_is_better else "<="
    return f"{sign} {row.target:g} {'ok' if row.meets_target() else 'MISSED'}"


# Scenarios run together as one table.
SETS = {
    "peer": [
        "peer-poll",
        "peer-chat-read",
        "peer-sign-in",
        "chat-latency",
        "chat-burst",
        "loaded",
    ],
}


async def main() -> None:
    """Run the chosen scenarios and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--repeat", type=int, default=20, help="runs per figure (median)"
    )
    parser.add_argument(
        "names",
        nargs="*",
        choices=[*SCENARIOS, *SETS],
        help="scenarios, or 'peer': the table against the synology-api package",
    )
    args = parser.parse_args()
    names = [name for arg in args.names for name in SETS.get(arg, [arg])]
    header = (
        f"{'scenario':<48} {'variant':<44} {'value':>12} {'vs baseline':>12}"
        f" {'target':>14}"
    )
    print(header)
    print("-" * len(header))
    missed = []
    for name in names or SCENARIOS:
        title, run = SCENARIOS[name]
        rows = await run(args.repeat)
        baselines: dict[str, Row] = {}
        for index, row in enumerate(rows):
            baseline = baselines.setdefault(row.measure, row)
            label = title if index == 0 else ""
            value = f"{row.value:.1f} {row.unit}".strip()
            times = ratio(baseline, row)
            versus = "" if times is None else f"{times:.2f}x"
            print(
                f"{label:<48} {row.variant:<44} {value:>12} {versus:>12}"
                f" {target_text(row):>14}"
            )
            if not row.meets_target():
                missed.append(f"{name}: {row.variant}")
    if missed:
        sys.exit(f"targets missed: {'; '.join(missed)}")


if __name__ == "__main__":
    asyncio.run(main())
