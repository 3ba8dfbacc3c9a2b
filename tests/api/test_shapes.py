"""Shapes, not values: the client records what answers look like, never what they hold."""

import json

import pytest

from custom_components.synology_native.api import Call, DsmApiError, DsmClient
from custom_components.synology_native.api.notestation import TODO_LIST
from custom_components.synology_native.api.shapes import (
    MAX_SHAPES,
    OTHER_KEYS,
    TOO_DEEP,
    UNREADABLE_EVENT,
    ShapeRecorder,
    length_bucket,
    merge,
    shape_of,
)
from custom_components.synology_native.api.system import NAS_INFO
from tests.fake_dsm import FakeDsm


@pytest.mark.parametrize(
    ("length", "bucket"),
    [
        (0, "0"),
        (1, "1"),
        (2, "2-10"),
        (10, "2-10"),
        (11, "11-100"),
        (100, "11-100"),
        (101, ">100"),
    ],
)
def test_length_buckets(length: int, bucket: str) -> None:
    """Lengths are only told as a bucket."""
    assert length_bucket(length) == bucket


def test_shape_keeps_field_names_and_types_only() -> None:
    """Field names and JSON types are kept; values, and keys that may be data, are not."""
    answer = {
        "title": "Secret plan",
        "count": 3,
        "ratio": 0.5,
        "done": True,
        "note": None,
        "tags": ["a", "b", 3],
        "empty": [],
        "by_id": {"/alice/home/": {"id": 7}, "Bob": {"id": 8}},
    }
    shape = shape_of(answer)
    assert shape == {
        "object": {
            "by_id": {
                "object": {
                    OTHER_KEYS: {
                        "count": "2-10",
                        "values": {"object": {"id": "integer"}},
                    }
                }
            },
            "count": "integer",
            "done": "boolean",
            "empty": {"list": "0"},
            "note": "null",
            "ratio": "number",
            "tags": {"list": "2-10", "items": "integer|string"},
            "title": "string",
        }
    }
    text = json.dumps(shape)
    for value in ("Secret plan", "alice", "Bob", "/home/"):
        assert value not in text


def test_shape_merges_list_items() -> None:
    """Items of a list merge into one shape; a key some lack may be absent."""
    shape = shape_of([{"a": 1}, {"a": "x", "b": [1]}, {"a": 2, "b": [[1], []]}])
    assert shape == {
        "list": "2-10",
        "items": {
            "object": {
                "a": "integer|string",
                "b": {
                    "any_of": [
                        {
                            "list": "1|2-10",
                            "items": {
                                "any_of": [
                                    "integer",
                                    {"list": "0|1", "items": "integer"},
                                ]
                            },
                        },
                        "absent",
                    ]
                },
            }
        },
    }


def test_unusual_values() -> None:
    """Deep nesting is cut, many keys count as a map, odd types are unknown."""
    deep: object = 1
    for _ in range(12):
        deep = [deep]
    assert TOO_DEEP in json.dumps(shape_of(deep))
    many = {f"k{index}": index for index in range(70)}
    assert shape_of(many) == {
        "object": {OTHER_KEYS: {"count": "11-100", "values": "integer"}}
    }
    assert shape_of(object()) == "unknown"
    assert shape_of([object()]) == {"list": "1", "items": "unknown"}
    assert merge({"list": "0"}, {"list": "1", "items": "string"}) == {
        "list": "0|1",
        "items": "string",
    }
    assert merge({"any_of": ["a", {"list": "0"}]}, "c") == {
        "any_of": ["a|c", {"list": "0"}]
    }


def test_recorder_keeps_few_shapes_and_readable_event_names() -> None:
    """A method keeps its first distinct shapes; event names that are not names hide."""
    recorder = ShapeRecorder()
    for index in range(MAX_SHAPES + 2):
        recorder.answer("SYNO.X", "list", 1, {f"field{index}": 1})
    recorder.event("post_create", ({"post_id": 1, "message": "private"},))
    recorder.event("a name with spaces: Alice", ())
    report = recorder.report()
    assert len(report["methods"]["SYNO.X list"]["answers"]) == MAX_SHAPES
    assert report["methods"]["SYNO.X list"]["calls"] == "2-10"
    assert recorder.event_names == sorted(["post_create", UNREADABLE_EVENT])
    assert "private" not in json.dumps(report)
    assert "Alice" not in json.dumps(report)
    assert recorder.answers("SYNO.Y", "get") == []
    assert recorder.errors("SYNO.Y", "get") == set()


async def test_client_records_only_while_asked(
    client: DsmClient, fake_dsm: FakeDsm
) -> None:
    """Off by default; while recording, single and compound answers and errors are kept."""
    await client.call(NAS_INFO)
    assert client.shapes is None
    with client.recording() as recorder:
        await client.call(NAS_INFO)
        await client.compound([Call(TODO_LIST, {"offset": 0, "limit": 5})])
        fake_dsm.faults.fail_api(NAS_INFO.api, NAS_INFO.method, 1003)
        with pytest.raises(DsmApiError):
            await client.call(NAS_INFO)
    assert client.shapes is None
    report = recorder.report()
    info = report["methods"][f"{NAS_INFO.api} {NAS_INFO.method}"]
    assert info["errors"] == [1003]
    assert info["versions"]
    assert "serial" in info["answers"][0]["object"]
    assert f"{TODO_LIST.api} {TODO_LIST.method}" in report["methods"]
    assert "SYNO.Entry.Request request" not in report["methods"]
    text = json.dumps(report)
    assert fake_dsm.store.model not in text
