"""Synology Drive's part of the NAS self-check: its guesses and the reads for them."""

from custom_components.synology_native.api import drive
from custom_components.synology_native.api.drive import (
    INFO_QUOTA,
    MY_DRIVE,
    NOTIFICATIONS_LIST,
    REVISION_ID_KEYS,
    REVISIONS_FORM,
    REVISIONS_LIST,
    Drive,
)
from custom_components.synology_native.selfcheck.guesses import (
    NOT_SEEN,
    AppSelfCheck,
    Guess,
    Status,
    Verdict,
    fields_of,
    first_answer,
    parsed,
)
from custom_components.synology_native.selfcheck.probe import (
    Observations,
    Outcome,
    Probe,
    Read,
)

# Drive versions are asked for the first file in My Drive or in one of its first folders.
DRIVE_FILES_READ = 20
DRIVE_FOLDERS_READ = 3
# The forms of Revisions.list, the one our guess names (DSM4J's) first.
REVISION_FORMS = tuple(REVISION_ID_KEYS)


async def _read_notifications(probe: Probe) -> None:
    await Drive(probe.client).notifications()


async def _read_quota(probe: Probe) -> None:
    await Drive(probe.client).quota()


async def _read_revisions(probe: Probe) -> None:
    api = Drive(probe.client)
    page = await api.files(MY_DRIVE, limit=DRIVE_FILES_READ)
    file = next((item for item in page.items if not item.is_dir), None)
    for folder in [item for item in page.items if item.is_dir][:DRIVE_FOLDERS_READ]:
        if file is not None:
            break
        inner = await api.files(folder.display_path, limit=DRIVE_FILES_READ)
        file = next((item for item in inner.items if not item.is_dir), None)
    if file is None:
        probe.seen.outcomes[Read.DRIVE_REVISIONS] = Outcome.UNAVAILABLE
        return
    await api.versions(file.display_path)


def _revisions_form(seen: Observations) -> Verdict:
    answer = first_answer(seen, REVISIONS_LIST)
    if answer is None:
        return NOT_SEEN
    fields = fields_of(answer)
    form = next((key for key in REVISION_FORMS if key in fields), None)
    if form == REVISION_FORMS[0] and seen.outcomes.get(Read.DRIVE_REVISIONS) == (
        Outcome.READ
    ):
        return Verdict(Status.CONFIRMED, form=form)
    return Verdict(Status.CONTRADICTED, answer, form=form)


SELF_CHECK = AppSelfCheck(
    guesses=(
        Guess(
            "drive_notification_fields",
            "api/drive.py _notification",
            "Notifications carry notification_id, type, time, is_read, actor and file.",
            parsed(Read.DRIVE_NOTIFICATIONS, NOTIFICATIONS_LIST, "items"),
            breaks=True,
        ),
        Guess(
            "drive_quota_shape",
            "api/drive.py parse_quota",
            "Info.quota answers {used, total} in bytes.",
            parsed(Read.DRIVE_QUOTA, INFO_QUOTA),
            breaks=True,
        ),
        Guess(
            REVISIONS_FORM,
            "api/drive.py version_items, revision_restore_params",
            "Revisions.list answers {total, items: [{version_id, ...}]} (pvilaca/DSM4J); "
            "{revisions: [{revision_id, ...}]} is read too.",
            _revisions_form,
            breaks=True,
        ),
    ),
    reads=(
        (Read.DRIVE_NOTIFICATIONS, _read_notifications),
        (Read.DRIVE_QUOTA, _read_quota),
        (Read.DRIVE_REVISIONS, _read_revisions),
    ),
    modules=(drive,),
    forms={REVISIONS_FORM: REVISION_FORMS},
)
