"""Recovering a password in Chromium (REC-1..3, UI-1, UI-2): the demo's Carmen, keyboard only, the link read
from the development outbox, at phone and desktop widths, in Spanish and English, axe-core on every page."""

import re
import threading

import pytest
from django.contrib.auth.hashers import check_password
from django.db import connections
from django.utils import translation
from django_tasks_db.management.commands.db_worker import Worker
from playwright.sync_api import expect

from memberarea.identity.models import Account

from .keyboard import outbox_text, press_button, serious_findings, tab_to, type_into

pytestmark = pytest.mark.browser

USERNAME, EMAIL = "60112233p", "carmen.vidal@example.invalid"
NEW_PASSWORD = "Marea7Tranquila"
LINK_PATH = r"https?://[^/\s]+(/password-reset/[A-Za-z0-9_-]+/)"


@pytest.fixture
def working(demo, settings):
    """A stand-in for `manage.py worker`: runs the queued jobs (the recovery job, then the deliveries)."""
    settings.CAPTCHA_MAX_NUMBER = 10_000
    stop = threading.Event()

    def run() -> None:
        while not stop.wait(0.1):
            Worker(
                queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
                max_tasks=None, worker_id="browser-test", excluded_queue_names=[],
            ).run()  # fmt: skip
        connections.close_all()

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    yield
    stop.set()
    worker.join(timeout=10)


def text(language: str, message: str) -> str:
    """A button's text as the page shows it in `language`."""
    with translation.override(language):
        return translation.gettext(message)


@pytest.mark.req("REC-1")
@pytest.mark.req("REC-2")
@pytest.mark.req("REC-3")
@pytest.mark.req("UI-1")
@pytest.mark.req("UI-2")
@pytest.mark.parametrize(("language", "width"), [("es", 375), ("en", 1280)])
def test_carmen_recovers_her_password_with_the_keyboard_alone(open_page, working, language, width):
    page = open_page(language=language, width=width)
    page.goto("/password-reset/")
    assert page.locator("html").get_attribute("lang") == language
    findings = serious_findings(page)
    type_into(page, "#id_username", USERNAME)
    tab_to(page, "altcha-widget input[type=checkbox]")
    page.keyboard.press("Space")
    expect(page.locator("altcha-widget input[name=altcha]")).to_have_value(re.compile(r"\S"), timeout=20_000)
    press_button(page, text(language, "Send me a link"))
    assert page.url.endswith("/password-reset/") and page.locator("[role=status]").count() == 1
    findings += serious_findings(page)

    page.goto(outbox_text(page, EMAIL, LINK_PATH))
    assert page.url.endswith("/password-reset/new/")  # the token left the address bar before anything rendered
    findings += serious_findings(page)
    type_into(page, "#id_password", NEW_PASSWORD)
    met = page.locator(".password-rules li[data-met='true']").count()
    assert met == page.locator(".password-rules li").count() > 0
    press_button(page, text(language, "Save the new password"))
    assert page.url.endswith("/password-reset/done/")
    assert page.locator("form.sign-out").count() == 0  # not signed in: the next sign-in takes the second step
    findings += serious_findings(page)
    assert findings == []

    carmen = Account.objects.get(person__memberships__member_number="MA300109")
    assert check_password(NEW_PASSWORD, carmen.password) and carmen.sms_second_step_required
