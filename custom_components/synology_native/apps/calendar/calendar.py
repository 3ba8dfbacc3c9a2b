"""Synology Calendar: a calendar entity per calendar the user owns or that is shared.

Events keep their iCalendar UID as Home Assistant's uid, and each occurrence of a
series its ``recurrence_id``, so the frontend's edit and delete scopes (this event,
this and following, all) map onto DSM's occurrence-level calls.
"""

from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, override

from homeassistant.components.calendar import CalendarEntity, CalendarEvent
from homeassistant.components.calendar.const import CalendarEntityFeature
from homeassistant.const import Platform
from homeassistant.core import callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util

from custom_components.synology_native.api.calendar import (
    CalEvent,
    EventDraft,
    RecurrenceError,
    SynoCalendar,
    repeat_from_rrule,
    split_meeting_url,
    with_meeting_url,
)
from custom_components.synology_native.const import DOMAIN, SUPPORTED_YEARS
from custom_components.synology_native.entity import DsmEntity, dsm_errors

if TYPE_CHECKING:
    from collections.abc import Callable

    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity import Entity
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from custom_components.synology_native.apps.spec import AddEntities
    from custom_components.synology_native.data import DsmConfigEntry

    from .coordinator import CalendarApp, CalendarCoordinator, CalendarSnapshot

# Home Assistant's recurrence_range for "this and following" (RFC 5545 RANGE).
THIS_AND_FUTURE = "THISANDFUTURE"
# The most occurrences a series may be given (ten years of a daily one, and some).
MAX_REPEAT_COUNT = 5000


def follow_calendars(
    platform: Platform,
    listed: Callable[[CalendarSnapshot], tuple[SynoCalendar, ...]],
    make: Callable[[CalendarCoordinator, SynoCalendar], Entity],
) -> AddEntities[CalendarApp]:
    """Add one entity of platform per listed calendar, now and as calendars come and go."""

    @callback
    def async_add(
        hass: HomeAssistant,
        _entry: DsmConfigEntry,
        calendar: CalendarApp,
        async_add_entities: AddConfigEntryEntitiesCallback,
    ) -> None:
        coordinator = calendar.coordinator
        added: set[str] = set()
        registry = er.async_get(hass)

        @callback
        def follow() -> None:
            current = {item.cal_id: item for item in listed(coordinator.data)}
            new = [item for cal_id, item in current.items() if cal_id not in added]
            for cal_id in added - current.keys():
                unique_id = calendar_unique_id(coordinator, cal_id)
                if entity_id := registry.async_get_entity_id(
                    platform, DOMAIN, unique_id
                ):
                    registry.async_remove(entity_id)
            added.intersection_update(current)
            added.update(item.cal_id for item in new)
            if new:
                async_add_entities([make(coordinator, item) for item in new])

        follow()
        coordinator.config_entry.async_on_unload(coordinator.async_add_listener(follow))

    return async_add


def calendar_unique_id(coordinator: CalendarCoordinator, cal_id: str) -> str:
    """Return the unique id of the entity of a calendar or task list."""
    return f"{coordinator.config_entry.unique_id}_calendar_{cal_id}"


def calendar_name(calendar: SynoCalendar) -> str:
    """Name a calendar as its owner does; one shared with the user names the owner."""
    return f"{calendar.name} ({calendar.owner})" if calendar.shared else calendar.name


def writable(calendar: SynoCalendar | None) -> SynoCalendar:
    """Return a calendar (or task list) to write to, refusing a gone or read-only one.

    The refusal comes before anything is sent to the NAS.
    """
    if calendar is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="calendar_gone"
        )
    if not calendar.writable:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="calendar_read_only",
            translation_placeholders={"calendar": calendar_name(calendar)},
        )
    return calendar


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


def _invalid(key: str, **placeholders: str) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders or None,
    )


def draft_from_ha(
    hass: HomeAssistant, fields: dict[str, Any], base: EventDraft | None
) -> EventDraft:
    """Build what DSM stores from the frontend's (or an action's) event fields.

    Fields DSM keeps beyond Home Assistant's (reminders, attendees, colour, meeting
    link) are kept from base; the rule is read only where DSM can store it.
    """
    start: date | datetime = fields["dtstart"]
    end: date | datetime = fields["dtend"]
    summary = fields["summary"].strip()
    if not summary:
        raise _invalid("calendar_summary_empty")
    if start.year not in SUPPORTED_YEARS or end.year not in SUPPORTED_YEARS:
        raise _invalid("invalid_time", time=start.isoformat())
    tz_id = str(hass.config.time_zone)
    if isinstance(start, datetime) and start.tzinfo is not None:
        tz_id = str(getattr(start.tzinfo, "key", tz_id))
    description, meeting_url = split_meeting_url(fields.get("description") or "")
    rrule = fields.get("rrule")
    try:
        repeat = repeat_from_rrule(rrule, start) if rrule else None
    except RecurrenceError as err:
        raise _invalid("calendar_rule_unsupported", rule=str(rrule)) from err
    if repeat is not None and (repeat.count or 0) > MAX_REPEAT_COUNT:
        raise _invalid("calendar_count_too_large", limit=str(MAX_REPEAT_COUNT))
    draft = EventDraft(
        summary=summary,
        start=start,
        end=end,
        tz_id=tz_id,
        description=description.strip(),
        location=fields.get("location") or "",
        meeting_url=meeting_url,
        repeat=repeat,
    )
    if base is None:
        return draft
    return replace(
        base,
        summary=draft.summary,
        start=start,
        end=end,
        tz_id=tz_id,
        description=draft.description,
        location=draft.location,
        meeting_url=meeting_url or base.meeting_url,
        repeat=repeat,
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

    async def _async_changed(self) -> None:
        await self.coordinator.async_refresh()
        self.async_update_event_listeners()


async_add_calendars = follow_calendars(
    Platform.CALENDAR, lambda snapshot: snapshot.calendars, SynologyCalendar
)
