"""A probe that does not share our beliefs: `synology-api`'s Calendar wrapper on the simulator.

The package (a v5 client written against Calendar 3.x) quotes strings, sends JSON arrays and
uses the highest version a NAS offers (v6 for Event). What it writes, our client reads back
the same, and what our client writes, it reads.
"""

from datetime import UTC, date, datetime
from typing import Any

import aiohttp
import pytest
from synology_api.base_api import BaseApi
from synology_api.calendar import Calendar
from synology_api.exceptions import UndefinedError
from yarl import URL

from custom_components.synology_native.api import DsmClient, PasswordCredentials
from custom_components.synology_native.api.calendar import (
    STALE_ETAG_CODE,
    CalendarKind,
    EventDraft,
    SynoCalendarApi,
)
from tests.fake_dsm import FakeDsm, run_simulator
from tests.fake_dsm.store import DEMO_PASSWORD, DEMO_USER
from tests.test_probe_synology_api import connect, in_thread

# The package sends its session in URLs: its choice, not ours.
pytestmark = [pytest.mark.usefixtures("socket_enabled"), pytest.mark.secret_in_url]


@pytest.fixture(autouse=True)
def fresh_shared_session() -> Any:
    """Forget the session the package shares between its wrappers."""
    BaseApi.shared_session = None
    yield
    BaseApi.shared_session = None


async def test_synology_api_and_our_client_agree() -> None:
    """Events and tasks written by one client read back the same in the other."""
    sim = FakeDsm(demo=True)
    async with run_simulator(sim) as url, aiohttp.ClientSession() as http:
        theirs = await in_thread(lambda: connect(Calendar, URL(url)))
        ours = SynoCalendarApi(
            DsmClient(
                http, url, credentials=PasswordCredentials(DEMO_USER, DEMO_PASSWORD)
            )
        )
        listed: Any = await in_thread(lambda: theirs.cal_list("event"))
        [home] = listed["data"]["list"]
        start = int(datetime(2026, 6, 1, 7, tzinfo=UTC).timestamp())
        created: Any = await in_thread(
            lambda: theirs.event_create(
                home["cal_id"],
                home["original_cal_id"],
                "From synology-api",
                False,
                "Europe/Berlin",
                start,
                start + 3600,
            )
        )
        assert created["success"] is True, created
        event = await ours.event(created["data"]["evt_id"])
        assert event.summary == "From synology-api"
        assert event.start == datetime(2026, 6, 1, 9, tzinfo=event.start.tzinfo)  # type: ignore[arg-type]
        assert event.draft.tz_id == "Europe/Berlin"

        [calendar] = await ours.calendars(CalendarKind.EVENT)
        mine = await ours.create_event(
            calendar,
            EventDraft("From us", date(2026, 6, 2), date(2026, 6, 3), "Europe/Berlin"),
        )
        read: Any = await in_thread(
            lambda: theirs.event_get(ical_uid=mine.uid, cal_id=calendar.cal_id)
        )
        assert read["data"]["summary"] == "From us"
        assert read["data"]["dtstart_string"] == "20260602"
        assert read["data"]["dtend_string"] == "20260603"

        # A stale etag through the package: DSM's refusal, nothing overwritten.
        with pytest.raises(UndefinedError) as stale:
            await in_thread(
                lambda: theirs.event_set(
                    mine.evt_id,
                    calendar.cal_id,
                    calendar.original_cal_id,
                    "not-the-etag",
                    "Overwritten",
                    True,
                    "Europe/Berlin",
                    int(datetime(2026, 6, 2, tzinfo=UTC).timestamp()),
                    int(datetime(2026, 6, 3, tzinfo=UTC).timestamp()),
                )
            )
        assert stale.value.error_code == STALE_ETAG_CODE
        assert (await ours.event(mine.evt_id)).summary == "From us"

        [task_list] = await ours.calendars(CalendarKind.TODO)
        task: Any = await in_thread(
            lambda: theirs.todo_create(task_list.original_cal_id, "Their task")
        )
        assert task["success"] is True, task
        assert "Their task" in {
            item.summary for item in await ours.tasks([task_list.cal_id])
        }
