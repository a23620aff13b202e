"""The digital member card (AREA-2): one set of data for the printable page, the API's JSON and the PDF.

The PDF is drawn with fpdf2's core fonts (Latin-1: every Spanish letter, accents and ñ included);
a character outside Latin-1 is reduced to its base letter rather than breaking the download.
Each download is an action for a member, so it is audited with the actor and the member (GUARD-1).
"""

import unicodedata
import uuid
from typing import Any

from django.db import transaction
from django.http import HttpResponse
from django.utils import formats, translation
from django.utils.translation import gettext as _
from fpdf import FPDF

from memberarea.core.audit import audit_record
from memberarea.core.brand import brand
from memberarea.enrollment.models import Membership, PolicyType
from memberarea.identity.models import Account

from .selectors import member_area_access, policy_type_label

CARD_SIZE_MM = (85.6, 53.98)  # ISO/IEC 7810 ID-1, the size of a bank card
MARGIN_MM = 4.0


def card_data(membership: Membership) -> dict[str, Any]:
    """What the card shows; international plans give the international customer-service line."""
    info = brand()
    ends = [day for day in (membership.end_date, membership.policy.end_date) if day is not None]
    international = membership.policy.type == PolicyType.INTERNATIONAL
    return {
        "member_id": str(membership.pk),
        "name": f"{membership.first_name} {membership.last_name}",
        "member_number": membership.member_number,
        "policy_number": membership.policy.number,
        "policy_type": membership.policy.type,
        "policy_type_label": policy_type_label(membership.policy.type),
        "valid_from": membership.start_date,
        "valid_until": min(ends) if ends else None,
        "support_phone": info["international_phone" if international else "support_phone"],
        "support_hours": info["support_hours"],
        "brand_name": info["name"],
        "primary_colour": info["primary_colour"],
        "accent_colour": info["accent_colour"],
    }


def card_download(*, actor: Account, member_id: uuid.UUID, language: str) -> tuple[Membership, bytes]:
    """The PDF card of a member the actor may act for, recorded as `member.card_downloaded`."""
    granted = member_area_access(actor=actor, member_id=member_id)
    content = card_pdf(granted.membership, language)
    with transaction.atomic():
        audit_record(
            event="member.card_downloaded",
            actor_id=str(actor.pk),
            subject_id=str(granted.membership.pk),
            data={"relation": granted.relation},
        )
    return granted.membership, content


def card_pdf(membership: Membership, language: str) -> bytes:
    """The card as a one-page PDF of card size, its labels in `language`."""
    data = card_data(membership)
    with translation.override(language):
        rows = [
            (_("Member number"), data["member_number"]),
            (_("Policy number"), data["policy_number"]),
            (_("Policy type"), policy_type_label(data["policy_type"])),
            (_("Valid from"), _date(data["valid_from"])),
            (_("Valid until"), _date(data["valid_until"]) if data["valid_until"] else _("No end date")),
        ]
        service = f"{_('Customer service')}: {data['support_phone']} ({data['support_hours']})"
        title = _("Member card")
    width, height = CARD_SIZE_MM
    pdf = FPDF(orientation="landscape", unit="mm", format=(height, width))
    pdf.set_title(latin1(f"{title} · {data['brand_name']}"))
    pdf.set_lang(language)
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
    pdf.add_page()
    pdf.set_fill_color(*_rgb(data["primary_colour"]))
    pdf.rect(0, 0, width, 11, style="F")
    pdf.set_text_color(255, 255, 255)
    pdf.set_font("Helvetica", style="B", size=11)
    pdf.set_xy(MARGIN_MM, 2.5)
    pdf.cell(text=latin1(data["brand_name"]))
    pdf.set_text_color(0, 0, 0)
    pdf.set_xy(MARGIN_MM, 14)
    name = latin1(data["name"])
    while pdf.font_size_pt > 6 and pdf.get_string_width(name) > width - 2 * MARGIN_MM:  # long names shrink
        pdf.set_font_size(pdf.font_size_pt - 0.5)
    pdf.cell(text=name)
    pdf.set_y(20)
    for label, value in rows:
        pdf.set_x(MARGIN_MM)
        pdf.set_font("Helvetica", size=7)
        pdf.cell(w=26, h=4.5, text=latin1(label))
        pdf.set_font("Helvetica", style="B", size=8)
        pdf.cell(h=4.5, text=latin1(value), new_x="LMARGIN", new_y="NEXT")
    pdf.set_fill_color(*_rgb(data["accent_colour"]))
    pdf.rect(0, height - 9, width, 9, style="F")
    pdf.set_text_color(255, 255, 255)
    pdf.set_font("Helvetica", size=6)
    pdf.set_xy(MARGIN_MM, height - 8)
    pdf.multi_cell(w=width - 2 * MARGIN_MM, h=3, text=latin1(service))
    return bytes(pdf.output())


def card_pdf_response(content: bytes, member_number: str) -> HttpResponse:
    """The PDF as a download that no cache keeps; the web page and the API serve it alike."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="card-{member_number}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


def _date(day) -> str:
    return formats.date_format(day)  # the language's one date format (memberarea/formats)


def _rgb(colour: str) -> tuple[int, int, int]:
    """'#0b5d55' → (11, 93, 85)."""
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def latin1(text: str) -> str:
    """Keep Latin-1 as it is (á é í ó ú ñ ü ç); other letters lose their marks (ő → o), or become "?"."""
    return "".join(_latin1_character(character) for character in text)


def _latin1_character(character: str) -> str:
    try:
        character.encode("latin-1")
    except UnicodeEncodeError:
        return unicodedata.normalize("NFKD", character).encode("latin-1", "ignore").decode("latin-1") or "?"
    return character
