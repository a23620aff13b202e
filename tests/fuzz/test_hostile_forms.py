"""Hostile values in every field of every web form, signed out and signed in (REL-1, issue 15).

The forms are found by crawling: every page route (tests/web/crawling.py) and the flows' pages
half-way through each flow, for a visitor signed out and a member signed in. Each field of each form
of a page is posted with each value of tests/fuzz/hostile.py (percent-escaped as sent: broken UTF-8,
NUL, 10k characters, right-to-left override, combining marks, 1e999, -0, a 5,000-digit number, deep
brackets) and once twice over, with the page's own CSRF token and the CSRF check on. Every answer is
one a page may give — 200, 302, 400, 403, 404, 405 or 429 — never a traceback, and an error page is
in the site's layout and the visitor's language.
"""

from urllib.parse import quote

import pytest
from django.test import Client

from tests.fuzz.hostile import ESCAPED
from tests.web.crawling import (
    JOURNEYS,
    Visit,
    journey_visit,
    journeys_of,
    own_forms,
    page_read,
    paths_of,
    routes_in_order,
    visit_prepare,
    web_routes,
)

pytestmark = [pytest.mark.django_db, pytest.mark.req("REL-1")]

PAGE_ANSWERS = {200, 302, 400, 403, 404, 405, 429}
CSRF = "csrfmiddlewaretoken"
HTML = "text/html"


def _encoded(fields: dict[str, str], name: str, escaped: str, twice: bool = False) -> str:
    """The form as a browser would send it, with one field's value already percent-escaped."""
    parts = [f"{quote(key)}={escaped if key == name else quote(value)}" for key, value in fields.items()]
    if twice:
        parts.append(f"{quote(name)}={escaped}")
    return "&".join(parts)


def _answered_as_a_page(response, what: str, language: str) -> None:
    assert response.status_code in PAGE_ANSWERS, f"{what}: {response.status_code}"
    if response.streaming or not response.get("Content-Type", "").startswith(HTML):
        return
    page = response.content.decode()
    assert "Traceback" not in page and "Exception Value" not in page, what
    if response.status_code >= 400:
        assert f'<html lang="{language}"' in page, f"{what}: an error page outside the site's layout"


def _post_each_value(client: Client, path: str, language: str, fuzz_cases) -> list[int]:
    """GET the page, then post each of its own forms with each hostile value in each field."""
    page = client.get(path)
    if page.status_code != 200 or page.streaming or not page.get("Content-Type", "").startswith(HTML):
        return []
    statuses = []
    for form in own_forms(page_read(page.content.decode(), language), path):
        fields = {name: value or "a" for name, value in form.fields.items()}
        for name in (name for name in form.fields if name != CSRF):
            cases = [(label, escaped, False) for label, escaped in ESCAPED.items()]
            cases.append(("given twice", ESCAPED["invalid UTF-8"], True))
            for label, escaped, twice in cases:
                fuzz_cases.count()
                body = _encoded(fields, name, escaped, twice)
                response = client.generic("POST", path, body, content_type="application/x-www-form-urlencoded")
                _answered_as_a_page(response, f"POST {path} {name} = {label}", language)
                statuses.append(response.status_code)
    return statuses


PARTS = 3  # each visitor's routes in three parts, so that `-n 2` shares them out evenly


def _routes(visitor: str) -> list[tuple[str | None, str]]:
    """(flow state or None for a plain visit, route), in crawl order: sign-out and the like last."""
    plain = [(None, route) for route in routes_in_order(web_routes())]
    return plain + [(state, route) for state in journeys_of(visitor) for route in JOURNEYS[state][2]]


@pytest.mark.req("UI-1")
@pytest.mark.parametrize("part", range(PARTS))
@pytest.mark.parametrize("visitor", ["anonymous", "member"])
def test_every_form_field_takes_every_hostile_value_as_a_page(member_account, visitor, part, fuzz_cases):
    visit = visit_prepare(visitor, "es", member_account)
    routes = _routes(visitor)[part::PARTS]
    # The flows are brought half-way first: the hostile sign-ins below bring the captcha to this address.
    visits: dict[str | None, Visit | None] = {None: visit}
    visits |= {state: journey_visit(visit, state) for state, _ in routes if state is not None}
    statuses = []
    for state, route in routes:
        current = visits[state]
        assert current is not None, f"{state!r} could not be reached (tests/web/crawling.py JOURNEYS)"
        current.client.handler.enforce_csrf_checks = True
        for path in paths_of(route, current):
            statuses += _post_each_value(current.client, path, visit.language, fuzz_cases)
    assert len(statuses) > 20, "each part posts to some of the site's forms: the scan finds them"
    # The page's own CSRF token went with each post: a refusal by the CSRF check would be 403 throughout.
    assert sum(status != 403 for status in statuses) > len(statuses) / 2
