"""Benchmark scenarios against the DSM simulator.

A scenario measures a baseline and its variants in the same run and returns one row
each; the table shows every figure and its ratio to the baseline, so results compare
across machines. Register a scenario with ``@scenario``; run ``scripts/bench --help``.
"""

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
import statistics
import time

import aiohttp

from custom_components.synology_native.api import Call, DsmClient, PasswordCredentials
from custom_components.synology_native.api.client import INFO
from custom_components.synology_native.api.system import NAS_INFO
from tests.fake_dsm import FakeDsm, run_simulator
from tests.fake_dsm.store import DEMO_PASSWORD, DEMO_USER


@dataclass(frozen=True)
class Row:
    """One measured figure; the first row of a scenario is its baseline."""

    variant: str
    value: float
    unit: str
    # Smaller is better for times, larger for throughput: the ratio reads "x faster".
    higher_is_better: bool = False


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
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        await run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


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


def ratio(baseline: Row, row: Row) -> float:
    """How many times better row is than baseline."""
    if row.higher_is_better:
        return row.value / baseline.value
    return baseline.value / row.value


async def main() -> None:
    """Run the chosen scenarios and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--repeat", type=int, default=20, help="runs per figure (median)"
    )
    parser.add_argument("names", nargs="*", choices=list(SCENARIOS), help="scenarios")
    args = parser.parse_args()
    header = f"{'scenario':<40} {'variant':<40} {'value':>12} {'vs baseline':>12}"
    print(header)
    print("-" * len(header))
    for name in args.names or SCENARIOS:
        title, run = SCENARIOS[name]
        rows = await run(args.repeat)
        for index, row in enumerate(rows):
            label = title if index == 0 else ""
            value = f"{row.value:.1f} {row.unit}"
            print(
                f"{label:<40} {row.variant:<40} {value:>12} {ratio(rows[0], row):>11.2f}x"
            )


if __name__ == "__main__":
    asyncio.run(main())
