"""A real `hass` process, set up the way scripts/develop does, against the simulator."""

import asyncio
import os
from pathlib import Path
import socket
import sys

import aiohttp
import pytest

from scripts.develop_bootstrap import prepare
from tests.fake_dsm import FakeDsm

REPO = Path(__file__).resolve().parents[2]
VERSION_ENTITY = "sensor.ds923_demo_dsm_version"

# Only what the test needs; the frontend is a development-only requirement.
CONFIGURATION = """\
homeassistant:
  name: Synology Native end-to-end
config:
logger:
  default: warning
http:
  server_host: 127.0.0.1
  server_port: {port}
"""


def free_port() -> int:
    """Return a loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.timeout(180)
async def test_develop_setup_in_a_real_home_assistant(
    tmp_path: Path, fake_dsm: FakeDsm, dsm_url: str
) -> None:
    """Onboarding and the config flow over REST give a working entry in a real hass."""
    port = free_port()
    config = tmp_path / "config"
    config.mkdir()
    (config / "configuration.yaml").write_text(CONFIGURATION.format(port=port))
    (config / "custom_components").symlink_to(REPO / "custom_components")
    hass = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "homeassistant",
        "--config",
        str(config),
        "--skip-pip",
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    ha_url = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            token = await prepare(http, ha_url, dsm_url)
            async with http.get(
                f"{ha_url}/api/states/{VERSION_ENTITY}",
                headers={"Authorization": f"Bearer {token}"},
            ) as response:
                state = await response.json()
            signed_in = bool(fake_dsm.store.sessions)
    finally:
        hass.terminate()
        await hass.wait()
    assert state["state"] == fake_dsm.store.dsm_version
    assert signed_in
