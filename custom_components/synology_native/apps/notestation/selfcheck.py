"""Note Station's part of the NAS self-check: its guesses and the read that settles them."""

from dataclasses import dataclass

from custom_components.synology_native.api import notestation
from custom_components.synology_native.api.notestation import (
    NOT_SET,
    PRIORITY_VALUES,
    TODO_LIST,
    parse_todos,
    todo_list_call,
)
from custom_components.synology_native.selfcheck.guesses import (
    NOT_SEEN,
    AppSelfCheck,
    Guess,
    Status,
    Verdict,
    parsed,
)
from custom_components.synology_native.selfcheck.probe import (
    Observations,
    Outcome,
    Probe,
    Read,
)


@dataclass(slots=True)
class NoteStationNotes:
    """To-dos read with a priority, and how many of those lie off the assumed scale."""

    priorities_set: int = 0
    priorities_off_scale: int = 0


async def _read_todos(probe: Probe) -> None:
    """Read the first page of to-dos; count priorities that lie off the assumed scale."""
    call = todo_list_call()
    data = await probe.client.call(call.endpoint, call.params)
    parse_todos([data])  # raises on a shape the integration cannot read
    numbers = [item["priority"] for item in data["todos"]]
    assigned = [number for number in numbers if number != NOT_SET]
    notes = probe.seen.of(NoteStationNotes)
    notes.priorities_set = len(assigned)
    notes.priorities_off_scale = sum(
        number not in PRIORITY_VALUES.values() for number in assigned
    )


def _priority_scale(seen: Observations) -> Verdict:
    if seen.outcomes.get(Read.NOTESTATION_TODOS) != Outcome.READ:
        return NOT_SEEN
    notes = seen.of(NoteStationNotes)
    if not notes.priorities_set:
        return NOT_SEEN
    if notes.priorities_off_scale:
        return Verdict(
            Status.CONTRADICTED, {"priorities_off_scale": notes.priorities_off_scale}
        )
    return Verdict(Status.CONFIRMED)


SELF_CHECK = AppSelfCheck(
    guesses=(
        Guess(
            "notestation_todos",
            "api/notestation.py parse_todos",
            "Todo.list answers {todos: [...]} with the fields the to-do lists read.",
            parsed(Read.NOTESTATION_TODOS, TODO_LIST, "todos"),
            breaks=True,
        ),
        Guess(
            "notestation_priority_scale",
            "api/notestation.py PRIORITY_VALUES",
            "To-do priorities are 100, 200 and 300 (low, medium, high), -1 for none.",
            _priority_scale,
        ),
    ),
    reads=((Read.NOTESTATION_TODOS, _read_todos),),
    modules=(notestation,),
)
