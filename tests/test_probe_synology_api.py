"""A probe that does not share our beliefs: the `synology-api` package against the simulator.

The package is driven exactly as its users call it (its default DSM 7 login: the sign-in
page's handshake, the login at `auth.cgi`, encrypted over HTTP; its Note Station and Chat
wrappers; its logout). Where the package is wrong by the spec, the test asserts what DSM does
with its request (chat.md §0 and §5.1) instead of fixing the package. It is synchronous
(requests), so it runs in a worker thread while the simulator serves in the test's loop.
"""

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
from synology_api.base_api import BaseApi
from synology_api.chat import ChatUser
from synology_api.exceptions import NoteStationError
from synology_api.notestation import NoteStation
import trustme
from yarl import URL

from tests.fake_dsm import FakeDsm, run_simulator, server_tls_context
from tests.fake_dsm.chat_store import GENERAL
from tests.fake_dsm.store import DEMO_PASSWORD, DEMO_USER

# The package sends its session in URLs: its choice, not ours.
pytestmark = [pytest.mark.usefixtures("socket_enabled"), pytest.mark.secret_in_url]


@pytest.fixture(autouse=True)
def fresh_shared_session() -> Iterator[None]:
    """Forget the session the package shares between its wrappers (a class attribute)."""
    BaseApi.shared_session = None
    yield
    BaseApi.shared_session = None


@pytest.fixture
def expected_lingering_timers() -> bool:
    """Allow the server's TLS shutdown timer: requests drops its connections unclosed."""
    return True


@pytest.fixture(params=["http", "https"])
async def nas(request: pytest.FixtureRequest) -> AsyncIterator[tuple[FakeDsm, URL]]:
    """Serve a demo NAS over HTTP or HTTPS (a certificate nobody needs to trust)."""
    sim = FakeDsm(demo=True)
    context = (
        server_tls_context(trustme.CA(), "127.0.0.1")
        if request.param == "https"
        else None
    )
    async with run_simulator(sim, ssl_context=context) as url:
        yield sim, URL(url)


async def in_thread[T](call: Callable[[], T]) -> T:
    """Run a blocking call of the package while the simulator keeps serving."""
    return await asyncio.to_thread(call)


def connect[T: BaseApi](kind: type[T], url: URL) -> T:
    """Sign in as the package's README shows: address, port, user, password, defaults."""
    return kind(
        url.host,
        str(url.port),
        DEMO_USER,
        DEMO_PASSWORD,
        secure=url.scheme == "https",
        cert_verify=False,
        dsm_version=7,
        debug=False,
    )


async def test_default_login_note_station_chat_and_logout(
    nas: tuple[FakeDsm, URL],
) -> None:
    """Sign in with the defaults, read Note Station and Chat, send, and sign out."""
    sim, url = nas
    notes = await in_thread(lambda: connect(NoteStation, url))
    (session,) = sim.store.sessions.values()
    assert session.user.name == DEMO_USER
    login = next(r for r in sim.requests if r.method == "login")
    # v7 from the sign-in page's handshake; over HTTP the password went encrypted.
    assert login.version == "7"
    assert login.params["ik_message"]
    assert ("passwd" in login.params) is (url.scheme == "https")

    notebooks: Any = await in_thread(notes.notebooks_info)
    assert notebooks["success"] is True
    names = {book["title"] for book in notebooks["data"]["notebooks"]}
    assert names == {book.title for book in sim.notestation.notebooks.values()}
    todos: Any = await in_thread(notes.todo)
    assert todos["success"] is True
    assert isinstance(todos["data"]["todos"], list)

    chat = await in_thread(lambda: connect(ChatUser, url))
    channels: Any = await in_thread(chat.channel_list)
    assert channels["success"] is True
    assert GENERAL in {
        channel["channel_id"] for channel in channels["data"]["channels"]
    }

    # The package pages Post.list with offset/limit; DSM ignores both (chat.md §0.3).
    one: Any = await in_thread(lambda: chat.post_list(GENERAL, limit=1))
    assert one["success"] is True
    assert len(one["data"]["posts"]) > 1
    skipped: Any = await in_thread(lambda: chat.post_list(GENERAL, limit=1, offset=5))
    assert skipped["data"]["posts"] == one["data"]["posts"]

    # The package sends no `type`; the post is created as an ordinary message.
    sent: Any = await in_thread(lambda: chat.post_create(GENERAL, "probe says hi"))
    assert sent["success"] is True
    post = sim.chat.channels[GENERAL].posts[sent["data"]["post_id"]]
    assert post.message == "probe says hi"
    assert post.type == "normal"

    await in_thread(notes.logout)
    # Its logout names only the session; DSM ends it, and the sid is refused afterwards.
    assert sim.store.sessions == {}
    with pytest.raises(NoteStationError) as gone:
        await in_thread(notes.notebooks_info)
    assert gone.value.error_code == 119
