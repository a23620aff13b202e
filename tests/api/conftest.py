"""Every API answer in these tests is checked against its operation's declared error codes (API-1)."""

import pytest
from django.test import Client

from . import declared


@pytest.fixture(autouse=True)
def _only_declared_errors(settings):
    """Fail the test when an operation answers an error code its OpenAPI responses do not list."""
    settings.MIDDLEWARE = ["tests.api.declared.DeclaredErrorsMiddleware", *settings.MIDDLEWARE]
    declared.undeclared.clear()
    yield
    found, declared.undeclared[:] = list(declared.undeclared), []
    assert not found, "\n".join(found)


@pytest.fixture
def api() -> Client:
    return Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
