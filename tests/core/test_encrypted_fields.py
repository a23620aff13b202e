"""Encrypted fields and key rotation (OPS-3), through a real table (tests/core/sealed_app)."""

import base64
import datetime as dt
import io
import os
import re

import pytest
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection, transaction

from memberarea.core import crypto
from memberarea.core.crypto import DecryptionError
from memberarea.identity.models import Account
from memberarea.identity.services import account_create
from tests.core.conftest import raw_column
from tests.core.sealed_app.models import SealedSample

pytestmark = [pytest.mark.django_db, pytest.mark.req("OPS-3")]

EMAIL = "ana.garcia@example.com"
BORN = dt.date(1985, 3, 12)
SAMPLE_LABEL = "sealed_app.SealedSample"


def _set_raw(model, column: str, pk, value: str) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    pk_value = model._meta.pk.get_db_prep_value(pk, connection)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, pk_value])


def test_values_round_trip_through_the_database():
    sample = SealedSample.objects.create(note=EMAIL, born=BORN)
    empty = SealedSample.objects.create()
    loaded = SealedSample.objects.get(pk=sample.pk)
    assert loaded.note == EMAIL and loaded.born == BORN
    assert isinstance(loaded.born, dt.date)
    assert SealedSample.objects.get(pk=empty.pk).note is None
    assert SealedSample.objects.filter(note__isnull=True).get().pk == empty.pk


def test_the_columns_hold_no_plaintext(settings):
    sample = SealedSample.objects.create(note=EMAIL, born=BORN)
    note, born = raw_column(SealedSample, "note")[str(sample.pk)], raw_column(SealedSample, "born")[str(sample.pk)]
    for stored in (note, born):
        assert stored.startswith(f"v1.{crypto.key_id(settings.FIELD_ENCRYPTION_KEYS[0])}.")
    assert "ana" not in note.lower() and "example" not in note and "1985" not in born
    for stored, plaintext in ((note, EMAIL.encode()), (born, BORN.isoformat().encode())):
        body = stored.split(".", 2)[2]
        assert plaintext not in base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    twin = SealedSample.objects.create(note=EMAIL, born=BORN)
    assert raw_column(SealedSample, "note")[str(twin.pk)] != note, "equal values must not give equal ciphertexts"


def test_a_ciphertext_copied_to_another_row_does_not_open():
    victim = SealedSample.objects.create(note=EMAIL, born=BORN)
    other = SealedSample.objects.create(note="someone else", born=dt.date(2001, 1, 1))
    _set_raw(SealedSample, "note", other.pk, raw_column(SealedSample, "note")[str(victim.pk)])
    _set_raw(SealedSample, "born", other.pk, raw_column(SealedSample, "born")[str(victim.pk)])
    moved = SealedSample.objects.get(pk=other.pk)
    with pytest.raises(DecryptionError):
        _ = moved.note
    with pytest.raises(DecryptionError):
        _ = moved.born
    assert SealedSample.objects.get(pk=victim.pk).note == EMAIL


def test_a_ciphertext_moved_to_another_column_does_not_open():
    sample = SealedSample.objects.create(note="2001-01-01", born=BORN)
    _set_raw(SealedSample, "born", sample.pk, raw_column(SealedSample, "note")[str(sample.pk)])
    with pytest.raises(DecryptionError):
        _ = SealedSample.objects.get(pk=sample.pk).born


def test_a_tampered_ciphertext_does_not_open():
    sample = SealedSample.objects.create(note=EMAIL)
    token = raw_column(SealedSample, "note")[str(sample.pk)]
    flipped = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    _set_raw(SealedSample, "note", sample.pk, flipped)
    with pytest.raises(DecryptionError):
        _ = SealedSample.objects.get(pk=sample.pk).note


def test_filtering_by_plaintext_is_refused():
    SealedSample.objects.create(note=EMAIL, born=BORN)
    with pytest.raises(TypeError, match="blind index"):
        SealedSample.objects.filter(note=EMAIL).exists()
    with pytest.raises(TypeError):
        SealedSample.objects.filter(born=BORN).exists()
    with pytest.raises(FieldError):
        SealedSample.objects.filter(note__icontains="ana").exists()


def test_values_of_the_wrong_type_are_refused():
    with pytest.raises(TypeError), transaction.atomic():
        SealedSample.objects.create(born="1985-03-12")
    with pytest.raises(TypeError), transaction.atomic():
        SealedSample.objects.create(born=dt.datetime(1985, 3, 12, tzinfo=dt.UTC))
    with pytest.raises(TypeError), transaction.atomic():
        SealedSample.objects.create(note=12345678)
    assert not SealedSample.objects.exists()


def test_saving_an_unchanged_value_keeps_its_ciphertext():
    sample = SealedSample.objects.create(note=EMAIL)
    before = raw_column(SealedSample, "note")[str(sample.pk)]
    loaded = SealedSample.objects.get(pk=sample.pk)
    assert loaded.note == EMAIL
    loaded.save()
    assert raw_column(SealedSample, "note")[str(sample.pk)] == before
    loaded.note = "new@example.com"
    loaded.save()
    assert raw_column(SealedSample, "note")[str(sample.pk)] != before
    assert SealedSample.objects.get(pk=sample.pk).note == "new@example.com"


# --- key rotation --------------------------------------------------------------------------------


def _key_ids(model, column: str) -> dict[str, str]:
    return {pk: token.split(".")[1] for pk, token in raw_column(model, column).items() if token is not None}


def _seed(count: int) -> dict[str, tuple[str, dt.date]]:
    values = {}
    for index in range(count):
        note, born = f"member-{index}@example.com", BORN + dt.timedelta(days=index)
        values[str(SealedSample.objects.create(note=note, born=born).pk)] = (note, born)
    return values


def test_rotate_keys_re_encrypts_every_row_under_the_new_key(settings):
    values = _seed(5)
    SealedSample.objects.create(note=None, born=None)
    account = account_create(username="X1234567L", password="a long passphrase")
    old_id = crypto.key_id(settings.FIELD_ENCRYPTION_KEYS[0])
    assert set(_key_ids(SealedSample, "note").values()) == {old_id}

    new = os.urandom(32)
    settings.FIELD_ENCRYPTION_KEYS = [new, *settings.FIELD_ENCRYPTION_KEYS]  # as the operator does
    out = io.StringIO()
    call_command("rotate_keys", stdout=out)
    assert f"{SAMPLE_LABEL}: done, 5 rows re-encrypted" in out.getvalue()
    assert "identity.Account: done, 1 rows re-encrypted" in out.getvalue()

    new_id = crypto.key_id(new)
    for model, column in ((SealedSample, "note"), (SealedSample, "born"), (Account, "username")):
        assert set(_key_ids(model, column).values()) == {new_id}
    assert None in raw_column(SealedSample, "note").values(), "empty values stay empty"

    again = io.StringIO()
    call_command("rotate_keys", stdout=again)
    assert f"{SAMPLE_LABEL}: done, 0 rows re-encrypted" in again.getvalue()
    assert "identity.Account: done, 0 rows re-encrypted" in again.getvalue()

    settings.FIELD_ENCRYPTION_KEYS = [new]  # the old key retired from the ring
    for pk, (note, born) in values.items():
        loaded = SealedSample.objects.get(pk=pk)
        assert (loaded.note, loaded.born) == (note, born)
    assert Account.objects.get(pk=account.pk).username == "X1234567L"


class _InterruptAfterFirstBatch(io.StringIO):
    """The operator's Ctrl+C just after the first batch was printed."""

    def write(self, text: str) -> int:
        written = super().write(text)
        if "up to" in text:
            raise KeyboardInterrupt
        return written


def test_an_interrupted_rotation_resumes_after_the_last_printed_key(settings):
    values = _seed(7)
    old, new = settings.FIELD_ENCRYPTION_KEYS[0], os.urandom(32)
    assert set(_key_ids(SealedSample, "note").values()) == {crypto.key_id(old)}
    settings.FIELD_ENCRYPTION_KEYS = [new, old]

    interrupted = _InterruptAfterFirstBatch()
    with pytest.raises(KeyboardInterrupt):
        call_command("rotate_keys", "--model", SAMPLE_LABEL, "--batch-size", "3", stdout=interrupted)
    last = re.search(r"up to ([0-9a-f\-]+), 3 rows re-encrypted", interrupted.getvalue()).group(1)
    key_ids = _key_ids(SealedSample, "note")
    done = sorted(pk for pk, kid in key_ids.items() if kid == crypto.key_id(new))
    assert done == sorted(values)[:3] and done[-1] == last

    resumed = io.StringIO()
    call_command("rotate_keys", "--model", SAMPLE_LABEL, "--after", last, stdout=resumed)
    assert f"{SAMPLE_LABEL}: done, 4 rows re-encrypted" in resumed.getvalue()
    assert set(_key_ids(SealedSample, "note").values()) == {crypto.key_id(new)}
    assert set(_key_ids(SealedSample, "born").values()) == {crypto.key_id(new)}

    settings.FIELD_ENCRYPTION_KEYS = [new]
    for pk, (note, born) in values.items():
        loaded = SealedSample.objects.get(pk=pk)
        assert (loaded.note, loaded.born) == (note, born)


def test_a_value_whose_key_left_the_ring_does_not_open(settings):
    sample = SealedSample.objects.create(note=EMAIL)
    settings.FIELD_ENCRYPTION_KEYS = [os.urandom(32)]
    with pytest.raises(DecryptionError, match="not in FIELD_ENCRYPTION_KEYS"):
        _ = SealedSample.objects.get(pk=sample.pk).note
