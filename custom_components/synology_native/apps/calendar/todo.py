"""Synology Calendar's task lists, each a to-do list."""

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, override

from homeassistant.components.todo.const import TodoItemStatus, TodoListEntityFeature
from homeassistant.components.todo.entity import TodoItem, TodoListEntity
from homeassistant.const import CONF_USERNAME, Platform
from homeassistant.core import callback
from homeassistant.util import dt as dt_util

from custom_components.synology_native.api.calendar import (
    CalTask,
    SynoCalendar,
    TaskDraft,
)
from custom_components.synology_native.entity import (
    DsmEntity,
    dsm_errors,
    is_first_account,
    supported_due,
)

from .entity import calendar_name, follow_calendars, writable

if TYPE_CHECKING:
    from .coordinator import CalendarCoordinator


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
            if is_first_account(coordinator.hass, entry)
            else entry.data[CONF_USERNAME],
        )
        self._attr_device_info = None
        self._attr_todo_items = self._items()

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

    def _items(self) -> list[TodoItem]:
        list_id = self.coordinator.data.calendar(self.cal_id)
        return [
            task_item(task)
            for task in self.coordinator.data.tasks
            if list_id is not None and task.list_id == list_id.original_cal_id
        ]

    @callback
    @override
    def _handle_coordinator_update(self) -> None:
        # Built once per snapshot: the state, the card and Assist all read the items.
        self._attr_todo_items = self._items()
        super()._handle_coordinator_update()

    def _task(self, uid: str | None) -> CalTask:
        """Return the task behind an item; Home Assistant passes only listed items."""
        return next(
            task for task in self.coordinator.data.tasks if str(task.evt_id) == uid
        )

    @dsm_errors
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
        await self.coordinator.api.create_task(task_list, draft)
        await self.coordinator.async_refresh()

    @dsm_errors
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
        await self.coordinator.api.update_task(task, draft)
        await self.coordinator.async_refresh()

    @dsm_errors
    @override
    async def async_delete_todo_items(self, uids: list[str]) -> None:
        self.task_list  # noqa: B018 - refuses a read-only or vanished list
        tasks = [self._task(uid) for uid in uids]
        for task in tasks:
            await self.coordinator.api.delete_task(task.evt_id)
        await self.coordinator.async_refresh()


async_add_task_lists = follow_calendars(
    Platform.TODO, lambda snapshot: snapshot.task_lists, CalendarTaskList
)
