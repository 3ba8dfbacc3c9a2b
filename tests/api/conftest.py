"""Fixtures of the client tests: a plain aiohttp session and a client for the demo account."""

from typing import TYPE_CHECKING

import aiohttp
import pytest

from custom_components.synology_native.api import DsmClient, PasswordCredentials
from tests.fake_dsm.store import DEMO_PASSWORD, DEMO_USER

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

DEMO = PasswordCredentials(DEMO_USER, DEMO_PASSWORD)


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    """Give a plain aiohttp session, as a library user would inject it."""
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def client(http: aiohttp.ClientSession, dsm_url: str) -> DsmClient:
    """Give a client for the demo account on the simulator, not yet signed in."""
    return DsmClient(http, dsm_url, credentials=DEMO)
