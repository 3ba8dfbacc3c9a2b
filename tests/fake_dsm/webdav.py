"""WebDAV Server administration: a pluggable package namespace and the transfer-log switch.

No public source names the WebDAV Server package's admin API (webdav.md §1). The simulator
plays it as a `WebDavNamespace` whose API name, version and setting keys a test chooses, so no
test fossilises a guess; `DEFAULT_NAMESPACE` is an ASSUMPTION (webdav.md §4), not a fact.
`SYNO.Core.SyslogClient.FileTransfer` get/set are VERIFIED names with the VERIFIED six boolean
keys (webdav.md §2); `set` taking the same keys is INFERRED. Both are admin-only: other users
get 105. Hyper Backup's `SYNO.Backup.Storage.WebDAV.Container` (listed by a real DSM 7.2.2) is
served as the look-alike a discovery must skip.
"""

from dataclasses import dataclass, field
from typing import Any

from .catalog import ENTRY_CGI, ApiEntry
from .webapi import INVALID_PARAM_REASON, CallContext, DsmError, WebApi, handler

FILE_TRANSFER = "SYNO.Core.SyslogClient.FileTransfer"
FILE_TRANSFER_PROTOCOLS = ("afp", "cifs", "filestation", "ftp", "tftp", "webdav")
LOOK_ALIKE = "SYNO.Backup.Storage.WebDAV.Container"
# Ports DSM itself serves; WebDAV may not take them (webdav.md §4, INFERRED).
DSM_PORTS = frozenset({5000, 5001})
MAX_PORT = 65535


@dataclass(frozen=True)
class WebDavNamespace:
    """How the simulated package names its settings API and what the settings are."""

    name: str
    version: int
    settings: dict[str, bool | int]


# ASSUMPTION (webdav.md §4): a hypothetical name and the shape the spec suggests.
DEFAULT_NAMESPACE = WebDavNamespace(
    name="SYNO.WebDAVServer.Setting",
    version=1,
    settings={
        "enable_http": True,
        "http_port": 5005,
        "enable_https": True,
        "https_port": 5006,
    },
)


@dataclass
class WebDavSim:
    """The package's settings and DSM's file-transfer log switches."""

    namespace: WebDavNamespace | None = None
    settings: dict[str, bool | int] = field(default_factory=dict)
    transfer_log: dict[str, bool] = field(
        default_factory=lambda: dict.fromkeys(FILE_TRANSFER_PROTOCOLS, False)
    )

    def install(self, webapi: WebApi, namespace: WebDavNamespace) -> None:
        """Install the package with namespace (replacing an installed one)."""
        self.uninstall(webapi)
        self.namespace = namespace
        self.settings = dict(namespace.settings)
        webapi.catalog[namespace.name] = ApiEntry(
            name=namespace.name,
            path=ENTRY_CGI,
            min_version=namespace.version,
            max_version=namespace.version,
            json_format=True,
            methods={namespace.version: frozenset({"get", "set"})},
        )
        webapi.handlers[(namespace.name, "get")] = self._get
        webapi.handlers[(namespace.name, "set")] = self._set

    def uninstall(self, webapi: WebApi) -> None:
        """Remove the package: its API leaves the catalog."""
        if self.namespace is not None:
            webapi.catalog.pop(self.namespace.name, None)
            self.namespace = None

    async def _get(self, ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
        require_admin(ctx)
        return dict(self.settings)

    async def _set(self, ctx: CallContext, params: dict[str, Any]) -> None:
        """Change the given settings: known keys, same types, valid distinct ports."""
        require_admin(ctx)
        changed = dict(self.settings)
        for key, value in params.items():
            current = self.settings.get(key)
            if current is None or type(value) is not type(current):
                raise _invalid(key)
            changed[key] = value
        ports = [value for key, value in changed.items() if key.endswith("port")]
        if len(set(ports)) != len(ports) or any(
            not 1 <= int(port) <= MAX_PORT or port in DSM_PORTS for port in ports
        ):
            raise _invalid("port")
        self.settings = changed


def require_admin(ctx: CallContext) -> None:
    """Refuse a session of a user outside the administrators group with 105."""
    assert ctx.session is not None  # admin APIs need a session
    if not ctx.session.user.admin:
        raise DsmError(105)


def _invalid(name: str) -> DsmError:
    return DsmError(120, {"name": name, "reason": INVALID_PARAM_REASON})


@handler(FILE_TRANSFER, "get")
async def file_transfer_get(
    ctx: CallContext, params: dict[str, Any]
) -> dict[str, bool]:
    """Which protocols have file-transfer logging on."""
    require_admin(ctx)
    return dict(ctx.webapi.webdav.transfer_log)


@handler(FILE_TRANSFER, "set")
async def file_transfer_set(ctx: CallContext, params: dict[str, Any]) -> None:
    """Turn logging on or off per protocol (INFERRED: the keys of get)."""
    require_admin(ctx)
    log = ctx.webapi.webdav.transfer_log
    for key, value in params.items():
        if key not in log or not isinstance(value, bool):
            raise _invalid(key)
    log.update(params)


@handler(LOOK_ALIKE, "list")
async def backup_container_list(ctx: CallContext, params: dict[str, Any]) -> None:
    """Hyper Backup browsing a WebDAV destination needs its address and account: 120 here."""
    raise DsmError(120, {"name": "url", "reason": "required"})
