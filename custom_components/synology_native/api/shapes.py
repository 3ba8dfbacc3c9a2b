"""Shapes, not values: what DSM's answers look like, recorded for the self-check.

A shape keeps the keys of objects and the JSON type of every value, and the length of
lists only as a bucket; never a value. Keys are kept only when they read like DSM's own
field names (lower-case identifiers): an object keyed by ids, names or paths is data,
and only how many such keys it had is kept. Recording is off until a caller turns it
on (``DsmClient.recording``).
"""

from dataclasses import dataclass, field
import re
from typing import Any

# A DSM field name: lower-case identifier. Anything else may be a user's id, name or path.
FIELD_NAME = re.compile(r"[a-z][a-z0-9_]{0,47}")
# A Socket.IO event name worth keeping; anything else is reported as unreadable.
EVENT_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_.:-]{0,63}")
UNREADABLE_EVENT = "<unreadable name>"
# Objects with more keys than this are maps of data, whatever their keys look like.
MAX_FIELDS = 64
OTHER_KEYS = "<other keys>"
# Nesting deeper than this is cut; DSM's answers are far shallower.
MAX_DEPTH = 8
TOO_DEEP = "<deeper>"
# Distinct shapes kept per method or event; more are counted, not kept.
MAX_SHAPES = 4

type Shape = str | dict[str, Any]


def length_bucket(length: int) -> str:
    """Say how long a list is without saying its length: 0, 1, 2-10, 11-100, >100."""
    if length <= 1:
        return str(length)
    if length <= 10:  # noqa: PLR2004 - the bucket's bound
        return "2-10"
    if length <= 100:  # noqa: PLR2004 - the bucket's bound
        return "11-100"
    return ">100"


def shape_of(value: Any, depth: int = 0) -> Shape:
    """Return the shape of a decoded JSON value."""
    if depth > MAX_DEPTH:
        return TOO_DEEP
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        listed: dict[str, Any] = {"list": length_bucket(len(value))}
        if value:
            listed["items"] = _merged(shape_of(item, depth + 1) for item in value)
        return listed
    if isinstance(value, dict):
        return _object_shape(value, depth)
    return "unknown"


def _object_shape(value: dict[Any, Any], depth: int) -> Shape:
    fields: dict[str, Shape] = {}
    others: list[Shape] = []
    as_map = len(value) > MAX_FIELDS
    for key, item in value.items():
        shape = shape_of(item, depth + 1)
        if not as_map and isinstance(key, str) and FIELD_NAME.fullmatch(key):
            fields[key] = shape
        else:
            others.append(shape)
    if others:
        fields[OTHER_KEYS] = {
            "count": length_bucket(len(others)),
            "values": _merged(others),
        }
    return {"object": dict(sorted(fields.items()))}


def _merged(shapes: Any) -> Shape:
    """Merge the shapes of the items of one list (or values of one map) into one."""
    result: Shape | None = None
    for shape in shapes:
        result = shape if result is None else merge(result, shape)
    return "unknown" if result is None else result


def merge(first: Shape, second: Shape) -> Shape:
    """Return one shape that describes values of either shape."""
    if first == second:
        return first
    if isinstance(first, str) and isinstance(second, str):
        return "|".join(sorted({*first.split("|"), *second.split("|")}))
    if isinstance(first, dict) and isinstance(second, dict):
        if "object" in first and "object" in second:
            keys = sorted({*first["object"], *second["object"]})
            return {
                "object": {
                    key: _merge_field(
                        first["object"].get(key), second["object"].get(key)
                    )
                    for key in keys
                }
            }
        if "list" in first and "list" in second:
            merged: dict[str, Any] = {
                "list": merge(first["list"], second["list"]),
            }
            items = [shape["items"] for shape in (first, second) if "items" in shape]
            if items:
                merged["items"] = _merged(items)
            return merged
    return _alternatives(first, second)


def _merge_field(first: Shape | None, second: Shape | None) -> Shape:
    """Merge one key's shapes; a key missing on one side may be absent."""
    if first is None or second is None:
        present = first if second is None else second
        assert present is not None  # noqa: S101 - the key is on one side at least
        return merge(present, "absent")
    return merge(first, second)


def _kind(shape: Shape) -> str:
    """Tell which kind of JSON value a shape is: scalar, list or object."""
    if isinstance(shape, str):
        return "scalar"
    return "list" if "list" in shape else "object" if "object" in shape else "any_of"


def _alternatives(first: Shape, second: Shape) -> Shape:
    """Keep one option per kind of value, each merged with the others of its kind."""
    options: list[Shape] = []
    for shape in (first, second):
        incoming = shape["any_of"] if _kind(shape) == "any_of" else [shape]  # type: ignore[index]
        for option in incoming:
            same = next(
                (i for i, kept in enumerate(options) if _kind(kept) == _kind(option)),
                None,
            )
            if same is None:
                options.append(option)
            else:
                options[same] = merge(options[same], option)
    return options[0] if len(options) == 1 else {"any_of": options}


def event_name(name: Any) -> str:
    """Keep an event name that reads like one; anything else may be data."""
    if isinstance(name, str) and EVENT_NAME.fullmatch(name):
        return name
    return UNREADABLE_EVENT


@dataclass(slots=True)
class MethodShapes:
    """What one API method answered while recording: versions, shapes, error codes."""

    versions: set[int] = field(default_factory=set)
    answers: list[Shape] = field(default_factory=list)
    errors: set[int] = field(default_factory=set)
    calls: int = 0

    def add(self, shape: Shape) -> None:
        """Keep a shape not seen before, up to MAX_SHAPES."""
        if shape not in self.answers and len(self.answers) < MAX_SHAPES:
            self.answers.append(shape)

    def report(self) -> dict[str, Any]:
        """Return the JSON-ready record."""
        return {
            "versions": sorted(self.versions),
            "calls": length_bucket(self.calls),
            "answers": list(self.answers),
            "errors": sorted(self.errors),
        }


class ShapeRecorder:
    """Collects shapes per API method and per socket event name."""

    def __init__(self) -> None:
        """Start empty."""
        self._methods: dict[tuple[str, str], MethodShapes] = {}
        self._events: dict[str, MethodShapes] = {}

    def _method(self, api: str, method: str, version: int) -> MethodShapes:
        record = self._methods.setdefault((api, method), MethodShapes())
        record.versions.add(version)
        record.calls += 1
        return record

    def answer(self, api: str, method: str, version: int, data: Any) -> None:
        """Record the shape of a successful answer's ``data``."""
        self._method(api, method, version).add(shape_of(data))

    def error(self, api: str, method: str, version: int, code: int) -> None:
        """Record an error code DSM answered with."""
        self._method(api, method, version).errors.add(code)

    def event(self, name: Any, payload: tuple[Any, ...]) -> None:
        """Record a socket event: its name (if it reads like one) and payload shape."""
        record = self._events.setdefault(event_name(name), MethodShapes())
        record.calls += 1
        record.add(shape_of(list(payload)))

    def answers(self, api: str, method: str) -> list[Shape]:
        """Return the distinct answer shapes of a method (empty when not called)."""
        record = self._methods.get((api, method))
        return [] if record is None else list(record.answers)

    def errors(self, api: str, method: str) -> set[int]:
        """Return the error codes a method answered with."""
        record = self._methods.get((api, method))
        return set() if record is None else set(record.errors)

    @property
    def event_names(self) -> list[str]:
        """Return the names of the socket events seen."""
        return sorted(self._events)

    def report(self) -> dict[str, Any]:
        """Return everything recorded, JSON-ready."""
        return {
            "methods": {
                f"{api} {method}": record.report()
                for (api, method), record in sorted(self._methods.items())
            },
            "socket_events": {
                name: {"count": length_bucket(record.calls), "payloads": record.answers}
                for name, record in sorted(self._events.items())
            },
        }
