"""Each guess's judge on hand-made observations: the contradicted and unseen cases."""

from typing import Any

import pytest

from custom_components.synology_native.api import ApiInfo, DsmClient
from custom_components.synology_native.api.calendar import EVENT_LIST, TODO_LIST
from custom_components.synology_native.api.contacts import CONTACT_LIST
from custom_components.synology_native.api.drive import INFO_QUOTA, REVISIONS_LIST
from custom_components.synology_native.api.shapes import ShapeRecorder
from custom_components.synology_native.apps.chat.selfcheck import ChatNotes, ChatPage
from custom_components.synology_native.apps.notestation.selfcheck import (
    NoteStationNotes,
)
from custom_components.synology_native.selfcheck.guesses import (
    Status,
    apply_forms,
    every_guess,
    judge_all,
)
from custom_components.synology_native.selfcheck.probe import (
    Observations,
    Outcome,
    Read,
)


def judged(seen: Observations, key: str) -> tuple[str, Any, str | None]:
    """Return one guess's verdict, what it saw and its form."""
    verdict = judge_all(seen)[key]
    return verdict.status.value, verdict.seen, verdict.form


def observations(**outcomes: str) -> Observations:
    """Start observations with the given read outcomes."""
    seen = Observations(ShapeRecorder(), {})
    seen.outcomes.update(outcomes)
    return seen


def test_nothing_seen() -> None:
    """A NAS that showed nothing settles nothing."""
    report = judge_all(observations())
    assert {verdict.status for verdict in report.values()} == {Status.NOT_SEEN}
    assert len(report) == len(every_guess())


def test_malformed_answer_is_contradicted_with_its_shape() -> None:
    """A parser that refused DSM's answer contradicts its guess, showing the shape."""
    seen = observations(**{Read.DRIVE_QUOTA: Outcome.MALFORMED})
    seen.shapes.answer(INFO_QUOTA.api, INFO_QUOTA.method, 2, {"quota": {"used": 1}})
    status, shape, _ = judged(seen, "drive_quota_shape")
    assert status == "contradicted"
    assert shape == {"object": {"quota": {"object": {"used": "integer"}}}}


def test_refused_read_is_not_seen() -> None:
    """An error code from DSM shows nothing about a shape."""
    seen = observations(**{Read.DRIVE_QUOTA: Outcome.REFUSED})
    assert judged(seen, "drive_quota_shape")[0] == "not_seen"


@pytest.mark.parametrize(
    ("answer", "form"),
    [({"cal": [{"evt_id": 1}]}, "keyed"), ([{"evt_id": 1}], "array")],
)
def test_event_list_in_another_envelope(answer: Any, form: str) -> None:
    """The other event-list envelopes are named; the integration reads them too."""
    seen = observations()
    seen.shapes.answer(EVENT_LIST.api, EVENT_LIST.method, 5, answer)
    assert judged(seen, "calendar_event_list_form")[::2] == ("contradicted", form)


def test_tasks_without_a_zone() -> None:
    """Tasks with neither zone key contradict the guess with their shape."""
    seen = observations()
    seen.shapes.answer(TODO_LIST.api, TODO_LIST.method, 5, {"list": [{"evt_id": 1}]})
    status, shape, form = judged(seen, "calendar_task_zone_key")
    assert (status, form) == ("contradicted", None)
    assert shape == {"object": {"evt_id": "integer"}}


def test_revisions_in_neither_shape() -> None:
    """Revisions answered in neither shape contradict the guess, with no form."""
    seen = observations(**{Read.DRIVE_REVISIONS: Outcome.MALFORMED})
    seen.shapes.answer(REVISIONS_LIST.api, REVISIONS_LIST.method, 2, {"list": []})
    assert judged(seen, "drive_revisions_shape")[::2] == ("contradicted", None)


def test_contacts_missing_a_field() -> None:
    """Contacts without a field the integration reads name the missing field."""
    seen = observations(**{Read.CONTACTS: Outcome.MALFORMED})
    seen.shapes.answer(
        CONTACT_LIST.api,
        CONTACT_LIST.method,
        2,
        {"contact": [{"full_name": "x", "company": "y"}]},
    )
    status, shape, _ = judged(seen, "contacts_fields")
    assert status == "contradicted"
    assert shape["missing"] == ["department", "primary_mail", "primary_tel", "title"]


def test_priorities_off_the_scale() -> None:
    """To-do priorities other than 100/200/300 contradict the scale, counted only."""
    seen = observations(**{Read.NOTESTATION_TODOS: Outcome.READ})
    notes = seen.of(NoteStationNotes)
    notes.priorities_set, notes.priorities_off_scale = 3, 2
    assert judged(seen, "notestation_priority_scale")[:2] == (
        "contradicted",
        {"priorities_off_scale": 2},
    )


def test_chat_page_larger_than_asked() -> None:
    """A read that brings more posts than asked contradicts the page guess."""
    seen = observations()
    seen.of(ChatNotes).page = ChatPage(over=True)
    assert judged(seen, "chat_page_size")[0] == "contradicted"
    seen.of(ChatNotes).page = ChatPage(full=True)
    assert judged(seen, "chat_page_size")[0] == "not_seen"


def test_socket_that_does_not_connect() -> None:
    """A socket that refuses the session contradicts the socket guess."""
    seen = observations()
    seen.of(ChatNotes).socket_connected = False
    assert judged(seen, "chat_socket_events")[:2] == (
        "contradicted",
        {"connected": False},
    )


def test_webdav_candidates_that_do_not_answer() -> None:
    """DAV APIs of which none answers with settings contradict the discovery guess."""
    seen = observations(**{Read.WEBDAV: Outcome.UNAVAILABLE})
    seen.apis = {
        "SYNO.WebDAVServer.Other": ApiInfo("entry.cgi", 1, 1, json_format=True)
    }
    assert judged(seen, "webdav_settings_api")[0] == "contradicted"
    seen.apis = {}
    assert judged(seen, "webdav_settings_api")[0] == "not_seen"


def test_versions_of_apis_not_installed_are_not_seen() -> None:
    """Without any of our APIs on the NAS the version guess is not seen."""
    assert judged(observations(), "api_versions")[0] == "not_seen"


def test_a_form_not_seen_keeps_the_one_in_use() -> None:
    """Unseen guesses change no form; a form already in use is not reported again."""
    client = DsmClient(None, "http://nas")  # type: ignore[arg-type]
    seen = observations()
    assert apply_forms(client, judge_all(seen)) == {}
    seen.shapes.answer(TODO_LIST.api, TODO_LIST.method, 5, {"list": [{"tz_id": "UTC"}]})
    assert apply_forms(client, judge_all(seen)) == {"calendar_task_zone_key": "tz_id"}
    assert apply_forms(client, judge_all(seen)) == {}
    assert client.forms == {"calendar_task_zone_key": "tz_id"}


def test_socket_names_not_understood() -> None:
    """A socket naming changes only in words we do not know contradicts the guess."""
    seen = observations()
    seen.of(ChatNotes).socket_connected = True
    seen.shapes.event("newMessage", ({"channel_id": 1},))
    status, events, _ = judged(seen, "chat_socket_events")
    assert status == "contradicted"
    assert set(events) == {"newMessage"}
