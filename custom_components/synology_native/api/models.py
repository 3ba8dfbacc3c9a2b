"""Models shared by the client core and every app module."""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .errors import DsmApiError


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One DSM method and the range of its versions this client can speak."""

    api: str
    method: str
    min_version: int = 1
    max_version: int = 1


@dataclass(frozen=True, slots=True)
class ApiInfo:
    """What ``SYNO.API.Info`` says about one API on this NAS."""

    path: str
    min_version: int
    max_version: int
    json_format: bool


@dataclass(frozen=True, slots=True)
class Call:
    """One method call with its parameters, alone or as an item of a compound request."""

    endpoint: Endpoint
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CallResult:
    """The outcome of one item of a compound request: its data or its own error."""

    call: Call
    data: Any = None
    error: DsmApiError | None = None

    def unwrap(self) -> Any:
        """Return the data, or raise this item's error."""
        if self.error is not None:
            raise self.error
        return self.data
