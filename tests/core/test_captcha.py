"""The proof-of-work captcha (REG-1, LOGIN-4): a solved challenge is accepted once, before it expires;
whatever else a client sends is `captcha_invalid` (or `captcha_required` when empty), never a crash."""

import base64
import datetime as dt
import json
import os
import re

import pytest
from altcha import ChallengeOptionsV1, create_challenge_v1
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation
from django.utils.html import escape
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from memberarea.core.captcha import (
    captcha_challenge,
    captcha_verify,
    used_captchas_prune,
)
from memberarea.core.errors import CAPTCHA_INVALID, CAPTCHA_REQUIRED, MemberAreaError
from memberarea.core.jobs import JOBS
from memberarea.core.models import UsedCaptcha
from memberarea.core.redis_connection import redis_client
from tests.captcha_solving import captcha_answer, captcha_encode, captcha_solve
from tests.core.conftest import run_together

pytestmark = [pytest.mark.req("REG-1"), pytest.mark.req("LOGIN-4")]

REDIS_URL = os.environ.get("REDIS_URL", "")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set: the Redis backend is tested in CI")
BACKENDS = [pytest.param("database", id="database"), pytest.param("redis", id="redis", marks=needs_redis)]
THREADS = 20


@pytest.fixture(autouse=True)
def _quick_challenges(settings):
    """A small difficulty keeps the many solves below fast; the measured default is in the decision record."""
    settings.CAPTCHA_MAX_NUMBER = 2_000


@pytest.fixture
def database_backend(settings):
    settings.RATE_LIMIT_BACKEND = "database"


def _refusal(payload) -> str:
    with pytest.raises(MemberAreaError) as refused:
        captcha_verify(payload)
    return refused.value.code


def test_a_challenge_carries_the_difficulty_and_its_expiry_in_the_signed_salt(settings, frozen_clock):
    settings.CAPTCHA_MAX_NUMBER, settings.CAPTCHA_EXPIRY_SECONDS = 5_000, 300
    challenge = captcha_challenge()
    assert set(challenge) == {"algorithm", "challenge", "maxnumber", "salt", "signature"}
    assert challenge["algorithm"] == "SHA-256" and challenge["maxnumber"] == 5_000
    expires = int((frozen_clock.at + dt.timedelta(seconds=300)).timestamp())
    assert challenge["salt"].endswith(f"?expires={expires}&")
    assert 0 <= captcha_solve(challenge) <= 5_000
    assert captcha_challenge()["challenge"] != challenge["challenge"], "every challenge is new"


@pytest.mark.django_db
@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_a_solved_challenge_is_accepted_once(backend, frozen_clock):
    payload = captcha_answer(captcha_challenge())
    assert captcha_verify(payload) is None
    assert _refusal(payload) == "captcha_invalid", "a replayed answer is refused"
    assert UsedCaptcha.objects.exists() == (backend == "database")


@needs_redis
@pytest.mark.django_db
@pytest.mark.parametrize("backend", ["redis"], indirect=True)
def test_redis_forgets_a_used_answer_when_its_challenge_expires(backend, settings, frozen_clock):
    settings.CAPTCHA_EXPIRY_SECONDS = 120
    challenge = captcha_challenge()
    captcha_verify(captcha_answer(challenge))
    key = f"{settings.RATE_LIMIT_KEY_PREFIX}captcha:used:{challenge['challenge']}"
    assert 0 < redis_client().ttl(key) <= 120


@pytest.mark.django_db
def test_an_answer_expires_with_its_challenge(database_backend, settings, frozen_clock):
    settings.CAPTCHA_EXPIRY_SECONDS = 600
    late, on_time = captcha_answer(captcha_challenge()), captcha_answer(captcha_challenge())
    frozen_clock.advance(seconds=599)
    captcha_verify(on_time)
    frozen_clock.advance(seconds=1)
    assert _refusal(late) == "captcha_invalid"


@pytest.mark.django_db
def test_an_answer_to_a_challenge_issued_already_expired_is_refused(database_backend, settings, frozen_clock):
    settings.CAPTCHA_EXPIRY_SECONDS = -1
    assert _refusal(captcha_answer(captcha_challenge())) == "captcha_invalid"


@pytest.mark.django_db
def test_a_challenge_signed_without_an_expiry_is_refused(database_backend, settings, frozen_clock):
    settings.CAPTCHA_HMAC_KEY = "a-known-test-key"
    forever = create_challenge_v1(ChallengeOptionsV1(max_number=1_000, hmac_key="a-known-test-key"))
    challenge = {"algorithm": forever.algorithm, "challenge": forever.challenge, "salt": forever.salt}
    challenge |= {"signature": forever.signature, "maxnumber": forever.max_number}
    assert _refusal(captcha_answer(challenge)) == "captcha_invalid"


@pytest.mark.django_db
def test_the_signing_key_is_derived_from_the_secret_key_unless_one_is_set(database_backend, settings, frozen_clock):
    in_the_future = frozen_clock.at + dt.timedelta(minutes=5)
    raw = create_challenge_v1(ChallengeOptionsV1(max_number=1_000, hmac_key=settings.SECRET_KEY, expires=in_the_future))
    challenge = {"algorithm": raw.algorithm, "challenge": raw.challenge, "salt": raw.salt}
    challenge |= {"signature": raw.signature, "maxnumber": raw.max_number}
    assert _refusal(captcha_answer(challenge)) == "captcha_invalid", "SECRET_KEY itself never signs"

    signed_by_secret = captcha_challenge()
    settings.SECRET_KEY = "another-" + "s" * 60
    assert _refusal(captcha_answer(signed_by_secret)) == "captcha_invalid", "a new SECRET_KEY ends old challenges"
    settings.CAPTCHA_HMAC_KEY = "an-explicit-captcha-key"
    signed_by_setting = captcha_challenge()
    settings.SECRET_KEY = "yet-another-" + "s" * 60
    captcha_verify(captcha_answer(signed_by_setting))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda c, n: {"number": n + 1}, id="another-number"),
        pytest.param(lambda c, n: {"signature": "0" * 64}, id="forged-signature"),
        pytest.param(lambda c, n: {"signature": c["signature"].upper()}, id="signature-in-capitals"),
        pytest.param(lambda c, n: {"challenge": "f" * 64}, id="another-challenge"),
        pytest.param(lambda c, n: {"salt": c["salt"].replace("?expires=", "?expires=9")}, id="longer-expiry"),
        pytest.param(lambda c, n: {"algorithm": "SHA-1"}, id="other-algorithm"),
        pytest.param(lambda c, n: {"signature": c["signature"][:-1]}, id="short-signature"),
    ],
)
def test_a_tampered_answer_is_refused_and_leaves_the_real_one_usable(database_backend, frozen_clock, tamper):
    challenge = captcha_challenge()
    number = captcha_solve(challenge)
    assert _refusal(captcha_answer(challenge, **tamper(challenge, number))) == "captcha_invalid"
    captcha_verify(captcha_answer(challenge))


@pytest.mark.parametrize("payload", [None, ""])
def test_no_answer_means_the_captcha_is_required(payload):
    assert _refusal(payload) == "captcha_required"
    assert CAPTCHA_REQUIRED.status == 400 and CAPTCHA_INVALID.status == 400


GARBAGE = {
    "not-base64": "this is not base64!",
    "base64-of-text": base64.b64encode(b"hello, captcha").decode(),
    "base64-without-padding": captcha_encode({"number": 1})[:-1],
    "broken-utf8": base64.b64encode(b'{"salt": "\xff\xfe\xfa"}').decode(),
    "non-ascii-payload": "eyJhbGdvcml0aG0iOi\u00f1",
    "json-list": captcha_encode(["algorithm", "challenge", "number", "salt", "signature"]),
    "json-string": captcha_encode("algorithm challenge number salt signature"),
    "json-number": captcha_encode(12345),
    "json-null": captcha_encode(None),
    "empty-object": captcha_encode({}),
    "wrong-types": captcha_encode(
        {"algorithm": "SHA-256", "challenge": 1, "number": "1", "salt": None, "signature": []}
    ),
    "number-as-text": captcha_encode(
        {"algorithm": "SHA-256", "challenge": "a", "number": "7", "salt": "s", "signature": "b"}
    ),
    "number-as-bool": captcha_encode(
        {"algorithm": "SHA-256", "challenge": "a", "number": True, "salt": "s", "signature": "b"}
    ),
    "number-as-float": captcha_encode(
        {"algorithm": "SHA-256", "challenge": "a", "number": 7.0, "salt": "s", "signature": "b"}
    ),
    "non-ascii-salt": captcha_encode(
        {"algorithm": "SHA-256", "challenge": "a", "number": 7, "salt": "ñ\ud800", "signature": "b"}
    ),
    "huge-number": captcha_encode(
        {"algorithm": "SHA-256", "challenge": "a", "number": 10**300, "salt": "s", "signature": "b"}
    ),
    "ten-thousand-characters": "A" * 10_000,
    "deep-nesting": captcha_encode(json.loads("[" * 300 + "]" * 300)),
    "whitespace": "   ",
}


@pytest.mark.parametrize("payload", GARBAGE.values(), ids=GARBAGE.keys())
def test_garbage_is_invalid_never_an_exception(payload):
    assert _refusal(payload) == "captcha_invalid"


@hypothesis_settings(max_examples=300, deadline=None)
@given(
    payload=st.one_of(st.text(max_size=2_000), st.binary(max_size=1_500).map(lambda b: base64.b64encode(b).decode()))
)
def test_any_text_is_refused_with_a_captcha_code(payload):
    assert _refusal(payload) in {"captcha_required", "captcha_invalid"}


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=80),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)


@hypothesis_settings(max_examples=300, deadline=None)
@given(
    answer=st.fixed_dictionaries(
        {},
        optional={
            name: JSON_VALUES | st.just("SHA-256")
            for name in ("algorithm", "challenge", "number", "salt", "signature", "took")
        },
    )
)
def test_any_json_object_is_refused_with_captcha_invalid(answer):
    assert _refusal(captcha_encode(answer)) == "captcha_invalid"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_twenty_concurrent_uses_of_one_answer_give_exactly_one_success(backend, frozen_clock):
    """SQLite file database in the default run, PostgreSQL (and Redis) in the PostgreSQL run."""
    payload = captcha_answer(captcha_challenge())

    def attempt(_: int) -> str:
        try:
            captcha_verify(payload)
        except MemberAreaError as refused:
            return refused.code
        return "accepted"

    outcomes = run_together(THREADS, attempt)
    assert sorted(outcomes) == ["accepted"] + ["captcha_invalid"] * (THREADS - 1)
    assert UsedCaptcha.objects.count() == (1 if backend == "database" else 0)


@pytest.mark.django_db
def test_used_answers_are_kept_until_their_challenge_expires_then_pruned(database_backend, settings, frozen_clock):
    settings.CAPTCHA_EXPIRY_SECONDS = 600
    first = captcha_challenge()
    captcha_verify(captcha_answer(first))
    frozen_clock.advance(seconds=300)
    second = captcha_challenge()
    captcha_verify(captcha_answer(second))
    used = UsedCaptcha.objects.get(challenge_hash=first["challenge"])
    assert used.expires_at == frozen_clock.at + dt.timedelta(seconds=300)
    assert used_captchas_prune() == "0 expired captcha answers deleted"
    frozen_clock.advance(seconds=301)
    assert used_captchas_prune() == "1 expired captcha answers deleted"
    assert list(UsedCaptcha.objects.values_list("challenge_hash", flat=True)) == [second["challenge"]]
    assert JOBS["prune_used_captchas"].run() == "0 expired captcha answers deleted"


@pytest.mark.req("API-1")
@pytest.mark.django_db
def test_the_api_hands_out_a_fresh_solvable_challenge_that_is_never_cached(database_backend):
    api = Client()
    response = api.get("/api/v1/captcha")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    challenge = response.json()
    assert set(challenge) == {"algorithm", "challenge", "maxnumber", "salt", "signature"}
    assert api.get("/api/v1/captcha").json()["challenge"] != challenge["challenge"]
    captcha_verify(captcha_answer(challenge))


@pytest.mark.req("API-1")
@pytest.mark.django_db
def test_the_openapi_document_explains_the_challenge_and_lists_both_codes():
    document = Client().get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/captcha"]["get"]
    reference = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    schema = document["components"]["schemas"][reference.rsplit("/", 1)[1]]
    assert set(schema["required"]) == {"algorithm", "challenge", "maxnumber", "salt", "signature"}
    assert "SHA-256" in schema["description"] and "base64" in schema["description"]
    assert "`captcha` field" in schema["description"]
    codes = {entry["code"]: entry for entry in document["info"]["x-error-codes"]}
    assert codes["captcha_required"]["status"] == 400 and codes["captcha_invalid"]["status"] == 400
    assert codes["captcha_required"]["message"] and codes["captcha_invalid"]["message"]


HOSTILE = "\"'</altcha-widget><script>alert(1)</script>\\"


def _widget_attributes(html: str) -> dict[str, str]:
    widget = re.search(r"<altcha-widget (.*?)></altcha-widget>", html, re.DOTALL).group(1)
    pairs = re.findall(r"""(\w+)=(?:"([^"]*)"|'([^']*)')""", widget)
    return {name: double or single for name, double, single in pairs}


def test_the_widget_partial_points_at_the_endpoint_with_json_texts_and_a_no_javascript_note():
    with translation.override("en"):
        html = render_to_string("web/_captcha.html")
        required = str(CAPTCHA_REQUIRED.message)
    attributes = _widget_attributes(html)
    assert attributes["name"] == "altcha", "the field the web views read"
    assert attributes["challengeurl"] == "/api/v1/captcha"
    assert attributes["workerurl"].endswith("/vendor/altcha/worker.js")
    strings = json.loads(attributes["strings"])
    assert strings["label"] == "I am a person"
    assert strings["verificationRequired"] == required
    assert "<script" not in html, "no inline script under the CSP"
    assert "<noscript><p" in html and "This step needs JavaScript" in html


def test_no_translation_can_break_out_of_the_strings_attribute(monkeypatch):
    """A translator's quote, backslash or markup stays text: HTML-escaped, since the widget shows its
    texts as HTML, then JSON-escaped inside the attribute."""
    monkeypatch.setattr("django.template.base.gettext_lazy", lambda message: message + HOSTILE)
    with translation.override("en"):
        html = render_to_string("web/_captcha.html")
    strings = json.loads(_widget_attributes(html)["strings"])
    assert strings["label"] == escape("I am a person" + HOSTILE)
    assert "<script" not in html.split("<noscript>")[0]
