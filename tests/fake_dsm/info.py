"""What the NAS says about itself: SYNO.API.Info (its API catalog) and SYNO.DSM.Info (identity)."""

import re
import time
from typing import Any

from .store import DsmStore
from .webapi import CallContext, handler, require


@handler("SYNO.API.Info", "query")
async def query(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Info entries for `query`: `ALL` (any case), or a comma list where `NAME.` is a prefix.

    Names that are not installed are simply absent (webapi.md §3.2).
    """
    wanted = require(params, "query", str)
    catalog = ctx.webapi.catalog
    if wanted.strip().upper() == "ALL":
        return {name: entry.info() for name, entry in catalog.items()}
    patterns = [pattern.strip() for pattern in wanted.split(",") if pattern.strip()]
    return {
        name: entry.info()
        for name, entry in catalog.items()
        if any(_matches(name, pattern) for pattern in patterns)
    }


def _matches(name: str, pattern: str) -> bool:
    return name.startswith(pattern) if pattern.endswith(".") else name == pattern


@handler("SYNO.DSM.Info", "getinfo")
async def getinfo(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Describe the NAS: model, serial, DSM version."""
    return dsm_info_data(ctx.store)


def dsm_info_data(store: DsmStore) -> dict[str, Any]:
    """Build the `data` of SYNO.DSM.Info `getinfo`.

    INFERRED: shape from the py-synologydsm-api library (its typed data and DSM 5/6 response
    fixtures); no DSM 7 capture. `version` is the build number in `version_string`, `ram` MB,
    `uptime` seconds, `temperature` °C.
    """
    now = store.clock()
    build = re.search(r"-(\d+)", store.dsm_version)
    return {
        "codepage": "enu",
        "model": store.model,
        "ram": 4096,
        "serial": store.serial,
        "temperature": 40,
        "temperature_warn": False,
        "time": time.ctime(now),
        "uptime": max(0, int(now - store.started_at)),
        "version": build.group(1) if build else "",
        "version_string": store.dsm_version,
    }


@handler("SYNO.Core.NormalUser", "get")
async def normal_user(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Describe the signed-in user.

    Not in the spec: a Home Assistant auth provider for DSM reads `username` and `fullname`
    of this call on real NASes (found by code search); the other keys are INFERRED.
    """
    assert ctx.session is not None
    user = ctx.session.user
    return {"email": "", "fullname": "", "username": user.name}
