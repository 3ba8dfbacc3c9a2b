# ruff: noqa: F811 - the fixtures imported from tests.test_fake_dsm are test arguments here
"""Wire-level tests of the simulator's sign-in as a real DSM 7.2 answers it (issue: Sign-in).

v7 logins answer DSM 7's v7 shape and issue no device token with a one-time code; the core
APIs a DSM 7.2 `SYNO.API.Info` lists are listed and answered; a logged-out sid stays dead.
"""

import base64
import hashlib
import json
import os
from typing import Any
from urllib.parse import urlencode

import aiohttp
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.padding import PKCS7
from noise.connection import Keypair, NoiseConnection
import pytest
from yarl import URL

from tests.fake_dsm import FakeDsm, totp_code
from tests.fake_dsm.store import (
    DEMO_OTP_SECRET,
    DEMO_OTP_USER,
    DEMO_PASSWORD,
    DEMO_USER,
)
from tests.test_fake_dsm import (  # the fixtures clock, sim and dsm are shared
    ENTRY,
    GETINFO,
    INFO_ALL,
    Clock,
    WireClient,
    clock,  # noqa: F401
    dsm,  # noqa: F401
    error_code,
    sim,  # noqa: F401
)

pytestmark = pytest.mark.usefixtures("socket_enabled")

AUTH = "SYNO.API.Auth"
CORE_ENTRIES = {
    "SYNO.API.Auth.Key": (7, 7, "entry.cgi"),
    "SYNO.API.Auth.Key.Code": (7, 7, "entry.cgi"),
    "SYNO.API.Auth.RedirectURI": (1, 1, "entry.cgi"),
    "SYNO.API.Auth.Type": (1, 1, "entry.cgi"),
    "SYNO.API.Auth.UIConfig": (1, 1, "entry.cgi"),
    "SYNO.API.Encryption": (1, 1, "entry.cgi"),
    "SYNO.API.OTP": (1, 1, "otp.cgi"),
    "SYNO.Entry.Request.Polling": (1, 1, "entry.cgi"),
    "SYNO.Entry.SocketIo": (1, 1, "entry.cgi"),
}


def b64url(raw: bytes) -> str:
    """Encode as DSM's `_SSID` cookie and `ik_message` are encoded."""
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def from_b64url(text: str) -> bytes:
    """Decode base64url without padding."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


async def test_v7_login_shape(dsm: WireClient) -> None:
    """v7 answers account, device_id, is_portal_port, sid, synotoken; v6 answers did."""
    body = await dsm.call(
        AUTH,
        "login",
        7,
        account=DEMO_USER,
        passwd=DEMO_PASSWORD,
        format="sid",
        enable_syno_token="yes",
    )
    data = body["data"]
    assert set(data) == {"account", "device_id", "is_portal_port", "sid", "synotoken"}
    assert data["account"] == DEMO_USER
    assert set(await dsm.login(enable_syno_token="yes")) == {
        "did",
        "is_portal_port",
        "sid",
        "synotoken",
    }


async def test_device_token_only_at_v6(
    dsm: WireClient, sim: FakeDsm, clock: Clock
) -> None:
    """A code with a device-token request: v7 trusts nothing, v6 issues `did`."""
    request = {
        "account": DEMO_OTP_USER,
        "passwd": DEMO_PASSWORD,
        "enable_device_token": "yes",
        "device_name": "probe",
        "format": "sid",
    }
    v7 = await dsm.call(
        AUTH, "login", 7, otp_code=totp_code(DEMO_OTP_SECRET, clock.now), **request
    )
    assert v7["data"]["device_id"] == ""
    assert sim.store.device_tokens == {}

    clock.now += 30
    v6 = await dsm.call(
        AUTH, "login", 6, otp_code=totp_code(DEMO_OTP_SECRET, clock.now), **request
    )
    did = v6["data"]["did"]
    assert sim.store.device_tokens[did] == (DEMO_OTP_USER, "probe")
    # The device token then signs in without a code, at either version.
    trusted = {**request, "device_id": did}
    assert (await dsm.call(AUTH, "login", 7, **trusted))["data"]["device_id"] == did


async def test_core_entries_listed(dsm: WireClient) -> None:
    """`SYNO.API.Info` lists the core entries of a DSM 7.2.2 with its versions and paths."""
    body = await dsm.call(**INFO_ALL, path="/webapi/query.cgi")  # type: ignore[arg-type]
    listed = body["data"]
    for name, (low, high, path) in CORE_ENTRIES.items():
        assert listed[name]["minVersion"] == low
        assert listed[name]["maxVersion"] == high
        assert listed[name]["path"] == path


@pytest.mark.parametrize(
    ("api", "method", "version", "path"),
    [
        ("SYNO.API.Auth.RedirectURI", "run", 1, ENTRY),
        ("SYNO.API.Auth.RedirectURI", "check", 1, ENTRY),
        ("SYNO.API.OTP", "get", 1, "/webapi/otp.cgi"),
        ("SYNO.Entry.SocketIo", "listeners_count", 1, ENTRY),
        ("SYNO.Entry.SocketIo", "emit", 1, ENTRY),
        (AUTH, "oidc", 6, ENTRY),
        (AUTH, "token", 6, ENTRY),
    ],
)
async def test_calls_without_a_known_answer(
    dsm: WireClient, api: str, method: str, version: int, path: str
) -> None:
    """A method the spec has no answer for is answered as DSM answers a missing one."""
    sid = (await dsm.login())["sid"]
    assert error_code(await dsm.call(api, method, version, path=path, _sid=sid)) == 103


async def test_core_answers(dsm: WireClient) -> None:
    """Type, Key, Key.Code, Polling and NormalUser answer with the spec's shapes."""
    assert (await dsm.call("SYNO.API.Auth.Type", "get", 1))["data"] == [
        {"type": "passwd"}
    ]
    sid = (await dsm.login())["sid"]
    key = (await dsm.call("SYNO.API.Auth.Key", "get", 7, _sid=sid))["data"]
    assert isinstance(key["auth_key"], str)
    assert (
        error_code(await dsm.call("SYNO.API.Auth.Key.Code", "get", 7, _sid=sid)) == 105
    )
    polling = ("SYNO.Entry.Request.Polling", "list", 1)
    body = await dsm.call(*polling, _sid=sid)
    assert body["error"] == {
        "code": 120,
        "errors": {"name": "task_id_prefix", "reason": "required"},
    }
    assert error_code(await dsm.call(*polling, _sid=sid, task_id_prefix='"x"')) == 103
    user = (await dsm.call("SYNO.Core.NormalUser", "get", 1, _sid=sid))["data"]
    assert user["username"] == DEMO_USER


async def test_sign_in_page_handshake(dsm: WireClient, sim: FakeDsm) -> None:
    """UIConfig hands out the Noise key; a login with `ik_message` gets the reply."""
    async with dsm.http.post(
        dsm.base_url + "/webapi/entry.cgi/SYNO.API.Auth.UIConfig",
        data={"api": "SYNO.API.Auth.UIConfig", "method": "get", "version": "1"},
    ) as resp:
        assert (await resp.json()) == {"data": [], "success": True}
        ssid = resp.cookies["_SSID"].value
    noise = NoiseConnection.from_name(b"Noise_IK_25519_ChaChaPoly_BLAKE2b")
    noise.set_as_initiator()
    noise.set_keypair_from_private_bytes(Keypair.STATIC, b"k" * 32)
    noise.set_keypair_from_public_bytes(Keypair.REMOTE_STATIC, from_b64url(ssid))
    noise.start_handshake()
    message = noise.write_message(json.dumps({"time": 0}).encode())
    body = await dsm.call(
        AUTH,
        "login",
        7,
        account=DEMO_USER,
        passwd=DEMO_PASSWORD,
        ik_message=b64url(message),
    )
    noise.read_message(from_b64url(body["data"]["ik_message"]))
    assert noise.handshake_finished
    broken = await dsm.call(
        AUTH, "login", 7, account=DEMO_USER, passwd=DEMO_PASSWORD, ik_message="AAAA"
    )
    assert error_code(broken) == 101


async def test_encrypted_login(dsm: WireClient, sim: FakeDsm, clock: Clock) -> None:
    """`getinfo` hands out the RSA key; an encrypted bundle signs in; a stale one not."""
    status, text = await dsm.get(
        {"api": "SYNO.API.Encryption", "method": "getinfo", "version": "1"},
        path="/webapi/encryption.cgi",
    )
    assert status == 200
    info = json.loads(text)["data"]
    assert (info["cipherkey"], info["ciphertoken"]) == ("__cIpHeRtExT", "__cIpHeRtOkEn")
    assert info["server_time"] == int(clock.now)
    bundle = seal(info, {"account": DEMO_USER, "passwd": DEMO_PASSWORD})
    body = await dsm.call(AUTH, "login", 6, format="sid", **bundle)
    assert sim.store.sessions[body["data"]["sid"]].user.name == DEMO_USER
    clock.now += 3600
    assert error_code(await dsm.call(AUTH, "login", 6, **bundle)) == 400
    assert error_code(await dsm.call(AUTH, "login", 6, __cIpHeRtExT="{}")) == 400


def seal(info: dict[str, Any], params: dict[str, str]) -> dict[str, str]:
    """Encrypt login parameters as clients do (auth.md §6.2)."""
    passphrase = os.urandom(32).hex().encode()
    text = urlencode({**params, info["ciphertoken"]: info["server_time"]}).encode()
    salt = os.urandom(8)
    derived, block = b"", b""
    while len(derived) < 48:
        block = hashlib.md5(block + passphrase + salt, usedforsecurity=False).digest()
        derived += block
    padder = PKCS7(128).padder()
    padded = padder.update(text) + padder.finalize()
    encryptor = Cipher(
        algorithms.AES(derived[:32]), modes.CBC(derived[32:])
    ).encryptor()
    aes = b"Salted__" + salt + encryptor.update(padded) + encryptor.finalize()
    key = rsa.RSAPublicNumbers(65537, int(info["public_key"], 16)).public_key()
    sealed = key.encrypt(passphrase, padding.PKCS1v15())
    return {
        info["cipherkey"]: json.dumps(
            {
                "rsa": base64.b64encode(sealed).decode(),
                "aes": base64.b64encode(aes).decode(),
            }
        )
    }


@pytest.mark.parametrize("how", ["sid", "cookie", "session_name"])
async def test_logged_out_sid_is_refused(
    dsm: WireClient, sim: FakeDsm, how: str
) -> None:
    """However the logout is sent, the sid it ended is refused afterwards."""
    data = await dsm.login(format="cookie", session="webui")
    sid = data["sid"]
    logout: dict[str, Any] = {"session": "webui"}
    if how == "sid":
        logout["_sid"] = sid
    async with aiohttp.ClientSession(
        cookie_jar=aiohttp.CookieJar(unsafe=True)
    ) as other:
        if how == "cookie":
            other.cookie_jar.update_cookies({"id": sid}, URL(dsm.base_url))
        form = {"api": AUTH, "method": "logout", "version": "7", **logout}
        async with other.post(dsm.base_url + "/webapi/auth.cgi", data=form) as resp:
            assert (await resp.json()) == {"success": True}
    assert error_code(await dsm.call(*GETINFO, _sid=sid)) == 119
