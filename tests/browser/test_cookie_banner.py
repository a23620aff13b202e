"""The cookie banner in Chromium (PRIV-6, PRIV-2, UI-2): reject as easy as accept, per-category choices, without
JavaScript and with the keyboard, nothing counted before consent, no serious axe-core finding, and no
request from any page — public or signed in — leaving the live server on 127.0.0.1."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

from memberarea.privacy.models import ConsentRecord, PageViewCount
from tests.browser.conftest import PUBLIC_PAGES
from tests.browser.keyboard import press_button, serious_findings, tab_to
from tests.browser.test_member_area import demo_member, lucia_signed_in

pytestmark = [pytest.mark.browser, pytest.mark.req("PRIV-6")]
TEXT = {
    "es": {"accept": "Aceptar todas", "reject": "Rechazar todas", "save": "Guardar mis preferencias",
           "settings": "Configuración de cookies", "box": "Contar mis visitas en las estadísticas del sitio"},
    "en": {"accept": "Accept all", "reject": "Reject all", "save": "Save my choices",
           "settings": "Cookie settings", "box": "Count my visits in the site's statistics"},
}  # fmt: skip
SIZES = [("es", 375), ("en", 1280), ("es", 1280), ("en", 375)]
# What makes one button as prominent as another: the same look, computed by the browser.
LOOK = """element => { const s = getComputedStyle(element); return [s.fontSize, s.fontWeight, s.color,
    s.backgroundColor, s.borderTopWidth, s.borderTopColor, s.paddingTop, s.paddingLeft, s.display]; }"""


def _counted() -> int:
    return sum(PageViewCount.objects.values_list("count", flat=True))


def _assert_same_prominence(page: Page, language: str) -> None:
    banner = page.locator("section.cookie-banner")
    accept = banner.get_by_role("button", name=TEXT[language]["accept"])
    reject = banner.get_by_role("button", name=TEXT[language]["reject"])
    assert accept.evaluate("e => e.tagName") == reject.evaluate("e => e.tagName") == "BUTTON"
    assert accept.get_attribute("class") == reject.get_attribute("class") == "button cookie-answer"
    assert accept.evaluate(LOOK) == reject.evaluate(LOOK)
    first, second = accept.bounding_box(), reject.bounding_box()
    assert first and second
    assert abs(first["width"] - second["width"]) < 1 and abs(first["height"] - second["height"]) < 1
    assert first["y"] == second["y"]  # side by side: neither hides below the other, on a phone too


@pytest.mark.req("UI-2")
@pytest.mark.parametrize(("language", "width"), SIZES[:2])
def test_rejecting_with_the_keyboard_is_as_easy_as_accepting_and_counts_nothing(open_page, language, width):
    page = open_page(language=language, width=width)
    for path in PUBLIC_PAGES[:3]:
        page.goto(path)
    assert page.locator("section.cookie-banner").is_visible()
    _assert_same_prominence(page, language)
    findings = serious_findings(page)
    assert _counted() == 0, "nothing is counted before the visitor answers"

    press_button(page, TEXT[language]["reject"])
    assert urlsplit(page.url).path == PUBLIC_PAGES[2]  # back where the visitor was
    assert page.locator("section.cookie-banner").count() == 0
    page.goto("/help/contact/")
    assert _counted() == 0
    assert ConsentRecord.objects.count() == 0  # nothing was ever given, so nothing withdrawn
    assert findings == []


@pytest.mark.req("UI-2")
@pytest.mark.parametrize(("language", "width"), SIZES[2:])
def test_accepting_without_javascript_counts_the_following_pages(open_page, language, width):
    page = open_page(language=language, width=width, javascript=False)
    page.goto("/help/")
    _assert_same_prominence(page, language)
    with page.expect_navigation():
        page.get_by_role("button", name=TEXT[language]["accept"]).click()
    assert urlsplit(page.url).path == "/help/"
    assert page.locator("section.cookie-banner").count() == 0
    page.goto("/")
    page.goto("/help/passwords/")
    counts = dict(PageViewCount.objects.values_list("path_template", "count"))
    assert counts == {"help/": 1, "": 1, "help/<slug:topic>/": 1}  # from the page it came back to; the POST is not one
    assert list(PageViewCount.objects.values_list("language", flat=True).distinct()) == [language]
    assert ConsentRecord.objects.get().given is True


@pytest.mark.req("PRIV-2")
@pytest.mark.req("UI-2")
@pytest.mark.parametrize(("language", "width"), [("es", 375), ("en", 1280)])
def test_choosing_by_category_from_the_footer_and_changing_it_later(open_page, language, width):
    page = open_page(language=language, width=width)
    page.goto("/help/register/")
    tab_to(page, f"footer a:has-text('{TEXT[language]['settings']}')")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path == "/privacy/cookies/choices/"
    assert page.locator("section.cookie-banner").count() == 0
    findings = serious_findings(page)
    box = page.get_by_label(TEXT[language]["box"])
    assert not box.is_checked()
    tab_to(page, "#id_analytics")
    page.keyboard.press("Space")
    assert box.is_checked()
    press_button(page, TEXT[language]["save"])
    assert urlsplit(page.url).path == "/help/register/"
    assert _counted() == 1  # the page it came back to

    page.goto("/privacy/cookies/choices/?next=/help/")
    assert page.get_by_label(TEXT[language]["box"]).is_checked()
    findings += serious_findings(page)
    page.get_by_label(TEXT[language]["box"]).uncheck()
    press_button(page, TEXT[language]["save"])
    page.goto("/help/contact/")
    assert _counted() == 1 + 1  # the settings page itself, while still accepted; nothing after
    assert list(ConsentRecord.objects.order_by("at").values_list("given", flat=True)) == [True, False]
    assert findings == []


@pytest.mark.req("UI-2")
@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize(("language", "width"), [("es", 375), ("en", 1280)])
def test_no_request_from_the_public_or_the_signed_in_pages_leaves_the_site(
    open_page, signed_in_page, traffic, language, width
):
    page = open_page(language=language, width=width)
    for path in [*PUBLIC_PAGES, "/sign-in/", "/register/", "/password-reset/", "/privacy/cookies/choices/"]:
        page.goto(path)
    member = lucia_signed_in(signed_in_page, language=language, width=width)
    lucia = demo_member("MA-2001-01")
    for path in ["/members/", f"/members/{lucia.pk}/card/", "/account/", "/account/sessions/"]:
        member.goto(path)
    assert len(traffic.requests) > 20  # pages, styles, scripts, images: all watched
    assert {urlsplit(url).hostname for url in traffic.requests} == {"127.0.0.1"}
    assert all(url.startswith(traffic.origin + "/") for url in traffic.requests)
