"""A user agent for SSO Server's pages: it keeps its cookies and stops at every redirect."""

from dataclasses import dataclass
import ssl

import aiohttp
from yarl import URL


@dataclass(frozen=True)
class Page:
    """What one request showed: its status, where it redirects, and its text."""

    status: int
    location: URL | None
    text: str


class Browser:
    """Opens pages the way the user's browser does during a sign-in."""

    def __init__(self, http: aiohttp.ClientSession) -> None:
        """Browse with `http`, whose cookie jar must accept IP address hosts."""
        self.http = http

    async def open(self, url: str | URL) -> Page:
        """GET `url`."""
        async with self.http.get(url, allow_redirects=False) as response:
            return await _page(response)

    async def submit(self, url: str | URL, form: dict[str, str]) -> Page:
        """POST a form to `url`."""
        async with self.http.post(url, data=form, allow_redirects=False) as response:
            return await _page(response)


async def _page(response: aiohttp.ClientResponse) -> Page:
    location = response.headers.get("Location")
    return Page(
        response.status, URL(location) if location else None, await response.text()
    )


def browser_session(
    trust: ssl.SSLContext | bool | None = None,
) -> aiohttp.ClientSession:
    """Return a session that keeps cookies of IP hosts.

    `trust` is the context whose CAs it trusts, or False to accept any certificate as a
    user clicking through a browser warning does; None keeps the system's defaults.
    """
    connector = aiohttp.TCPConnector(ssl=trust) if trust is not None else None
    return aiohttp.ClientSession(
        cookie_jar=aiohttp.CookieJar(unsafe=True), connector=connector
    )
