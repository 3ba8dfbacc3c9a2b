"""Note Station's to-dos as one to-do list, subtasks right under their parent.

Subtask convention: a subtask follows its parent, in the order DSM keeps, under its own
name. No mark goes into the name: the name is what the user edits and what Assist
matches. An edit never changes which to-do a subtask belongs to.

No reordering: DSM keeps no order of top-level to-dos that a client can set.
"""

from typing import TYPE_CHECKING, override

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

    from .coordinator import (
        NoteStationApp,
        NoteStationCoordinator,
        NoteStationSnapshot,
    )


@callback
def async_add_todo_list(
    _hass: HomeAssistant,
    _entry: DsmConfigEntry,
    notestation: NoteStationApp,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the Note Station list."""
    async_add_entities([NoteStationTodoList(notestation.coordinator)])


type BuiltItems = dict[str, tuple[Todo, TodoItem]]


def ordered_items(
    snapshot: NoteStationSnapshot, built: BuiltItems
) -> tuple[list[TodoItem], BuiltItems]:
    """Return top-level to-dos in DSM's order, each followed by its subtasks.

    A to-do equal to the one an item was built for (in built) keeps that item: one
    change among thousands rebuilds one item. Also return the items built now.
    """
    now: BuiltItems = {}
    for todo in snapshot.todos:
        known = built.get(todo.object_id)
        now[todo.object_id] = (
            known if known is not None and known[0] == todo else (todo, _item(todo))
        )
    items: list[TodoItem] = []
    for todo in snapshot.todos:
        if todo.parent_id is not None:
            continue
        items.append(now[todo.object_id][1])
        items.extend(
            now[subtask_id][1] for subtask_id in todo.subtask_ids if subtask_id in now
        )
    return items, now


def _item(todo: Todo) -> TodoItem:
    return TodoItem(
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
        self._attr_todo_items, self._built = ordered_items(coordinator.data, {})
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
        self._attr_todo_items, self._built = ordered_items(
            self.coordinator.data, self._built
        )
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
