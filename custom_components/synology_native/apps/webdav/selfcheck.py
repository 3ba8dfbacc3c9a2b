"""WebDAV administration's part of the NAS self-check: its settings API, found or not."""

from dataclasses import dataclass

from custom_components.synology_native.api import webdav
from custom_components.synology_native.api.webdav import DISCOVERY_MARKER, WebDav
from custom_components.synology_native.selfcheck.guesses import (
    NOT_SEEN,
    AppSelfCheck,
    Guess,
    Status,
    Verdict,
)
from custom_components.synology_native.selfcheck.probe import (
    Observations,
    Outcome,
    Probe,
    Read,
)


@dataclass(slots=True)
class WebDavNotes:
    """The API (a name DSM lists, not user data) that answered with the settings."""

    api: str | None = None


async def _read_settings(probe: Probe) -> None:
    settings = await WebDav(probe.client).settings()
    probe.seen.of(WebDavNotes).api = f"{settings.api} v{settings.version}"


def _webdav_api(seen: Observations) -> Verdict:
    if (api := seen.of(WebDavNotes).api) is not None:
        return Verdict(Status.CONFIRMED, {"api": api})
    if seen.outcomes.get(Read.WEBDAV) == Outcome.UNAVAILABLE and any(
        DISCOVERY_MARKER in name.casefold() for name in seen.apis
    ):
        return Verdict(Status.CONTRADICTED, {"answered_with_settings": False})
    return NOT_SEEN


SELF_CHECK = AppSelfCheck(
    guesses=(
        Guess(
            "webdav_settings_api",
            "api/webdav.py SETTINGS_GET_METHOD, discovery_candidates",
            "The WebDAV Server package has an API whose name contains DAV and whose get "
            "answers with its settings.",
            _webdav_api,
            breaks=True,
        ),
    ),
    reads=((Read.WEBDAV, _read_settings),),
    modules=(webdav,),
)
