"""BO-2, BO-3: rows written before issue 10 get their name tokens and message links from the
migrations' backfills (run here against the current models, which have the same fields)."""

import importlib

import pytest
from django.apps import apps

from memberarea.enrollment.models import NameToken
from memberarea.identity.flows.login import login_send, login_start
from memberarea.notifications.models import Message
from tests.identity.registering import HOLDER_NIF, PASSWORD

names_migration = importlib.import_module("memberarea.enrollment.migrations.0002_person_name_index")
links_migration = importlib.import_module("memberarea.notifications.migrations.0002_message_subjects")


@pytest.mark.req("BO-2")
def test_the_migration_hashes_the_names_already_imported(enrolled, settings):
    before = set(NameToken.objects.values_list("membership_id", "token"))
    NameToken.objects.all().delete()
    settings.BLIND_INDEX_KEY, key = b"", settings.BLIND_INDEX_KEY
    names_migration.index_existing_names(apps, None)  # no key: nothing, the command does it later
    assert not NameToken.objects.exists()
    settings.BLIND_INDEX_KEY = key
    names_migration.index_existing_names(apps, None)
    assert set(NameToken.objects.values_list("membership_id", "token")) == before


@pytest.mark.req("BO-3")
def test_the_migration_links_existing_messages_through_their_subject(member_account):
    flow = login_start(username=HOLDER_NIF, password=PASSWORD, captcha=None, address="192.0.2.9", kind="api")
    login_send(flow_id=flow.pk, kind="api", channel="email")
    expected = dict(Message.objects.values_list("pk", "account_id"))
    Message.objects.update(account=None, membership=None)
    links_migration.link_existing(apps, None)
    code = Message.objects.get(template="login_code")  # subject: the sign-in flow
    assert code.account_id == member_account.pk
    assert dict(Message.objects.values_list("pk", "account_id")) == expected
