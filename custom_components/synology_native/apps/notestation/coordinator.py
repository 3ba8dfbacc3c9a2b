"""Note Station in the entry's poll: every to-do and notebook, as one snapshot."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import override

from custom_components.synology_native.api import CallResult
from custom_components.synology_native.api.models import Call
from custom_components.synology_native.api.notestation import (
    NOTEBOOK_LIST,
    Notebook,
    NoteStation,
    Todo,
    parse_notebooks,
    todo_reads,
)
from custom_components.synology_native.api.system import DsmApp
from custom_components.synology_native.const import LOGGER
from custom_components.synology_native.coordinator import (
    NasCoordinator,
    PolledAppCoordinator,
)
from custom_components.synology_native.data import AppKey, PolledApp

from .due import open_dues


@dataclass(frozen=True, slots=True)
class NoteStationSnapshot:
    """What Note Station entities and actions read: every to-do and notebook.

    To-dos are in DSM's order, subtasks included (after the top-level ones).
    """

    todos: tuple[Todo, ...]
    notebooks: tuple[Notebook, ...]
    # Open to-dos' due times, soonest first: the sensors count from them.
    open_dues: tuple[datetime, ...] = field(init=False, repr=False, compare=False)
    by_id: Mapping[str, Todo] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Sort the due times once per snapshot, not once per sensor."""
        object.__setattr__(self, "open_dues", open_dues(self.todos))
        object.__setattr__(self, "by_id", {todo.object_id: todo for todo in self.todos})

    def todo(self, todo_id: str) -> Todo | None:
        """Return the to-do with this id, if there is one."""
        return self.by_id.get(todo_id)


class NoteStationCoordinator(PolledAppCoordinator[NoteStationSnapshot, NoteStation]):
    """Note Station's to-dos and notebooks, read with the entry's poll.

    The reads are the notebook list, the first page of the top-level to-dos and the
    subtask list of each to-do that had subtasks at the last refresh. Only more pages,
    or a to-do that gained its first subtasks, cost a request of their own.
    """

    def __init__(self, poll: NasCoordinator) -> None:
        """Join the entry's poll with the entry's Note Station client."""
        super().__init__(poll, "notestation", NoteStation)
        # To-dos whose unreadable due date was already reported, so it is said once.
        self._reported_due: set[str] = set()

    @override
    def reads(self) -> list[Call]:
        parents = (
            ()
            if self.data is None
            else (todo.object_id for todo in self.data.todos if todo.subtask_ids)
        )
        return [Call(NOTEBOOK_LIST), *todo_reads(parents)]

    @override
    async def _async_snapshot(
        self, results: Sequence[CallResult]
    ) -> NoteStationSnapshot:
        notebooks, *todo_lists = results
        # Unchanged to-dos come back as the objects the entities already hold.
        todos = await self.api.todos_from(
            todo_lists, known=None if self.data is None else self.data.by_id
        )
        self._report_unreadable_due(todos)
        return NoteStationSnapshot(
            todos=todos, notebooks=parse_notebooks(notebooks.unwrap())
        )

    def _report_unreadable_due(self, todos: Sequence[Todo]) -> None:
        for todo in todos:
            if todo.due_out_of_range is None or todo.object_id in self._reported_due:
                continue
            self._reported_due.add(todo.object_id)
            LOGGER.warning(
                "The Note Station to-do %r (%s) of %s has a due date no calendar "
                "can hold (%s); it shows without a due date",
                todo.title,
                todo.object_id,
                self.config_entry.title,
                todo.due_out_of_range,
            )


# Note Station as a used app of an entry: its client and this coordinator.
type NoteStationApp = PolledApp[NoteStation, NoteStationCoordinator]
NOTESTATION: AppKey[NoteStationApp] = AppKey(DsmApp.NOTESTATION)
