"""Authenticated encryption of personal data and keyed hashes for looking it up.

Field values are sealed with AES-256-GCM. The associated data names the model, the field and the
row, so a ciphertext copied into another row or column fails to open. Keys come from a ring
(FIELD_ENCRYPTION_KEYS): the first seals, all open, so keys rotate without downtime. Each token
names its key by a short id derived from the key itself.

Blind indexes are HMAC-SHA256 under BLIND_INDEX_KEY, with a sub-key per purpose so equal values in
different columns do not correlate.
"""

import base64
import functools
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

TOKEN_VERSION = "v1"  # noqa: S105 - a format tag, not a secret  # nosec B105
NONCE_BYTES = 12


class DecryptionError(Exception):
    """A ciphertext that does not open: wrong row, tampered, or its key is no longer in the ring."""


def key_id(key: bytes) -> str:
    return hashlib.sha256(b"memberarea-key-id" + key).hexdigest()[:8]


@functools.cache
def _ring(keys: tuple[bytes, ...]) -> dict[str, AESGCM]:
    return {key_id(key): AESGCM(key) for key in keys}


def key_ring() -> tuple[str, dict[str, AESGCM]]:
    """(id of the sealing key, every key by id)."""
    keys = tuple(settings.FIELD_ENCRYPTION_KEYS)
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is not set")
    return key_id(keys[0]), _ring(keys)


def seal(plaintext: bytes, associated_data: bytes) -> str:
    primary, ring = key_ring()
    nonce = os.urandom(NONCE_BYTES)
    ciphertext = ring[primary].encrypt(nonce, plaintext, associated_data)
    body = base64.urlsafe_b64encode(nonce + ciphertext).decode().rstrip("=")
    return f"{TOKEN_VERSION}.{primary}.{body}"


def token_key_id(token: str) -> str:
    parts = token.split(".", 2)
    if len(parts) != 3 or parts[0] != TOKEN_VERSION:
        raise DecryptionError("not a sealed value")
    return parts[1]


def open_sealed(token: str, associated_data: bytes) -> bytes:
    kid = token_key_id(token)
    _, ring = key_ring()
    aead = ring.get(kid)
    if aead is None:
        raise DecryptionError(f"key {kid} is not in FIELD_ENCRYPTION_KEYS")
    body = token.split(".", 2)[2]
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        return aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], associated_data)
    except (InvalidTag, ValueError) as exc:
        raise DecryptionError("the value does not open with its associated data") from exc


def is_sealed_with_primary(token: str) -> bool:
    primary, _ = key_ring()
    return token_key_id(token) == primary


@functools.cache
def _purpose_key(master: bytes, purpose: str) -> bytes:
    return hmac.new(master, b"blind-index:" + purpose.encode(), hashlib.sha256).digest()


def blind_index(purpose: str, normalised_value: str) -> str:
    """A stable keyed hash of an already-normalised value, for equality lookups."""
    if not settings.BLIND_INDEX_KEY:
        raise ImproperlyConfigured("BLIND_INDEX_KEY is not set")
    key = _purpose_key(settings.BLIND_INDEX_KEY, purpose)
    return hmac.new(key, normalised_value.encode(), hashlib.sha256).hexdigest()
