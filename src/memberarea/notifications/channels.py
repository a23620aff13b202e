"""The delivery channels (NOTIF-1): email over SMTP, SMS over an HTTP gateway, the development outbox.

Each `*_send(message)` either returns (the provider accepted the message) or raises DeliveryError
with a short code. Codes never carry the provider's text, which can contain addresses. Each send
carries the message's reference so a provider can drop a duplicate after a crash-and-resend.
"""

import json
import re
import smtplib
import ssl
import threading
import time
import urllib.error
import urllib.request
from email.header import Header
from email.message import Message as Message_
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr

from django.conf import settings
from django.db import IntegrityError, transaction

from memberarea.core import clock

from .models import Channel, DevOutboxEntry, Kind, Message

# A temporary failure is retried with back-off; a permanent one (the provider refuses this very
# message or recipient) fails the message at once. Configuration errors (bad password, wrong URL)
# are temporary: retries give operators the retry window to fix them without losing messages.


# One address, no display name, nothing that could fold or inject a header.
_ADDRESS = re.compile(r"^[^@\s<>\",;]+@[^@\s<>\",;]+\.[^@\s<>\",;]+$")


class DeliveryError(Exception):
    def __init__(self, code: str, *, permanent: bool = False) -> None:
        super().__init__(code)
        self.code = code[:64]
        self.permanent = permanent


def message_send(message: Message) -> None:
    if message.channel == Channel.EMAIL:
        sender = email_send_outbox if settings.EMAIL_CHANNEL["channel"] == "outbox" else email_send_smtp
    else:
        sender = sms_send_outbox if settings.SMS_CHANNEL["channel"] == "outbox" else sms_send_http
    sender(message)


def list_headers(message: Message) -> dict[str, str]:
    """RFC 8058 one-click unsubscribe for marketing; administrative messages have none (PRIV-4)."""
    if message.kind != Kind.MARKETING or not message.unsubscribe_url:
        return {}
    return {
        "List-Unsubscribe": f"<{message.unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


# --- Email over SMTP --------------------------------------------------------------------------


def email_build(message: Message) -> Message_:
    """The MIME message, built with the email package's compat32 classes.

    They are about four times faster than `EmailMessage` with the header registry, which
    dominated the cost of a delivery (docs/performance.md, PERF-7); the headers are the same.
    """
    sender = settings.DEFAULT_FROM_EMAIL
    domain = sender.rpartition("@")[2] or "localhost"
    if not _ADDRESS.match(message.to or ""):
        raise DeliveryError("invalid_address", permanent=True)
    text = MIMEText(message.body_text or "", "plain", "utf-8")
    if message.body_html:
        email: Message_ = MIMEMultipart("alternative")
        email.attach(text)
        email.attach(MIMEText(message.body_html, "html", "utf-8"))
    else:
        email = text
    email["From"] = formataddr((settings.BRAND["name"], sender), charset="utf-8")
    email["To"] = message.to
    email["Subject"] = Header(message.subject or "", "utf-8").encode()
    email["Date"] = format_datetime(clock.now())
    # Derived from the reference: a resend after a crash has the same Message-ID, so providers and
    # mail clients that de-duplicate by it show the message once.
    email["Message-ID"] = f"<{message.reference}@{domain}>"
    email["Auto-Submitted"] = "auto-generated"
    email["Content-Language"] = message.language
    for name, value in list_headers(message).items():
        email[name] = value
    return email


class _SmtpSession:
    """This thread's open SMTP connection, reused while it was used within NOTIFICATION_SMTP_REUSE_SECONDS.

    Opening a connection (TCP, EHLO, STARTTLS, AUTH) costs more than sending a message; a worker
    draining a queue keeps one open. A connection the server dropped while idle is replaced once.
    """

    _local = threading.local()

    @classmethod
    def get(cls) -> tuple[smtplib.SMTP, bool]:
        config = settings.EMAIL_CHANNEL
        connection = getattr(cls._local, "connection", None)
        if (
            connection is not None
            and time.monotonic() - cls._local.used_at < settings.NOTIFICATION_SMTP_REUSE_SECONDS
            and cls._local.config == config
        ):
            return connection, True
        cls.close()
        cls._local.connection, cls._local.config = _smtp_open(config), dict(config)
        return cls._local.connection, False

    @classmethod
    def used(cls) -> None:
        cls._local.used_at = time.monotonic()

    @classmethod
    def close(cls) -> None:
        connection = getattr(cls._local, "connection", None)
        cls._local.connection = None
        if connection is not None:
            try:
                connection.quit()
            except (OSError, smtplib.SMTPException):
                connection.close()


def _smtp_open(config: dict) -> smtplib.SMTP:
    smtp: smtplib.SMTP
    try:
        if config["use_ssl"]:
            smtp = smtplib.SMTP_SSL(
                config["host"], config["port"], timeout=config["timeout"], context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(config["host"], config["port"], timeout=config["timeout"])
        if config["use_tls"] and not config["use_ssl"]:
            smtp.starttls(context=ssl.create_default_context())
        if config["username"]:
            smtp.login(config["username"], config["password"])
    except (TimeoutError, OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(_smtp_code(exc)) from None
    return smtp


def email_send_smtp(message: Message) -> None:
    email = email_build(message)
    while True:
        smtp, reused = _SmtpSession.get()
        try:
            smtp.send_message(email, from_addr=settings.DEFAULT_FROM_EMAIL, to_addrs=[message.to])
        except smtplib.SMTPRecipientsRefused as exc:
            _SmtpSession.used()  # the server answered: the connection stays good
            codes = [code for code, _ in exc.recipients.values()]
            code = codes[0] if codes else 0
            raise DeliveryError(f"smtp_recipient_{code}", permanent=500 <= code < 600) from None
        except smtplib.SMTPDataError as exc:
            _SmtpSession.used()
            raise DeliveryError(f"smtp_data_{exc.smtp_code}", permanent=500 <= exc.smtp_code < 600) from None
        except (TimeoutError, OSError, smtplib.SMTPException) as exc:
            _SmtpSession.close()
            if reused and isinstance(exc, smtplib.SMTPServerDisconnected | ConnectionError):
                continue  # the idle connection was dropped by the server: once more on a fresh one
            raise DeliveryError(_smtp_code(exc)) from None
        _SmtpSession.used()
        return


# Most specific first: the code of the first class the exception is an instance of.
_SMTP_CODES: tuple[tuple[type[BaseException], str], ...] = (
    (smtplib.SMTPAuthenticationError, "smtp_auth"),
    (smtplib.SMTPServerDisconnected, "smtp_disconnected"),
    (TimeoutError, "smtp_timeout"),
    (ssl.SSLError, "smtp_tls"),
    (ConnectionRefusedError, "smtp_refused"),
    (OSError, "smtp_unavailable"),
)


def _smtp_code(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException) and not isinstance(exc, smtplib.SMTPAuthenticationError):
        return f"smtp_{exc.smtp_code}"
    return next((code for kind, code in _SMTP_CODES if isinstance(exc, kind)), "smtp_error")


# --- SMS over HTTP ----------------------------------------------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect would replay the bearer token to another address: treat it as a failure."""

    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def sms_send_http(message: Message) -> None:
    config = settings.SMS_CHANNEL
    payload = {"to": message.to, "body": message.body_text, "reference": message.reference}
    http_post_json(
        config["url"],
        body=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Authorization": f"Bearer {config['token']}", "Idempotency-Key": message.reference},
        timeout=settings.NOTIFICATION_SMS_TIMEOUT_SECONDS,
        code_prefix="sms",
    )


def http_post_json(url: str, *, body: bytes, headers: dict[str, str], timeout: float, code_prefix: str) -> None:
    """POST a JSON body; return on 2xx, else raise DeliveryError(`<prefix>_timeout`, `_unavailable`,
    `_http_<status>`). 4xx means "not this message" (permanent) except auth, rate and timeout answers,
    which an operator can fix within the retry window. Redirects are refused."""
    request = urllib.request.Request(  # noqa: S310 - settings allow only http(s) URLs here
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", "Accept": "application/json", **headers},
    )
    try:
        with _opener.open(request, timeout=timeout) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
        exc.close()
    except TimeoutError:
        raise DeliveryError(f"{code_prefix}_timeout") from None
    except urllib.error.URLError as exc:
        reason = "timeout" if isinstance(exc.reason, TimeoutError) else "unavailable"
        raise DeliveryError(f"{code_prefix}_{reason}") from None
    except OSError:
        raise DeliveryError(f"{code_prefix}_unavailable") from None
    if 200 <= status < 300:
        return
    permanent = 400 <= status < 500 and status not in {401, 403, 404, 408, 409, 425, 429}
    raise DeliveryError(f"{code_prefix}_http_{status}", permanent=permanent)


# --- Development outbox -----------------------------------------------------------------------


def email_send_outbox(message: Message) -> None:
    _outbox_store(message, headers={"Content-Language": message.language, **list_headers(message)})


def sms_send_outbox(message: Message) -> None:
    _outbox_store(message, headers={})


def _outbox_store(message: Message, *, headers: dict[str, str]) -> None:
    """Store the message as delivered, once per reference (like a provider that de-duplicates)."""
    if DevOutboxEntry.objects.filter(reference=message.reference).exists():
        return
    entry = DevOutboxEntry(
        reference=message.reference,
        channel=message.channel,
        kind=message.kind,
        language=message.language,
        to=message.to,
        subject=message.subject,
        body_text=message.body_text,
        body_html=message.body_html,
        headers=json.dumps(headers),
        delivered_at=clock.now(),
    )
    try:
        with transaction.atomic():
            entry.save(force_insert=True)
    except IntegrityError:
        return  # another worker stored the same reference first
