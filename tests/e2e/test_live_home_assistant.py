"""Onboarding and the config flow over REST, as scripts/develop does them."""

import aiohttp
import pytest

from scripts.develop_bootstrap import prepare, synology_entries
from tests.fake_dsm import FakeDsm

from .conftest import LiveHomeAssistant

VERSION_ENTITY = "sensor.ds923_demo_dsm_version"


@pytest.mark.timeout(180)
async def test_develop_setup_in_a_real_home_assistant(
    fake_dsm: FakeDsm, home_assistant: LiveHomeAssistant, dsm_url: str
) -> None:
    """Onboarding and the config flow over REST give a working entry in a real hass."""
    async with (
        aiohttp.ClientSession() as http,
        http.get(
            f"{home_assistant.url}/api/states/{VERSION_ENTITY}",
            headers={"Authorization": f"Bearer {home_assistant.token}"},
        ) as response,
    ):
        state = await response.json()
    assert state["state"] == fake_dsm.store.dsm_version
    assert fake_dsm.store.sessions
    # scripts/develop started again on the same configuration: every step is skipped.
    async with aiohttp.ClientSession() as http:
        await prepare(http, home_assistant.url, dsm_url)
        entries = await synology_entries(
            http,
            home_assistant.url,
            {"Authorization": f"Bearer {home_assistant.token}"},
        )
    assert [entry["num_subentries"] for entry in entries] == [1]  # Alice, for Assist
