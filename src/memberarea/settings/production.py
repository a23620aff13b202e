"""Real deployments (SQLite on one machine or PostgreSQL + Redis at scale).

Refuses to start when a secret or key is missing, when demo mode is on, or when a channel is the
development outbox: a misconfigured production must fail loudly at start, not leak later.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .env import env_bool, env_int, env_str

_missing = [
    name
    for name, value in {
        "SECRET_KEY": SECRET_KEY,
        "FIELD_ENCRYPTION_KEYS": FIELD_ENCRYPTION_KEYS,
        "BLIND_INDEX_KEY": BLIND_INDEX_KEY,
        "AUDIT_KEY": AUDIT_KEY,
        "ALLOWED_HOSTS": env_str("ALLOWED_HOSTS"),
        "EMAIL_URL": env_str("EMAIL_URL"),
        "SMS_URL": env_str("SMS_URL"),
        "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
    }.items()
    if not value
]
if _missing:
    raise ImproperlyConfigured("Production settings need these environment variables: " + ", ".join(_missing))
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 random characters")
_holders: dict[bytes, list[str]] = {}
for _name, _key in [
    ("SECRET_KEY", SECRET_KEY.encode()),
    ("BLIND_INDEX_KEY", BLIND_INDEX_KEY),
    ("AUDIT_KEY", AUDIT_KEY),
    *[("FIELD_ENCRYPTION_KEYS", key) for key in FIELD_ENCRYPTION_KEYS],
]:
    _holders.setdefault(_key, []).append(_name)
_reused = sorted({name for names in _holders.values() if len(names) > 1 for name in names})
if _reused:
    raise ImproperlyConfigured(
        "Each key must be different: never reuse one key for two purposes (" + ", ".join(_reused) + ")"
    )
if DEMO_MODE:
    raise ImproperlyConfigured("DEMO_MODE must be off in production")
_outbox = [
    name for name, channel in (("EMAIL_URL", EMAIL_CHANNEL), ("SMS_URL", SMS_CHANNEL)) if channel["channel"] == "outbox"
]
if _outbox:
    raise ImproperlyConfigured("The development outbox cannot be a channel in production: " + ", ".join(_outbox))
if not PUBLIC_BASE_URL.startswith("https://"):
    raise ImproperlyConfigured("PUBLIC_BASE_URL must be the portal's https:// address")
if SMS_CHANNEL["channel"] == "http" and not SMS_CHANNEL["token"]:
    raise ImproperlyConfigured("SMS_TOKEN is required with an HTTP SMS gateway")
if CORE_SYSTEM_URL and not CORE_SYSTEM_URL.startswith("https://"):
    raise ImproperlyConfigured("CORE_SYSTEM_URL must be an https:// address (or empty: messages are held)")
if CORE_SYSTEM_URL and len(CORE_SYSTEM_SIGNING_KEY) < 32:
    raise ImproperlyConfigured("CORE_SYSTEM_SIGNING_KEY must be at least 32 random characters with CORE_SYSTEM_URL")

# HTTPS everywhere. Behind a proxy that terminates TLS, set SECURE_PROXY_SSL_HEADER_ENABLED.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
if env_bool("SECURE_PROXY_SSL_HEADER_ENABLED", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 63072000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
# The __Host- prefix pins cookies to this exact origin over HTTPS (no Domain, Path=/).
SESSION_COOKIE_NAME = "__Host-ma_session"
CSRF_COOKIE_NAME = "__Host-ma_csrf"
LANGUAGE_COOKIE_NAME = "__Host-ma_language"
TRUSTED_DEVICE_COOKIE = "__Host-ma_trusted"  # Secure with the session cookie (identity/devices.py)
KNOWN_DEVICE_COOKIE = "__Host-ma_device"
CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in ALLOWED_HOSTS if host and "*" not in host]
