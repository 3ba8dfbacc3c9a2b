"""The endpoint catalog is consistent, and docs/endpoints.md is generated from it."""

import sys

import pytest

from custom_components.synology_native.api.catalog import (
    CATALOG,
    DOWNLOADS,
    PARAMETER_TYPES,
    UPLOADS,
    Encoding,
    endpoint,
    endpoints,
    json_type_name,
    versions_text,
)
from scripts import gen_endpoints


def test_document_matches_catalog() -> None:
    """The committed table is exactly what the generator writes for the catalog."""
    assert gen_endpoints.DOCUMENT.read_text(encoding="utf-8") == gen_endpoints.render()


def test_check_mode(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    """--check passes on the committed file and fails on a stale one."""
    monkeypatch.setattr(sys, "argv", ["gen_endpoints", "--check"])
    assert gen_endpoints.main() == 0
    stale = gen_endpoints.DOCUMENT.parent / ".endpoints-stale.md"
    stale.write_text("old table\n", encoding="utf-8")
    monkeypatch.setattr(gen_endpoints, "DOCUMENT", stale)
    try:
        assert gen_endpoints.main() == 1
        monkeypatch.setattr(sys, "argv", ["gen_endpoints"])
        assert gen_endpoints.main() == 0
        assert stale.read_text(encoding="utf-8") == gen_endpoints.render()
    finally:
        stale.unlink()


def test_every_annotation_names_a_cataloged_method() -> None:
    """File answers, uploads and parameter types refer to real methods."""
    for key in [*DOWNLOADS, *UPLOADS, *PARAMETER_TYPES]:
        assert endpoint(*key) is not None, key


def test_versions_per_method() -> None:
    """A method exists only in the versions whose list names it."""
    event_set = endpoint("SYNO.Cal.Event", "set")
    assert event_set is not None
    assert event_set.versions == (1, 2, 3, 5)
    assert endpoint("SYNO.Cal.Event", "nope") is None
    assert endpoint("SYNO.Nope", "get") is None
    auth = CATALOG["SYNO.API.Auth"]
    assert auth.encoding is Encoding.RAW
    assert CATALOG["SYNO.Contacts.Contact"].encoding is Encoding.JSON


def test_counts() -> None:
    """Every endpoint is listed once; only the sign-in's own methods are reserved."""
    items = endpoints()
    assert len(items) == len({(item.api.name, item.method) for item in items})
    reserved = {(item.api.name, item.method) for item in items if item.sign_in}
    assert ("SYNO.API.Auth", "login") in reserved
    assert {api for api, _method in reserved} == {"SYNO.API.Auth"}


def test_versions_text_and_type_names() -> None:
    """Version ranges and JSON type names as the table and errors show them."""
    assert versions_text([8, 1, 2, 3, 5, 7]) == "1-3, 5, 7-8"
    assert [json_type_name(v) for v in (True, 1, 1.5, "a", [], {}, None)] == [
        "boolean",
        "number",
        "number",
        "string",
        "array",
        "object",
        "null",
    ]
    assert json_type_name(()) == "tuple"


def test_readme_counts() -> None:
    """The README states the catalog's current counts and links the table."""
    items = endpoints()
    _, typed, generic, _, _, _ = gen_endpoints.counts(items)
    readme = (gen_endpoints.DOCUMENT.parent.parent / "README.md").read_text(
        encoding="utf-8"
    )
    assert "(docs/endpoints.md)" in readme
    text = " ".join(readme.split())
    assert f"of {len(items)} endpoints, {typed} have a typed action" in text
    assert f"and {generic} are reachable through `call_api`" in text
