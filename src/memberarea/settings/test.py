"""The test suite: fixed test keys, fast hashing, the database from DATABASE_URL (SQLite file or
PostgreSQL). Tests of hashing itself set the real parameters explicitly."""

import os
import sys

from django.template.base import FilterExpression

from .env import new_key

os.environ.setdefault("SECRET_KEY", "test-" + "k" * 60 + "-not-secret")
for _name in ("FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY", "AUDIT_KEY"):
    os.environ.setdefault(_name, new_key())
os.environ.setdefault("DEMO_MODE", "1")
# Fixed, so tests can read links; tests of the demo's served-origin links override it with "".
os.environ.setdefault("PUBLIC_BASE_URL", "http://127.0.0.1:8000")

from .base import *  # noqa: E402,F403

# A test-only model per kind of encrypted field (tests/core/sealed_app), created without migrations.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.core.sealed_app"]
PASSWORD_ARGON2_TIME_COST = 1
PASSWORD_ARGON2_MEMORY_KIB = 64
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# One test database per test process (pytest-xdist adds its worker suffix), so parallel runs never
# share one. SQLite uses a file, never :memory:, so threads, worker processes and the browser
# share the test database.
_test_db = os.environ.get("TEST_DATABASE_NAME", f"test_memberarea_{os.getpid()}")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"{_test_db}.sqlite3")}
else:
    DATABASES["default"]["TEST"] = {"NAME": _test_db}
LOGGING["root"]["level"] = "WARNING"
# Each test process counts in its own part of Redis; tests/conftest.py empties it before each test.
RATE_LIMIT_KEY_PREFIX = f"{_test_db}:"


class MissingTemplateVariable(Exception):
    """A template used a variable its context does not have (see LoudMissingVariable)."""


class LoudMissingVariable(str):
    """`string_if_invalid` for the suite: a variable that does not resolve raises instead of printing
    nothing — in `{{ }}`, as an `{% include … with %}` value, in `{% blocktranslate %}` — like
    pytest-django's --fail-on-template-vars. Django itself raises on a missing filter argument. Two
    ways stay quiet on purpose: `{% if missing %}` (a test of presence) and `{{ missing|default:… }}`
    (the template says what to show instead). A str, as Django's checks require."""

    def __bool__(self) -> bool:
        # Django asks `if string_if_invalid:` in FilterExpression.resolve; False there lets the
        # filters run on a blank value, which only `|default` as the first filter may do.
        caller = sys._getframe(1)
        expression = caller.f_locals.get("self")
        if caller.f_code.co_name != "resolve" or not isinstance(expression, FilterExpression):
            return False
        return not (expression.filters and expression.filters[0][0].__name__ == "default")

    def __contains__(self, key: object) -> bool:
        return key == "%s"

    def __mod__(self, name: object) -> str:
        raise MissingTemplateVariable(f"template variable {name!s} is missing in {_template_name(sys._getframe(1))}")


def _template_name(frame) -> str:
    """The template of the innermost node being rendered (an included one, not its includer)."""
    while frame is not None:
        origin = getattr(frame.f_locals.get("self"), "origin", None)
        if origin is not None:
            return str(origin.template_name or origin.name)
        frame = frame.f_back
    return "a template"


TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = LoudMissingVariable()
