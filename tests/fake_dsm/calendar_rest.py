"""Synology Calendar's REST facade (calendar.md §1.1): the same calls under /api/Calendar.

Each REST operation maps one-to-one onto an entry.cgi method (the spec's
`x-syno-method` / `x-syno-version`). GET and DELETE take JSON-encoded query parameters
(strings double-quoted), the others a JSON body; the session is the `id` cookie. The
answers are the entry.cgi envelopes, and an export is the raw `.ics` body.
"""

from collections.abc import Mapping
import json
from typing import Any

from aiohttp import web

from .calendar import CAL, EVT, TODO
from .webapi import (
    DsmError,
    FileBody,
    HttpCall,
    WebApi,
    compact_json,
    decode_params,
    succeeded,
)

REST_ROOT = "/api/Calendar/default/v1"

# (HTTP method, path under REST_ROOT) -> (API, method, version).
ROUTES: Mapping[tuple[str, str], tuple[str, str, int]] = {
    ("POST", "/login"): ("SYNO.API.Auth", "login", 6),
    ("POST", "/logout"): ("SYNO.API.Auth", "logout", 6),
    ("GET", "/timezone"): ("SYNO.Cal.Timezone", "list", 5),
    ("GET", "/setting"): ("SYNO.Cal.Setting", "get", 5),
    ("PUT", "/setting"): ("SYNO.Cal.Setting", "set", 5),
    ("GET", "/cal/list"): (CAL, "list", 5),
    ("GET", "/cal"): (CAL, "get", 5),
    ("POST", "/cal"): (CAL, "create", 5),
    ("PUT", "/cal"): (CAL, "set", 5),
    ("DELETE", "/cal"): (CAL, "delete", 5),
    ("GET", "/cal/export"): (CAL, "export", 1),
    ("POST", "/event/list"): (EVT, "list", 5),
    ("GET", "/event"): (EVT, "get", 5),
    ("POST", "/event"): (EVT, "create", 5),
    ("PUT", "/event"): (EVT, "set", 5),
    ("DELETE", "/event"): (EVT, "delete", 5),
    ("PUT", "/event/subevent"): (EVT, "subevent_set", 5),
    ("PUT", "/event/exdate"): (EVT, "set_exdate", 5),
    ("POST", "/task/list"): (TODO, "list", 5),
    ("GET", "/task"): (TODO, "get", 5),
    ("POST", "/task"): (TODO, "create", 5),
    ("PUT", "/task"): (TODO, "set", 5),
    ("DELETE", "/task"): (TODO, "delete", 5),
}


def add_rest_routes(router: web.UrlDispatcher, webapi: WebApi) -> None:
    """Serve every REST operation the simulator answers."""

    async def serve(request: web.Request) -> web.StreamResponse:
        api, method, version = ROUTES[
            (request.method, request.path.removeprefix(REST_ROOT))
        ]
        try:
            params = await _params(request)
            http = HttpCall(request, params)
            webapi.record(
                request, {"api": api, "method": method, "version": str(version)}
            )
            data = await webapi.call(http, api, method, version, params, encoded=False)
        except DsmError as err:
            body = {"error": err.error(), "success": False}
        else:
            if isinstance(data, FileBody):
                return web.Response(body=data.content, content_type=data.content_type)
            body = succeeded(data)
        return web.json_response(body, dumps=compact_json)

    for http_method, path in ROUTES:
        router.add_route(http_method, REST_ROOT + path, serve)


async def _params(request: web.Request) -> dict[str, Any]:
    """Query values JSON-decoded (DSM's double-quoted strings), then the JSON body."""
    params = decode_params(dict(request.query), json_format=True)
    if request.method in ("POST", "PUT") and request.can_read_body:
        try:
            body = json.loads(await request.read())
        except ValueError as err:
            raise DsmError(101) from err
        if not isinstance(body, dict):
            raise DsmError(101)
        params.update(body)
    return params
