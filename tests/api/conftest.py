"""Every API answer in these tests is checked against its operation's declared error codes (API-1)."""

import pytest
from django.test import Client

from memberarea.enrollment.services import integration_client_create

from . import declared
from .test_every_declared_error import World


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


@pytest.fixture
def token(db) -> str:
    """An integration client's bearer token, for the enrollment door."""
    return integration_client_create(name="core-system")[1]


@pytest.fixture
def world(request, settings) -> World:
    """Builds what a recipe needs, on demand (tests/api/test_every_declared_error.py)."""
    return World(request, Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en"), settings)
