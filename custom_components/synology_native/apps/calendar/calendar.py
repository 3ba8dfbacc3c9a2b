"""Synology Calendar: a calendar entity per calendar the user owns or that is shared.

Events keep their iCalendar UID as Home Assistant's uid, and each occurrence of a
series its ``recurrence_id``, so the frontend's edit and delete scopes (this event,
this and following, all) map onto DSM's occurrence-level calls.
"""

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, override

from homeassistant.components.calendar import CalendarEntity, CalendarEvent
from homeassistant.components.calendar.const import CalendarEntityFeature
from homeassistant.const import Platform
from homeassistant.util import dt as dt_util

from custom_components.synology_native.api.calendar import (
    CalEvent,
    EventDraft,
    SynoCalendar,
    with_meeting_url,
)
from custom_components.synology_native.entity import DsmEntity, dsm_errors
from custom_components.synology_native.services import invalid

from .entity import (
    THIS_AND_FUTURE,
    calendar_name,
    calendar_unique_id,
    draft_from_ha,
    follow_calendars,
    writable,
)
from .services import (
    ATTR_ETAG,
    ATTR_ICS,
    ATTR_PATH,
    ATTR_RRULE,
    ATTR_UID,
    counted,
    draft_of,
    event_range,
    event_response,
    export_target,
    ics_to_import,
    scope_of,
    write_export,
)

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant, ServiceResponse

    from .coordinator import CalendarCoordinator


def ha_event(event: CalEvent) -> CalendarEvent:
    """Show an event (or occurrence) as Home Assistant's calendar event."""
    draft = event.draft
    start, end = draft.start, draft.end
    if isinstance(start, datetime) and isinstance(end, datetime):
        start, end = dt_util.as_local(start), dt_util.as_local(end)
    return CalendarEvent(
        start=start,
        end=end,
        summary=draft.summary,
        description=with_meeting_url(draft.description, draft.meeting_url) or None,
        location=draft.location or None,
        uid=event.uid,
        recurrence_id=event.recurrence_id,
        rrule=event.rrule,
    )


class SynologyCalendar(DsmEntity, CalendarEntity):
    """One Synology calendar of the signed-in user."""

    coordinator: CalendarCoordinator

    def __init__(
        self, coordinator: CalendarCoordinator, calendar: SynoCalendar
    ) -> None:
        """Follow calendar."""
        super().__init__(coordinator, "calendar")
        self.cal_id = calendar.cal_id
        self._attr_unique_id = calendar_unique_id(coordinator, calendar.cal_id)
        self._attr_translation_key = None
        self._attr_name = calendar_name(calendar)
        if calendar.color:
            self._attr_initial_color = calendar.color[:7]

    @property
    def calendar(self) -> SynoCalendar | None:
        """Return the calendar as last read, None once it is gone."""
        return self.coordinator.data.calendar(self.cal_id)

    @property
    @override
    def available(self) -> bool:
        return super().available and self.calendar is not None

    @property
    @override
    def supported_features(self) -> CalendarEntityFeature:
        calendar = self.calendar
        if calendar is None or not calendar.writable:
            return CalendarEntityFeature(0)
        return (
            CalendarEntityFeature.CREATE_EVENT
            | CalendarEntityFeature.UPDATE_EVENT
            | CalendarEntityFeature.DELETE_EVENT
        )

    @property
    @override
    def event(self) -> CalendarEvent | None:
        now = dt_util.now()
        for event in self.coordinator.data.events:
            shown = ha_event(event)
            if event.cal_id == self.cal_id and shown.end_datetime_local > now:
                return shown
        return None

    @dsm_errors
    @override
    async def async_get_events(
        self, hass: HomeAssistant, start_date: datetime, end_date: datetime
    ) -> list[CalendarEvent]:
        events = await self.coordinator.async_events(self.cal_id, start_date, end_date)
        return [ha_event(event) for event in events]

    def writable_calendar(self) -> SynoCalendar:
        """Return the calendar, refusing before anything is sent if it is read-only."""
        return writable(self.calendar)

    @override
    async def async_create_event(self, **kwargs: Any) -> None:
        await self.async_create(draft_from_ha(self.hass, kwargs, None))

    @dsm_errors
    async def async_create(self, draft: EventDraft) -> CalEvent:
        """Create an event from a complete draft and refresh."""
        calendar = self.writable_calendar()
        created = await self.coordinator.api.create_event(calendar, draft)
        await self._async_changed()
        return created

    @dsm_errors
    async def async_find(self, uid: str, recurrence_id: str | None) -> CalEvent:
        """Return the series (or event) with uid, or its occurrence recurrence_id."""
        calendar = self.writable_calendar()
        event = await self.coordinator.api.event_by_uid(calendar.cal_id, uid)
        if recurrence_id:
            event = await self.coordinator.api.event(event.evt_id, recurrence_id)
        return event

    @override
    async def async_update_event(
        self,
        uid: str,
        event: dict[str, Any],
        recurrence_id: str | None = None,
        recurrence_range: str | None = None,
    ) -> None:
        found = await self.async_find(uid, recurrence_id)
        draft = draft_from_ha(self.hass, event, found.draft)
        if recurrence_id and not event.get("rrule") and found.draft.repeat is not None:
            # The frontend sends no rule for one occurrence; "this and following"
            # keeps the series' rule from there on.
            draft = replace(draft, repeat=found.draft.repeat)
        await self.async_apply(found, draft, recurrence_range)

    @dsm_errors
    async def async_apply(
        self, found: CalEvent, draft: EventDraft, recurrence_range: str | None
    ) -> CalEvent:
        """Apply draft to an event, one occurrence, or an occurrence and the rest."""
        api = self.coordinator.api
        if found.recurrence_id is None:
            updated = await api.update_event(found, draft)
        elif recurrence_range == THIS_AND_FUTURE:
            updated = await api.update_following(found, draft)
        else:
            updated = await api.update_occurrence(found, replace(draft, repeat=None))
        await self._async_changed()
        return updated

    @override
    async def async_delete_event(
        self,
        uid: str,
        recurrence_id: str | None = None,
        recurrence_range: str | None = None,
    ) -> None:
        await self.async_delete(
            await self.async_find(uid, recurrence_id), recurrence_range
        )

    @dsm_errors
    async def async_delete(self, found: CalEvent, recurrence_range: str | None) -> None:
        """Delete an event (a whole series), one occurrence, or it and the rest."""
        api = self.coordinator.api
        if found.recurrence_id is None:
            await api.delete_event(found.evt_id)
        elif recurrence_range == THIS_AND_FUTURE:
            await api.delete_following(found)
        else:
            await api.delete_occurrence(found)
        await self._async_changed()

    # The integration's calendar actions (services.py reads their fields).

    @dsm_errors
    async def async_action_get_events(self, /, **data: Any) -> ServiceResponse:
        """Return the events in the range the action names, with DSM's ids."""
        start, end = event_range(self.hass, data)
        events = await self.coordinator.async_events(self.cal_id, start, end)
        return {"events": [event_response(event) for event in events]}

    async def async_action_create_event(self, /, **data: Any) -> ServiceResponse:
        """Create the event the action describes."""
        self.writable_calendar()
        return event_response(await self.async_create(draft_of(self.hass, data, None)))

    async def async_action_update_event(self, /, **data: Any) -> ServiceResponse:
        """Change an event, one occurrence, or an occurrence and the rest."""
        recurrence_id, recurrence_range = scope_of(data)
        found = await self.async_find(data[ATTR_UID], recurrence_id)
        if ATTR_ETAG in data:
            # The caller's etag: DSM refuses the write if the event changed since.
            found = replace(found, etag=data[ATTR_ETAG])
        draft = draft_of(self.hass, data, found.draft)
        if recurrence_id and ATTR_RRULE not in data:
            draft = replace(draft, repeat=found.draft.repeat)
        return event_response(await self.async_apply(found, draft, recurrence_range))

    async def async_action_delete_event(self, /, **data: Any) -> None:
        """Delete an event, one occurrence, or an occurrence and the rest."""
        recurrence_id, recurrence_range = scope_of(data)
        found = await self.async_find(data[ATTR_UID], recurrence_id)
        await self.async_delete(found, recurrence_range)

    @dsm_errors
    async def async_action_export_ics(self, /, **data: Any) -> ServiceResponse:
        """Return the calendar as iCalendar text, or write it to a file."""
        target = await export_target(self.hass, data)
        ics = await self.coordinator.api.export_ics(self.cal_id)
        if target is None:
            return {ATTR_ICS: ics}
        try:
            await write_export(self.hass, target, ics)
        except OSError as err:
            raise invalid("file_not_writable", path=str(target)) from err
        return {ATTR_PATH: str(target)}

    @dsm_errors
    async def async_action_import_ics(self, /, **data: Any) -> ServiceResponse:
        """Import iCalendar text into the calendar; return what it held."""
        calendar = self.writable_calendar()
        ics = await ics_to_import(self.hass, data)
        counts = counted(ics)
        await self.coordinator.api.import_ics(calendar.cal_id, ics)
        await self._async_changed()
        return counts

    async def _async_changed(self) -> None:
        await self.coordinator.async_refresh()
        self.async_update_event_listeners()


async_add_calendars = follow_calendars(
    Platform.CALENDAR, lambda snapshot: snapshot.calendars, SynologyCalendar
)
