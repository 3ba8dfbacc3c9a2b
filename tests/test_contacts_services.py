"""Synology Contacts through Home Assistant: every action, its bad inputs, per-user books."""

from typing import TYPE_CHECKING, Any

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest

from custom_components.synology_native.const import CONF_APPS, DOMAIN
from tests.fake_dsm.store import DEMO_OTHER_USERS, DEMO_USER

# The demo account who shares a book with the demo user and gets one shared back.
COLLEAGUE = DEMO_OTHER_USERS[0]

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from tests.fake_dsm import FakeDsm
    from tests.fake_dsm.contacts_store import ContactsStore

CONTACT_WRITES = {"create", "set", "delete"}
RESPONDS = {
    "list_address_books",
    "find_contacts",
    "create_contact",
    "update_contact",
}


@pytest.fixture
def book_store(fake_dsm: FakeDsm) -> ContactsStore:
    """Give the simulator's Contacts state, to look at or change directly."""
    return fake_dsm.store.contacts


async def act(hass: HomeAssistant, action: str, **data: Any) -> Any:
    """Call a Contacts action, with its response when it gives one."""
    return await hass.services.async_call(
        DOMAIN, action, data, blocking=True, return_response=action in RESPONDS
    )


def writes(fake_dsm: FakeDsm) -> list[str | None]:
    """Return the Contacts writes the simulator received."""
    return [
        request.method
        for request in fake_dsm.requests
        if request.api == "SYNO.Contacts.Contact" and request.method in CONTACT_WRITES
    ]


@pytest.mark.usefixtures("loaded")
async def test_list_address_books(hass: HomeAssistant) -> None:
    """Own books, the one shared out, and the colleague's read-only book."""
    response = await act(hass, "list_address_books")
    books = {book["name"]: book for book in response["address_books"]}
    assert books["Family"] | {"id": 0} == {
        "id": 0,
        "name": "Family",
        "contacts": 1,
        "read_only": False,
        "shared_from": None,
        "shared_with": [COLLEAGUE],
    }
    assert books["Colleagues"]["read_only"]
    assert books["Colleagues"]["shared_from"] == COLLEAGUE
    assert books["My contacts"]["contacts"] == 2
    assert [
        (label["name"], label["color"], label["contacts"])
        for label in response["labels"]
    ] == [("Favourites", "#e74c3c", 1)]
    assert response["external_sources"] == []


@pytest.mark.usefixtures("loaded")
async def test_find_contacts(hass: HomeAssistant, book_store: ContactsStore) -> None:
    """By name, e-mail or phone digits, across books or in one, with a limit."""
    ada = book_store.contact_by_name("Ada Lovelace")
    response = await act(hass, "find_contacts", query="lovelace")
    assert response["contacts"] == [
        {
            "id": ada.contact_id,
            "address_book_id": ada.book_id,
            "address_book": "My contacts",
            "name": "Ada Lovelace",
            "email": "ada@example.com",
            "phone": "+44 20 7946 0018",
            "company": "Analytical Engines",
            "department": "",
            "job_title": "",
            "editable": True,
        }
    ]
    by_mail = await act(hass, "find_contacts", query="alan@EXAMPLE")
    assert [c["name"] for c in by_mail["contacts"]] == ["Alan Turing"]
    assert not by_mail["contacts"][0]["editable"]
    by_phone = await act(hass, "find_contacts", query="2025550143")
    assert [c["name"] for c in by_phone["contacts"]] == ["Grace Hopper"]
    everyone = await act(hass, "find_contacts", query="example")
    assert len(everyone["contacts"]) == 4
    limited = await act(hass, "find_contacts", query="example", limit=1)
    assert len(limited["contacts"]) == 1
    in_book = await act(hass, "find_contacts", query="example", address_book="family")
    assert [c["name"] for c in in_book["contacts"]] == ["Sam Example"]


@pytest.mark.usefixtures("loaded")
async def test_create_update_delete(
    hass: HomeAssistant, book_store: ContactsStore, fake_dsm: FakeDsm
) -> None:
    """A contact made, changed and removed through the actions, as the NAS sees it."""
    created = await act(
        hass,
        "create_contact",
        address_book="My contacts",
        name="Katherine Johnson",
        email="kj@example.com",
        phone="+1 757 555 0100",
        job_title="Mathematician",
    )
    contact = book_store.contact_by_name("Katherine Johnson")
    assert created["contact"]["id"] == contact.contact_id
    assert contact.fields["title"] == "Mathematician"
    updated = await act(
        hass, "update_contact", contact=contact.contact_id, company="NASA"
    )
    assert updated["contact"]["company"] == "NASA"
    assert contact.fields["company"] == "NASA"
    assert contact.fields["primary_mail"] == "kj@example.com"
    await act(hass, "delete_contact", contact=contact.contact_id)
    assert contact.contact_id not in book_store.contacts
    assert writes(fake_dsm) == ["create", "set", "delete"]


@pytest.mark.usefixtures("loaded")
@pytest.mark.parametrize(
    ("action", "data", "key"),
    [
        ("find_contacts", {"query": "  "}, "empty_query"),
        (
            "find_contacts",
            {"query": "a", "address_book": "Attic"},
            "address_book_not_found",
        ),
        (
            "create_contact",
            {"address_book": "Attic", "name": "X"},
            "address_book_not_found",
        ),
        (
            "create_contact",
            {"address_book": "Colleagues", "name": "X"},
            "address_book_read_only",
        ),
        (
            "create_contact",
            {"address_book": "Family", "name": " "},
            "contact_name_empty",
        ),
        (
            "create_contact",
            {"address_book": "Family", "name": "X", "email": "nope"},
            "invalid_email",
        ),
        (
            "create_contact",
            {"address_book": "Family", "name": "X", "phone": "call me"},
            "invalid_phone",
        ),
        ("update_contact", {"contact": 9999, "name": "X"}, "contact_not_found"),
        ("update_contact", {"contact": 1}, "nothing_to_change"),
        ("update_contact", {"contact": "turing", "name": "X"}, None),
        ("delete_contact", {"contact": 9999}, "contact_not_found"),
        ("delete_contact", {"contact": 0}, None),
    ],
)
async def test_bad_input_changes_nothing(
    hass: HomeAssistant,
    fake_dsm: FakeDsm,
    action: str,
    data: dict[str, Any],
    key: str | None,
) -> None:
    """Each bad input is a translated error and nothing is written on the NAS."""
    with pytest.raises(ServiceValidationError if key else Exception) as caught:
        await act(hass, action, **data)
    if key:
        assert caught.value.translation_key == key  # type: ignore[attr-defined]
    assert writes(fake_dsm) == []


@pytest.mark.usefixtures("loaded")
@pytest.mark.parametrize("action", ["update_contact", "delete_contact"])
async def test_shared_contact_is_read_only(
    hass: HomeAssistant, book_store: ContactsStore, fake_dsm: FakeDsm, action: str
) -> None:
    """A contact in the colleague's book is refused before anything is written."""
    turing = book_store.contact_by_name("Alan Turing")
    with pytest.raises(ServiceValidationError, match="Alan Turing is in an address"):
        await act(
            hass,
            action,
            contact=turing.contact_id,
            **({"name": "Alan M. Turing"} if action == "update_contact" else {}),
        )
    assert writes(fake_dsm) == []
    assert turing.fields["full_name"] == "Alan Turing"


@pytest.mark.usefixtures("loaded")
async def test_dsm_refusal_is_translated(
    hass: HomeAssistant, fake_dsm: FakeDsm
) -> None:
    """A refusal DSM gives after checks passed reaches the user as DSM's reason."""
    fake_dsm.faults.fail_api("SYNO.Contacts.Contact", "create", 105)
    with pytest.raises(HomeAssistantError) as caught:
        await act(hass, "create_contact", address_book="Family", name="X")
    assert caught.value.translation_key == "dsm_refused"


async def test_contacts_not_used(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    """An entry that does not use Contacts says so."""
    config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(config_entry, options={CONF_APPS: []})
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    with pytest.raises(ServiceValidationError, match="does not use Synology Contacts"):
        await act(hass, "list_address_books")


@pytest.mark.usefixtures("loaded")
async def test_each_user_sees_their_own_books(
    hass: HomeAssistant, fake_dsm: FakeDsm, config_entry: MockConfigEntry
) -> None:
    """The demo entry never sees the colleague's unshared books."""
    fake_dsm.store.contacts.add_book(COLLEAGUE, "Private")
    response = await act(hass, "list_address_books")
    names = {book["name"] for book in response["address_books"]}
    assert names == {"My contacts", "Family", "Colleagues"}
    assert config_entry.title == DEMO_USER
