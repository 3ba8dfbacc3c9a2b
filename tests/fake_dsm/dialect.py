"""How the simulated NAS speaks where public evidence knows more than one form.

The default is the form the spec's newest word names; each switch makes the simulator
answer in the other documented form, so a test proves the self-check (check_nas) tells
them apart and the client adapts. Chat's page size is ``ChatStore.page_cap``.
"""

from dataclasses import dataclass


@dataclass(slots=True)
class Dialect:
    """The forms one simulated NAS speaks."""

    # calendar.md Corrections 2026-12 (CONFLICT): the key tasks carry their zone under.
    # A NAS reads its own key on writes and ignores the other.
    task_zone_key: str = "tzid"
    # drive.md §7 and Corrections 2026-12: Revisions.list answers {total, items:
    # [{version_id, ...}]} (pvilaca/DSM4J) or {revisions: [{revision_id, ...}]} (one
    # plugin); restore takes the id back under the listed name.
    revisions_shape: str = "items"
