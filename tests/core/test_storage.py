"""Encrypted file storage with expiry (OPS-1, OPS-3): what workers write, any app server reads."""

import datetime as dt
import os
import shutil

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from memberarea.core import clock
from memberarea.core.crypto import DecryptionError
from memberarea.core.models import StoredFile
from memberarea.core.storage import SEGMENT, TAG, EncryptedFileStorage, stored_file_save, stored_files_prune

pytestmark = [pytest.mark.req("OPS-1"), pytest.mark.req("OPS-3")]

HEADER = 4 + 8 + 7  # magic, key id, nonce prefix
SECRET_LINE = b"Ana Garcia, ana.garcia@example.com, +34612345678, 12345678Z, 1985-03-12\n"


def _document(size: int) -> bytes:
    return (SECRET_LINE * (size // len(SECRET_LINE) + 1))[:size]


def _read(name: str) -> bytes:
    with default_storage.open(name) as handle:
        return handle.read()


def test_default_storage_is_the_encrypted_one_and_private(_private_files):
    name = default_storage.save("checks/probe.txt", ContentFile(b"x"))
    assert isinstance(default_storage._wrapped, EncryptedFileStorage)
    assert (_private_files / name).stat().st_mode & 0o077 == 0
    assert (_private_files / "checks").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    "size",
    [0, len(SECRET_LINE), SEGMENT - 1, SEGMENT, SEGMENT + 1, 2 * SEGMENT, 3 * SEGMENT + 12345],
    ids=["empty", "one-line", "segment-1", "segment", "segment+1", "two-segments", "over-three-segments"],
)
def test_files_round_trip_and_are_ciphertext_on_disk(_private_files, size):
    content = _document(size)
    name = default_storage.save("exports/report.csv", ContentFile(content))
    assert _read(name) == content
    assert default_storage.size(name) == size
    on_disk = (_private_files / name).read_bytes()
    segments = max(1, -(-size // SEGMENT))
    assert len(on_disk) == HEADER + size + segments * TAG
    if size:
        for fragment in (b"ana.garcia", b"+34612345678", b"12345678Z", b"1985-03-12", SECRET_LINE[:12]):
            assert fragment not in on_disk


def test_big_files_are_read_in_pieces(_private_files):
    content = _document(5 * SEGMENT + 77)
    name = default_storage.save("exports/big.csv", ContentFile(content))
    with default_storage.open(name) as handle:
        pieces = []
        while piece := handle.read(10_000):
            pieces.append(piece)
    assert b"".join(pieces) == content and len(pieces) > 5


def _tamper(path, change) -> None:
    data = bytearray(path.read_bytes())
    path.write_bytes(bytes(change(data)))


def _flip(position: int):
    def change(data: bytearray) -> bytearray:
        data[position] ^= 0x01
        return data

    return change


@pytest.mark.parametrize(
    "change",
    [
        lambda data: data[:-1],  # last byte cut
        lambda data: data[:-TAG],  # last tag cut
        lambda data: data[: HEADER + SEGMENT + TAG],  # cut at a segment boundary: the tail is gone
        lambda data: data + b"\x00" * 40,  # extended
        _flip(HEADER + 10),  # a byte of the first segment
        _flip(HEADER + 2 * (SEGMENT + TAG) + 3),  # a byte of the last segment
        _flip(14),  # a byte of the nonce prefix in the header
        lambda data: data[:HEADER] + data[HEADER + SEGMENT + TAG :],  # first segment dropped
    ],
    ids=["byte-cut", "tag-cut", "segment-cut", "extended", "flip-first", "flip-last", "flip-header", "head-dropped"],
)
def test_a_changed_file_does_not_open(_private_files, change):
    content = _document(2 * SEGMENT + 500)
    name = default_storage.save("exports/tampered.csv", ContentFile(content))
    _tamper(_private_files / name, change)
    with pytest.raises(DecryptionError):
        _read(name)


def test_a_file_moved_to_another_name_does_not_open(_private_files):
    name = default_storage.save("exports/mine.csv", ContentFile(_document(1000)))
    other = "exports/theirs.csv"
    shutil.copy(_private_files / name, _private_files / other)
    with pytest.raises(DecryptionError):
        _read(other)
    assert _read(name) == _document(1000)


def test_a_file_whose_key_left_the_ring_does_not_open(settings):
    name = default_storage.save("exports/old.csv", ContentFile(b"data"))
    settings.FIELD_ENCRYPTION_KEYS = [os.urandom(32)]
    with pytest.raises(DecryptionError, match="not in FIELD_ENCRYPTION_KEYS"):
        default_storage.open(name)


def test_files_cannot_be_opened_for_writing():
    name = default_storage.save("exports/readonly.csv", ContentFile(b"data"))
    with pytest.raises(ValueError, match="save"):
        default_storage.open(name, "wb")


@pytest.mark.django_db
def test_expired_files_are_pruned(_private_files, frozen_clock):
    short = stored_file_save(content=_document(100), purpose="export", lifetime=dt.timedelta(hours=1), suffix=".csv")
    long = stored_file_save(content=ContentFile(_document(70_000)), purpose="export", lifetime=dt.timedelta(days=7))
    assert short.created_at == clock.now() and short.expires_at == clock.now() + dt.timedelta(hours=1)
    assert short.name.startswith("export/") and short.name.endswith(".csv") and len(short.name) > 30
    assert _read(long.name) == _document(70_000)

    assert stored_files_prune() == "0 expired files deleted"
    frozen_clock.advance(hours=1)
    assert stored_files_prune() == "0 expired files deleted", "a file lives until the end of its lifetime"
    frozen_clock.advance(seconds=1)
    assert stored_files_prune() == "1 expired files deleted"

    assert not (_private_files / short.name).exists()
    assert not StoredFile.objects.filter(pk=short.pk).exists()
    assert (_private_files / long.name).exists() and StoredFile.objects.filter(pk=long.pk).exists()
    frozen_clock.advance(days=7)
    assert stored_files_prune() == "1 expired files deleted"
    assert not StoredFile.objects.exists()
    assert not any(path.is_file() for path in _private_files.rglob("*"))
