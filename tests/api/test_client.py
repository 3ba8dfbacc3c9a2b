"""The DSM client against the simulator over real HTTP, without Home Assistant."""

import asyncio
import logging
import re
import socket
import threading
from typing import Any

import aiohttp
from aiohttp import web
import pytest

from custom_components.synology_native.api import (
    Call,
    DsmAccountUnusableError,
    DsmApiNotInstalledError,
    DsmApp,
    DsmAuthError,
    DsmClient,
    DsmConnectionError,
    DsmConnectionRefusedError,
    DsmHostNotFoundError,
    DsmHttpError,
    DsmInvalidCredentialsError,
    DsmInvalidOtpError,
    DsmInvalidParameterError,
    DsmNotFoundError,
    DsmOtpRequiredError,
    DsmPermissionError,
    DsmRateLimitError,
    DsmRequestTooLargeError,
    DsmResponseError,
    DsmSessionExpiredError,
    DsmSystem,
    DsmTimeoutError,
    DsmVersionUnsupportedError,
    Endpoint,
    PasswordCredentials,
    client as client_module,
)
from custom_components.synology_native.api.calendar import SynoCalendarApi
from custom_components.synology_native.api.client import encode_value
from custom_components.synology_native.api.errors import (
    DsmApiError,
    error_from_code,
    register_error_codes,
)
from custom_components.synology_native.api.system import NAS_INFO
from tests.conftest import client_log_text
from tests.fake_dsm import FakeDsm, totp_code
from tests.fake_dsm.store import (
    DEMO_OTP_USER as OTP_USER,
    DEMO_PASSWORD,
    DEMO_SERIAL,
    DEMO_USER,
)

OTP_ACCOUNT = PasswordCredentials(OTP_USER, DEMO_PASSWORD)


def logins(fake_dsm: FakeDsm) -> int:
    """Count the sign-in requests the simulator received."""
    return sum(
        1
        for request in fake_dsm.requests
        if request.api == "SYNO.API.Auth" and request.method == "login"
    )


def otp_secret(fake_dsm: FakeDsm) -> str:
    """Return the 2-step secret of the demo 2FA account."""
    secret = fake_dsm.store.users[OTP_USER].otp_secret
    assert secret is not None
    return secret


async def test_discovery_is_cached_and_reports_apps(
    client: DsmClient, fake_dsm: FakeDsm
) -> None:
    """SYNO.API.Info is asked once; the apps follow from the APIs it lists."""
    apps = await DsmSystem(client).apps()
    assert apps == frozenset(DsmApp)
    await client.apis()
    assert await client.has_api("SYNO.Entry.Request")
    queries = [r for r in fake_dsm.requests if r.api == "SYNO.API.Info"]
    assert len(queries) == 1
    assert queries[0].path == "/webapi/query.cgi"


async def test_first_call_signs_in_and_reads_nas_info(
    client: DsmClient, fake_dsm: FakeDsm
) -> None:
    """A call without a session signs in first, with the highest common version."""
    info = await DsmSystem(client).info()
    assert info.serial == DEMO_SERIAL
    assert info.model == fake_dsm.store.model
    assert client.session is not None
    assert client.session.synotoken
    login = next(r for r in fake_dsm.requests if r.method == "login")
    assert login.version == "7"  # the NAS offers 1-7, we speak 6-7
    assert logins(fake_dsm) == 1


async def test_missing_api_and_version_mismatch(
    client: DsmClient, fake_dsm: FakeDsm
) -> None:
    """An API the NAS lacks, or only offers in other versions, fails before any call."""
    fake_dsm.uninstall("SYNO.NoteStation.")
    with pytest.raises(DsmApiNotInstalledError, match=r"SYNO\.NoteStation\.Info"):
        await client.call(Endpoint("SYNO.NoteStation.Info", "get"))
    with pytest.raises(DsmVersionUnsupportedError, match=r"speaks 3-9"):
        await client.call(Endpoint("SYNO.DSM.Info", "getinfo", 3, 9))
    assert DsmApp.NOTESTATION not in await DsmSystem(client).apps()
    assert logins(fake_dsm) == 0


@pytest.mark.parametrize(
    ("value", "json_format", "wire"),
    [
        ("3", True, '"3"'),
        ("ünï", True, '"ünï"'),
        (12, True, "12"),
        (False, True, "false"),
        (["id:1", "/a,b"], True, '["id:1","/a,b"]'),
        ({"a": 1}, True, '{"a":1}'),
        ("raw", False, "raw"),
        (True, False, "true"),
        (["a,b", "c\\d"], False, "a\\,b,c\\\\d"),
        (5, False, "5"),
    ],
)
def test_parameter_encoding(value: object, json_format: bool, wire: str) -> None:
    """JSON-format APIs take JSON text; older ones raw strings and escaped lists."""
    assert encode_value(value, json_format=json_format) == wire


async def test_every_call_is_a_post_with_nothing_in_the_url(
    client: DsmClient, fake_dsm: FakeDsm
) -> None:
    """Routing, parameters and the session go in the body; the URL holds no query."""
    await client.call(NAS_INFO, {"padding": "x" * 2000})
    request = fake_dsm.requests[-1]
    assert (request.api, request.http_method) == ("SYNO.DSM.Info", "POST")
    assert "_sid" in request.params
    assert all(url.query_string == "" for url in fake_dsm.urls)


async def test_wrong_password(http: aiohttp.ClientSession, dsm_url: str) -> None:
    """DSM's 400 becomes a typed credentials error whose text holds no secret."""
    client = DsmClient(http, dsm_url)
    with pytest.raises(DsmInvalidCredentialsError) as err:
        await client.login(PasswordCredentials(DEMO_USER, "wrong-password"))
    assert "wrong-password" not in str(err.value)
    assert err.value.code == 400
    assert client.session is None


async def test_disabled_account(
    http: aiohttp.ClientSession, dsm_url: str, fake_dsm: FakeDsm
) -> None:
    """An account DSM will not let in says why."""
    fake_dsm.store.add_user("former", "pw-former", disabled=True)
    with pytest.raises(DsmAccountUnusableError, match="disabled"):
        await DsmClient(http, dsm_url).login(PasswordCredentials("former", "pw-former"))


async def test_otp_then_device_token(
    http: aiohttp.ClientSession, dsm_url: str, fake_dsm: FakeDsm
) -> None:
    """A 2-step account needs a code once; the device token skips it afterwards."""
    client = DsmClient(http, dsm_url)
    with pytest.raises(DsmOtpRequiredError) as required:
        await client.login(OTP_ACCOUNT)
    assert required.value.detail["types"] == [{"type": "otp"}]
    with pytest.raises(DsmInvalidOtpError):
        await client.login(OTP_ACCOUNT, "000000")
    session = await client.login(OTP_ACCOUNT, totp_code(otp_secret(fake_dsm)))
    assert session.device_token in fake_dsm.store.device_tokens
    assert client.credentials is not None
    assert client.credentials.device_token == session.device_token

    remembered = PasswordCredentials(
        OTP_USER, DEMO_PASSWORD, device_token=session.device_token
    )
    later = await DsmClient(http, dsm_url).login(remembered)
    assert later.device_token == session.device_token

    fake_dsm.store.revoke_device_tokens(OTP_USER)
    with pytest.raises(DsmOtpRequiredError):
        await DsmClient(http, dsm_url).login(remembered)


async def test_reused_code_is_refused(
    http: aiohttp.ClientSession, dsm_url: str, fake_dsm: FakeDsm
) -> None:
    """The same one-time code cannot sign in twice."""
    code = totp_code(otp_secret(fake_dsm))
    await DsmClient(http, dsm_url).login(OTP_ACCOUNT, code)
    with pytest.raises(DsmInvalidOtpError):
        await DsmClient(http, dsm_url).login(OTP_ACCOUNT, code)


async def test_expired_session_concurrent_calls_sign_in_once(
    client: DsmClient, fake_dsm: FakeDsm
) -> None:
    """Twenty calls that all meet an expired session cause exactly one re-login."""
    await DsmSystem(client).info()
    first = client.session
    fake_dsm.store.expire_sessions()
    results = await asyncio.gather(*(DsmSystem(client).info() for _ in range(20)))
    assert {info.serial for info in results} == {DEMO_SERIAL}
    assert logins(fake_dsm) == 2
    assert client.session is not first


async def test_expired_session_without_credentials(
    http: aiohttp.ClientSession, dsm_url: str
) -> None:
    """A client given no credentials cannot renew a session and says so."""
    with pytest.raises(DsmSessionExpiredError):
        await DsmClient(http, dsm_url).call(NAS_INFO)


async def test_session_needs_synotoken(client: DsmClient, fake_dsm: FakeDsm) -> None:
    """The client sends X-SYNO-TOKEN: the simulator refuses cookie-less calls without it."""
    await DsmSystem(client).info()
    assert client.session is not None
    session = fake_dsm.store.sessions[client.session.sid]
    assert session.synotoken == client.session.synotoken


async def test_logout_ends_the_session(client: DsmClient, fake_dsm: FakeDsm) -> None:
    """Logout forgets the session on both sides; a second logout is a no-op."""
    await DsmSystem(client).info()
    assert client.session is not None
    sid = client.session.sid
    await client.logout()
    assert sid not in fake_dsm.store.sessions
    assert client.session is None
    await client.logout()


async def test_logout_of_a_forgotten_session(
    client: DsmClient, fake_dsm: FakeDsm
) -> None:
    """DSM may already have dropped the session; logout still succeeds."""
    await DsmSystem(client).info()
    fake_dsm.store.expire_sessions()
    await client.logout()
    assert client.session is None


async def test_compound_hands_each_item_its_result(
    client: DsmClient, fake_dsm: FakeDsm
) -> None:
    """One HTTP request; the failing item gets its own typed error."""
    fake_dsm.faults.fail_api("SYNO.DSM.Info", "getinfo", 105)
    await client.apis()
    fake_dsm.reset_request_log()
    results = await client.compound(
        [
            Call(NAS_INFO),
            Call(NAS_INFO),
            Call(Endpoint("SYNO.API.Info", "query"), {"query": "SYNO.API.Auth"}),
        ]
    )
    assert isinstance(results[0].error, DsmPermissionError)
    with pytest.raises(DsmPermissionError):
        results[0].unwrap()
    assert results[1].unwrap()["serial"] == DEMO_SERIAL
    assert set(results[2].unwrap()) == {"SYNO.API.Auth"}
    compound_requests = [r for r in fake_dsm.requests if r.api == "SYNO.Entry.Request"]
    assert len(compound_requests) == 1
    assert len(compound_requests[0].compound) == 3


async def test_compound_stop_when_error(client: DsmClient, fake_dsm: FakeDsm) -> None:
    """Items after the first failure report that they were not run."""
    fake_dsm.faults.fail_api("SYNO.DSM.Info", "getinfo", 120)
    results = await client.compound(
        [Call(NAS_INFO), Call(NAS_INFO)], stop_when_error=True
    )
    assert isinstance(results[0].error, DsmInvalidParameterError)
    assert isinstance(results[1].error, DsmApiError)
    assert results[1].error.code == 112


async def test_compound_recovers_an_expired_session(
    client: DsmClient, fake_dsm: FakeDsm
) -> None:
    """A compound request meeting an expired session signs in again and is resent."""
    await DsmSystem(client).info()
    fake_dsm.store.expire_sessions()
    results = await client.compound([Call(NAS_INFO)])
    assert results[0].unwrap()["serial"] == DEMO_SERIAL
    assert logins(fake_dsm) == 2


async def test_http_5xx(client: DsmClient, fake_dsm: FakeDsm) -> None:
    """A 502 from a reverse proxy is a typed HTTP error."""
    fake_dsm.faults.fail_http(502)
    with pytest.raises(DsmHttpError) as err:
        await client.apis()
    assert err.value.status == 502


async def test_request_too_large(client: DsmClient, fake_dsm: FakeDsm) -> None:
    """A 413 means the request was too large, not that the NAS is unreachable."""
    fake_dsm.faults.fail_http(413)
    with pytest.raises(DsmRequestTooLargeError) as err:
        await client.apis()
    assert not isinstance(err.value, DsmConnectionError)


async def test_malformed_body(client: DsmClient, fake_dsm: FakeDsm) -> None:
    """A body that is not JSON is a typed response error, not a JSONDecodeError."""
    fake_dsm.faults.malformed()
    with pytest.raises(DsmResponseError):
        await client.apis()


async def test_connection_reset(client: DsmClient, fake_dsm: FakeDsm) -> None:
    """A dropped connection is a typed connection error."""
    fake_dsm.faults.reset(2)  # aiohttp retries a GET once on a dropped connection
    with pytest.raises(DsmConnectionError):
        await client.apis()


async def test_timeout(
    http: aiohttp.ClientSession, dsm_url: str, fake_dsm: FakeDsm
) -> None:
    """A NAS slower than the request timeout is a typed timeout."""
    fake_dsm.faults.latency = 0.5
    with pytest.raises(DsmTimeoutError):
        await DsmClient(http, dsm_url, timeout=0.1).apis()


class _NoSuchHost(aiohttp.abc.AbstractResolver):
    """A DNS that knows no name, as for a mistyped host (tests may not resolve)."""

    async def resolve(self, host: str, port: int = 0, family: int = 0) -> Any:
        raise OSError(socket.EAI_NONAME, f"{host}: Name or service not known")

    async def close(self) -> None:
        """Nothing to close."""


async def test_unreachable(socket_enabled: None) -> None:
    """A refused port and an unknown host name are told apart, and name the address."""
    connector = aiohttp.TCPConnector(resolver=_NoSuchHost())
    async with aiohttp.ClientSession(connector=connector) as http:
        with pytest.raises(DsmConnectionRefusedError, match=re.escape("127.0.0.1:9")):
            await DsmClient(http, "http://127.0.0.1:9").apis()
        with pytest.raises(DsmHostNotFoundError, match=re.escape("nas.invalid")):
            await DsmClient(http, "http://nas.invalid:5000").apis()


async def test_long_answers_decode_off_the_loop(
    client: DsmClient, fake_dsm: FakeDsm, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An answer over the size limit decodes in a worker thread, with the same result."""
    info = await DsmSystem(client).info()
    monkeypatch.setattr(client_module, "OFF_LOOP_BODY_BYTES", 0)
    decoded: list[str] = []
    unwrap = client_module._unwrap_envelope

    def in_worker(body: bytes, api: str, method: str, **options: bool) -> Any:
        decoded.append(threading.current_thread().name)
        assert options == {"in_worker": True}
        return unwrap(body, api, method, **options)

    monkeypatch.setattr(client_module, "_unwrap_envelope", in_worker)
    assert await DsmSystem(client).info() == info
    assert decoded
    assert threading.main_thread().name not in decoded
    fake_dsm.faults.fail_api("SYNO.DSM.Info", "getinfo", 105)
    with pytest.raises(DsmPermissionError):
        await DsmSystem(client).info()


async def test_rate_limited(client: DsmClient, fake_dsm: FakeDsm) -> None:
    """DSM's 411 on an app API is a rate-limit error."""
    await DsmSystem(client).info()
    fake_dsm.faults.rate_limit()
    with pytest.raises(DsmRateLimitError):
        await DsmSystem(client).info()


@pytest.mark.parametrize(
    ("envelope", "match"),
    [
        (b"[]", "without a DSM envelope"),
        (b'{"success": false}', "without an error code"),
        (
            b'{"success": true, "data": {"SYNO.X": {"path": 1}}}',
            r"data\.SYNO\.X\.path is an integer",
        ),
        (b'{"success": true, "data": []}', "data is a list, not an object"),
    ],
)
async def test_envelope_shapes(
    http: aiohttp.ClientSession,
    socket_enabled: None,
    envelope: bytes,
    match: str,
) -> None:
    """Bodies that are JSON but not DSM's envelope are typed response errors."""
    app = web.Application()

    async def answer(_: web.Request) -> web.Response:
        return web.Response(body=envelope, content_type="application/json")

    app.router.add_post("/webapi/query.cgi", answer)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        with pytest.raises(DsmResponseError, match=match):
            await DsmClient(http, f"http://127.0.0.1:{port}").apis()
    finally:
        await runner.cleanup()


def test_error_codes_by_namespace() -> None:
    """Codes from 400 up are read together with the API that returned them."""
    assert isinstance(error_from_code(400, "SYNO.API.Auth", "login"), DsmAuthError)
    assert type(error_from_code(400, "SYNO.Cal.Event", "get")) is DsmApiError
    assert (
        type(error_from_code(411, "SYNO.API.Auth", "login")) is DsmAccountUnusableError
    )
    register_error_codes("SYNO.Test.", {404: (DsmNotFoundError, "no such thing")})
    register_error_codes("SYNO.Test.Deep", {409: (DsmApiError, "deeper")})
    err = error_from_code(404, "SYNO.Test.Deep", "get")
    assert isinstance(err, DsmNotFoundError)
    assert str(err) == "SYNO.Test.Deep.get failed with DSM error 404: no such thing"
    assert (
        str(error_from_code(999, "SYNO.X", "y")) == "SYNO.X.y failed with DSM error 999"
    )


async def test_no_secret_in_logs(
    http: aiohttp.ClientSession,
    dsm_url: str,
    fake_dsm: FakeDsm,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Debug logs of a full sign-in, re-login and logout hold no secret."""
    caplog.set_level(logging.DEBUG)
    client = DsmClient(http, dsm_url)
    session = await client.login(OTP_ACCOUNT, totp_code(otp_secret(fake_dsm)))
    fake_dsm.store.expire_sessions()
    renewed_info = await DsmSystem(client).info()
    assert renewed_info.serial == DEMO_SERIAL
    renewed = client.session
    assert renewed is not None
    await client.logout()
    for secret in (
        DEMO_PASSWORD,
        session.sid,
        session.synotoken,
        session.device_token,
        renewed.sid,
        renewed.synotoken,
    ):
        assert secret
        assert secret not in client_log_text(caplog)
        assert secret not in repr(session)


async def test_answers_over_the_cap_are_not_read(
    client: DsmClient, fake_dsm: FakeDsm, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An answer larger than the cap, announced or streamed, is refused; so is a file.

    The next answer within the cap is read as usual.
    """
    await client.call(NAS_INFO)
    monkeypatch.setattr(client_module, "MAX_RESPONSE_BYTES", 64)
    with pytest.raises(DsmResponseError, match="more than"):
        await client.call(NAS_INFO)  # a JSON answer with its length
    calendar = SynoCalendarApi(client)
    with pytest.raises(DsmResponseError, match="more than"):
        await calendar.export_ics(f"/{DEMO_USER}/home/")
    monkeypatch.setattr(client_module, "MAX_RESPONSE_BYTES", 32 * 1024 * 1024)
    fake_dsm.faults.oversize(40 * 1024 * 1024)
    with pytest.raises(DsmResponseError, match="more than 32 MiB"):
        await client.call(NAS_INFO)  # streamed without a length
    assert (await DsmSystem(client).info()).serial
