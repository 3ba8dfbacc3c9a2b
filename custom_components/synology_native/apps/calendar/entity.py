"""What Calendar's entities and actions share: following calendars, names, writes."""

from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from homeassistant.core import callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er

from custom_components.synology_native.api.calendar import (
    EventDraft,
    RecurrenceError,
    SynoCalendar,
    repeat_from_rrule,
    split_meeting_url,
)
from custom_components.synology_native.const import DOMAIN, SUPPORTED_YEARS
from custom_components.synology_native.services import invalid

if TYPE_CHECKING:
    from collections.abc import Callable

    from homeassistant.const import Platform
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
        raise invalid("calendar_summary_empty")
    if start.year not in SUPPORTED_YEARS or end.year not in SUPPORTED_YEARS:
        raise invalid("invalid_time", time=start.isoformat())
    tz_id = str(hass.config.time_zone)
    if isinstance(start, datetime) and start.tzinfo is not None:
        tz_id = str(getattr(start.tzinfo, "key", tz_id))
    description, meeting_url = split_meeting_url(fields.get("description") or "")
    rrule = fields.get("rrule")
    try:
        repeat = repeat_from_rrule(rrule, start) if rrule else None
    except RecurrenceError as err:
        raise invalid("calendar_rule_unsupported", rule=str(rrule)) from err
    if repeat is not None and (repeat.count or 0) > MAX_REPEAT_COUNT:
        raise invalid("calendar_count_too_large", limit=str(MAX_REPEAT_COUNT))
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
