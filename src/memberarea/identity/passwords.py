"""The password rules (PWD-1, PWD-2): small validators grouped into profiles that a setting chooses.

Every rule has a stable id, so the page can tick it off live and the API can name it. Composition
rules decide from the password alone and are shown as the member types; the blocklist, context words
and history need data or hashing, so they are checked on submit only. Why two profiles:
docs/decisions/0010-password-profiles.md.
"""

import datetime as dt
import functools
import re
import string
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from memberarea.core import clock
from memberarea.core.errors import MemberAreaError
from memberarea.identity.errors import PASSWORD_POLICY

from .hashers import normalise_password
from .models import Account, PasswordHistory

ASCII_DIGITS = frozenset(string.digits)
# Control characters, lone surrogates, unassigned code points and line breaks cannot be typed or
# shown reliably. Format characters (Cf) stay allowed: emoji sequences need the zero-width joiner.
NOT_PRINTABLE = frozenset({"Cc", "Cs", "Cn", "Zl", "Zp"})
SPANISH_LIST = Path(__file__).resolve().parent / "data" / "common-passwords-es.txt"
# A password stripped of its trailing digits is looked up only when this much is left: Django's list
# holds one-letter entries, and "Q7482916305" is not weak because "q" is on it.
MIN_STEM_LENGTH = 4
MIN_NAME_PART_LENGTH = 3
MIN_BRAND_WORD_LENGTH = 4
MIN_DOCUMENT_NUMBER_LENGTH = 4
# Particles of Spanish and other surnames: words of three letters that would forbid far too much.
NAME_PARTICLES = frozenset({"del", "las", "los", "san", "van", "von", "der"})
BIRTH_DATE_FORMS = ("%Y", "%d%m%y", "%d%m%Y", "%Y%m%d", "%y%m%d")


class PasswordRule:
    """One rule. `composition` rules need only the password, so the page shows them live; the others
    (blocklist, context words, history) are checked when the form is submitted."""

    id: str
    composition: bool

    def broken_by(self, password: str, *, account: Account | None, context_words: Sequence[str]) -> bool:
        raise NotImplementedError

    def message(self) -> str:
        raise NotImplementedError

    def parameters(self) -> dict[str, str | int]:
        """What the browser needs to check the rule as the member types."""
        return {}


class MinLength(PasswordRule):
    id = "min_length"
    composition = True

    def broken_by(self, password: str, *, account: Account | None, context_words: Sequence[str]) -> bool:
        return len(password) < settings.PASSWORD_MIN_LENGTH

    def message(self) -> str:
        count = settings.PASSWORD_MIN_LENGTH
        return ngettext_lazy("Use at least %(count)d character.", "Use at least %(count)d characters.", count) % {
            "count": count
        }

    def parameters(self) -> dict[str, str | int]:
        return {"min_length": settings.PASSWORD_MIN_LENGTH}


class MaxLength(PasswordRule):
    id = "max_length"
    composition = True

    def broken_by(self, password: str, *, account: Account | None, context_words: Sequence[str]) -> bool:
        return len(password) > settings.PASSWORD_MAX_LENGTH

    def message(self) -> str:
        count = settings.PASSWORD_MAX_LENGTH
        return ngettext_lazy(
            "Use no more than %(count)d character.", "Use no more than %(count)d characters.", count
        ) % {"count": count}

    def parameters(self) -> dict[str, str | int]:
        return {"max_length": settings.PASSWORD_MAX_LENGTH}


class CharacterRule(PasswordRule):
    """A rule on the characters used; `pattern` is the same rule as a JavaScript regular expression
    (flag "u"), which the page tests against the NFKC-normalised input."""

    composition = True

    def __init__(self, rule_id: str, text: Promise, *, pattern: str, holds: Callable[[str], bool]) -> None:
        self.id = rule_id
        self.text = text
        self.pattern = pattern
        self.holds = holds

    def broken_by(self, password: str, *, account: Account | None, context_words: Sequence[str]) -> bool:
        return not self.holds(password)

    def message(self) -> str:
        return str(self.text)

    def parameters(self) -> dict[str, str | int]:
        return {"pattern": self.pattern}


LETTERS_AND_DIGITS_ONLY = CharacterRule(
    "letters_and_digits_only",
    _("Use only letters and digits: no spaces, punctuation or symbols."),
    pattern=r"^[\p{L}0-9]*$",  # \p{L} is the set str.isalpha() accepts
    holds=lambda password: all(c.isalpha() or c in ASCII_DIGITS for c in password),
)
NEEDS_DIGIT = CharacterRule(
    "needs_digit",
    _("Include at least one digit (0-9)."),
    pattern="[0-9]",
    holds=lambda password: any(c in ASCII_DIGITS for c in password),
)
NEEDS_UPPER = CharacterRule(
    "needs_upper",
    _("Include at least one capital letter."),
    pattern=r"\p{Lu}",
    holds=lambda password: any(unicodedata.category(c) == "Lu" for c in password),
)
NEEDS_LOWER = CharacterRule(
    "needs_lower",
    _("Include at least one lower-case letter."),
    pattern=r"\p{Ll}",
    holds=lambda password: any(unicodedata.category(c) == "Ll" for c in password),
)
PRINTABLE = CharacterRule(
    "printable",
    _("Use only characters that can be typed and printed: no control characters."),
    pattern=r"^[^\p{Cc}\p{Cs}\p{Cn}\p{Zl}\p{Zp}]*$",
    holds=lambda password: not any(unicodedata.category(c) in NOT_PRINTABLE for c in password),
)


class Common(PasswordRule):
    """Attackers try the most common passwords first, with a number or year added (PWD-2)."""

    id = "common"
    composition = False

    def broken_by(self, password: str, *, account: Account | None, context_words: Sequence[str]) -> bool:
        lowered = password.lower()
        stem = lowered.rstrip(string.digits)
        forms = {lowered, _without_accents(lowered)}
        if len(stem) >= MIN_STEM_LENGTH:
            forms |= {stem, _without_accents(stem)}
        return not forms.isdisjoint(common_passwords())

    def message(self) -> str:
        return str(_("Do not use a common password: attackers try those first."))


class Context(PasswordRule):
    """Words an attacker who knows the member or the site would try: the brand always, and the
    member's own words that the caller passes (see `context_words_for`)."""

    id = "context"
    composition = False

    def broken_by(self, password: str, *, account: Account | None, context_words: Sequence[str]) -> bool:
        folded = _fold(password)
        words = {_fold(word) for word in (*_brand_words(), *context_words)}
        return any(word and word in folded for word in words)

    def message(self) -> str:
        return str(_("Do not use our name, or your name, date of birth or document number, in the password."))


class History(PasswordRule):
    """The insurer forbids reusing any of the last PASSWORD_HISTORY_COUNT passwords (PWD-1)."""

    id = "history"
    composition = False

    def broken_by(self, password: str, *, account: Account | None, context_words: Sequence[str]) -> bool:
        # A new registration has no history. A password over the limit was never accepted, so it is
        # in no history, and hashing a huge input twenty times would be a denial-of-service lever.
        if account is None or len(password) > settings.PASSWORD_MAX_LENGTH:
            return False
        return password_in_history(account, password)

    def message(self) -> str:
        count = settings.PASSWORD_HISTORY_COUNT
        return ngettext_lazy(
            "Use a password different from your current one.",
            "Use a password different from your last %(count)d passwords.",
            count,
        ) % {"count": count}


MIN_LENGTH = MinLength()
MAX_LENGTH = MaxLength()
COMMON = Common()
CONTEXT = Context()
HISTORY = History()

PROFILES: dict[str, tuple[PasswordRule, ...]] = {
    "insurer": (
        MIN_LENGTH,
        MAX_LENGTH,
        LETTERS_AND_DIGITS_ONLY,
        NEEDS_DIGIT,
        NEEDS_UPPER,
        NEEDS_LOWER,
        COMMON,
        CONTEXT,
        HISTORY,
    ),
    "nist": (MIN_LENGTH, MAX_LENGTH, PRINTABLE, COMMON, CONTEXT),
}


def active_rules() -> tuple[PasswordRule, ...]:
    """The rules of PASSWORD_PROFILE (PASSWORD_HISTORY_COUNT=0 turns the history off); a wrong profile or
    limit stops the first password check loudly."""
    rules = PROFILES.get(settings.PASSWORD_PROFILE)
    if rules is None:
        raise ImproperlyConfigured(
            f"PASSWORD_PROFILE must be one of {', '.join(sorted(PROFILES))}, not {settings.PASSWORD_PROFILE!r}"
        )
    if not 1 <= settings.PASSWORD_MIN_LENGTH <= settings.PASSWORD_MAX_LENGTH:
        raise ImproperlyConfigured("PASSWORD_MIN_LENGTH must be at least 1 and at most PASSWORD_MAX_LENGTH")
    if settings.PASSWORD_HISTORY_COUNT < 0:
        raise ImproperlyConfigured("PASSWORD_HISTORY_COUNT must not be negative")
    if settings.PASSWORD_HISTORY_COUNT == 0:
        return tuple(rule for rule in rules if rule is not HISTORY)
    return rules


def password_validate(password: str, *, account: Account | None = None, context_words: Sequence[str] = ()) -> None:
    """Check every rule of the active profile and report all broken ones at once, so the member fixes
    the password in one go rather than one message per attempt."""
    normalised = normalise_password(password)
    broken: list[str | Promise] = [
        rule.message()
        for rule in active_rules()
        if rule.broken_by(normalised, account=account, context_words=context_words)
    ]
    if broken:
        raise MemberAreaError(PASSWORD_POLICY, fields={"password": broken})


def password_rules_for_display(*, submit_only: bool = False) -> list[dict[str, str | int]]:
    """The active profile's composition rules, with what the page needs to check them live; or, with
    `submit_only`, the rules checked when the form is sent (for the help page and the API)."""
    return [
        {"id": rule.id, "message": rule.message(), **rule.parameters()}
        for rule in active_rules()
        if rule.composition != submit_only
    ]


def password_in_history(account: Account, password: str) -> bool:
    """Whether `password` is the current one or one of the last PASSWORD_HISTORY_COUNT. Each row costs
    one argon2 verification, so the check runs on submit only."""
    if check_password(password, account.password):
        return True
    earlier = PasswordHistory.objects.filter(account=account).order_by("-created_at", "-id")
    hashes = earlier.values_list("password", flat=True)[: settings.PASSWORD_HISTORY_COUNT]
    return any(check_password(password, encoded) for encoded in hashes)


def password_history_add(*, account: Account) -> None:
    """Record the password just set (call it after `set_password`, in the same transaction), so the rows
    are the last PASSWORD_HISTORY_COUNT passwords. A profile without the history rule keeps none and
    drops what an earlier profile kept: a hash nobody checks is only a liability."""
    keep = settings.PASSWORD_HISTORY_COUNT if HISTORY in active_rules() else 0
    with transaction.atomic():
        if keep:
            PasswordHistory.objects.create(account=account, password=account.password, created_at=clock.now())
        rows = PasswordHistory.objects.filter(account=account).order_by("-created_at", "-id")
        stale = list(rows.values_list("id", flat=True)[keep:])
        if stale:
            PasswordHistory.objects.filter(id__in=stale).delete()


def context_words_for(
    *, first_name: str = "", last_name: str = "", date_of_birth: dt.date | None = None, document: str = ""
) -> list[str]:
    """The words the context rule forbids for one member, folded to lower case without accents."""
    words = list(_brand_words())
    for part in re.split(r"\W+", _fold(f"{first_name} {last_name}")):
        if len(part) >= MIN_NAME_PART_LENGTH and part not in NAME_PARTICLES:
            words.append(part)
    if date_of_birth is not None:
        words += [date_of_birth.strftime(form) for form in BIRTH_DATE_FORMS]
    number = re.sub(r"[^0-9a-z]", "", _fold(document))
    if number:
        words += [number, number.rstrip(string.ascii_lowercase)]
        words += [digits for digits in re.findall(r"\d+", number) if len(digits) >= MIN_DOCUMENT_NUMBER_LENGTH]
    return list(dict.fromkeys(word for word in words if word))


@functools.cache
def common_passwords() -> frozenset[str]:
    """Django's 20,000 common passwords and the project's Spanish list, each also without accents."""
    spanish = {
        line.strip()
        for line in SPANISH_LIST.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    entries = CommonPasswordValidator().passwords | spanish
    return frozenset(entries | {_without_accents(entry) for entry in entries})


def _brand_words() -> list[str]:
    return [word for word in re.split(r"\W+", _fold(settings.BRAND["name"])) if len(word) >= MIN_BRAND_WORD_LENGTH]


def _without_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def _fold(text: str) -> str:
    """Lower case without accents, so "Ángela" in a password matches "angela" in a name."""
    return _without_accents(normalise_password(text).casefold())
