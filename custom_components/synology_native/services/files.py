"""Local files that actions read or write, inside allowlist_external_dirs and nowhere else.

The allowlist check before opening resolves links, but a link planted after it, or a link
at a name the action makes up (a temporary file), would still lead elsewhere. So a file is
opened without following a link at its own name, and the real path of what was opened is
checked again; files are written to a new temporary file in the target folder (created
exclusively, so never through a link) and renamed into place, whole or not at all.
"""

from collections.abc import AsyncIterable, Callable
import contextlib
import os
from pathlib import Path
import stat
import tempfile
from typing import IO, BinaryIO

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError


class _RefusedError(Exception):
    """The opened file's real path is outside the allowlist, or it is no regular file."""


def _open_checked(hass: HomeAssistant, path: Path) -> BinaryIO:
    """Open a regular file for reading without following a link at its name."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    file = os.fdopen(fd, "rb")
    with contextlib.ExitStack() as on_refusal:
        on_refusal.callback(file.close)
        # A folder on the way may be a link (no-follow covers the last name only).
        real = Path(os.path.realpath(path))
        opened = os.fstat(fd)
        if not (
            stat.S_ISREG(opened.st_mode)
            and hass.config.is_allowed_path(str(real))
            and os.path.samestat(opened, real.stat())
        ):
            raise _RefusedError
        on_refusal.pop_all()
    return file


async def open_for_reading(
    hass: HomeAssistant, path: Path, refusal: Callable[[], ServiceValidationError]
) -> BinaryIO:
    """Open an allowed regular file for reading; refusal() for anything else."""
    try:
        return await hass.async_add_executor_job(_open_checked, hass, path)
    except (OSError, _RefusedError) as err:
        raise refusal() from err


def _temporary(hass: HomeAssistant, target: Path) -> tuple[IO[bytes], Path]:
    """Create a new temporary file next to target, in an allowed real folder."""
    fd, name = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".part"
    )
    file = os.fdopen(fd, "wb")
    temporary = Path(name)
    if not hass.config.is_allowed_path(os.path.realpath(temporary)):
        _discard(file, temporary)
        raise _RefusedError
    return file, temporary


def _discard(file: IO[bytes], temporary: Path) -> None:
    file.close()
    temporary.unlink(missing_ok=True)


def _keep(file: IO[bytes], temporary: Path, target: Path) -> None:
    file.close()
    # A rename replaces a link at target instead of writing through it.
    temporary.replace(target)


async def write_whole(
    hass: HomeAssistant,
    target: Path,
    chunks: AsyncIterable[bytes],
    refusal: Callable[[], ServiceValidationError],
) -> int:
    """Write chunks to target, whole or not at all; return the size written.

    refusal() is raised when the target's folder is not (or no longer) an allowed real
    folder; a failure while writing or reading chunks leaves no file behind.
    """
    try:
        file, temporary = await hass.async_add_executor_job(_temporary, hass, target)
    except (OSError, _RefusedError) as err:
        raise refusal() from err
    size = 0
    try:
        async for chunk in chunks:
            await hass.async_add_executor_job(file.write, chunk)
            size += len(chunk)
    except BaseException:
        with contextlib.suppress(OSError):
            await hass.async_add_executor_job(_discard, file, temporary)
        raise
    await hass.async_add_executor_job(_keep, file, temporary, target)
    return size


async def one_chunk(content: bytes) -> AsyncIterable[bytes]:
    """Give content as write_whole's chunks."""
    yield content
