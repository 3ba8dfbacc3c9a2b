"""Wire-level tests of the DSM simulator, driven with a plain aiohttp client."""

import ast
import asyncio
from collections.abc import AsyncIterator
import json
from pathlib import Path
import subprocess
import sys
import time
from typing import Any

import aiohttp
import pytest
from yarl import URL

from tests.fake_dsm import FakeDsm, run_simulator, totp_code
from tests.fake_dsm.catalog import parse_table
from tests.fake_dsm.store import (
    DEMO_OTP_SECRET,
    DEMO_OTP_USER,
    DEMO_PASSWORD,
    DEMO_USER,
)

pytestmark = pytest.mark.usefixtures("socket_enabled")

ENTRY = "/webapi/entry.cgi"
INFO_ALL = {"api": "SYNO.API.Info", "version": "1", "method": "query", "query": "ALL"}
GETINFO = ("SYNO.DSM.Info", "getinfo", 2)


class Clock:
    """A store clock that stands still unless a test moves it."""

    def __init__(self, now: float) -> None:
        """Start at Unix time `now`."""
        self.now = now

    def __call__(self) -> float:
        """Return the current fake time."""
        return self.now


class WireClient:
    """Plain HTTP access to the simulator, the way any DSM client talks to a NAS."""

    def __init__(self, http: aiohttp.ClientSession, base_url: str) -> None:
        """Talk to the simulator at `base_url`."""
        self.http = http
        self.base_url = base_url

    async def call(
        self,
        api: str,
        method: str,
        version: int | str,
        *,
        path: str = ENTRY,
        headers: dict[str, str] | None = None,
        url_params: dict[str, str] | None = None,
        **params: Any,
    ) -> dict[str, Any]:
        """POST one form-encoded call (routing keys in the body) and return the JSON."""
        form = {"api": api, "method": method, "version": str(version), **params}
        async with self.http.post(
            self.base_url + path, data=form, params=url_params, headers=headers
        ) as resp:
            assert resp.status == 200
            body: dict[str, Any] = await resp.json()
            return body

    async def get(self, params: dict[str, str], path: str = ENTRY) -> tuple[int, str]:
        """GET with query parameters; return the status and the body text."""
        async with self.http.get(self.base_url + path, params=params) as resp:
            return resp.status, await resp.text()

    async def login(self, **params: str) -> dict[str, Any]:
        """Log the demo user in (format=sid unless overridden) and return `data`."""
        defaults = {"account": DEMO_USER, "passwd": DEMO_PASSWORD, "format": "sid"}
        form: dict[str, Any] = defaults | params
        body = await self.call("SYNO.API.Auth", "login", 6, **form)
        assert body["success"], body
        data: dict[str, Any] = body["data"]
        return data

    async def login_as(
        self, account: str, password: str, **params: str
    ) -> dict[str, Any]:
        """Try SYNO.API.Auth login v6 and return the whole JSON body."""
        form: dict[str, Any] = {"account": account, "passwd": password} | params
        return await self.call("SYNO.API.Auth", "login", 6, **form)


@pytest.fixture
def clock() -> Clock:
    """Return the clock the simulator runs on."""
    return Clock(1_800_000_000.0)


@pytest.fixture
def sim(clock: Clock) -> FakeDsm:
    """Return a demo NAS on the fake clock."""
    dsm = FakeDsm(demo=True)
    dsm.store.clock = clock
    return dsm


@pytest.fixture
async def dsm(sim: FakeDsm) -> AsyncIterator[WireClient]:
    """Serve the simulator on loopback and yield a client for it."""
    # The cookie jar must accept cookies from an IP address host.
    jar = aiohttp.CookieJar(unsafe=True)
    async with (
        run_simulator(sim) as base_url,
        aiohttp.ClientSession(cookie_jar=jar) as http,
    ):
        yield WireClient(http, base_url)


def error_code(body: dict[str, Any]) -> int:
    """Return the DSM error code of a failed call."""
    assert body["success"] is False, body
    code: int = body["error"]["code"]
    return code


# --- SYNO.API.Info ---


async def test_info_query_all_over_query_cgi(dsm: WireClient) -> None:
    """`query=all` on the bootstrap CGI lists core and app APIs with their formats."""
    status, text = await dsm.get(INFO_ALL | {"query": "all"}, path="/webapi/query.cgi")
    assert status == 200
    data = json.loads(text)["data"]
    assert data["SYNO.API.Auth"] == {
        "maxVersion": 7,
        "minVersion": 1,
        "path": "entry.cgi",
    }
    assert data["SYNO.API.Info"]["requestFormat"] == "JSON"
    assert data["SYNO.Entry.Request"] == {
        "maxVersion": 2,
        "minVersion": 1,
        "path": "entry.cgi",
        "requestFormat": "JSON",
    }
    assert data["SYNO.Cal.Event"]["maxVersion"] == 6
    assert data["SYNO.SynologyDrive.Files"]["maxVersion"] == 11
    assert "SYNO.Chat.Post" in data
    assert "SYNO.NoteStation.Note" in data


async def test_info_query_list_prefix_and_quoted(dsm: WireClient) -> None:
    """Names, `NAME.` prefixes and unknown names; a JSON-quoted query works too."""
    body = await dsm.call(
        "SYNO.API.Info", "query", 1, query="SYNO.API.Auth,SYNO.Contacts.,SYNO.Nope"
    )
    assert sorted(body["data"]) == [
        "SYNO.API.Auth",
        "SYNO.Contacts.Addressbook",
        "SYNO.Contacts.AdminSetting",
        "SYNO.Contacts.Contact",
        "SYNO.Contacts.ExternalSource",
        "SYNO.Contacts.Info",
        "SYNO.Contacts.Label",
        "SYNO.Contacts.OU",
    ]
    quoted = await dsm.call("SYNO.API.Info", "query", 1, query='"ALL"')
    plain = await dsm.call("SYNO.API.Info", "query", 1, query="ALL")
    assert quoted["data"] == plain["data"]
    assert "SYNO.SynologyDrive.Files" in quoted["data"]


# --- catalog checks ---


@pytest.mark.parametrize(
    ("api_call", "code"),
    [
        (("SYNO.API.Info", "", 1), 101),
        (("SYNO.Nope", "get", 1), 102),
        (("SYNO.API.Auth", "login", 8), 104),
        (("SYNO.API.Auth", "login", "x"), 104),
        (("SYNO.API.Auth", "token", 7), 103),  # exists in v6 only
        (("SYNO.API.Auth", "login", 2), 103),
        (("SYNO.Cal.Cal", "list", 3), 103),  # the manifest lists no v3 methods
    ],
)
async def test_catalog_errors(
    dsm: WireClient, api_call: tuple[str, str, int | str], code: int
) -> None:
    """Missing name, unknown API, version out of range, method not in that version."""
    assert error_code(await dsm.call(*api_call)) == code


async def test_missing_version_and_empty_post_body(dsm: WireClient) -> None:
    """No version is 101; so is a POST with an empty body and the keys in the URL."""
    _, text = await dsm.get({"api": "SYNO.API.Info", "method": "query"})
    assert error_code(json.loads(text)) == 101
    async with dsm.http.post(dsm.base_url + ENTRY, params=INFO_ALL) as resp:
        assert error_code(await resp.json()) == 101


async def test_body_wins_over_query(dsm: WireClient) -> None:
    """A parameter sent in both the URL and the body takes the body's value."""
    body = await dsm.call(
        "SYNO.API.Info",
        "query",
        1,
        query="SYNO.API.Info",
        url_params={"query": "SYNO.API.Auth"},
    )
    assert list(body["data"]) == ["SYNO.API.Info"]


async def test_cgi_paths(dsm: WireClient) -> None:
    """auth.cgi serves only Auth; entry.cgi/<API> is the same dispatcher."""
    legacy_login = await dsm.call(
        "SYNO.API.Auth",
        "login",
        3,
        path="/webapi/auth.cgi",
        account=DEMO_USER,
        passwd=DEMO_PASSWORD,
    )
    assert legacy_login["success"]
    info = await dsm.call(
        "SYNO.API.Info", "query", 1, path="/webapi/auth.cgi", query="ALL"
    )
    assert error_code(info) == 102
    routed = await dsm.call(
        "SYNO.API.Info", "query", 1, path=ENTRY + "/SYNO.API.Info", query="ALL"
    )
    assert routed["success"]


async def test_unimplemented_cataloged_method_is_501(
    dsm: WireClient, sim: FakeDsm
) -> None:
    """A method the catalog has but no handler answers HTTP 501, never a fake success.

    The shipped catalog lists only answered methods, so the test adds one.
    """
    (entry,) = parse_table("SYNO.Test.Unanswered 1-1\n    1: get")
    sim.catalog[entry.name] = entry
    sid = (await dsm.login())["sid"]
    form = {"api": entry.name, "version": "1", "method": "get", "_sid": sid}
    async with dsm.http.post(dsm.base_url + ENTRY, data=form) as resp:
        assert resp.status == 501
        assert await resp.text() == "not simulated: SYNO.Test.Unanswered.get"


async def test_uninstall_removes_api(dsm: WireClient, sim: FakeDsm) -> None:
    """An uninstalled package is gone from Info and its APIs answer 102."""
    sim.uninstall("SYNO.Chat.")
    info = await dsm.call("SYNO.API.Info", "query", 1, query="ALL")
    assert not [name for name in info["data"] if name.startswith("SYNO.Chat.")]
    assert "SYNO.Cal.Cal" in info["data"]
    assert error_code(await dsm.call("SYNO.Chat.Post", "list", 5)) == 102


# --- login ---


async def test_login_format_sid(dsm: WireClient) -> None:
    """format=sid: sid in JSON only, a non-device did, no SynoToken unless asked."""
    form = {
        "api": "SYNO.API.Auth",
        "version": "6",
        "method": "login",
        "account": DEMO_USER,
        "passwd": DEMO_PASSWORD,
        "format": "sid",
        "session": "Chat",
    }
    async with dsm.http.post(dsm.base_url + ENTRY, data=form) as resp:
        body = await resp.json()
        assert "id" not in resp.cookies
    data = body["data"]
    assert set(data) == {"sid", "did", "is_portal_port"}
    assert data["is_portal_port"] is False
    assert len(data["sid"]) >= 32
    assert data["did"] != data["sid"]


async def test_login_cookie_session(dsm: WireClient, sim: FakeDsm) -> None:
    """The default format sets the `id` cookie, which then carries the session."""
    data = await dsm.login(format="cookie")
    cookie = dsm.http.cookie_jar.filter_cookies(URL(dsm.base_url))["id"]
    assert cookie.value == data["sid"]
    info = (await dsm.call(*GETINFO))["data"]
    assert info["serial"] == "SIM0123456789"
    assert info["model"] == "DS923+"
    assert info["version_string"] == "DSM 7.2.2-72806 Update 3"
    assert info["version"] == "72806"
    assert sim.store.sessions[data["sid"]].user.name == DEMO_USER


async def test_sid_parameter(dsm: WireClient) -> None:
    """`_sid` carries the session without any cookie."""
    sid = (await dsm.login())["sid"]
    assert (await dsm.call(*GETINFO, _sid=sid))["success"]


@pytest.mark.parametrize(
    ("credentials", "code"),
    [
        (("demo", "wrong"), 400),
        (("nobody", DEMO_PASSWORD), 400),
        (("off", "pw"), 401),
        (("new", "pw"), 410),
    ],
)
async def test_login_refusals(
    dsm: WireClient, sim: FakeDsm, credentials: tuple[str, str], code: int
) -> None:
    """Wrong password or user, disabled account, password change required."""
    sim.store.add_user("off", "pw", disabled=True)
    sim.store.add_user("new", "pw", must_change_password=True)
    assert error_code(await dsm.login_as(*credentials)) == code


async def test_login_missing_password_is_114(dsm: WireClient) -> None:
    """A login without `passwd` lacks a parameter."""
    body = await dsm.call("SYNO.API.Auth", "login", 6, account=DEMO_USER)
    assert error_code(body) == 114


async def test_account_locks_after_repeated_failures(
    dsm: WireClient, clock: Clock
) -> None:
    """Ten wrong passwords lock the account (411) for a while."""
    for _ in range(10):
        await dsm.login_as(DEMO_USER, "wrong")
    assert error_code(await dsm.login_as(DEMO_USER, DEMO_PASSWORD)) == 411
    clock.now += 31 * 60
    assert (await dsm.login())["sid"]


async def test_two_step_login_and_device_token(
    dsm: WireClient, sim: FakeDsm, clock: Clock
) -> None:
    """403 asks for a code, 404 refuses a wrong or reused one, a device token skips it."""
    needs_code = await dsm.login_as(DEMO_OTP_USER, DEMO_PASSWORD)
    assert error_code(needs_code) == 403
    assert needs_code["error"]["errors"]["types"] == [{"type": "otp"}]
    assert needs_code["error"]["errors"]["token"]

    assert (
        error_code(await dsm.login_as(DEMO_OTP_USER, DEMO_PASSWORD, otp_code="000000"))
        == 404
    )

    code = totp_code(DEMO_OTP_SECRET, at=clock())
    trusted = await dsm.login_as(
        DEMO_OTP_USER,
        DEMO_PASSWORD,
        otp_code=code,
        enable_device_token="yes",
        device_name="HA",
    )
    did = trusted["data"]["did"]
    assert sim.store.device_tokens[did] == (DEMO_OTP_USER, "HA")

    assert (
        error_code(await dsm.login_as(DEMO_OTP_USER, DEMO_PASSWORD, otp_code=code))
        == 404
    )

    device = {"device_id": did, "device_name": "HA"}
    with_device = await dsm.login_as(DEMO_OTP_USER, DEMO_PASSWORD, **device)
    assert with_device["data"]["did"] == did

    other_name = await dsm.login_as(
        DEMO_OTP_USER, DEMO_PASSWORD, device_id=did, device_name="X"
    )
    assert error_code(other_name) == 403

    sim.store.revoke_device_tokens(DEMO_OTP_USER)
    assert error_code(await dsm.login_as(DEMO_OTP_USER, DEMO_PASSWORD, **device)) == 403


async def test_code_without_device_token_request(
    dsm: WireClient, sim: FakeDsm, clock: Clock
) -> None:
    """A good code without enable_device_token logs in but trusts no device."""
    body = await dsm.login_as(
        DEMO_OTP_USER, DEMO_PASSWORD, otp_code=totp_code(DEMO_OTP_SECRET, at=clock())
    )
    assert body["data"]["did"] not in sim.store.device_tokens


def test_totp_code_is_rfc6238() -> None:
    """RFC 6238 appendix B: SHA-1 secret "12345678901234567890" at T=59 s -> ...287082."""
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    assert totp_code(secret, at=59) == "287082"
    assert len(totp_code(secret)) == 6


# --- sessions and SynoToken ---


@pytest.mark.secret_in_url  # DSM takes the SynoToken in the query string too
async def test_synotoken_required_when_enabled(dsm: WireClient) -> None:
    """Header or query SynoToken works; none, a wrong one or one in the body is 119."""
    data = await dsm.login(enable_syno_token="yes")
    sid, token = data["sid"], data["synotoken"]
    assert error_code(await dsm.call(*GETINFO, _sid=sid)) == 119
    assert error_code(await dsm.call(*GETINFO, _sid=sid, SynoToken=token)) == 119
    wrong = await dsm.call(*GETINFO, _sid=sid, headers={"X-SYNO-TOKEN": "other"})
    assert error_code(wrong) == 119
    by_header = await dsm.call(*GETINFO, _sid=sid, headers={"X-SYNO-TOKEN": token})
    assert by_header["success"]
    by_query = await dsm.call(*GETINFO, _sid=sid, url_params={"SynoToken": token})
    assert by_query["success"]


async def test_session_errors(dsm: WireClient, sim: FakeDsm) -> None:
    """No or unknown session is 119; an expired one is 106."""
    assert error_code(await dsm.call(*GETINFO)) == 119
    assert error_code(await dsm.call(*GETINFO, _sid="unknown")) == 119
    sid = (await dsm.login())["sid"]
    sim.faults.expire_sessions_now()
    assert error_code(await dsm.call(*GETINFO, _sid=sid)) == 106


async def test_session_idle_ttl(dsm: WireClient, sim: FakeDsm, clock: Clock) -> None:
    """A session expires after `session_ttl` idle seconds, counted from its last use."""
    sim.store.session_ttl = 60
    sid = (await dsm.login())["sid"]
    clock.now += 50
    assert (await dsm.call(*GETINFO, _sid=sid))["success"]
    clock.now += 50
    assert (await dsm.call(*GETINFO, _sid=sid))["success"]
    clock.now += 61
    assert error_code(await dsm.call(*GETINFO, _sid=sid)) == 106


async def test_logout(dsm: WireClient) -> None:
    """Logout ends the session; logging out a dead session still succeeds."""
    sid = (await dsm.login())["sid"]
    logout = ("SYNO.API.Auth", "logout", 6)
    assert await dsm.call(*logout, _sid=sid) == {"success": True}
    assert error_code(await dsm.call(*GETINFO, _sid=sid)) == 119
    assert await dsm.call(*logout, _sid=sid) == {"success": True}


# --- compound requests ---

ITEMS = [
    {"api": "SYNO.DSM.Info", "method": "getinfo", "version": 2},
    {"api": "SYNO.Nope", "method": "get", "version": 1},
    {"api": "SYNO.API.Info", "method": "query", "version": 1, "query": "SYNO.API.Info"},
]


async def compound(
    dsm: WireClient, sid: str, items: list[Any], **params: str
) -> dict[str, Any]:
    """Send a SYNO.Entry.Request compound request."""
    form: dict[str, Any] = {"_sid": sid, "compound": json.dumps(items)} | params
    return await dsm.call("SYNO.Entry.Request", "request", 1, **form)


async def test_compound_with_failing_item(dsm: WireClient, sim: FakeDsm) -> None:
    """Every item runs; the failed one is reported in place and has_fail is set."""
    sid = (await dsm.login())["sid"]
    body = await compound(dsm, sid, ITEMS, mode='"sequential"')
    assert body["success"] is True
    data = body["data"]
    assert data["has_fail"] is True
    first, second, third = data["result"]
    assert (first["api"], first["method"], first["version"]) == GETINFO
    assert first["success"]
    assert first["data"]["model"] == "DS923+"
    assert second == {
        "api": "SYNO.Nope",
        "method": "get",
        "version": 1,
        "success": False,
        "error": {"code": 102},
    }
    assert third["success"]
    assert list(third["data"]) == ["SYNO.API.Info"]
    assert sim.requests[-1].compound == (
        ("SYNO.DSM.Info", "getinfo"),
        ("SYNO.Nope", "get"),
        ("SYNO.API.Info", "query"),
    )


async def test_compound_stop_when_error(dsm: WireClient) -> None:
    """With stop_when_error, items after the first failure are not run (112)."""
    sid = (await dsm.login())["sid"]
    body = await compound(dsm, sid, ITEMS, stop_when_error="true", mode="parallel")
    result = body["data"]["result"]
    assert [item["success"] for item in result] == [True, False, False]
    assert result[2]["error"] == {"code": 112}


async def test_compound_parameter_errors(dsm: WireClient) -> None:
    """No `compound` is 114, a non-array is 120, and the caller needs a session."""
    sid = (await dsm.login())["sid"]
    request = ("SYNO.Entry.Request", "request", 1)
    assert error_code(await dsm.call(*request, _sid=sid)) == 114
    not_array = await dsm.call(*request, _sid=sid, compound='{"api": 1}')
    assert error_code(not_array) == 120
    assert error_code(await compound(dsm, "unknown", ITEMS)) == 119


async def test_compound_item_faults(dsm: WireClient, sim: FakeDsm) -> None:
    """Rate limits and API faults hit single items of a compound request."""
    sid = (await dsm.login())["sid"]
    items = [{"api": "SYNO.DSM.Info", "method": "getinfo", "version": 2}] * 3
    sim.faults.rate_limit(1)
    body = await compound(dsm, sid, items)
    errors = [item.get("error") for item in body["data"]["result"]]
    assert errors == [{"code": 411}, None, None]
    sim.faults.fail_api("SYNO.DSM.Info", "getinfo", 117, count=2)
    body = await compound(dsm, sid, items)
    errors = [item.get("error") for item in body["data"]["result"]]
    assert errors == [{"code": 117}, {"code": 117}, None]


# --- transport faults ---


async def test_http_error_fault(dsm: WireClient, sim: FakeDsm) -> None:
    """fail_http answers the next request with that status and a non-JSON body."""
    sim.faults.fail_http(503)
    status, text = await dsm.get(INFO_ALL)
    assert status == 503
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)
    assert (await dsm.get(INFO_ALL))[0] == 200


async def test_malformed_fault(dsm: WireClient, sim: FakeDsm) -> None:
    """Malformed: HTTP 200 with a body that is not JSON."""
    sim.faults.malformed()
    status, text = await dsm.get(INFO_ALL)
    assert status == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)


async def test_reset_fault(dsm: WireClient, sim: FakeDsm) -> None:
    """Reset drops the connection before any response."""
    # POST: aiohttp silently retries an idempotent GET once when the connection drops.
    sim.faults.reset()
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await dsm.call("SYNO.API.Info", "query", 1, query="ALL")
    assert (await dsm.call("SYNO.API.Info", "query", 1, query="ALL"))["success"]
    assert len(sim.requests) == 1  # the dropped request never reached the CGI


async def test_rate_limit_and_fail_api(dsm: WireClient, sim: FakeDsm) -> None:
    """Rate limits spare SYNO.API.*; fail_api can hit any API, login included."""
    sim.faults.rate_limit(1)
    sid = (await dsm.login())["sid"]
    assert error_code(await dsm.call(*GETINFO, _sid=sid)) == 411
    assert (await dsm.call(*GETINFO, _sid=sid))["success"]
    sim.faults.fail_api("SYNO.API.Auth", "login", 407)
    assert error_code(await dsm.login_as(DEMO_USER, DEMO_PASSWORD)) == 407


async def test_periodic_faults(dsm: WireClient, sim: FakeDsm) -> None:
    """`every` makes every Nth request faulty."""
    sim.faults.http_errors.every = 3
    statuses = [(await dsm.get(INFO_ALL))[0] for _ in range(6)]
    assert statuses == [200, 200, 500, 200, 200, 500]


async def test_latency(dsm: WireClient, sim: FakeDsm) -> None:
    """Latency delays every request."""
    sim.faults.latency = 0.15
    started = time.monotonic()
    await dsm.get(INFO_ALL)
    assert time.monotonic() - started >= 0.15


async def test_request_log(dsm: WireClient, sim: FakeDsm) -> None:
    """Each request is recorded with its routing keys and raw parameters."""
    await dsm.call("SYNO.API.Info", "query", 1, query="ALL")
    [recorded] = sim.requests
    assert (recorded.path, recorded.http_method) == (ENTRY, "POST")
    assert (recorded.api, recorded.method, recorded.version) == (
        "SYNO.API.Info",
        "query",
        "1",
    )
    assert recorded.params["query"] == "ALL"
    sim.reset_request_log()
    assert sim.requests == []


FAKE_DSM = Path(__file__).parent / "fake_dsm"
CLIENT_PACKAGE = "custom_components"


def _client_imports(source: Path) -> list[str]:
    """Return "file:line" of each import of the client's package in a module."""
    found = []
    for node in ast.walk(ast.parse(source.read_text(), str(source))):
        names = (
            [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
            if isinstance(node, ast.ImportFrom) and node.level == 0
            else []
        )
        if any(name.split(".")[0] == CLIENT_PACKAGE for name in names):
            found.append(f"{source.name}:{node.lineno}")
    return found


def test_simulator_imports_nothing_of_the_client() -> None:
    """The simulator states its own wire constants: a wrong client constant must fail.

    Checked twice: no module under tests/fake_dsm names the client's package, and
    importing every one of them (in a fresh interpreter) loads none of it indirectly.
    """
    direct = [hit for path in FAKE_DSM.rglob("*.py") for hit in _client_imports(path)]
    assert direct == []
    probe = (
        "import importlib, pkgutil, sys, tests.fake_dsm as sim\n"
        "for mod in pkgutil.walk_packages(sim.__path__, 'tests.fake_dsm.'):\n"
        "    importlib.import_module(mod.name)\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] == {CLIENT_PACKAGE!r}))"
    )
    loaded = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", probe],
        capture_output=True,
        check=True,
        cwd=FAKE_DSM.parent.parent,
        text=True,
    )
    assert loaded.stdout.strip() == "[]"


async def test_a_client_leaving_mid_request_is_dropped_quietly(
    dsm: WireClient, caplog: pytest.LogCaptureFixture
) -> None:
    """Headers without the body they announce, then gone: no error in the server's log."""
    url = URL(dsm.base_url)
    assert url.host is not None
    assert url.port is not None
    reader, writer = await asyncio.open_connection(url.host, url.port)
    writer.write(
        b"POST /webapi/entry.cgi HTTP/1.1\r\n"
        b"Host: " + url.host.encode() + b"\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: 100\r\n\r\napi=SYNO."
    )
    await writer.drain()
    await asyncio.sleep(0.1)  # the server is reading the body
    writer.close()
    await writer.wait_closed()
    assert await reader.read() == b""  # nothing was answered
    await asyncio.sleep(0.1)
    assert "Error handling request" not in caplog.text
