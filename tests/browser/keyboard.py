"""Helpers for journeys in Chromium done the way a keyboard user does them: Tab to a control, type, press
Enter; axe-core on each page; and what the development outbox received (as a developer would read it)."""

import json
import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

SERIOUS = {"serious", "critical"}


def serious_findings(page: Page) -> list[str]:
    violations = Axe().run(page).response["violations"]
    return [f"{page.url}: {v['id']}" for v in violations if v["impact"] in SERIOUS]


def tab_to(page: Page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching `selector` has the focus, as a keyboard user would."""
    target = page.locator(selector)
    if target.evaluate("element => element === document.activeElement"):
        return  # already there (an autofocused field)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{selector} cannot be reached with Tab")


def follow_with_the_keyboard(page: Page, selector: str) -> None:
    """Tab to a link and press Enter, waiting for the page it opens."""
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def type_into(page: Page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def press_button(page: Page, name: str) -> None:
    tab_to(page, f"button:has-text('{name}')")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def outbox_text(page: Page, to: str, pattern: str) -> str:
    """The first group of `pattern` in the newest message delivered to `to`, read from /dev/outbox.json."""
    for _ in range(100):
        response = page.context.request.get("/dev/outbox.json")
        for message in json.loads(response.body())["messages"]:
            found = re.search(pattern, message["body_text"])
            if message["to"] == to and found:
                return found.group(1)
        page.wait_for_timeout(100)
    raise AssertionError(f"nothing matching {pattern!r} reached the outbox for {to}")


def outbox_code(page: Page, to: str) -> str:
    """The newest 6-digit code delivered to `to`."""
    return outbox_text(page, to, r"\b(\d{6})\b")
