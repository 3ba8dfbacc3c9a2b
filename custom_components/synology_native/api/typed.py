"""The one model layer: DSM's JSON answers read strictly, field by field.

Every app module reads its answers through ``Fields``: a required field that is missing,
null or of another JSON kind, or an optional one of another kind, raises
``DsmResponseError`` naming the API and method (or what else was read) and the path of
the field, such as ``SYNO.Chat.Post.list: data.posts[3].file_props.size is missing``.
Messages name kinds, never values: an answer can carry a session id.
"""

from typing import TYPE_CHECKING, Any, TypeGuard

from .errors import DsmResponseError
from .models import Endpoint

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping

# How a message names each JSON kind (float stands for any JSON number).
_KIND_NAMES: dict[type, str] = {
    str: "a string",
    bool: "a boolean",
    int: "an integer",
    float: "a number",
    list: "a list",
    dict: "an object",
}


def _kind_name(kind: type) -> str:
    return _KIND_NAMES[kind]


def _kind_of(value: Any) -> str:
    if value is None:
        return "null"
    return next(
        (name for kind, name in _KIND_NAMES.items() if is_kind(value, kind)),
        type(value).__name__,
    )


def is_kind[T](value: Any, kind: type[T]) -> TypeGuard[T]:
    """Tell whether value is of a JSON kind (float: any number)."""
    # JSON booleans are Python ints; an id, a size or a time is never true or false.
    if isinstance(value, bool):
        return kind is bool
    if kind is float:
        return isinstance(value, int | float)
    return isinstance(value, kind)


def _source(source: str | Endpoint) -> str:
    if isinstance(source, Endpoint):
        return f"{source.api}.{source.method}"
    return source


class Fields:
    """One JSON object of an answer; each read checks the kind and knows its path."""

    __slots__ = ("_data", "path", "source")

    def __init__(self, data: Mapping[str, Any], source: str, path: str) -> None:
        """Wrap an object already known to be one; use of() for an answer."""
        self._data = data
        self.source = source
        self.path = path

    @classmethod
    def of(cls, data: Any, source: str | Endpoint, path: str = "data") -> Fields:
        """Read an answer (``data`` of the envelope) that must be an object."""
        return _checked_object(data, _source(source), path)

    # --- plain fields ---

    def __contains__(self, key: str) -> bool:
        """Tell whether key is there and not null (DSM sends null for "none")."""
        return self._data.get(key) is not None

    def __iter__(self) -> Iterator[str]:
        """Iterate over the keys, as DSM sent them."""
        return iter(self._data)

    @property
    def raw(self) -> Mapping[str, Any]:
        """Return the object unchecked: for shapes the spec leaves UNKNOWN."""
        return self._data

    def field[T](self, key: str, kind: type[T]) -> T:
        """Return a field that must be there (not null) with this kind."""
        value = self._data.get(key)
        if value is None:
            raise self.error(key, "is missing")
        if not is_kind(value, kind):
            raise self.error(key, f"is {_kind_of(value)}, not {_kind_name(kind)}")
        return value

    def optional[T, D](self, key: str, kind: type[T], absent: D) -> T | D:
        """Return a field DSM may leave out or send as null (then absent)."""
        return self.field(key, kind) if key in self else absent

    def converted[T, R](self, key: str, kind: type[T], convert: Callable[[T], R]) -> R:
        """Return a required field turned into a model value by convert.

        convert raising ValueError, LookupError, ArithmeticError or OSError (what an
        enum, a table or the standard library raise for a value out of range) makes
        the field invalid.
        """
        value = self.field(key, kind)
        try:
            return convert(value)
        except (ValueError, LookupError, ArithmeticError, OSError) as err:
            raise self.error(key, "is not a valid value") from err

    def optional_converted[T, R, D](
        self, key: str, kind: type[T], convert: Callable[[T], R], absent: D
    ) -> R | D:
        """Return a field DSM may leave out (then absent), turned by convert."""
        return self.converted(key, kind, convert) if key in self else absent

    # --- nested fields ---

    def object(self, key: str) -> Fields:
        """Return a field that must be an object."""
        return Fields(self.field(key, dict), self.source, self._path(key))

    def optional_object(self, key: str) -> Fields | None:
        """Return an object field, or None when it is left out or null."""
        return self.object(key) if key in self else None

    def list_of[T](self, key: str, kind: type[T]) -> list[T]:
        """Return a field that must be a list of items of one kind."""
        return _checked_items(self.field(key, list), kind, self.source, self._path(key))

    def optional_list_of[T](self, key: str, kind: type[T]) -> list[T]:
        """Return a list field DSM may leave out or send as null (then empty)."""
        return self.list_of(key, kind) if key in self else []

    def objects(self, key: str) -> list[Fields]:
        """Return a field that must be a list of objects."""
        return objects_of(self.field(key, list), self.source, self._path(key))

    def optional_objects(self, key: str) -> list[Fields]:
        """Return a list of objects DSM may leave out or send as null (then empty)."""
        return self.objects(key) if key in self else []

    # --- errors ---

    def error(self, key: str | None, problem: str) -> DsmResponseError:
        """Build the error for a field (key None: this object) with a problem."""
        return _error(
            self.source, self.path if key is None else self._path(key), problem
        )

    def _path(self, key: str) -> str:
        return f"{self.path}.{key}"


def objects_of(data: Any, source: str | Endpoint, path: str = "data") -> list[Fields]:
    """Read an answer (or a field) that must be a list of objects."""
    name = _source(source)
    if not isinstance(data, list):
        raise _error(name, path, f"is {_kind_of(data)}, not a list")
    return [_checked_object(item, name, f"{path}[{i}]") for i, item in enumerate(data)]


def _checked_object(data: Any, source: str, path: str) -> Fields:
    if not isinstance(data, dict):
        raise _error(source, path, f"is {_kind_of(data)}, not an object")
    return Fields(data, source, path)


def _checked_items[T](
    items: list[Any], kind: type[T], source: str, path: str
) -> list[T]:
    for i, item in enumerate(items):
        if not is_kind(item, kind):
            got = _kind_of(item)
            raise _error(source, f"{path}[{i}]", f"is {got}, not {_kind_name(kind)}")
    return items


def _error(source: str, path: str, problem: str) -> DsmResponseError:
    return DsmResponseError(f"{source}: {path} {problem}", source=source, path=path)
