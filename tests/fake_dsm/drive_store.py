"""Synology Drive's state on the simulated NAS: My Drive per user, team folders, versions.

File contents live in a temporary folder on disk, never in memory, so uploads and downloads
of any size stream through the simulator. Each change bumps a global journal counter
(drive.md §10), adds a notification for the other users who can see the item, and queues a
webhook delivery (drive.md Corrections: a JSON array of changes, nearby changes batched) for
every webhook whose owner can see it. Tests change the store directly to play another user or
device working on the NAS.
"""

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
import hashlib
import itertools
import logging
from pathlib import Path
import secrets
import shutil
import tempfile
from typing import IO, TYPE_CHECKING, Any
import weakref

import aiohttp

if TYPE_CHECKING:
    from .store import User

_LOGGER = logging.getLogger(__name__)

# Real file ids are 64-bit decimal strings (drive.md §4); ours start in that range.
FIRST_FILE_ID = 881_632_870_845_419_520
ROOT_PARENT_ID = "0"  # the parent id of a root (drive.md §3)
MY_DRIVE = "/mydrive"
TEAM_FOLDERS = "/team-folders"
VOLUME = "/volume1"
# INFERRED: what a new account may store; tests lower it.
DEFAULT_QUOTA = 10 * 1024**3
KEEP_VERSIONS = 32
# How long an asynchronous task takes ("a moment"), and how long nearby changes are
# gathered into one webhook delivery.
TASK_SECONDS = 0.2
WEBHOOK_BATCH_SECONDS = 0.05
COPY_CHUNK = 1024 * 1024

# Error codes: the client's guesses and the reference's (see api/drive.py).
NOT_FOUND = 1003
CONFLICT = 1022
QUOTA_EXCEEDED = 1051
GENERIC_FAILURE = 1000


class DriveError(Exception):
    """A Drive refusal with its DSM error code."""

    def __init__(self, code: int) -> None:
        """Fail with code."""
        super().__init__(code)
        self.code = code


@dataclass
class Revision:
    """One stored content of a file."""

    revision_id: str
    blob: Path
    size: int
    hash: str
    modified_time: int


@dataclass
class Root:
    """A navigation root: one user's My Drive or a team folder."""

    kind: str  # "mydrive" or "team"
    name: str  # the owner's user name, or the team folder's name
    view_id: str
    members: set[str] = field(default_factory=set)  # team folders only

    @property
    def display_path(self) -> str:
        """Return the path the root is shown at."""
        return MY_DRIVE if self.kind == "mydrive" else f"{TEAM_FOLDERS}/{self.name}"

    @property
    def volume_path(self) -> str:
        """Return the absolute volume path, as ``/volumes/...`` addresses it."""
        if self.kind == "mydrive":
            return f"{VOLUME}/homes/{self.name}/Drive"
        return f"{VOLUME}/{self.name}"


@dataclass
class Node:
    """A file or folder."""

    file_id: str
    name: str
    is_dir: bool
    parent_id: str
    root: Root
    owner: str
    created_time: int
    modified_time: int
    change_id: int
    permanent_link: str
    revisions: list[Revision] = field(default_factory=list)  # newest last
    removed: bool = False
    starred_by: set[str] = field(default_factory=set)
    labels: dict[str, set[str]] = field(default_factory=dict)  # user -> label ids
    shared_with: set[str] = field(default_factory=set)

    @property
    def size(self) -> int:
        """Return the current content's size (0 for folders)."""
        return self.revisions[-1].size if self.revisions else 0


@dataclass
class Task:
    """An asynchronous file operation (drive.md §5.15)."""

    task_id: str
    owner: str
    action: str
    status: str = "in_progress"
    progress: int = 0
    result: dict[str, Any] | None = None


@dataclass
class Webhook:
    """A registered change webhook."""

    webhook_id: str
    app_id: str
    url: str
    owner: str


@dataclass
class Notification:
    """One item of a user's notification feed (the client's INFERRED shape)."""

    notification_id: str
    kind: str
    time: int
    actor: str
    node: Node
    is_read: bool = False


@dataclass
class ShareLink:
    """A file's sharing link: a plain one, or an advanced one with its protection.

    Only an advanced link (drive.md Corrections 2026-12) has a password and an expiry,
    served at its own URL; a plain link opens for anyone.
    """

    link_id: str
    node: Node
    advanced: bool = False
    password: str | None = None
    due_date: int | None = None
    tokens: set[str] = field(default_factory=set)  # sharing_token values of unlocks


@dataclass
class Label:
    """A personal label."""

    label_id: str
    name: str
    color: str


class DriveStore:
    """Everything Drive remembers, for every user of the NAS."""

    def __init__(self, clock: Callable[[], float], users: dict[str, User]) -> None:
        """Start empty; users is the NAS's user table (for uids)."""
        self.clock = clock
        self.users = users
        self._blob_dir = Path(tempfile.mkdtemp(prefix="fake-drive-"))
        weakref.finalize(self, shutil.rmtree, self._blob_dir, ignore_errors=True)
        self._ids = itertools.count(FIRST_FILE_ID)
        self._counter = itertools.count(1)
        self.change_id = 0
        self.nodes: dict[str, Node] = {}
        self.roots: list[Root] = []
        self.quota: dict[str, int] = {}
        self.tasks: dict[str, Task] = {}
        self.webhooks: dict[str, Webhook] = {}
        self.notifications: dict[str, list[Notification]] = {}
        self.links: dict[str, ShareLink] = {}
        self.labels: dict[str, list[Label]] = {}
        self.task_seconds = TASK_SECONDS
        # (url, HTTP status or exception name) of each webhook POST, for tests.
        self.deliveries: list[tuple[str, str]] = []
        self._pending: dict[str, list[dict[str, Any]]] = {}
        self._background: set[asyncio.Future[Any]] = set()
        self._timers: set[asyncio.TimerHandle] = set()
        self._http: aiohttp.ClientSession | None = None
        # The address the NAS serves on; webhook deliveries leave from it, as a NAS's do.
        self.source_host: str | None = None

    def now(self) -> int:
        """Return the time in Unix seconds."""
        return int(self.clock())

    def next_number(self) -> int:
        """Return a fresh number for task, webhook, link and notification ids."""
        return next(self._counter)

    # --- roots and nodes ---

    def _new_node(
        self, name: str, *, is_dir: bool, parent_id: str, root: Root, owner: str
    ) -> Node:
        now = self.now()
        node = Node(
            file_id=str(next(self._ids)),
            name=name,
            is_dir=is_dir,
            parent_id=parent_id,
            root=root,
            owner=owner,
            created_time=now,
            modified_time=now,
            change_id=self.change_id,
            permanent_link=secrets.token_hex(16),
        )
        self.nodes[node.file_id] = node
        return node

    def my_drive(self, user: str) -> Node:
        """Return the root folder of user's My Drive, created on first use."""
        for root in self.roots:
            if root.kind == "mydrive" and root.name == user:
                return self.root_node(root)
        root = Root("mydrive", user, str(self.next_number()))
        self.roots.append(root)
        node = self._new_node(
            "", is_dir=True, parent_id=ROOT_PARENT_ID, root=root, owner=user
        )
        self.quota.setdefault(user, DEFAULT_QUOTA)
        return node

    def add_team_folder(self, name: str, members: set[str]) -> Node:
        """Create a team folder that members may use."""
        root = Root("team", name, str(self.next_number()), set(members))
        self.roots.append(root)
        return self._new_node(
            name, is_dir=True, parent_id=ROOT_PARENT_ID, root=root, owner="admin"
        )

    def root_node(self, root: Root) -> Node:
        """Return the folder a root starts at."""
        return next(
            node
            for node in self.nodes.values()
            if node.root is root and node.parent_id == ROOT_PARENT_ID
        )

    def children(self, folder: Node) -> list[Node]:
        """Return a folder's items that are not in the recycle bin."""
        return [
            node
            for node in self.nodes.values()
            if node.parent_id == folder.file_id and not node.removed
        ]

    def subtree(self, node: Node) -> Iterator[Node]:
        """Yield node and everything below it."""
        yield node
        for child in [n for n in self.nodes.values() if n.parent_id == node.file_id]:
            yield from self.subtree(child)

    def relative_path(self, node: Node) -> str:
        """Return the path below the node's root ("/" for the root)."""
        parts: list[str] = []
        while node.parent_id != ROOT_PARENT_ID:
            parts.append(node.name)
            node = self.nodes[node.parent_id]
        return "/" + "/".join(reversed(parts))

    def display_path(self, node: Node) -> str:
        """Return the full navigable path (drive.md §3)."""
        relative = self.relative_path(node)
        return node.root.display_path + ("" if relative == "/" else relative)

    def can_see(self, user: str, node: Node) -> bool:
        """Tell whether user may use node: their My Drive, a team folder, a share."""
        if node.root.kind == "mydrive" and node.root.name == user:
            return True
        if node.root.kind == "team" and user in node.root.members:
            return True
        current: Node | None = node
        while current is not None:
            if user in current.shared_with:
                return True
            current = self.nodes.get(current.parent_id)
        return False

    def watchers(self, node: Node) -> set[str]:
        """Return every user who can see node."""
        names = set(self.users) | {root.name for root in self.roots}
        return {name for name in names if self.can_see(name, node)}

    # --- resolving the path formats (drive.md §3) ---

    def resolve(self, user: str, path: str) -> Node:
        """Return the item path names for user; 1003 if there is none they may see."""
        node = self._resolve(user, path)
        if node is None or node.removed or not self.can_see(user, node):
            raise DriveError(NOT_FOUND)
        return node

    def _resolve(self, user: str, path: str) -> Node | None:
        if path.startswith("id:"):
            file_id, _, rest = path[3:].partition("/")
            start = self.nodes.get(file_id)
            return self._walk(start, rest) if start else None
        if path.startswith("link:"):
            link = path[5:]
            return next(
                (n for n in self.nodes.values() if n.permanent_link == link), None
            )
        if path == MY_DRIVE or path.startswith(MY_DRIVE + "/"):
            return self._walk(self.my_drive(user), path[len(MY_DRIVE) :])
        for prefix, key in (
            (TEAM_FOLDERS + "/", lambda r: r.name if r.kind == "team" else None),
            ("/views/", lambda r: r.view_id),
            ("/volumes", lambda r: r.volume_path),
        ):
            if path.startswith(prefix):
                return self._in_root(path.removeprefix(prefix), key)
        return None

    def _in_root(self, rest: str, key: Callable[[Root], str | None]) -> Node | None:
        for root in self.roots:
            name = key(root)
            if name is not None and (rest == name or rest.startswith(name + "/")):
                return self._walk(self.root_node(root), rest[len(name) :])
        return None

    def _walk(self, start: Node, rest: str) -> Node | None:
        node: Node | None = start
        for part in (part for part in rest.split("/") if part):
            if node is None or not node.is_dir:
                return None
            node = next((n for n in self.children(node) if n.name == part), None)
        return node

    def target(self, user: str, path: str) -> tuple[Node, str]:
        """Split a new item's path into its (existing) folder and its name."""
        folder, _, name = path.rstrip("/").rpartition("/")
        if not name or not folder:
            raise DriveError(120)
        parent = self.resolve(user, folder)
        if not parent.is_dir:
            raise DriveError(GENERIC_FAILURE)
        return parent, name

    # --- changes ---

    def create_folder(
        self, user: str, parent: Node, name: str, conflict: str = "stop"
    ) -> Node:
        """Create a folder in parent."""
        existing = self._taken(parent, name)
        if existing is not None:
            if conflict != "autorename":
                raise DriveError(CONFLICT)
            name = self._free_name(parent, name)
        node = self._new_node(
            name, is_dir=True, parent_id=parent.file_id, root=parent.root, owner=user
        )
        self.changed(user, "file_created", node)
        return node

    def write_file(
        self,
        user: str,
        parent: Node,
        name: str,
        source: IO[bytes] | bytes,
        conflict: str = "stop",
    ) -> Node:
        """Store content as name in parent, by the conflict policy."""
        existing = self._taken(parent, name)
        if existing is not None and (existing.is_dir or conflict == "stop"):
            raise DriveError(CONFLICT)
        if existing is not None and conflict == "autorename":
            name, existing = self._free_name(parent, name), None
        revision = self._store_blob(source)
        replaced = existing.size if existing is not None else 0
        if parent.root.kind == "mydrive" and (
            self.used(parent.root.name) - replaced + revision.size
            > self.quota.get(parent.root.name, DEFAULT_QUOTA)
        ):
            revision.blob.unlink()
            raise DriveError(QUOTA_EXCEEDED)
        if existing is None:
            node = self._new_node(
                name,
                is_dir=False,
                parent_id=parent.file_id,
                root=parent.root,
                owner=user,
            )
            node.revisions.append(revision)
            self.changed(user, "file_created", node)
            return node
        if conflict == "overwrite":
            existing.revisions.clear()
        existing.revisions.append(revision)
        del existing.revisions[:-KEEP_VERSIONS]
        self.changed(user, "file_modified", existing)
        return existing

    def _store_blob(self, source: IO[bytes] | bytes) -> Revision:
        blob = self._blob_dir / f"{self.next_number()}.bin"
        digest = hashlib.md5(usedforsecurity=False)
        size = 0
        with blob.open("wb") as out:
            if isinstance(source, bytes):
                out.write(source)
                digest.update(source)
                size = len(source)
            else:
                while chunk := source.read(COPY_CHUNK):
                    out.write(chunk)
                    digest.update(chunk)
                    size += len(chunk)
        return Revision(
            str(self.next_number()), blob, size, digest.hexdigest(), self.now()
        )

    def content(self, node: Node) -> bytes:
        """Return a file's current content (for tests)."""
        return node.revisions[-1].blob.read_bytes()

    def used(self, user: str) -> int:
        """Return the bytes user's My Drive holds, versions and recycle bin included."""
        root = self.my_drive(user).root
        return sum(
            revision.size
            for node in self.nodes.values()
            if node.root is root
            for revision in node.revisions
        )

    def rename(self, user: str, node: Node, name: str) -> None:
        """Give node a new name in its folder."""
        if node.parent_id == ROOT_PARENT_ID:
            raise DriveError(105)
        if self._taken(self.nodes[node.parent_id], name) is not None:
            raise DriveError(CONFLICT)
        node.name = name
        self.changed(user, "file_renamed", node)

    def move(self, user: str, node: Node, folder: Node, conflict: str) -> Node | None:
        """Move node into folder; None when skipped."""
        name = self._placed_name(folder, node.name, conflict)
        if name is None:
            return None
        for item in self.subtree(node):
            item.root = folder.root
        node.name, node.parent_id = name, folder.file_id
        self.changed(user, "file_moved", node)
        return node

    def copy(self, user: str, node: Node, folder: Node, conflict: str) -> Node | None:
        """Copy node (and what is below it) into folder; None when skipped."""
        name = self._placed_name(folder, node.name, conflict)
        if name is None:
            return None
        return self._copy_tree(user, node, folder, name)

    def _copy_tree(self, user: str, node: Node, folder: Node, name: str) -> Node:
        copy = self._new_node(
            name,
            is_dir=node.is_dir,
            parent_id=folder.file_id,
            root=folder.root,
            owner=user,
        )
        copy.revisions = list(node.revisions[-1:])
        self.changed(user, "file_created", copy)
        for child in self.children(node):
            self._copy_tree(user, child, copy, child.name)
        return copy

    def _placed_name(self, folder: Node, name: str, conflict: str) -> str | None:
        """Return the name an item gets in folder, or None to skip; 1022 to stop."""
        existing = self._taken(folder, name)
        if existing is None:
            return name
        if conflict == "autorename":
            return self._free_name(folder, name)
        if conflict == "skip":
            return None
        if conflict == "overwrite":
            self.delete(existing.owner, existing, permanent=True)
            return name
        raise DriveError(CONFLICT)

    def delete(self, user: str, node: Node, *, permanent: bool) -> None:
        """Move node to the recycle bin, or delete it for good."""
        self.changed(user, "file_removed", node)
        if permanent:
            for item in list(self.subtree(node)):
                del self.nodes[item.file_id]
                for revision in item.revisions:
                    revision.blob.unlink(missing_ok=True)
        else:
            node.removed = True

    def restore_revision(self, user: str, node: Node, revision_id: str) -> None:
        """Make an earlier version current again, as a new version."""
        old = next(
            (rev for rev in node.revisions if rev.revision_id == revision_id), None
        )
        if old is None:
            raise DriveError(NOT_FOUND)
        with old.blob.open("rb") as source:
            node.revisions.append(self._store_blob(source))
        self.changed(user, "file_modified", node)

    def share(self, owner: str, node: Node, user: str) -> None:
        """Share node with user, who is told so in their feed."""
        node.shared_with.add(user)
        self._notify(user, "file_shared", owner, node)

    def _taken(self, folder: Node, name: str) -> Node | None:
        return next((n for n in self.children(folder) if n.name == name), None)

    def _free_name(self, folder: Node, name: str) -> str:
        stem, dot, ext = name.rpartition(".")
        if not stem:
            stem, dot, ext = name, "", ""
        for number in itertools.count(1):
            candidate = f"{stem} ({number}){dot}{ext}"
            if self._taken(folder, candidate) is None:
                return candidate
        raise AssertionError  # pragma: no cover - count() never ends

    def changed(self, actor: str, event_type: str, node: Node) -> None:
        """Record a change: journal counter, others' feeds, webhook deliveries."""
        self.change_id += 1
        node.change_id = self.change_id
        node.modified_time = self.now()
        watchers = self.watchers(node)
        for user in watchers - {actor}:
            self._notify(user, event_type, actor, node)
        for webhook in self.webhooks.values():
            if webhook.owner in watchers:
                self._queue_delivery(webhook, event_type, node)

    def _notify(self, user: str, kind: str, actor: str, node: Node) -> None:
        self.notifications.setdefault(user, []).insert(
            0,
            Notification(str(self.next_number()), kind, self.now(), actor, node),
        )

    # --- asynchronous tasks ---

    def start_task(
        self, user: str, action: str, work: Callable[[], dict[str, Any]]
    ) -> Task:
        """Start an operation that finishes after a moment, as Drive's tasks do."""
        task = Task(f"task-{self.next_number()}", user, action)
        self.tasks[task.task_id] = task

        def finish() -> None:
            task.result = {"action": action, **work()}
            task.status, task.progress = "finished", 100

        self._later(self.task_seconds, finish)
        return task

    def _later(self, delay: float, run: Callable[[], None]) -> None:
        """Run run after delay, unless the simulator stops first."""

        def fire() -> None:
            self._timers.discard(timer)
            run()

        timer = asyncio.get_running_loop().call_later(delay, fire)
        self._timers.add(timer)

    # --- webhook deliveries ---

    def _queue_delivery(self, webhook: Webhook, event_type: str, node: Node) -> None:
        pending = self._pending.setdefault(webhook.webhook_id, [])
        pending.append(
            {
                "event_type": event_type,
                "file_id": node.file_id,
                "permanent_link": node.permanent_link,
                "file_type": "dir" if node.is_dir else "file",
                "parent_id": node.parent_id,
            }
        )
        if len(pending) == 1:
            self._later(WEBHOOK_BATCH_SECONDS, lambda: self._flush(webhook))

    def _flush(self, webhook: Webhook) -> None:
        events = self._pending.pop(webhook.webhook_id, [])
        future = asyncio.ensure_future(self._post(webhook.url, events))
        self._background.add(future)
        future.add_done_callback(self._background.discard)

    async def _post(self, url: str, events: list[dict[str, Any]]) -> None:
        if self._http is None:
            local = None if self.source_host is None else (self.source_host, 0)
            self._http = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(local_addr=local)
            )
        try:
            async with self._http.post(url, json=events) as response:
                outcome = str(response.status)
        except (aiohttp.ClientError, TimeoutError) as err:
            outcome = type(err).__name__
        _LOGGER.debug("Delivered %d change(s) to a webhook: %s", len(events), outcome)
        self.deliveries.append((url, outcome))

    async def close(self) -> None:
        """Drop unfinished tasks, finish pending deliveries, close the session."""
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()
        if self._background:
            await asyncio.gather(*self._background, return_exceptions=True)
        if self._http is not None:
            await self._http.close()
            self._http = None


def seed_drive_demo(drive: DriveStore, user: str, friend: str) -> None:
    """My Drive with folders and a versioned file; a team folder; a file friend shared."""
    home = drive.my_drive(user)
    documents = drive.create_folder(user, home, "Documents")
    drive.create_folder(user, home, "Camera")
    drive.write_file(user, documents, "Welcome.txt", b"Welcome to Synology Drive.\n")
    drive.write_file(
        user,
        documents,
        "Welcome.txt",
        b"Welcome to Synology Drive.\nEdited on the NAS.\n",
        conflict="version",
    )
    drive.labels[user] = [Label("1", "Important", "#e53935")]
    family = drive.add_team_folder("Family", {user, friend})
    drive.write_file(friend, family, "Shopping list.txt", b"Milk\nBread\n")
    plan = drive.write_file(
        friend, drive.my_drive(friend), "Holiday plan.txt", b"Beach, then hills.\n"
    )
    drive.share(friend, plan, user)
