"""Structured logs: one JSON object per line, with the request id, and never personal data or secrets.

The redaction filter rewrites every message (after its arguments are merged) and every traceback,
replacing anything shaped like an email, phone number, identity document, date, one-time code or
token. It is a safety net: code still must not log personal values on purpose.
"""

import contextvars
import datetime as dt
import json
import logging
import re

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)


def _phone_like(match: re.Match[str]) -> str:
    """Runs of digits with separators are redacted once they hold a phone number's worth of digits."""
    return "[phone]" if sum(ch.isdigit() for ch in match.group(0)) >= 9 else match.group(0)


REDACTIONS: list[tuple[re.Pattern[str], object]] = [
    # secrets in URLs first: query values and long path tokens
    (re.compile(r"([?&;](?:token|code|key|sig|signature|t|link|password|otp)=)[^&\s\"']+", re.I), r"\1[redacted]"),
    (re.compile(r"\b[A-Za-z0-9_\-]{24,}(?:\.[A-Za-z0-9_\-]{8,})*\b"), "[token]"),
    (re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+"), "[email]"),
    (re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b"), "[date]"),
    (re.compile(r"\b[XYZxyz][\s\-]?\d{7}[\s\-]?[A-Za-z]\b|\b\d{8}[\s\-]?[A-Za-z]\b"), "[document]"),
    (re.compile(r"\+?\d[\d\s().\-]{7,}\d"), _phone_like),
    (re.compile(r"\b\d{6}\b"), "[code]"),
]


def redact(text: str) -> str:
    for pattern, replacement in REDACTIONS:
        text = pattern.sub(replacement, text)
    return text


def current_request_id() -> str | None:
    return _request_id.get()


def bind_request_id(value: str | None) -> contextvars.Token:
    return _request_id.set(value)


def unbind_request_id(token: contextvars.Token) -> None:
    _request_id.reset(token)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


class RedactionFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        record.exc_info = None  # the redacted text above replaces the raw traceback
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        document = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        status = getattr(record, "status_code", None)
        if status is not None:
            document["status"] = status
        if record.exc_text:
            document["exception"] = record.exc_text
        return json.dumps(document, ensure_ascii=False)
