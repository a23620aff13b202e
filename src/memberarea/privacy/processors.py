"""Who processes members' data for us, what for, which data and where (PRIV-15).

Generated, never written by hand: the organisations and countries come from the `PROCESSORS` setting,
the purpose from the processor's kind, and the categories of data from the data map — each kind names
the apps whose models it receives (the hosting provider holds every model), and the categories are
those the map declares on their personal fields. A new personal field shows up on the page by itself.
"""

from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from memberarea.core import datamap

from .holdings import field_rules

EVERYTHING = ("*",)


@dataclass(frozen=True)
class Kind:
    label: Promise
    purpose: Promise
    apps: tuple[str, ...]  # the app labels whose models it receives, or EVERYTHING


KINDS = {
    "email": Kind(
        _("Email delivery"),
        _("Delivers our emails: sign-in codes, notices about your account and, if you agreed, our offers."),
        ("notifications",),
    ),
    "sms": Kind(
        _("Text message delivery"),
        _("Delivers our text messages: sign-in codes, notices about your account and, if you agreed, our offers."),
        ("notifications",),
    ),
    "hosting": Kind(
        _("Hosting"),
        _("Runs the servers of the member area and keeps its database, files and backups."),
        EVERYTHING,
    ),
    "core_system": Kind(
        _("The insurer's core insurance system"),
        _(
            "Your insurer's own system: it sends us your policies and memberships, and receives the corrections"
            " and requests you make here."
        ),
        ("enrollment",),
    ),
}  # fmt: skip

# Country names for the codes a deployment is likely to name; another code is shown as it is.
COUNTRY_NAMES = {
    "AT": _("Austria"), "BE": _("Belgium"), "BG": _("Bulgaria"), "CH": _("Switzerland"), "CY": _("Cyprus"),
    "CZ": _("Czechia"), "DE": _("Germany"), "DK": _("Denmark"), "EE": _("Estonia"), "ES": _("Spain"),
    "FI": _("Finland"), "FR": _("France"), "GB": _("United Kingdom"), "GR": _("Greece"), "HR": _("Croatia"),
    "HU": _("Hungary"), "IE": _("Ireland"), "IS": _("Iceland"), "IT": _("Italy"), "LI": _("Liechtenstein"),
    "LT": _("Lithuania"), "LU": _("Luxembourg"), "LV": _("Latvia"), "MT": _("Malta"), "NL": _("Netherlands"),
    "NO": _("Norway"), "PL": _("Poland"), "PT": _("Portugal"), "RO": _("Romania"), "SE": _("Sweden"),
    "SI": _("Slovenia"), "SK": _("Slovakia"), "US": _("United States"),
}  # fmt: skip


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    outside_eea: bool


@dataclass(frozen=True)
class Processor:
    kind: str
    name: str
    role: str  # what kind of service it is, in the reader's language
    purpose: str
    categories: list[str]  # labels of the data-map categories, sorted
    countries: list[Country]
    website: str  # an https:// address of the organisation, or ""
    safeguard: str  # what protects data sent outside the EEA, or ""


def _categories(app_labels: tuple[str, ...]) -> list[str]:
    models = apps.get_models() if app_labels == EVERYTHING else [
        model for label in app_labels for model in apps.get_app_config(label).get_models()
    ]  # fmt: skip
    codes = {declaration.category for model in models for _name, declaration, _rule in field_rules(model)}
    return sorted(str(datamap.CATEGORY_LABELS[code]) for code in codes)


def _country(code: str) -> Country:
    return Country(
        code=code,
        name=str(COUNTRY_NAMES.get(code, code)),
        outside_eea=code not in settings.PRIVACY_EEA_COUNTRIES,
    )


def processors_list() -> list[Processor]:
    """The processors of the `PROCESSORS` setting, in its order, in the active language."""
    listed = []
    for entry in settings.PROCESSORS:
        kind = KINDS[entry["kind"]]
        listed.append(
            Processor(
                kind=entry["kind"],
                name=entry.get("name") or str(kind.label),
                role=str(kind.label),
                purpose=str(kind.purpose),
                categories=_categories(kind.apps),
                countries=[_country(code) for code in entry["countries"]],
                website=entry.get("website", ""),
                safeguard=entry.get("safeguard", ""),
            )
        )
    return listed
