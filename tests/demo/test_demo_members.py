"""`manage.py demo_load` loads the demo members through the real import (ENR-1..3, OPS-3)."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db.models import F

from memberarea.core import clock
from memberarea.demo.enrollment import _members
from memberarea.enrollment.identifiers import is_minor
from memberarea.enrollment.models import Guardianship, ImportRowError, Membership, Person, Policy
from memberarea.identity.services import account_find
from memberarea.notifications.models import Message
from memberarea.privacy.models import PageViewCount
from memberarea.privacy.selectors import page_views_per_day
from tests.enrollment.records import clear_text_forms, database_dump

pytestmark = pytest.mark.django_db


def _load() -> str:
    out = io.StringIO()
    call_command("demo_load", stdout=out)
    return out.getvalue()


def _counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Policy, Person, Membership, Guardianship, Message))


@pytest.mark.req("ENR-1")
@pytest.mark.req("ENR-3")
def test_loading_twice_duplicates_nothing_and_welcomes_only_on_the_first_load():
    printed = _load()
    assert "MA200101" in printed and "POLF2001" in printed
    assert "Carmen Vidal Pons already has an account (60112233P / Demo2026member)" in printed  # she can sign in
    assert account_find("60112233P").person.memberships.filter(member_number="MA300109").exists()
    first = _counts()
    welcome = [(m.to, m.template, m.language) for m in Message.objects.filter(template__startswith="welcome")]
    _load()
    assert _counts() == first
    assert not ImportRowError.objects.exists()
    assert ("daniel.ortega@example.invalid", "welcome", "en") in welcome
    assert ("lucia.ferrer@example.invalid", "welcome", "es") in welcome
    assert ("carmen.vidal@example.invalid", "welcome_rejoined", "es") in welcome
    assert not any(to.startswith(("tomas.", "pablo.", "marta.")) for to, _, _ in welcome)  # ended; minors
    guardian_mail = [to for to, _, _ in welcome if to.startswith(("lucia.", "daniel."))]
    assert len(guardian_mail) == 6  # their own, plus one for each child to each guardian


@pytest.mark.req("ENR-1")
def test_the_demo_covers_every_case_with_dates_relative_to_today():
    _load()
    today = clock.today_in("Europe/Madrid")
    by_number = {m.member_number: m for m in Membership.objects.select_related("person", "policy")}
    pablo, marta = by_number["MA200103"].person, by_number["MA200104"].person
    assert (today - pablo.date_of_birth).days // 365 == 10
    assert is_minor(marta.date_of_birth, today)
    assert not is_minor(marta.date_of_birth, today + dt.timedelta(days=7))
    guardians = set(Guardianship.objects.values_list("guardian__member_number", "minor__member_number"))
    assert guardians == {(g, m) for g in ("MA200101", "MA200102") for m in ("MA200103", "MA200104")}
    assert by_number["MA300117"].policy.type == "corporate"
    assert by_number["MA400101"].policy.type == "international"
    assert by_number["MA500101"].policy.status == "ended"
    assert by_number["MA600101"].person_id == by_number["MA300109"].person_id
    assert by_number["MA600101"].person.account_id is not None
    assert by_number["MA700101"].person.document_type == ""
    assert all(m.email.endswith("@example.invalid") and m.mobile.startswith("+346") for m in by_number.values())
    for model in (Policy, Person, Membership):  # no record changed before it was made
        assert not model.objects.filter(updated_at__lt=F("created_at")).exists(), model


@pytest.mark.req("OPS-3")
def test_after_the_demo_load_the_database_holds_no_document_contact_or_birth_date_in_clear():
    _load()
    dump = database_dump()
    forms = []
    for record in _members(clock.today_in("Europe/Madrid")):
        forms += clear_text_forms(
            date_of_birth=dt.date.fromisoformat(record["date_of_birth"]),
            mobile=record["mobile"].replace(" ", ""),
            document=record.get("document_number", ""),
            email=record["email"],
        )
        forms.append(record["address_line1"])
    assert "MA200101" in dump
    assert sorted({form for form in forms if form in dump}) == []


@pytest.mark.req("ENR-1")
@pytest.mark.req("AREA-1")
def test_the_demo_policies_have_their_kinds():
    _load()
    kinds = dict(Policy.objects.values_list("number", "type"))
    assert kinds["POLF2001"] == "family" and kinds["POLC3001"] == "corporate"
    assert kinds["POLX4001"] == "international" and kinds["POLE5001"] == "individual"


@pytest.mark.req("PRIV-6")
def test_the_demo_has_30_days_of_page_views_loaded_once():
    _load()
    days = page_views_per_day(days=31)
    assert days[-1][1] == 0  # today starts empty: the visitor's own views come on top
    assert all(count > 0 for _, count in days[:-1])
    first = list(PageViewCount.objects.order_by("id").values_list("day", "path_template", "language", "count"))
    _load()
    assert list(PageViewCount.objects.order_by("id").values_list("day", "path_template", "language", "count")) == first
