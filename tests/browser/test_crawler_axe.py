"""The crawler's browser pass (issue 10, UI-2): the pages of tests/web/test_crawler.py, opened by GET in
Chromium at 375 px for every kind of visitor in Spanish and English, with no serious or critical
axe-core finding and no 5xx. (Widths of 1280 px are covered per page by the other browser tests.)

A page already checked in the same language for the same kind of reader is not checked again: the
anonymous visitor, a signed-in member (whose header every signed-in page shares), and each staff role
for the back office. Redirects count by where they land, so the many ways to the sign-in page are one;
an error answer (403, 404, 410…) counts once per reader, and a page the anonymous visitor had is not
checked again for a signed-in reader (only the header differs)."""

from urllib.parse import urlsplit

import pytest
from django.utils import translation
from playwright.sync_api import Page

from memberarea.identity.models import Role
from tests.backoffice.conftest import make_staff
from tests.web.crawling import (
    LANGUAGES,
    STAFF_VISITORS,
    VISITORS,
    Visit,
    paths_of,
    routes_in_order,
    visit_prepare,
    web_routes,
)

from .keyboard import serious_findings

pytestmark = [pytest.mark.browser, pytest.mark.req("UI-2")]
WIDTH = 375
NOT_PAGES = (".pdf", ".json")  # documents and data, not pages
RECORD = "staff/members/<uuid:membership_id>/"


def _reader(visit: Visit, path: str) -> str:
    if visit.visitor == "anonymous":
        return "anonymous"
    return visit.visitor if visit.staff and path.startswith("/staff/") else "member"


def _reason_given(page: Page, path: str) -> None:
    """The reason gate of the record, filled as an agent does (BO-4)."""
    page.goto(path)
    if not page.locator("#id_reason").count():
        return  # this role has no reason gate here: the crawl reads what the page says instead
    page.select_option("#id_reason", index=1)
    page.fill("#id_ticket", "CS-1234")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_of_every_visitor_has_no_serious_axe_finding(open_page, signed_in_page, member_account, language):
    problems: list[str] = []
    checked: set[tuple[str, str]] = set()
    for visitor in VISITORS:
        visit = visit_prepare(visitor, language, member_account)
        if visit.account is None:
            page = open_page(language=language, width=WIDTH)
        else:
            page, _ = signed_in_page(visit.account, language=language, width=WIDTH)
        for route in routes_in_order(web_routes()):
            if route in ("sign-out/", "account/sessions/end-others/"):
                continue  # POST-only
            for path in paths_of(route, visit):
                if path.endswith(NOT_PAGES):
                    continue
                if route == RECORD and visitor in STAFF_VISITORS:
                    _reason_given(page, path)
                where = f"{visitor} {language} {path}"
                # Asked first without the page: Chromium shows no page for an empty 405 of a POST-only
                # route, and the API answers JSON.
                probe = page.context.request.get(path)
                if probe.status >= 500:
                    problems.append(f"{where}: {probe.status}")
                if probe.status == 405 or not probe.headers.get("content-type", "").startswith("text/html"):
                    continue
                response = page.goto(path)
                reader, landed = _reader(visit, path), urlsplit(page.url).path
                # An error answer is one template whatever the path; a public page differs for a
                # signed-in reader only by the header, which the account pages check.
                key = (reader, str(response.status) if response and response.status >= 400 else landed)
                if key in checked or ("anonymous", landed) in checked:
                    continue
                checked.add(key)
                problems += [f"{where}: {finding}" for finding in serious_findings(page)]
    assert problems == [], "\n".join(problems)


# --- the pages this issue fixed, at both widths ---------------------------------------------------------
SIZES = [("es", 375), ("en", 375), ("es", 1280), ("en", 1280)]


def _translated(language: str, text: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


@pytest.mark.req("BO-1")
@pytest.mark.req("UI-1")
@pytest.mark.parametrize(("language", "width"), SIZES)
def test_a_refused_staff_page_is_the_sites_page_with_the_way_back(signed_in_page, language, width):
    officer = make_staff(Role.PRIVACY_OFFICER)
    officer.language = language
    officer.save(update_fields=["language"])
    page, _ = signed_in_page(officer, language=language, width=width)
    response = page.goto("/staff/deliveries/")
    assert response.status == 403
    assert page.locator("h1").inner_text() == _translated(language, "You cannot open this page")
    assert page.locator("footer.site-footer").is_visible()
    assert serious_findings(page) == []
    with page.expect_navigation():
        page.get_by_role("link", name=_translated(language, "Back to the back office")).click()
    assert urlsplit(page.url).path == "/staff/"


@pytest.mark.req("LOGIN-9")
@pytest.mark.req("UI-2")
@pytest.mark.parametrize(("language", "width"), SIZES)
def test_the_contact_page_opens_and_an_empty_form_names_its_one_input(signed_in_page, member_account, language, width):
    member_account.language = language
    member_account.save(update_fields=["language"])
    page, _ = signed_in_page(member_account, language=language, width=width)
    assert page.goto("/account/contact/").status == 200
    assert page.locator("h1").inner_text() == _translated(language, "Change your email or mobile")
    assert serious_findings(page) == []
    with page.expect_navigation():
        page.get_by_role("button", name=_translated(language, "Send a code")).click()
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert summary.get_by_role("link").first.get_attribute("href") == "#id_value"
    assert page.locator("#id_value").get_attribute("aria-invalid") == "true"
    assert serious_findings(page) == []
