"""Synology Contacts actions: address books, finding contacts, and writing them."""

from collections.abc import Mapping
from typing import Any

from homeassistant.core import ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.helpers import config_validation as cv
import probatio

from custom_components.synology_native.api import DsmApp, DsmInvalidParameterError
from custom_components.synology_native.api.contacts import (
    AddressBook,
    Contact,
    Contacts,
)
from custom_components.synology_native.data import AppKey, AppRuntime, DsmConfigEntry
from custom_components.synology_native.error_policy import translate_dsm_errors
from custom_components.synology_native.services import (
    ATTR_LIMIT,
    ENTRY_FIELD,
    LIMIT_FIELD,
    Action,
    invalid,
    loaded_app,
)

ATTR_ADDRESS_BOOK = "address_book"
ATTR_CONTACT = "contact"
ATTR_QUERY = "query"
ATTR_NAME = "name"
ATTR_EMAIL = "email"
ATTR_PHONE = "phone"
ATTR_COMPANY = "company"
ATTR_DEPARTMENT = "department"
ATTR_JOB_TITLE = "job_title"

# Action field -> the contact field the client writes (api.contacts.CONTACT_FIELDS).
CONTACT_FIELDS = {
    ATTR_NAME: "full_name",
    ATTR_EMAIL: "primary_mail",
    ATTR_PHONE: "primary_tel",
    ATTR_COMPANY: "company",
    ATTR_DEPARTMENT: "department",
    ATTR_JOB_TITLE: "title",
}
DETAIL_FIELDS = {
    probatio.Optional(field): cv.string
    for field in (ATTR_EMAIL, ATTR_PHONE, ATTR_COMPANY, ATTR_DEPARTMENT, ATTR_JOB_TITLE)
}
CONTACT_ID_FIELD = {
    probatio.Required(ATTR_CONTACT): probatio.All(
        probatio.Coerce(int), probatio.Range(min=1)
    )
}

LIST_ADDRESS_BOOKS_SCHEMA = probatio.Schema(ENTRY_FIELD)
FIND_CONTACTS_SCHEMA = probatio.Schema(
    {
        **ENTRY_FIELD,
        probatio.Required(ATTR_QUERY): cv.string,
        probatio.Optional(ATTR_ADDRESS_BOOK): cv.string,
        **LIMIT_FIELD,
    }
)
CREATE_CONTACT_SCHEMA = probatio.Schema(
    {
        **ENTRY_FIELD,
        probatio.Required(ATTR_ADDRESS_BOOK): cv.string,
        probatio.Required(ATTR_NAME): cv.string,
        **DETAIL_FIELDS,
    }
)
UPDATE_CONTACT_SCHEMA = probatio.Schema(
    {
        **ENTRY_FIELD,
        **CONTACT_ID_FIELD,
        probatio.Optional(ATTR_NAME): cv.string,
        **DETAIL_FIELDS,
    }
)
DELETE_CONTACT_SCHEMA = probatio.Schema({**ENTRY_FIELD, **CONTACT_ID_FIELD})


# Contacts as a used app of an entry: its client (actions only, nothing to poll).
type ContactsApp = AppRuntime[Contacts]
CONTACTS: AppKey[ContactsApp] = AppKey(DsmApp.CONTACTS)


def _contacts(call: ServiceCall) -> tuple[DsmConfigEntry, Contacts]:
    entry, contacts = loaded_app(call, CONTACTS)
    return entry, contacts.client


def _book(books: tuple[AddressBook, ...], value: str) -> AddressBook:
    """Find a book by id or by name (any case)."""
    for book in books:
        if (
            value == str(book.addressbook_id)
            or value.casefold() == book.name.casefold()
        ):
            return book
    raise invalid("address_book_not_found", address_book=value)


def _book_data(book: AddressBook) -> dict[str, Any]:
    return {
        "id": book.addressbook_id,
        "name": book.name,
        "contacts": book.member_count,
        "read_only": book.read_only,
        "shared_from": book.shared_from or None,
        "shared_with": [name for name in book.shared_with.split(",") if name],
    }


def _contact_data(contact: Contact, books: tuple[AddressBook, ...]) -> dict[str, Any]:
    names = {book.addressbook_id: book.name for book in books}
    return {
        "id": contact.contact_id,
        "address_book_id": contact.addressbook_id,
        "address_book": names.get(contact.addressbook_id),
        ATTR_NAME: contact.full_name,
        ATTR_EMAIL: contact.primary_mail,
        ATTR_PHONE: contact.primary_tel,
        ATTR_COMPANY: contact.company,
        ATTR_DEPARTMENT: contact.department,
        ATTR_JOB_TITLE: contact.title,
        "editable": contact.is_editable,
    }


def _fields(data: dict[str, Any]) -> dict[str, str]:
    """Return the contact fields the call gives, checked: a name, an e-mail, a phone."""
    fields = {
        wire: data[field] for field, wire in CONTACT_FIELDS.items() if field in data
    }
    if ATTR_NAME in data and not data[ATTR_NAME].strip():
        raise invalid("contact_name_empty")
    if data.get(ATTR_EMAIL) and "@" not in data[ATTR_EMAIL]:
        raise invalid("invalid_email", email=data[ATTR_EMAIL])
    if data.get(ATTR_PHONE) and not any(char.isdigit() for char in data[ATTR_PHONE]):
        raise invalid("invalid_phone", phone=data[ATTR_PHONE])
    return fields


async def _editable_contact(
    call: ServiceCall, entry: DsmConfigEntry, contacts: Contacts
) -> Contact:
    """Read the contact the call names; refuse one that is missing or read-only."""
    contact_id = call.data[ATTR_CONTACT]
    # contacts.md §11: DSM answers 120 for an id it does not know.
    with translate_dsm_errors(
        call.hass,
        entry,
        {DsmInvalidParameterError: "contact_not_found"},
        contact=str(contact_id),
    ):
        contact = await contacts.contact(contact_id)
    if not contact.is_editable:
        raise invalid("contact_read_only", contact=contact.full_name)
    return contact


async def _list_address_books(call: ServiceCall) -> ServiceResponse:
    entry, contacts = _contacts(call)
    with translate_dsm_errors(call.hass, entry):
        overview = await contacts.overview()
    return {
        "address_books": [_book_data(book) for book in overview.address_books],
        "labels": [
            {
                "id": label.label_id,
                "name": label.name,
                "color": label.color,
                "contacts": label.member_count,
            }
            for label in overview.labels
        ],
        "external_sources": [dict(source) for source in overview.external_sources],
    }


async def _find_contacts(call: ServiceCall) -> ServiceResponse:
    entry, contacts = _contacts(call)
    query = call.data[ATTR_QUERY]
    if not query.strip():
        raise invalid("empty_query")
    with translate_dsm_errors(call.hass, entry):
        books = await contacts.address_books()
        searched = (
            [_book(books, call.data[ATTR_ADDRESS_BOOK])]
            if ATTR_ADDRESS_BOOK in call.data
            else books
        )
        found = await contacts.find(query, [book.addressbook_id for book in searched])
    return {
        "contacts": [
            _contact_data(contact, books) for contact in found[: call.data[ATTR_LIMIT]]
        ]
    }


async def _create_contact(call: ServiceCall) -> ServiceResponse:
    entry, contacts = _contacts(call)
    fields = _fields(dict(call.data))
    with translate_dsm_errors(call.hass, entry):
        books = await contacts.address_books()
        book = _book(books, call.data[ATTR_ADDRESS_BOOK])
        if book.read_only:
            raise invalid("address_book_read_only", address_book=book.name)
        contact = await contacts.create(book.addressbook_id, fields)
    return {"contact": _contact_data(contact, books)}


async def _update_contact(call: ServiceCall) -> ServiceResponse:
    entry, contacts = _contacts(call)
    changes = _fields(dict(call.data))
    if not changes:
        raise invalid("nothing_to_change")
    with translate_dsm_errors(call.hass, entry):
        contact = await _editable_contact(call, entry, contacts)
        updated = await contacts.update(contact.contact_id, changes)
        books = await contacts.address_books()
    return {"contact": _contact_data(updated, books)}


async def _delete_contact(call: ServiceCall) -> None:
    entry, contacts = _contacts(call)
    with translate_dsm_errors(call.hass, entry):
        contact = await _editable_contact(call, entry, contacts)
        await contacts.delete([contact.contact_id])


ACTIONS = (
    Action(
        "list_address_books",
        _list_address_books,
        LIST_ADDRESS_BOOKS_SCHEMA,
        SupportsResponse.ONLY,
    ),
    Action(
        "find_contacts", _find_contacts, FIND_CONTACTS_SCHEMA, SupportsResponse.ONLY
    ),
    Action(
        "create_contact",
        _create_contact,
        CREATE_CONTACT_SCHEMA,
        SupportsResponse.OPTIONAL,
    ),
    Action(
        "update_contact",
        _update_contact,
        UPDATE_CONTACT_SCHEMA,
        SupportsResponse.OPTIONAL,
    ),
    Action("delete_contact", _delete_contact, DELETE_CONTACT_SCHEMA),
)


# The DSM methods these actions (or Home Assistant's to-do actions, "todo.*") do the
# work of; call_api covers every other method (services/call_api.py, docs/endpoints.md).
COVERS: Mapping[tuple[str, str], str] = {
    ("SYNO.Contacts.Addressbook", "list"): "list_address_books",
    ("SYNO.Contacts.Contact", "list"): "find_contacts",
    ("SYNO.Contacts.Contact", "create"): "create_contact",
    ("SYNO.Contacts.Contact", "set"): "update_contact",
    ("SYNO.Contacts.Contact", "delete"): "delete_contact",
}
