"""SYNO.SynologyDrive.*: files, tasks, links, team folders, versions, feed, quota, webhooks.

Shapes follow the project's Drive reference: FileInfo objects (drive.md §4), the seven path
formats (§3), JSON-encoded parameters, `async_task_id` answers for delete/copy/move and
`Tasks.get` results with per-item errors (§5.15). Where the reference knows no shape
(notifications items, quota, revisions, advanced sharing) the simulator answers the client's
named guesses, so a capture corrects both.
"""

from collections.abc import Awaitable, Callable
import mimetypes
import secrets
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .drive_store import (
    CONFLICT,
    NOT_FOUND,
    DriveError,
    DriveStore,
    Label,
    Node,
    ShareLink,
    Webhook,
)
from .webapi import CallContext, DsmError, handler, optional, require

if TYPE_CHECKING:
    from .store import DsmStore

FILES = "SYNO.SynologyDrive.Files"
CONFLICT_ACTIONS = ("stop", "overwrite", "autorename", "version")


def _drive(ctx: CallContext) -> tuple[DriveStore, str]:
    assert ctx.session is not None  # every Drive API needs a session
    return ctx.store.drive, ctx.session.user.name


def _refusing(error: DriveError) -> DsmError:
    return DsmError(error.code)


def _resolved(ctx: CallContext, path: Any) -> Node:
    store, user = _drive(ctx)
    if not isinstance(path, str):
        raise DsmError(120, {"name": "path", "reason": "invalid"})
    try:
        return store.resolve(user, path)
    except DriveError as err:
        raise _refusing(err) from err


def _path_list(ctx: CallContext, params: dict[str, Any]) -> list[Node]:
    files = require(params, "files", list, missing=120)
    if not files:
        raise DsmError(120, {"name": "files", "reason": "invalid"})
    return [_resolved(ctx, path) for path in files]


def _conflict(params: dict[str, Any], default: str, *allowed: str) -> str:
    action = optional(params, "conflict_action", str, default)
    if action not in allowed:
        raise DsmError(120, {"name": "conflict_action", "reason": "invalid"})
    return action


# Team folders are owned by the package ("admin"), which is no account of this
# simulator; the uid DSM gives its first built-in account stands in for it.
UNKNOWN_ACCOUNT_UID = 1024


def _owner(store: DriveStore, name: str) -> dict[str, Any]:
    user = store.users.get(name)
    return {
        "uid": user.uid if user else UNKNOWN_ACCOUNT_UID,
        "name": name,
        "nickname": name,
        "display_name": name,
    }


def file_info(store: DriveStore, user: str, node: Node) -> dict[str, Any]:
    """Describe node as FileInfo (drive.md §4)."""
    current = node.revisions[-1] if node.revisions else None
    return {
        "file_id": node.file_id,
        "name": node.name,
        "type": "dir" if node.is_dir else "file",
        "content_type": _content_type(node),
        "path": store.relative_path(node),
        "display_path": store.display_path(node),
        "parent_id": node.parent_id,
        "dsm_path": "",
        "size": node.size,
        "hash": current.hash if current else "",
        "created_time": node.created_time,
        "modified_time": node.modified_time,
        "access_time": node.modified_time,
        "change_time": node.modified_time,
        # Real payloads send version_id as a string (drive.md §4 CONFLICT).
        "version_id": str(node.change_id),
        "sync_id": node.change_id,
        "change_id": node.change_id,
        "max_id": max(item.change_id for item in store.subtree(node)),
        "revisions": len(node.revisions),
        "permanent_link": node.permanent_link,
        "owner": _owner(store, node.owner),
        "capabilities": dict.fromkeys(
            (
                "can_read",
                "can_write",
                "can_delete",
                "can_rename",
                "can_share",
                "can_download",
                "can_preview",
            ),
            True,
        ),
        "shared": bool(node.shared_with),
        "shared_with": [],
        "starred": user in node.starred_by,
        "encrypted": False,
        "removed": node.removed,
        "adv_shared": False,
        "labels": [
            {
                "label_id": label.label_id,
                "name": label.name,
                "color": label.color,
                "type": "personal_label",
            }
            for label in store.labels.get(user, [])
            if label.label_id in node.labels.get(user, set())
        ],
        "app_properties": {"type": "none"},
        "content_snippet": "",
        "watermark_version": 0,
        "uploaded_size": node.size,
    }


def _content_type(node: Node) -> str:
    if node.is_dir:
        return "dir"
    guessed = mimetypes.guess_type(node.name)[0] or ""
    major = guessed.partition("/")[0]
    if major in ("image", "audio", "video"):
        return major
    return "document" if major == "text" or guessed == "application/pdf" else "file"


def _page(
    ctx: CallContext, params: dict[str, Any], nodes: list[Node]
) -> dict[str, Any]:
    store, user = _drive(ctx)
    offset = optional(params, "offset", int, 0)
    limit = optional(params, "limit", int, 0)
    sort_by = optional(params, "sort_by", str, "name")
    keys = {
        "name": lambda node: node.name.casefold(),
        "modified_time": lambda node: node.modified_time,
        "size": lambda node: node.size,
        "type": lambda node: (not node.is_dir, node.name.casefold()),
        "owner": lambda node: node.owner,
        "score": lambda node: node.name.casefold(),
    }
    if sort_by not in keys:
        raise DsmError(120, {"name": "sort_by", "reason": "invalid"})
    nodes = sorted(
        nodes,
        key=keys[sort_by],
        reverse=optional(params, "sort_direction", str, "asc") == "desc",
    )
    window = nodes[offset : offset + limit] if limit else nodes[offset:]
    return {
        "total": len(nodes),
        "items": [file_info(store, user, node) for node in window],
    }


# --- files ---


@handler(FILES, "get")
async def files_get(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """One item by any path format."""
    store, user = _drive(ctx)
    node = _resolved(ctx, require(params, "path", str, missing=120))
    return file_info(store, user, node)


@handler(FILES, "list")
async def files_list(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """List a folder's items; a missing `path` is 120 (driveschemas)."""
    store, _user = _drive(ctx)
    folder = _resolved(ctx, require(params, "path", str, missing=120))
    if not folder.is_dir:
        raise DsmError(120, {"name": "path", "reason": "invalid"})
    return _page(ctx, params, store.children(folder))


@handler(FILES, "search")
async def files_search(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Items whose name contains `keyword`, in `location`."""
    store, user = _drive(ctx)
    keyword = optional(params, "keyword", str, "").casefold()
    location = optional(params, "location", str, "any")
    kinds = {
        "any": ("mydrive", "team"),
        "mydrive": ("mydrive",),
        "team_folders": ("team",),
    }
    if location not in kinds:
        raise DsmError(120, {"name": "location", "reason": "invalid"})
    found = [
        node
        for node in store.nodes.values()
        if node.parent_id != "0"
        and not node.removed
        and node.root.kind in kinds[location]
        and store.can_see(user, node)
        and keyword in node.name.casefold()
    ]
    params = {"sort_by": "score", "limit": 1000, **params}
    return {**_page(ctx, params, found), "search_time": 0.01}


@handler(FILES, "create")
async def files_create(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Create a folder (the request says `folder`, the answer `dir`)."""
    store, user = _drive(ctx)
    path = require(params, "path", str, missing=120)
    if require(params, "type", str, missing=120) != "folder":
        raise DsmError(120, {"name": "type", "reason": "invalid"})
    conflict = _conflict(params, "stop", "stop", "overwrite", "autorename")
    try:
        parent, name = store.target(user, path)
        node = store.create_folder(user, parent, name, conflict)
    except DriveError as err:
        raise _refusing(err) from err
    return file_info(store, user, node)


@handler(FILES, "update")
async def files_update(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Rename, or take out of the recycle bin (`removed=false`)."""
    store, user = _drive(ctx)
    path = require(params, "path", str, missing=120)
    if optional(params, "removed", bool, True) is False:
        node = _removed_item(ctx, path)
        node.removed = False
        store.changed(user, "file_created", node)
    else:
        node = _resolved(ctx, path)
    if "name" in params:
        name = require(params, "name", str)
        if not name or "/" in name:
            raise DsmError(120, {"name": "name", "reason": "invalid"})
        try:
            store.rename(user, node, name)
        except DriveError as err:
            raise _refusing(err) from err
    return file_info(store, user, node)


def _removed_item(ctx: CallContext, path: str) -> Node:
    store, user = _drive(ctx)
    node = store.nodes.get(path.removeprefix("id:"))
    if node is None or not node.removed or not store.can_see(user, node):
        raise DsmError(NOT_FOUND)
    return node


@handler(FILES, "star")
async def files_star(ctx: CallContext, params: dict[str, Any]) -> None:
    """Star or unstar items for the caller."""
    _store, user = _drive(ctx)
    starred = require(params, "starred", bool, missing=120)
    for node in _path_list(ctx, params):
        if starred:
            node.starred_by.add(user)
        else:
            node.starred_by.discard(user)


@handler(FILES, "label")
async def files_label(ctx: CallContext, params: dict[str, Any]) -> None:
    """Give items exactly the caller's labels named by id."""
    store, user = _drive(ctx)
    label_ids = require(params, "labels", list, missing=120)
    known = {label.label_id for label in store.labels.get(user, [])}
    if not all(label_id in known for label_id in label_ids):
        raise DsmError(120, {"name": "labels", "reason": "invalid"})
    for node in _path_list(ctx, params):
        node.labels[user] = set(label_ids)


@handler(FILES, "upload")
async def files_upload(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Store the multipart `file` part at `path` (the folder must exist: 1000)."""
    store, user = _drive(ctx)
    path = require(params, "path", str, missing=120)
    upload = params.get("file")
    if not isinstance(upload, web.FileField):
        raise DsmError(120, {"name": "file", "reason": "required"})
    conflict = _conflict(params, "stop", *CONFLICT_ACTIONS)
    try:
        parent, name = store.target(user, path)
        node = store.write_file(user, parent, name, upload.file, conflict)
    except DriveError as err:
        raise _refusing(err) from err
    return file_info(store, user, node)


@handler(FILES, "download")
async def files_download(
    ctx: CallContext, params: dict[str, Any]
) -> web.StreamResponse:
    """Stream a file's content from disk.

    Simplification: archives (several files or a folder, which Drive zips) are not
    simulated and answer 120.
    """
    nodes = _path_list(ctx, params)
    if len(nodes) != 1 or nodes[0].is_dir:
        raise DsmError(120, {"name": "files", "reason": "invalid"})
    node = nodes[0]
    response = web.FileResponse(node.revisions[-1].blob)
    if optional(params, "force_download", bool, False):
        response.content_type = "application/octet-stream"
        response.headers["Content-Disposition"] = f'attachment; filename="{node.name}"'
    else:
        response.content_type = (
            mimetypes.guess_type(node.name)[0] or "application/octet-stream"
        )
    return response


def _task_operation(
    ctx: CallContext, params: dict[str, Any], action: str
) -> dict[str, Any]:
    """Start move or copy as a task; conflicts show in the task result (drive.md §5.6)."""
    store, user = _drive(ctx)
    nodes = _path_list(ctx, params)
    folder = _resolved(ctx, require(params, "to_parent_folder", str, missing=120))
    if not folder.is_dir:
        raise DsmError(120, {"name": "to_parent_folder", "reason": "invalid"})
    allowed = (
        (*CONFLICT_ACTIONS[:3], "skip") if action == "move" else CONFLICT_ACTIONS[:3]
    )
    conflict = _conflict(params, "autorename", *allowed)
    operation = store.move if action == "move" else store.copy

    def work() -> dict[str, Any]:
        errors: list[dict[str, Any]] = []
        targets: list[dict[str, Any]] = []
        for node in nodes:
            try:
                result = operation(user, node, folder, conflict)
            except DriveError as err:
                errors.append(_task_error(store, err, node))
                continue
            if result is not None:
                targets.append(_task_target(store, result))
        return {"errors": errors or None, "targets": targets}

    return {"async_task_id": store.start_task(user, action, work).task_id}


def _task_error(store: DriveStore, err: DriveError, node: Node) -> dict[str, Any]:
    message = "file operation is stopped" if err.code == CONFLICT else "failed"
    return {
        "code": err.code,
        "message": message,
        "context": {
            "file_type": "dir" if node.is_dir else "file",
            "name": node.name,
            "path": store.display_path(node),
        },
    }


def _task_target(store: DriveStore, node: Node) -> dict[str, Any]:
    return {
        "file_id": node.file_id,
        "parent_id": node.parent_id,
        "file_type": "dir" if node.is_dir else "file",
        "name": node.name,
        "path": store.display_path(node),
    }


@handler(FILES, "move")
async def files_move(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Move items into a folder, as a task."""
    return _task_operation(ctx, params, "move")


@handler(FILES, "copy")
async def files_copy(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Copy items into a folder, as a task."""
    return _task_operation(ctx, params, "copy")


@handler(FILES, "delete")
async def files_delete(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Move items to the recycle bin (or delete them for good), as a task."""
    store, user = _drive(ctx)
    nodes = _path_list(ctx, params)
    if any(node.parent_id == "0" for node in nodes):
        raise DsmError(105)
    permanent = optional(params, "permanent", bool, False)

    def work() -> dict[str, Any]:
        for node in nodes:
            store.delete(user, node, permanent=permanent)
        return {
            "errors": None,
            "targets": [_task_target(store, node) for node in nodes],
        }

    return {"async_task_id": store.start_task(user, "delete", work).task_id}


@handler("SYNO.SynologyDrive.Tasks", "get")
async def task_get(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Report a task's state; an unknown (or another user's) id is 401 (drive.md §5.15)."""
    store, user = _drive(ctx)
    task = store.tasks.get(require(params, "task_id", str, missing=120))
    if task is None or task.owner != user:
        raise DsmError(401, {"message": "invalid task id"})
    return {
        "task_id": task.task_id,
        "status": task.status,
        "progress": task.progress,
        "result": task.result,
    }


# --- sharing ---


@handler("SYNO.SynologyDrive.Sharing", "create_link")
async def sharing_create_link(
    ctx: CallContext, params: dict[str, Any]
) -> dict[str, Any]:
    """Answer the item's plain link, the existing one if there is one (drive.md §6.1)."""
    store, _user = _drive(ctx)
    node = _resolved(ctx, require(params, "path", str, missing=120))
    link = _link_of(store, node, advanced=False)
    return {"url": _link_url(ctx, link), "link_id": link.link_id}


PLAIN_LINK_PATH = "/d/f/"
ADVANCED_LINK_PATH = "/d/s/"
# The cookie our simulated link page reads the public `auth` answer from (INFERRED: how a
# browser presents `sharing_token` to the link page is unpublished).
SHARING_TOKEN_COOKIE = "sharing_token"


def _link_of(store: DriveStore, node: Node, *, advanced: bool) -> ShareLink:
    link = next(
        (
            link
            for link in store.links.values()
            if link.node is node and link.advanced == advanced
        ),
        None,
    )
    if link is None:
        link = ShareLink(
            f"{store.next_number():06d}{node.permanent_link[:6]}", node, advanced
        )
        store.links[link.link_id] = link
    return link


def _link_url(ctx: CallContext, link: ShareLink) -> str:
    path = ADVANCED_LINK_PATH if link.advanced else PLAIN_LINK_PATH
    return f"{ctx.http.request.url.origin()}{path}{link.link_id}"


def _advanced_answer(ctx: CallContext, link: ShareLink) -> dict[str, Any]:
    """Return the AdvanceSharing answer (ACaiCat/synology-drive `AdvanceShareLink`)."""
    return {
        "url": _link_url(ctx, link),
        "sharing_link": link.link_id,
        "permanent_id": int(link.link_id[:6]),
        "role": "viewer",
        "due_date": link.due_date or 0,
        "protect_password": bool(link.password),
    }


def _shared_file(ctx: CallContext, params: dict[str, Any]) -> Node:
    """Return the file AdvanceSharing's `path` names.

    The earlier guess addressed a plain link by `link_id`; DSM wants the path (120).
    """
    return _resolved(ctx, require(params, "path", str, missing=120))


ADVANCED_LINK_MISSING = 1036
LINK_PASSWORD_WRONG = 1037


@handler("SYNO.SynologyDrive.AdvanceSharing", "create")
async def advance_sharing_create(
    ctx: CallContext, params: dict[str, Any]
) -> dict[str, Any]:
    """Create (or answer the existing) advanced link of the file `path` names."""
    store, _user = _drive(ctx)
    return _advanced_answer(
        ctx, _link_of(store, _shared_file(ctx, params), advanced=True)
    )


@handler("SYNO.SynologyDrive.AdvanceSharing", "update")
async def advance_sharing_update(
    ctx: CallContext, params: dict[str, Any]
) -> dict[str, Any]:
    """Set an advanced link's password and expiry (`path` + `sharing_link`)."""
    store, _user = _drive(ctx)
    node = _shared_file(ctx, params)
    link = store.links.get(require(params, "sharing_link", str, missing=120))
    if link is None or not link.advanced or link.node is not node:
        raise DsmError(ADVANCED_LINK_MISSING)
    password = optional(params, "protect_password", str, "")
    due_date = optional(params, "due_date", int, 0)
    if due_date and due_date <= store.now():
        raise DsmError(120, {"name": "due_date", "reason": "invalid"})
    link.password = password or None
    link.due_date = due_date or None
    link.tokens.clear()
    return _advanced_answer(ctx, link)


@handler("SYNO.SynologyDrive.AdvanceSharing.Public", "auth")
async def advance_sharing_public_auth(
    ctx: CallContext, params: dict[str, Any]
) -> dict[str, Any]:
    """Unlock a protected link: `sharing_token`, or 1037 for a wrong password."""
    store = ctx.store.drive
    link = store.links.get(require(params, "sharing_link", str, missing=120))
    if link is None or not link.advanced:
        raise DsmError(ADVANCED_LINK_MISSING)
    if link.password and optional(params, "password", str, "") != link.password:
        raise DsmError(LINK_PASSWORD_WRONG)
    token = secrets.token_urlsafe(16)
    link.tokens.add(token)
    return {"sharing_token": token}


def link_page(
    nas: DsmStore,
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """Serve a link's URL as a visitor's browser fetches it.

    An advanced link with a password answers 401 until the visitor presents the
    `sharing_token` its public `auth` gave; an expired one is gone (404); a plain link
    opens for anyone, which is why protection must hand out the advanced link's URL.
    """

    async def serve(request: web.Request) -> web.StreamResponse:
        store = nas.drive
        link = store.links.get(request.match_info["link"])
        advanced = request.path.startswith(ADVANCED_LINK_PATH)
        if link is None or link.advanced != advanced or link.node.removed:
            raise web.HTTPNotFound
        if link.due_date is not None and link.due_date <= store.now():
            raise web.HTTPNotFound
        if (
            link.password
            and request.cookies.get(SHARING_TOKEN_COOKIE) not in link.tokens
        ):
            return web.Response(
                status=401, text="This link is protected by a password."
            )
        return web.Response(body=store.content(link.node))

    return serve


# --- team folders, labels, versions ---


@handler("SYNO.SynologyDrive.TeamFolders", "list")
async def team_folders_list(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """List the team folders the caller is a member of."""
    store, user = _drive(ctx)
    items = [
        {
            "team_id": root.view_id,
            "file_id": store.root_node(root).file_id,
            "name": root.name,
            "capabilities": {"can_read": True, "can_write": True},
            "disable_download": False,
            "enable_versioning": True,
            "keep_versions": 32,
        }
        for root in store.roots
        if root.kind == "team" and user in root.members
    ]
    return {"total": len(items), "items": items}


@handler("SYNO.SynologyDrive.Labels", "list")
async def labels_list(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """List the caller's personal labels."""
    store, user = _drive(ctx)
    labels: list[Label] = store.labels.get(user, [])
    items = [
        {
            "label_id": label.label_id,
            "name": label.name,
            "color": label.color,
            "type": "personal_label",
            "position": position,
            "update_time": 0,
        }
        for position, label in enumerate(labels)
    ]
    return {"total": len(items), "items": items}


def _versioned_file(ctx: CallContext, params: dict[str, Any]) -> Node:
    """Return the file `path` names (any path form, pvilaca/DSM4J; drive.md 2026-12)."""
    node = _resolved(ctx, require(params, "path", str, missing=120))
    if node.is_dir:
        raise DsmError(1000)
    return node


@handler("SYNO.SynologyDrive.Revisions", "list")
async def revisions_list(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """List a file's versions, newest first, as `{total, items:[{version_id, …}]}`.

    Without parameters 1000, as on a real NAS; items as pvilaca/DSM4J's RevisionFile.
    """
    if not params:
        raise DsmError(1000)
    node = _versioned_file(ctx, params)
    if ctx.store.dialect.revisions_shape == "revisions":
        return {
            "revisions": [
                {
                    "revision_id": revision.revision_id,
                    "size": revision.size,
                    "modified_time": revision.modified_time,
                }
                for revision in reversed(node.revisions)
            ]
        }
    items = [
        {
            "version_id": int(revision.revision_id),
            "size": revision.size,
            "modified_time": revision.modified_time,
            "created_time": revision.modified_time,
            "hash": revision.hash,
            "editor_display_name": node.owner,
            "editor_nickname": node.owner,
        }
        for revision in reversed(node.revisions)
    ]
    return {"total": len(items), "items": items}


@handler("SYNO.SynologyDrive.Revisions", "restore")
async def revisions_restore(ctx: CallContext, params: dict[str, Any]) -> None:
    """Make an earlier version current again (`path` + `version_id`, the client's guess)."""
    store, user = _drive(ctx)
    node = _versioned_file(ctx, params)
    # A NAS listing {revisions: [{revision_id}]} takes that name back.
    key = (
        "revision_id"
        if ctx.store.dialect.revisions_shape == "revisions"
        else "version_id"
    )
    if key not in params:
        raise DsmError(120, {"name": key, "reason": "required"})
    version = params[key]
    if not isinstance(version, int | str) or isinstance(version, bool):
        raise DsmError(120, {"name": key, "reason": "invalid"})
    try:
        store.restore_revision(user, node, str(version))
    except DriveError as err:
        raise _refusing(err) from err


# --- notifications, info, quota ---


@handler("SYNO.SynologyDrive.Notifications", "list")
async def notifications_list(
    ctx: CallContext, params: dict[str, Any]
) -> dict[str, Any]:
    """List the caller's feed, newest first (item fields: the client's guess)."""
    store, user = _drive(ctx)
    feed = store.notifications.get(user, [])
    offset = optional(params, "offset", int, 0)
    limit = optional(params, "limit", int, 0)
    window = feed[offset : offset + limit] if limit else feed[offset:]
    return {
        "total": len(feed),
        "items": [
            {
                "notification_id": item.notification_id,
                "type": item.kind,
                "time": item.time,
                "is_read": item.is_read,
                "actor": {"name": item.actor, "display_name": item.actor},
                "file": {
                    "file_id": item.node.file_id,
                    "name": item.node.name,
                    "display_path": store.display_path(item.node),
                },
            }
            for item in window
        ],
    }


@handler("SYNO.SynologyDrive.Info", "get")
async def info_get(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Bootstrap information (keys of a real answer, drive.md §8.2)."""
    _store, user = _drive(ctx)
    assert ctx.session is not None
    return {
        "beta": False,
        "displayname_result": user,
        "ds_id": ctx.store.serial,
        "enable_mydrive_versioning": True,
        "enable_non_admin_user_sync": True,
        "has_ame": False,
        "has_backup": False,
        "is_home": True,
        "is_manager": False,
        "mobile_compatibility": {"major": "3", "minor": "0"},
        "mydrive_keep_versions": 32,
        "nickname": user,
        "support_hevc": False,
        "uid": ctx.session.user.uid,
        "username": user,
        "version": {"build": "12920", "hotfix": "0", "major": "3", "minor": "5"},
    }


@handler("SYNO.SynologyDrive.Info", "quota")
async def info_quota(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Answer the caller's quota in bytes (the client's guessed shape)."""
    store, user = _drive(ctx)
    return {"used": store.used(user), "total": store.quota.get(user) or 0}


# --- webhooks ---


@handler("SYNO.SynologyDrive.Webhooks", "create")
async def webhooks_create(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Register a `url` webhook for the caller's files (drive.md §6.4)."""
    store, user = _drive(ctx)
    if require(params, "type", str, missing=120) != "url":
        raise DsmError(120, {"name": "type", "reason": "invalid"})
    app_id = require(params, "app_id", str, missing=120)
    url = require(params, "url", str, missing=120)
    if not url.startswith(("http://", "https://")):
        raise DsmError(120, {"name": "url", "reason": "invalid"})
    webhook = Webhook(str(store.next_number()), app_id, url, user)
    store.webhooks[webhook.webhook_id] = webhook
    return _webhook_data(webhook)


def _webhook_data(webhook: Webhook) -> dict[str, Any]:
    return {
        "webhook_id": webhook.webhook_id,
        "app_id": webhook.app_id,
        "type": "url",
        "url": webhook.url,
        "token": "",
    }


@handler("SYNO.SynologyDrive.Webhooks", "list")
async def webhooks_list(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """List the caller's webhooks under `app_id`."""
    store, user = _drive(ctx)
    app_id = require(params, "app_id", str, missing=120)
    items = [
        _webhook_data(webhook)
        for webhook in store.webhooks.values()
        if webhook.owner == user and webhook.app_id == app_id
    ]
    return {"total": len(items), "items": items}


@handler("SYNO.SynologyDrive.Webhooks", "delete")
async def webhooks_delete(ctx: CallContext, params: dict[str, Any]) -> None:
    """Remove one of the caller's webhooks."""
    store, user = _drive(ctx)
    webhook = store.webhooks.get(require(params, "webhook_id", str, missing=120))
    if (
        webhook is None
        or webhook.owner != user
        or webhook.app_id != require(params, "app_id", str, missing=120)
    ):
        raise DsmError(NOT_FOUND)
    del store.webhooks[webhook.webhook_id]
