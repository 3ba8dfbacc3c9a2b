"""WebDAV Server administration: DSM's own, so always there; actions only."""

from typing import Any

from custom_components.synology_native.api.catalog import CatalogSection
from custom_components.synology_native.apps.spec import AppSpec

from .selfcheck import SELF_CHECK
from .services import ACTIONS, COVERS

SPEC: AppSpec[Any] = AppSpec(
    app=None,
    catalog=CatalogSection.WEBDAV,
    actions=ACTIONS,
    covers=COVERS,
    self_check=SELF_CHECK,
)
