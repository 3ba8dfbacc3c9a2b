"""Note Station's to-dos as one to-do list, subtasks right under their parent.

Subtask convention: a subtask follows its parent, in the order DSM keeps, under its own
name. No mark goes into the name: the name is what the user edits and what Assist
matches. An edit never changes which to-do a subtask belongs to.

No reordering: DSM keeps no order of top-level to-dos that a client can set.
"""

from dataclasses import dataclass
from itertools import compress, count
from operator import is_not
from typing import TYPE_CHECKING, Self, override

from homeassistant.components.todo.const import TodoItemStatus, TodoListEntityFeature
from homeassistant.components.todo.entity import TodoItem, TodoListEntity
from homeassistant.const import CONF_USERNAME
from homeassistant.core import callback
from homeassistant.exceptions import ServiceValidationError

from custom_components.synology_native.api.notestation import (
    UNCHANGED,
    Todo,
    TodoChanges,
)
from custom_components.synology_native.const import DOMAIN
from custom_components.synology_native.entity import (
    DsmEntity,
    dsm_errors,
    is_first_account,
    supported_due,
)

from .due import due_for_dsm, due_for_home_assistant

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from custom_components.synology_native.data import DsmConfigEntry

    from .coordinator import NoteStationApp, NoteStationCoordinator


@callback
def async_add_todo_list(
    _hass: HomeAssistant,
    _entry: DsmConfigEntry,
    notestation: NoteStationApp,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the Note Station list."""
    async_add_entities([NoteStationTodoList(notestation.coordinator)])


class BuiltTodoItem(TodoItem):
    """An item built from one to-do and never changed; a changed to-do builds a new one.

    Home Assistant copies every item of a list when the list changes, to notice later
    changes. An item nobody changes is its own copy (as a tuple is), so one change
    among thousands of to-dos copies nothing and the rest compare by identity.
    """

    def __copy__(self) -> Self:
        """Return this item: it never changes."""
        return self


@dataclass(frozen=True, slots=True)
class ShownTodos:
    """The items shown for a snapshot's to-dos, and where each to-do's item is.

    slots[i] is the position in items of the item for todos[i]; None for a subtask no
    listed parent names, which is not shown.
    """

    todos: tuple[Todo, ...]
    items: list[TodoItem]
    slots: tuple[int | None, ...]


def shown_todos(todos: tuple[Todo, ...], before: ShownTodos | None) -> ShownTodos:
    """Return top-level to-dos in DSM's order, each followed by its subtasks.

    An unchanged to-do keeps its item, so one change among thousands builds one item.
    Unchanged to-dos are mostly the very objects read last time (see
    ``parse_todos``): when only some to-dos changed, and not where they sit, the
    changed ones are found by identity and the rest is not looked at.
    """
    if before is not None and len(before.todos) == len(todos):
        changed = [
            i
            for i in compress(count(), map(is_not, todos, before.todos, strict=True))
            if todos[i] != before.todos[i]
        ]
        if all(_same_place(todos[i], before.todos[i]) for i in changed):
            items = before.items.copy()
            for i in changed:
                if (slot := before.slots[i]) is not None:
                    items[slot] = _item(todos[i])
            return ShownTodos(todos, items, before.slots)
    return _reordered(todos, before)


def _same_place(todo: Todo, was: Todo) -> bool:
    return (todo.object_id, todo.parent_id, todo.subtask_ids) == (
        was.object_id,
        was.parent_id,
        was.subtask_ids,
    )


def _reordered(todos: tuple[Todo, ...], before: ShownTodos | None) -> ShownTodos:
    """Order every item anew, keeping the item of each to-do equal to one before."""
    kept: dict[str, tuple[Todo, TodoItem]] = (
        {}
        if before is None
        else {
            todo.object_id: (todo, before.items[slot])
            for todo, slot in zip(before.todos, before.slots, strict=True)
            if slot is not None
        }
    )
    index = {todo.object_id: i for i, todo in enumerate(todos)}
    items: list[TodoItem] = []
    slots: list[int | None] = [None] * len(todos)

    def show(i: int) -> None:
        todo = todos[i]
        known = kept.get(todo.object_id)
        slots[i] = len(items)
        if known is not None and (known[0] is todo or known[0] == todo):
            items.append(known[1])
        else:
            items.append(_item(todo))

    for i, todo in enumerate(todos):
        if todo.parent_id is not None:
            continue
        show(i)
        for subtask_id in todo.subtask_ids:
            subtask = index.get(subtask_id)
            # Each to-do once, even when a NAS names it twice.
            if subtask is not None and slots[subtask] is None:
                show(subtask)
    return ShownTodos(todos, items, tuple(slots))


def _item(todo: Todo) -> BuiltTodoItem:
    return BuiltTodoItem(
        summary=todo.title,
        uid=todo.object_id,
        status=TodoItemStatus.COMPLETED if todo.done else TodoItemStatus.NEEDS_ACTION,
        due=None if todo.due is None else due_for_home_assistant(todo.due),
        description=todo.comment or None,
    )


def title_of(item: TodoItem) -> str:
    """Return the title to store for an item: its summary without surrounding blanks."""
    return (item.summary or "").strip()


def changes_between(todo: Todo, item: TodoItem) -> TodoChanges:
    """Return what item changes in todo; fields it leaves as they are are not sent.

    Sending only changed fields keeps what another device changed in the others.
    Assist's "check off" hands over only the summary and the new status (Home
    Assistant's to-do intent builds a bare item), so when nothing but the status
    changes, an empty due date and description mean "not given", not "cleared".
    """
    title = title_of(item)
    done = item.status == TodoItemStatus.COMPLETED
    due = None if item.due is None else due_for_dsm(supported_due(item.due))
    comment = item.description or ""
    status_only = done != todo.done and item.due is None and item.description is None
    return TodoChanges(
        title=title if title != todo.title else UNCHANGED,
        done=done if done != todo.done else UNCHANGED,
        due=due if due != todo.due and not status_only else UNCHANGED,
        comment=comment if comment != todo.comment and not status_only else UNCHANGED,
    )


class NoteStationTodoList(DsmEntity, TodoListEntity):
    """The user's Note Station to-dos."""

    _attr_supported_features = (
        TodoListEntityFeature.CREATE_TODO_ITEM
        | TodoListEntityFeature.UPDATE_TODO_ITEM
        | TodoListEntityFeature.DELETE_TODO_ITEM
        | TodoListEntityFeature.SET_DUE_DATE_ON_ITEM
        | TodoListEntityFeature.SET_DUE_DATETIME_ON_ITEM
        | TodoListEntityFeature.SET_DESCRIPTION_ON_ITEM
    )
    coordinator: NoteStationCoordinator

    def __init__(self, coordinator: NoteStationCoordinator) -> None:
        """Attach to the Note Station coordinator."""
        super().__init__(coordinator, "tasks")
        self._shown = shown_todos(coordinator.data.todos, None)
        self._attr_todo_items = self._shown.items
        # Assist finds a list by its full name, which starts with the device's name;
        # off the device, the list is just "Tasks" and "add milk to my tasks" works.
        self._attr_device_info = None
        entry = coordinator.config_entry
        if not is_first_account(coordinator.hass, entry):
            # Two lists called "Tasks" would make Assist ask which one is meant.
            self._attr_translation_key = "account_tasks"
            self._attr_translation_placeholders = {"account": entry.data[CONF_USERNAME]}

    @callback
    @override
    def _handle_coordinator_update(self) -> None:
        # Built once per snapshot: the state, the card and Assist all read the items.
        self._shown = shown_todos(self.coordinator.data.todos, self._shown)
        self._attr_todo_items = self._shown.items
        super()._handle_coordinator_update()

    @dsm_errors
    @override
    async def async_create_todo_item(self, item: TodoItem) -> None:
        await self.coordinator.api.create_todo(
            title_of(item),
            due=None if item.due is None else due_for_dsm(supported_due(item.due)),
            comment=item.description or "",
        )
        await self.coordinator.async_refresh()

    @dsm_errors
    @override
    async def async_update_todo_item(self, item: TodoItem) -> None:
        todo = self.coordinator.data.todo(item.uid or "")
        if todo is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="todo_not_found",
                translation_placeholders={"todo": item.uid or ""},
            )
        changes = changes_between(todo, item)
        if changes == TodoChanges():
            return
        await self.coordinator.api.set_todos([todo.object_id], changes)
        await self.coordinator.async_refresh()

    @dsm_errors
    @override
    async def async_delete_todo_items(self, uids: list[str]) -> None:
        await self.coordinator.api.delete_todos(uids)
        await self.coordinator.async_refresh()
