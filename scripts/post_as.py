"""Post to Chat on the simulator as one of its demo accounts, as another person would.

    .venv/bin/python -m scripts.post_as alice general "Dinner at seven?"
    .venv/bin/python -m scripts.post_as bob demo "Ping"   # a direct message to demo

Signs in over HTTP like any DSM client, so Home Assistant sees the message arrive.
"""

import argparse
import asyncio
from collections.abc import Sequence

import aiohttp

from custom_components.synology_native.api import DsmClient, PasswordCredentials
from custom_components.synology_native.api.chat import Chat
from tests.fake_dsm.store import DEMO_PASSWORD

DEFAULT_DSM_URL = "https://127.0.0.1:5000"  # where scripts/develop runs the simulator


async def post_as(dsm_url: str, account: str, to: str, text: str) -> int:
    """Post text as account to a channel by name, else to a person by account name."""
    async with aiohttp.ClientSession() as http:
        client = DsmClient(
            http,
            dsm_url,
            # The simulator's certificate comes from a test CA made at its start.
            verify_ssl=False,
            credentials=PasswordCredentials(account=account, password=DEMO_PASSWORD),
        )
        chat = Chat(client)
        try:
            channel_id = next(
                (
                    channel.channel_id
                    for channel in await chat.channels()
                    if channel.name.casefold() == to.casefold()
                ),
                None,
            )
            if channel_id is None:
                user = next(
                    (
                        u
                        for u in await chat.users()
                        if u.username.casefold() == to.casefold()
                    ),
                    None,
                )
                if user is None:
                    msg = f"{account} has no channel and knows no person called {to}"
                    raise SystemExit(msg)
                channel_id = (await chat.direct_channel(user.user_id)).channel_id
            return (await chat.send(channel_id, text)).post_id
        finally:
            await client.logout()


def arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m scripts.post_as", description=__doc__
    )
    parser.add_argument("account", help="a demo account, for example alice or bob")
    parser.add_argument("to", help="a channel name, or a person's account name")
    parser.add_argument("text")
    parser.add_argument("--dsm-url", default=DEFAULT_DSM_URL)
    return parser.parse_args(argv)


def main() -> None:
    """Parse the command line and post."""
    args = arguments()
    post_id = asyncio.run(post_as(args.dsm_url, args.account, args.to, args.text))
    print(f"Posted as {args.account}: post {post_id}")


if __name__ == "__main__":
    main()
