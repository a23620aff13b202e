"""Validation of incoming enrollment records (ENR-2): raw text in, a clean record or per-field codes out.

The same cleaning serves the CSV command and the JSON endpoint, so both accept and reject the same
things. Errors are (field, code) pairs — a stable code, never the offending value.
"""

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings

from memberarea.core.crypto import blind_index

from .identifiers import (
    InvalidContact,
    InvalidDocument,
    document_normalise,
    email_normalise,
    mobile_normalise,
    normalise_number,
)
from .models import DocumentType, PolicyStatus, PolicyType, Relationship, Sex

# Stable row-error codes (documented in docs/import.md).
REQUIRED = "required"
INVALID_DATE = "invalid_date"
INVALID_CHOICE = "invalid_choice"
INVALID_DOCUMENT = "invalid_document"
INVALID_EMAIL = "invalid_email"
INVALID_PHONE = "invalid_phone"
TOO_LONG = "too_long"
UNKNOWN_POLICY = "unknown_policy"
DUPLICATE_MEMBER_NUMBER = "duplicate_member_number"
DUPLICATE_POLICY_NUMBER = "duplicate_policy_number"
DOCUMENT_CONFLICT = "document_conflict"
UNKNOWN_GUARDIAN = "unknown_guardian"
INVALID_GUARDIAN = "invalid_guardian"
ROW_CODES = (
    REQUIRED, INVALID_DATE, INVALID_CHOICE, INVALID_DOCUMENT, INVALID_EMAIL, INVALID_PHONE, TOO_LONG,
    UNKNOWN_POLICY, DUPLICATE_MEMBER_NUMBER, DUPLICATE_POLICY_NUMBER, DOCUMENT_CONFLICT, UNKNOWN_GUARDIAN,
    INVALID_GUARDIAN,
)  # fmt: skip

MEMBER_COLUMNS: tuple[str, ...] = (
    "member_number", "policy_number", "first_name", "last_name", "date_of_birth", "sex", "relationship",
    "start_date", "end_date", "address_line1", "address_line2", "postal_code", "city", "province", "country",
    "email", "mobile", "language", "document_type", "document_number", "document_country",
    "guardian_member_numbers",
)  # fmt: skip
MEMBER_REQUIRED: tuple[str, ...] = (
    "member_number", "policy_number", "first_name", "last_name", "date_of_birth", "relationship", "start_date",
)  # fmt: skip
POLICY_COLUMNS: tuple[str, ...] = ("policy_number", "policy_type", "status", "start_date", "end_date", "holder_name")
POLICY_REQUIRED: tuple[str, ...] = ("policy_number", "policy_type", "status", "start_date")
MAX_LENGTHS = {
    "member_number": 40, "policy_number": 40, "first_name": 100, "last_name": 150, "address_line1": 200,
    "address_line2": 200, "postal_code": 16, "city": 100, "province": 100, "email": 254, "holder_name": 200,
}  # fmt: skip
EARLIEST_DATE = dt.date(1900, 1, 1)

FieldErrors = list[tuple[str, str]]


@dataclass(frozen=True)
class PolicyRecord:
    number: str
    type: str
    status: str
    start_date: dt.date
    end_date: dt.date | None
    holder_name: str

    @property
    def policy_number(self) -> str:
        return self.number

    def digest(self) -> str:
        return _digest("policy", vars(self))


@dataclass(frozen=True)
class MemberRecord:
    member_number: str
    policy_number: str
    first_name: str
    last_name: str
    date_of_birth: dt.date
    sex: str
    relationship: str
    start_date: dt.date
    end_date: dt.date | None
    street: str
    postal_code: str
    city: str
    province: str
    country: str
    email: str
    mobile: str
    language: str
    document_type: str
    document_number: str
    document_country: str
    guardians: tuple[str, ...]

    def digest(self) -> str:
        """A keyed hash of the whole record: an unchanged re-import is recognised without decrypting."""
        return _digest("member", vars(self))


def _digest(kind: str, values: dict) -> str:
    canonical = json.dumps(values, sort_keys=True, default=str, ensure_ascii=True, separators=(",", ":"))
    return blind_index(f"enrollment-record-{kind}", canonical)


def _text(raw: Mapping, name: str) -> str:
    value = raw.get(name)
    return " ".join(str(value).split()) if value is not None else ""


class _Cleaner:
    def __init__(self, raw: Mapping) -> None:
        self.raw = raw
        self.errors: FieldErrors = []

    def fail(self, name: str, code: str) -> None:
        self.errors.append((name, code))

    def text(self, name: str, *, required: bool = False) -> str:
        value = _text(self.raw, name)
        if required and not value:
            self.fail(name, REQUIRED)
        elif len(value) > MAX_LENGTHS.get(name, 200):
            self.fail(name, TOO_LONG)
        return value

    def number(self, name: str) -> str:
        value = normalise_number(_text(self.raw, name))
        if not value:
            self.fail(name, REQUIRED)
        elif len(value) > MAX_LENGTHS[name]:
            self.fail(name, TOO_LONG)
        return value

    def choice(self, name: str, choices, *, default: str = "", required: bool = False) -> str:
        value = _text(self.raw, name).lower()
        if not value:
            if required:
                self.fail(name, REQUIRED)
            return default
        if value not in choices:
            self.fail(name, INVALID_CHOICE)
        return value

    def date(self, name: str, *, required: bool = False, not_after: dt.date | None = None) -> dt.date | None:
        """ISO 8601 dates only (YYYY-MM-DD): 03/04/2020 means different days to different systems."""
        value = _text(self.raw, name)
        if not value:
            if required:
                self.fail(name, REQUIRED)
            return None
        try:
            parsed = dt.date.fromisoformat(value) if len(value) == 10 else None
        except ValueError:
            parsed = None
        if parsed is None or parsed < EARLIEST_DATE or (not_after is not None and parsed > not_after):
            self.fail(name, INVALID_DATE)
            return None
        return parsed


def policy_record_clean(raw: Mapping) -> tuple[PolicyRecord | None, FieldErrors]:
    c = _Cleaner(raw)
    number = c.number("policy_number")
    policy_type = c.choice("policy_type", PolicyType.values, required=True)
    status = c.choice("status", PolicyStatus.values, required=True)
    start = c.date("start_date", required=True)
    end = c.date("end_date")
    if start and end and end < start:
        c.fail("end_date", INVALID_DATE)
    holder = c.text("holder_name")
    if c.errors or start is None:  # a required date is missing only with its error recorded
        return None, c.errors
    return PolicyRecord(number, policy_type, status, start, end, holder), []


def member_record_clean(raw: Mapping, *, today: dt.date) -> tuple[MemberRecord | None, FieldErrors]:
    c = _Cleaner(raw)
    member_number = c.number("member_number")
    policy_number = c.number("policy_number")
    first_name = c.text("first_name", required=True)
    last_name = c.text("last_name", required=True)
    birth = c.date("date_of_birth", required=True, not_after=today)
    sex = c.choice("sex", Sex.values, default=Sex.UNSPECIFIED)
    relationship = c.choice("relationship", Relationship.values, required=True)
    start = c.date("start_date", required=True)
    end = c.date("end_date")
    if start and end and end < start:
        c.fail("end_date", INVALID_DATE)
    street = "\n".join(line for line in (c.text("address_line1"), c.text("address_line2")) if line)
    postal_code = c.text("postal_code").upper()
    city = c.text("city")
    province = c.text("province")
    country = c.text("country").upper() or "ES"
    if len(country) != 2 or not country.isalpha():
        c.fail("country", INVALID_CHOICE)
    email = _email(c)
    mobile = _mobile(c)
    language = c.choice("language", dict(settings.LANGUAGES), default=settings.LANGUAGE_CODE)
    document = _document(c)
    guardians = tuple(
        dict.fromkeys(normalise_number(n) for n in _text(raw, "guardian_member_numbers").split(";") if n.strip())
    )
    if c.errors or birth is None or start is None:  # a required date is missing only with its error recorded
        return None, c.errors
    return MemberRecord(
        member_number, policy_number, first_name, last_name, birth, sex, relationship, start, end, street,
        postal_code, city, province, country, email, mobile, language, *document, guardians,
    ), []  # fmt: skip


def _email(c: _Cleaner) -> str:
    value = c.text("email")
    if not value:
        return ""
    try:
        return email_normalise(value)
    except InvalidContact:
        c.fail("email", INVALID_EMAIL)
        return ""


def _mobile(c: _Cleaner) -> str:
    """E.164; a fixed line cannot receive SMS codes (REG-3)."""
    value = _text(c.raw, "mobile")
    if not value:
        return ""
    try:
        return mobile_normalise(value)
    except InvalidContact:
        c.fail("mobile", INVALID_PHONE)
        return ""


def _document(c: _Cleaner) -> tuple[str, str, str]:
    """(type, number, country), all empty when no document is on record or it is rejected."""
    document_type = c.choice("document_type", DocumentType.values)
    number = _text(c.raw, "document_number")
    country = _text(c.raw, "document_country").upper()
    problem = None
    if not document_type and not number:
        return "", "", ""
    if not document_type:
        problem = ("document_type", REQUIRED)
    elif document_type not in DocumentType.values:
        return "", "", ""  # already reported as invalid_choice
    elif not number:
        problem = ("document_number", REQUIRED)
    elif document_type == DocumentType.PASSPORT and not country:
        problem = ("document_country", REQUIRED)
    elif document_type == DocumentType.PASSPORT and (len(country) != 2 or not country.isalpha()):
        problem = ("document_country", INVALID_CHOICE)
    else:
        try:
            return document_normalise(document_type, number, country)
        except InvalidDocument:
            problem = ("document_number", INVALID_DOCUMENT)
    c.fail(*problem)
    return "", "", ""
