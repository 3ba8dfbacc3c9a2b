"""call_api through Home Assistant: JSON and raw encoding, compound requests, every refusal."""

from dataclasses import replace
import json
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from homeassistant.core import Context
from homeassistant.exceptions import (
    HomeAssistantError,
    ServiceValidationError,
    Unauthorized,
)
import pytest

from custom_components.synology_native.api import catalog
from custom_components.synology_native.apps import APPS, SUPPORTED_APPS
from custom_components.synology_native.const import DOMAIN
from custom_components.synology_native.services import call_api
from tests.conftest import setup_entry
from tests.fake_dsm.store import DEMO_USER

if TYPE_CHECKING:
    from homeassistant.auth.models import User
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from tests.fake_dsm import FakeDsm


async def call(hass: HomeAssistant, context: Context | None = None, **data: Any) -> Any:
    """Call call_api and return its response."""
    return await hass.services.async_call(
        DOMAIN, "call_api", data, blocking=True, return_response=True, context=context
    )


def sent(fake_dsm: FakeDsm, api: str) -> list[dict[str, str]]:
    """Return the wire parameters of every request to api."""
    return [request.params for request in fake_dsm.requests if request.api == api]


@pytest.mark.usefixtures("loaded")
async def test_json_format_api(hass: HomeAssistant, fake_dsm: FakeDsm) -> None:
    """Parameters go as JSON text at the highest shared version; DSM's data comes back."""
    book = fake_dsm.store.contacts.visible_books(DEMO_USER)[0]
    response = await call(
        hass,
        api="SYNO.Contacts.Contact",
        method="list",
        params={"addressbook_id": book.book_id, "with_photo": False},
    )
    assert response["api"] == "SYNO.Contacts.Contact"
    assert response["version"] == 2
    assert [c["full_name"] for c in response["data"]["contact"]] == [
        "Ada Lovelace",
        "Grace Hopper",
    ]
    wire = sent(fake_dsm, "SYNO.Contacts.Contact")[-1]
    assert (wire["addressbook_id"], wire["with_photo"]) == (str(book.book_id), "false")
    labels = await call(hass, api="SYNO.Contacts.Label", method="list", version=1)
    assert labels["version"] == 1
    assert labels["data"]["label"][0]["name"] == "Favourites"


@pytest.mark.usefixtures("loaded")
async def test_raw_format_api(
    hass: HomeAssistant, fake_dsm: FakeDsm, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An API the catalog marks raw gets plain strings and comma lists.

    The only raw API the references document is SYNO.API.Auth, whose methods all manage
    sessions and are refused (below); so a raw Contacts entry stands in for one here.
    """
    raw = dict(catalog.CATALOG)
    raw["SYNO.Contacts.Contact"] = replace(
        raw["SYNO.Contacts.Contact"], encoding=catalog.Encoding.RAW
    )
    monkeypatch.setattr(catalog, "CATALOG", MappingProxyType(raw))
    monkeypatch.setattr(call_api, "CATALOG", catalog.CATALOG)
    ada = fake_dsm.store.contacts.contact_by_name("Ada Lovelace")
    await call(
        hass,
        api="SYNO.Contacts.Contact",
        method="set",
        params={"id": ada.contact_id, "company": "Babbage & Co"},
    )
    wire = sent(fake_dsm, "SYNO.Contacts.Contact")[-1]
    assert (wire["id"], wire["company"]) == (str(ada.contact_id), "Babbage & Co")
    assert ada.fields["company"] == "Babbage & Co"
    with pytest.raises(ServiceValidationError) as caught:
        await call(
            hass,
            api="SYNO.Contacts.Contact",
            method="create",
            params={"addressbook_id": 1, "contact": {"full_name": "X"}},
        )
    assert caught.value.translation_key == "raw_parameter"
    with pytest.raises(ServiceValidationError) as caught:
        await call(hass, api="SYNO.API.Auth", method="logout")
    assert caught.value.translation_key == "method_reserved"


@pytest.mark.usefixtures("loaded")
async def test_compound_request(hass: HomeAssistant, fake_dsm: FakeDsm) -> None:
    """Items are checked like calls, get their versions, and go in one request."""
    fake_dsm.reset_request_log()
    response = await call(
        hass,
        api="SYNO.Entry.Request",
        method="request",
        params={
            "compound": [
                {"api": "SYNO.Contacts.Addressbook", "method": "list"},
                {"api": "SYNO.Contacts.Label", "method": "list", "version": 1},
                {"api": "SYNO.Contacts.Contact", "method": "get", "ids": [9999]},
            ],
            "stop_when_error": False,
        },
    )
    result = response["data"]["result"]
    assert [(item["api"], item["version"], item["success"]) for item in result] == [
        ("SYNO.Contacts.Addressbook", 1, True),
        ("SYNO.Contacts.Label", 1, True),
        ("SYNO.Contacts.Contact", 2, False),
    ]
    assert response["data"]["has_fail"] is True
    assert len(fake_dsm.requests) == 1
    items = json.loads(fake_dsm.requests[0].params["compound"])
    assert items[0]["version"] == 1


@pytest.mark.usefixtures("loaded")
@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"api": "SYNO.Nope", "method": "list"}, "unknown_api"),
        ({"api": "SYNO.Contacts.Label", "method": "search"}, "unknown_method"),
        (
            {"api": "SYNO.Contacts.Label", "method": "list", "version": 3},
            "unknown_version",
        ),
        ({"api": "SYNO.API.Auth", "method": "login"}, "method_reserved"),
        (
            {"api": "SYNO.Contacts.Addressbook", "method": "import"},
            "upload_not_supported",
        ),
        (
            {"api": "SYNO.Contacts.Label", "method": "list", "params": {"_sid": "x"}},
            "reserved_parameter",
        ),
        (
            {
                "api": "SYNO.Contacts.Contact",
                "method": "list",
                "params": {"addressbook_id": "1"},
            },
            "wrong_parameter_type",
        ),
        (
            {"api": "SYNO.Contacts.Contact", "method": "delete", "params": {"ids": 5}},
            "wrong_parameter_type",
        ),
        (
            {"api": "SYNO.Contacts.Contact", "method": "export"},
            "download_path_required",
        ),
        (
            {
                "api": "SYNO.Contacts.Contact",
                "method": "export",
                "download_path": "/etc/contacts.vcf",
            },
            "download_path_not_allowed",
        ),
        (
            {
                "api": "SYNO.Entry.Request",
                "method": "request",
                "params": {"compound": []},
            },
            "invalid_compound",
        ),
        (
            {
                "api": "SYNO.Entry.Request",
                "method": "request",
                "params": {"compound": [{"api": "SYNO.Contacts.Label"}]},
            },
            "invalid_compound",
        ),
        (
            {
                "api": "SYNO.Entry.Request",
                "method": "request",
                "params": {
                    "compound": [
                        {"api": "SYNO.Contacts.Label", "method": "list", "version": "1"}
                    ]
                },
            },
            "invalid_compound",
        ),
        (
            {
                "api": "SYNO.Entry.Request",
                "method": "request",
                "params": {"compound": [{"api": "SYNO.Nope", "method": "list"}]},
            },
            "unknown_api",
        ),
        (
            {
                "api": "SYNO.Entry.Request",
                "method": "request",
                "params": {
                    "compound": [{"api": "SYNO.Contacts.Contact", "method": "export"}]
                },
            },
            "not_in_compound",
        ),
        (
            {
                "api": "SYNO.Entry.Request",
                "method": "request",
                "params": {
                    "compound": [
                        {"api": "SYNO.Contacts.Contact", "method": "list", "ids": "x"}
                    ]
                },
            },
            None,
        ),
    ],
)
async def test_validation_errors_send_nothing(
    hass: HomeAssistant, fake_dsm: FakeDsm, data: dict[str, Any], key: str | None
) -> None:
    """Every refusal is a translated validation error and reaches no API."""
    fake_dsm.reset_request_log()
    if key is None:
        # A parameter the catalog has no type for passes to DSM, which answers for it.
        await call(hass, **data)
        return
    with pytest.raises(ServiceValidationError) as caught:
        await call(hass, **data)
    assert caught.value.translation_key == key
    assert fake_dsm.requests == []


async def test_not_offered_by_the_nas(
    hass: HomeAssistant, fake_dsm: FakeDsm, config_entry: MockConfigEntry
) -> None:
    """An API the NAS lacks, or a version it does not offer, is refused unsent."""
    fake_dsm.uninstall("SYNO.Contacts.OU")
    label = fake_dsm.catalog["SYNO.Contacts.Label"]
    fake_dsm.catalog["SYNO.Contacts.Label"] = replace(label, max_version=1)
    await setup_entry(hass, config_entry)
    fake_dsm.reset_request_log()
    with pytest.raises(ServiceValidationError) as caught:
        await call(hass, api="SYNO.Contacts.OU", method="list")
    assert caught.value.translation_key == "api_not_on_nas"
    with pytest.raises(ServiceValidationError) as caught:
        await call(hass, api="SYNO.Contacts.Label", method="list", version=2)
    assert caught.value.translation_key == "method_not_on_nas"
    assert fake_dsm.requests == []


@pytest.mark.usefixtures("loaded")
async def test_home_assistant_users(
    hass: HomeAssistant, hass_admin_user: User, hass_read_only_user: User
) -> None:
    """A non-admin Home Assistant user is refused; an administrator is not."""
    with pytest.raises(Unauthorized):
        await call(
            hass,
            Context(user_id=hass_read_only_user.id),
            api="SYNO.Contacts.Label",
            method="list",
        )
    response = await call(
        hass,
        Context(user_id=hass_admin_user.id),
        api="SYNO.Contacts.Label",
        method="list",
    )
    assert response["data"]["total"] == 1


@pytest.mark.usefixtures("loaded")
async def test_dsm_refusal(hass: HomeAssistant, fake_dsm: FakeDsm) -> None:
    """What DSM refuses (an admin-only API for a normal account) comes back translated."""
    fake_dsm.store.users[DEMO_USER].admin = False
    with pytest.raises(HomeAssistantError) as caught:
        await call(hass, api="SYNO.Contacts.AdminSetting", method="get")
    assert caught.value.translation_key == "dsm_refused"


@pytest.mark.usefixtures("loaded")
async def test_file_answer_goes_to_an_allowed_path(
    hass: HomeAssistant, fake_dsm: FakeDsm, tmp_path: Path
) -> None:
    """A download method writes DSM's file where Home Assistant may write; a refusal none."""
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    book = fake_dsm.store.contacts.visible_books(DEMO_USER)[0]
    target = tmp_path / "contacts.vcf"
    response = await call(
        hass,
        api="SYNO.Contacts.Addressbook",
        method="export",
        params={"addressbook_id": book.book_id},
        download_path=str(target),
    )
    content = target.read_bytes().decode()
    assert content.startswith("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\n")
    assert content.count("BEGIN:VCARD") == 2
    assert response == {
        "api": "SYNO.Contacts.Addressbook",
        "method": "export",
        "version": 1,
        "path": str(target),
        "size": len(content.encode()),
    }
    missing = tmp_path / "missing.vcf"
    with pytest.raises(HomeAssistantError) as caught:
        await call(
            hass,
            api="SYNO.Contacts.Addressbook",
            method="export",
            params={"addressbook_id": 9999},
            download_path=str(missing),
        )
    assert caught.value.translation_key == "dsm_refused"
    assert not missing.exists()


# The app whose support brings a catalog section's actions (the table of apps);
# sections without one (sign-in, DSM core, WebDAV) are always there.
SECTION_APPS = {spec.catalog: spec.app for spec in APPS}


@pytest.mark.usefixtures("loaded")
async def test_typed_actions_exist(hass: HomeAssistant) -> None:
    """Every action the catalog names for a supported app is registered."""
    registered = set(hass.services.async_services_for_domain(DOMAIN))
    named = {
        call_api.coverage(item)
        for item in catalog.endpoints()
        if call_api.is_typed(item)
        and "." not in call_api.coverage(item)
        and SECTION_APPS.get(item.api.section) in {None, *SUPPORTED_APPS}
    }
    assert named - registered == set()
    assert {"find_contacts", "set_webdav_transfer_log", "send_message"} <= named


def test_coverage_names_cataloged_methods() -> None:
    """Each method an app's actions cover is in the catalog; the rest is call_api's."""
    for key in call_api.COVERAGE:
        assert catalog.endpoint(*key) is not None, key
    contacts = {
        item.method: call_api.coverage(item)
        for item in catalog.endpoints()
        if item.api.name == "SYNO.Contacts.Contact"
    }
    assert contacts["create"] == "create_contact"
    assert contacts["get_photo"] == call_api.CALL_API
