"""A real `hass` process, set up the way scripts/develop does, against the simulator."""

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
import os
from pathlib import Path
import socket
import sys

import aiohttp
import pytest

from scripts.develop_bootstrap import prepare

REPO = Path(__file__).resolve().parents[2]
# The README's example dashboard (docs/dashboard.yaml), in YAML mode.
DASHBOARD = "synology-native"
DASHBOARD_TITLE = "Synology"

# Only what the tests need.
CONFIGURATION = f"""\
homeassistant:
  name: Synology Native end-to-end
config:
logger:
  default: warning
http:
  server_host: 127.0.0.1
  server_port: {{port}}
lovelace:
  dashboards:
    {DASHBOARD}:
      mode: yaml
      title: {DASHBOARD_TITLE}
      filename: {DASHBOARD}.yaml
"""


@dataclass(frozen=True)
class LiveHomeAssistant:
    """A running Home Assistant: where it listens and the owner's access token."""

    url: str
    token: str


def free_port() -> int:
    """Return a loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def home_assistant(
    tmp_path: Path, dsm_url: str
) -> AsyncIterator[LiveHomeAssistant]:
    """Start `hass` on a fresh config, onboard it and add Synology Native for the demo."""
    port = free_port()
    config = tmp_path / "config"
    config.mkdir()
    (config / "configuration.yaml").write_text(CONFIGURATION.format(port=port))
    (config / f"{DASHBOARD}.yaml").write_text(
        (REPO / "docs" / "dashboard.yaml").read_text()
    )
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
    url = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            token = await prepare(http, url, dsm_url)
        yield LiveHomeAssistant(url, token)
    finally:
        hass.terminate()
        await hass.wait()
