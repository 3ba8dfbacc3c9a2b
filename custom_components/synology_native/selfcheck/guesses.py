"""The integration's named guesses about DSM's wire format, and how a NAS settles each.

This is the one list: each guess names the constant or function in the client that holds
it (``checks``), says what the code assumes, and judges the probe's observations as
confirmed, contradicted (with the shape seen) or not seen. ``breaks`` says what does not
work on a NAS that contradicts the guess; a guess the client copes with (it reads both
forms, or falls back) has none. ``form`` names the other documented form a NAS was seen
to speak, which the client then uses for that NAS (see ``apply_forms``).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from custom_components.synology_native.api import (
    auth,
    calendar,
    chat,
    contacts,
    drive,
    notestation,
    webdav,
)
from custom_components.synology_native.api.calendar import (
    CAL_LIST,
    EVENT_LIST,
    TASK_ZONE_FORM,
    TASK_ZONE_KEY,
    TASK_ZONE_KEYS,
    TODO_LIST as TASK_LIST,
)
from custom_components.synology_native.api.chat_socket import CHANGE_EVENTS
from custom_components.synology_native.api.client import DsmClient
from custom_components.synology_native.api.contacts import CONTACT_FIELDS, CONTACT_LIST
from custom_components.synology_native.api.drive import (
    INFO_QUOTA,
    NOTIFICATIONS_LIST,
    REVISION_ID_KEYS,
    REVISIONS_FORM,
    REVISIONS_LIST,
)
from custom_components.synology_native.api.models import Endpoint
from custom_components.synology_native.api.notestation import TODO_LIST
from custom_components.synology_native.api.shapes import Shape, length_bucket

from .probe import Observations, Outcome, Read

# The client's modules whose endpoints the version check covers.
CLIENT_MODULES = (auth, calendar, chat, contacts, drive, notestation, webdav)


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
    breaks: str | None = None


# --- reading shapes ------------------------------------------------------------------


def _fields(shape: Shape | None) -> Mapping[str, Shape]:
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


def _list_items(seen: Observations, endpoint: Endpoint, key: str) -> list[Shape]:
    """Return the item shapes of the list under key in every answer of endpoint."""
    found = []
    for answer in seen.shapes.answers(endpoint.api, endpoint.method):
        items = _items(_fields(answer).get(key))
        if items is not None:
            found.append(items)
    return found


def _present(item: Shape, name: str) -> bool:
    """Tell whether every item shape has the field (not only sometimes)."""
    field = _fields(item).get(name)
    return field is not None and "absent" not in str(field)


def _answer(seen: Observations, endpoint: Endpoint) -> Shape | None:
    answers = seen.shapes.answers(endpoint.api, endpoint.method)
    return answers[0] if answers else None


def _parsed(
    read: str, endpoint: Endpoint, list_key: str | None = None
) -> Callable[[Observations], Verdict]:
    """Judge a guess about an answer our parser reads (did it read what DSM sent).

    A list that came back empty shows no item, so its fields are not seen.
    """

    def judge(seen: Observations) -> Verdict:
        outcome = seen.outcomes.get(read)
        if outcome == Outcome.MALFORMED:
            return Verdict(Status.CONTRADICTED, _answer(seen, endpoint))
        if outcome != Outcome.READ:
            return NOT_SEEN
        if list_key is not None and not _list_items(seen, endpoint, list_key):
            return NOT_SEEN
        return Verdict(Status.CONFIRMED)

    return judge


# --- the judges ----------------------------------------------------------------------


def _our_endpoints() -> dict[str, tuple[int, int]]:
    """Return, per API, the widest version range any of our endpoints speaks."""
    ranges: dict[str, tuple[int, int]] = {}
    for module in CLIENT_MODULES:
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


def _priority_scale(seen: Observations) -> Verdict:
    if seen.outcomes.get(Read.NOTESTATION_TODOS) != Outcome.READ:
        return NOT_SEEN
    if not seen.priorities_set:
        return NOT_SEEN
    if seen.priorities_off_scale:
        return Verdict(
            Status.CONTRADICTED, {"priorities_off_scale": seen.priorities_off_scale}
        )
    return Verdict(Status.CONFIRMED)


def _event_list_form(seen: Observations) -> Verdict:
    answer = _answer(seen, EVENT_LIST)
    if answer is None:
        return NOT_SEEN
    if "list" in _fields(answer):
        return Verdict(Status.CONFIRMED, form="list")
    if isinstance(answer, dict) and "list" in answer:
        return Verdict(Status.CONTRADICTED, answer, form="array")
    return Verdict(Status.CONTRADICTED, answer, form="keyed")


def _task_zone_key(seen: Observations) -> Verdict:
    items = _list_items(seen, TASK_LIST, "list")
    if not items:
        return NOT_SEEN
    keys = [key for key in TASK_ZONE_KEYS if all(_present(item, key) for item in items)]
    if TASK_ZONE_KEY in keys:
        return Verdict(Status.CONFIRMED, form=TASK_ZONE_KEY)
    if keys:
        return Verdict(Status.CONTRADICTED, {"zone_key": keys[0]}, form=keys[0])
    return Verdict(Status.CONTRADICTED, items[0])


# The forms of Revisions.list, the one our guess names (DSM4J's) first.
REVISION_FORMS = tuple(REVISION_ID_KEYS)


def _revisions_form(seen: Observations) -> Verdict:
    answer = _answer(seen, REVISIONS_LIST)
    if answer is None:
        return NOT_SEEN
    fields = _fields(answer)
    form = next((key for key in REVISION_FORMS if key in fields), None)
    if form == REVISION_FORMS[0] and seen.outcomes.get(Read.DRIVE_REVISIONS) == (
        Outcome.READ
    ):
        return Verdict(Status.CONFIRMED, form=form)
    return Verdict(Status.CONTRADICTED, answer, form=form)


def _contact_fields(seen: Observations) -> Verdict:
    outcome = seen.outcomes.get(Read.CONTACTS)
    items = _list_items(seen, CONTACT_LIST, "contact")
    if outcome not in (Outcome.READ, Outcome.MALFORMED) or not items:
        return NOT_SEEN
    missing = sorted(
        name
        for name in CONTACT_FIELDS
        if not all(_present(item, name) for item in items)
    )
    if missing or outcome == Outcome.MALFORMED:
        return Verdict(Status.CONTRADICTED, {"missing": missing, "item": items[0]})
    return Verdict(Status.CONFIRMED)


def _chat_page(seen: Observations) -> Verdict:
    page = seen.chat_page
    if page is None:
        return NOT_SEEN
    largest = length_bucket(page.largest)
    if page.over:
        return Verdict(
            Status.CONTRADICTED, {"page": "more than asked", "largest": largest}
        )
    if page.short_with_more:
        return Verdict(
            Status.CONFIRMED, {"page": "fewer than asked", "largest": largest}
        )
    return NOT_SEEN


def _socket_events(seen: Observations) -> Verdict:
    if seen.socket_connected is False:
        return Verdict(Status.CONTRADICTED, {"connected": False})
    names = seen.shapes.event_names
    if not names:
        return NOT_SEEN
    events = seen.shapes.report()["socket_events"]
    if any(name in CHANGE_EVENTS for name in names):
        return Verdict(Status.CONFIRMED, events)
    # Only names we do not know: Chat is still read, at the poll interval.
    return Verdict(Status.CONTRADICTED, events)


def _webdav_api(seen: Observations) -> Verdict:
    if seen.webdav_api is not None:
        return Verdict(Status.CONFIRMED, {"api": seen.webdav_api})
    if seen.outcomes.get(Read.WEBDAV) == Outcome.UNAVAILABLE and any(
        webdav.DISCOVERY_MARKER in name.casefold() for name in seen.apis
    ):
        return Verdict(Status.CONTRADICTED, {"answered_with_settings": False})
    return NOT_SEEN


def _sso_host(seen: Observations) -> Verdict:
    if seen.sso_host_matches is None:
        return NOT_SEEN
    if seen.sso_host_matches:
        return Verdict(Status.CONFIRMED, {"same_host": True})
    return Verdict(Status.CONTRADICTED, {"same_host": False})


GUESSES: tuple[Guess, ...] = (
    Guess(
        "api_versions",
        "api/*.py Endpoint(min_version, max_version)",
        "Every API the integration calls is offered in a version the client speaks.",
        _versions,
        breaks="the features that use the APIs listed",
    ),
    Guess(
        "notestation_todos",
        "api/notestation.py parse_todos",
        "Todo.list answers {todos: [...]} with the fields the to-do lists read.",
        _parsed(Read.NOTESTATION_TODOS, TODO_LIST, "todos"),
        breaks="Note Station to-do lists",
    ),
    Guess(
        "notestation_priority_scale",
        "api/notestation.py PRIORITY_VALUES",
        "To-do priorities are 100, 200 and 300 (low, medium, high), -1 for none.",
        _priority_scale,
    ),
    Guess(
        "calendar_lists",
        "api/calendar.py parse_calendars",
        "Cal.list answers {list: [...]} with the fields calendars and task lists read.",
        _parsed(Read.CALENDAR_EVENTS, CAL_LIST, "list"),
        breaks="Synology Calendar calendars and task lists",
    ),
    Guess(
        "calendar_event_list_form",
        "api/calendar.py event_list_items",
        "Event.list (v5) answers {list: [...]}; a map by calendar and a bare array are read too.",
        _event_list_form,
    ),
    Guess(
        "calendar_events",
        "api/calendar.py event_from_wire",
        "Events carry the fields the calendar entities read.",
        _parsed(Read.CALENDAR_EVENTS, EVENT_LIST),
        breaks="Synology Calendar events",
    ),
    Guess(
        TASK_ZONE_FORM,
        "api/calendar.py TASK_ZONE_KEY, TaskDraft.wire, task_from_wire",
        "Tasks name their time zone tzid (Synology's documentation), not tz_id.",
        _task_zone_key,
    ),
    Guess(
        "drive_notification_fields",
        "api/drive.py _notification",
        "Notifications carry notification_id, type, time, is_read, actor and file.",
        _parsed(Read.DRIVE_NOTIFICATIONS, NOTIFICATIONS_LIST, "items"),
        breaks="the Drive notification sensor and events",
    ),
    Guess(
        "drive_quota_shape",
        "api/drive.py parse_quota",
        "Info.quota answers {used, total} in bytes.",
        _parsed(Read.DRIVE_QUOTA, INFO_QUOTA),
        breaks="the Drive quota sensors",
    ),
    Guess(
        REVISIONS_FORM,
        "api/drive.py version_items, revision_restore_params",
        "Revisions.list answers {total, items: [{version_id, ...}]} (pvilaca/DSM4J); "
        "{revisions: [{revision_id, ...}]} is read too.",
        _revisions_form,
        breaks="listing and restoring Drive file versions",
    ),
    Guess(
        "contacts_fields",
        "api/contacts.py CONTACT_FIELDS",
        "Contacts carry full_name, company, department, title, primary_mail, primary_tel.",
        _contact_fields,
        breaks="finding and changing contacts",
    ),
    Guess(
        "chat_page_size",
        "api/chat.py PAGE_SIZE",
        "Chat hands out at most the posts asked for, often fewer; reads go on until "
        "nothing new comes.",
        _chat_page,
    ),
    Guess(
        "chat_socket_events",
        "api/chat_socket.py CHANGE_EVENTS",
        "Chat's socket accepts the session and names a change with one of "
        "CHANGE_EVENTS (post_create, ...).",
        _socket_events,
    ),
    Guess(
        "webdav_settings_api",
        "api/webdav.py SETTINGS_GET_METHOD, discovery_candidates",
        "The WebDAV Server package has an API whose name contains DAV and whose get "
        "answers with its settings.",
        _webdav_api,
        breaks="the WebDAV settings actions",
    ),
    Guess(
        "sso_redirect_host",
        "api/auth.py SSO_AUTH_URL_QUERY, redirect_host",
        "DSM's OpenID Connect address sends the browser back to the host the entry uses.",
        _sso_host,
        breaks="single sign-on through the address this entry uses",
    ),
)


# Guesses whose other documented form the client speaks too: the client's form name
# (the guess's key) and its forms, the first used until a NAS shows another.
ADAPTABLE: Mapping[str, tuple[str, ...]] = {
    TASK_ZONE_FORM: TASK_ZONE_KEYS,
    REVISIONS_FORM: REVISION_FORMS,
}


def judge_all(seen: Observations) -> dict[str, Verdict]:
    """Judge every guess on what the probe observed."""
    return {guess.key: guess.judge(seen) for guess in GUESSES}


def known_forms(stored: Mapping[str, Any]) -> dict[str, str]:
    """Keep, of forms stored earlier, those the client still speaks."""
    return {
        key: form
        for key, form in stored.items()
        if key in ADAPTABLE and form in ADAPTABLE[key]
    }


def apply_forms(client: DsmClient, verdicts: Mapping[str, Verdict]) -> dict[str, str]:
    """Make the client speak the form each adaptable guess was seen in.

    Return the forms that changed. A guess not seen leaves the form in use as it is.
    """
    changed = {}
    for key, forms in ADAPTABLE.items():
        form = verdicts[key].form
        if form is None or form == client.forms.get(key, forms[0]):
            continue
        client.forms[key] = form
        changed[key] = form
    return changed
