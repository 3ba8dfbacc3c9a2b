"""The simulated Note Station: every listed method answers, each user sees their own."""

from typing import TYPE_CHECKING

import aiohttp
import pytest

from custom_components.synology_native.api import (
    DsmApiError,
    DsmClient,
    Endpoint,
    PasswordCredentials,
)
from custom_components.synology_native.api.notestation import NoteStation
from tests.fake_dsm.store import DEMO_PASSWORD, DEMO_USER

if TYPE_CHECKING:
    from tests.fake_dsm import FakeDsm


async def test_no_listed_method_answers_501(fake_dsm: FakeDsm, dsm_url: str) -> None:
    """Each Note Station method in the catalog answers with a DSM envelope."""
    async with aiohttp.ClientSession() as http:
        client = DsmClient(
            http, dsm_url, credentials=PasswordCredentials(DEMO_USER, DEMO_PASSWORD)
        )
        session = await client.login(PasswordCredentials(DEMO_USER, DEMO_PASSWORD))
        called = []
        for api, entry in fake_dsm.catalog.items():
            if not api.startswith("SYNO.NoteStation."):
                continue
            for version in range(entry.min_version, entry.max_version + 1):
                for method in sorted(entry.methods_in(version)):
                    form = {
                        "api": api,
                        "version": str(version),
                        "method": method,
                        "_sid": session.sid,
                    }
                    async with http.post(f"{dsm_url}/webapi/entry.cgi", data=form) as r:
                        assert r.status == 200, (api, version, method)
                        assert "success" in await r.json()
                    called.append((api, method))
        assert ("SYNO.NoteStation.Info", "get") in called
        assert ("SYNO.NoteStation.Shortcut", "list") in called


@pytest.mark.parametrize(
    ("endpoint", "expected"),
    [
        (
            Endpoint("SYNO.NoteStation.Info", "get", 1, 3),
            {"uid": 1026, "username": "demo", "is_admin": False},
        ),
        (Endpoint("SYNO.NoteStation.Shortcut", "list"), {"offset": 0, "total": 0}),
        (Endpoint("SYNO.NoteStation.Setting", "get", 1, 2), {"todo_priority": -1}),
    ],
)
async def test_start_up_reads(
    dsm_url: str, endpoint: Endpoint, expected: dict[str, object]
) -> None:
    """The reads the web client starts with answer the spec's shapes."""
    async with aiohttp.ClientSession() as http:
        client = DsmClient(
            http, dsm_url, credentials=PasswordCredentials(DEMO_USER, DEMO_PASSWORD)
        )
        data = await client.call(endpoint)
    assert data.items() >= expected.items()


async def test_todo_get(fake_dsm: FakeDsm, dsm_url: str) -> None:
    """Todo.get answers one to-do as lists do; without an id, 114."""
    rent = fake_dsm.notestation.todo_by_title("Pay rent")
    async with aiohttp.ClientSession() as http:
        client = DsmClient(
            http, dsm_url, credentials=PasswordCredentials(DEMO_USER, DEMO_PASSWORD)
        )
        todo_get = Endpoint("SYNO.NoteStation.Todo", "get", 1, 2)
        data = await client.call(todo_get, {"object_id": rent.object_id})
        assert (data["title"], data["due_date"], data["items"]) == (
            "Pay rent",
            rent.due_date,
            [],
        )
        with pytest.raises(DsmApiError) as missing:
            await client.call(todo_get)
    assert missing.value.code == 114


async def test_each_user_has_their_own_library(fake_dsm: FakeDsm, dsm_url: str) -> None:
    """A second account starts with no to-dos and does not see the first's."""
    carol = fake_dsm.store.add_user("carol", "carol-pw")
    async with aiohttp.ClientSession() as http:
        alice = NoteStation(
            DsmClient(
                http, dsm_url, credentials=PasswordCredentials("carol", "carol-pw")
            )
        )
        demo = NoteStation(
            DsmClient(
                http, dsm_url, credentials=PasswordCredentials(DEMO_USER, DEMO_PASSWORD)
            )
        )
        assert await alice.todos() == ()
        created = await alice.create_todo("Feed the cat")
        assert created.object_id.startswith(f"{carol.uid}_")
        assert [todo.title for todo in await alice.todos()] == ["Feed the cat"]
        assert "Feed the cat" not in [todo.title for todo in await demo.todos()]
        assert await alice.notebooks() == ()
