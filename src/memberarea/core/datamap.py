"""The data map (PRIV-7): every field of every installed model says what personal data it holds.

A field is either Personal (category, source, purposes) or NotPersonal (with a reason). Our models
declare their fields next to their definitions; framework and third-party models are declared in
datamap_framework.py. A test fails on any undeclared field, and exports, erasure and the record of
processing are generated from this map.
"""

from dataclasses import dataclass, field

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
    label = model_or_label if isinstance(model_or_label, str) else model_or_label._meta.label
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
