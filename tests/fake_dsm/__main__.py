"""Run the DSM simulator: `python -m tests.fake_dsm --port 5000 --demo`; Ctrl-C stops it."""

import argparse
import asyncio
import contextlib
import logging
from pathlib import Path
import ssl
import sys

import trustme

from .demo import demo_logins
from .server import FakeDsm, run_simulator, server_tls_context
from .sso import DSM_CLIENT_ID
from .store import DEMO_OTP_USER, DEMO_PASSWORD, DEMO_USER


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tests.fake_dsm", description=__doc__
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--demo", action="store_true", help="seed the demo accounts")
    parser.add_argument(
        "--latency-ms", type=float, default=0.0, help="delay every request"
    )
    parser.add_argument(
        "--session-ttl",
        type=float,
        metavar="SECONDS",
        help="idle time before a session expires",
    )
    parser.add_argument(
        "--tls",
        action="store_true",
        help="serve HTTPS with a certificate from a new test CA (SSO Server demands HTTPS)",
    )
    parser.add_argument(
        "--tls-ca-file",
        type=Path,
        default=Path("fake_dsm_ca.pem"),
        metavar="PATH",
        help="where --tls writes the CA certificate that clients must trust",
    )
    periodic_faults = {
        "--http-error-every": "every Nth request: HTTP 500",
        "--malformed-every": "every Nth request: a body that is not JSON",
        "--reset-every": "every Nth request: connection dropped",
        "--rate-limit-every": "every Nth app API call: DSM error 411",
        "--oversize-every": "every Nth request: a 64 MiB answer (a hostile NAS)",
    }
    for flag, effect in periodic_faults.items():
        parser.add_argument(flag, type=int, default=0, metavar="N", help=effect)
    parser.add_argument(
        "--claim-total",
        type=int,
        metavar="N",
        help="Note Station's to-do lists claim N to-dos (a hostile NAS)",
    )
    return parser.parse_args()


def _banner(url: str, demo: bool, ca_file: Path | None) -> str:
    lines = [f"Fake Synology DSM listening on {url}"]
    if ca_file is not None:
        lines.append(f"  TLS certificate authority to trust: {ca_file.resolve()}")
    if demo:
        lines += [
            *demo_logins(url),
        ]
        lines += _sso_banner(url)
    lines.append("Ctrl-C to stop.")
    return "\n".join(lines)


def _sso_banner(url: str) -> list[str]:
    """Say how single sign-on works in the demo: DSM's SSO Client uses our own provider."""
    if not url.startswith("https://"):
        return ["  single sign-on: off (DSM offers it over HTTPS only; use --tls)"]
    return [
        f"  single sign-on: DSM's SSO Client is application {DSM_CLIENT_ID!r} of the",
        f"    simulated SSO Server at {url}/webman/sso, redirect URI {url}",
        f"    sign in there as {DEMO_USER!r} or {DEMO_OTP_USER!r}, password {DEMO_PASSWORD!r}",
    ]


async def _serve(
    sim: FakeDsm,
    host: str,
    port: int,
    demo: bool,
    tls: tuple[ssl.SSLContext, Path] | None,
) -> None:
    context, ca_file = tls if tls is not None else (None, None)
    async with run_simulator(sim, host, port, context) as url:
        if demo and context is not None:
            sim.sso.enable_dsm_sso_client(url)
        sys.stdout.write(_banner(url, demo, ca_file) + "\n")
        sys.stdout.flush()
        await asyncio.Event().wait()


# The size of the hostile answers --oversize-every sends.
OVERSIZED_BYTES = 64 * 1024 * 1024


def main() -> None:
    """Parse the flags, arm the faults and serve until interrupted."""
    args = _arguments()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    sim = FakeDsm(demo=args.demo)
    sim.store.session_ttl = args.session_ttl
    sim.faults.latency = args.latency_ms / 1000
    sim.faults.http_errors.every = args.http_error_every
    sim.faults.malformed_bodies.every = args.malformed_every
    sim.faults.resets.every = args.reset_every
    sim.faults.rate_limits.every = args.rate_limit_every
    sim.faults.oversized.every = args.oversize_every
    sim.faults.oversized_bytes = OVERSIZED_BYTES
    sim.faults.claim_total(args.claim_total)
    tls = None
    if args.tls:
        ca = trustme.CA()
        ca.cert_pem.write_to_path(str(args.tls_ca_file))
        tls = (server_tls_context(ca, args.host, "localhost"), args.tls_ca_file)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(sim, args.host, args.port, args.demo, tls))


if __name__ == "__main__":
    main()
