"""To-do lists: Note Station's to-dos, and each Synology Calendar task list.

Note Station's to-dos are one list, subtasks right under their parent.

Subtask convention: a subtask's summary starts with SUBTASK_PREFIX and it follows its
parent, in the order DSM keeps. The prefix is only shown: it is stripped from what is
written back, and an edit never changes which to-do a subtask belongs to.

No reordering: DSM keeps no order of top-level to-dos that a client can set.
"""

from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING, override

from homeassistant.components.todo.const import TodoItemStatus, TodoListEntityFeature
from homeassistant.components.todo.entity import TodoItem, TodoListEntity
from homeassistant.const import CONF_USERNAME, Platform
from homeassistant.core import callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.util import dt as dt_util

from .api.calendar import CalTask, SynoCalendar, TaskDraft
from .api.notestation import UNCHANGED, Todo, TodoChanges
from .apps.notestation.due import due_for_dsm, due_for_home_assistant
from .calendar import async_follow_calendars, calendar_name, writable
from .const import DOMAIN, SUPPORTED_YEARS
from .entity import DsmEntity
from .error_policy import translate_dsm_errors

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .apps.calendar.coordinator import CalendarCoordinator
    from .apps.notestation.coordinator import (
        NoteStationCoordinator,
        NoteStationSnapshot,
    )
    from .data import DsmConfigEntry

# One writer per NAS: edits wait for each other.
PARALLEL_UPDATES = 1

SUBTASK_PREFIX = "↳ "


async def async_setup_entry(
    hass: HomeAssistant,
    entry: DsmConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the Note Station list and a list per Calendar task list, as used."""
    if (coordinator := entry.runtime_data.notestation) is not None:
        async_add_entities([NoteStationTodoList(coordinator)])
    if (calendar := entry.runtime_data.calendar) is not None:
        async_follow_calendars(
            hass,
            calendar,
            async_add_entities,
            platform=Platform.TODO,
            listed=lambda snapshot: snapshot.task_lists,
            make=lambda task_list: CalendarTaskList(calendar, task_list),
        )


def _is_first_account(hass: HomeAssistant, entry: DsmConfigEntry) -> bool:
    """Tell whether entry is the first account added: its list alone is "Tasks".

    Lists of accounts added later are named after the account, so adding one never
    renames a list Assist already knows.
    """
    first = min(
        hass.config_entries.async_entries(DOMAIN),
        key=lambda other: (other.created_at, other.entry_id),
    )
    return first.entry_id == entry.entry_id


def ordered_items(snapshot: NoteStationSnapshot) -> list[TodoItem]:
    """Return top-level to-dos in DSM's order, each followed by its subtasks."""
    by_id = {todo.object_id: todo for todo in snapshot.todos}
    items: list[TodoItem] = []
    for todo in snapshot.todos:
        if todo.parent_id is not None:
            continue
        items.append(_item(todo, ""))
        items.extend(
            _item(by_id[subtask_id], SUBTASK_PREFIX)
            for subtask_id in todo.subtask_ids
            if subtask_id in by_id
        )
    return items


def _item(todo: Todo, prefix: str) -> TodoItem:
    return TodoItem(
        summary=prefix + todo.title,
        uid=todo.object_id,
        status=TodoItemStatus.COMPLETED if todo.done else TodoItemStatus.NEEDS_ACTION,
        due=None if todo.due is None else due_for_home_assistant(todo.due),
        description=todo.comment or None,
    )


def supported_due[DueT: date | datetime | None](due: DueT) -> DueT:
    """Return a due date from the frontend or Assist; refuse a year like 1 or 9999."""
    if due is not None and due.year not in SUPPORTED_YEARS:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="invalid_due",
            translation_placeholders={"due": due.isoformat()},
        )
    return due


def title_of(item: TodoItem) -> str:
    """Return the title to store for an item: its summary without the subtask prefix."""
    return (item.summary or "").removeprefix(SUBTASK_PREFIX).strip()


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
        self._attr_todo_items = ordered_items(coordinator.data)
        # Assist finds a list by its full name, which starts with the device's name;
        # off the device, the list is just "Tasks" and "add milk to my tasks" works.
        self._attr_device_info = None
        entry = coordinator.config_entry
        if not _is_first_account(coordinator.hass, entry):
            # Two lists called "Tasks" would make Assist ask which one is meant.
            self._attr_translation_key = "account_tasks"
            self._attr_translation_placeholders = {"account": entry.data[CONF_USERNAME]}

    @callback
    @override
    def _handle_coordinator_update(self) -> None:
        # Built once per snapshot: the state, the card and Assist all read the items.
        self._attr_todo_items = ordered_items(self.coordinator.data)
        super()._handle_coordinator_update()

    @override
    async def async_create_todo_item(self, item: TodoItem) -> None:
        with translate_dsm_errors(self.hass, self.coordinator.config_entry):
            await self.coordinator.notestation.create_todo(
                title_of(item),
                due=None if item.due is None else due_for_dsm(supported_due(item.due)),
                comment=item.description or "",
            )
        await self.coordinator.async_refresh()

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
        with translate_dsm_errors(self.hass, self.coordinator.config_entry):
            await self.coordinator.notestation.set_todos([todo.object_id], changes)
        await self.coordinator.async_refresh()

    @override
    async def async_delete_todo_items(self, uids: list[str]) -> None:
        with translate_dsm_errors(self.hass, self.coordinator.config_entry):
            await self.coordinator.notestation.delete_todos(uids)
        await self.coordinator.async_refresh()


def task_list_name(task_list: SynoCalendar, account: str | None) -> str:
    """Name a Calendar task list so voice tells it from Note Station's "Tasks".

    DSM's default list is "My Tasks", and Assist hears "my tasks" as Note Station's
    list; "Calendar" in front (and a leading "My " dropped) keeps both reachable:
    "add milk to my tasks", "add milk to my calendar tasks". Lists of accounts added
    after the first also name the account, as Note Station's do.
    """
    name = calendar_name(task_list)
    if name.casefold().startswith("my "):
        name = name[3:]
    return f"Calendar {name}" if account is None else f"Calendar {name} ({account})"


def task_item(task: CalTask) -> TodoItem:
    """Show a Calendar task as a to-do item; its uid is DSM's evt_id."""
    due = task.draft.due
    return TodoItem(
        summary=task.summary,
        uid=str(task.evt_id),
        status=TodoItemStatus.COMPLETED
        if task.draft.done
        else TodoItemStatus.NEEDS_ACTION,
        due=dt_util.as_local(due) if isinstance(due, datetime) else due,
        description=task.draft.description or None,
    )


class CalendarTaskList(DsmEntity, TodoListEntity):
    """One Synology Calendar task list.

    Off the device, like Note Station's list, so Assist finds it by its own name
    (task_list_name).
    """

    _attr_supported_features = (
        TodoListEntityFeature.CREATE_TODO_ITEM
        | TodoListEntityFeature.UPDATE_TODO_ITEM
        | TodoListEntityFeature.DELETE_TODO_ITEM
        | TodoListEntityFeature.SET_DUE_DATE_ON_ITEM
        | TodoListEntityFeature.SET_DUE_DATETIME_ON_ITEM
        | TodoListEntityFeature.SET_DESCRIPTION_ON_ITEM
    )
    coordinator: CalendarCoordinator

    def __init__(
        self, coordinator: CalendarCoordinator, task_list: SynoCalendar
    ) -> None:
        """Follow task_list."""
        super().__init__(coordinator, "calendar_tasks")
        self.cal_id = task_list.cal_id
        self._attr_unique_id = (
            f"{coordinator.config_entry.unique_id}_calendar_{task_list.cal_id}"
        )
        self._attr_translation_key = None
        entry = coordinator.config_entry
        self._attr_name = task_list_name(
            task_list,
            None
            if _is_first_account(coordinator.hass, entry)
            else entry.data[CONF_USERNAME],
        )
        self._attr_device_info = None

    @property
    def task_list(self) -> SynoCalendar:
        """Return the task list as last read; writes to a vanished one are refused."""
        return writable(self.coordinator.data.calendar(self.cal_id))

    @property
    @override
    def available(self) -> bool:
        return (
            super().available
            and self.coordinator.data.calendar(self.cal_id) is not None
        )

    @property
    @override
    def todo_items(self) -> list[TodoItem]:
        list_id = self.coordinator.data.calendar(self.cal_id)
        return [
            task_item(task)
            for task in self.coordinator.data.tasks
            if list_id is not None and task.list_id == list_id.original_cal_id
        ]

    def _task(self, uid: str | None) -> CalTask:
        """Return the task behind an item; Home Assistant passes only listed items."""
        return next(
            task for task in self.coordinator.data.tasks if str(task.evt_id) == uid
        )

    @override
    async def async_create_todo_item(self, item: TodoItem) -> None:
        task_list = self.task_list
        draft = TaskDraft(
            summary=item.summary or "",
            description=item.description or "",
            due=supported_due(item.due),
            done=item.status == TodoItemStatus.COMPLETED,
            tz_id=str(self.hass.config.time_zone),
        )
        with translate_dsm_errors(self.hass, self.coordinator.config_entry):
            await self.coordinator.api.create_task(task_list, draft)
        await self.coordinator.async_refresh()

    @override
    async def async_update_todo_item(self, item: TodoItem) -> None:
        self.task_list  # noqa: B018 - refuses a read-only or vanished list
        task = self._task(item.uid)
        # Assist's "check off" gives only the summary and status: no due date or
        # description means "not given" then, as for Note Station's list.
        status_only = item.due is None and item.description is None
        draft = replace(
            task.draft,
            summary=item.summary or task.summary,
            done=item.status == TodoItemStatus.COMPLETED,
        )
        if not status_only:
            draft = replace(
                draft, due=supported_due(item.due), description=item.description or ""
            )
        if draft == task.draft:
            return
        with translate_dsm_errors(self.hass, self.coordinator.config_entry):
            await self.coordinator.api.update_task(task, draft)
        await self.coordinator.async_refresh()

    @override
    async def async_delete_todo_items(self, uids: list[str]) -> None:
        self.task_list  # noqa: B018 - refuses a read-only or vanished list
        tasks = [self._task(uid) for uid in uids]
        with translate_dsm_errors(self.hass, self.coordinator.config_entry):
            for task in tasks:
                await self.coordinator.api.delete_task(task.evt_id)
        await self.coordinator.async_refresh()
