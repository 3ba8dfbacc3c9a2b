"""scripts/bench runs several scenarios in one process, as `scripts/bench peer calendar` does."""

from contextlib import nullcontext

import pytest

from scripts import benchmarks

# The peer, synology-api, sends its session in URLs: its choice, not ours.
pytestmark = [pytest.mark.usefixtures("socket_enabled"), pytest.mark.secret_in_url]


async def test_two_peer_scenarios_in_one_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """synology-api keeps one session for all its wrappers, across simulators.

    The sign-in scenario leaves that session pointing at its own simulator, which is
    gone when the calendar scenario signs in to a new one.
    """
    monkeypatch.setattr(benchmarks, "CALENDARS", 2)
    monkeypatch.setattr(benchmarks, "EVENTS_PER_CALENDAR", 5)
    for name in ("peer-sign-in", "calendar"):
        _title, run = benchmarks.SCENARIOS[name]
        rows = await run(1)
        assert rows
        assert all(row.value > 0 for row in rows)


async def test_loaded_entry_against_a_simulator_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The loaded scenario serves its simulator from a process and measures each row."""
    # The test harness already keeps Home Assistant's storage in memory.
    monkeypatch.setattr(benchmarks, "mock_storage", nullcontext)
    monkeypatch.setattr(benchmarks, "LOADED_TODOS", 40)
    monkeypatch.setattr(benchmarks, "LOADED_POSTS", 2)
    monkeypatch.setattr(benchmarks, "LOADED_EVENTS_PER_CALENDAR", 2)
    _title, run = benchmarks.SCENARIOS["loaded"]
    rows = await run(1)
    assert [row.variant for row in rows] == [
        "demo data: memory",
        "loaded: memory",
        "demo data: longest loop block",
        "loaded: longest loop block in a refresh",
        "demo data: one to-do changed, loop time",
        "loaded: one of 40 to-dos changed, loop time",
    ]
    assert all(row.value > 0 for row in rows)
