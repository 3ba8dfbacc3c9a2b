"""The integration's named guesses about DSM's wire format, and how a NAS settles each.

Each app's guesses, and the reads that settle them, come with its ``AppSpec``
(``apps/<app>/selfcheck.py``); here are the NAS-wide ones (API versions, the sign-in
address) and what every guess is made of. Each guess names the constant or function in
the client that holds it (``checks``), says what the code assumes, and judges the probe's
observations as confirmed, contradicted (with the shape seen) or not seen. ``breaks`` marks
a guess whose contradiction means a feature does not work on that NAS: its repair issue
is translated under ``Guess.issue_key``; a guess the client copes with (it reads both
forms, or falls back) breaks nothing. ``form`` names the other documented form a NAS
was seen to speak, which the client then uses for that NAS (see ``apply_forms``).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType, ModuleType
from typing import Any

from custom_components.synology_native import apps as app_table
from custom_components.synology_native.api import auth
from custom_components.synology_native.api.client import DsmClient
from custom_components.synology_native.api.models import Endpoint
from custom_components.synology_native.api.shapes import Shape

from .probe import Observations, Outcome, ProbeRead


class Status(StrEnum):
    """A guess's verdict."""

    CONFIRMED = "confirmed"
    CONTRADICTED = "contradicted"
    NOT_SEEN = "not_seen"


@dataclass(frozen=True, slots=True)
class Verdict:
    """How a NAS settled one guess, what it showed (a shape, never a value), its form."""

    status: Status
    seen: Any = None
    form: str | None = None


NOT_SEEN = Verdict(Status.NOT_SEEN)


@dataclass(frozen=True, slots=True)
class Guess:
    """One named guess of the client."""

    key: str
    checks: str
    assumes: str
    judge: Callable[[Observations], Verdict]
    breaks: bool = False

    @property
    def issue_key(self) -> str:
        """Name the translated repair issue of a guess that breaks a feature."""
        return f"guess_broken_{self.key}"


# --- reading shapes ------------------------------------------------------------------


def fields_of(shape: Shape | None) -> Mapping[str, Shape]:
    """Return the fields of an object shape (none for anything else)."""
    if isinstance(shape, dict) and "object" in shape:
        fields: Mapping[str, Shape] = shape["object"]
        return fields
    return {}


def _items(shape: Shape | None) -> Shape | None:
    """Return the shape of a list's items; None for an empty list or no list."""
    if isinstance(shape, dict) and "list" in shape:
        return shape.get("items")
    return None


def list_items(seen: Observations, endpoint: Endpoint, key: str) -> list[Shape]:
    """Return the item shapes of the list under key in every answer of endpoint."""
    found = []
    for answer in seen.shapes.answers(endpoint.api, endpoint.method):
        items = _items(fields_of(answer).get(key))
        if items is not None:
            found.append(items)
    return found


def present(item: Shape, name: str) -> bool:
    """Tell whether every item shape has the field (not only sometimes)."""
    field = fields_of(item).get(name)
    return field is not None and "absent" not in str(field)


def first_answer(seen: Observations, endpoint: Endpoint) -> Shape | None:
    """Return the shape of the first answer of endpoint, if it was called."""
    answers = seen.shapes.answers(endpoint.api, endpoint.method)
    return answers[0] if answers else None


def parsed(
    read: str, endpoint: Endpoint, list_key: str | None = None
) -> Callable[[Observations], Verdict]:
    """Judge a guess about an answer our parser reads (did it read what DSM sent).

    A list that came back empty shows no item, so its fields are not seen.
    """

    def judge(seen: Observations) -> Verdict:
        outcome = seen.outcomes.get(read)
        if outcome == Outcome.MALFORMED:
            return Verdict(Status.CONTRADICTED, first_answer(seen, endpoint))
        if outcome != Outcome.READ:
            return NOT_SEEN
        if list_key is not None and not list_items(seen, endpoint, list_key):
            return NOT_SEEN
        return Verdict(Status.CONFIRMED)

    return judge


@dataclass(frozen=True, slots=True, kw_only=True)
class AppSelfCheck:
    """What one app adds to the self-check (its ``AppSpec.self_check``)."""

    guesses: tuple[Guess, ...]
    # The app's reads, by name (probe.Read), made in this order.
    reads: tuple[tuple[str, ProbeRead], ...]
    # The client's modules whose endpoints the version check covers.
    modules: tuple[ModuleType, ...]
    # Guesses whose other documented form the client speaks too: the client's form name
    # (the guess's key) and its forms, the first used until a NAS shows another.
    forms: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )


def app_checks() -> tuple[AppSelfCheck, ...]:
    """Return what every app of the table adds to the self-check, in its order."""
    return tuple(
        spec.self_check for spec in app_table.APPS if spec.self_check is not None
    )


# --- the judges ----------------------------------------------------------------------


def _our_endpoints() -> dict[str, tuple[int, int]]:
    """Return, per API, the widest version range any of our endpoints speaks."""
    ranges: dict[str, tuple[int, int]] = {}
    for module in (auth, *(m for check in app_checks() for m in check.modules)):
        for value in vars(module).values():
            if isinstance(value, Endpoint):
                low, high = ranges.get(
                    value.api, (value.min_version, value.max_version)
                )
                ranges[value.api] = (
                    min(low, value.min_version),
                    max(high, value.max_version),
                )
    return ranges


def _versions(seen: Observations) -> Verdict:
    mismatched = {}
    checked = 0
    for api, (low, high) in sorted(_our_endpoints().items()):
        info = seen.apis.get(api)
        if info is None:
            continue
        checked += 1
        if max(low, info.min_version) > min(high, info.max_version):
            mismatched[api] = {
                "nas": [info.min_version, info.max_version],
                "ours": [low, high],
            }
    if mismatched:
        return Verdict(Status.CONTRADICTED, mismatched)
    return Verdict(Status.CONFIRMED, {"apis_checked": checked}) if checked else NOT_SEEN


def _sso_host(seen: Observations) -> Verdict:
    if seen.sso_host_matches is None:
        return NOT_SEEN
    if seen.sso_host_matches:
        return Verdict(Status.CONFIRMED, {"same_host": True})
    return Verdict(Status.CONTRADICTED, {"same_host": False})


API_VERSIONS = Guess(
    "api_versions",
    "api/*.py Endpoint(min_version, max_version)",
    "Every API the integration calls is offered in a version the client speaks.",
    _versions,
    breaks=True,
)
SSO_REDIRECT_HOST = Guess(
    "sso_redirect_host",
    "api/auth.py SSO_AUTH_URL_QUERY, redirect_host",
    "DSM's OpenID Connect address sends the browser back to the host the entry uses.",
    _sso_host,
    breaks=True,
)


def every_guess() -> tuple[Guess, ...]:
    """Return every guess: the NAS-wide ones around each app's, in the table's order."""
    return (
        API_VERSIONS,
        *(guess for check in app_checks() for guess in check.guesses),
        SSO_REDIRECT_HOST,
    )


def adaptable() -> dict[str, tuple[str, ...]]:
    """Return, by guess, the forms the client speaks (every app's ``forms``)."""
    return {key: forms for check in app_checks() for key, forms in check.forms.items()}


def judge_all(seen: Observations) -> dict[str, Verdict]:
    """Judge every guess on what the probe observed."""
    return {guess.key: guess.judge(seen) for guess in every_guess()}


def known_forms(stored: Mapping[str, Any]) -> dict[str, str]:
    """Keep, of forms stored earlier, those the client still speaks."""
    forms = adaptable()
    return {
        key: form for key, form in stored.items() if key in forms and form in forms[key]
    }


def apply_forms(client: DsmClient, verdicts: Mapping[str, Verdict]) -> dict[str, str]:
    """Make the client speak the form each adaptable guess was seen in.

    Return the forms that changed. A guess not seen leaves the form in use as it is.
    """
    changed = {}
    for key, forms in adaptable().items():
        form = verdicts[key].form
        if form is None or form == client.forms.get(key, forms[0]):
            continue
        client.forms[key] = form
        changed[key] = form
    return changed
