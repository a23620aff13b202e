"""UI-1 in a real browser: the browser's language by default, a keyboard-only switch that is remembered."""

import pytest
from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.req("UI-1")]

HOME = {
    "es": {"h1": "Su área de clientes de Ejemplia Salud", "title": "Bienvenida · Ejemplia Salud", "help": "Ayuda"},
    "en": {"h1": "Your Ejemplia Salud member area", "title": "Welcome · Ejemplia Salud", "help": "Help"},
}


def _focused(page: Page) -> str:
    """The focused element as `button[name=value]`, `a[href=…]` or `tag#id`: enough to know where Tab went."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            if (!el || el === document.body) return "body";
            if (el.tagName === "BUTTON") return `button[${el.name}=${el.value}]`;
            if (el.tagName === "A") return `a[href=${el.getAttribute("href")}]`;
            return `${el.tagName.toLowerCase()}#${el.id}`;
        }"""
    )


def _tab_to(page: Page, target: str, limit: int = 30) -> int:
    """Press Tab until `target` has focus; returns how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if _focused(page) == target:
            return presses
    raise AssertionError(f"{target} is not reachable with Tab")


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_home_page_speaks_the_browsers_language(open_page, language):
    page = open_page(language=language)
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == language
    assert page.title() == HOME[language]["title"]
    assert page.get_by_role("heading", level=1).inner_text() == HOME[language]["h1"]
    assert page.get_by_role("navigation").first.get_by_role("link", name=HOME[language]["help"]).is_visible()
    current = page.locator('.language-switch button[aria-current="true"]')
    assert current.get_attribute("value") == language


def test_switching_language_with_the_keyboard_alone_is_remembered_on_the_next_page(open_page):
    page = open_page(language="es")
    page.goto("/help/passwords/")
    assert page.locator("html").get_attribute("lang") == "es"

    _tab_to(page, "button[language=en]")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # Back on the same page, now in English.
    assert page.url.endswith("/help/passwords/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Password rules"

    # The next page, reached with the keyboard too, keeps the choice although the browser prefers Spanish.
    _tab_to(page, "a[href=/help/]")  # the main menu's Help link comes first in the tab order
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/help/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Help"

    # And a new tab of the same browser too.
    other = page.context.new_page()
    other.goto("/")
    assert other.get_by_role("heading", level=1).inner_text() == HOME["en"]["h1"]


def test_the_language_switch_works_without_javascript(open_page):
    page = open_page(language="en", javascript=False)
    page.goto("/help/")
    with page.expect_navigation():
        page.get_by_role("button", name="Español").click()
    assert page.url.endswith("/help/")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.get_by_role("heading", level=1).inner_text() == "Ayuda"
