"""Event entities of Synology Native: each app adds its own (``apps/<app>/event.py``)."""

from homeassistant.const import Platform

from .apps import app_platform_setup

# Fed by the listener: nothing to poll.
PARALLEL_UPDATES = 0

async_setup_entry = app_platform_setup(Platform.EVENT)
