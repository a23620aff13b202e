"""The registration pages without JavaScript (REG-1..6, UI-1, UI-2): plain forms, POST-redirect-GET,
errors on the page in the visitor's language, the flow id kept out of every URL."""

import pytest
from django.template.loader import render_to_string
from django.test import Client

from memberarea.core.brand import brand
from memberarea.identity.models import Account, RegistrationFlow, SessionRecord
from tests.identity.registering import HOLDER_NIF, PASSWORD, identify, last_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="es")


def _identified(browser: Client) -> None:
    response = browser.post("/register/", identify())
    assert response.status_code == 302 and response["Location"] == "/register/details/"


@pytest.mark.req("REG-5")
@pytest.mark.req("UI-2")
def test_registering_without_javascript(browser, enrolled):
    _identified(browser)
    page = browser.get("/register/details/").content.decode()
    assert "p•••@e•••.invalid" in page and "persona1@" not in page
    response = browser.post(
        "/register/details/",
        {"document_type": "nif", "document_number": HOLDER_NIF, "change_email": "1", "email": "nueva@example.org"},
    )
    assert response["Location"] == "/register/verify/"
    response = browser.post("/register/verify/", {"channel": "email", "code": last_code("nueva@example.org")})
    assert response["Location"] == "/register/password/"
    response = browser.post("/register/password/", {"password": PASSWORD})
    assert response["Location"] == "/register/done/"
    assert "Registro completado" in browser.get("/register/done/").content.decode()
    assert browser.session["_auth_user_id"] == str(Account.objects.get().pk)
    assert all(str(flow.pk) not in response["Location"] for flow in RegistrationFlow.objects.all())


@pytest.mark.req("REG-5")
def test_an_unchecked_change_box_keeps_the_contact_on_record(browser, enrolled):
    _identified(browser)
    response = browser.post(
        "/register/details/", {"document_type": "nif", "document_number": HOLDER_NIF, "email": "ignored@example.org"}
    )
    assert response["Location"] == "/register/password/"


@pytest.mark.req("REG-1")
@pytest.mark.req("UI-1")
@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("es", "Revise su número de asegurado, su número de póliza y su fecha de nacimiento."),
        ("en", "Check your member number, your policy number and your date of birth."),
    ],
)
def test_a_mismatch_is_shown_on_the_page_in_the_visitors_language(enrolled, language, text):
    """The message names the form's three fields: two numbers and a date (it once said "the three
    numbers", with two on the form)."""
    response = Client(HTTP_ACCEPT_LANGUAGE=language).post("/register/", identify(date_of_birth="01/01/1990"))
    page = response.content.decode()
    assert response.status_code == 400
    assert text in page and 'role="alert"' in page and 'data-error-code="no_match"' in page
    assert 'value="M-000001"' in page  # what the member typed is kept


@pytest.mark.req("REG-3")
def test_field_errors_point_at_their_fields(browser, enrolled):
    _identified(browser)
    response = browser.post("/register/details/", {"document_type": "nif", "document_number": "10000001A"})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_document_number"' in page and 'aria-invalid="true"' in page


@pytest.mark.req("REG-1")
@pytest.mark.req("UI-2")
def test_the_captcha_appears_after_failures_and_says_it_needs_javascript(browser, enrolled, settings):
    settings.REGISTRATION_FAILURES_BEFORE_CAPTCHA = 1
    assert "altcha-widget" not in browser.get("/register/").content.decode()
    browser.post("/register/", identify(date_of_birth="01/01/1990"))
    response = browser.post("/register/", identify())
    page = response.content.decode()
    assert 'data-error-code="captcha_required"' in page
    assert "altcha-widget" in page and "<noscript>" in page and "JavaScript" in page


@pytest.mark.req("REG-6")
def test_an_expired_flow_sends_the_member_back_to_step_one_with_a_message(browser, enrolled, frozen_clock, settings):
    _identified(browser)
    frozen_clock.advance(seconds=settings.REGISTRATION_FLOW_SECONDS)
    response = browser.get("/register/details/")
    assert response["Location"] == "/register/"
    assert "Su registro ha caducado" in browser.get("/register/").content.decode()


@pytest.mark.req("REG-6")
def test_steps_cannot_be_skipped(browser, enrolled):
    assert browser.get("/register/password/")["Location"] == "/register/"
    _identified(browser)
    assert browser.get("/register/password/")["Location"] == "/register/details/"
    assert browser.get("/register/verify/")["Location"] == "/register/details/"
    assert browser.post("/register/password/", {"password": PASSWORD})["Location"] == "/register/details/"
    assert not Account.objects.exists()


@pytest.mark.req("REG-6")
def test_a_flow_started_by_the_api_cannot_be_driven_from_a_browser_session(browser, enrolled):
    api_flow = Client().post("/api/v1/registration", identify(), content_type="application/json").json()["flow_id"]
    session = browser.session
    session["registration_flow"] = api_flow
    session.save()
    assert browser.get("/register/details/")["Location"] == "/register/"


@pytest.mark.req("REG-4")
def test_a_forged_not_me_link_changes_nothing(browser):
    response = browser.get("/security/not-me/forged-token/")
    assert response["Location"] == "/security/not-me/"
    assert browser.post("/security/not-me/").status_code == 400


@pytest.mark.req("REG-5")
@pytest.mark.req("LOGIN-5")
def test_the_new_member_is_signed_in_in_the_registry_and_can_sign_out(browser, enrolled):
    _identified(browser)
    browser.post("/register/details/", {"document_type": "nif", "document_number": HOLDER_NIF})
    browser.post("/register/password/", {"password": PASSWORD})
    record = SessionRecord.objects.get()
    assert (record.kind, record.ended_at) == ("browser", None)
    assert 'action="/sign-out/"' in browser.get("/").content.decode()
    assert browser.get("/sign-out/").status_code == 405  # a link cannot sign anyone out
    assert browser.post("/sign-out/")["Location"] == "/"
    record.refresh_from_db()
    assert record.ended_at is not None and record.end_reason == "signed_out"
    assert "_auth_user_id" not in browser.session


@pytest.mark.req("REG-3")
@pytest.mark.req("UI-2")
@pytest.mark.parametrize(
    ("box", "field", "language", "text"),
    [
        ("change_email", "email", "en", "Enter the new email address, or keep the one on record."),
        ("change_phone", "phone", "es", "Escriba el nuevo móvil o mantenga el que tenemos."),
    ],
)
def test_a_ticked_change_box_with_an_empty_field_is_refused_on_the_page(enrolled, box, field, language, text):
    browser = Client(HTTP_ACCEPT_LANGUAGE=language)
    _identified(browser)
    response = browser.post(
        "/register/details/", {"document_type": "nif", "document_number": HOLDER_NIF, box: "1", field: ""}
    )
    page = response.content.decode()
    assert response.status_code == 400 and text in page
    assert f'href="#id_{field}"' in page and 'aria-invalid="true"' in page
    assert f'name="{box}" value="1" checked' in page  # the box stays ticked, the field shown


SUPPORT = ('href="tel:+34900000000"', 'href="mailto:atencion@example.invalid"')
INTERNATIONAL = ('href="tel:+34900000001"', 'href="mailto:international@example.invalid"')
ACCOUNT_WAYS = ('href="/sign-in/"', 'href="/password-reset/"', 'href="/forgotten-username/"')


@pytest.mark.req("REG-2")
@pytest.mark.req("UI-3")
@pytest.mark.parametrize("language", ["es", "en"])
@pytest.mark.parametrize(
    ("facts", "code", "links"),
    [
        ({"number": 4, "policy_number": "POL-INT"}, "international_plan", INTERNATIONAL),
        ({"number": 5, "policy_number": "POL-END"}, "policy_inactive", SUPPORT),
        ({"number": 3, "date_of_birth": "01062015"}, "minor", SUPPORT),
    ],
    ids=["international", "inactive", "minor"],
)
def test_a_refusal_at_step_one_carries_the_contact_it_talks_about(enrolled, language, facts, code, links):
    response = Client(HTTP_ACCEPT_LANGUAGE=language).post("/register/", identify(**facts))
    page = response.content.decode()
    assert f'data-error-code="{code}"' in page and f'data-next-steps="{code}"' in page
    assert all(link in page.split('data-next-steps="', 1)[1].split("</div>", 1)[0] for link in links)


@pytest.mark.req("REG-2")
@pytest.mark.parametrize("language", ["es", "en"])
def test_already_registered_links_to_sign_in_and_to_recovery(member_account, language):
    response = Client(HTTP_ACCEPT_LANGUAGE=language).post("/register/", identify())
    page = response.content.decode()
    assert 'data-error-code="already_registered"' in page
    steps = page.split('data-next-steps="already_registered"', 1)[1].split("</div>", 1)[0]
    assert all(link in steps for link in ACCOUNT_WAYS)


@pytest.mark.req("REC-4")
@pytest.mark.parametrize("language", ["es", "en"])
def test_the_recovery_page_without_email_access_gives_the_phone_and_email_as_links(language):
    page = Client(HTTP_ACCEPT_LANGUAGE=language).get("/password-reset/").content.decode()
    section = page.split("<h2>", 1)[1]
    assert all(link in section for link in SUPPORT)


@pytest.mark.req("UI-3")
@pytest.mark.parametrize(
    ("code", "links"),
    [
        ("account_frozen", ('href="/password-reset/"', *SUPPORT)),
        ("no_channel", SUPPORT),
        ("document_taken", (*ACCOUNT_WAYS, *SUPPORT)),
        ("invalid", ()),
    ],
)
def test_the_next_steps_of_each_dead_end_code(rf, code, links):
    """The include any form page puts under its error summary (sign-in pages too)."""
    html = render_to_string("web/_next_steps.html", {"error": {"code": code}, "brand": brand()}, request=rf.get("/"))
    assert all(link in html for link in links)
    assert ("data-next-steps" in html) == bool(links)
