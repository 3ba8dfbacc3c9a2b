"""Synology Contacts' state on the simulated NAS: address books per owner, sharing, contacts, labels.

Each book belongs to one DSM user and may be shared with others by user name. INFERRED (the
spec has no capture of sharing): a shared book is read-only for those it is shared with, as
CardDAV serves shared team books (contacts.md §10).
"""

from dataclasses import dataclass, field

# The fields a contact carries here: the VERIFIED list-row names (contacts.md §4).
CONTACT_FIELDS = (
    "full_name",
    "company",
    "department",
    "title",
    "primary_mail",
    "primary_tel",
)


@dataclass
class SimAddressBook:
    """An address book and who it is shared with."""

    book_id: int
    owner: str
    name: str
    shared_with: list[str] = field(default_factory=list)


@dataclass
class SimContact:
    """A contact; `fields` holds CONTACT_FIELDS, each a string."""

    contact_id: int
    book_id: int
    fields: dict[str, str]


@dataclass
class SimLabel:
    """A user label."""

    label_id: int
    owner: str
    name: str
    color: str
    members: list[int] = field(default_factory=list)


@dataclass
class ContactsStore:
    """Every user's books, contacts and labels."""

    books: dict[int, SimAddressBook] = field(default_factory=dict)
    contacts: dict[int, SimContact] = field(default_factory=dict)
    labels: dict[int, SimLabel] = field(default_factory=dict)
    _last_id: int = 0

    def _next_id(self) -> int:
        self._last_id += 1
        return self._last_id

    def add_book(
        self, owner: str, name: str, *, shared_with: tuple[str, ...] = ()
    ) -> SimAddressBook:
        """Create a book owned by the user named owner."""
        book = SimAddressBook(self._next_id(), owner, name, list(shared_with))
        self.books[book.book_id] = book
        return book

    def add_contact(self, book_id: int, **fields: str) -> SimContact:
        """Create a contact; fields not given are empty."""
        values = dict.fromkeys(CONTACT_FIELDS, "") | fields
        contact = SimContact(self._next_id(), book_id, values)
        self.contacts[contact.contact_id] = contact
        return contact

    def add_label(self, owner: str, name: str, color: str, members: list[int]) -> None:
        """Create a label of owner's with member contacts."""
        label = SimLabel(self._next_id(), owner, name, color, members)
        self.labels[label.label_id] = label

    def visible_books(self, user: str) -> list[SimAddressBook]:
        """Return the user's own books and those shared with them."""
        return [
            book
            for book in self.books.values()
            if book.owner == user or user in book.shared_with
        ]

    def contact_by_name(self, full_name: str) -> SimContact:
        """Find a contact by its full name (for tests)."""
        return next(
            contact
            for contact in self.contacts.values()
            if contact.fields["full_name"] == full_name
        )


def seed_contacts_demo(store: ContactsStore, owner: str, colleague: str) -> None:
    """Owner's own books (one shared with colleague) and a book colleague shares back."""
    personal = store.add_book(owner, "My contacts")
    ada = store.add_contact(
        personal.book_id,
        full_name="Ada Lovelace",
        company="Analytical Engines",
        primary_mail="ada@example.com",
        primary_tel="+44 20 7946 0018",
    )
    store.add_contact(
        personal.book_id,
        full_name="Grace Hopper",
        company="US Navy",
        title="Rear Admiral",
        primary_mail="grace@example.com",
        primary_tel="+1 (202) 555-0143",
    )
    family = store.add_book(owner, "Family", shared_with=(colleague,))
    store.add_contact(
        family.book_id,
        full_name="Sam Example",
        primary_mail="sam@example.org",
        primary_tel="+49 30 901820",
    )
    store.add_label(owner, "Favourites", "#e74c3c", [ada.contact_id])
    work = store.add_book(colleague, "Colleagues", shared_with=(owner,))
    store.add_contact(
        work.book_id,
        full_name="Alan Turing",
        company="Bletchley Park",
        department="Hut 8",
        primary_mail="alan@example.net",
        primary_tel="+44 1908 640404",
    )
