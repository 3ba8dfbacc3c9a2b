"""Calendars of Synology Native: each app adds its own (``apps/<app>/calendar.py``)."""

from homeassistant.const import Platform

from .apps import app_platform_setup

# One writer per NAS: edits wait for each other.
PARALLEL_UPDATES = 1

async_setup_entry = app_platform_setup(Platform.CALENDAR)
