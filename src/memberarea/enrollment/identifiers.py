"""Member and policy numbers, identity documents and ages: one canonical form for each (ENR-4, REG-3).

Members type numbers any way (lower case, spaces, hyphens); the portal and the import normalise
them, they never reject a separator. Identity documents are checked with their control letter by
python-stdnum's `es.dni` and `es.nie` — never `es.nif`, which also accepts company numbers.
"""

import datetime as dt
import re
import unicodedata

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from stdnum.es import dni, nie

from memberarea.core.crypto import blind_index

from .models import DocumentType

MAX_MOBILE = 32  # characters of a typed mobile number, spaces and signs included
_NUMBER_SEPARATORS = re.compile(r"[\s\-‐‑‒–—−]+")  # whitespace and the hyphens people paste
_DOCUMENT_SEPARATORS = re.compile(r"[\s\-‐‑‒–—−./]+")
_PASSPORT = re.compile(r"[A-Z0-9]{5,20}")
_COUNTRY = re.compile(r"[A-Z]{2}")
_NAME_WORD = re.compile(r"[^\W_]+")


def name_words(*names: str) -> list[str]:
    """The words of names as searched (BO-2): NFKD, accents stripped, case-folded, split at anything
    that is not a letter or digit — "Lucía Ferrer-Navas" → ["lucia", "ferrer", "navas"]."""
    text = unicodedata.normalize("NFKD", " ".join(names))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return list(dict.fromkeys(word for word in _NAME_WORD.findall(text)))


def name_word_index(word: str) -> str:
    return blind_index("enrollment-name-word", word)


def normalise_number(value: str) -> str:
    """A member or policy number as stored: NFKC, upper case, no spaces or hyphens."""
    return _NUMBER_SEPARATORS.sub("", unicodedata.normalize("NFKC", value or "")).upper()


class InvalidDocument(ValueError):
    """The document does not validate; carries no value, so it can be logged or reported."""


def _placeholder(digits: str) -> bool:
    """Numbers core systems type when the real one is unknown: all one digit, or a run."""
    return len(set(digits)) == 1 or digits in {"12345678", "87654321", "1234567", "7654321"}


def document_normalise(document_type: str, number: str, country: str = "") -> tuple[str, str, str]:
    """(type, number, country) in canonical form, or InvalidDocument.

    NIF (DNI): 8 digits and its letter. NIE: X/Y/Z, 7 digits and its letter. Passport: 5–20
    letters and digits, with its issuing country (ISO 3166 alpha-2); the country is dropped for
    the Spanish documents.
    """
    number = _DOCUMENT_SEPARATORS.sub("", unicodedata.normalize("NFKC", number or "")).upper()
    country = (country or "").strip().upper()
    if document_type == DocumentType.NIF:
        if not dni.is_valid(number) or _placeholder(number[:-1]):
            raise InvalidDocument
        return document_type, dni.compact(number), ""
    if document_type == DocumentType.NIE:
        if not nie.is_valid(number) or _placeholder(number[1:-1]):
            raise InvalidDocument
        return document_type, nie.compact(number), ""
    if document_type == DocumentType.PASSPORT:
        if not _PASSPORT.fullmatch(number) or _placeholder(number):
            raise InvalidDocument
        if not _COUNTRY.fullmatch(country):
            raise InvalidDocument
        return document_type, number, country
    raise InvalidDocument


def document_key(document_type: str, number: str, country: str = "") -> str:
    """The canonical text the document's keyed hashes are computed over."""
    return (
        f"{document_type}:{country}:{number}" if document_type == DocumentType.PASSPORT else f"{document_type}:{number}"
    )


def document_index(document_type: str, number: str, country: str = "") -> str:
    return blind_index("enrollment-person-document", document_key(document_type, number, country))


def suppression_key(document_type: str, number: str, country: str, date_of_birth: dt.date) -> str:
    """The suppression-list key of a person (PRIV-8): document and birth date, keyed-hashed."""
    return blind_index(
        "enrollment-suppression", f"{document_key(document_type, number, country)}|{date_of_birth.isoformat()}"
    )


def suppression_member_key(member_number: str) -> str:
    """The suppression-list key of a member number (PRIV-8), for a person erased without a document on record."""
    return blind_index("enrollment-suppression-member", normalise_number(member_number))


def adulthood_date(date_of_birth: dt.date) -> dt.date:
    """The birthday that makes an adult (settings.ADULT_AGE, 18 by default); someone born on 29 February
    comes of age on 1 March (GUARD-2)."""
    year = date_of_birth.year + settings.ADULT_AGE
    try:
        return date_of_birth.replace(year=year)
    except ValueError:
        return dt.date(year, 3, 1)


def is_minor(date_of_birth: dt.date, today: dt.date) -> bool:
    """Minor until the start of the 18th birthday, with `today` taken in the insurer's time zone."""
    return today < adulthood_date(date_of_birth)


class InvalidContact(ValueError):
    """An email or mobile number that cannot be used; carries no value."""


_MOBILE_TYPES = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


def email_normalise(value: str) -> str:
    """An email as stored: trimmed, the domain in lower case (the local part is the provider's)."""
    value = unicodedata.normalize("NFKC", value or "").strip()
    try:
        validate_email(value)
    except ValidationError as exc:
        raise InvalidContact from exc
    local, _, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}"


def mobile_normalise(value: str) -> str:
    """E.164 of a number that can receive SMS; without "+" it is read as Spanish (REG-3).

    Numbers phonenumbers can only class as "fixed line or mobile" are accepted; fixed lines are not.
    """
    value = unicodedata.normalize("NFKC", value or "").strip()
    if not value or len(value) > MAX_MOBILE:
        raise InvalidContact
    try:
        number = phonenumbers.parse(value, None if value.startswith("+") else "ES")
    except phonenumbers.NumberParseException as exc:
        raise InvalidContact from exc
    if not phonenumbers.is_valid_number(number) or phonenumbers.number_type(number) not in _MOBILE_TYPES:
        raise InvalidContact
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def email_index(email: str) -> str:
    return blind_index("enrollment-email", email.strip().lower())


def mobile_index(e164: str) -> str:
    return blind_index("enrollment-mobile", e164)
