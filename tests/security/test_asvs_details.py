"""Two ASVS level-2 details no other test held on its own (docs/security.md's table).

- 6.2.6 / 6.2.7: password fields are masked, and browsers and password managers may fill them;
- 4.1.3: the client address behind the proxy cannot be forged with X-Forwarded-For.
"""

import re

import pytest
from django.test import RequestFactory

from memberarea.core.network import client_address

PASSWORD_INPUT = re.compile(r'<input[^>]*name="password"[^>]*>', re.S)


@pytest.mark.req("LOGIN-1")
@pytest.mark.django_db
def test_the_password_field_is_masked_and_password_managers_may_fill_it(client):
    field = PASSWORD_INPUT.search(client.get("/sign-in/").content.decode()).group(0)
    assert 'type="password"' in field
    assert 'autocomplete="current-password"' in field
    assert "onpaste" not in field and "readonly" not in field


@pytest.mark.req("REL-4")
@pytest.mark.parametrize(
    ("proxies", "forwarded", "address"),
    [
        (0, "203.0.113.9", "192.0.2.1"),  # no proxy configured: the header is anyone's, ignored
        (1, "203.0.113.9, 198.51.100.7", "198.51.100.7"),  # what the client wrote first is ignored
        (1, "not-an-address", "192.0.2.1"),
        (2, "203.0.113.9, 198.51.100.7, 10.0.0.2", "198.51.100.7"),
        (2, "198.51.100.7", "192.0.2.1"),  # fewer hops than proxies: the connection's address
    ],
)
def test_the_client_address_is_the_one_the_trusted_proxies_saw(settings, proxies, forwarded, address):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == address
