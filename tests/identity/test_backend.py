"""Sign-in by identity document (LOGIN-1) and password storage (PWD-3), through Django's authenticate()."""

import unicodedata

import pytest
from django.contrib.auth import authenticate
from django.db import connection
from django.test.utils import CaptureQueriesContext

from memberarea.core.crypto import blind_index
from memberarea.identity.hashers import MemberAreaArgon2Hasher
from memberarea.identity.models import Account
from memberarea.identity.services import account_create

pytestmark = pytest.mark.django_db

PASSWORD = "a long and correct passphrase"
USERNAME = "X1234567L"


@pytest.fixture
def account() -> Account:
    return account_create(username=USERNAME, password=PASSWORD)


@pytest.fixture
def verifications(monkeypatch) -> list[str]:
    """Every argon2 verification made, counted by wrapping the configured hasher (it still runs)."""
    calls: list[str] = []
    original = MemberAreaArgon2Hasher.verify

    def counting(self, password, encoded):
        calls.append(encoded)
        return original(self, password, encoded)

    monkeypatch.setattr(MemberAreaArgon2Hasher, "verify", counting)
    return calls


def _stored(account: Account) -> tuple[str, str, str]:
    table = Account._meta.db_table
    pk = Account._meta.pk.get_db_prep_value(account.pk, connection)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT username, username_index, password FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()


@pytest.mark.req("LOGIN-1")
@pytest.mark.parametrize("typed", [" x-1234567-l ", "X1234567L", "x 1234567 l", "X.1234567.L", "Ｘ１２３４５６７Ｌ"])
def test_the_username_is_normalised_before_lookup(account, typed):
    assert authenticate(None, username=typed, password=PASSWORD) == account


@pytest.mark.req("LOGIN-1")
def test_a_wrong_password_signs_no_one_in(account):
    assert authenticate(None, username=USERNAME, password=PASSWORD + "!") is None


@pytest.mark.req("LOGIN-1")
def test_an_unknown_username_does_the_same_work_as_a_wrong_password(account, verifications):
    authenticate(None, username="Y7654321X", password="warm up the equalising hash")
    verifications.clear()

    with CaptureQueriesContext(connection) as known_queries:
        known = authenticate(None, username=USERNAME, password="wrong password")
    known_verifications = len(verifications)
    verifications.clear()
    with CaptureQueriesContext(connection) as unknown_queries:
        unknown = authenticate(None, username="Y7654321X", password="wrong password")

    assert known is None and unknown is None
    assert known_verifications == 1
    assert len(verifications) == 1
    assert len(unknown_queries) == len(known_queries) == 1
    assert known_queries[0]["sql"].split("WHERE")[0] == unknown_queries[0]["sql"].split("WHERE")[0]


@pytest.mark.req("LOGIN-1")
def test_an_inactive_account_cannot_sign_in(account, verifications):
    Account.objects.filter(pk=account.pk).update(is_active=False)
    assert authenticate(None, username=USERNAME, password=PASSWORD) is None
    assert len(verifications) == 1  # the same work as any other refusal


@pytest.mark.req("LOGIN-1")
@pytest.mark.req("OPS-3")
def test_the_username_is_stored_encrypted_and_found_by_its_blind_index(account):
    username, index, _ = _stored(account)
    assert USERNAME not in username and USERNAME.lower() not in username
    assert username.startswith("v1.")
    assert index == blind_index("account-username", USERNAME)
    assert USERNAME not in index
    found = Account.objects.get(username_index=index)
    assert found.pk == account.pk and found.username == USERNAME


@pytest.mark.req("PWD-3")
def test_passwords_are_hashed_with_argon2id_at_the_configured_strength(settings):
    settings.PASSWORD_ARGON2_TIME_COST = 2
    settings.PASSWORD_ARGON2_MEMORY_KIB = 19456
    settings.PASSWORD_ARGON2_PARALLELISM = 1
    account = account_create(username=USERNAME, password=PASSWORD)
    _, _, stored = _stored(account)
    assert stored.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert PASSWORD not in stored
    assert authenticate(None, username=USERNAME, password=PASSWORD) == account


@pytest.mark.req("PWD-3")
@pytest.mark.parametrize(
    ("chosen", "typed"),
    [
        ("contraseña de prueba", unicodedata.normalize("NFD", "contraseña de prueba")),
        (unicodedata.normalize("NFD", "contraseña de prueba"), "contraseña de prueba"),
        ("clave １２３４ segura", "clave 1234 segura"),
    ],
    ids=["composed-then-decomposed", "decomposed-then-composed", "full-width-digits"],
)
def test_passwords_are_nfkc_normalised(chosen, typed):
    assert chosen != typed
    account = account_create(username=USERNAME, password=chosen)
    assert authenticate(None, username=USERNAME, password=typed) == account
    assert authenticate(None, username=USERNAME, password=typed + "x") is None


@pytest.mark.req("PWD-3")
def test_a_hash_with_weaker_parameters_is_upgraded_at_the_next_sign_in(account, settings):
    _, _, weak = _stored(account)
    assert weak.startswith("argon2$argon2id$v=19$m=64,t=1,p=1$")
    settings.PASSWORD_ARGON2_TIME_COST = 2
    settings.PASSWORD_ARGON2_MEMORY_KIB = 128

    assert authenticate(None, username=USERNAME, password="wrong password") is None
    assert _stored(account)[2] == weak, "a failed sign-in must not rewrite the hash"

    assert authenticate(None, username=USERNAME, password=PASSWORD) == account
    _, _, upgraded = _stored(account)
    assert upgraded.startswith("argon2$argon2id$v=19$m=128,t=2,p=1$")
    assert authenticate(None, username=USERNAME, password=PASSWORD) == account
    assert _stored(account)[2] == upgraded, "an up-to-date hash is left alone"
