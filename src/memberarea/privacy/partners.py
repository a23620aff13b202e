"""The partner export (PRIV-9, PRIV-3, PRIV-12): the product's real disclosure path, run by a privacy officer.

A partner configured in PRIVACY_PARTNERS may receive, for its own marketing, the adults whose current
choice gives "sharing with partners for their own marketing". The officer starts an export; a
background task writes the CSV into encrypted storage with an expiry (`core.storage`) and accounts for
each person in it as one disclosure (`for_direct_marketing=True`), in the same transaction as the
file's record, so the file and its accounting exist together or not at all. The officer downloads it
while it lasts; each download is audited.

Who is in it is decided by ONE selector, `partner_export_population`: minors, restricted accounts,
accounts opted out by Global Privacy Control, frozen or inactive accounts and people on the
suppression list never are (the same rules as the marketing audience, `privacy.audience`).
"""

import csv
import datetime as dt
import io
import tempfile
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from memberarea.core import clock
from memberarea.core.audit import audit_record
from memberarea.core.datamap import CONTACT, MARKETING, NAME, PREFERENCE
from memberarea.core.errors import INVALID, MemberAreaError
from memberarea.core.storage import stored_file_discard, stored_file_save
from memberarea.enrollment.identifiers import is_minor
from memberarea.enrollment.models import Membership, Person
from memberarea.identity.contacts import contact_usable
from memberarea.identity.models import Account

from .audience import suppressed_person_ids
from .disclosures import disclosure_record
from .models import (
    ConsentChoice,
    ConsentPurpose,
    Disclosure,
    LegalBasis,
    PartnerExport,
    PartnerExportState,
    RecipientKind,
)
from .selectors import gpc_opted_out_accounts, restricted_accounts

FILE_PURPOSE = "partner-export"
COLUMNS = ("first_name", "last_name", "email", "mobile", "language")
CATEGORIES = [NAME, CONTACT, PREFERENCE]  # what the columns hold, in data-map terms


@dataclass(frozen=True)
class Partner:
    id: str
    name: str  # a brand: the same in every language
    purposes: dict[str, str]  # language code → what the partner does with the data, in that language
    country: str

    @property
    def purpose(self) -> str:
        """The purpose in the active language (the page's, the request's, or an override's)."""
        return self.purpose_in(translation.get_language())

    def purpose_in(self, language: str | None) -> str:
        """The purpose in `language`; missing that, in LANGUAGE_CODE's; missing that, in the first of
        LANGUAGES the partner has (decision 0049). `partners_problems` makes sure there is one."""
        wanted = [language or "", (language or "").split("-")[0], settings.LANGUAGE_CODE]
        wanted += [code for code, _name in settings.LANGUAGES]
        return next(self.purposes[code] for code in wanted if code in self.purposes)


def partners() -> list[Partner]:
    """The partners of PRIVACY_PARTNERS, in its order; a purpose given as one text serves every language."""
    return [
        Partner(
            id=entry["id"],
            name=entry["name"],
            purposes=_purposes(entry["purpose"]),
            country=entry["country"],
        )
        for entry in settings.PRIVACY_PARTNERS
    ]


def _purposes(purpose: str | dict[str, str]) -> dict[str, str]:
    if isinstance(purpose, str):
        return {code: purpose for code, _name in settings.LANGUAGES}
    return dict(purpose)


PARTNER_KEYS = {"id", "name", "purpose", "country"}


def partners_problems(entries: object) -> list[tuple[str, str]]:
    """What is wrong with a PRIVACY_PARTNERS value, as (check id, message) pairs; none when it is usable.
    Run at start-up as a system check (`privacy.checks`), so a page never meets a malformed partner."""
    if not isinstance(entries, list):
        return [("privacy.E001", f"PRIVACY_PARTNERS must be a JSON list of partners, not {type(entries).__name__}")]
    problems: list[tuple[str, str]] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        where = f"PRIVACY_PARTNERS entry {number}"
        if not isinstance(entry, dict):
            problems.append(("privacy.E001", f"{where} must be an object with {_keys(PARTNER_KEYS)}"))
            continue
        if missing := PARTNER_KEYS - entry.keys():
            problems.append(("privacy.E002", f"{where} lacks {_keys(missing)}"))
        if unknown := entry.keys() - PARTNER_KEYS:
            problems.append(("privacy.E002", f"{where} has unknown {_keys(unknown)} (allowed: {_keys(PARTNER_KEYS)})"))
        if "id" in entry:
            problems += _id_problems(entry["id"], where, seen)
        if "name" in entry:
            problems += _text_problems(entry["name"], f"{where}: name")
        if "purpose" in entry:
            problems += _purpose_problems(entry["purpose"], f"{where}: purpose")
        if "country" in entry and not _country_code(entry["country"]):
            problems.append(("privacy.E007", f"{where}: country must be two capital letters (ISO 3166-1), like ES"))
    return problems


def _keys(names: Iterable[str]) -> str:
    return ", ".join(f'"{name}"' for name in sorted(names))


def _id_problems(value: object, where: str, seen: set[str]) -> list[tuple[str, str]]:
    longest = PartnerExport._meta.get_field("partner").max_length
    if not isinstance(value, str) or not value.strip() or len(value) > longest:  # type: ignore[operator]
        return [("privacy.E006", f"{where}: id must be a text of 1 to {longest} characters")]
    if value in seen:
        return [("privacy.E005", f'{where}: id "{value}" is already used by an earlier partner')]
    seen.add(value)
    return []


def _text_problems(value: object, where: str) -> list[tuple[str, str]]:
    if not isinstance(value, str):
        return [("privacy.E003", f"{where} must be a text")]
    if not value.strip():
        return [("privacy.E004", f"{where} is empty")]
    return []


def _purpose_problems(value: object, where: str) -> list[tuple[str, str]]:
    if isinstance(value, str):
        return _text_problems(value, where)
    languages = [code for code, _name in settings.LANGUAGES]
    if not isinstance(value, dict) or not value or set(value) - set(languages):
        return [("privacy.E003", f"{where} must be a text, or an object of texts by language ({_keys(languages)})")]
    return [problem for code, text in value.items() for problem in _text_problems(text, f"{where} ({code})")]


def _country_code(value: object) -> bool:
    return isinstance(value, str) and len(value) == 2 and value.isascii() and value.isalpha() and value.isupper()


def partner_get(partner_id: str) -> Partner:
    for partner in partners():
        if partner.id == partner_id:
            return partner
    raise MemberAreaError(INVALID, fields={"partner": [_("Choose one of the partners listed.")]})


def partner_export_population() -> list[Membership]:
    """The people a partner export holds, one current membership each, in a stable order (by account id)."""
    today = clock.today_in(settings.INSURER_TIME_ZONE)
    sharing = ConsentChoice.objects.filter(purpose=ConsentPurpose.THIRD_PARTY_SHARING, given=True)
    accounts = (
        Account.objects.filter(is_active=True, frozen_at__isnull=True, pk__in=sharing.values("account_id"))
        .exclude(pk__in=restricted_accounts().values("pk"))
        .exclude(pk__in=gpc_opted_out_accounts().values("pk"))
        .values_list("pk", flat=True)
    )
    current = Q(end_date__isnull=True) | Q(end_date__gte=today)
    memberships = (
        Membership.objects.select_related("person")
        .filter(current, start_date__lte=today, person__account_id__in=list(accounts))
        .order_by("-start_date", "-created_at")
    )
    chosen: dict[uuid.UUID, Membership] = {}  # account id → its newest current membership
    for membership in memberships:
        chosen.setdefault(membership.person.account_id, membership)  # type: ignore[arg-type]  # filtered on a non-null account
    adults = [membership for membership in chosen.values() if not is_minor(membership.person.date_of_birth, today)]
    suppressed = suppressed_person_ids({membership.person for membership in adults})
    return sorted(
        (membership for membership in adults if membership.person_id not in suppressed),
        key=lambda membership: str(membership.person.account_id),
    )


def partner_export_build(*, export_id: uuid.UUID) -> str:
    """Write the file and one disclosure per person in it; an export already built is left as it is."""
    with transaction.atomic():
        export = PartnerExport.objects.select_for_update().filter(pk=export_id).first()
        if export is None or export.state != PartnerExportState.QUEUED:
            return "nothing to build"
        partner = partner_get(export.partner)
        people = partner_export_population()
        stored = stored_file_save(
            content=File(_csv(people), name="partner.csv"),
            purpose=FILE_PURPOSE,
            lifetime=dt.timedelta(hours=settings.PRIVACY_PARTNER_EXPORT_HOURS),
            suffix=".csv",
        )
        try:
            at = clock.now()
            for membership in people:
                disclosure_record(
                    membership=membership,
                    recipient=partner.name,
                    recipient_kind=RecipientKind.THIRD_PARTY,
                    purpose=MARKETING,
                    categories=CATEGORIES,
                    legal_basis=LegalBasis.CONSENT,
                    at=at,
                    for_direct_marketing=True,
                    reference=str(export.pk),
                )
            export.state, export.finished_at, export.members, export.file = (
                PartnerExportState.READY,
                at,
                len(people),
                stored,
            )
            export.save(update_fields=["state", "finished_at", "members", "file"])
            audit_record(
                event="privacy.partner_export_built",
                actor_id=str(export.requested_by_id),
                data={"export": str(export.pk), "partner": partner.id, "members": len(people)},
            )
        except BaseException:
            default_storage.delete(stored.name)
            raise
    return f"exported: {len(people)}"


def partner_exports_withdraw(*, person: Person, actor_id: str) -> None:
    """Withdraw every export whose file still holds the person, who is being erased: the file goes at
    once, and the officer's list says so, to tell the partner if the file had already been sent."""
    references = Disclosure.objects.filter(
        person=person, recipient_kind=RecipientKind.THIRD_PARTY, for_direct_marketing=True
    ).values_list("reference", flat=True)
    holding = PartnerExport.objects.select_related("file").filter(
        state=PartnerExportState.READY, file__expires_at__gt=clock.now(), pk__in=_export_ids(references)
    )
    for export in holding.select_for_update(of=("self",)):
        stored_file_discard(export.file)  # type: ignore[arg-type]  # filtered on a file that has not expired
        export.state = PartnerExportState.WITHDRAWN
        export.save(update_fields=["state"])
        audit_record(
            event="privacy.partner_export_withdrawn",
            actor_id=actor_id,
            data={"export": str(export.pk), "partner": export.partner},
        )


def _export_ids(references: Iterable[str]) -> list[uuid.UUID]:
    """The partner exports among disclosure references (the others are tickets and message references)."""
    ids = []
    for reference in references:
        try:
            ids.append(uuid.UUID(reference))
        except ValueError:
            continue
    return ids


def _csv(people: list[Membership]) -> io.BufferedRandom:
    """The rows, in a temporary file (never whole in memory): names, verified contacts, language."""
    target = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the storage, closed with it
    text = io.TextIOWrapper(target, encoding="utf-8", newline="")
    writer = csv.writer(text)
    writer.writerow(COLUMNS)
    for membership in people:
        account = membership.person.account
        writer.writerow([
            membership.first_name,
            membership.last_name,
            contact_usable(membership, "email"),
            contact_usable(membership, "mobile"),
            account.language if account else "",
        ])  # fmt: skip
    text.flush()
    text.detach()
    target.seek(0)
    return target
