"""WebDAV Server administration: DSM's own, so always there; actions only."""

from typing import Any

from custom_components.synology_native.api.catalog import CatalogSection
from custom_components.synology_native.apps.spec import AppSpec

from .services import ACTIONS, COVERS

SPEC = AppSpec[Any](
    app=None, catalog=CatalogSection.WEBDAV, actions=ACTIONS, covers=COVERS
)
