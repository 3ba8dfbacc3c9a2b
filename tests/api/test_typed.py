"""The model layer: every JSON kind read strictly, errors naming API, method and path."""

from datetime import UTC, datetime
from typing import Any

import pytest

from custom_components.synology_native.api.errors import DsmResponseError
from custom_components.synology_native.api.models import Endpoint
from custom_components.synology_native.api.typed import Fields, is_kind, objects_of

POST_LIST = Endpoint("SYNO.Chat.Post", "list")

ANSWER = {
    "name": "n",
    "size": 3,
    "starred": False,
    "ratio": 0.5,
    "ids": [1, 2],
    "owner": {"name": "alice", "uid": 7},
    "posts": [{"post_id": 1}, {"post_id": 2, "file_props": {"size": "big"}}],
    "nothing": None,
}


def answer() -> Fields:
    """Return the answer above as Post.list read it."""
    return Fields.of(ANSWER, POST_LIST)


def test_each_kind_is_read() -> None:
    """Strings, integers, booleans, numbers, lists, objects and lists of objects."""
    data = answer()
    assert data.field("name", str) == "n"
    assert data.field("size", int) == 3
    assert data.field("starred", bool) is False
    assert data.field("ratio", float) == 0.5
    assert data.field("size", float) == 3  # a JSON number may have no fraction
    assert data.field("ids", list) == [1, 2]
    assert data.field("owner", dict) == {"name": "alice", "uid": 7}
    assert data.list_of("ids", int) == [1, 2]
    assert data.object("owner").field("uid", int) == 7
    assert [post.field("post_id", int) for post in data.objects("posts")] == [1, 2]
    assert set(data) == set(ANSWER)
    assert data.raw is ANSWER


def test_optional_fields_default_when_absent_or_null() -> None:
    """Left out or null, an optional field is its default; there, it is checked."""
    data = answer()
    assert data.optional("missing", int, 0) == 0
    assert data.optional("nothing", str, "") == ""
    assert data.optional("size", int, 0) == 3
    assert data.optional_object("nothing") is None
    assert data.optional_list_of("missing", int) == []
    assert data.optional_objects("nothing") == []
    assert "nothing" not in data
    assert "size" in data
    with pytest.raises(
        DsmResponseError, match=r"data\.name is a string, not an integer"
    ):
        data.optional("name", int, 0)


@pytest.mark.parametrize(
    ("read", "message"),
    [
        (lambda d: d.field("missing", str), r"data\.missing is missing"),
        (lambda d: d.field("nothing", str), r"data\.nothing is missing"),
        (lambda d: d.field("size", str), r"data\.size is an integer, not a string"),
        (lambda d: d.field("name", int), r"data\.name is a string, not an integer"),
        (lambda d: d.field("starred", int), r"data\.starred is a boolean, not an"),
        (lambda d: d.field("size", bool), r"data\.size is an integer, not a boolean"),
        (lambda d: d.field("name", float), r"data\.name is a string, not a number"),
        (lambda d: d.field("owner", list), r"data\.owner is an object, not a list"),
        (lambda d: d.field("ids", dict), r"data\.ids is a list, not an object"),
        (lambda d: d.object("name"), r"data\.name is a string, not an object"),
        (
            lambda d: d.list_of("ids", str),
            r"data\.ids\[0\] is an integer, not a string",
        ),
        (lambda d: d.objects("ids"), r"data\.ids\[0\] is an integer, not an object"),
        (lambda d: d.objects("owner"), r"data\.owner is an object, not a list"),
    ],
)
def test_missing_or_mistyped_fields_name_api_method_and_path(
    read: Any, message: str
) -> None:
    """Every failure is one error type, with Post.list and the field in its message."""
    with pytest.raises(DsmResponseError, match=rf"^SYNO\.Chat\.Post\.list: {message}"):
        read(answer())


def test_nested_path_in_the_error() -> None:
    """A field deep in a list of objects is named by its whole path."""
    post = answer().objects("posts")[1]
    with pytest.raises(DsmResponseError) as raised:
        post.object("file_props").field("size", int)
    assert str(raised.value) == (
        "SYNO.Chat.Post.list: data.posts[1].file_props.size is a string, not an integer"
    )
    assert raised.value.source == "SYNO.Chat.Post.list"
    assert raised.value.path == "data.posts[1].file_props.size"


def test_answers_that_are_not_objects_or_lists() -> None:
    """The answer itself of the wrong kind; a list answer reads its items."""
    with pytest.raises(
        DsmResponseError, match=r"^SYNO\.Chat\.Post\.list: data is null"
    ):
        Fields.of(None, POST_LIST)
    with pytest.raises(DsmResponseError, match=r"^a delivery: body is an object, not"):
        objects_of({}, "a delivery", "body")
    with pytest.raises(DsmResponseError, match=r"^a delivery: body\[1\] is a string"):
        objects_of([{}, "x"], "a delivery", "body")
    assert [item.path for item in objects_of([{}, {}], POST_LIST)] == [
        "data[0]",
        "data[1]",
    ]


def test_converted_fields() -> None:
    """A value a model cannot hold (a time out of range, an unknown name) is invalid."""
    data = Fields.of({"time": 0, "far": 10**20, "kind": "x"}, POST_LIST)

    def utc(epoch: int) -> datetime:
        return datetime.fromtimestamp(epoch, UTC)

    assert data.converted("time", int, utc) == datetime(1970, 1, 1, tzinfo=UTC)
    assert data.optional_converted("none", int, utc, None) is None
    with pytest.raises(DsmResponseError, match=r"data\.far is not a valid value"):
        data.converted("far", int, utc)
    with pytest.raises(DsmResponseError, match=r"data\.kind is not a valid value"):
        data.converted("kind", str, {"y": 1}.__getitem__)
    with pytest.raises(DsmResponseError, match=r"data\.owner is not here: why"):
        raise data.error("owner", "is not here: why")
    with pytest.raises(DsmResponseError, match=r"^SYNO\.Chat\.Post\.list: data holds"):
        raise data.error(None, "holds nothing")


def test_booleans_are_not_numbers() -> None:
    """JSON true is a Python int; it is never an id, a size or a time."""
    assert not is_kind(True, int)
    assert not is_kind(True, float)
    assert is_kind(True, bool)
    assert is_kind(1, float)
    assert not is_kind(1, bool)


def test_messages_never_carry_values() -> None:
    """An answer can hold a session id: an error names kinds, not what was sent."""
    data = Fields.of({"sid": "secret-sid", "n": "secret-n"}, "SYNO.API.Auth.login")
    for read in (lambda: data.field("sid", int), lambda: data.list_of("n", str)):
        with pytest.raises(DsmResponseError) as raised:
            read()
        assert "secret" not in str(raised.value)
