"""One Chromium per test session, a fresh context per test, and a guard on what each page does.

Every page opened through `open_page` is watched: a request to anything but the live server, a
sub-resource answering an error, or a console error (a CSP refusal shows up there) fails the test.
"""

import io
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.db import connections
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, Response, sync_playwright
from pytest_django.live_server_helper import LiveServer

from memberarea.demo.enrollment import demo_members_load
from memberarea.demo.staff import demo_staff_load
from memberarea.notifications.delivery import message_deliver
from memberarea.notifications.models import Message, State
from tests.identity.signing_in import FIREFOX_WINDOWS, session_sign_in

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCALES = {"es": "es-ES", "en": "en-GB"}
# The pages every visitor can reach without an account; browser tests cover each of them.
PUBLIC_PAGES = [
    "/",
    "/help/",
    "/help/register/",
    "/help/passwords/",
    "/help/two-step/",
    "/help/forgotten-username/",
    "/help/contact/",
]


@pytest.fixture(scope="session")
def live_server(request) -> Iterator[LiveServer]:
    """pytest-django's live server, bound to 127.0.0.1 (not "localhost") so its origin is exact."""
    server = LiveServer("127.0.0.1")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser(chromium_path) -> Iterator[Browser]:
    # Playwright's sync API keeps an asyncio loop marked as running in this thread for as long as it
    # lives, which Django's async-safety check reads as "inside async code" and which would refuse
    # the test database's set-up and flush. The tests call Django synchronously, so they say so.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@dataclass
class Traffic:
    """What the pages of one test asked for and complained about."""

    origin: str
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def on_request(self, request: Request) -> None:
        self.requests.append(request.url)

    def on_response(self, response: Response) -> None:
        # Pages may answer 404 on purpose; their styles, images and scripts never should.
        if response.status >= 400 and response.request.resource_type != "document":
            self.failed.append(f"{response.status} {response.url}")

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.console_errors.append(message.text)

    def outside_requests(self) -> list[str]:
        return [url for url in self.requests if not _same_origin(url, self.origin)]


def _same_origin(url: str, origin: str) -> bool:
    parts, expected = urlsplit(url), urlsplit(origin)
    return (parts.scheme, parts.hostname, parts.port) == (expected.scheme, expected.hostname, expected.port)


@pytest.fixture
def traffic(live_server) -> Traffic:
    return Traffic(origin=live_server.url)


@pytest.fixture
def open_page(browser, live_server, transactional_db, traffic) -> Iterator[Callable[..., Page]]:
    """`open_page(language="es", width=1280, javascript=True)`: a page in a new browser context."""
    contexts = []

    def _open(language: str = "es", width: int = 1280, javascript: bool = True) -> Page:
        context = browser.new_context(
            locale=LOCALES[language],
            viewport={"width": width, "height": 800},
            java_script_enabled=javascript,
            base_url=live_server.url,
        )
        context.set_default_timeout(10_000)
        context.on("request", traffic.on_request)
        context.on("response", traffic.on_response)
        context.on("console", traffic.on_console)
        contexts.append(context)
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()
    assert traffic.outside_requests() == [], "a page asked for something outside the live server"
    assert traffic.failed == [], "a style, image or script failed to load"
    assert traffic.console_errors == [], "the browser reported errors (a CSP refusal, a script error …)"


@pytest.fixture
def demo(transactional_db):
    """The demo's staff and members, loaded through the real import (Carmen's account too), without the
    privacy history: the tests that register Lucía or link an account to her need her without one."""
    demo_staff_load()
    demo_members_load()


@pytest.fixture
def demo_privacy(demo):
    """The whole demo, as `make run` loads it: the notice's version 2 and Lucía's account and consent."""
    call_command("demo_load", stdout=io.StringIO())


@pytest.fixture
def delivering(demo):
    """A stand-in for the worker: delivers every pending message to the development outbox."""
    stop = threading.Event()

    def run() -> None:
        while not stop.wait(0.1):
            for message_id in Message.objects.filter(state=State.PENDING).values_list("pk", flat=True):
                message_deliver(message_id)
        connections.close_all()

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    yield
    stop.set()
    worker.join(timeout=10)


@pytest.fixture
def signed_in_page(open_page, live_server):
    """`signed_in_page(account, language=…, width=…, user_agent=…)`: a page whose browser context holds a
    session signed in server-side, as sign-in would leave it; returns (page, registry record)."""

    def _open(account, *, language: str = "es", width: int = 1280, user_agent: str = FIREFOX_WINDOWS):
        session = SessionStore()
        record = session_sign_in(session, account, user_agent=user_agent)
        page = open_page(language=language, width=width)
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": live_server.url}]
        )
        return page, record

    return _open
