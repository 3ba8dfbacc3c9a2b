"""SYNO.API.Auth: password, one-time code and device-token login; SSO sign-in; logout.

auth.md §2–§5 and §10; the `oidc` exchange of an SSO Server sign-in follows §8 (INFERRED).
"""

import time
from typing import Any

import pyotp

from .store import DsmStore, User, opaque_token
from .webapi import SESSION_COOKIE, CallContext, DsmError, handler, optional, require

AUTH_API = "SYNO.API.Auth"

# INFERRED (optional in the spec): after this many wrong passwords in a row the account is
# locked (411) for LOCKOUT_SECONDS; a successful login clears the count.
LOCKOUT_AFTER_FAILURES = 10
LOCKOUT_SECONDS = 30 * 60.0

# INFERRED: which code DSM answers when it does not turn an SSO sign-in into a session is
# unknown; 400 is its generic "not signed in" code.
SSO_REFUSED_CODE = 400

# INFERRED: DSM accepts a code from one 30-s step before or after the current one (clock skew).
OTP_WINDOW_STEPS = 1


def totp_code(secret: str, at: float | None = None) -> str:
    """Return the RFC 6238 code (30 s, 6 digits) of base32 `secret` at Unix time `at` or now."""
    return pyotp.TOTP(secret).at(int(time.time() if at is None else at))


@handler(AUTH_API, "login")
async def login(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Open a session after the checks, in this order.

    Lock (411), account and password (400), disabled (401), second factor (403/404), forced
    password change (410).

    `data.did` is always present: the device token when one is used or issued, else a fresh
    opaque value that is not a device token.
    """
    store = ctx.store
    account = require(params, "account", str)
    password = require(params, "passwd", str)
    now = store.clock()
    user = store.users.get(account)
    if user is not None and store.locked_until.get(user.name, 0.0) > now:
        raise DsmError(411)
    if user is None or user.password != password:
        if user is not None:
            _count_failure(store, user, now)
        raise DsmError(400)
    if user.disabled:
        raise DsmError(401)
    did = _second_factor(store, user, params, now)
    if user.must_change_password:
        raise DsmError(410)
    store.failed_logins.pop(user.name, None)
    return _signed_in(ctx, user, params, did)


@handler(AUTH_API, "oidc")
async def oidc(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Open a session for the user of an SSO Server access token.

    INFERRED (auth.md §8): nothing public documents this method. The simulator accepts what
    the client sends (custom_components/.../api/auth.py): a live `access_token` of this NAS's
    SSO Server, checked as its userinfo endpoint checks it, and an `id_token` it only requires;
    the session options and the answer are login's, with a device token when one is asked
    for. `store.accept_sso_sign_in = False` makes it refuse, with SSO_REFUSED_CODE.
    """
    store = ctx.store
    access_token = require(params, "access_token", str)
    require(params, "id_token", str)
    token = store.sso_access_tokens.get(access_token)
    if (
        not store.accept_sso_sign_in
        or token is None
        or store.clock() >= token.expires_at
        or token.user_name not in store.users
    ):
        raise DsmError(SSO_REFUSED_CODE)
    user = store.users[token.user_name]
    if user.disabled:
        raise DsmError(401)
    did = opaque_token()
    device_name = optional(params, "device_name", str, "")
    if optional(params, "enable_device_token", str, "no") == "yes" and device_name:
        store.device_tokens[did] = (user.name, device_name)
    return _signed_in(ctx, user, params, did)


def _signed_in(
    ctx: CallContext, user: User, params: dict[str, Any], did: str
) -> dict[str, Any]:
    """Open the session a successful sign-in asked for and build its answer (auth.md §3.2)."""
    session = ctx.store.open_session(
        user,
        optional(params, "session", str, ""),
        with_synotoken=optional(params, "enable_syno_token", str, "no") == "yes",
    )
    if optional(params, "format", str, "cookie") != "sid":
        ctx.http.cookies_to_set[SESSION_COOKIE] = session.sid
    data: dict[str, Any] = {"did": did, "is_portal_port": False, "sid": session.sid}
    if session.synotoken is not None:
        data["synotoken"] = session.synotoken
    return data


@handler(AUTH_API, "logout")
async def logout(ctx: CallContext, params: dict[str, Any]) -> None:
    """End the presented session (`_sid` or cookie); an unknown or expired one is fine too."""
    if (sid := ctx.http.presented_sid) is not None:
        ctx.store.sessions.pop(sid, None)


def _count_failure(store: DsmStore, user: User, now: float) -> None:
    failures = store.failed_logins.get(user.name, 0) + 1
    store.failed_logins[user.name] = failures
    if failures >= LOCKOUT_AFTER_FAILURES:
        store.locked_until[user.name] = now + LOCKOUT_SECONDS
        del store.failed_logins[user.name]


def _second_factor(
    store: DsmStore, user: User, params: dict[str, Any], now: float
) -> str:
    """Return the login's `did` once the account's second factor is satisfied (auth.md §4).

    A trusted device (`device_id` + the `device_name` it was issued for) skips the code. Without
    one: no `otp_code` → 403 with the factor list; a wrong code or one already used → 404.
    """
    if user.otp_secret is None:
        return opaque_token()
    device_id = optional(params, "device_id", str, "")
    device_name = optional(params, "device_name", str, "")
    if device_id and store.device_tokens.get(device_id) == (user.name, device_name):
        return device_id
    code = optional(params, "otp_code", str, "")
    if not code:
        raise DsmError(403, {"token": opaque_token(), "types": [{"type": "otp"}]})
    step = _otp_step(user.otp_secret, code, now)
    if step is None or step <= store.last_otp_step.get(user.name, -1):
        raise DsmError(404)
    store.last_otp_step[user.name] = step
    did = opaque_token()
    if optional(params, "enable_device_token", str, "no") == "yes" and device_name:
        store.device_tokens[did] = (user.name, device_name)
    return did


def _otp_step(secret: str, code: str, now: float) -> int | None:
    """Return the 30-s time step, within the accepted window, whose code is `code`."""
    totp = pyotp.TOTP(secret)
    current = int(now // totp.interval)
    for step in range(current - OTP_WINDOW_STEPS, current + OTP_WINDOW_STEPS + 1):
        if totp.generate_otp(step) == code:
            return step
    return None
