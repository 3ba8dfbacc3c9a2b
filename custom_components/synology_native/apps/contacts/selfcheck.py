"""Synology Contacts' part of the NAS self-check: its guess and the read for it."""

from custom_components.synology_native.api import contacts
from custom_components.synology_native.api.contacts import (
    CONTACT_FIELDS,
    CONTACT_LIST,
    Contacts,
)
from custom_components.synology_native.selfcheck.guesses import (
    NOT_SEEN,
    AppSelfCheck,
    Guess,
    Status,
    Verdict,
    list_items,
    present,
)
from custom_components.synology_native.selfcheck.probe import (
    Observations,
    Outcome,
    Probe,
    Read,
)


async def _read_contacts(probe: Probe) -> None:
    api = Contacts(probe.client)
    books = await api.address_books()
    await api.contacts([book.addressbook_id for book in books])


def _contact_fields(seen: Observations) -> Verdict:
    outcome = seen.outcomes.get(Read.CONTACTS)
    items = list_items(seen, CONTACT_LIST, "contact")
    if outcome not in (Outcome.READ, Outcome.MALFORMED) or not items:
        return NOT_SEEN
    missing = sorted(
        name
        for name in CONTACT_FIELDS
        if not all(present(item, name) for item in items)
    )
    if missing or outcome == Outcome.MALFORMED:
        return Verdict(Status.CONTRADICTED, {"missing": missing, "item": items[0]})
    return Verdict(Status.CONFIRMED)


SELF_CHECK = AppSelfCheck(
    guesses=(
        Guess(
            "contacts_fields",
            "api/contacts.py CONTACT_FIELDS",
            "Contacts carry full_name, company, department, title, primary_mail, "
            "primary_tel.",
            _contact_fields,
            breaks=True,
        ),
    ),
    reads=((Read.CONTACTS, _read_contacts),),
    modules=(contacts,),
)
