"""Synology Contacts (``SYNO.Contacts.*``): address books, contacts, labels, external sources.

Public knowledge of this namespace is thin (contacts.md): list shapes are VERIFIED from live
answers, every write parameter and every write answer is INFERRED. Each guess lives in one
named constant or function below with the section it comes from, so a capture from a real
NAS corrects it in one edit.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import DsmResponseError
from .models import Call, Endpoint
from .typed import Fields

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from .client import DsmClient

_ADDRESSBOOK = "SYNO.Contacts.Addressbook"
_CONTACT = "SYNO.Contacts.Contact"

ADDRESSBOOK_LIST = Endpoint(_ADDRESSBOOK, "list")
CONTACT_LIST = Endpoint(_CONTACT, "list", 1, 2)
# contacts.md §4: the hardware-tested library pins get to v2, create/set/delete to v1.
CONTACT_GET = Endpoint(_CONTACT, "get", 2, 2)
CONTACT_CREATE = Endpoint(_CONTACT, "create")
CONTACT_SET = Endpoint(_CONTACT, "set")
CONTACT_DELETE = Endpoint(_CONTACT, "delete")
LABEL_LIST = Endpoint("SYNO.Contacts.Label", "list", 1, 2)
EXTERNAL_SOURCE_LIST = Endpoint("SYNO.Contacts.ExternalSource", "list")

# INFERRED (contacts.md §4 "create", "set"): the fields inside a contact are UNKNOWN. We
# write the names the VERIFIED list rows read back; nothing else is sent.
CONTACT_FIELDS = (
    "full_name",
    "company",
    "department",
    "title",
    "primary_mail",
    "primary_tel",
)


def create_params(addressbook_id: int, fields: Mapping[str, str]) -> dict[str, Any]:
    """Build ``Contact.create`` (INFERRED, contacts.md §4: book id + a ``contact`` object)."""
    return {"addressbook_id": addressbook_id, "contact": dict(fields)}


def set_params(contact_id: int, changes: Mapping[str, str]) -> dict[str, Any]:
    """Build ``Contact.set`` (INFERRED, contacts.md §4: ``id`` + the changed fields)."""
    return {"id": contact_id, **changes}


def created_contact_id(data: Any) -> int:
    """Read the new contact's id from ``Contact.create`` (answer UNKNOWN; ``{"id": n}`` guessed)."""
    return Fields.of(data, CONTACT_CREATE).field("id", int)


def parse_fetched_contacts(data: Any) -> tuple[Contact, ...]:
    """Read ``Contact.get``: its shape is UNKNOWN (contacts.md §4), taken to be the list's."""
    return parse_contacts(data, CONTACT_GET)


@dataclass(frozen=True, slots=True)
class AddressBook:
    """An address book the user owns or that is shared with them (contacts.md §3)."""

    addressbook_id: int
    name: str
    uri: str
    # Enum codes whose meanings are UNKNOWN; kept so automations can tell books apart.
    type: int
    mode: int
    status: int
    member_count: int
    owned_shared: bool
    shared_from: str  # format UNKNOWN; empty for the user's own books
    shared_with: str

    @property
    def read_only(self) -> bool:
        """Tell whether this is someone else's book, which the user cannot add to.

        INFERRED (contacts.md §3, §10): a book shared with the user names its owner in
        ``shared_from`` and is read-only, as shared books are over CardDAV. The web API's
        sharing permissions are UNKNOWN; a contact's own ``is_editable`` guards its edits.
        """
        return bool(self.shared_from)


@dataclass(frozen=True, slots=True)
class Contact:
    """A contact as lists return it: one primary e-mail and phone (contacts.md §4)."""

    contact_id: int
    addressbook_id: int
    full_name: str
    company: str
    department: str
    title: str
    primary_mail: str
    primary_tel: str
    is_editable: bool
    is_hidden: bool

    def matches(self, query: str) -> bool:
        """Tell whether query is part of the name, e-mail or phone number.

        Case does not matter; a query with digits also matches a phone number written
        with spaces, dashes or brackets. DSM has no search method (contacts.md §4).
        """
        needle = query.casefold().strip()
        if (
            needle in self.full_name.casefold()
            or needle in self.primary_mail.casefold()
        ):
            return True
        digits = _digits(needle)
        return bool(digits) and digits in _digits(self.primary_tel)


@dataclass(frozen=True, slots=True)
class Label:
    """A user label (contacts.md §5)."""

    label_id: int
    name: str
    color: str
    member_count: int


@dataclass(frozen=True, slots=True)
class ContactsOverview:
    """Everything that holds contacts for the user, read in one request."""

    address_books: tuple[AddressBook, ...]
    labels: tuple[Label, ...]
    # External (CardDAV and other) sources as DSM lists them: their shape is UNKNOWN
    # (contacts.md §6), so each is kept as the object DSM sent.
    external_sources: tuple[Mapping[str, Any], ...]


def _digits(text: str) -> str:
    return "".join(char for char in text if char.isdigit())


# --- reading DSM's answers -------------------------------------------------------------


def _address_book(item: Fields) -> AddressBook:
    return AddressBook(
        addressbook_id=item.field("id", int),
        name=item.field("name", str),
        uri=item.field("uri", str),
        type=item.field("type", int),
        mode=item.field("mode", int),
        status=item.field("status", int),
        member_count=item.field("member_count", int),
        owned_shared=item.field("owned_shared", bool),
        shared_from=item.field("shared_from", str),
        shared_with=item.field("shared_with", str),
    )


def _contact(item: Fields) -> Contact:
    return Contact(
        contact_id=item.field("id", int),
        addressbook_id=item.field("addressbook_id", int),
        full_name=item.field("full_name", str),
        company=item.field("company", str),
        department=item.field("department", str),
        title=item.field("title", str),
        primary_mail=item.field("primary_mail", str),
        primary_tel=item.field("primary_tel", str),
        is_editable=item.field("is_editable", bool),
        is_hidden=item.field("is_hidden", bool),
    )


def _label(item: Fields) -> Label:
    return Label(
        label_id=item.field("id", int),
        name=item.field("name", str),
        color=item.field("color", str),
        member_count=item.field("member_count", int),
    )


def parse_address_books(data: Any) -> tuple[AddressBook, ...]:
    """Read ``Addressbook.list`` (VERIFIED shape, contacts.md §3)."""
    answer = Fields.of(data, ADDRESSBOOK_LIST)
    return tuple(_address_book(item) for item in answer.objects("addressbook"))


def parse_contacts(data: Any, source: Endpoint = CONTACT_LIST) -> tuple[Contact, ...]:
    """Read ``Contact.list``: ``contact`` and ``offset``, no ``total`` (contacts.md §4)."""
    answer = Fields.of(data, source)
    return tuple(_contact(item) for item in answer.objects("contact"))


def parse_labels(data: Any) -> tuple[Label, ...]:
    """Read ``Label.list`` (VERIFIED shape, contacts.md §5)."""
    answer = Fields.of(data, LABEL_LIST)
    return tuple(_label(item) for item in answer.objects("label"))


def parse_external_sources(data: Any) -> tuple[Mapping[str, Any], ...]:
    """Read ``ExternalSource.list``: objects of an UNKNOWN shape (contacts.md §6)."""
    answer = Fields.of(data, EXTERNAL_SOURCE_LIST)
    return tuple(item.raw for item in answer.objects("external_sources"))


# --- the calls ----------------------------------------------------------------------


class Contacts:
    """Calls to Synology Contacts for the signed-in user."""

    def __init__(self, client: DsmClient) -> None:
        """Use client for every call."""
        self._client = client

    async def address_books(self) -> tuple[AddressBook, ...]:
        """Return the user's own address books and those shared with them."""
        return parse_address_books(await self._client.call(ADDRESSBOOK_LIST))

    async def overview(self) -> ContactsOverview:
        """Return the address books, labels and external sources, in one request."""
        books, labels, sources = await self._client.compound(
            [Call(ADDRESSBOOK_LIST), Call(LABEL_LIST), Call(EXTERNAL_SOURCE_LIST)]
        )
        return ContactsOverview(
            address_books=parse_address_books(books.unwrap()),
            labels=parse_labels(labels.unwrap()),
            external_sources=parse_external_sources(sources.unwrap()),
        )

    async def contacts(self, addressbook_ids: Sequence[int]) -> tuple[Contact, ...]:
        """Return the contacts of the given books, in one compound request.

        Each book is listed by id: whether a list without one covers every book is
        UNKNOWN (contacts.md §4).
        """
        if not addressbook_ids:
            return ()
        results = await self._client.compound(
            [
                Call(CONTACT_LIST, {"addressbook_id": book_id})
                for book_id in addressbook_ids
            ]
        )
        return tuple(
            contact for result in results for contact in parse_contacts(result.unwrap())
        )

    async def find(
        self, query: str, addressbook_ids: Sequence[int]
    ) -> tuple[Contact, ...]:
        """Return the contacts of the books whose name, e-mail or phone contains query."""
        return tuple(
            contact
            for contact in await self.contacts(addressbook_ids)
            if contact.matches(query)
        )

    async def contact(self, contact_id: int) -> Contact:
        """Return one contact."""
        data = await self._client.call(CONTACT_GET, {"ids": [contact_id]})
        found = [
            item
            for item in parse_fetched_contacts(data)
            if item.contact_id == contact_id
        ]
        if not found:
            msg = "Contact.get answered without the contact asked for"
            raise DsmResponseError(msg)
        return found[0]

    async def create(self, addressbook_id: int, fields: Mapping[str, str]) -> Contact:
        """Create a contact in a book and return it as DSM stored it."""
        data = await self._client.call(
            CONTACT_CREATE, create_params(addressbook_id, fields)
        )
        return await self.contact(created_contact_id(data))

    async def update(self, contact_id: int, changes: Mapping[str, str]) -> Contact:
        """Change the given fields of a contact and return it as DSM stored it."""
        await self._client.call(CONTACT_SET, set_params(contact_id, changes))
        return await self.contact(contact_id)

    async def delete(self, contact_ids: Sequence[int]) -> None:
        """Delete contacts (``ids`` is a JSON array, contacts.md §4)."""
        await self._client.call(CONTACT_DELETE, {"ids": list(contact_ids)})
