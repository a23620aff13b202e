"""The member selector looks and reads the same on every page that carries it (GUARD-1, UI-2): the
dashboard, the card and the five pages of the privacy centre for a chosen member. Its rules once lived
in the card's stylesheet, which only the dashboard and the card load, so on the privacy pages "Acting
for" showed as a bare heading over a bullet list with the current member unmarked."""

import pytest

from tests.privacy.conftest import member_id

pytestmark = pytest.mark.browser

PAGES = [
    "/members/{id}/",
    "/members/{id}/card/",
    "/privacy/preferences/{id}/",
    "/privacy/data/{id}/",
    "/privacy/requests/{id}/",
    "/privacy/disclosures/{id}/",
    "/privacy/shine-the-light/{id}/",
]
LOOK = """() => {
  const nav = document.querySelector('nav.member-selector'), label = nav.querySelector('.member-selector-label');
  const current = nav.querySelector('a[aria-current="page"]'), style = getComputedStyle(nav);
  return {border: style.borderTopStyle, background: style.backgroundColor,
          bullets: getComputedStyle(nav.querySelector('ul')).listStyleType,
          label: getComputedStyle(label).fontSize, current: current && getComputedStyle(current).fontWeight};
}"""


@pytest.mark.req("GUARD-1")
@pytest.mark.req("UI-2")
@pytest.mark.parametrize(("language", "width"), [("es", 375), ("en", 1280)])
def test_the_member_selector_looks_the_same_on_every_page_that_carries_it(signed_in_page, member_account, language,
                                                                         width):  # fmt: skip
    page, _ = signed_in_page(member_account, language=language, width=width)
    looks = {}
    for path in PAGES:
        page.goto(path.format(id=member_id(3)))
        looks[path] = page.evaluate(LOOK)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path

    dashboard = looks[PAGES[0]]
    assert dashboard["border"] == "solid" and dashboard["bullets"] == "none" and dashboard["current"] == "700"
    assert {path: look for path, look in looks.items() if look != dashboard} == {}
