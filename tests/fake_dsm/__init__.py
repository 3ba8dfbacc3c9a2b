"""A fake Synology DSM 7 web API server: the test double for all tests and the no-NAS demo."""

from .auth import totp_code
from .faults import Faults
from .server import FakeDsm, run_simulator, server_tls_context
from .store import DsmStore, User

__all__ = [
    "DsmStore",
    "FakeDsm",
    "Faults",
    "User",
    "run_simulator",
    "server_tls_context",
    "totp_code",
]
