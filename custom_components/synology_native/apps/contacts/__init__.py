"""Synology Contacts: actions only, nothing to poll."""

from custom_components.synology_native.api import DsmApp
from custom_components.synology_native.api.catalog import CatalogSection
from custom_components.synology_native.api.contacts import Contacts
from custom_components.synology_native.apps.spec import AppSpec, client_app

from .services import ACTIONS, COVERS, ContactsApp

SPEC = AppSpec[ContactsApp](
    app=DsmApp.CONTACTS,
    catalog=CatalogSection.CONTACTS,
    create=client_app(Contacts),
    actions=ACTIONS,
    covers=COVERS,
)
