"""The ALTCHA widget in Debian's Chromium, under the real CSP: it solves the server's challenge in its
worker, fills the hidden `altcha` field, and the server accepts that answer once (REG-1, LOGIN-4)."""

import base64
import json
import re

import pytest
from playwright.sync_api import expect

from memberarea.core.captcha import captcha_verify
from memberarea.core.errors import MemberAreaError

from .test_accessibility import FOCUS_STYLE, _has_visible_focus, _serious_findings

pytestmark = [pytest.mark.browser, pytest.mark.urls("tests.browser.captcha_urls")]

# Playwright runs this before the page's own scripts and outside its CSP: it only listens.
CSP_LISTENER = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""
ANSWER = "altcha-widget input[type=hidden][name=altcha]"


@pytest.mark.req("REG-1")
@pytest.mark.req("LOGIN-4")
def test_the_widget_solves_the_challenge_under_the_csp_and_the_answer_works_once(open_page, traffic):
    page = open_page(language="en")
    page.add_init_script(CSP_LISTENER)
    response = page.goto("/captcha-test/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert page.locator("altcha-widget .altcha-label").inner_text() == "I am a person"

    page.get_by_label("Member number").click()  # the form gets focus: the widget starts working
    expect(page.locator(ANSWER)).to_have_value(re.compile(r"\S"), timeout=20_000)
    payload = page.locator(ANSWER).input_value()
    answer = json.loads(base64.b64decode(payload))
    assert set(answer) >= {"algorithm", "challenge", "number", "salt", "signature"}

    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    assert page.locator("#outcome").inner_text() == "accepted"
    with pytest.raises(MemberAreaError) as replay:
        captcha_verify(payload)
    assert replay.value.code == "captcha_invalid"

    assert any(url.endswith("/static/vendor/altcha/worker.js") for url in traffic.requests), "no worker ran"
    assert page.evaluate("window.cspViolations") == []


@pytest.mark.req("UI-2")
@pytest.mark.req("REG-1")
def test_without_javascript_the_page_says_the_step_needs_it(open_page):
    page = open_page(language="en", javascript=False)
    page.goto("/captcha-test/")
    note = page.locator(".captcha-noscript")
    assert note.is_visible()
    assert note.inner_text() == (
        "This step needs JavaScript: it runs a short check that shows you are a person. Turn JavaScript on, or call us."
    )


@pytest.mark.req("UI-2")
@pytest.mark.req("LOGIN-4")
@pytest.mark.parametrize("language", ["es", "en"])
def test_the_keyboard_alone_completes_the_check_and_axe_finds_nothing_serious(open_page, language):
    page = open_page(language=language)
    page.goto("/captcha-test/")
    assert _serious_findings(page) == []

    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('altcha-widget') !== null"):
            break
    else:
        raise AssertionError("the widget's checkbox is not reachable with Tab")
    assert _has_visible_focus(page.evaluate(FOCUS_STYLE))
    page.keyboard.press("Space")
    expect(page.locator(ANSWER)).to_have_value(re.compile(r"\S"), timeout=20_000)
    assert _serious_findings(page) == []
