"""The privacy officer's aggregate reports (PRIV-11): counts of members, never a member.

Three tables — members by province (the first two digits of a Spanish postal code) and age band,
memberships by province and policy kind, and the current consent choices by purpose — each passed
through `suppression.suppress`, so no count from 1 to `AGGREGATE_SUPPRESSION_THRESHOLD` is shown and
no hidden count can be worked out from the totals (decision 0037). Only published numbers leave this
module: the page, the chart and the CSV never see a hidden value.
"""

import csv
import datetime as dt
import io
import itertools
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from memberarea.core import clock
from memberarea.core.audit import audit_record
from memberarea.enrollment.models import Membership, PolicyType

from .erasure_models import Erasure
from .models import ConsentChoice, ConsentPurpose
from .suppression import Suppressed, suppress

# The provinces of Spain by the first two digits of their postal codes (the statistics office's codes).
PROVINCES = {
    "01": "Araba/Álava", "02": "Albacete", "03": "Alicante/Alacant", "04": "Almería", "05": "Ávila",
    "06": "Badajoz", "07": "Illes Balears", "08": "Barcelona", "09": "Burgos", "10": "Cáceres",
    "11": "Cádiz", "12": "Castellón/Castelló", "13": "Ciudad Real", "14": "Córdoba", "15": "A Coruña",
    "16": "Cuenca", "17": "Girona", "18": "Granada", "19": "Guadalajara", "20": "Gipuzkoa",
    "21": "Huelva", "22": "Huesca", "23": "Jaén", "24": "León", "25": "Lleida", "26": "La Rioja",
    "27": "Lugo", "28": "Madrid", "29": "Málaga", "30": "Murcia", "31": "Navarra", "32": "Ourense",
    "33": "Asturias", "34": "Palencia", "35": "Las Palmas", "36": "Pontevedra", "37": "Salamanca",
    "38": "Santa Cruz de Tenerife", "39": "Cantabria", "40": "Segovia", "41": "Sevilla", "42": "Soria",
    "43": "Tarragona", "44": "Teruel", "45": "Toledo", "46": "Valencia/València", "47": "Valladolid",
    "48": "Bizkaia", "49": "Zamora", "50": "Zaragoza", "51": "Ceuta", "52": "Melilla",
}  # fmt: skip
ELSEWHERE = "--"  # no Spanish postal code on record: abroad, or none given

REPORTS = {
    "age": gettext_lazy("Members by province and age band"),
    "policy": gettext_lazy("Memberships by province and policy kind"),
    "consent": gettext_lazy("Consent choices by purpose"),
}


@dataclass(frozen=True)
class Report:
    """One published table: labels, the suppressed counts, and per row a rate where it can be shown."""

    key: str
    title: str
    row_heading: str
    rows: list[str]
    columns: list[str]
    table: Suppressed
    rates: list[str] | None = None  # consent only: the share given, when both its counts are published

    @property
    def lines(self) -> list[tuple[str, list[int | None], int | None, str | None]]:
        """(row label, cells, row total, rate) for a template or a CSV writer."""
        rates: list[str | None] = [*self.rates] if self.rates else [None] * len(self.rows)
        return list(zip(self.rows, self.table.cells, self.table.row_totals, rates, strict=True))


def suppressed_marker() -> str:
    return _("suppressed")


def suppressed_explanation() -> str:
    return _(
        "“suppressed”: a count from 1 to %(threshold)s, or a count hidden with it so that it cannot be "
        "worked out from the other numbers and the totals. 0 is shown as it is."
    ) % {"threshold": settings.AGGREGATE_SUPPRESSION_THRESHOLD}


def province_of(postal_code: str, country: str) -> str:
    prefix = postal_code.strip()[:2]
    return prefix if country in ("", "ES") and prefix in PROVINCES else ELSEWHERE


def province_label(code: str) -> str:
    return f"{code} {PROVINCES[code]}" if code in PROVINCES else _("Outside Spain or no postal code")


def age_band_of(date_of_birth: dt.date, today: dt.date) -> int:
    """The index of the band (AGGREGATE_AGE_BANDS holds the first age of each band after the first)."""
    age = today.year - date_of_birth.year - ((today.month, today.day) < (date_of_birth.month, date_of_birth.day))
    return sum(age >= start for start in settings.AGGREGATE_AGE_BANDS)


def age_band_labels() -> list[str]:
    starts = [0, *settings.AGGREGATE_AGE_BANDS]
    labels = [
        _("%(first)s to %(last)s") % {"first": start, "last": following - 1}
        for start, following in itertools.pairwise(starts)
    ]
    return [*labels, _("%(first)s and over") % {"first": starts[-1]}]


def _current_memberships():
    """Current memberships of people not erased: an erased person's row keeps only "nothing" values
    (no postal code, born 1 January 1900), which would be counted as someone over 65 outside Spain."""
    today = clock.today_in(settings.INSURER_TIME_ZONE)
    current = Q(end_date__isnull=True) | Q(end_date__gte=today)
    erased = Erasure.objects.values("person")
    return Membership.objects.filter(current, start_date__lte=today).exclude(person__in=erased)


def _report(
    key: str, row_heading: str, *, counter: Counter, row_keys: list, row_label: Callable, columns: list
) -> Report:
    counts = [[counter[(row, column)] for column, _label in columns] for row in row_keys]
    return Report(
        key=key,
        title=str(REPORTS[key]),
        row_heading=row_heading,
        rows=[row_label(row) for row in row_keys],
        columns=[str(label) for _column, label in columns],
        table=suppress(counts, threshold=settings.AGGREGATE_SUPPRESSION_THRESHOLD, columns=len(columns)),
    )


def _provinces(counter: Counter) -> list[str]:
    """Every province with at least one count, in code order, those outside Spain last."""
    return sorted({province for province, _column in counter}, key=lambda code: (code == ELSEWHERE, code))


def members_by_province_and_age() -> Report:
    """Each person once (their newest current membership's postal code), by age on today's date."""
    today = clock.today_in(settings.INSURER_TIME_ZONE)
    counter: Counter = Counter()
    seen = set()
    memberships = _current_memberships().select_related("person").order_by("person_id", "-start_date", "-created_at")
    for membership in memberships.iterator(chunk_size=2000):
        if membership.person_id in seen:
            continue
        seen.add(membership.person_id)
        province = province_of(membership.postal_code, membership.country)
        counter[(province, age_band_of(membership.person.date_of_birth, today))] += 1
    bands = list(enumerate(age_band_labels()))
    return _report(
        "age", _("Province"), counter=counter, row_keys=_provinces(counter), row_label=province_label, columns=bands
    )


def memberships_by_province_and_policy() -> Report:
    rows = _current_memberships().values_list("postal_code", "country", "policy__type")
    counter = Counter((province_of(code, country), kind) for code, country, kind in rows.iterator(chunk_size=2000))
    kinds = [(kind.value, kind.label) for kind in PolicyType]
    return _report(
        "policy", _("Province"), counter=counter, row_keys=_provinces(counter), row_label=province_label, columns=kinds
    )


def consent_by_purpose() -> Report:
    """Current choices of member accounts (staff have none): given or withdrawn, and the share given."""
    rows = ConsentChoice.objects.values_list("purpose", "given")
    counter = Counter(rows.iterator(chunk_size=2000))
    purposes = [purpose.value for purpose in ConsentPurpose]
    labels = {purpose.value: str(purpose.label) for purpose in ConsentPurpose}
    answers = [(True, _("Given")), (False, _("Withdrawn or refused"))]
    report = _report(
        "consent", _("Purpose"), counter=counter, row_keys=purposes, row_label=labels.__getitem__, columns=answers
    )
    rates = []
    for (given, _refused), total in zip(report.table.cells, report.table.row_totals, strict=True):
        shown = given is not None and total
        rates.append(f"{round(100 * given / total)} %" if shown else "")  # type: ignore[operator]
    return replace(report, rates=rates)


BUILDERS: dict[str, Callable[[], Report]] = {
    "age": members_by_province_and_age,
    "policy": memberships_by_province_and_policy,
    "consent": consent_by_purpose,
}


def aggregate_report(key: str) -> Report:
    return BUILDERS[key]()


def _shown(value: int | None) -> str:
    return suppressed_marker() if value is None else str(value)


def aggregate_csv(key: str, language: str) -> str:
    """The report as CSV text in `language`: a header, the rows, the totals, then what the marker means."""
    with translation.override(language):
        report = aggregate_report(key)
        text = io.StringIO()
        writer = csv.writer(text)
        rate_heading = [_("Share given")] if report.rates else []
        writer.writerow([report.row_heading, *report.columns, _("Total"), *rate_heading])
        for label, cells, total, rate in report.lines:
            writer.writerow([label, *map(_shown, cells), _shown(total), *([rate] if report.rates else [])])
        writer.writerow([_("Total"), *map(_shown, report.table.column_totals), _shown(report.table.total)])
        writer.writerow([suppressed_explanation()])
    return text.getvalue()


def aggregate_export(*, key: str, language: str, actor_id: str) -> str:
    """The CSV of one report for a privacy officer, with the audit entry saying who took which report."""
    content = aggregate_csv(key, language)
    with transaction.atomic():
        audit_record(event="aggregate.exported", actor_id=actor_id, data={"report": key})
    return content
