"""The sign-in and account pages without JavaScript (LOGIN-1..4, LOGIN-6, LOGIN-9, UI-1, UI-2)."""

import re

import pytest
from django.test import Client

from memberarea.identity.models import Account
from memberarea.notifications.models import Message
from tests.identity.registering import HOLDER_NIF, PASSWORD

pytestmark = pytest.mark.django_db


def newest(template: str, to: str) -> str:
    return next(m.body_text for m in Message.objects.order_by("-created_at") if m.template == template and m.to == to)


def code_for(to: str, template: str = "login_code") -> str:
    return re.search(r"\b(\d{6})\b", newest(template, to)).group(1)


def password_step(browser: Client, password: str = PASSWORD):
    return browser.post("/sign-in/", {"username": HOLDER_NIF, "password": password})


def sign_in(browser: Client, channel: str = "email", **extra) -> None:
    assert password_step(browser)["Location"] == "/sign-in/code/"
    assert browser.post("/sign-in/code/", {"channel": channel})["Location"] == "/sign-in/code/"
    to = "persona1@example.invalid" if channel == "email" else "+34600000001"
    response = browser.post("/sign-in/code/", {"code": code_for(to), **extra})
    assert response["Location"] == "/members/", response.content.decode()[:500]


@pytest.mark.req("LOGIN-1")
@pytest.mark.req("LOGIN-2")
@pytest.mark.parametrize("channel", ["email", "sms"])
def test_sign_in_with_either_channel(member_account, channel):
    browser = Client()
    page = browser.get("/sign-in/").content.decode()
    assert 'autocomplete="username"' in page and 'autocomplete="current-password"' in page
    password_step(browser)
    choice = browser.get("/sign-in/code/").content.decode()
    assert "p•••@e•••.invalid" in choice and "••• ••• •01" in choice and "persona1@" not in choice
    sign_in(browser, channel)
    account_page = browser.get("/account/").content.decode()
    assert HOLDER_NIF in account_page and 'action="/sign-out/"' in account_page


@pytest.mark.req("LOGIN-2")
def test_a_channel_not_offered_is_a_form_error_and_sends_nothing(member_account):
    browser = Client()
    password_step(browser)
    response = browser.post("/sign-in/code/", {"channel": "fax"})
    assert response.status_code == 400
    assert "channel" in response.context["field_errors"]
    assert not Message.objects.filter(template="login_code").exists()


@pytest.mark.req("LOGIN-1")
@pytest.mark.req("UI-1")
@pytest.mark.parametrize(("language", "text"), [("es", "El documento o la contraseña no son correctos."),
                                                ("en", "The document or the password is not right.")])  # fmt: skip
def test_a_wrong_password_is_one_translated_answer(member_account, language, text):
    response = password_step(Client(HTTP_ACCEPT_LANGUAGE=language), "Wrong1Password")
    assert response.status_code == 400 and text in response.content.decode()


@pytest.mark.req("LOGIN-3")
def test_the_email_link_works_in_the_browser_that_started_only(member_account):
    first, second = Client(), Client()
    password_step(first)
    first.post("/sign-in/code/", {"channel": "email"})
    link = re.search(r"http://[^\s]+/sign-in/link/[^\s]+/", newest("login_code", "persona1@example.invalid")).group(0)
    path = link.split("8000", 1)[1]

    assert second.get(path)["Location"] == "/sign-in/link/"  # the token leaves the address bar
    page = second.get("/sign-in/link/").content.decode()
    assert "only works in the browser where you started" in page or "solo funciona en el navegador" in page
    assert second.post("/sign-in/link/").status_code == 200  # refused, nothing spent
    assert "_auth_user_id" not in second.session

    assert first.get(path)["Location"] == "/sign-in/link/"
    assert first.get("/sign-in/link/").status_code == 200  # GET shows a button, never acts
    assert "_auth_user_id" not in first.session
    assert first.post("/sign-in/link/")["Location"] == "/members/"
    assert first.session["_auth_user_id"] == str(member_account.pk)
    assert Client().get(path) and first.post("/sign-in/link/").status_code == 410  # spent


@pytest.mark.req("LOGIN-6")
def test_a_trusted_device_skips_the_code_for_thirty_days(member_account, frozen_clock, settings):
    browser = Client()
    sign_in(browser, "email", trust_device="1")
    browser.post("/sign-out/")
    assert password_step(browser)["Location"] == "/members/"  # no code this time
    browser.post("/sign-out/")
    frozen_clock.advance(days=settings.TRUSTED_DEVICE_DAYS)
    assert password_step(browser)["Location"] == "/sign-in/code/"


@pytest.mark.req("LOGIN-3")
def test_an_expired_sign_in_starts_again_with_a_message(member_account, frozen_clock, settings):
    browser = Client()
    password_step(browser)
    frozen_clock.advance(seconds=settings.LOGIN_FLOW_SECONDS)
    assert browser.get("/sign-in/code/")["Location"] == "/sign-in/"
    assert "Su inicio de sesión ha tardado demasiado" in browser.get("/sign-in/").content.decode()


@pytest.mark.req("LOGIN-9")
def test_the_password_page_asks_for_a_code_first_when_the_sign_in_is_old(member_account, frozen_clock, settings):
    browser = Client()
    sign_in(browser)
    frozen_clock.advance(seconds=settings.STEP_UP_SECONDS)
    assert browser.get("/account/password/")["Location"] == "/account/confirm/?next=/account/password/"
    browser.get("/account/confirm/?next=/account/password/")
    browser.post("/account/confirm/?next=/account/password/", {"channel": "sms"})
    response = browser.post("/account/confirm/?next=/account/password/", {"code": code_for("+34600000001")})
    assert response["Location"] == "/account/password/"
    response = browser.post("/account/password/", {"current_password": PASSWORD, "password": "Nuevo7Camino"})
    assert response["Location"] == "/account/"
    member_account.refresh_from_db()
    assert member_account.check_password("Nuevo7Camino")


@pytest.mark.req("REG-4")
def test_changing_the_mobile_from_the_account_page(member_account):
    browser = Client()
    sign_in(browser)
    assert (
        browser.post("/account/contact/", {"channel": "sms", "value": "699 111 222"})["Location"] == "/account/contact/"
    )
    response = browser.post("/account/contact/", {"code": code_for("+34699111222", "contact_code")})
    assert response["Location"] == "/account/"
    assert "+34 699 11 12 22" in browser.get("/account/").content.decode()


@pytest.mark.req("LOGIN-5")
def test_account_pages_need_a_signed_in_browser():
    browser = Client()
    for path in ("/account/", "/account/password/", "/account/contact/", "/account/confirm/"):
        assert browser.get(path)["Location"] == f"/sign-in/?next={path}"


@pytest.mark.req("LOGIN-1")
def test_after_sign_in_the_member_returns_where_they_were_going(member_account):
    browser = Client()
    browser.get("/sign-in/?next=/account/contact/")
    password_step(browser)
    browser.post("/sign-in/code/", {"channel": "email"})
    response = browser.post("/sign-in/code/", {"code": code_for("persona1@example.invalid")})
    assert response["Location"] == "/account/contact/"
    browser.post("/sign-out/")
    browser.get("/sign-in/?next=https://evil.example/")
    password_step(browser)
    browser.post("/sign-in/code/", {"channel": "sms"})
    assert browser.post("/sign-in/code/", {"code": code_for("+34600000001")})["Location"] == "/members/"
    assert Account.objects.get(pk=member_account.pk).last_login is not None


@pytest.mark.req("UI-3")
@pytest.mark.parametrize("language", ["es", "en"])
def test_a_frozen_account_is_shown_the_way_out_on_the_sign_in_page(member_account, language):
    Account.objects.filter(pk=member_account.pk).update(frozen_at=member_account.created_at)
    response = password_step(Client(HTTP_ACCEPT_LANGUAGE=language))
    page = response.content.decode()
    assert response.status_code == 403 and 'data-next-steps="account_frozen"' in page
    assert 'href="/password-reset/"' in page and 'href="tel:' in page and 'href="mailto:' in page
