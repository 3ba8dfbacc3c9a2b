"""What entries keep in Home Assistant's storage (``.storage/``), named in one place.

Each kind of document (Chat's cursors, the posts Assist answered, Drive's notification
marker) is an ``EntryData``: its key names the purpose and the entry, so a user's data
stays where earlier versions wrote it. An app lists its kinds in its table entry
(``AppSpec.stores``), and removing an entry removes them.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from homeassistant.helpers.storage import Store

from .const import DOMAIN

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

# Every document is still in its first format.
STORAGE_VERSION = 1


@dataclass(frozen=True, slots=True)
class EntryData:
    """One kind of JSON document kept per config entry."""

    # The storage key, with {domain} and {entry_id} to fill in.
    key: str

    def store(self, hass: HomeAssistant, entry_id: str) -> Store[dict[str, Any]]:
        """Return the store of entry_id's document."""
        return Store(
            hass, STORAGE_VERSION, self.key.format(domain=DOMAIN, entry_id=entry_id)
        )
