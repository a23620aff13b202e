"""UI-2 in a real browser: keyboard use with visible focus, the skip link, axe-core, reflow at 320 px."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from .conftest import PUBLIC_PAGES

pytestmark = [pytest.mark.browser, pytest.mark.req("UI-2")]

# What the focused element looks like: its own outline or box-shadow, as the browser computed them.
FOCUS_STYLE = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return {
        tag: el.tagName.toLowerCase(),
        text: (el.innerText || el.getAttribute("aria-label") || "").trim().slice(0, 40),
        href: el.getAttribute("href"),
        outlineStyle: style.outlineStyle,
        outlineWidth: parseFloat(style.outlineWidth),
        outlineColor: style.outlineColor,
        boxShadow: style.boxShadow,
        visible: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
            && box.top < window.innerHeight && box.left < window.innerWidth,
        inMain: el.closest("main") !== null,
        isBody: el === document.body,
    };
}"""
INTERACTIVE = "a[href], button, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex='-1'])"
SERIOUS = {"serious", "critical"}


def _has_visible_focus(focus: dict) -> bool:
    outline = focus["outlineStyle"] != "none" and focus["outlineWidth"] >= 2
    shadow = focus["boxShadow"] not in ("", "none")
    return focus["visible"] and (outline or shadow)


@pytest.mark.parametrize("path", ["/", "/help/contact/"])
def test_every_control_is_reached_with_tab_and_shows_a_visible_focus(open_page, path):
    page = open_page(language="es")
    page.goto(path)
    expected = page.locator(INTERACTIVE).count()
    reached = []
    for _ in range(expected + 5):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_STYLE)
        if focus["isBody"] or (reached and focus == reached[0]):
            break  # wrapped around: every control has had its turn
        assert _has_visible_focus(focus), f"no visible focus on {focus}"
        reached.append(focus)
    assert len(reached) == expected, "some control cannot be reached with the keyboard"
    assert reached[0]["text"] == "Saltar al contenido principal"


def test_the_skip_link_is_first_shows_itself_and_moves_focus_to_the_main_content(open_page):
    page = open_page(language="en")
    page.goto("/help/passwords/")
    skip = page.get_by_role("link", name="Skip to main content")
    assert not skip.is_visible() or skip.bounding_box()["y"] + skip.bounding_box()["height"] <= 0

    page.keyboard.press("Tab")
    focus = page.evaluate(FOCUS_STYLE)
    assert (focus["text"], focus["href"]) == ("Skip to main content", "#main")
    assert _has_visible_focus(focus)

    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    focus = page.evaluate(FOCUS_STYLE)
    assert focus["inMain"], f"the next Tab should land inside the main content, not on {focus}"


def _serious_findings(page: Page) -> list[str]:
    results = Axe().run(page).response
    return [
        f"{page.url}: {violation['id']} ({violation['impact']}) on {[node['target'] for node in violation['nodes']]}"
        for violation in results["violations"]
        if violation["impact"] in SERIOUS
    ]


@pytest.mark.parametrize("path", [*PUBLIC_PAGES, "/help/no-such-topic/"])
def test_no_serious_or_critical_axe_finding_in_either_language(open_page, path):
    findings = []
    for language in ("es", "en"):
        page = open_page(language=language)
        response = page.goto(path)
        assert response.status == (404 if "no-such" in path else 200)
        assert page.locator("html").get_attribute("lang") == language
        findings += _serious_findings(page)
    assert findings == []


@pytest.mark.parametrize("language", ["es", "en"])
def test_every_page_reflows_at_320_css_pixels_without_horizontal_scrolling(open_page, language):
    page = open_page(language=language, width=320)
    too_wide = {}
    for path in PUBLIC_PAGES:
        page.goto(path)
        # Hiding the overflow would only cut content off: the page must really fit.
        overflow = page.evaluate(
            "[getComputedStyle(document.documentElement).overflowX, getComputedStyle(document.body).overflowX]"
        )
        assert overflow == ["visible", "visible"]
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            too_wide[path] = width
    assert too_wide == {}


def test_every_request_of_every_page_stays_on_the_live_server(open_page, traffic, live_server):
    page = open_page(language="es")
    for path in PUBLIC_PAGES:
        page.goto(path)
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    # The pages did load their style sheet and logo, so the check below looked at real traffic.
    assert any(url.endswith(".css") for url in traffic.requests)
    assert any(url.endswith(".svg") for url in traffic.requests)
    assert all(url.startswith(f"{live_server.url}/") for url in traffic.requests), traffic.outside_requests()
    assert live_server.url.startswith("http://127.0.0.1:")
