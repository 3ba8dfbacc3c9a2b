"""SYNO.API.Auth: password, one-time code and device-token login; OpenID Connect sign-in; logout.

auth.md §2–§5 and §10; DSM's OpenID Connect sign-in (`login type=sso`) follows §8.1.
"""

import base64
import hashlib
import json
import time
from typing import Any
from urllib.parse import parse_qsl

from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.padding import PKCS7
from noise.connection import Keypair, NoiseConnection
from noise.exceptions import NoiseHandshakeError, NoiseValueError
import pyotp

from .store import DsmStore, PendingSecondFactor, User, opaque_token
from .webapi import SESSION_COOKIE, CallContext, DsmError, handler, optional, require

AUTH_API = "SYNO.API.Auth"

# INFERRED (optional in the spec): after this many wrong passwords in a row the account is
# locked (411) for LOCKOUT_SECONDS; a successful login clears the count.
LOCKOUT_AFTER_FAILURES = 10
LOCKOUT_SECONDS = 30 * 60.0

# INFERRED: which code DSM answers when it does not turn an SSO sign-in into a session is
# unknown; its login page shows "cannot log in" for 400, its generic refusal.
SSO_REFUSED_CODE = 400

# INFERRED: how long the 403 answer's `token` lets a sign-in continue with its code.
PENDING_SECOND_FACTOR_SECONDS = 10 * 60.0

# The first version answering DSM 7's v7 login shape (auth.md §3.2 correction).
V7_SHAPE = 7

# INFERRED: DSM accepts a code from one 30-s step before or after the current one (clock skew).
OTP_WINDOW_STEPS = 1


def totp_code(secret: str, at: float | None = None) -> str:
    """Return the RFC 6238 code (30 s, 6 digits) of base32 `secret` at Unix time `at` or now."""
    return pyotp.TOTP(secret).at(int(time.time() if at is None else at))


@handler(AUTH_API, "login")
async def login(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Open a session after the checks, in this order.

    Lock (411), account and password (400), disabled (401), second factor (403/404), forced
    password change (410). `type=sso` is DSM's OpenID Connect sign-in (see sso_login).

    The answer has DSM 7's shape for the version asked (see _signed_in).
    """
    if optional(params, "type", str, "") == "sso":
        return await sso_login(ctx, params)
    store = ctx.store
    params = decrypted_login_params(store, params)
    account = require(params, "account", str)
    password = require(params, "passwd", str)
    now = store.clock()
    if (user := _pending_user(store, account, password, now)) is not None:
        did = _second_factor(ctx, user, params, now, password)
        return _signed_in(ctx, user, params, did)
    user = store.users.get(account)
    if user is not None and store.locked_until.get(user.name, 0.0) > now:
        raise DsmError(411)
    if user is None or user.password != password:
        if user is not None:
            _count_failure(store, user, now)
        raise DsmError(400)
    if user.disabled:
        raise DsmError(401)
    did = _second_factor(ctx, user, params, now)
    if user.must_change_password:
        raise DsmError(410)
    store.failed_logins.pop(user.name, None)
    return _signed_in(ctx, user, params, did)


async def sso_login(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Sign in with the code of DSM's own OpenID Connect client (auth.md §8.1, step 3-4).

    DSM redeems the code at its identity provider, verifies the ID token and maps the user
    claim to an existing account; anything failing there is SSO_REFUSED_CODE. A 2-step
    account then needs its code (403 with a `token` to continue with, see _pending_user).
    """
    store = ctx.store
    if require(params, "server", str) != "oidc":
        raise DsmError(SSO_REFUSED_CODE)
    code = require(params, "code", str)
    require(params, "state", str)
    if not store.sso_client.enabled:
        raise DsmError(SSO_REFUSED_CODE)
    name = ctx.webapi.sso.redeem_for_dsm(ctx.http.request, code)
    user = store.users.get(name) if name is not None else None
    if user is None:
        raise DsmError(SSO_REFUSED_CODE)
    if user.disabled:
        raise DsmError(401)
    did = _second_factor(ctx, user, params, store.clock())
    return _signed_in(ctx, user, params, did)


def _pending_user(
    store: DsmStore, account: str, password: str, now: float
) -> User | None:
    """Return the user of a sign-in continued with the 403 answer's `token` as password.

    INFERRED (auth.md §3.3, §8.1): DSM's login page, after a 403, sends the token as `passwd`
    with the code, and the account name it has, which is empty after an SSO sign-in.
    """
    pending = store.pending_second_factors.get(password)
    if pending is None or pending.expires_at <= now:
        return None
    if account not in ("", pending.user_name):
        return None
    return store.users.get(pending.user_name)


def _signed_in(
    ctx: CallContext, user: User, params: dict[str, Any], did: str
) -> dict[str, Any]:
    """Open the session a successful sign-in asked for and build its answer (auth.md §3.2).

    Up to v6: `did`, `is_portal_port`, `sid` (+ `synotoken`). v7: `account`, `device_id`,
    `ik_message`, `is_portal_port`, `sid`, `synotoken`.
    """
    session = ctx.store.open_session(
        user,
        optional(params, "session", str, ""),
        with_synotoken=optional(params, "enable_syno_token", str, "no") == "yes",
        address=ctx.http.request.remote,
    )
    if optional(params, "format", str, "cookie") != "sid":
        ctx.http.cookies_to_set[SESSION_COOKIE] = session.sid
    data: dict[str, Any]
    if ctx.version >= V7_SHAPE:
        data = {
            "account": user.name,
            "device_id": did,
            "is_portal_port": False,
            "sid": session.sid,
        }
        if (reply := noise_reply(ctx, params)) is not None:
            data["ik_message"] = reply
    else:
        data = {"did": did, "is_portal_port": False, "sid": session.sid}
    if session.synotoken is not None:
        data["synotoken"] = session.synotoken
    return data


@handler(AUTH_API, "logout")
async def logout(ctx: CallContext, params: dict[str, Any]) -> None:
    """End the presented session (`_sid` or cookie); an unknown or expired one is fine too.

    INFERRED: a logout that presents no session but names one (`session=webui`, as some
    clients send it) ends the sessions of that name opened from the same address, since DSM
    binds a session to the address it was opened from (webapi.md §5.1, code 150).
    """
    store = ctx.store
    if (sid := ctx.http.presented_sid) is not None:
        store.sessions.pop(sid, None)
        return
    name = optional(params, "session", str, "")
    if not name:
        return
    address = ctx.http.request.remote
    for sid in [
        sid
        for sid, session in store.sessions.items()
        if session.name == name and session.address == address
    ]:
        del store.sessions[sid]


def _count_failure(store: DsmStore, user: User, now: float) -> None:
    failures = store.failed_logins.get(user.name, 0) + 1
    store.failed_logins[user.name] = failures
    if failures >= LOCKOUT_AFTER_FAILURES:
        store.locked_until[user.name] = now + LOCKOUT_SECONDS
        del store.failed_logins[user.name]


def _second_factor(
    ctx: CallContext,
    user: User,
    params: dict[str, Any],
    now: float,
    pending_token: str | None = None,
) -> str:
    """Return the login's `did` once the account's second factor is satisfied (auth.md §4).

    A trusted device (`device_id` + the `device_name` it was issued for) skips the code. Without
    one: no `otp_code` → 403 with the factor list and a `token` the sign-in may continue with
    (as `passwd`, pending_token here); a wrong code or one already used → 404. A device token
    asked for with the code is issued at v6 only: v7 answers an empty `device_id` and trusts
    nothing (auth.md §2 correction).
    """
    store = ctx.store
    if user.otp_secret is None:
        return opaque_token()
    device_id = optional(params, "device_id", str, "")
    device_name = optional(params, "device_name", str, "")
    if device_id and store.device_tokens.get(device_id) == (user.name, device_name):
        return device_id
    code = optional(params, "otp_code", str, "")
    if not code:
        token = opaque_token()
        store.pending_second_factors[token] = PendingSecondFactor(
            user.name, now + PENDING_SECOND_FACTOR_SECONDS
        )
        raise DsmError(403, {"token": token, "types": [{"type": "otp"}]})
    step = _otp_step(user.otp_secret, code, now)
    if step is None or step <= store.last_otp_step.get(user.name, -1):
        raise DsmError(404)
    store.last_otp_step[user.name] = step
    if pending_token is not None:
        del store.pending_second_factors[pending_token]
    if optional(params, "enable_device_token", str, "no") != "yes" or not device_name:
        return opaque_token()
    if ctx.version >= V7_SHAPE:
        return ""
    did = opaque_token()
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


# --- the sign-in page's helpers (auth.md §6 and §9, webapi.md §4) ---

SSID_COOKIE = "_SSID"
NOISE_PROTOCOL = b"Noise_IK_25519_ChaChaPoly_BLAKE2b"
CIPHER_KEY = "__cIpHeRtExT"
CIPHER_TOKEN = "__cIpHeRtOkEn"
# INFERRED: how far the `server_time` an encrypted login carries may lag behind.
CIPHER_TIME_WINDOW_SECONDS = 10 * 60
# INFERRED (auth.md §9 gives only the shape): the sign-in methods `Auth.Type get` lists.
SIGN_IN_TYPES = [{"type": "passwd"}]


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _from_b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@handler("SYNO.API.Auth.UIConfig", "get")
async def ui_config(ctx: CallContext, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Answer the sign-in page's plug-ins (none) and hand out the NAS's Noise key as `_SSID`.

    webapi.md §4: the 7.2 web UI sends a Noise IK first message (`ik_message`) with its login,
    addressed to this static X25519 key.
    """
    public = ctx.store.noise_key.public_key().public_bytes_raw()
    ctx.http.cookies_to_set[SSID_COOKIE] = _b64url(public)
    return []


def noise_reply(ctx: CallContext, params: dict[str, Any]) -> str | None:
    """Answer a login's `ik_message` with the handshake's second message (None without one).

    The request hashes (`X-SYNO-HASH`) the finished handshake allows are not checked.
    """
    message = optional(params, "ik_message", str, "")
    if not message:
        return None
    noise = NoiseConnection.from_name(NOISE_PROTOCOL)
    noise.set_as_responder()
    noise.set_keypair_from_private_bytes(
        Keypair.STATIC, ctx.store.noise_key.private_bytes_raw()
    )
    noise.start_handshake()
    try:
        noise.read_message(_from_b64url(message))
    except (NoiseHandshakeError, NoiseValueError, ValueError) as err:
        raise DsmError(101) from err
    return _b64url(noise.write_message(b""))


@handler("SYNO.API.Encryption", "getinfo")
async def encryption_info(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Hand out the key an encrypted login uses (auth.md §6.1)."""
    modulus = ctx.store.login_encryption_key.public_key().public_numbers().n
    return {
        "cipherkey": CIPHER_KEY,
        "ciphertoken": CIPHER_TOKEN,
        "public_key": f"{modulus:x}",
        "server_time": int(ctx.store.clock()),
    }


def decrypted_login_params(store: DsmStore, params: dict[str, Any]) -> dict[str, Any]:
    """Replace an encrypted parameter bundle by the parameters in it (auth.md §6.2).

    RSA (PKCS#1 v1.5) carries the passphrase; AES-256-CBC in OpenSSL's salted format the
    URL-encoded parameters, with the `server_time` of `getinfo` under CIPHER_TOKEN. A bundle
    that does not decrypt, or an old one, is a wrong password (400).
    """
    if CIPHER_KEY not in params:
        return params
    bundle = dict(params)
    try:
        sealed = json.loads(bundle.pop(CIPHER_KEY))
        passphrase = store.login_encryption_key.decrypt(
            base64.b64decode(sealed["rsa"]), padding.PKCS1v15()
        )
        fields = dict(
            parse_qsl(_openssl_decrypt(passphrase, base64.b64decode(sealed["aes"])))
        )
        sent_at = int(fields.pop(CIPHER_TOKEN))
    except (ValueError, KeyError, TypeError) as err:
        raise DsmError(400) from err
    if abs(store.clock() - sent_at) > CIPHER_TIME_WINDOW_SECONDS:
        raise DsmError(400)
    return bundle | fields


def _openssl_decrypt(passphrase: bytes, sealed: bytes) -> str:
    """Decrypt `Salted__` + salt + AES-256-CBC data keyed by MD5 EVP_BytesToKey."""
    if not sealed.startswith(b"Salted__"):
        raise ValueError("not OpenSSL salted data")
    salt, body = sealed[8:16], sealed[16:]
    derived, block = b"", b""
    while len(derived) < 48:
        block = hashlib.md5(block + passphrase + salt, usedforsecurity=False).digest()
        derived += block
    decryptor = Cipher(
        algorithms.AES(derived[:32]), modes.CBC(derived[32:48])
    ).decryptor()
    padded = decryptor.update(body) + decryptor.finalize()
    unpadder = PKCS7(128).unpadder()
    return (unpadder.update(padded) + unpadder.finalize()).decode()


@handler("SYNO.API.Auth.Type", "get")
async def sign_in_types(
    ctx: CallContext, params: dict[str, Any]
) -> list[dict[str, str]]:
    """List the sign-in methods the login page offers (auth.md §9)."""
    return SIGN_IN_TYPES


@handler("SYNO.API.Auth.Key", "get")
async def auth_key(ctx: CallContext, params: dict[str, Any]) -> dict[str, str]:
    """Answer `{"auth_key"}` (auth.md §9; what the key is for is undocumented)."""
    return {"auth_key": opaque_token()}


@handler("SYNO.API.Auth.Key.Code", "get")
async def auth_key_code(ctx: CallContext, params: dict[str, Any]) -> None:
    """Refuse, as DSM refuses a session without administrator rights (auth.md §9: 105)."""
    raise DsmError(105)


@handler("SYNO.Entry.Request.Polling", "list")
@handler("SYNO.Entry.Request.Polling", "status")
async def polling(ctx: CallContext, params: dict[str, Any]) -> None:
    """Only the refusal of a call without `task_id_prefix` is known (webapi.md §6).

    With one, the answer is unknown: the call is answered as one DSM does not have (103).
    """
    require(params, "task_id_prefix", str, missing=120)
    raise DsmError(103)
