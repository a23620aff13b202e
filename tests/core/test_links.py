"""Links in emails and SMS (OPS-1, LOGIN-3, REC-2): production names the portal's address; a demo
without it follows the host and port actually served, in the web process and in the worker."""

import re

import pytest
from django.test import Client

from memberarea.core import links
from tests.identity.flows.test_recovery import link_sent
from tests.web.test_sign_in_pages import newest, password_step

pytestmark = pytest.mark.django_db

SIGN_IN_LINK = re.compile(r"https?://[^\s/]+/sign-in/link/[^\s]+/")


@pytest.fixture
def served_demo(settings, tmp_path):
    """Demo mode with no PUBLIC_BASE_URL, its var directory of its own."""
    settings.DEMO_MODE = True
    settings.PUBLIC_BASE_URL = ""
    settings.VAR_DIR = tmp_path
    links._recorded["origin"] = ""
    yield tmp_path
    links._recorded["origin"] = ""


def sign_in_link_queued_on(host: str) -> str:
    browser = Client(HTTP_HOST=host)
    assert password_step(browser)["Location"] == "/sign-in/code/"
    browser.post("/sign-in/code/", {"channel": "email"})
    return SIGN_IN_LINK.search(newest("login_code", "persona1@example.invalid")).group(0)


@pytest.mark.req("OPS-1")
@pytest.mark.req("LOGIN-3")
@pytest.mark.parametrize("host", ["127.0.0.1:9000", "localhost:8123"])
def test_a_link_queued_while_serving_another_port_carries_that_port(served_demo, member_account, host):
    assert sign_in_link_queued_on(host).startswith(f"http://{host}/sign-in/link/")


@pytest.mark.req("OPS-1")
@pytest.mark.req("REC-2")
def test_the_worker_builds_links_on_the_origin_the_web_server_last_answered_on(served_demo, member_account):
    assert link_sent() is not None  # nothing served yet: the default of make run
    assert "http://127.0.0.1:8000/password-reset/" in newest("password_reset", "persona1@example.invalid")
    Client(HTTP_HOST="127.0.0.1:9000").get("/")
    link_sent()  # the worker's half, outside any request
    assert "http://127.0.0.1:9000/password-reset/" in newest("password_reset", "persona1@example.invalid")


@pytest.mark.req("OPS-1")
@pytest.mark.req("LOGIN-3")
def test_a_configured_address_wins_over_the_request(served_demo, settings, member_account):
    settings.PUBLIC_BASE_URL = "https://members.example.invalid/"
    assert sign_in_link_queued_on("127.0.0.1:9000").startswith("https://members.example.invalid/sign-in/link/")
    assert not (served_demo / "served-origin").exists()


@pytest.mark.req("OPS-1")
def test_outside_demo_mode_the_request_never_decides(served_demo, settings):
    settings.DEMO_MODE = False
    Client(HTTP_HOST="127.0.0.1:9000").get("/")
    assert links.public_url("/x/") == "http://127.0.0.1:8000/x/"
    assert not (served_demo / "served-origin").exists()
