"""The DSM web API dispatcher: CGI routes, parameters, envelope, sessions, compound requests.

Rules (webapi.md §1–§6, README resolutions 1–4): routing parameters are raw; method parameters of
`requestFormat: JSON` APIs are JSON texts with a raw-text fallback; the body wins over the query
string; failures are HTTP 200 with `{"error": {"code": N}, "success": false}`.
"""

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .catalog import ApiEntry
from .faults import Faults
from .store import DsmStore, Session

if TYPE_CHECKING:
    from .sso import SimulatedSsoServer
    from .webdav import WebDavSim

ROUTING_PARAMS = frozenset({"api", "version", "method", "_sid", "SynoToken"})
SESSION_COOKIE = "id"
SYNOTOKEN_HEADER = "X-SYNO-TOKEN"
NOTESTATION_ALIAS = "/notestation/webapi/entry.cgi"
CGI_PATHS = (
    "/webapi/query.cgi",
    "/webapi/entry.cgi",
    "/webapi/entry.cgi/{api}",
    "/webapi/auth.cgi",
    # Legacy paths DSM 7 still serves (webapi.md §1).
    "/webapi/encryption.cgi",
    "/webapi/otp.cgi",
    # Note Station's web UI posts to this package-local alias (notestation.md §1).
    NOTESTATION_ALIAS,
)

# INFERRED: the bootstrap and legacy CGIs answer only their own API (the DSM 6 layout that DSM 7
# still serves); entry.cgi serves every API whose Info path is entry.cgi. Others answer 102.
LEGACY_CGI_API = {
    "query.cgi": "SYNO.API.Info",
    "auth.cgi": "SYNO.API.Auth",
    "encryption.cgi": "SYNO.API.Encryption",
}

# Multipart bodies (file uploads) of any size: DSM's web server accepts large uploads, while
# other bodies keep aiohttp's 1 MiB limit (answered with HTTP 413, as a NAS does).
MAX_UPLOAD_BYTES = 1 << 40

# INFERRED: only the `errors.reason` "required" is seen on real NASes; the text for a parameter
# of the wrong JSON type is ours.
INVALID_PARAM_REASON = "invalid"


class DsmError(Exception):
    """A DSM API failure, answered as `{"error": {"code", "errors"?}, "success": false}`."""

    def __init__(self, code: int, errors: Any = None) -> None:
        """Fail with DSM error `code` and optional `errors` detail."""
        super().__init__(code)
        self.code = code
        self.errors = errors

    def error(self) -> dict[str, Any]:
        """Return the `error` member of the envelope."""
        error: dict[str, Any] = {"code": self.code}
        if self.errors is not None:
            error["errors"] = self.errors
        return error


@dataclass(frozen=True)
class FileBody:
    """A handler's answer that is a file, sent as the raw body instead of an envelope."""

    content: bytes
    content_type: str


class NotSimulatedError(Exception):
    """A cataloged method without a handler: answered with HTTP 501 (tests must never hit it)."""

    def __init__(self, api: str, method: str) -> None:
        """Name the method a real NAS would run."""
        super().__init__(f"not simulated: {api}.{method}")


@dataclass(frozen=True)
class RecordedRequest:
    """One HTTP request that reached a CGI (requests eaten by a transport fault are not here)."""

    path: str
    http_method: str  # GET or POST
    api: str | None
    method: str | None
    version: str | None
    params: dict[str, str]  # merged query and body text values, as sent
    compound: tuple[tuple[str, str], ...] = ()  # (api, method) of each compound item


@dataclass
class HttpCall:
    """The HTTP request being answered; shared by all items of a compound request."""

    request: web.Request
    params: dict[str, Any]
    cookies_to_set: dict[str, str] = field(default_factory=dict)

    @property
    def presented_sid(self) -> str | None:
        """Return the session id: `_sid` parameter, else the `id` cookie (resolution 4)."""
        return self.params.get("_sid") or self.request.cookies.get(SESSION_COOKIE)

    @property
    def presented_synotoken(self) -> str | None:
        """Return the SynoToken from the header or query string; a body value does not count."""
        return self.request.headers.get(SYNOTOKEN_HEADER) or self.request.query.get(
            "SynoToken"
        )


@dataclass
class CallContext:
    """What a handler gets besides its parameters."""

    webapi: WebApi
    http: HttpCall
    api: str
    method: str
    version: int
    session: Session | None  # the checked session; None for APIs that need none

    @property
    def store(self) -> DsmStore:
        """Return the NAS state."""
        return self.webapi.store


Handler = Callable[[CallContext, dict[str, Any]], Awaitable[Any]]
_HANDLERS: dict[tuple[str, str], Handler] = {}


def handler(api: str, method: str) -> Callable[[Handler], Handler]:
    """Register the handler of `api`.`method` (all versions; it may read `ctx.version`).

    It returns the response `data` (None for a void method) or raises DsmError.
    """

    def register(func: Handler) -> Handler:
        if (api, method) in _HANDLERS:
            raise ValueError(f"two handlers for {api}.{method}")
        _HANDLERS[(api, method)] = func
        return func

    return register


def require[T](
    params: Mapping[str, Any], name: str, kind: type[T], *, missing: int = 114
) -> T:
    """Return parameter `name`, which must be a `kind`.

    Absent: DsmError `missing` (114 by default; with 120 the detail names the parameter as
    DSM does). Wrong type: 120.
    """
    if name not in params:
        detail = {"name": name, "reason": "required"} if missing == 120 else None
        raise DsmError(missing, detail)
    return _typed(params, name, kind)


def optional[T](params: Mapping[str, Any], name: str, kind: type[T], default: T) -> T:
    """Return parameter `name` if present (120 when it is not a `kind`), else `default`."""
    return _typed(params, name, kind) if name in params else default


def _typed[T](params: Mapping[str, Any], name: str, kind: type[T]) -> T:
    value = params[name]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise DsmError(120, {"name": name, "reason": INVALID_PARAM_REASON})
    return value


def decode_params(raw: Mapping[str, Any], *, json_format: bool) -> dict[str, Any]:
    """Return the method parameters as a handler sees them (webapi.md §2.2, resolution 1).

    Routing parameters are dropped. For `requestFormat: JSON` APIs each text value is parsed as
    JSON, falling back to the raw text; other APIs get raw text. Uploaded files pass through.
    """
    params: dict[str, Any] = {}
    for name, value in raw.items():
        if name in ROUTING_PARAMS:
            continue
        params[name] = (
            _json_or_text(value) if json_format and isinstance(value, str) else value
        )
    return params


def _json_or_text(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value


def _is_name(value: Any) -> bool:
    return isinstance(value, str) and bool(value)


def _version_number(value: Any) -> int | None:
    """Return the requested version as a number; None when it is not one (answered 104)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdecimal():
        return int(value)
    return None


def _served_at(entry: ApiEntry, cgi: str) -> bool:
    legacy_api = LEGACY_CGI_API.get(cgi)
    return entry.name == legacy_api if legacy_api else entry.path == cgi


class WebApi:
    """Serves the CGI endpoints of one simulated NAS."""

    def __init__(
        self,
        store: DsmStore,
        faults: Faults,
        catalog: dict[str, ApiEntry],
        request_log: list[RecordedRequest],
    ) -> None:
        """Dispatch against `catalog`, recording every request in `request_log`."""
        self.store = store
        self.faults = faults
        self.catalog = catalog
        self.request_log = request_log
        self.sso: SimulatedSsoServer  # set by FakeDsm
        self.webdav: WebDavSim  # set by FakeDsm
        # Handlers of APIs whose name a test chooses (the WebDAV package), before _HANDLERS.
        self.handlers: dict[tuple[str, str], Handler] = {}

    def add_routes(self, router: web.UrlDispatcher) -> None:
        """Route GET and POST of every CGI path to the dispatcher."""
        for path in CGI_PATHS:
            router.add_get(path, self.serve, allow_head=False)
            router.add_post(path, self.serve)

    async def serve(self, request: web.Request) -> web.StreamResponse:
        """Answer one HTTP request to a CGI."""
        cgi = request.path.partition("/webapi/")[2].split("/", 1)[0]
        try:
            form = await _form_params(request)
        except ConnectionResetError:
            # The client left before its body arrived (a cancelled read): a web
            # server drops the request quietly, with nothing to answer or log.
            return web.Response(status=400, text="client closed the request")
        http = HttpCall(request, {**request.query, **(form or {})})
        self.record(request, http.params)
        try:
            data = await self._run_request(http, cgi, empty_post=form is None)
            if isinstance(data, FileBody):
                return web.Response(body=data.content, content_type=data.content_type)
            if isinstance(data, web.StreamResponse):
                return data  # a file streamed from disk (Drive downloads)
            body = succeeded(data)
        except DsmError as err:
            body = {"error": err.error(), "success": False}
        except NotSimulatedError as err:
            return web.Response(status=501, text=str(err))
        response = web.json_response(body, dumps=compact_json)
        for name, value in http.cookies_to_set.items():
            response.set_cookie(name, value, path="/")
        return response

    async def _run_request(self, http: HttpCall, cgi: str, *, empty_post: bool) -> Any:
        """Run the call an HTTP request carries; return its `data`."""
        if empty_post:
            # DSM rejects an empty POST body even when the routing keys are in the URL.
            raise DsmError(101)
        params = http.params
        if http.request.path == NOTESTATION_ALIAS and not str(
            params.get("api")
        ).startswith("SYNO.NoteStation."):
            # INFERRED: the package-local path serves the package's own APIs only.
            raise DsmError(102)
        return await self.call(
            http,
            params.get("api"),
            params.get("method"),
            params.get("version"),
            params,
            cgi=cgi,
            encoded=True,
        )

    async def call(
        self,
        http: HttpCall,
        api: Any,
        method: Any,
        version: Any,
        params: Mapping[str, Any],
        *,
        cgi: str = "entry.cgi",
        encoded: bool,
    ) -> Any:
        """Run one API call: catalog checks, session check, faults, handler.

        `encoded` params are HTTP text values to decode; compound items carry native JSON values.
        Returns the response `data`; raises DsmError or NotSimulatedError.
        """
        if not (_is_name(api) and _is_name(method) and version not in (None, "")):
            raise DsmError(101)
        entry = self.catalog.get(api)
        if entry is None or not _served_at(entry, cgi):
            raise DsmError(102)
        number = _version_number(version)
        if number is None or not entry.min_version <= number <= entry.max_version:
            raise DsmError(104)
        if method not in entry.methods_in(number):
            raise DsmError(103)
        if encoded:
            params = decode_params(params, json_format=entry.json_format)
        else:
            params = {
                name: value
                for name, value in params.items()
                if name not in ROUTING_PARAMS
            }
        session = self._checked_session(http) if entry.needs_session else None
        if (fault_code := self.faults.api_fault(api, method)) is not None:
            raise DsmError(fault_code)
        if self.faults.broken_call(api, method, params):
            # The whole HTTP request fails, compound or not.
            raise web.HTTPInternalServerError(text="HTTP 500 (simulated fault)\n")
        run = self.handlers.get((api, method)) or _HANDLERS.get((api, method))
        if run is None:
            raise NotSimulatedError(api, method)
        return await run(CallContext(self, http, api, method, number, session), params)

    def _checked_session(self, http: HttpCall) -> Session:
        """Return the caller's live session: 119 unknown, 106 timed out, 119 bad SynoToken."""
        sid = http.presented_sid
        session = self.store.sessions.get(sid) if sid else None
        if session is None:
            raise DsmError(119)
        now = self.store.clock()
        ttl = self.store.session_ttl
        if ttl is not None and now - session.last_used > ttl:
            session.expired = True
        if session.expired:
            raise DsmError(106)
        if (
            session.synotoken is not None
            and http.presented_synotoken != session.synotoken
        ):
            raise DsmError(119)
        session.last_used = now
        return session

    def record(self, request: web.Request, params: Mapping[str, Any]) -> None:
        """Log a request that reached the NAS (text parameters only)."""
        text = {name: value for name, value in params.items() if isinstance(value, str)}
        self.request_log.append(
            RecordedRequest(
                path=request.path,
                http_method=request.method,
                api=text.get("api"),
                method=text.get("method"),
                version=text.get("version"),
                params=text,
                compound=_compound_items(text)
                if text.get("api") == COMPOUND_API
                else (),
            )
        )


async def _form_params(request: web.Request) -> Mapping[str, Any] | None:
    """Return the POST body's fields ({} for GET); None for a POST with an empty body."""
    if request.method != "POST":
        return {}
    if request.content_type == "multipart/form-data":
        # File uploads (Drive) may be of any size; aiohttp spools their parts to disk.
        return await request.clone(client_max_size=MAX_UPLOAD_BYTES).post()
    if not await request.read():
        return None
    return await request.post()


def succeeded(data: Any) -> dict[str, Any]:
    """Wrap a handler's result: `data` is left out for a void method."""
    return {"success": True} if data is None else {"data": data, "success": True}


def compact_json(value: Any) -> str:
    """Serialize an answer as DSM does: no spaces."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


# --- SYNO.Entry.Request: compound requests (webapi.md §6) ---

COMPOUND_API = "SYNO.Entry.Request"


def _compound_items(params: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """Return (api, method) of each item of a compound request, for the request log."""
    items = _json_or_text(params.get("compound", ""))
    if not isinstance(items, list):
        return ()
    return tuple(
        (str(item.get("api")), str(item.get("method")))
        for item in items
        if isinstance(item, dict)
    )


def not_run_after_failure(item: Mapping[str, Any]) -> dict[str, Any]:
    """Report an item skipped because an earlier one failed under `stop_when_error`.

    INFERRED: DSM may instead omit such items; we report them, failed with 112 ("stop handling
    compound request"), so `result` always lines up with `compound`.
    """
    return {**_item_identity(item), "success": False, "error": {"code": 112}}


def _item_identity(item: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "api": item.get("api"),
        "method": item.get("method"),
        "version": item.get("version"),
    }


@handler(COMPOUND_API, "request")
async def compound_request(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Run each item like a standalone call, in order, with the caller's session.

    `mode` ("sequential" or "parallel") is accepted and not read: items always run in order.
    """
    items = require(params, "compound", list)
    if not all(isinstance(item, dict) for item in items):
        raise DsmError(120, {"name": "compound", "reason": INVALID_PARAM_REASON})
    stop_when_error = optional(params, "stop_when_error", bool, False)
    results: list[dict[str, Any]] = []
    has_fail = False
    for item in items:
        if has_fail and stop_when_error:
            results.append(not_run_after_failure(item))
            continue
        try:
            data = await ctx.webapi.call(
                ctx.http,
                item.get("api"),
                item.get("method"),
                item.get("version"),
                item,
                encoded=False,
            )
        except DsmError as err:
            has_fail = True
            results.append(
                {**_item_identity(item), "success": False, "error": err.error()}
            )
        else:
            results.append({**_item_identity(item), **succeeded(data)})
    return {"has_fail": has_fail, "result": results}
