"""The data map (PRIV-7): every field of every installed model says what personal data it holds.

A field is either Personal (category, source, purposes) or NotPersonal (with a reason). Our models
declare their fields next to their definitions; framework and third-party models are declared in
datamap_framework.py. A test fails on any undeclared field, and exports, erasure and the record of
processing are generated from this map.

Each personal field also resolves to a `Rule` (PRIV-7, PRIV-14): how long it is kept and from when,
whether the access and portability exports carry it, and what an erasure does to it (erased,
anonymised, or kept under a named legal duty). The rules come from one table by category and purpose
(`RULES`), so existing and new declarations get one without saying anything; a field or a model that
differs says so with `retain(Model, rule, *fields)` next to its declaration. Each model with personal
fields also says how its rows reach the person they are about (`subject(Model, "account__person")`,
or `Refers(column, ...)` for a column holding an id), or why they cannot (`subject_unlinked`): the
privacy app's holdings, exports and record of processing walk these, never a hand-written list.
"""

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

# Categories of personal data.
NAME = "name"
CONTACT = "contact"
ADDRESS = "address"
DATE_OF_BIRTH = "date_of_birth"
NATIONAL_ID = "national_id"
FINANCIAL = "financial"
HEALTH = "health"  # special category (GDPR art. 9)
LOCATION = "location"
ONLINE_IDENTIFIER = "online_identifier"
CREDENTIAL = "credential"
PREFERENCE = "preference"
ACTIVITY = "activity"
INSURANCE = "insurance"
CATEGORIES = {
    NAME, CONTACT, ADDRESS, DATE_OF_BIRTH, NATIONAL_ID, FINANCIAL, HEALTH,
    LOCATION, ONLINE_IDENTIFIER, CREDENTIAL, PREFERENCE, ACTIVITY, INSURANCE,
}  # fmt: skip
SPECIAL_CATEGORIES = {HEALTH}

# Where the data comes from.
MEMBER = "member"
INSURER = "insurer_enrollment"
AFFILIATE = "affiliate"
VENDOR = "vendor"
THIRD_PARTY = "third_party"
GENERATED = "generated_by_portal"  # derived from the member's use of the portal: still personal
SOURCES = {MEMBER, INSURER, AFFILIATE, VENDOR, THIRD_PARTY, GENERATED}

# Why it is processed.
ACCOUNT = "account_management"
SECURITY = "security"
SERVICE = "member_service"
LEGAL_OBLIGATION = "legal_obligation"
MARKETING = "marketing"
ANALYTICS = "analytics"
PURPOSES = {ACCOUNT, SECURITY, SERVICE, LEGAL_OBLIGATION, MARKETING, ANALYTICS}


@dataclass(frozen=True)
class Personal:
    category: str
    source: str
    purposes: list[str] = field(default_factory=list)
    note: str = ""

    def __post_init__(self) -> None:
        if self.category not in CATEGORIES:
            raise ValueError(f"unknown personal-data category {self.category!r}")
        if self.source not in SOURCES:
            raise ValueError(f"unknown source {self.source!r}")
        unknown = set(self.purposes) - PURPOSES
        if unknown or not self.purposes:
            raise ValueError(f"purposes must be a non-empty subset of {sorted(PURPOSES)}")

    @property
    def special(self) -> bool:
        return self.category in SPECIAL_CATEGORIES


@dataclass(frozen=True)
class NotPersonal:
    reason: str

    def __post_init__(self) -> None:
        if not self.reason.strip():
            raise ValueError("say why the field is not personal")


Declaration = Personal | NotPersonal
MAP: dict[str, dict[str, Declaration]] = {}


def declare(model_or_label, **fields: Declaration) -> None:
    label = _label(model_or_label)
    entry = MAP.setdefault(label, {})
    for name, declaration in fields.items():
        if not isinstance(declaration, Personal | NotPersonal):
            raise TypeError(f"{label}.{name}: declare Personal(...) or NotPersonal(...)")
        entry[name] = declaration


def declaration_for(model, field_name: str) -> Declaration | None:
    return MAP.get(model._meta.label, {}).get(field_name)


def model_fields(model) -> list[str]:
    """The stored fields of a model (columns and many-to-many tables it owns)."""
    names = [f.name for f in model._meta.local_concrete_fields]
    names += [f.name for f in model._meta.local_many_to_many]
    return names


# --- Labels: what the member, the officer and the record of processing read ------------------------------
CATEGORY_LABELS = {
    NAME: _("Name"),
    CONTACT: _("Contact details"),
    ADDRESS: _("Postal address"),
    DATE_OF_BIRTH: _("Date of birth"),
    NATIONAL_ID: _("Identity document"),
    FINANCIAL: _("Financial data"),
    HEALTH: _("Health data"),
    LOCATION: _("Location"),
    ONLINE_IDENTIFIER: _("Online identifiers"),
    CREDENTIAL: _("Credentials (password and code hashes)"),
    PREFERENCE: _("Preferences and choices"),
    ACTIVITY: _("Activity in the member area"),
    INSURANCE: _("Insurance details"),
}
SOURCE_LABELS = {
    MEMBER: _("You"),
    INSURER: _("Your insurer's enrollment records"),
    AFFILIATE: _("A company of our group"),
    VENDOR: _("A service provider"),
    THIRD_PARTY: _("Another third party"),
    GENERATED: _("Your use of the member area"),
}
PURPOSE_LABELS = {
    ACCOUNT: _("Running your account"),
    SECURITY: _("Security and fraud prevention"),
    SERVICE: _("Serving you as a member"),
    LEGAL_OBLIGATION: _("Meeting our legal duties"),
    MARKETING: _("Marketing, with your consent"),
    ANALYTICS: _("Statistics of page visits, with your consent"),
}
# Whose data each purpose processes: the record of processing's "categories of data subjects".
PURPOSE_SUBJECTS = {
    ACCOUNT: _("Members with an account; staff"),
    SECURITY: _("Members, minors through their guardians, staff and visitors"),
    SERVICE: _("Members, and minors through their guardians"),
    LEGAL_OBLIGATION: _("Members, minors through their guardians, and staff"),
    MARKETING: _("Adult members who consented"),
    ANALYTICS: _("Visitors who consented"),
}


# --- What happens to a field (PRIV-7, PRIV-8, PRIV-14) -------------------------------------------------------
# When a retention period starts.
FROM_RECORDED = "recorded"  # the row (or the value) was written
FROM_RELATIONSHIP_END = "relationship_end"  # the person's last membership ended or the account was closed
STARTS = {FROM_RECORDED, FROM_RELATIONSHIP_END}

# What an erasure request does to the field.
ERASE = "erase"
ANONYMISE = "anonymise"  # unlinked from the person, kept for counts
KEEP = "keep"  # kept under a legal duty for the rule's period, blocked from any other use
ERASURE = {ERASE, ANONYMISE, KEEP}
ERASURE_LABELS = {
    ERASE: _("Erased"),
    ANONYMISE: _("Anonymised: kept only in counts that no longer name you"),
    KEEP: _("Kept under a legal duty"),
}

YEAR = 365

# The legal duties a field may be kept under, with what the member and the officer read.
DUTY_ACCOUNTABILITY = _(
    "Accountability: we must be able to show what was done with personal data, and by whom (GDPR art. 5(2))"
)
DUTY_AUDIT = _(
    "Security record: the tamper-evident audit log keeps every entry for its whole period, or it could not prove itself"
)
DUTY_CONSENT = _("Proof of consent: we must be able to show when and how each consent was given or withdrawn")
DUTY_SUPPRESSION = _("Honouring an erasure: later imports from your insurer must skip the person erased")


@dataclass(frozen=True)
class Rule:
    """What happens to a personal field: how long it is kept and from when, whether it is in the access
    and portability exports, and what an erasure request does to it (a kept field names its duty)."""

    days: int
    starts: str
    exported: bool
    erasure: str
    duty: Any = ""

    def __post_init__(self) -> None:
        if self.days < 0 or self.starts not in STARTS or self.erasure not in ERASURE:
            raise ValueError(f"incomplete retention rule {self!r}")
        if (self.erasure == KEEP) != bool(str(self.duty).strip()):
            raise ValueError("a field is kept under a legal duty exactly when the rule names the duty")

    @property
    def kept(self) -> bool:
        return self.erasure == KEEP


WHILE_A_MEMBER = Rule(YEAR, FROM_RELATIONSHIP_END, exported=True, erasure=ERASE)
WITH_THE_ACCOUNT = Rule(0, FROM_RELATIONSHIP_END, exported=True, erasure=ERASE)
SECURITY_TRAIL = Rule(YEAR, FROM_RECORDED, exported=True, erasure=ERASE)
LEGAL_RECORD = Rule(6 * YEAR, FROM_RECORDED, exported=True, erasure=KEEP, duty=DUTY_ACCOUNTABILITY)
AUDIT_RECORD = Rule(6 * YEAR, FROM_RECORDED, exported=True, erasure=KEEP, duty=DUTY_AUDIT)
CONSENT_PROOF = Rule(6 * YEAR, FROM_RECORDED, exported=True, erasure=KEEP, duty=DUTY_CONSENT)
SUPPRESSION = Rule(10 * YEAR, FROM_RECORDED, exported=False, erasure=KEEP, duty=DUTY_SUPPRESSION)

# The rules, by (category, purpose): a field takes the rule of its first purpose in PRECEDENCE, looked up
# as (its category, that purpose), then (any category, that purpose), then its category's own rule.
# Every category has its own rule, so every personal field resolves; a field that differs says so with
# `retain(...)` next to its declaration.
PRECEDENCE = (LEGAL_OBLIGATION, ACCOUNT, SERVICE, SECURITY, MARKETING, ANALYTICS)
RULES: dict[tuple[str | None, str | None], Rule] = {
    (NAME, None): WHILE_A_MEMBER,
    (CONTACT, None): WHILE_A_MEMBER,
    (ADDRESS, None): WHILE_A_MEMBER,
    (DATE_OF_BIRTH, None): WHILE_A_MEMBER,
    (NATIONAL_ID, None): WHILE_A_MEMBER,
    (FINANCIAL, None): WHILE_A_MEMBER,
    (HEALTH, None): WHILE_A_MEMBER,
    (INSURANCE, None): WHILE_A_MEMBER,
    (PREFERENCE, None): WITH_THE_ACCOUNT,
    (ONLINE_IDENTIFIER, None): WITH_THE_ACCOUNT,
    (LOCATION, None): Rule(90, FROM_RECORDED, exported=True, erasure=ERASE),
    # Hashes of passwords, codes and tokens: never exported (a copy would help nobody but an attacker).
    (CREDENTIAL, None): Rule(0, FROM_RELATIONSHIP_END, exported=False, erasure=ERASE),
    (ACTIVITY, None): Rule(2 * YEAR, FROM_RECORDED, exported=True, erasure=ERASE),
    (ACTIVITY, SERVICE): Rule(2 * YEAR, FROM_RECORDED, exported=True, erasure=ANONYMISE),
    (ACTIVITY, SECURITY): SECURITY_TRAIL,
    (ONLINE_IDENTIFIER, SECURITY): SECURITY_TRAIL,
    (None, LEGAL_OBLIGATION): LEGAL_RECORD,
}


def retention_label(rule: Rule) -> str:
    """How long, in words, in the active language: "1 year after your last membership ends or …"."""
    if rule.days % YEAR == 0:
        years = rule.days // YEAR
        period = ngettext("%(count)d year", "%(count)d years", years) % {"count": years}
    else:
        period = ngettext("%(count)d day", "%(count)d days", rule.days) % {"count": rule.days}
    if rule.starts == FROM_RECORDED:
        return str(_("%(period)s from when it is recorded") % {"period": period})
    if rule.days == 0:
        return str(_("Until your last membership ends or your account is closed"))
    return str(_("%(period)s after your last membership ends or your account is closed") % {"period": period})


OVERRIDES: dict[str, dict[str, Rule]] = {}
EVERY_FIELD = "*"


def retain(model_or_label, rule: Rule, *fields: str) -> None:
    """Give a model's personal fields (or only `fields`) a rule of their own, next to their declaration."""
    if not isinstance(rule, Rule):
        raise TypeError("retain(model, Rule(...), *fields)")
    entry = OVERRIDES.setdefault(_label(model_or_label), {})
    for name in fields or (EVERY_FIELD,):
        entry[name] = rule


def rule_of(label: str, field_name: str, declaration: Personal) -> Rule:
    """The field's rule: its own, its model's, or the table's; LookupError when nothing applies."""
    own = OVERRIDES.get(label, {})
    if field_name in own or EVERY_FIELD in own:
        return own.get(field_name) or own[EVERY_FIELD]
    purposes = [purpose for purpose in PRECEDENCE if purpose in declaration.purposes]
    for key in ((declaration.category, purposes[0]), (None, purposes[0]), (declaration.category, None)):
        if key in RULES:
            return RULES[key]
    raise LookupError(f"{label}.{field_name}: no retention rule for {declaration.category!r}")


def rule_for(model, field_name: str) -> Rule | None:
    """The rule of a declared field of an installed model; None for a field that is not personal."""
    declaration = declaration_for(model, field_name)
    if declaration is None:
        raise LookupError(f"{model._meta.label}.{field_name} is not in the data map")
    if isinstance(declaration, NotPersonal):
        return None
    return rule_of(model._meta.label, field_name, declaration)


# --- Whose row it is: how a row reaches the person it is about ----------------------------------------------
PERSON = "enrollment.Person"  # the human being behind memberships and the account (a label: core imports no app)


@dataclass(frozen=True)
class Refers:
    """A plain column that holds the id of a row of one of `models` (e.g. the audit log's subject_id)."""

    column: str
    models: tuple[str, ...]

    def __init__(self, column: str, *models: str) -> None:
        object.__setattr__(self, "column", column)
        object.__setattr__(self, "models", models)


Link = str | Refers
SUBJECTS: dict[str, tuple[Link, ...]] = {}
UNLINKED: dict[str, str] = {}
SELF = ""  # the link of the Person model itself


def subject(model_or_label, *links: Link) -> None:
    """How a row reaches its person: lookups ending at the Person ("account__person"), or Refers(...).

    A row belongs to the person when any link matches."""
    if not links or not all(isinstance(link, str | Refers) for link in links):
        raise TypeError("subject(model, 'lookup__to__person' | Refers(column, 'app.Model', ...), ...)")
    SUBJECTS[_label(model_or_label)] = links


def subject_unlinked(model_or_label, reason: str) -> None:
    """A model whose rows cannot be tied to one person (keyed hashes of anything, opaque blobs), and why."""
    if not reason.strip():
        raise ValueError("say why the rows cannot be tied to a person")
    UNLINKED[_label(model_or_label)] = reason


def personal_declarations(model) -> list[tuple[str, Personal]]:
    """The model's stored fields that hold personal data, with their declarations, in field order."""
    declared = [(name, declaration_for(model, name)) for name in model_fields(model)]
    return [(name, declaration) for name, declaration in declared if isinstance(declaration, Personal)]


def personal_fields(model) -> list[str]:
    return [name for name, _declaration in personal_declarations(model)]


def _label(model_or_label) -> str:
    return model_or_label if isinstance(model_or_label, str) else model_or_label._meta.label


def link_end(model, lookup: str):
    """The model a lookup reaches from `model` ("account__person" → Person); LookupError when it is no relation."""
    for part in lookup.split("__") if lookup else ():
        field_ = model._meta.get_field(part)
        if not field_.is_relation or field_.related_model is None:
            raise LookupError(f"{model._meta.label}: {lookup!r} passes {part!r}, which is no relation")
        model = field_.related_model
    return model
