"""What a failed HTTP exchange with the NAS means, for every part of the client."""

from contextlib import contextmanager
from typing import TYPE_CHECKING

import aiohttp

from .errors import DsmConnectionError, DsmSslError, DsmTimeoutError

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
    except aiohttp.ClientError as err:
        msg = f"cannot talk to {url}: {err.__class__.__name__}"
        raise DsmConnectionError(msg) from err
