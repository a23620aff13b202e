"""Settings shared by every deployment. Secrets and deployment choices come from the environment.

The modules that import this one (embedded, production, test) decide where the secrets come from
and how strict to be; everything the product does is a named setting here, with a safe default.
"""

from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from .env import (
    decode_key,
    decode_key_ring,
    env_bool,
    env_int,
    env_json,
    env_list,
    env_str,
    parse_email_url,
    parse_sms_url,
)

SRC_DIR = Path(__file__).resolve().parents[2]
BASE_DIR = SRC_DIR.parent
VAR_DIR = Path(env_str("MEMBERAREA_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = False
DEMO_MODE = env_bool("DEMO_MODE", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "memberarea.core",
    "memberarea.identity",
    "memberarea.enrollment",
    "memberarea.notifications",
    "memberarea.members",
    "memberarea.privacy",
    "memberarea.backoffice",
    "memberarea.web",
    "memberarea.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "memberarea.core.middleware.RequestIdMiddleware",
    "memberarea.core.links.PublicOriginMiddleware",  # demo mode: links follow the origin served
    "memberarea.core.middleware.ProbeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "memberarea.api.middleware.ApiNoStoreMiddleware",  # outside the error shaping: shaped answers get it too
    "memberarea.api.middleware.ApiErrorMiddleware",  # inside LocaleMiddleware: messages in the request's language
    "memberarea.core.middleware.PageMethodsMiddleware",  # inside the error shaping: the API document's 405 is JSON
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "memberarea.core.middleware.TextInputMiddleware",  # after the CSRF check: a forged form hears 403 first
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "memberarea.identity.session_middleware.SessionRegistryMiddleware",
    "memberarea.identity.middleware.AccountLanguageMiddleware",
    "memberarea.privacy.gpc.GlobalPrivacyControlMiddleware",  # after the account and its language (PRIV-5)
    "memberarea.privacy.middleware.PageViewMiddleware",  # after the language is settled: counts carry it
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "memberarea.core.middleware.SecurityHeadersMiddleware",
    "memberarea.core.middleware.ButtonAddressMiddleware",  # innermost: its page gets the headers above
]

ROOT_URLCONF = "memberarea.urls"
API_DOCUMENT_PATH = "/api/v1/openapi.json"  # the one API answer that may be cached; GET and HEAD only
WSGI_APPLICATION = "memberarea.wsgi.application"

TEMPLATES: list[dict[str, Any]] = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "memberarea.core.brand.brand_context",
                "memberarea.privacy.cookies.cookie_banner_context",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
SQLITE_OPTIONS = {
    # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at BEGIN so
    # two writers queue on the busy timeout instead of failing halfway through a transaction.
    # secure_delete zeroes what a delete or an update frees, so an erased value is not left in a free
    # page of the file (decision 0035).
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;"
    ),
}


def database_from_url(url: str) -> dj_database_url.DBConfig:
    # Persistent connections (health-checked) on both engines: the worker and app servers reuse them.
    config = dj_database_url.parse(url, conn_max_age=60)
    config["CONN_HEALTH_CHECKS"] = True
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = dict(SQLITE_OPTIONS)
    else:
        config.setdefault("OPTIONS", {})["connect_timeout"] = env_int("DATABASE_CONNECT_TIMEOUT", 5)
    return config


DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'memberarea.sqlite3'}")
DATABASES = {"default": database_from_url(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and shared security state ----------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Rate limits and lock-outs: "redis" (INCR) when Redis is configured, else database counter rows.
# Never the local-memory cache, which is per process.
RATE_LIMIT_BACKEND = "redis" if REDIS_URL else "database"
RATE_LIMIT_KEY_PREFIX = env_str("RATE_LIMIT_KEY_PREFIX", "")  # several deployments on one Redis
# Captcha (ALTCHA proof of work, REG-1, LOGIN-4; docs/decisions/0011-captcha.md). The answer is a
# random number up to CAPTCHA_MAX_NUMBER, so a client tries half of them on average. At 100,000 the
# widget took about 1 s on average (2 s at worst) in Chromium on a 2-core machine, about what a
# phone spends; a Python solver 0.1 s. The cost grows in proportion. Solved challenges are
# single-use until they expire (Redis when RATE_LIMIT_BACKEND is "redis", else database rows). The
# signing key is derived from SECRET_KEY unless CAPTCHA_HMAC_KEY is set.
CAPTCHA_MAX_NUMBER = env_int("CAPTCHA_MAX_NUMBER", 100_000)
CAPTCHA_EXPIRY_SECONDS = env_int("CAPTCHA_EXPIRY_SECONDS", 10 * 60)
CAPTCHA_HMAC_KEY = env_str("CAPTCHA_HMAC_KEY")

# --- Accounts and passwords -------------------------------------------------------------------
AUTH_USER_MODEL = "identity.Account"
AUTHENTICATION_BACKENDS = ["memberarea.identity.backends.DocumentBackend"]
PASSWORD_HASHERS = ["memberarea.identity.hashers.MemberAreaArgon2Hasher"]
# argon2id at OWASP ASVS 5 Appendix C strength: t=2, m=19 MiB, p=1. Raising them re-hashes each
# password at its owner's next sign-in.
PASSWORD_ARGON2_TIME_COST = env_int("PASSWORD_ARGON2_TIME_COST", 2)
PASSWORD_ARGON2_MEMORY_KIB = env_int("PASSWORD_ARGON2_MEMORY_KIB", 19 * 1024)
PASSWORD_ARGON2_PARALLELISM = env_int("PASSWORD_ARGON2_PARALLELISM", 1)
# Password rules (PWD-1, PWD-2; docs/decisions/0010-password-profiles.md): "insurer" (the insurer's
# composition rules and a history) or "nist" (NIST SP 800-63B: any printable characters, no history).
PASSWORD_PROFILE = env_str("PASSWORD_PROFILE", "insurer")
PASSWORD_MIN_LENGTH = env_int("PASSWORD_MIN_LENGTH", 8)
PASSWORD_MAX_LENGTH = env_int("PASSWORD_MAX_LENGTH", 128)
PASSWORD_HISTORY_COUNT = env_int("PASSWORD_HISTORY_COUNT", 20)  # the current password is one of them
SILENCED_SYSTEM_CHECKS = [
    # The username is encrypted, so uniqueness lives on its blind index (Account.username_index)
    # and the DocumentBackend looks it up there; see docs/decisions/0004-encrypted-usernames.md.
    "auth.W004",
]

# --- Sessions and cookies ---------------------------------------------------------------------
SESSION_ENGINE = "memberarea.identity.session_store"  # Django's database sessions, read faster
SESSION_COOKIE_AGE = 12 * 60 * 60  # absolute browser-session lifetime (LOGIN-5)
SESSION_IDLE_SECONDS = 30 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "memberarea.web.views.errors.csrf_failure"
LANGUAGE_COOKIE_NAME = "ma_language"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE: Literal["Lax", "Strict", "None"] = "Lax"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60

# --- Security headers -------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
# same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on form POSTs and
# Django's CSRF check refuses them. Nothing is sent to other sites; pages opened from links that
# carry a token redirect to a token-free URL first (docs/decisions/0009-referrer-policy.md).
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "worker-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# --- Language and time ------------------------------------------------------------------------
LANGUAGE_CODE = "es"
LANGUAGES = [("es", "Español"), ("en", "English")]
LOCALE_PATHS = [SRC_DIR / "memberarea" / "locale"]
USE_I18N = True
USE_TZ = True
# Stored in UTC; shown (pages, emails, PDFs) in the insurer's time zone.
INSURER_TIME_ZONE = env_str("INSURER_TIME_ZONE", "Europe/Madrid")
TIME_ZONE = INSURER_TIME_ZONE
# One date format per language (decision 0017): Spanish 12/03/1984, English 12 March 1984.
FORMAT_MODULE_PATH = ["memberarea.formats"]

# --- Static and stored files ------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT: Path | None = VAR_DIR / "static"
PRIVATE_FILES_ROOT = Path(env_str("PRIVATE_FILES_ROOT", str(VAR_DIR / "private")))
STORAGES = {
    "default": {
        "BACKEND": "memberarea.core.storage.EncryptedFileStorage",
        "OPTIONS": {"location": str(PRIVATE_FILES_ROOT)},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Keys -------------------------------------------------------------------------------------
# Read and validated here; the embedded and production modules decide what happens when absent.
SECRET_KEY = env_str("SECRET_KEY")
FIELD_ENCRYPTION_KEYS = (
    decode_key_ring("FIELD_ENCRYPTION_KEYS", env_str("FIELD_ENCRYPTION_KEYS"))
    if env_str("FIELD_ENCRYPTION_KEYS")
    else []
)
BLIND_INDEX_KEY = decode_key("BLIND_INDEX_KEY", env_str("BLIND_INDEX_KEY")) if env_str("BLIND_INDEX_KEY") else b""
AUDIT_KEY = decode_key("AUDIT_KEY", env_str("AUDIT_KEY")) if env_str("AUDIT_KEY") else b""
KEY_ROTATION_BATCH_SIZE = env_int("KEY_ROTATION_BATCH_SIZE", 500)

# --- Channels (delivery comes with the notifications module) ----------------------------------
EMAIL_URL = env_str("EMAIL_URL", "outbox:")
EMAIL_CHANNEL = parse_email_url(EMAIL_URL)
SMS_URL = env_str("SMS_URL", "outbox:")
SMS_CHANNEL = parse_sms_url(SMS_URL, env_str("SMS_TOKEN"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "no-reply@example.invalid")

# --- Notifications (NOTIF-1..3; see docs/notifications.md) -----------------------------------
# Delivery attempts per message before it is marked failed. With the back-off below (90 s,
# doubling, capped at 6 h, ±20 % jitter) 12 attempts span roughly 24 hours.
NOTIFICATION_MAX_ATTEMPTS = env_int("NOTIFICATION_MAX_ATTEMPTS", 12)
NOTIFICATION_BACKOFF_BASE_SECONDS = env_int("NOTIFICATION_BACKOFF_BASE_SECONDS", 90)
NOTIFICATION_BACKOFF_MAX_SECONDS = env_int("NOTIFICATION_BACKOFF_MAX_SECONDS", 6 * 60 * 60)
# How long a worker owns a message it is sending; past it, another worker may take it over. A
# heartbeat renews it three times per lease while the send runs, so a slow provider never loses it;
# it runs out only when the worker stops (decision 0029).
NOTIFICATION_LEASE_SECONDS = env_int("NOTIFICATION_LEASE_SECONDS", 60)
# How often the sweep re-dispatches due and abandoned messages, and how long a dispatched message
# may wait for its task before the sweep dispatches it again.
NOTIFICATION_SWEEP_SECONDS = env_int("NOTIFICATION_SWEEP_SECONDS", 10)
NOTIFICATION_REDISPATCH_SECONDS = env_int("NOTIFICATION_REDISPATCH_SECONDS", 120)
# The delivery task drains its channel: it claims due messages this many at a time (one lease, one
# SMTP connection, one statement to record them sent) for at most NOTIFICATION_DRAIN_SECONDS, then
# lets other tasks run (the sweep dispatches what is left). A worker killed mid-batch resends at
# most a batch, with the same references (docs/decisions/0040-batch-delivery.md).
NOTIFICATION_BATCH_SIZE = env_int("NOTIFICATION_BATCH_SIZE", 50)
NOTIFICATION_DRAIN_SECONDS = env_int("NOTIFICATION_DRAIN_SECONDS", 10)
NOTIFICATION_SMS_TIMEOUT_SECONDS = env_int("NOTIFICATION_SMS_TIMEOUT_SECONDS", 10)
# A worker keeps its SMTP connection open while it was used within this many seconds.
NOTIFICATION_SMTP_REUSE_SECONDS = env_int("NOTIFICATION_SMTP_REUSE_SECONDS", 20)
# Subject, body and address of finished messages are erased after this many days (the row, with
# its state and error code, stays for delivery status). Secrets go at once (contains_secret).
NOTIFICATION_CONTENT_RETENTION_DAYS = env_int("NOTIFICATION_CONTENT_RETENTION_DAYS", 30)

# --- The core system (integration outbox; docs/operations.md "The core system") ----------------
# Where corrections and erasure requests are POSTed as signed JSON. Empty: nothing is sent, the
# messages wait as "held" (demo mode lists them on the development outbox page) and go out once a
# URL is configured. The signing key (any long random text) is shared with the core system, which
# checks the X-Memberarea-Signature header (HMAC-SHA256 of "<timestamp>.<body>").
CORE_SYSTEM_URL = env_str("CORE_SYSTEM_URL", "")
CORE_SYSTEM_SIGNING_KEY = env_str("CORE_SYSTEM_SIGNING_KEY", "")
if CORE_SYSTEM_URL and urlsplit(CORE_SYSTEM_URL).scheme not in {"http", "https"}:
    raise ImproperlyConfigured("CORE_SYSTEM_URL must start with http:// or https://")
CORE_SYSTEM_TIMEOUT_SECONDS = env_int("CORE_SYSTEM_TIMEOUT_SECONDS", 10)
# Attempts before a message is marked failed (60 s, doubling, capped at 6 h: about a day in all).
CORE_SYSTEM_MAX_ATTEMPTS = env_int("CORE_SYSTEM_MAX_ATTEMPTS", 12)
CORE_SYSTEM_BACKOFF_BASE_SECONDS = env_int("CORE_SYSTEM_BACKOFF_BASE_SECONDS", 60)
CORE_SYSTEM_BACKOFF_MAX_SECONDS = env_int("CORE_SYSTEM_BACKOFF_MAX_SECONDS", 6 * 60 * 60)
# A delivery owns its message this long, renewed by a heartbeat while the POST runs (decision 0029).
CORE_SYSTEM_LEASE_SECONDS = env_int("CORE_SYSTEM_LEASE_SECONDS", 60)
# The payload of a finished message is erased after this many days (the row keeps its state).
CORE_SYSTEM_PAYLOAD_RETENTION_DAYS = env_int("CORE_SYSTEM_PAYLOAD_RETENTION_DAYS", 30)

# --- Brand (white label) ----------------------------------------------------------------------
BRAND: dict[str, Any] = {
    "name": env_str("BRAND_NAME", "Ejemplia Salud"),
    "legal_entity": env_str("BRAND_LEGAL_ENTITY", "Ejemplia Salud, Seguros S.A. (ficticia)"),
    "address": env_str("BRAND_ADDRESS", "Calle Ejemplo 1, 28000 Madrid, España"),
    "logo": env_str("BRAND_LOGO", "memberarea/brand/logo.svg"),
    "primary_colour": env_str("BRAND_PRIMARY_COLOUR", "#0b5d55"),
    "accent_colour": env_str("BRAND_ACCENT_COLOUR", "#b3541e"),
    "support_email": env_str("BRAND_SUPPORT_EMAIL", "atencion@example.invalid"),
    "support_phone": env_str("BRAND_SUPPORT_PHONE", "+34 900 000 000"),
    # Opening hours are text, so one per language (brand() picks the active one).
    "support_hours": {
        "es": env_str("BRAND_SUPPORT_HOURS_ES", "de lunes a viernes, de 8:00 a 20:00"),
        "en": env_str("BRAND_SUPPORT_HOURS_EN", "Monday to Friday, 8:00 to 20:00"),
    },
    "international_email": env_str("BRAND_INTERNATIONAL_EMAIL", "international@example.invalid"),
    "international_phone": env_str("BRAND_INTERNATIONAL_PHONE", "+34 900 000 001"),
    "privacy_email": env_str("BRAND_PRIVACY_EMAIL", "privacidad@example.invalid"),
}

# --- Privacy centre (PRIV-2, PRIV-5; see docs/privacy.md) ------------------------------------
# The `jurisdiction` of every consent receipt: the country (ISO 3166) whose law governs the consent.
PRIVACY_JURISDICTION = env_str("PRIVACY_JURISDICTION", "ES")
# /.well-known/gpc.json's `lastUpdate`: the day this deployment last changed how it honours GPC.
PRIVACY_GPC_LAST_UPDATE = env_str("PRIVACY_GPC_LAST_UPDATE", "2026-12-05")
# --- Processors and countries (PRIV-15; see docs/operations.md) ------------------------------------
# Every outside organisation that stores or handles personal data for us: `kind` (email, sms, hosting,
# core_system: the purpose and the data-map categories follow from it), the organisation's `name` (empty:
# the kind's own name), its `website` (empty: none), the ISO `countries` where it stores or processes
# the data, the `safeguard` of a country outside PRIVACY_EEA_COUNTRIES, and the data-map `purposes` it
# serves (for the record of processing). A deployment gives its own list as JSON in PROCESSORS. The
# defaults are invented organisations on reserved example.com addresses, safe for a demonstration.
_PROCESSORS_DEFAULT = [
    {"kind": "email", "name": "Correo Ejemplo S.L.", "website": "https://mail.example.com/", "countries": ["ES"],
     "safeguard": "", "purposes": ["account_management", "security", "member_service", "marketing"]},
    {"kind": "sms", "name": "Mensajes Ejemplo S.L.", "website": "https://sms.example.com/", "countries": ["ES"],
     "safeguard": "", "purposes": ["account_management", "security", "member_service", "marketing"]},
    {"kind": "hosting", "name": "Alojamiento Ejemplo S.A.", "website": "https://hosting.example.com/",
     "countries": ["ES", "IE"], "safeguard": "",
     "purposes": ["account_management", "security", "member_service", "legal_obligation", "marketing", "analytics"]},
    {"kind": "core_system", "name": "", "website": "", "countries": ["ES"], "safeguard": "",
     "purposes": ["member_service", "legal_obligation"]},
]  # fmt: skip
PROCESSORS: list[dict[str, Any]] = env_json("PROCESSORS") or _PROCESSORS_DEFAULT
# --- Record of processing (PRIV-7; see docs/privacy.md) --------------------------------------------
# Who receives personal data, for which purposes of the data map (core/datamap.py), and where (ISO
# country code); a recipient outside PRIVACY_EEA_COUNTRIES is a transfer and names its safeguard. By
# default one entry per processor and country above; PRIVACY_RECIPIENTS (JSON) replaces the list.
PRIVACY_RECIPIENTS: list[dict[str, Any]] = env_json("PRIVACY_RECIPIENTS") or [
    {"name": entry["name"] or "The insurer's core insurance system", "country": country,
     "safeguard": entry["safeguard"], "purposes": entry["purposes"]}
    for entry in PROCESSORS
    for country in entry["countries"]
]  # fmt: skip
PRIVACY_EEA_COUNTRIES = env_list(
    "PRIVACY_EEA_COUNTRIES",
    "AT,BE,BG,CY,CZ,DE,DK,EE,ES,FI,FR,GR,HR,HU,IE,IS,IT,LI,LT,LU,LV,MT,NL,NO,PL,PT,RO,SE,SI,SK",
)
# --- Aggregate reports (PRIV-11; see docs/privacy.md and decision 0037) ---------------------------
# Counts from 1 to this number are never published (0 is); more cells are hidden so none can be worked out.
AGGREGATE_SUPPRESSION_THRESHOLD = env_int("AGGREGATE_SUPPRESSION_THRESHOLD", 10)
# The first age of each band after the first (0 to 17, 18 to 29, … 65 and over).
AGGREGATE_AGE_BANDS = [int(age) for age in env_list("AGGREGATE_AGE_BANDS", "18,30,45,65")]

# --- Exports of a member's data (PRIV-8, PERF-6; see docs/privacy.md "Your data, downloaded") -----
# How long a prepared export is kept (encrypted) before it is deleted, how long a download link
# works (single use, for the account it was issued to), and how often a running export writes its
# progress (rows).
EXPORT_LIFETIME_DAYS = env_int("EXPORT_LIFETIME_DAYS", 7)
EXPORT_LINK_LIFETIME_MINUTES = env_int("EXPORT_LINK_LIFETIME_MINUTES", 30)
EXPORT_PROGRESS_EVERY_ROWS = env_int("EXPORT_PROGRESS_EVERY_ROWS", 250)

# --- Partners (PRIV-9, decisions 0036 and 0049) ---------------------------------------------------
# Who may receive, for its own marketing, the adults who opted in to sharing with partners: a JSON
# list of {"id", "name", "purpose", "country"} in PRIVACY_PARTNERS, the purpose one text for every
# language or {"es": "…", "en": "…"} (missing the page's language: LANGUAGE_CODE's text, then any).
# Checked at start-up (privacy.checks). None by default; the demo names a made-up one. An export's
# file is downloadable for PRIVACY_PARTNER_EXPORT_HOURS, then deleted.
_PARTNERS_DEMO = [
    {"id": "viajes-ejemplo", "name": "Viajes Ejemplo", "country": "ES",
     "purpose": {"es": "Le envía ofertas de seguros de viaje, si usted aceptó recibir ofertas de nuestros socios.",
                 "en": "Sends you offers of travel insurance, if you agreed to hear from our partners."}},
]  # fmt: skip
PRIVACY_PARTNERS: list[dict[str, Any]] = env_json("PRIVACY_PARTNERS") or (_PARTNERS_DEMO if DEMO_MODE else [])
PRIVACY_PARTNER_EXPORT_HOURS = env_int("PRIVACY_PARTNER_EXPORT_HOURS", 72)

# --- Background work --------------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
WORKER_SWEEP_SECONDS = env_int("WORKER_SWEEP_SECONDS", 15)
TASK_RESULT_RETENTION_DAYS = env_int("TASK_RESULT_RETENTION_DAYS", 7)
# A worker renews its lease (a heartbeat, four times per lease) while it lives; a task still running
# when its worker's lease has run out is queued again, or failed after TASK_MAX_ATTEMPTS claims. A
# task that raises is retried after TASK_RETRY_BASE_SECONDS, doubling (decision 0029).
TASK_LEASE_SECONDS = env_int("TASK_LEASE_SECONDS", 120)
TASK_MAX_ATTEMPTS = env_int("TASK_MAX_ATTEMPTS", 5)
TASK_RETRY_BASE_SECONDS = env_int("TASK_RETRY_BASE_SECONDS", 30)

# --- Enrollment (ENR-2, ENR-3; see docs/import.md) --------------------------------------------
# Rows per import transaction: bigger is faster, smaller holds write locks for less time.
ENROLLMENT_IMPORT_CHUNK_SIZE = env_int("ENROLLMENT_IMPORT_CHUNK_SIZE", 1000)
# SQLite only: the page cache of the connection that runs an import (docs/performance.md, PERF-5).
ENROLLMENT_IMPORT_SQLITE_CACHE_MIB = env_int("ENROLLMENT_IMPORT_SQLITE_CACHE_MIB", 64)
ENROLLMENT_API_MAX_RECORDS = 10_000  # per POST /api/v1/enrollment/batches (ENR-2)
# The batch endpoint reads its own body (10,000 records exceed DATA_UPLOAD_MAX_MEMORY_SIZE).
ENROLLMENT_API_MAX_BODY_BYTES = env_int("ENROLLMENT_API_MAX_BODY_BYTES", 32 * 1024 * 1024)
# Welcome emails falling due per minute of one import; later ones are spread over later minutes.
ENROLLMENT_WELCOME_PER_MINUTE = env_int("ENROLLMENT_WELCOME_PER_MINUTE", 300)
# Where members reach the portal (https://members.example.com): every link in an email or SMS is
# built on it by core/links.py. Required in production; in demo mode, when unset, links follow the
# host and port actually served (make run passes its HOST and PORT).
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL")
# The welcome emails' links; empty means the portal's own /register/ and /sign-in/ pages.
ENROLLMENT_REGISTER_URL = env_str("ENROLLMENT_REGISTER_URL")
ENROLLMENT_SIGN_IN_URL = env_str("ENROLLMENT_SIGN_IN_URL")

# --- Logging: JSON lines, request ids, personal data and secrets redacted ----------------------
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "memberarea.core.logging.RequestIdFilter"},
        "redact": {"()": "memberarea.core.logging.RedactionFilter"},
    },
    "formatters": {"json": {"()": "memberarea.core.logging.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id", "redact"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django logs the full request line on 4xx/5xx; the redaction filter cleans it.
        "django.request": {"level": "WARNING"},
        "django.server": {"level": "INFO"},
    },
}

# Network: how many reverse proxies in front of the app add X-Forwarded-For (0: trust no header).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# One-time codes (REG-4, LOGIN-3): 6 digits, stored as keyed hashes.
CODE_LIFETIME_SECONDS = env_int("CODE_LIFETIME_SECONDS", 10 * 60)
CODE_MAX_ATTEMPTS = env_int("CODE_MAX_ATTEMPTS", 5)  # wrong tries per code
CODE_RESEND_COOLDOWN_SECONDS = env_int("CODE_RESEND_COOLDOWN_SECONDS", 60)
CODE_MAX_SENDS = env_int("CODE_MAX_SENDS", 5)  # per flow and channel, the first send included

# Registration (REG-1..6).
REGISTRATION_FLOW_SECONDS = env_int("REGISTRATION_FLOW_SECONDS", 30 * 60)
REGISTRATION_FAILURE_WINDOW_SECONDS = env_int("REGISTRATION_FAILURE_WINDOW_SECONDS", 15 * 60)
REGISTRATION_FAILURES_BEFORE_CAPTCHA = env_int("REGISTRATION_FAILURES_BEFORE_CAPTCHA", 5)
REGISTRATION_FAILURES_BEFORE_BLOCK = env_int("REGISTRATION_FAILURES_BEFORE_BLOCK", 15)
REGISTRATION_DOCUMENT_ATTEMPTS = env_int("REGISTRATION_DOCUMENT_ATTEMPTS", 3)  # per flow
REGISTRATION_DOCUMENT_FAILURES_PER_DAY = env_int("REGISTRATION_DOCUMENT_FAILURES_PER_DAY", 6)  # per membership
REGISTRATION_DOCUMENT_FAILURE_WINDOW_SECONDS = env_int("REGISTRATION_DOCUMENT_FAILURE_WINDOW_SECONDS", 24 * 60 * 60)
REGISTRATION_CONTACT_HOLD_DAYS = env_int("REGISTRATION_CONTACT_HOLD_DAYS", 7)
REGISTRATION_NOT_ME_LINK_DAYS = env_int("REGISTRATION_NOT_ME_LINK_DAYS", 30)
REGISTRATION_LINK_PASSWORD_FAILURES = env_int("REGISTRATION_LINK_PASSWORD_FAILURES", 5)  # per account and window
REGISTRATION_LINK_PASSWORD_WINDOW_SECONDS = env_int("REGISTRATION_LINK_PASSWORD_WINDOW_SECONDS", 15 * 60)

# App sessions (LOGIN-5).
APP_ACCESS_TOKEN_SECONDS = env_int("APP_ACCESS_TOKEN_SECONDS", 15 * 60)
APP_SESSION_IDLE_DAYS = env_int("APP_SESSION_IDLE_DAYS", 30)
APP_SESSION_ABSOLUTE_DAYS = env_int("APP_SESSION_ABSOLUTE_DAYS", 90)

# Sign-in (LOGIN-1..4, LOGIN-9). Failures are counted per keyed username and per address.
LOGIN_URL = "/sign-in/"
LOGIN_FLOW_SECONDS = env_int("LOGIN_FLOW_SECONDS", 15 * 60)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", 60 * 60)
LOGIN_FAILURES_BEFORE_CAPTCHA = env_int("LOGIN_FAILURES_BEFORE_CAPTCHA", 5)
LOGIN_FAILURES_BEFORE_LOCK = env_int("LOGIN_FAILURES_BEFORE_LOCK", 10)
LOGIN_LOCK_SECONDS = env_int("LOGIN_LOCK_SECONDS", 15 * 60)
LOGIN_ADDRESS_FAILURES_BEFORE_CAPTCHA = env_int("LOGIN_ADDRESS_FAILURES_BEFORE_CAPTCHA", 10)
LOGIN_ADDRESS_FAILURES_BEFORE_BLOCK = env_int("LOGIN_ADDRESS_FAILURES_BEFORE_BLOCK", 100)
LOGIN_CODES_PER_ACCOUNT_PER_DAY = env_int("LOGIN_CODES_PER_ACCOUNT_PER_DAY", 20)
LOGIN_CODES_WINDOW_SECONDS = env_int("LOGIN_CODES_WINDOW_SECONDS", 24 * 60 * 60)  # the "day" above
STEP_UP_SECONDS = env_int("STEP_UP_SECONDS", 10 * 60)  # how long a fresh second step allows sensitive actions

# Recovery and forgotten username (REC-1..4, LOGIN-8).
RECOVERY_LINK_HOURS = env_int("RECOVERY_LINK_HOURS", 24)
RECOVERY_REQUESTS_PER_HOUR = env_int("RECOVERY_REQUESTS_PER_HOUR", 5)  # per address and per username
RECOVERY_NEW_CONTACT_HOLD_DAYS = env_int("RECOVERY_NEW_CONTACT_HOLD_DAYS", 7)  # after an assisted email change (BO-3)

# Guardians and coming of age (GUARD-2): the age of majority, when guardians are told, and how long
# after the birthday a worker that was down still sends the invitation to register.
ADULT_AGE = env_int("ADULT_AGE", 18)
COMING_OF_AGE_NOTICE_DAYS = env_int("COMING_OF_AGE_NOTICE_DAYS", 31)
COMING_OF_AGE_CATCH_UP_DAYS = env_int("COMING_OF_AGE_CATCH_UP_DAYS", 7)

# Privacy notices (PRIV-1): how many days the home page announces a notice version after it takes effect.
PRIVACY_NOTICE_ANNOUNCE_DAYS = env_int("PRIVACY_NOTICE_ANNOUNCE_DAYS", 30)

# Back office (BO-2): how long a reason given at the gate opens one member's page for one staff session.
BACKOFFICE_REASON_GRANT_SECONDS = env_int("BACKOFFICE_REASON_GRANT_SECONDS", 15 * 60)

# Devices (LOGIN-6).
TRUSTED_DEVICE_DAYS = env_int("TRUSTED_DEVICE_DAYS", 30)
TRUSTED_DEVICE_COOKIE = "ma_trusted"
KNOWN_DEVICE_COOKIE = "ma_device"

# Cookies and first-party analytics (PRIV-6; docs/privacy.md, decision 0027). Page views are counted
# on the server (route pattern, language, day: no identifiers) only for browsers that accepted the
# one optional category. Off: no counting and no cookie banner, since nothing would need consent.
ANALYTICS_ENABLED = env_bool("ANALYTICS_ENABLED", True)
# The browser's answer to the banner: signed, holding the choice and a random consent id.
COOKIE_CHOICE_COOKIE = "ma_cookie_choice"
COOKIE_CHOICE_AGE = env_int("COOKIE_CHOICE_DAYS", 365) * 24 * 60 * 60  # then the banner asks again
# Daily counts older than this are deleted by a periodic job (about 13 months: a year to compare with).
ANALYTICS_RETENTION_DAYS = env_int("ANALYTICS_RETENTION_DAYS", 400)
# Marketing campaigns and unsubscribe (PRIV-4, docs/privacy.md "Campaigns and unsubscribe"): members
# queued per batch of a campaign's sending, how long an unsubscribe link (and an SMS's short link)
# works, and the longest SMS campaign text (the short link is added after it).
PRIVACY_CAMPAIGN_BATCH_SIZE = env_int("PRIVACY_CAMPAIGN_BATCH_SIZE", 200)
# The retention job (PRIV-14, decision 0035): rows (or persons) per batch, one transaction each; how
# many batches one sweep of the worker runs before it lets other jobs go (the run resumes at the next
# sweep); and how often a new run starts.
RETENTION_BATCH_ROWS = env_int("RETENTION_BATCH_ROWS", 500)
RETENTION_BATCHES_PER_SWEEP = env_int("RETENTION_BATCHES_PER_SWEEP", 100)
RETENTION_EVERY_HOURS = env_int("RETENTION_EVERY_HOURS", 24)
# How many days after a member's last policy ended the privacy centre (and so the account) stays open
# to them; the relationship that the retention periods count from ends then. Shared with the rights
# requests (issue 13).
PRIVACY_CENTRE_AFTER_END_DAYS = env_int("PRIVACY_CENTRE_AFTER_END_DAYS", 365)
PRIVACY_UNSUBSCRIBE_LINK_DAYS = env_int("PRIVACY_UNSUBSCRIBE_LINK_DAYS", 60)
PRIVACY_CAMPAIGN_SMS_MAX_LENGTH = env_int("PRIVACY_CAMPAIGN_SMS_MAX_LENGTH", 120)

# Rights requests (PRIV-8, docs/privacy.md "Rights requests", decision 0033): the regime whose deadlines
# apply (gdpr | ccpa | hipaa; an officer may change one request's) and the insurer's holidays skipped
# when counting business days (ISO dates, comma-separated). How long members of ended policies may
# still make requests is PRIVACY_CENTRE_AFTER_END_DAYS above.
PRIVACY_REGIME = env_str("PRIVACY_REGIME", "gdpr")
PRIVACY_HOLIDAYS = env_list("PRIVACY_HOLIDAYS", "")
