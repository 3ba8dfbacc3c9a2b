"""The simulated NAS's state: identity, users, sessions, device tokens; and the demo seed."""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
import secrets
import time

from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from .calendar_store import CalendarStore, seed_calendar_demo
from .chat_store import ChatStore
from .contacts_store import ContactsStore, seed_contacts_demo
from .dialect import Dialect
from .drive_store import DriveStore, seed_drive_demo
from .notestation_store import NoteStationStore, seed_notestation_demo

FIRST_UID = 1026  # DSM numbers the first user account it creates 1026

DEMO_SERIAL = "SIM0123456789"
DEMO_USER = "demo"
DEMO_OTP_USER = "otp-demo"
DEMO_PASSWORD = "synology-demo"
# Other people on the demo NAS, with DEMO_PASSWORD; they post in its Chat.
DEMO_OTHER_USERS = ("alice", "bob")
DEMO_OTP_SECRET = (
    "NATIVEDEMOOTPSECRETSYNOLOGY23456"  # base32, fixed so the demo stays usable
)


@dataclass
class User:
    """A DSM user account."""

    name: str
    password: str
    uid: int
    otp_secret: str | None = None
    disabled: bool = False
    must_change_password: bool = False
    # Member of DSM's administrators group: admin-only APIs answer 105 to everyone else.
    admin: bool = False


@dataclass
class Session:
    """A DSM login session (`sid`), optionally bound to a SynoToken."""

    sid: str
    user: User
    name: str
    synotoken: str | None
    created: float
    last_used: float
    expired: bool = False
    # The client address the session was opened from.
    address: str | None = None


@dataclass
class SsoAccessToken:
    """An access token SSO Server issued; its userinfo endpoint accepts it."""

    token: str
    client_id: str
    user_name: str
    scope: str
    expires_at: float


@dataclass
class SsoClientSettings:
    """DSM's SSO Client > OpenID Connect settings (auth.md §8: `SYNO.Core.Directory.OIDC.SSO`).

    DSM is a confidential client of the identity provider; `redirect_uri` is the bare DSM
    address the provider sends the browser back to, and `user_claim` the ID token claim that
    names the DSM user.
    """

    enabled: bool = False
    client_id: str = ""
    client_secret: str = ""
    redirect_uri: str = ""
    more_redirect_uris: list[str] = field(default_factory=list)  # DSM 7.2 keeps several
    scope: str = "openid email groups"
    user_claim: str = "username"


@dataclass
class PendingSecondFactor:
    """A sign-in that passed its first factor and waits for a one-time code (403 `token`)."""

    user_name: str
    expires_at: float


def opaque_token() -> str:
    """Return a random URL-safe value of 40 characters, like DSM's sids and device tokens."""
    return secrets.token_urlsafe(30)


class DsmStore:
    """Everything the simulated NAS remembers. `clock` is replaceable so tests can move time."""

    def __init__(self) -> None:
        """Create an empty NAS with a fixed identity."""
        self.serial = DEMO_SERIAL
        self.model = "DS923+"
        self.dsm_version = "DSM 7.2.2-72806 Update 3"
        self.clock: Callable[[], float] = time.time
        self.started_at = self.clock()
        # Idle seconds after which a session answers 106; None keeps sessions forever.
        self.session_ttl: float | None = None
        self.users: dict[str, User] = {}
        self.sessions: dict[str, Session] = {}
        # did -> (user name, device name) of the trusted devices.
        self.device_tokens: dict[str, tuple[str, str]] = {}
        # Login protection state, per user name (see auth.py).
        self.failed_logins: dict[str, int] = {}
        self.locked_until: dict[str, float] = {}
        self.last_otp_step: dict[str, int] = {}
        # Each user's Note Station library, by user name (see notestation_of).
        self.notestation_libraries: dict[str, NoteStationStore] = {}
        self.chat = ChatStore(lambda: self.clock())  # noqa: PLW0108
        # Through a lambda for the same reason: every user's calendars, events and tasks.
        self.calendar = CalendarStore(lambda: self.clock())  # noqa: PLW0108
        # Synology Drive for every user; its clock follows `clock` like Note Station's.
        self.drive = DriveStore(lambda: self.clock(), self.users)  # noqa: PLW0108
        # SSO Server's live access tokens, by token (see sso.py).
        self.sso_access_tokens: dict[str, SsoAccessToken] = {}
        self.contacts = ContactsStore()
        # The forms this NAS speaks where the evidence knows several (see dialect.py).
        self.dialect = Dialect()
        # DSM's own SSO Client (DSM signing in through an OpenID Connect provider).
        self.sso_client = SsoClientSettings()
        # Sign-ins waiting for their one-time code, by the 403 answer's `token`.
        self.pending_second_factors: dict[str, PendingSecondFactor] = {}

    @cached_property
    def noise_key(self) -> X25519PrivateKey:
        """Return the NAS's static key of the 7.2 sign-in handshake (webapi.md §4)."""
        return X25519PrivateKey.generate()

    @cached_property
    def login_encryption_key(self) -> rsa.RSAPrivateKey:
        """Return the key of encrypted logins, made on first use (auth.md §6).

        4096 bits: clients seal a passphrase of up to 501 bytes with it.
        """
        return rsa.generate_private_key(public_exponent=65537, key_size=4096)

    def add_user(
        self,
        name: str,
        password: str,
        *,
        otp_secret: str | None = None,
        disabled: bool = False,
        must_change_password: bool = False,
        admin: bool = False,
    ) -> User:
        """Create a user with the next free uid."""
        uid = max((user.uid for user in self.users.values()), default=FIRST_UID - 1) + 1
        user = User(
            name, password, uid, otp_secret, disabled, must_change_password, admin
        )
        self.users[name] = user
        return user

    def notestation_of(self, user: User) -> NoteStationStore:
        """Return the Note Station library of `user`, empty until first used."""
        library = self.notestation_libraries.get(user.name)
        if library is None:
            # Through a lambda, so tests that replace `clock` move Note Station's time too.
            library = NoteStationStore(lambda: self.clock(), user.uid, user.name)  # noqa: PLW0108
            self.notestation_libraries[user.name] = library
        return library

    def open_session(
        self,
        user: User,
        name: str,
        *,
        with_synotoken: bool,
        address: str | None = None,
    ) -> Session:
        """Start a session for `user`; a SynoToken is issued only when asked for."""
        now = self.clock()
        session = Session(
            sid=opaque_token(),
            user=user,
            name=name,
            synotoken=secrets.token_urlsafe(12) if with_synotoken else None,
            created=now,
            last_used=now,
            address=address,
        )
        self.sessions[session.sid] = session
        return session

    def expire_sessions(self) -> None:
        """Time out every existing session: using one now answers 106."""
        for session in self.sessions.values():
            session.expired = True

    def revoke_device_tokens(self, user: User | str) -> None:
        """Remove every trusted device of `user` (a User or a user name)."""
        name = user.name if isinstance(user, User) else user
        self.device_tokens = {
            did: owner for did, owner in self.device_tokens.items() if owner[0] != name
        }


def seed_demo(store: DsmStore) -> None:
    """Add the no-NAS demo accounts (an administrator, two-step, two others) and their data."""
    demo = store.add_user(DEMO_USER, DEMO_PASSWORD, admin=True)
    store.add_user(DEMO_OTP_USER, DEMO_PASSWORD, otp_secret=DEMO_OTP_SECRET)
    for name in DEMO_OTHER_USERS:
        store.add_user(name, DEMO_PASSWORD)
    seed_notestation_demo(store.notestation_of(demo))
    seed_calendar_demo(store.calendar, demo.name, demo.uid)
    seed_drive_demo(store.drive, DEMO_USER, DEMO_OTHER_USERS[0])
    seed_contacts_demo(store.contacts, DEMO_USER, DEMO_OTHER_USERS[0])
