"""The API catalog: every API the simulated NAS serves, with versions and methods per version.

`SYNO.API.Info` answers from it, and the dispatcher checks every call against it (102, 103, 104)
before any handler runs, exactly as a NAS checks its installed manifests.
"""

from dataclasses import dataclass, replace
from typing import Any

from .catalog_apps import APP_MANIFESTS, NEWER_NAS_MAX_VERSION

ENTRY_CGI = "entry.cgi"


@dataclass(frozen=True)
class ApiEntry:
    """One API as the NAS's `SYNO.API.Info` reports it, plus its method list per version."""

    name: str
    path: str
    min_version: int
    max_version: int
    json_format: bool
    methods: dict[int, frozenset[str]]
    # False for APIs callable without a DSM session (Info, Auth, manifest authLevel 0).
    needs_session: bool = True

    def methods_in(self, version: int) -> frozenset[str]:
        """Return the methods of `version` (none for a version the manifest lists none for)."""
        return self.methods.get(version, frozenset())

    def info(self) -> dict[str, Any]:
        """Return the value of this API in a `SYNO.API.Info` `query` answer."""
        info: dict[str, Any] = {
            "maxVersion": self.max_version,
            "minVersion": self.min_version,
            "path": self.path,
        }
        if self.json_format:
            info["requestFormat"] = "JSON"
        return info


# DSM core APIs as a DSM 7.2.2 `SYNO.API.Info` lists them (auth.md §2 and §9, webapi.md §3.2 and
# §6), in the table format described in catalog_apps.py plus the flags `raw` (no
# `requestFormat`: method parameters are raw strings) and `path=CGI` (served there, not at
# entry.cgi). SYNO.API.Auth is `no-session` because login creates the session and logout must
# also answer for an unknown one; its handlers deal with sessions themselves. A method is listed
# only where the spec gives its answer: calling an unlisted one is answered 103, as DSM answers
# a method it does not have. So `oidc` (v6) is left out: nothing public says what it does
# (auth.md §8.1), and neither do `Login`/`Logout`/`reset`/`session`/`synotoken`/`token`,
# `suspend`/`resume`, `SYNO.API.Auth.RedirectURI`, `SYNO.API.OTP` or `SYNO.Entry.SocketIo`.
CORE_MANIFESTS = """
SYNO.API.Info 1-1 no-session
    1: query
SYNO.API.Auth 1-7 raw no-session
    1: logout
    2: logout
    3: login logout
    4: login logout
    5: login logout
    6: login logout
    7: login logout
SYNO.API.Auth.Key 7-7
    7: get
SYNO.API.Auth.Key.Code 7-7
    7: get
SYNO.API.Auth.RedirectURI 1-1 no-session
SYNO.API.Auth.Type 1-1 no-session
    1: get
SYNO.API.Auth.UIConfig 1-1 no-session
    1: get
SYNO.API.Encryption 1-1 no-session
    1: getinfo
SYNO.API.OTP 1-1 raw no-session path=otp.cgi
SYNO.Entry.Request 1-2
    1: request
    2: request
SYNO.Entry.Request.Polling 1-1
    1: list status
SYNO.Entry.SocketIo 1-1
SYNO.DSM.Info 2-2
    2: getinfo
SYNO.Core.NormalUser 1-1
    1: get
"""


def parse_table(table: str) -> list[ApiEntry]:
    """Parse a catalog table (format in catalog_apps.py) into entries served at entry.cgi."""
    entries: list[ApiEntry] = []
    for header, version_lines in _blocks(table):
        name, versions, *flags = header.split()
        low, high = (int(part) for part in versions.split("-"))
        paths = [
            flag.removeprefix("path=") for flag in flags if flag.startswith("path=")
        ]
        entries.append(
            ApiEntry(
                name=name,
                path=paths[0] if paths else ENTRY_CGI,
                min_version=low,
                max_version=high,
                json_format="raw" not in flags,
                methods=_methods_by_version(version_lines),
                needs_session="no-session" not in flags,
            )
        )
    return entries


def _blocks(table: str) -> list[tuple[str, list[str]]]:
    """Split a table into (header line, its indented lines)."""
    blocks: list[tuple[str, list[str]]] = []
    for line in table.strip().splitlines():
        if line[:1].isspace():
            blocks[-1][1].append(line.strip())
        else:
            blocks.append((line, []))
    return blocks


def _methods_by_version(lines: list[str]) -> dict[int, frozenset[str]]:
    """Read `VERSION: method ...` lines and their continuation lines."""
    words: dict[int, list[str]] = {}
    version = 0
    for line in lines:
        first, _, rest = line.partition(":")
        if rest and first.isdecimal():
            version = int(first)
            words[version] = rest.split()
        else:
            words[version].extend(line.split())
    return {number: frozenset(names) for number, names in words.items()}


def methods_of_unlisted_newer_version(entry: ApiEntry) -> frozenset[str]:
    """Return the methods of a version a newer NAS reports above the manifest's maximum.

    INFERRED: nothing public lists them, so they are taken to be those of the manifest's highest
    version (the same calls keep working when a package raises an API's maxVersion).
    """
    return entry.methods_in(max(entry.methods))


def _with_newer_maximum(entry: ApiEntry, max_version: int) -> ApiEntry:
    """Return `entry` as a newer NAS reports it: higher maxVersion, methods as inferred."""
    newer = methods_of_unlisted_newer_version(entry)
    added = dict.fromkeys(range(entry.max_version + 1, max_version + 1), newer)
    return replace(entry, max_version=max_version, methods=entry.methods | added)


def _app_entries() -> list[ApiEntry]:
    """Build the apps' entries: manifests and newer maxima."""
    return [
        _with_newer_maximum(entry, NEWER_NAS_MAX_VERSION[entry.name])
        if entry.name in NEWER_NAS_MAX_VERSION
        else entry
        for entry in parse_table(APP_MANIFESTS)
    ]


def default_catalog() -> dict[str, ApiEntry]:
    """Return a fresh catalog of all APIs the simulated NAS has installed, by name."""
    return {entry.name: entry for entry in parse_table(CORE_MANIFESTS) + _app_entries()}
