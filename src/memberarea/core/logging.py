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
from collections.abc import Callable

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)


# Long names in tracebacks (snake_case functions, CamelCase classes) are code, not secrets.
_IDENTIFIER = re.compile(r"_*[a-z][a-z0-9]*(?:_+[a-z0-9]+)+_*|(?:[A-Z][a-z]+)+")


def _token_like(match: re.Match[str]) -> str:
    return match.group(0) if _IDENTIFIER.fullmatch(match.group(0)) else "[token]"


def _phone_like(match: re.Match[str]) -> str:
    """Runs of digits with separators are redacted once they hold a phone number's worth of digits."""
    return "[phone]" if sum(ch.isdigit() for ch in match.group(0)) >= 9 else match.group(0)


# A date or document must not be a slice of a longer run of digits (a phone written with dots).
_ALONE_BEFORE, _ALONE_AFTER = r"(?<![\d.\-/])", r"(?![.\-/]?\d)"
REDACTIONS: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = [
    # secrets in URLs first: query values, signed tokens (JWT) and long path tokens
    (re.compile(r"([?&;](?:token|code|key|sig|signature|t|link|password|otp)=)[^&\s\"']+", re.I), r"\1[redacted]"),
    (re.compile(r"\beyJ[A-Za-z0-9_\-]{8,}(?:\.[A-Za-z0-9_\-]+){1,2}"), "[token]"),
    (re.compile(r"\b[A-Za-z0-9_\-]{24,}(?:\.[A-Za-z0-9_\-]{8,})*\b"), _token_like),
    (re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+"), "[email]"),
    # 1985-03-12, 1985/03/12, 12/03/1985, 12-03-1985, 12.03.85
    (
        re.compile(
            _ALONE_BEFORE + r"\b(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})\b" + _ALONE_AFTER
        ),
        "[date]",
    ),
    # phones hold 9 digits or more, documents 8 or fewer: phones first, so a document rule never
    # takes a slice of a phone number
    (re.compile(r"\+?\d[\d\s().\-]{7,}\d"), _phone_like),
    # NIE (X1234567L, X-1234567-L, X1234567) and DNI (12345678Z, 12.345.678-Z, 12 345 678 Z, 12345678)
    (re.compile(r"\b[XYZxyz][\s.\-]?\d{7}(?:[\s.\-]?[A-Za-z])?\b"), "[document]"),
    (re.compile(_ALONE_BEFORE + r"\b\d{1,2}[.\s]?\d{3}[.\s]?\d{3}[\s\-]?[A-Za-z]\b"), "[document]"),
    (re.compile(_ALONE_BEFORE + r"\b\d{2}([.\s]?)\d{3}\1\d{3}\b" + _ALONE_AFTER), "[document]"),
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
        # Django logs 4xx/5xx responses ("Not Found: …") after the middleware has unbound the id;
        # those records carry the request itself.
        request = getattr(record, "request", None)
        record.request_id = current_request_id() or getattr(request, "request_id", None)
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
