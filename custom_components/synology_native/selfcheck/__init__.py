"""The NAS self-check: settle the integration's wire guesses on the user's own NAS.

``async_check_nas`` reads (never writes) what each guess needs, judges every guess of
``guesses.GUESSES``, keeps the report for diagnostics, raises a repair issue for each
contradicted guess that breaks a feature (and removes it once confirmed again), and
lets the client speak the other documented form where the NAS showed one.
"""

from typing import TYPE_CHECKING, Any

from homeassistant.const import CONF_VERIFY_SSL
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from custom_components.synology_native.const import DOMAIN, LOGGER

from .guesses import (
    ADAPTABLE,
    GUESSES,
    Status,
    Verdict,
    apply_forms,
    judge_all,
    known_forms,
)
from .probe import Observations, observe

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from custom_components.synology_native.data import DsmConfigEntry

STORAGE_VERSION = 1
# Where a user reports a contradicted guess (the manifest's issue tracker).
TRACKER_URL = "https://github.com/synology-native/synology-native/issues"
REPORT_VERSION = 1


def _store(hass: HomeAssistant, entry_id: str) -> Store[dict[str, Any]]:
    """Return where an entry's latest report and the forms in use are kept."""
    return Store(hass, STORAGE_VERSION, f"{DOMAIN}.selfcheck_{entry_id}")


async def async_restore(hass: HomeAssistant, entry: DsmConfigEntry) -> None:
    """Take up the latest report and the forms it showed, after a restart or reload."""
    stored = await _store(hass, entry.entry_id).async_load()
    if not isinstance(stored, dict):
        return
    report = stored.get("report")
    entry.runtime_data.selfcheck.report = report if isinstance(report, dict) else None
    forms = stored.get("forms")
    if isinstance(forms, dict):
        entry.runtime_data.client.forms.update(known_forms(forms))


async def async_forget(hass: HomeAssistant, entry_id: str) -> None:
    """Remove what a removed entry kept."""
    await _store(hass, entry_id).async_remove()


def issue_id(entry: DsmConfigEntry, key: str) -> str:
    """Name the repair issue of one contradicted guess of an entry."""
    return f"guess_contradicted_{entry.entry_id}_{key}"


async def async_check_nas(hass: HomeAssistant, entry: DsmConfigEntry) -> dict[str, Any]:
    """Run the self-check on the entry's NAS and return the report."""
    runtime = entry.runtime_data
    async with runtime.selfcheck.lock:
        seen = await observe(
            runtime.client,
            async_get_clientsession(hass, verify_ssl=entry.data[CONF_VERIFY_SSL]),
            verify_ssl=entry.data[CONF_VERIFY_SSL],
        )
    verdicts = judge_all(seen)
    report = build_report(seen, verdicts)
    runtime.selfcheck.report = report
    _async_update_issues(hass, entry, verdicts)
    for key, form in apply_forms(runtime.client, verdicts).items():
        LOGGER.info(
            "%s answers in the %s form for %s; the integration now uses it for this NAS",
            entry.title,
            form,
            key,
        )
    await _store(hass, entry.entry_id).async_save(
        {"report": report, "forms": dict(runtime.client.forms)}
    )
    return report


def build_report(seen: Observations, verdicts: dict[str, Verdict]) -> dict[str, Any]:
    """Build the report: each guess with its verdict, and the shapes seen."""
    return {
        "version": REPORT_VERSION,
        "checked_at": dt_util.utcnow().isoformat(timespec="seconds"),
        "summary": {
            status.value: sum(v.status is status for v in verdicts.values())
            for status in Status
        },
        "guesses": [
            {
                "key": guess.key,
                "checks": guess.checks,
                "assumes": guess.assumes,
                "verdict": verdicts[guess.key].status.value,
                **(
                    {"seen": verdicts[guess.key].seen}
                    if verdicts[guess.key].seen is not None
                    else {}
                ),
                **(
                    {"form": verdicts[guess.key].form}
                    if verdicts[guess.key].form is not None
                    else {}
                ),
            }
            for guess in GUESSES
        ],
        "reads": dict(sorted(seen.outcomes.items())),
        "shapes": seen.shapes.report(),
    }


def _async_update_issues(
    hass: HomeAssistant, entry: DsmConfigEntry, verdicts: dict[str, Verdict]
) -> None:
    """Raise an issue per contradicted guess that breaks a feature; drop the others.

    A NAS speaking a form the client also speaks breaks nothing. A guess not seen this
    time keeps its issue: nothing showed it works now.
    """
    for guess in GUESSES:
        if guess.breaks is None:
            continue
        verdict = verdicts[guess.key]
        if verdict.status is Status.CONFIRMED or verdict.form in ADAPTABLE.get(
            guess.key, ()
        ):
            ir.async_delete_issue(hass, DOMAIN, issue_id(entry, guess.key))
        elif verdict.status is Status.CONTRADICTED:
            ir.async_create_issue(
                hass,
                DOMAIN,
                issue_id(entry, guess.key),
                is_fixable=False,
                severity=ir.IssueSeverity.WARNING,
                learn_more_url=TRACKER_URL,
                translation_key="guess_contradicted",
                translation_placeholders={
                    "entry": entry.title,
                    "feature": guess.breaks,
                    "guess": guess.key,
                    "checks": guess.checks,
                    "tracker": TRACKER_URL,
                },
            )
