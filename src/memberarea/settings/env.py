"""Reading configuration from the environment, with errors that name the variable.

Kept free of Django imports beyond ImproperlyConfigured so every settings module can use it.
"""

import base64
import binascii
import json
import os
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

KEY_BYTES = 32


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from exc


def env_json(name: str) -> Any:
    """The variable's JSON value, or None when it is unset or blank."""
    raw = env_str(name)
    try:
        return json.loads(raw) if raw else None
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} is not valid JSON: {exc}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def decode_key(name: str, text: str) -> bytes:
    """A key is 32 random bytes written as URL-safe base64 (see `make keys`)."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured(f"{name} is not valid base64") from exc
    if len(raw) != KEY_BYTES:
        raise ImproperlyConfigured(f"{name} must decode to {KEY_BYTES} bytes, not {len(raw)}")
    return raw


def decode_key_ring(name: str, text: str) -> list[bytes]:
    keys = [decode_key(name, part.strip()) for part in text.split(",") if part.strip()]
    if not keys:
        raise ImproperlyConfigured(f"{name} must hold at least one key")
    if len(set(keys)) != len(keys):
        raise ImproperlyConfigured(f"{name} lists the same key twice")
    return keys


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode().rstrip("=")


def parse_email_url(url: str) -> dict[str, object]:
    """`smtp://user:password@host:port?tls=1` or `smtps://…` (implicit TLS) or `outbox:`."""
    parts = urlsplit(url)
    if parts.scheme == "outbox":
        return {"channel": "outbox"}
    if parts.scheme not in {"smtp", "smtps"}:
        raise ImproperlyConfigured("EMAIL_URL must start with smtp://, smtps:// or outbox:")
    query = parse_qs(parts.query)
    return {
        "channel": "smtp",
        "host": parts.hostname or "localhost",
        "port": parts.port or (465 if parts.scheme == "smtps" else 25),
        "username": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "use_ssl": parts.scheme == "smtps",
        "use_tls": query.get("tls", ["0"])[0] in {"1", "true", "yes"},
        "timeout": int(query.get("timeout", ["10"])[0]),
    }


def parse_sms_url(url: str, token: str) -> dict[str, str]:
    """An HTTP(S) gateway URL with a bearer token, or `outbox:` for the development outbox."""
    parts = urlsplit(url)
    if parts.scheme == "outbox":
        return {"channel": "outbox"}
    if parts.scheme not in {"http", "https"}:
        raise ImproperlyConfigured("SMS_URL must start with http://, https:// or outbox:")
    return {"channel": "http", "url": url, "token": token}
