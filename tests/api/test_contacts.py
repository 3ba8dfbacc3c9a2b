"""The Contacts client against the simulator over real HTTP, without Home Assistant."""

import json
from typing import TYPE_CHECKING

import aiohttp
import pytest

from custom_components.synology_native.api import (
    DsmClient,
    DsmInvalidParameterError,
    DsmPermissionError,
    DsmResponseError,
    PasswordCredentials,
)
from custom_components.synology_native.api.contacts import (
    Contacts,
    created_contact_id,
    parse_address_books,
    parse_contacts,
    parse_external_sources,
    parse_labels,
)
from tests.fake_dsm.store import DEMO_OTHER_USERS, DEMO_PASSWORD

# The demo account who shares a book with the demo user and gets one shared back.
COLLEAGUE = DEMO_OTHER_USERS[0]

if TYPE_CHECKING:
    from tests.fake_dsm import FakeDsm


@pytest.fixture
def contacts(client: DsmClient) -> Contacts:
    """Give Contacts calls for the demo account."""
    return Contacts(client)


def sent(fake_dsm: FakeDsm, method: str) -> list[dict[str, str]]:
    """Return the wire parameters of every SYNO.Contacts.Contact request to method."""
    return [
        request.params
        for request in fake_dsm.requests
        if (request.api, request.method) == ("SYNO.Contacts.Contact", method)
    ]


async def test_own_and_shared_books(contacts: Contacts) -> None:
    """The demo account sees its two books and the one a colleague shares with it."""
    books = {book.name: book for book in await contacts.address_books()}
    assert set(books) == {"My contacts", "Family", "Colleagues"}
    assert books["Family"].owned_shared
    assert books["Family"].shared_with == COLLEAGUE
    assert books["Colleagues"].shared_from == COLLEAGUE
    assert not books["Colleagues"].owned_shared
    assert books["My contacts"].member_count == 2


async def test_each_user_sees_their_own_books(
    http: aiohttp.ClientSession, dsm_url: str
) -> None:
    """The colleague sees their own book and Family, not the demo account's own book."""
    credentials = PasswordCredentials(COLLEAGUE, DEMO_PASSWORD)
    client = DsmClient(http, dsm_url, credentials=credentials)
    names = {book.name for book in await Contacts(client).address_books()}
    assert names == {"Colleagues", "Family"}


async def test_contacts_of_all_books_in_one_request(
    contacts: Contacts, fake_dsm: FakeDsm
) -> None:
    """Listing several books costs one compound request; ids are sent as numbers."""
    books = await contacts.address_books()
    fake_dsm.reset_request_log()
    found = await contacts.contacts([book.addressbook_id for book in books])
    assert {contact.full_name for contact in found} == {
        "Ada Lovelace",
        "Grace Hopper",
        "Sam Example",
        "Alan Turing",
    }
    assert len(fake_dsm.requests) == 1
    assert fake_dsm.requests[0].compound == (("SYNO.Contacts.Contact", "list"),) * 3
    assert await contacts.contacts([]) == ()


async def test_find_by_name_email_or_phone(contacts: Contacts) -> None:
    """Search is client-side: name and e-mail in any case, phone digits in any format."""
    ids = [book.addressbook_id for book in await contacts.address_books()]
    assert [c.full_name for c in await contacts.find("lovelace", ids)] == [
        "Ada Lovelace"
    ]
    assert [c.full_name for c in await contacts.find("GRACE@", ids)] == ["Grace Hopper"]
    assert [c.full_name for c in await contacts.find("202-555", ids)] == [
        "Grace Hopper"
    ]
    assert await contacts.find("nobody", ids) == ()


async def test_create_update_delete(contacts: Contacts, fake_dsm: FakeDsm) -> None:
    """Writes send the INFERRED parameters and read the contact back."""
    book = next(b for b in await contacts.address_books() if b.name == "My contacts")
    created = await contacts.create(
        book.addressbook_id, {"full_name": "Linus", "primary_mail": "l@example.com"}
    )
    assert created.full_name == "Linus"
    assert created.is_editable
    wire = sent(fake_dsm, "create")[-1]
    assert json.loads(wire["addressbook_id"]) == book.addressbook_id
    assert json.loads(wire["contact"]) == {
        "full_name": "Linus",
        "primary_mail": "l@example.com",
    }
    updated = await contacts.update(created.contact_id, {"company": "Kernel"})
    assert updated.company == "Kernel"
    assert json.loads(sent(fake_dsm, "set")[-1]["id"]) == created.contact_id
    await contacts.delete([created.contact_id])
    assert json.loads(sent(fake_dsm, "delete")[-1]["ids"]) == [created.contact_id]
    with pytest.raises(DsmInvalidParameterError):
        await contacts.contact(created.contact_id)


async def test_shared_book_is_read_only(contacts: Contacts, fake_dsm: FakeDsm) -> None:
    """A contact in a book shared with the user is not editable; DSM refuses writes."""
    turing = fake_dsm.store.contacts.contact_by_name("Alan Turing")
    contact = await contacts.contact(turing.contact_id)
    assert not contact.is_editable
    with pytest.raises(DsmPermissionError):
        await contacts.delete([turing.contact_id])
    assert turing.contact_id in fake_dsm.store.contacts.contacts


async def test_overview_in_one_request(contacts: Contacts, fake_dsm: FakeDsm) -> None:
    """Books, labels and (no) external sources come in one compound request."""
    await contacts.address_books()  # signs in
    fake_dsm.reset_request_log()
    overview = await contacts.overview()
    assert len(fake_dsm.requests) == 1
    assert len(overview.address_books) == 3
    assert [(label.name, label.member_count) for label in overview.labels] == [
        ("Favourites", 1)
    ]
    assert overview.external_sources == ()


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"addressbook": "x"},
        {"addressbook": [{"id": "1"}]},
        {"addressbook": [{"id": True, "name": "x"}]},
    ],
)
def test_malformed_address_books(data: object) -> None:
    """A malformed answer is a typed error, never a default."""
    with pytest.raises(DsmResponseError):
        parse_address_books(data)


@pytest.mark.parametrize(
    ("parse", "data"),
    [
        (parse_contacts, {"contact": [{"id": 1, "addressbook_id": 1}]}),
        (parse_contacts, {"offset": 0}),
        (created_contact_id, {}),
        (created_contact_id, []),
        (parse_labels, {"label": [{"id": 1, "name": "x", "color": 1}]}),
        (parse_external_sources, {"external_sources": [1]}),
    ],
)
def test_malformed_answers(parse: object, data: object) -> None:
    """Contacts, create answers, labels and external sources are read strictly too."""
    with pytest.raises(DsmResponseError):
        parse(data)  # type: ignore[operator]


async def test_get_without_the_contact(
    contacts: Contacts, fake_dsm: FakeDsm, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A get that answers other contacts than the one asked for is malformed."""
    ada = fake_dsm.store.contacts.contact_by_name("Ada Lovelace")
    grace = fake_dsm.store.contacts.contact_by_name("Grace Hopper")
    monkeypatch.setattr(
        "tests.fake_dsm.contacts._contact_ids", lambda params: [grace.contact_id]
    )
    with pytest.raises(DsmResponseError):
        await contacts.contact(ada.contact_id)
