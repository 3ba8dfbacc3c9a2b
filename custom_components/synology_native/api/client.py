"""The DSM web API client: discovery, encoding, error mapping, sessions, compound calls."""

import asyncio
import contextlib
from dataclasses import dataclass, field, replace
from functools import partial
from http import HTTPStatus
import json
import logging
from typing import TYPE_CHECKING, Any, BinaryIO

import aiohttp

from .auth import (
    CURRENT_USER,
    DEVICE_TOKEN_LOGIN,
    LOGIN,
    LOGOUT,
    SESSION_NAME,
    SSO_AUTH_URL_PATH,
    SSO_AUTH_URL_QUERY,
    SSO_LOGIN,
    DsmSession,
    PasswordCredentials,
    SsoSignIn,
    account_of,
    issued_device_token,
    login_params,
    session_from_login,
    session_of,
    sso_authorization_url,
    sso_login_params,
    sso_second_factor_params,
    sso_sign_in,
)
from .errors import (
    DsmApiError,
    DsmApiNotInstalledError,
    DsmHttpError,
    DsmInvalidCredentialsError,
    DsmRequestTooLargeError,
    DsmResponseError,
    DsmSessionExpiredError,
    DsmSsoRefusedError,
    DsmSsoUnavailableError,
    DsmVersionUnsupportedError,
    error_from_code,
)
from .models import ApiInfo, Call, CallResult, Endpoint
from .shapes import ShapeRecorder
from .transport import transport_errors
from .typed import Fields

if TYPE_CHECKING:
    from collections.abc import (
        AsyncIterator,
        Awaitable,
        Callable,
        Iterator,
        Mapping,
        Sequence,
    )

_LOGGER = logging.getLogger(__name__)

INFO = Endpoint("SYNO.API.Info", "query")
COMPOUND = Endpoint("SYNO.Entry.Request", "request", min_version=1, max_version=2)

# The Info API is read from query.cgi before anything else is known (webapi.md §1).
# INFERRED: query.cgi takes a POST as entry.cgi does (every request is a POST); should a
# NAS refuse it, DSM 7 also serves SYNO.API.Info at entry.cgi.
BOOTSTRAP_PATH = "query.cgi"
DEFAULT_TIMEOUT = 30.0
# File bodies stream in chunks of this size, so memory does not grow with the file.
STREAM_CHUNK_SIZE = 256 * 1024
# The largest answer read into memory (a JSON envelope, a small file). Real answers stay
# far below; a NAS sending more is not believed, so its size never sizes our memory.
MAX_RESPONSE_BYTES = 32 * 1024 * 1024


def encode_value(value: Any, *, json_format: bool) -> str:
    r"""Encode one method parameter value for the wire (webapi.md §2.2).

    JSON-format APIs take every value as JSON text: encoding strings as JSON strings is
    the only unambiguous choice. Older APIs take raw strings, comma-separated lists with
    ``\\,`` and ``\\\\`` escaped, and ``true``/``false``.
    """
    if json_format:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ",".join(
            str(item).replace("\\", "\\\\").replace(",", "\\,") for item in value
        )
    return str(value)


class DsmClient:
    """Talks to one DSM over an injected aiohttp session.

    The client discovers which APIs the NAS offers once, picks per API the highest
    version both sides speak, signs in with password credentials, and signs in again
    once (and only once for many concurrent callers) when DSM says the session is gone.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        url: str,
        *,
        verify_ssl: bool = True,
        timeout: float = DEFAULT_TIMEOUT,
        credentials: PasswordCredentials | None = None,
    ) -> None:
        """Prepare a client for the DSM at url (scheme, host and port)."""
        self._http = session
        self.url = url.rstrip("/")
        # True keeps the session's own certificate checks; False turns them off.
        self._ssl = verify_ssl
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self.credentials = credentials
        self.session: DsmSession | None = None
        self._apis: dict[str, ApiInfo] | None = None
        self._discovery_lock = asyncio.Lock()
        self._login_lock = asyncio.Lock()
        # Off unless a self-check runs: the shape of every answer (never a value).
        self.shapes: ShapeRecorder | None = None
        # The other documented wire form a self-check saw this NAS speak, by the app
        # module's form name (e.g. calendar.TASK_ZONE_FORM); app modules read it.
        self.forms: dict[str, str] = {}

    @contextlib.contextmanager
    def recording(self) -> Iterator[ShapeRecorder]:
        """Record the shape of every answer while the block runs (see api.shapes)."""
        recorder = ShapeRecorder()
        previous, self.shapes = self.shapes, recorder
        try:
            yield recorder
        finally:
            self.shapes = previous

    def _observe(
        self, endpoint: Endpoint, version: int, data: Any, error: DsmApiError | None
    ) -> None:
        """Hand one answer to the recorder, when one records."""
        if self.shapes is None:
            return
        if error is None:
            self.shapes.answer(endpoint.api, endpoint.method, version, data)
        else:
            self.shapes.error(endpoint.api, endpoint.method, version, error.code)

    # --- discovery -------------------------------------------------------------

    async def apis(self) -> Mapping[str, ApiInfo]:
        """Return what ``SYNO.API.Info`` reports, asking the NAS only the first time."""
        async with self._discovery_lock:
            if self._apis is None:
                info = ApiInfo(BOOTSTRAP_PATH, 1, 1, json_format=True)
                data = await self._send(info, INFO, 1, {"query": "ALL"}, None)
                self._apis = _parse_api_info(data)
            return self._apis

    async def has_api(self, api: str) -> bool:
        """Tell whether this NAS offers the API."""
        return api in await self.apis()

    async def _resolve(self, endpoint: Endpoint) -> tuple[ApiInfo, int]:
        """Pick the highest version of endpoint that both the NAS and we speak."""
        info = (await self.apis()).get(endpoint.api)
        if info is None:
            raise DsmApiNotInstalledError(endpoint.api)
        version = min(info.max_version, endpoint.max_version)
        if version < max(info.min_version, endpoint.min_version):
            raise DsmVersionUnsupportedError(
                endpoint.api,
                (info.min_version, info.max_version),
                (endpoint.min_version, endpoint.max_version),
            )
        return info, version

    # --- sign-in ---------------------------------------------------------------

    async def login(
        self, credentials: PasswordCredentials, otp_code: str | None = None
    ) -> DsmSession:
        """Sign in with a password (and a one-time code or a stored device token).

        On success the credentials are kept for later re-logins, with the device
        token this sign-in produced.
        """
        async with self._login_lock:
            return await self._login(credentials, otp_code)

    async def _login(
        self, credentials: PasswordCredentials, otp_code: str | None
    ) -> DsmSession:
        # The login that asks for a device token goes out at v6 (auth.md §2).
        endpoint = LOGIN if otp_code is None else DEVICE_TOKEN_LOGIN
        data = await self.call_without_session(
            endpoint, login_params(credentials, otp_code)
        )
        self.session = session_from_login(data, credentials, otp_code)
        self.credentials = PasswordCredentials(
            account=credentials.account,
            password=credentials.password,
            device_token=self.session.device_token,
            device_name=credentials.device_name,
        )
        _LOGGER.debug("Signed in to %s as %s", self.url, credentials.account)
        return self.session

    async def start_sso(self) -> SsoSignIn:
        """Ask DSM for its OpenID Connect authorization URL (auth.md §8.1, steps 1-2).

        Raises DsmSsoUnavailableError when DSM answers without one (SSO Client off).
        """
        url = f"{self.url}{SSO_AUTH_URL_PATH}"
        with transport_errors(self.url):
            async with self._http.get(
                url, params=SSO_AUTH_URL_QUERY, ssl=self._ssl, timeout=self._timeout
            ) as response:
                status = response.status
                body = await response.read()
        if status != 200:  # noqa: PLR2004
            raise DsmHttpError(status)
        try:
            answer = json.loads(body)
        except ValueError:  # DSM's web UI page rather than an answer
            answer = None
        if not isinstance(answer, dict) or answer.get("success") is not True:
            msg = f"{self.url} offers no OpenID Connect sign-in"
            raise DsmSsoUnavailableError(msg)
        return sso_sign_in(sso_authorization_url(answer))

    async def login_sso(
        self, sign_in: SsoSignIn, code: str, device_token: str | None = None
    ) -> DsmSession:
        """Sign in with the identity provider's code; DSM redeems it (auth.md §8.1).

        A stored device token is presented so a 2-step account needs no code; without
        one DSM raises DsmOtpRequiredError, whose detail continues the sign-in (see
        login_sso_second_factor). The session cannot be renewed without the user.
        """
        async with self._login_lock:
            try:
                data = await self.call_without_session(
                    SSO_LOGIN, sso_login_params(code, sign_in.state, device_token)
                )
            except DsmInvalidCredentialsError as err:
                msg = f"{self.url} refused the sign-in code"
                raise DsmSsoRefusedError(msg) from err
            return await self._open_sso_session(data, device_token)

    async def login_sso_second_factor(self, token: str, otp_code: str) -> DsmSession:
        """Finish an SSO sign-in DSM answered 403, with a one-time code.

        It asks for a device token, so it goes out at v6 (auth.md §2). A token DSM no
        longer knows (expired, or used) raises DsmSsoRefusedError.
        """
        async with self._login_lock:
            try:
                data = await self.call_without_session(
                    DEVICE_TOKEN_LOGIN, sso_second_factor_params(token, otp_code)
                )
            except DsmInvalidCredentialsError as err:
                msg = f"{self.url} no longer continues this sign-in"
                raise DsmSsoRefusedError(msg) from err
            return await self._open_sso_session(data, issued_device_token(data))

    async def _open_sso_session(
        self, data: Any, device_token: str | None
    ) -> DsmSession:
        """Keep the new session, and learn from DSM whose it is."""
        session = session_of(data, "", device_token)
        info, version = await self._resolve(CURRENT_USER)
        account = account_of(await self._send(info, CURRENT_USER, version, {}, session))
        self.use_session(replace(session, account=account))
        assert self.session is not None  # noqa: S101 - use_session sets it
        _LOGGER.debug("Signed in to %s as %s through SSO", self.url, account)
        return self.session

    def use_session(self, session: DsmSession) -> None:
        """Continue a session that was not opened with a password (SSO sign-in).

        Without password credentials the client cannot renew it: once DSM ends it,
        calls raise DsmSessionExpiredError.
        """
        self.session = session
        self.credentials = None

    async def logout(self) -> None:
        """End the session; a session DSM already forgot counts as ended."""
        session, self.session = self.session, None
        if session is None:
            return
        info, version = await self._resolve(LOGOUT)
        with contextlib.suppress(DsmSessionExpiredError):
            await self._send(info, LOGOUT, version, {"session": SESSION_NAME}, session)

    async def _current_session(self) -> DsmSession:
        if self.session is None:
            await self._renew_session(None)
        assert self.session is not None  # noqa: S101 - _renew_session sets it or raises
        return self.session

    async def _renew_session(self, stale: DsmSession | None) -> None:
        """Sign in again unless another caller already replaced the stale session."""
        async with self._login_lock:
            if self.session is not stale and self.session is not None:
                return
            if self.credentials is None:
                raise DsmSessionExpiredError(119, LOGIN.api, LOGIN.method)
            await self._login(self.credentials, None)

    async def _with_session[T](self, send: Callable[[DsmSession], Awaitable[T]]) -> T:
        """Run send with the current session; on 106/107/119 sign in again and retry once."""
        session = await self._current_session()
        try:
            return await send(session)
        except DsmSessionExpiredError:
            _LOGGER.debug("DSM session ended, signing in again")
            await self._renew_session(session)
            return await send(await self._current_session())

    # --- calls -----------------------------------------------------------------

    async def call(
        self,
        endpoint: Endpoint,
        params: Mapping[str, Any] | None = None,
        *,
        json_format: bool | None = None,
    ) -> Any:
        """Call one method in the signed-in session and return its ``data``.

        json_format, when given, encodes the parameters that way instead of as the
        NAS's ``requestFormat`` says (the generic action encodes as the spec says).
        """
        info, version = await self._resolve(endpoint)
        if json_format is not None:
            info = replace(info, json_format=json_format)
        return await self._with_session(
            lambda session: self._send(info, endpoint, version, params or {}, session)
        )

    async def call_without_session(
        self, endpoint: Endpoint, params: Mapping[str, Any] | None = None
    ) -> Any:
        """Call a method that needs no session.

        Sign-in methods, and the APIs of bots and webhooks (authLevel 0), whose token
        is one of the parameters.
        """
        info, version = await self._resolve(endpoint)
        return await self._send(info, endpoint, version, params or {}, None)

    async def upload(
        self,
        endpoint: Endpoint,
        params: Mapping[str, Any],
        *,
        file_name: str,
        content: bytes | BinaryIO,
        content_type: str = "application/octet-stream",
    ) -> Any:
        """Call a method with a multipart body carrying one file part named ``file``.

        Every parameter, the session included, goes in the body (see _multipart). An
        open binary file streams in
        chunks from where it stands (read again from there if the session must be
        renewed), so memory does not grow with its size.
        """
        info, version = await self._resolve(endpoint)
        upload = _Upload(file_name, content, content_type)
        start = None if isinstance(content, bytes) else content.tell()

        async def send(session: DsmSession) -> Any:
            if start is not None and not isinstance(content, bytes):
                content.seek(start)
            return await self._send(
                info, endpoint, version, params, session, upload=upload
            )

        return await self._with_session(send)

    @contextlib.asynccontextmanager
    async def stream(
        self, endpoint: Endpoint, params: Mapping[str, Any]
    ) -> AsyncIterator[AsyncIterator[bytes]]:
        """Call a method that answers with a file, and give its body chunk by chunk.

        DSM answers a refused download with its usual JSON envelope instead of the
        file; that raises the typed error before anything is given. Only the time
        between two chunks is limited, not the whole transfer.
        """
        info, version = await self._resolve(endpoint)
        response = await self._with_session(
            lambda session: self._open_download(
                info, endpoint, version, params, session
            )
        )
        try:
            yield _chunks(response, self.url)
        finally:
            response.release()

    async def _open_download(
        self,
        info: ApiInfo,
        endpoint: Endpoint,
        version: int,
        params: Mapping[str, Any],
        session: DsmSession,
    ) -> aiohttp.ClientResponse:
        form, headers, url = self._routing(info, endpoint, version, session)
        form.update(_encoded(params, info))
        with transport_errors(self.url):
            response = await self._http.post(
                url,
                data=form,
                headers=headers,
                ssl=self._ssl,
                timeout=aiohttp.ClientTimeout(sock_read=self._timeout.total),
            )
            if response.status != 200:  # noqa: PLR2004 - DSM answers 200 for API errors too
                response.release()
                raise DsmHttpError(response.status)
            if response.content_type != "application/json":
                return response
            body = await _bounded_body(response, endpoint)
        _unwrap_envelope(body, endpoint.api, endpoint.method)
        msg = f"{endpoint.api}.{endpoint.method} answered with JSON instead of a file"
        raise DsmResponseError(msg)

    async def download(
        self, endpoint: Endpoint, params: Mapping[str, Any] | None = None
    ) -> bytes:
        """Call a method that answers with a small file, and return it whole.

        A failure still comes as an envelope and raises its typed error. Large files
        go through stream() instead.
        """
        async with self.stream(endpoint, params or {}) as chunks:
            return bytes(await _gathered(chunks, endpoint))

    async def compound(
        self, calls: Sequence[Call], *, stop_when_error: bool = False
    ) -> list[CallResult]:
        """Send several calls as one ``SYNO.Entry.Request`` HTTP request.

        Each call gets its own result or its own typed error; only a failure of the
        request as a whole (transport, session) is raised.
        """
        items = []
        versions = []
        for item in calls:
            _, version = await self._resolve(item.endpoint)
            versions.append(version)
            items.append(
                {
                    "api": item.endpoint.api,
                    "method": item.endpoint.method,
                    "version": version,
                    **item.params,
                }
            )
        info, version = await self._resolve(COMPOUND)
        params = {
            "compound": items,
            "stop_when_error": stop_when_error,
            "mode": "sequential",
        }
        data = await self._with_session(
            lambda session: self._send(info, COMPOUND, version, params, session)
        )
        results = _compound_results(calls, data)
        for result, version in zip(results, versions, strict=True):
            self._observe(result.call.endpoint, version, result.data, result.error)
        return results

    async def _send(
        self,
        info: ApiInfo,
        endpoint: Endpoint,
        version: int,
        params: Mapping[str, Any],
        session: DsmSession | None,
        *,
        upload: _Upload | None = None,
    ) -> Any:
        """Send one request as a POST and return the ``data`` of its envelope.

        Nothing goes in the URL: proxies and access logs keep URLs, and the session
        id, the SynoToken and sign-in secrets must not be kept anywhere.
        """
        form, headers, url = self._routing(info, endpoint, version, session)
        form.update(_encoded(params, info))
        payload: dict[str, str] | aiohttp.FormData = form
        timeout = self._timeout
        if upload is not None:
            payload = _multipart(form, upload)
            # A large file takes as long as it takes; only a stalled answer times out.
            timeout = aiohttp.ClientTimeout(sock_read=self._timeout.total)
        with transport_errors(self.url):
            async with self._http.post(
                url, data=payload, headers=headers, ssl=self._ssl, timeout=timeout
            ) as response:
                if response.status == HTTPStatus.REQUEST_ENTITY_TOO_LARGE:
                    raise DsmRequestTooLargeError
                if response.status != 200:  # noqa: PLR2004 - DSM answers 200 for API errors too
                    raise DsmHttpError(response.status)
                body = await _bounded_body(response, endpoint)
        try:
            if len(body) > OFF_LOOP_BODY_BYTES:
                # Thousands of to-dos or events take tens of milliseconds to decode.
                data = await asyncio.get_running_loop().run_in_executor(
                    None,
                    partial(
                        _unwrap_envelope,
                        body,
                        endpoint.api,
                        endpoint.method,
                        in_worker=True,
                    ),
                )
            else:
                data = _unwrap_envelope(body, endpoint.api, endpoint.method)
        except DsmApiError as err:
            self._observe(endpoint, version, None, err)
            raise
        if endpoint != COMPOUND:  # its items are recorded one by one
            self._observe(endpoint, version, data, None)
        return data

    def _routing(
        self,
        info: ApiInfo,
        endpoint: Endpoint,
        version: int,
        session: DsmSession | None,
    ) -> tuple[dict[str, str], dict[str, str], str]:
        """Return the routing parameters, headers and URL of one call."""
        form = {
            "api": endpoint.api,
            "version": str(version),
            "method": endpoint.method,
        }
        headers = {}
        if session is not None:
            form["_sid"] = session.sid
            if session.synotoken:
                headers["X-SYNO-TOKEN"] = session.synotoken
        return form, headers, f"{self.url}/webapi/{info.path}"


def _encoded(params: Mapping[str, Any], info: ApiInfo) -> dict[str, str]:
    return {
        name: encode_value(value, json_format=info.json_format)
        for name, value in params.items()
    }


def _too_large(endpoint: Endpoint) -> DsmResponseError:
    msg = (
        f"{endpoint.api}.{endpoint.method} answered with more than"
        f" {MAX_RESPONSE_BYTES // (1024 * 1024)} MiB; not read further"
    )
    return DsmResponseError(msg)


async def _bounded_body(
    response: aiohttp.ClientResponse, endpoint: Endpoint
) -> bytearray:
    """Read an answer whole, refusing one over MAX_RESPONSE_BYTES as soon as it is."""
    if (response.content_length or 0) > MAX_RESPONSE_BYTES:
        raise _too_large(endpoint)
    return await _gathered(response.content.iter_chunked(STREAM_CHUNK_SIZE), endpoint)


async def _gathered(chunks: AsyncIterator[bytes], endpoint: Endpoint) -> bytearray:
    """Join chunks, refusing more than MAX_RESPONSE_BYTES as soon as there is."""
    body = bytearray()
    async for chunk in chunks:
        body += chunk
        if len(body) > MAX_RESPONSE_BYTES:
            raise _too_large(endpoint)
    return body


async def _chunks(response: aiohttp.ClientResponse, url: str) -> AsyncIterator[bytes]:
    """Give a streamed body; a connection that breaks midway raises the client's error."""
    with transport_errors(url):
        async for chunk in response.content.iter_chunked(STREAM_CHUNK_SIZE):
            yield chunk


def _multipart(form: Mapping[str, str], upload: _Upload) -> aiohttp.FormData:
    """Build an upload's body: every field, then the file part named ``file``.

    INFERRED: webapi.md §2.1 shows clients putting the routing fields and ``_sid`` in
    an upload's query string; one public API reference for a NAS
    (pmilano1/synology-activebackup-api, docs/api-reference/filestation/
    upload-download.md) posts them all as multipart fields instead. They go in the
    body, so no secret is in the URL; a capture showing DSM ignore them there changes
    this function only.
    """
    payload = aiohttp.FormData(dict(form))
    payload.add_field(
        "file",
        upload.content,
        filename=upload.file_name,
        content_type=upload.content_type,
    )
    return payload


@dataclass(frozen=True, slots=True)
class _Upload:
    """The file part of a multipart request: bytes, or an open file read in chunks."""

    file_name: str
    content: bytes | BinaryIO = field(repr=False)
    content_type: str


# Answers longer than this are decoded off the event loop: 64 KiB take about 0.5 ms
# to decode here (a Raspberry Pi is several times slower), handing over about 0.1 ms.
OFF_LOOP_BODY_BYTES = 64 * 1024


def _unwrap_envelope(
    body: bytes | bytearray, api: str, method: str, *, in_worker: bool = False
) -> Any:
    """Return ``data`` of a DSM envelope, or raise the typed error it carries.

    in_worker: decoded in a worker thread, which then hands the GIL over as it goes.
    """
    try:
        envelope = json.loads(body, object_hook=_handing_over if in_worker else None)
    except ValueError as err:
        msg = f"{api}.{method} answered with a body that is not JSON"
        raise DsmResponseError(msg) from err
    return _outcome(envelope, api, method)


def _handing_over(obj: dict[str, Any]) -> dict[str, Any]:
    """Return obj: a Python call per JSON object lets a worker hand the GIL over.

    Otherwise json's C decoder holds the GIL for a whole body, and decoding megabytes
    in a worker stalls the event loop just as long (25 ms for 10,000 to-dos here).
    """
    return obj


def _outcome(envelope: Any, api: str, method: str) -> Any:
    """Read ``{"success", "data" | "error"}`` (webapi.md §3.1)."""
    if not isinstance(envelope, dict) or not isinstance(envelope.get("success"), bool):
        msg = f"{api}.{method} answered without a DSM envelope"
        raise DsmResponseError(msg)
    if envelope["success"]:
        return envelope.get("data")
    error = envelope.get("error")
    if not isinstance(error, dict) or not isinstance(error.get("code"), int):
        msg = f"{api}.{method} failed without an error code"
        raise DsmResponseError(msg)
    raise error_from_code(error["code"], api, method, error.get("errors"))


def _parse_api_info(data: Any) -> dict[str, ApiInfo]:
    """Parse the ``SYNO.API.Info query`` answer (webapi.md §3.2)."""
    answer = Fields.of(data, INFO)
    entries = {name: answer.object(name) for name in answer}
    return {
        name: ApiInfo(
            path=entry.field("path", str),
            min_version=entry.field("minVersion", int),
            max_version=entry.field("maxVersion", int),
            json_format=entry.optional("requestFormat", str, "") == "JSON",
        )
        for name, entry in entries.items()
    }


def _compound_results(calls: Sequence[Call], data: Any) -> list[CallResult]:
    """Hand each call its own item of a compound answer (webapi.md §6).

    INFERRED: with ``stop_when_error`` DSM may omit the items after the first failure;
    those calls get error 112 ("stopped after an earlier error").
    """
    results = data.get("result") if isinstance(data, dict) else None
    if not isinstance(results, list) or len(results) > len(calls):
        msg = "SYNO.Entry.Request answered without a matching result list"
        raise DsmResponseError(msg)
    outcomes = []
    for index, item in enumerate(calls):
        api, method = item.endpoint.api, item.endpoint.method
        if index >= len(results):
            outcomes.append(CallResult(item, error=error_from_code(112, api, method)))
            continue
        try:
            outcomes.append(
                CallResult(item, data=_outcome(results[index], api, method))
            )
        except DsmApiError as err:
            outcomes.append(CallResult(item, error=err))
    return outcomes
