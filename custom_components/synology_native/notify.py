"""Notify entities of Synology Native: each app adds its own (``apps/<app>/notify.py``)."""

from homeassistant.const import Platform

from .apps import app_platform_setup

# Each message is one write to the NAS.
PARALLEL_UPDATES = 1

async_setup_entry = app_platform_setup(Platform.NOTIFY)
