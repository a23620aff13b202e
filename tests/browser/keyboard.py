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


# Each word of each table cell, with the lines its boxes fall on: a word on more than one line was
# broken between letters to make the table fit.
_WORDS_BROKEN = """() => {
  const broken = [];
  for (const cell of document.querySelectorAll("table th, table td")) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const word of node.data.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, word.index);
        range.setEnd(node, word.index + word[0].length);
        const lines = new Set([...range.getClientRects()].map((box) => Math.round(box.top)));
        if (lines.size > 1) broken.push(word[0]);
      }
    }
  }
  return broken;
}"""


def words_broken_in_tables(page: Page) -> list[str]:
    """The words a table cell shows split over two lines (a narrow screen should scroll the table instead)."""
    return page.evaluate(_WORDS_BROKEN)
