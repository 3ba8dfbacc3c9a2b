"""What a failed HTTP exchange with the NAS means, for every part of the client."""

from contextlib import contextmanager
from typing import TYPE_CHECKING

import aiohttp
from yarl import URL

from .errors import (
    DsmConnectionError,
    DsmConnectionRefusedError,
    DsmHostNotFoundError,
    DsmSslError,
    DsmTimeoutError,
)

if TYPE_CHECKING:
    from collections.abc import Iterator


@contextmanager
def transport_errors(url: str) -> Iterator[None]:
    """Turn aiohttp's failures while talking to url into the client's own errors.

    Messages name the server and the kind of failure only, never a request.
    """
    try:
        yield
    except aiohttp.ClientSSLError as err:
        msg = f"TLS with {url} failed: {err.__class__.__name__}"
        raise DsmSslError(msg) from err
    except TimeoutError as err:
        msg = f"{url} did not answer in time"
        raise DsmTimeoutError(msg) from err
    except aiohttp.ClientConnectorDNSError as err:
        msg = f"the host name of {url} does not resolve"
        raise DsmHostNotFoundError(msg) from err
    except aiohttp.ClientConnectorError as err:
        if isinstance(err.os_error, ConnectionRefusedError):
            msg = f"{url} refused the connection"
            raise DsmConnectionRefusedError(msg) from err
        msg = f"cannot talk to {url}: {err.__class__.__name__}"
        raise DsmConnectionError(msg) from err
    except aiohttp.ClientError as err:
        msg = f"cannot talk to {url}: {err.__class__.__name__}"
        raise DsmConnectionError(msg) from err


# How long the plain-HTTP question may take; a DSM answers it at once.
PLAIN_HTTP_PROBE_TIMEOUT = aiohttp.ClientTimeout(total=10)


async def answers_plain_http(session: aiohttp.ClientSession, url: str) -> bool:
    """Tell whether the port of an https:// address answers plain HTTP instead.

    DSM serves HTTP on 5000 and HTTPS on 5001 by default. TLS to the HTTP port fails in
    the handshake with an error that does not say why, so ask the port in plain HTTP:
    any HTTP answer at all means the address has the wrong scheme for its port.
    """
    address = URL(url)
    if address.scheme != "https":
        return False
    plain = URL.build(scheme="http", host=address.host or "", port=address.port)
    try:
        async with session.get(
            plain, allow_redirects=False, timeout=PLAIN_HTTP_PROBE_TIMEOUT
        ):
            return True
    except aiohttp.ClientError, TimeoutError:
        return False
