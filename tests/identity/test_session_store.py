"""The session engine (decision 0048): Django's database sessions read by a prepared read — a live
session loads, an expired or unknown one is no session, and the row is what Django wrote."""

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone
from django.utils.module_loading import import_string

from memberarea.identity.session_store import SessionStore

pytestmark = [pytest.mark.django_db, pytest.mark.req("LOGIN-5")]


def saved(data: dict) -> str:
    store = SessionStore()
    store.update(data)
    store.save()
    return store.session_key


def test_the_site_uses_it():
    assert import_string(f"{settings.SESSION_ENGINE}.SessionStore") is SessionStore


def test_a_live_session_loads_what_was_saved():
    key = saved({"step": "code", "n": 3})
    assert dict(SessionStore(session_key=key).load()) == {"step": "code", "n": 3}


def test_an_expired_session_is_no_session_and_gets_a_new_key():
    key = saved({"step": "code"})
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    store = SessionStore(session_key=key)
    assert dict(store.load()) == {}
    assert store.session_key is None  # never reused: the next save makes a new key


def test_an_unknown_key_is_no_session():
    store = SessionStore(session_key="x" * 32)
    assert dict(store.load()) == {}
    assert store.session_key is None
