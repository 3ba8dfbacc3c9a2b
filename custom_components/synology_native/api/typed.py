"""Type checks for fields of DSM's JSON answers, shared by every app module.

They raise TypeError (or KeyError for a missing field); each app module turns that
into DsmResponseError with the name of what it was reading.
"""

from collections.abc import Mapping
from typing import Any, TypeGuard


def is_kind[T](value: Any, kind: type[T]) -> TypeGuard[T]:
    """Tell whether value is of a JSON kind."""
    # JSON booleans are Python ints; an id, a size or a time is never true or false.
    return isinstance(value, kind) and not (kind is int and isinstance(value, bool))


def typed[T](value: Any, kind: type[T]) -> T:
    """Return value as a kind (TypeError when it is not)."""
    if not is_kind(value, kind):
        msg = f"{type(value).__name__} is not {kind.__name__}"
        raise TypeError(msg)
    return value


def typed_field[T](data: Mapping[str, Any], key: str, kind: type[T]) -> T:
    """Return a field that must be there with this JSON kind (KeyError, TypeError)."""
    value = data[key]
    if not is_kind(value, kind):
        msg = f"{key} is not {kind.__name__}"
        raise TypeError(msg)
    return value
