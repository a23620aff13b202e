"""Encrypted file storage for what workers make (exports, PDFs, import reports).

Files are encrypted in 64 KiB segments with AES-256-GCM (the STREAM construction): each segment's
nonce holds its index and a last-segment flag and the associated data holds the file name, so a
file cannot be swapped, reordered, truncated or extended without failing to open. Reading streams
segment by segment, so big exports never sit whole in memory. Keys come from the same ring as the
encrypted fields; a file keeps the key it was written with until it expires.

Every app server reaches the files through Django's STORAGES; `stored_file_save` records an expiry
that the periodic pruning job enforces.
"""

import datetime as dt
import io
import os
import secrets
import struct
import tempfile

from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import transaction

from . import clock, crypto
from .models import StoredFile

MAGIC = b"MAF1"
SEGMENT = 64 * 1024
TAG = 16
PREFIX_BYTES = 7


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    return prefix + struct.pack(">I", index) + (b"\x01" if last else b"\x00")


class _DecryptingReader(io.RawIOBase):
    def __init__(self, raw, aead, prefix: bytes, name: str) -> None:
        self._raw, self._aead, self._prefix, self._aad = raw, aead, prefix, name.encode()
        self._index, self._buffer, self._done = 0, b"", False
        self._pending = raw.read(SEGMENT + TAG)

    def readable(self) -> bool:
        return True

    def _next_segment(self) -> None:
        following = self._raw.read(SEGMENT + TAG)
        last = not following
        try:
            self._buffer += self._aead.decrypt(_nonce(self._prefix, self._index, last), self._pending, self._aad)
        except Exception as exc:  # InvalidTag: tampered, truncated or moved
            raise crypto.DecryptionError("stored file does not open") from exc
        self._index += 1
        self._pending = following
        self._done = last

    def readinto(self, target) -> int:
        while not self._buffer and not self._done:
            self._next_segment()
        size = min(len(target), len(self._buffer))
        target[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        return size

    def close(self) -> None:
        self._raw.close()
        super().close()


class EncryptedFileStorage(FileSystemStorage):
    """A FileSystemStorage whose bytes on disk are ciphertext; point `location` at shared storage."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("directory_permissions_mode", 0o700)
        kwargs.setdefault("file_permissions_mode", 0o600)
        super().__init__(*args, **kwargs)

    def _save(self, name: str, content: File) -> str:
        primary, ring = crypto.key_ring()
        aead, prefix, aad = ring[primary], os.urandom(PREFIX_BYTES), name.encode()
        # Ciphertext goes to a temporary file, never a buffer in memory: memory stays flat whatever the size (PERF-6).
        target = tempfile.TemporaryFile()  # noqa: SIM115 - closed by File
        target.write(MAGIC + primary.encode() + prefix)
        if hasattr(content, "seek"):
            content.seek(0)
        index, segment = 0, content.read(SEGMENT)
        while True:
            following = content.read(SEGMENT)
            last = not following
            target.write(aead.encrypt(_nonce(prefix, index, last), segment, aad))
            if last:
                break
            index, segment = index + 1, following
        target.seek(0)
        return super()._save(name, File(target, name=name))  # type: ignore[misc]  # FileSystemStorage has _save; the stubs omit it

    def _open(self, name: str, mode: str = "rb") -> File:
        if "w" in mode or "a" in mode:
            raise ValueError("encrypted files are written with save(), not opened for writing")
        raw = open(self.path(name), "rb")  # noqa: SIM115 - owned by the returned reader
        header = raw.read(len(MAGIC) + 8 + PREFIX_BYTES)
        if header[:4] != MAGIC:
            raw.close()
            raise crypto.DecryptionError("not an encrypted stored file")
        kid, prefix = header[4:12].decode(), header[12:]
        _, ring = crypto.key_ring()
        if kid not in ring:
            raw.close()
            raise crypto.DecryptionError(f"key {kid} is not in FIELD_ENCRYPTION_KEYS")
        reader = io.BufferedReader(_DecryptingReader(raw, ring[kid], prefix, name), buffer_size=SEGMENT)
        return File(reader, name=name)

    def size(self, name: str) -> int:
        """The plaintext size, computed from the ciphertext layout."""
        stored = super().size(name) - (len(MAGIC) + 8 + PREFIX_BYTES)
        segments = max(1, -(-stored // (SEGMENT + TAG)))
        return stored - segments * TAG


def stored_file_save(*, content: bytes | File, purpose: str, lifetime: dt.timedelta, suffix: str = "") -> StoredFile:
    """Write a file with an unguessable name and record when it expires."""
    name = f"{purpose}/{secrets.token_urlsafe(24)}{suffix}"
    body = ContentFile(content) if isinstance(content, bytes) else content
    saved_name = default_storage.save(name, body)
    now = clock.now()
    with transaction.atomic():
        return StoredFile.objects.create(name=saved_name, purpose=purpose, created_at=now, expires_at=now + lifetime)


def stored_file_discard(stored: StoredFile) -> None:
    """Expire a file now and delete it once the caller's transaction commits (kept if it rolls back)."""
    stored.expires_at = clock.now()
    stored.save(update_fields=["expires_at"])

    def delete() -> None:
        default_storage.delete(stored.name)
        stored.delete()

    transaction.on_commit(delete, robust=True)


def stored_files_prune() -> str:
    """Delete files whose expiry has passed (periodic job)."""
    deleted = 0
    for stored in StoredFile.objects.filter(expires_at__lt=clock.now()).iterator():
        default_storage.delete(stored.name)
        stored.delete()
        deleted += 1
    return f"{deleted} expired files deleted"
