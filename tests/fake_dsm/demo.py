"""How a person uses the demo NAS: its accounts, a current 2-step code, posting as others."""

from .auth import totp_code
from .store import (
    DEMO_OTHER_USERS,
    DEMO_OTP_SECRET,
    DEMO_OTP_USER,
    DEMO_PASSWORD,
    DEMO_USER,
)

# Prints the current 2-step code of DEMO_OTP_USER.
TOTP_COMMAND = (
    ".venv/bin/python -c 'from tests.fake_dsm.store import DEMO_OTP_SECRET as s; "
    "from tests.fake_dsm import totp_code; print(totp_code(s))'"
)


def demo_logins(dsm_url: str) -> list[str]:
    """Return the lines that tell the demo accounts and how to post as the others."""
    others = ", ".join(repr(name) for name in DEMO_OTHER_USERS)
    post = (
        f".venv/bin/python -m scripts.post_as {DEMO_OTHER_USERS[0]} general "
        f"'Dinner at seven?' --dsm-url {dsm_url}"
    )
    return [
        f"  account {DEMO_USER!r}, password {DEMO_PASSWORD!r}: no two-step verification",
        f"  account {DEMO_OTP_USER!r}, password {DEMO_PASSWORD!r}: one-time codes, TOTP",
        f"    secret {DEMO_OTP_SECRET} (add it to an authenticator app)",
        f"    code now: {totp_code(DEMO_OTP_SECRET)}; a fresh one every 30 s: {TOTP_COMMAND}",
        f"  accounts {others}, password {DEMO_PASSWORD!r}: other people in Chat;",
        "    post as one of them (to a channel, or to a person directly):",
        f"    {post}",
    ]
