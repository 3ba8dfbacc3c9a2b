"""Bring a fresh development Home Assistant to a usable state, then print how to log in.

Drives Home Assistant's own onboarding and config-flow REST API the way the frontend
does: create the owner account, finish onboarding, and add Synology Native against
the simulator. Every step is skipped when already done, so restarts are quick. The
logins are printed once Home Assistant has started and the entry is loaded, so they
come after the start-up messages instead of scrolling away among them.
"""

import argparse
import asyncio
from http import HTTPStatus
import sys
from typing import Any

import aiohttp

from tests.fake_dsm.demo import TOTP_COMMAND, demo_logins
from tests.fake_dsm.store import DEMO_OTP_USER, DEMO_PASSWORD, DEMO_USER

HA_USER = "dev"
HA_PASSWORD = "synology-native-dev"  # a throwaway local demo account
# The demo account to try single sign-on with (DEMO_USER is added with its password);
# it has 2-step verification, so the sign-in also shows the code step.
SSO_USER = DEMO_OTP_USER
DOMAIN = "synology_native"
STARTUP_SECONDS = 120


async def onboarding_steps(
    http: aiohttp.ClientSession, url: str
) -> list[dict[str, Any]]:
    """Wait for Home Assistant, then return the onboarding steps (none once onboarded)."""
    for _ in range(STARTUP_SECONDS * 2):
        try:
            async with http.get(f"{url}/api/onboarding") as response:
                # The onboarding views are only registered until onboarding is done.
                if response.status == HTTPStatus.NOT_FOUND:
                    return []
                if response.status == HTTPStatus.OK:
                    return list(await response.json())
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.5)
    sys.exit(f"Home Assistant did not start at {url}")


async def token_for(http: aiohttp.ClientSession, url: str, code: str) -> str:
    """Exchange an authorization code for an access token."""
    form = {"grant_type": "authorization_code", "code": code, "client_id": f"{url}/"}
    async with http.post(f"{url}/auth/token", data=form) as response:
        response.raise_for_status()
        return str((await response.json())["access_token"])


async def log_in(
    http: aiohttp.ClientSession, url: str, steps: list[dict[str, Any]]
) -> str:
    """Create the owner account on first start, otherwise log in as it."""
    client_id = f"{url}/"
    if any(step["step"] == "user" and not step["done"] for step in steps):
        owner = {
            "client_id": client_id,
            "name": "Developer",
            "username": HA_USER,
            "password": HA_PASSWORD,
            "language": "en",
        }
        async with http.post(f"{url}/api/onboarding/users", json=owner) as response:
            response.raise_for_status()
            return await token_for(http, url, (await response.json())["auth_code"])
    flow = {
        "client_id": client_id,
        "handler": ["homeassistant", None],
        "redirect_uri": client_id,
    }
    async with http.post(f"{url}/auth/login_flow", json=flow) as response:
        response.raise_for_status()
        flow_id = (await response.json())["flow_id"]
    login = {"client_id": client_id, "username": HA_USER, "password": HA_PASSWORD}
    async with http.post(f"{url}/auth/login_flow/{flow_id}", json=login) as response:
        response.raise_for_status()
        return await token_for(http, url, (await response.json())["result"])


async def finish_onboarding(
    http: aiohttp.ClientSession,
    url: str,
    steps: list[dict[str, Any]],
    headers: dict[str, str],
) -> None:
    """Complete the onboarding steps after the owner account."""
    bodies = {
        "core_config": {},
        "analytics": {},
        "integration": {"client_id": f"{url}/", "redirect_uri": f"{url}/"},
    }
    for step in steps:
        if step["done"] or step["step"] not in bodies:
            continue
        async with http.post(
            f"{url}/api/onboarding/{step['step']}",
            json=bodies[step["step"]],
            headers=headers,
        ) as response:
            response.raise_for_status()


async def synology_entries(
    http: aiohttp.ClientSession, url: str, headers: dict[str, str]
) -> list[dict[str, Any]]:
    """Return Home Assistant's Synology Native config entries."""
    async with http.get(
        f"{url}/api/config/config_entries/entry",
        params={"domain": DOMAIN},
        headers=headers,
    ) as response:
        response.raise_for_status()
        entries: list[dict[str, Any]] = await response.json()
        return entries


def demo_entry(entries: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Return the entry of the demo DSM account among entries (titled "<model> demo").

    Others, such as the README's single sign-on demo, may be there too.
    """
    return next(
        (entry for entry in entries if entry["title"].rsplit(" ", 1)[-1] == DEMO_USER),
        None,
    )


async def add_integration(
    http: aiohttp.ClientSession, url: str, dsm_url: str, headers: dict[str, str]
) -> None:
    """Add Synology Native for the demo DSM account unless it is there already."""
    if demo_entry(await synology_entries(http, url, headers)) is not None:
        return
    async with http.post(
        f"{url}/api/config/config_entries/flow",
        json={"handler": DOMAIN},
        headers=headers,
    ) as response:
        response.raise_for_status()
        flow_id = (await response.json())["flow_id"]
    for answer in (
        {"url": dsm_url, "verify_ssl": False},
        {"next_step_id": "credentials"},  # the sign-in method menu
        {"username": DEMO_USER, "password": DEMO_PASSWORD},
    ):
        async with http.post(
            f"{url}/api/config/config_entries/flow/{flow_id}",
            json=answer,
            headers=headers,
        ) as response:
            response.raise_for_status()
            result = await response.json()
    if result.get("type") != "create_entry":
        sys.exit(f"Adding Synology Native did not finish: {result}")


async def until_started(
    http: aiohttp.ClientSession, url: str, headers: dict[str, str]
) -> None:
    """Wait until Home Assistant runs and the demo account's entry is loaded.

    Only that one: a single sign-on entry waits for a new sign-in after a restart (the
    simulator forgot its session), which no waiting brings.
    """
    for _ in range(STARTUP_SECONDS * 2):
        async with http.get(f"{url}/api/config", headers=headers) as response:
            running = (await response.json())["state"] == "RUNNING"
        entry = demo_entry(await synology_entries(http, url, headers))
        if running and entry is not None and entry["state"] == "loaded":
            return
        await asyncio.sleep(0.5)
    sys.exit(f"Home Assistant at {url} did not finish starting")


async def flow_step(
    http: aiohttp.ClientSession, url: str, headers: dict[str, str], body: dict[str, Any]
) -> dict[str, Any]:
    """POST one step of a flow and return Home Assistant's answer."""
    async with http.post(url, json=body, headers=headers) as response:
        response.raise_for_status()
        result: dict[str, Any] = await response.json()
        return result


def option_labelled(form: dict[str, Any], field: str, label: str) -> str:
    """Return the value of the select option shown as label in a flow form."""
    for item in form["data_schema"]:
        if item["name"] == field:
            for option in item["selector"]["select"]["options"]:
                if option["label"] == label:
                    return str(option["value"])
    sys.exit(f"The form has no {label} for {field}: {form}")


async def enable_chat_assist(
    http: aiohttp.ClientSession, url: str, headers: dict[str, str]
) -> None:
    """Let the demo user Alice talk to Assist from Chat, as the Developer user."""
    entry = demo_entry(await synology_entries(http, url, headers))
    if entry is None:
        sys.exit("The demo account's entry is gone")
    if entry["num_subentries"]:
        return  # a restart of the demo: Alice is allowed already
    entry_id = entry["entry_id"]
    subentries = f"{url}/api/config/config_entries/subentries/flow"
    form = await flow_step(
        http, subentries, headers, {"handler": [entry_id, "chat_assist_user"]}
    )
    await flow_step(
        http,
        f"{subentries}/{form['flow_id']}",
        headers,
        {
            "chat_user_id": option_labelled(form, "chat_user_id", "Alice"),
            "user_id": option_labelled(form, "user_id", "Developer"),
        },
    )
    options = f"{url}/api/config/config_entries/options/flow"
    form = await flow_step(http, options, headers, {"handler": entry_id})
    await flow_step(
        http, f"{options}/{form['flow_id']}", headers, {"chat_assist": True}
    )


async def prepare(http: aiohttp.ClientSession, ha_url: str, dsm_url: str) -> str:
    """Onboard Home Assistant and add Synology Native; return an access token."""
    steps = await onboarding_steps(http, ha_url)
    headers = {"Authorization": f"Bearer {await log_in(http, ha_url, steps)}"}
    await finish_onboarding(http, ha_url, steps, headers)
    await add_integration(http, ha_url, dsm_url, headers)
    await until_started(http, ha_url, headers)
    await enable_chat_assist(http, ha_url, headers)
    await until_started(http, ha_url, headers)  # the options reload the entry
    return headers["Authorization"].removeprefix("Bearer ")


async def main() -> None:
    """Onboard, add the integration and print the way in."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ha-url", required=True)
    parser.add_argument("--dsm-url", required=True)
    args = parser.parse_args()
    async with aiohttp.ClientSession() as http:
        await prepare(http, args.ha_url, args.dsm_url)
    print(banner(args.ha_url, args.dsm_url), flush=True)


def banner(ha_url: str, dsm_url: str) -> str:
    """Return how to log in to Home Assistant and the simulator's demo accounts."""
    return "\n".join(
        [
            "",
            f"Home Assistant: {ha_url}  (user {HA_USER}, password {HA_PASSWORD})",
            "  Synology Native is set up: Settings > Devices & services.",
            f"DSM simulator: {dsm_url}",
            *demo_logins(dsm_url),
            *assist_instructions(dsm_url),
            *sso_instructions(dsm_url),
            "",
        ]
    )


def assist_instructions(dsm_url: str) -> list[str]:
    """Say how to talk to Assist from Chat as alice (enable_chat_assist allowed her)."""
    return [
        "Assist in Chat: alice may talk to Assist, with the Developer user's rights:",
        f"  .venv/bin/python -m scripts.post_as alice demo 'add milk to my tasks' --dsm-url {dsm_url}",
        "  Milk appears in the Tasks list; the logbook shows the exchange.",
    ]


def sso_instructions(dsm_url: str) -> list[str]:
    """Say how to try single sign-on against the simulator's identity provider."""
    if not dsm_url.startswith("https://"):
        return []
    return [
        f"Single sign-on: add Synology Native again with the address {dsm_url}",
        "  (SSL verification off), choose Single sign-on (OpenID Connect), open the",
        "  link, accept the test certificate, sign in at the simulated SSO Server as",
        f"  {SSO_USER} / {DEMO_PASSWORD}, paste the address you land on, and enter the",
        f"  code that {TOTP_COMMAND} prints.",
    ]


if __name__ == "__main__":
    asyncio.run(main())
