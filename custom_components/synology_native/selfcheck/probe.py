"""What a self-check reads from the NAS: read-only calls, observed as shapes and counts.

Each app's reads come with its ``AppSpec`` (``apps/<app>/selfcheck.py``); here are the
sign-in address's, and what every read notes. Every call only reads. The client records the shape of each answer while the probe
runs (api.shapes); the few facts a shape cannot carry (how many to-do priorities lie off
the assumed scale, whether Chat cut a page short, whether DSM's sign-in address names the
entry's host) are kept as counts and yes/no answers, never as values: the NAS-wide ones
in Observations, an app's own in its notes (``Observations.of``).
"""

from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from custom_components.synology_native import apps as app_table
from custom_components.synology_native.api import (
    DsmApiNotInstalledError,
    DsmError,
    DsmResponseError,
    DsmSsoUnavailableError,
)

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Mapping

    import aiohttp

    from custom_components.synology_native.api import ApiInfo, DsmClient
    from custom_components.synology_native.api.shapes import ShapeRecorder


class Read:
    """Names of the probe's reads, for the guesses that judge them."""

    NOTESTATION_TODOS = "notestation_todos"
    CALENDAR_EVENTS = "calendar_events"
    CALENDAR_TASKS = "calendar_tasks"
    DRIVE_NOTIFICATIONS = "drive_notifications"
    DRIVE_QUOTA = "drive_quota"
    DRIVE_REVISIONS = "drive_revisions"
    CONTACTS = "contacts"
    CHAT_POSTS = "chat_posts"
    WEBDAV = "webdav"
    SSO = "sso"
    SOCKET = "chat_socket"


class Outcome:
    """How one read ended: its answer was read, failed to parse, or was not made."""

    READ = "read"
    MALFORMED = "malformed"  # DSM answered in a shape our parser refuses
    REFUSED = "refused"  # DSM answered with an error code
    UNAVAILABLE = "unavailable"  # the API is not installed, or nothing to read


@dataclass(slots=True)
class Observations:
    """Everything the guesses are judged on; no value from the NAS.

    What an app notes besides shapes and outcomes is its own dataclass (of counts and
    yes/no answers), kept here by type: ``seen.of(ChatNotes)``.
    """

    shapes: ShapeRecorder
    apis: Mapping[str, ApiInfo]
    outcomes: dict[str, str] = field(default_factory=dict)
    # SSO: whether the redirect address DSM hands out names the entry's own host.
    sso_host_matches: bool | None = None
    _notes: dict[object, Any] = field(default_factory=dict, repr=False)

    def of[NotesT](self, kind: Callable[[], NotesT]) -> NotesT:
        """Return an app's notes of this kind, empty until the app notes something."""
        notes: NotesT = self._notes.setdefault(kind, kind())
        return notes


@dataclass(frozen=True, slots=True)
class Probe:
    """What one app's read works with: the client, the session, what is seen so far."""

    client: DsmClient
    http: aiohttp.ClientSession
    seen: Observations
    verify_ssl: bool


# One read of an app (its ``AppSelfCheck.reads``): it only reads, and notes what it saw.
type ProbeRead = Callable[[Probe], Awaitable[None]]


async def _attempt(
    seen: Observations, read: str, action: Callable[[], Awaitable[None]]
) -> None:
    """Run one read and note how it ended; a failure never stops the others."""
    try:
        await action()
    except DsmApiNotInstalledError:
        seen.outcomes[read] = Outcome.UNAVAILABLE
    except DsmResponseError:
        seen.outcomes[read] = Outcome.MALFORMED
    except DsmError:
        seen.outcomes[read] = Outcome.REFUSED
    else:
        seen.outcomes.setdefault(read, Outcome.READ)


async def observe(
    client: DsmClient,
    http: aiohttp.ClientSession,
    *,
    verify_ssl: bool,
) -> Observations:
    """Read what every guess needs, recording shapes; only reads.

    Each app's reads come in the table's order, then the sign-in address's.
    """
    with client.recording() as shapes:
        seen = Observations(shapes, await client.apis())
        probe = Probe(client, http, seen, verify_ssl)
        for spec in app_table.APPS:
            if spec.self_check is not None:
                for read, action in spec.self_check.reads:
                    await _attempt(seen, read, partial(action, probe))
        await _attempt(seen, Read.SSO, lambda: _sso(client, seen))
    return seen


async def _sso(client: DsmClient, seen: Observations) -> None:
    try:
        sign_in = await client.start_sso()
    except DsmSsoUnavailableError:
        seen.outcomes[Read.SSO] = Outcome.UNAVAILABLE
        return
    if (host := sign_in.redirect_host) is not None:
        seen.sso_host_matches = host == urlsplit(client.url).hostname
