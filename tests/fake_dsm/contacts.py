"""SYNO.Contacts.*: address books, contacts, labels and external sources, per DSM user.

List shapes are the VERIFIED live ones (contacts.md §3–§6): `Contact.list` answers `contact`
and `offset` without `total`, the others carry `total`. Every write (and `Contact.get`) is
INFERRED from one hand-written client (contacts.md §4): `Contact.create` takes `addressbook_id`
and a `contact` object, `set` takes `id` plus changed fields, `get` and `delete` take `ids`
as a JSON array. The answers to writes are UNKNOWN; `create` answers `{"id": n}` here, the
guess the client's `created_contact_id` reads. Missing or unknown ids answer 120, as DSM
does for a `get` without id (contacts.md §11); a write to a book shared read-only answers 105.
"""

from typing import Any

from .contacts_store import (
    CONTACT_FIELDS,
    ContactsStore,
    SimAddressBook,
    SimContact,
)
from .webapi import (
    INVALID_PARAM_REASON,
    CallContext,
    DsmError,
    FileBody,
    handler,
    require,
)
from .webdav import require_admin

ADDRESSBOOK = "SYNO.Contacts.Addressbook"
CONTACT = "SYNO.Contacts.Contact"


def _store(ctx: CallContext) -> ContactsStore:
    return ctx.store.contacts


def _user(ctx: CallContext) -> str:
    assert ctx.session is not None  # every Contacts API needs a session
    return ctx.session.user.name


def _invalid(name: str) -> DsmError:
    return DsmError(120, {"name": name, "reason": INVALID_PARAM_REASON})


def _visible_book(ctx: CallContext, book_id: Any, *, writable: bool) -> SimAddressBook:
    """Return a book the caller sees: 120 for one they do not, 105 to write a shared one."""
    user = _user(ctx)
    book = next(
        (book for book in _store(ctx).visible_books(user) if book.book_id == book_id),
        None,
    )
    if book is None:
        raise _invalid("addressbook_id")
    if writable and book.owner != user:
        raise DsmError(105)
    return book


def _visible_contact(ctx: CallContext, contact_id: Any, name: str) -> SimContact:
    contact = (
        _store(ctx).contacts.get(contact_id) if isinstance(contact_id, int) else None
    )
    if contact is None:
        raise _invalid(name)
    _visible_book(ctx, contact.book_id, writable=False)
    return contact


def _contact_ids(params: dict[str, Any]) -> list[int]:
    ids = require(params, "ids", list, missing=120)
    if not ids or not all(
        isinstance(item, int) and not isinstance(item, bool) for item in ids
    ):
        raise _invalid("ids")
    return ids


def _fields(values: dict[str, Any], name: str) -> dict[str, str]:
    """Check contact fields: known names with string values, else 120."""
    if any(
        key not in CONTACT_FIELDS or not isinstance(value, str)
        for key, value in values.items()
    ):
        raise _invalid(name)
    return values


def _book_data(ctx: CallContext, book: SimAddressBook) -> dict[str, Any]:
    user = _user(ctx)
    own = book.owner == user
    return {
        "id": book.book_id,
        "name": book.name,
        "uri": f"{book.owner}-{book.book_id}",
        "type": 0,
        "mode": 0,
        "status": 0,
        "member_count": sum(
            1
            for contact in _store(ctx).contacts.values()
            if contact.book_id == book.book_id
        ),
        "owned_shared": own and bool(book.shared_with),
        # INFERRED formats (contacts.md §3: UNKNOWN): the owner's name, a comma list of names.
        "shared_from": "" if own else book.owner,
        "shared_with": ",".join(book.shared_with) if own else "",
    }


def _contact_data(ctx: CallContext, contact: SimContact) -> dict[str, Any]:
    book = _store(ctx).books[contact.book_id]
    labels = [
        {"id": label.label_id, "name": label.name}
        for label in _store(ctx).labels.values()
        if contact.contact_id in label.members and label.owner == _user(ctx)
    ]
    return {
        "id": contact.contact_id,
        "addressbook_id": contact.book_id,
        **contact.fields,
        "photo": "",
        "is_editable": book.owner == _user(ctx),
        "is_hidden": False,
        "usage_frequency": 0,
        "additional": {"label": labels},
    }


@handler(ADDRESSBOOK, "list")
async def addressbook_list(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Answer the caller's own books and those shared with them."""
    books = [_book_data(ctx, book) for book in _store(ctx).visible_books(_user(ctx))]
    return {"addressbook": books, "total": len(books)}


@handler(CONTACT, "list")
async def contact_list(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Contacts of one book; without `addressbook_id` (INFERRED) of every visible book."""
    if "addressbook_id" in params:
        books = {_visible_book(ctx, params["addressbook_id"], writable=False).book_id}
    else:
        books = {book.book_id for book in _store(ctx).visible_books(_user(ctx))}
    contacts = [
        _contact_data(ctx, contact)
        for contact in _store(ctx).contacts.values()
        if contact.book_id in books
    ]
    return {"contact": contacts, "offset": 0}


@handler(CONTACT, "get")
async def contact_get(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Contacts by id (INFERRED shape: the list's)."""
    contacts = [_visible_contact(ctx, item, "ids") for item in _contact_ids(params)]
    return {"contact": [_contact_data(ctx, contact) for contact in contacts]}


@handler(CONTACT, "create")
async def contact_create(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Create a contact in a book the caller owns."""
    book_id = require(params, "addressbook_id", int, missing=120)
    fields = _fields(require(params, "contact", dict, missing=120), "contact")
    if not fields.get("full_name"):
        raise _invalid("contact")
    book = _visible_book(ctx, book_id, writable=True)
    return {"id": _store(ctx).add_contact(book.book_id, **fields).contact_id}


@handler(CONTACT, "set")
async def contact_set(ctx: CallContext, params: dict[str, Any]) -> None:
    """Change fields of a contact in a book the caller owns."""
    contact = _visible_contact(ctx, require(params, "id", int, missing=120), "id")
    changes = _fields(
        {key: value for key, value in params.items() if key != "id"}, "id"
    )
    _visible_book(ctx, contact.book_id, writable=True)
    contact.fields |= changes


@handler(CONTACT, "delete")
async def contact_delete(ctx: CallContext, params: dict[str, Any]) -> None:
    """Delete contacts; nothing is deleted when one id is unknown or read-only."""
    contacts = [_visible_contact(ctx, item, "ids") for item in _contact_ids(params)]
    for contact in contacts:
        _visible_book(ctx, contact.book_id, writable=True)
    for contact in contacts:
        del _store(ctx).contacts[contact.contact_id]
        for label in _store(ctx).labels.values():
            if contact.contact_id in label.members:
                label.members.remove(contact.contact_id)


@handler("SYNO.Contacts.Label", "list")
async def label_list(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Answer the caller's labels (VERIFIED shape, contacts.md §5)."""
    labels = [
        {
            "id": label.label_id,
            "name": label.name,
            "color": label.color,
            "type": 0,
            "member": list(label.members),
            "member_count": len(label.members),
        }
        for label in _store(ctx).labels.values()
        if label.owner == _user(ctx)
    ]
    return {"label": labels, "total": len(labels)}


@handler("SYNO.Contacts.ExternalSource", "list")
async def external_source_list(
    ctx: CallContext, params: dict[str, Any]
) -> dict[str, Any]:
    """No external sources: the only capture is empty and the element shape is UNKNOWN."""
    return {"external_sources": [], "total": 0}


@handler("SYNO.Contacts.Info", "get")
async def info_get(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Answer who the caller is to Contacts (VERIFIED shape, contacts.md §7)."""
    assert ctx.session is not None
    user = ctx.session.user
    return {
        "is_migrating": False,
        "is_sharing_addressbook_prohibited": False,
        "principal": {
            "id": user.uid,
            "account_name": user.name,
            "display_name": user.name,
            "type": 0,
        },
    }


@handler("SYNO.Contacts.OU", "list")
async def ou_list(ctx: CallContext, params: dict[str, Any]) -> None:
    """Refuse as DSM does: its required parameters are UNKNOWN (contacts.md §8), so 120."""
    raise DsmError(120, {})


@handler("SYNO.Contacts.AdminSetting", "get")
async def admin_setting_get(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Answer the administrator's settings (VERIFIED shape, contacts.md §9); others get 105."""
    require_admin(ctx)
    return {
        "bound_domain_name": "",
        "bound_domain_type": "local",
        "dsm_domain_name": "",
        "dsm_domain_type": "local",
        "is_migrating": False,
        "migration": {
            "is_mailclient_with_data": False,
            "last_migration_end_time": 0,
            "migration_status": 0,
            "not_migrated_count": 0,
        },
    }


def _vcard(contact: SimContact) -> str:
    """Write a contact as a vCard 3.0 (the format Contacts exports, contacts.md §2)."""
    fields = contact.fields
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"FN:{fields['full_name']}"]
    if fields["company"]:
        lines.append(f"ORG:{fields['company']}")
    if fields["primary_mail"]:
        lines.append(f"EMAIL:{fields['primary_mail']}")
    if fields["primary_tel"]:
        lines.append(f"TEL:{fields['primary_tel']}")
    return "\r\n".join([*lines, "END:VCARD"]) + "\r\n"


@handler(ADDRESSBOOK, "export")
async def addressbook_export(ctx: CallContext, params: dict[str, Any]) -> FileBody:
    """Answer a book as a .vcf file.

    INFERRED: the parameter is UNKNOWN (contacts.md §3); `addressbook_id`, the name
    `Contact.list` takes, is guessed.
    """
    book_id = require(params, "addressbook_id", int, missing=120)
    book = _visible_book(ctx, book_id, writable=False)
    cards = "".join(
        _vcard(contact)
        for contact in _store(ctx).contacts.values()
        if contact.book_id == book.book_id
    )
    return FileBody(cards.encode(), "text/vcard")
