"""Synology Contacts: actions only, nothing to poll."""

from custom_components.synology_native.api import DsmApp
from custom_components.synology_native.api.catalog import CatalogSection
from custom_components.synology_native.api.contacts import Contacts
from custom_components.synology_native.apps.spec import AppSpec, client_app

from .selfcheck import SELF_CHECK
from .services import ACTIONS, COVERS, ContactsApp

SPEC: AppSpec[ContactsApp] = AppSpec(
    app=DsmApp.CONTACTS,
    catalog=CatalogSection.CONTACTS,
    create=client_app(Contacts),
    actions=ACTIONS,
    covers=COVERS,
    self_check=SELF_CHECK,
)
