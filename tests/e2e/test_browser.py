"""What a user sees of Synology Native in Home Assistant's frontend, in headless Chromium.

Debian's chromium, driven by Playwright (no browser is ever downloaded); the test skips
when it cannot be started. Every step leaves a screenshot in tests/e2e/artifacts/; with
UPDATE_DOCS_IMAGES=1 the ones the README shows are also written to docs/images/.
"""

from collections.abc import AsyncIterator
from contextlib import suppress
import os
from pathlib import Path
import shutil

from playwright.async_api import (
    Error as PlaywrightError,
    Page,
    async_playwright,
    expect,
)
import pytest

from custom_components.synology_native.const import (
    DOMAIN,
    EVENT_CHAT_ASSIST,
    EVENT_CHAT_MESSAGE,
)
from scripts.develop_bootstrap import HA_PASSWORD, HA_USER
from scripts.post_as import post_as
from tests.fake_dsm import FakeDsm
from tests.fake_dsm.chat_store import GENERAL

from .conftest import DASHBOARD_TITLE, REPO, LiveHomeAssistant

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = REPO / "tests" / "e2e" / "artifacts"
DOCS_IMAGES = REPO / "docs" / "images"
# A loaded 2-core machine renders the first page of the frontend slowly.
TIMEOUT_MS = 60_000

NEW_TODO = "Water the plants"
CHAT_TEXT = "The parcel has arrived"
ASSIST_TEXT = "Add milk to my tasks"


@pytest.fixture
async def page(tmp_path: Path) -> AsyncIterator[Page]:
    """Open a page in a fresh Chromium profile; skip the test when Chromium cannot start."""
    ARTIFACTS.mkdir(exist_ok=True)
    for old in ARTIFACTS.glob("*.png"):
        old.unlink()
    async with async_playwright() as playwright:
        try:
            browser = await playwright.chromium.launch_persistent_context(
                tmp_path / "chromium-profile",
                executable_path=CHROMIUM,
                args=CHROMIUM_ARGS,
                viewport={"width": 1280, "height": 900},
            )
        except PlaywrightError as err:
            reason = str(err).strip().splitlines()[0]
            pytest.skip(f"browser test skipped, Chromium cannot be started: {reason}")
        page = browser.pages[0]
        page.set_default_timeout(TIMEOUT_MS)
        expect.set_options(timeout=TIMEOUT_MS)
        try:
            yield page
        finally:
            # Where the test stopped, which is what a failure needs.
            with suppress(PlaywrightError):
                await page.screenshot(path=ARTIFACTS / "last.png")
            await browser.close()


async def screenshot(page: Page, name: str, *, docs: str | None = None) -> None:
    """Keep what the page shows now as tests/e2e/artifacts/<name>.png.

    docs names the README's picture of it (docs/images/<docs>.png), rewritten only
    when UPDATE_DOCS_IMAGES is set, so a test run leaves the repository as it was.
    """
    # After a page load the launch screen fades out over what is already there.
    await page.locator("#ha-launch-screen").wait_for(state="detached")
    path = ARTIFACTS / f"{name}.png"
    await page.screenshot(path=path)
    if docs is not None and os.environ.get("UPDATE_DOCS_IMAGES"):
        DOCS_IMAGES.mkdir(exist_ok=True)
        shutil.copyfile(path, DOCS_IMAGES / f"{docs}.png")


async def listen_for(page: Page, url: str, event_type: str) -> None:
    """Subscribe to one bus event in Developer tools > Events."""
    await page.goto(f"{url}/config/tools/event")
    events = page.locator("event-subscribe-card")
    await events.get_by_role("textbox", name="Event to subscribe to").fill(event_type)
    await events.get_by_role("button", name="Start listening").click()
    # The button changes once Home Assistant has confirmed the subscription.
    await expect(events.get_by_role("button", name="Stop listening")).to_be_visible()


async def log_in(page: Page, url: str) -> None:
    """Log in as the demo owner and keep the HTTP settings the test's YAML gave."""
    await page.goto(url)
    await page.get_by_label("Username").fill(HA_USER)
    await page.get_by_label("Password", exact=True).fill(HA_PASSWORD)
    await page.keyboard.press("Enter")
    # Home Assistant tries server settings from YAML for five minutes, then reverts
    # them unless the owner confirms; this dialog asks on the first page after login.
    confirm = page.get_by_text("Confirm new HTTP server configuration")
    await confirm.wait_for()
    await page.get_by_role("button", name="Confirm").click()
    await confirm.wait_for(state="hidden")


@pytest.mark.timeout(240)
async def test_what_a_user_sees_in_the_browser(
    page: Page, home_assistant: LiveHomeAssistant, fake_dsm: FakeDsm, dsm_url: str
) -> None:
    """The integration, its device, to-dos, calendar and Chat events, as shown to a user."""
    url = home_assistant.url
    await log_in(page, url)

    await page.goto(f"{url}/config/integrations/integration/{DOMAIN}")
    icon = page.get_by_role("img", name="Synology Native")
    # decode() rejects for an image that does not load.
    await icon.evaluate("image => image.decode()")
    assert "/brands/integration/synology_native/icon" in str(
        await icon.get_attribute("src")
    )
    assert await icon.evaluate("image => image.naturalWidth") > 0
    await screenshot(page, "1-integration")

    await page.get_by_role("link", name="1 service").click()
    for text in (
        "Open to-dos",
        "Unread Chat messages",
        "Chat connection",
        f"Version {fake_dsm.store.dsm_version}",
    ):
        await expect(page.get_by_text(text, exact=True)).to_be_visible()
    await screenshot(page, "2-device", docs="device")

    await page.get_by_role("link", name="To-do lists").click()
    await page.get_by_role("menuitem", name="Tasks", exact=True).click()
    todos = page.locator("hui-todo-list-card")
    await expect(todos.get_by_text("Plan trip", exact=True)).to_be_visible()
    await expect(todos.get_by_text("Book flights", exact=True)).to_be_visible()
    add = todos.get_by_placeholder("Add item")
    await add.fill(NEW_TODO)
    await add.press("Enter")
    # Shown once Home Assistant has read the to-do back from the NAS.
    await expect(todos.get_by_text(NEW_TODO, exact=True)).to_be_visible()
    assert NEW_TODO in {todo.title for todo in fake_dsm.notestation.todos.values()}
    await screenshot(page, "3-todo", docs="todo")

    await page.get_by_role("link", name=DASHBOARD_TITLE).click()
    calendar = page.locator("hui-calendar-card")
    await expect(calendar.get_by_text("Demo day", exact=True)).to_be_visible()
    await screenshot(page, "4-calendar")
    await calendar.screenshot(path=ARTIFACTS / "4-calendar-card.png")
    if os.environ.get("UPDATE_DOCS_IMAGES"):
        shutil.copyfile(ARTIFACTS / "4-calendar-card.png", DOCS_IMAGES / "calendar.png")
    # The README's example dashboard: every entity it names exists and is shown.
    await expect(page.locator("hui-todo-list-card")).to_be_visible()
    assert await page.locator("hui-warning").count() == 0
    assert await page.get_by_text("Entity not available").count() == 0
    await screenshot(page, "5-dashboard", docs="dashboard")

    await listen_for(page, url, EVENT_CHAT_MESSAGE)
    await fake_dsm.chat.post_as("alice", GENERAL, CHAT_TEXT)
    message = page.locator("event-subscribe-card").get_by_text(CHAT_TEXT)
    await expect(message).to_be_visible()
    await message.scroll_into_view_if_needed()
    await screenshot(page, "6-chat-event", docs="chat-event")

    # Alice asks Assist in her direct message to the demo account (the bootstrap
    # allowed her as the owner); the answer comes back as this event.
    await listen_for(page, url, EVENT_CHAT_ASSIST)
    await post_as(dsm_url, "alice", "demo", ASSIST_TEXT)
    answer = page.locator("event-subscribe-card").get_by_text(ASSIST_TEXT)
    await expect(answer).to_be_visible()
    await answer.scroll_into_view_if_needed()
    await screenshot(page, "7-assist", docs="assist-in-chat")
    assert "milk" in {
        todo.title.casefold() for todo in fake_dsm.notestation.todos.values()
    }
