"""Shine the Light (PRIV-10, California Civil Code 1798.83): which third parties received the person's
personal information for their own direct marketing in a calendar year, and which categories.

The answer is generated from the accounting of disclosures (`Disclosure.for_direct_marketing`), never
kept apart from it: the same question asked twice gives the same list, dated when it was asked. A
calendar year is the deployment's (INSURER_TIME_ZONE): 31 December 23:59 belongs to the year that
ends, 1 January 00:00 to the next. "None" is an answer too, and says so with its date.
The rights-request workflow (PRIV-8) attaches `shine_the_light_answer` as one of its request kinds.
"""

import datetime as dt
import uuid
import zoneinfo
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from fpdf import FPDF

from memberarea.core import clock, datamap
from memberarea.core.audit import audit_record
from memberarea.core.brand import brand
from memberarea.core.errors import INVALID, MemberAreaError
from memberarea.enrollment.models import Membership, Person
from memberarea.identity.models import Account
from memberarea.members.access import Purpose, access_member
from memberarea.members.card import latin1

from .models import Disclosure, RecipientKind

PAGE_MARGIN_MM = 18
NONE_TEXT = gettext_lazy(
    "None: in this period we did not share your personal information with any third party for its own direct marketing."
)


def _zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.INSURER_TIME_ZONE)


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    """The calendar year in the insurer's time zone: [1 January 00:00, next 1 January 00:00)."""
    return dt.datetime(year, 1, 1, tzinfo=_zone()), dt.datetime(year + 1, 1, 1, tzinfo=_zone())


def previous_year() -> int:
    """The year the law asks about: the calendar year before today's, in the insurer's time zone."""
    return clock.today_in(settings.INSURER_TIME_ZONE).year - 1


EARLIEST_YEAR = 2000


def year_parse(text: str) -> int:
    """A year as written in a path or a link: four digits from 2000 up to this year so far, else INVALID
    on `year`. The previous year is what the law asks about; this year is offered too, and an answered
    request links to the year it answered for."""
    if text.isascii() and text.isdigit() and len(text) == 4 and EARLIEST_YEAR <= int(text) <= previous_year() + 1:
        return int(text)
    raise MemberAreaError(
        INVALID, fields={"year": [_("Give a year from %(first)s until this one.") % {"first": EARLIEST_YEAR}]}
    )


def shine_the_light_answer(person: Person, year: int) -> dict[str, Any]:
    """The third parties that received the person's data for their own direct marketing in `year`."""
    start, end = year_bounds(year)
    entries = (
        Disclosure.objects.filter(person=person, for_direct_marketing=True, at__gte=start, at__lt=end)
        .exclude(recipient_kind=RecipientKind.STAFF)
        .order_by("at")
    )
    recipients: dict[tuple[str, str], dict[str, Any]] = {}
    for entry in entries:
        found = recipients.setdefault(
            (entry.recipient, entry.recipient_kind),
            {"name": entry.recipient, "kind": entry.recipient_kind, "categories": set(), "times": 0, "first": entry.at},
        )
        found["categories"].update(entry.categories)
        found["times"] += 1
        found["last"] = entry.at
    return {
        "year": year,
        "period_start": start.date(),
        "period_end": (end - dt.timedelta(days=1)).date(),
        "answered_at": clock.now(),
        "none": not recipients,
        "recipients": [
            {
                "name": found["name"],
                "kind": found["kind"],
                "kind_label": str(RecipientKind(found["kind"]).label),
                "categories": sorted(found["categories"]),
                "category_labels": [str(datamap.CATEGORY_LABELS[code]) for code in sorted(found["categories"])],
                "times": found["times"],
                "first_at": found["first"],
                "last_at": found["last"],
            }
            for found in sorted(recipients.values(), key=lambda item: item["name"])
        ],
    }


def shine_the_light_for(*, actor: Account, member_id: uuid.UUID, year: int | None = None) -> tuple[Membership, dict]:
    """The answer for a member the actor may act for (oneself, a guardian's minor), recorded in the audit log;
    `year` (from `year_parse`) defaults to the previous one."""
    membership = access_member(actor=actor, member_id=member_id, purpose=Purpose.VIEW).membership
    answer = shine_the_light_answer(membership.person, previous_year() if year is None else year)
    with transaction.atomic():
        audit_record(
            event="privacy.shine_the_light_answered",
            actor_id=str(actor.pk),
            subject_id=str(membership.pk),
            data={"year": answer["year"], "recipients": len(answer["recipients"])},
        )
    return membership, answer


def shine_the_light_pdf(answer: dict[str, Any], member_name: str, language: str) -> bytes:
    """The answer as an A4 PDF in `language` (fpdf2's core fonts: Latin-1, see members.card)."""
    with translation.override(language):
        title = _("Shine the Light: who received your data for their own marketing")
        lines = [
            _("Member: %(name)s") % {"name": member_name},
            _("Period: %(start)s to %(end)s")
            % {"start": formats.date_format(answer["period_start"]), "end": formats.date_format(answer["period_end"])},
            _("Answered on %(day)s") % {"day": formats.date_format(answer["answered_at"].astimezone(_zone()).date())},
        ]
        if answer["none"]:
            body = [str(NONE_TEXT)]
        else:
            body = [
                _("%(name)s (%(kind)s): %(categories)s")
                % {"name": item["name"], "kind": item["kind_label"], "categories": ", ".join(item["category_labels"])}
                for item in answer["recipients"]
            ]
        footer = _("Questions: %(email)s") % {"email": brand()["privacy_email"]}
    pdf = FPDF(format="A4")
    pdf.set_title(latin1(title))
    pdf.set_lang(language)
    pdf.set_margins(PAGE_MARGIN_MM, PAGE_MARGIN_MM, PAGE_MARGIN_MM)
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=14)
    pdf.multi_cell(w=0, h=7, text=latin1(title), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("Helvetica", size=10)
    for line in lines:
        pdf.multi_cell(w=0, h=6, text=latin1(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", size=11)
    for line in body:
        pdf.multi_cell(w=0, h=6, text=latin1(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("Helvetica", size=9)
    pdf.multi_cell(w=0, h=5, text=latin1(footer), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
