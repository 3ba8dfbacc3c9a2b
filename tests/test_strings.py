"""The rules hassfest and Home Assistant's frontend apply to our texts and actions.

hassfest itself runs in the GitHub workflow (.github/workflows/validate.yml); these are
the rules of it that our files can break, checked in every run of the test command, and
for every language, where hassfest reads English only.
"""

from collections.abc import Iterator
import json
from pathlib import Path
import re
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.setup import async_setup_component
import probatio
import pytest
import yaml

from custom_components.synology_native.const import DOMAIN

INTEGRATION = Path(__file__).parents[1] / "custom_components" / DOMAIN
TRANSLATIONS = json.loads((INTEGRATION / "translations" / "en.json").read_text())
LANGUAGES = {
    path.stem: json.loads(path.read_text())
    for path in sorted((INTEGRATION / "translations").glob("*.json"))
}
PLACEHOLDER = re.compile(r"\{(\w+)\}")
SERVICES = yaml.safe_load((INTEGRATION / "services.yaml").read_text())
ICONS = json.loads((INTEGRATION / "icons.json").read_text())
MANIFEST = json.loads((INTEGRATION / "manifest.json").read_text())


def strings(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Yield every text of a translation file with its dotted path."""
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from strings(value, f"{path}.{key}" if path else key)


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_texts_have_no_html(language: str) -> None:
    """Every text passes core's own string_with_no_html, as hassfest checks.

    The frontend drops what looks like a tag, so "<name>" would vanish from the text.
    """
    refused = []
    for path, text in strings(LANGUAGES[language]):
        try:
            cv.string_with_no_html(text)
        except probatio.Invalid:
            refused.append(path)
    assert refused == []


@pytest.mark.parametrize("language", sorted(set(LANGUAGES) - {"en"}))
def test_every_language_has_every_key_and_placeholder(language: str) -> None:
    """A translation has exactly English's keys, each text with English's placeholders."""
    english = dict(strings(TRANSLATIONS))
    translated = dict(strings(LANGUAGES[language]))
    assert sorted(set(english) ^ set(translated)) == []
    assert [
        path
        for path, text in english.items()
        if set(PLACEHOLDER.findall(text)) != set(PLACEHOLDER.findall(translated[path]))
    ] == []


def test_texts_have_no_urls_and_no_outer_spaces() -> None:
    """Hassfest refuses URLs in texts (they go in placeholders) and padded texts."""
    assert [
        path
        for path, text in strings(TRANSLATIONS)
        if re.search(r"https?://", text) or text != text.strip()
    ] == []


def test_keys_are_what_hassfest_accepts() -> None:
    """Translation keys are lower-case letters, digits, dashes and underscores."""
    assert [
        path
        for path, _ in strings(TRANSLATIONS)
        if not all(re.fullmatch(r"[a-z0-9_-]+", key) for key in path.split("."))
    ] == []


def test_every_action_is_named_described_and_has_an_icon() -> None:
    """Each action and field in services.yaml has a name, a description and an icon."""
    missing = []
    for action, spec in SERVICES.items():
        text = TRANSLATIONS["services"].get(action, {})
        missing += [
            f"{action}.{key}" for key in ("name", "description") if key not in text
        ]
        if action not in ICONS["services"]:
            missing.append(f"{action} icon")
        for field in (spec or {}).get("fields") or {}:
            field_text = text.get("fields", {}).get(field, {})
            missing += [
                f"{action}.{field}.{key}"
                for key in ("name", "description")
                if key not in field_text
            ]
    assert missing == []


async def test_every_registered_action_is_described(hass: HomeAssistant) -> None:
    """What async_setup registers and what services.yaml describes are the same."""
    assert await async_setup_component(hass, DOMAIN, {})
    assert set(hass.services.async_services_for_domain(DOMAIN)) == set(SERVICES)


def test_manifest_keys_in_hassfest_order() -> None:
    """domain, name, then the other keys in alphabetical order."""
    keys = list(MANIFEST)
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:])


def test_field_descriptions_belong_to_fields() -> None:
    """hassfest: a data_description key must also be a data key of its step."""
    steps = [
        (f"{flow}.{name}", step)
        for flow in ("config", "options")
        for name, step in TRANSLATIONS.get(flow, {}).get("step", {}).items()
    ] + [
        (f"config_subentries.{kind}.{name}", step)
        for kind, subentry in TRANSLATIONS.get("config_subentries", {}).items()
        for name, step in subentry.get("step", {}).items()
    ]
    assert [
        path
        for path, step in steps
        if not set(step.get("data_description", {})) <= set(step.get("data", {}))
    ] == []
