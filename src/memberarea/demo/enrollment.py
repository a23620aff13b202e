"""The demo's fictional enrollment records, loaded through the real import (ENR-1..4).

Every load re-applies the records with dates computed from today in the insurer's time zone, so
"a child of 10" and "turns 18 within the week" stay true. The import upserts by member number:
loading again creates nothing, and welcome emails — sent only for new memberships — go out on the
first load only. All names, numbers and addresses are invented; emails use `example.invalid`.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from stdnum.es import dni, nie

from memberarea.core import clock
from memberarea.enrollment.identifiers import normalise_number
from memberarea.enrollment.models import Membership
from memberarea.enrollment.services import enrollment_file_import, person_account_link
from memberarea.identity.services import account_create, account_find, account_password_reset_by_operator

DEMO_MEMBER_PASSWORD = "Demo2026member"  # noqa: S105 - published demo password (demo mode only)  # nosec B105


def _nif(digits: str) -> str:
    return digits + dni.calc_check_digit(digits)


def _nie(body: str) -> str:
    return body + nie.calc_check_digit(body)


CARMEN_DOCUMENT = _nif("60112233")  # her username: she registered during her first membership


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True)
class DemoMember:
    name: str
    member_number: str
    policy_number: str
    date_of_birth: dt.date
    demonstrates: str


def _policies(today: dt.date) -> list[dict]:
    ended = today - dt.timedelta(days=180)
    return [
        {"policy_number": "POL-F-2001", "policy_type": "family", "status": "active",
         "start_date": "2019-01-01", "holder_name": "Lucía Ferrer Navas"},
        {"policy_number": "POL-C-3001", "policy_type": "corporate", "status": "active",
         "start_date": "2020-06-01", "holder_name": "Logística Ejemplar S.L. (ficticia)"},
        {"policy_number": "POL-X-4001", "policy_type": "international", "status": "active",
         "start_date": "2023-09-01", "holder_name": "Oliver Grantham"},
        {"policy_number": "POL-E-5001", "policy_type": "individual", "status": "ended",
         "start_date": "2018-02-01", "end_date": ended.isoformat(), "holder_name": "Tomás Ibarra Roca"},
        {"policy_number": "POL-F-6001", "policy_type": "individual", "status": "active",
         "start_date": (today - dt.timedelta(days=30)).isoformat(), "holder_name": "Carmen Vidal Pons"},
        {"policy_number": "POL-F-7001", "policy_type": "individual", "status": "active",
         "start_date": "2021-04-01", "holder_name": "Andrés Gil Campos"},
    ]  # fmt: skip


def _members(today: dt.date) -> list[dict]:
    """The records, in import order: guardians before the minors that name them."""
    child_of_ten = _years_before(today, 10) - dt.timedelta(days=40)
    almost_adult = _years_before(today + dt.timedelta(days=5), 18)
    rejoined_old_end = today - dt.timedelta(days=365)
    ended_end = today - dt.timedelta(days=180)
    family = {"policy_number": "POL-F-2001", "start_date": "2019-01-01", "address_line1": "Calle del Olmo 14, 3º B",
              "postal_code": "28014", "city": "Madrid", "province": "Madrid", "country": "ES"}  # fmt: skip
    return [
        {**family, "member_number": "MA-2001-01", "first_name": "Lucía", "last_name": "Ferrer Navas",
         "date_of_birth": "1984-03-12", "sex": "female", "relationship": "holder", "language": "es",
         "email": "lucia.ferrer@example.invalid", "mobile": "+34 612 000 101", "document_type": "nif",
         "document_number": _nif("51234567")},
        {**family, "member_number": "MA-2001-02", "first_name": "Daniel", "last_name": "Ortega Ruiz",
         "date_of_birth": "1982-11-05", "sex": "male", "relationship": "spouse_partner", "language": "en",
         "email": "daniel.ortega@example.invalid", "mobile": "+34 612 000 102", "document_type": "nie",
         "document_number": _nie("Y2468135")},
        {**family, "member_number": "MA-2001-03", "first_name": "Pablo", "last_name": "Ortega Ferrer",
         "date_of_birth": child_of_ten.isoformat(), "sex": "male", "relationship": "child", "language": "es",
         "email": "pablo.ortega@example.invalid", "mobile": "+34 612 000 103",
         "start_date": (child_of_ten + dt.timedelta(days=31)).isoformat(),
         "guardian_member_numbers": "MA-2001-01;MA-2001-02"},
        {**family, "member_number": "MA-2001-04", "first_name": "Marta", "last_name": "Ortega Ferrer",
         "date_of_birth": almost_adult.isoformat(), "sex": "female", "relationship": "child", "language": "es",
         "email": "marta.ortega@example.invalid", "mobile": "+34 612 000 104", "document_type": "nif",
         "document_number": _nif("48123456"), "guardian_member_numbers": "MA-2001-01;MA-2001-02"},
        {"member_number": "MA-3001-17", "policy_number": "POL-C-3001", "first_name": "Javier",
         "last_name": "Morales Soto", "date_of_birth": "1990-07-21", "sex": "male", "relationship": "holder",
         "start_date": "2022-02-01", "address_line1": "Avenida de la Prueba 7", "postal_code": "08013",
         "city": "Barcelona", "province": "Barcelona", "language": "es", "email": "javier.morales@example.invalid",
         "mobile": "+34 612 000 105", "document_type": "nif", "document_number": _nif("70123456")},
        {"member_number": "MA-4001-01", "policy_number": "POL-X-4001", "first_name": "Oliver",
         "last_name": "Grantham", "date_of_birth": "1979-05-30", "sex": "male", "relationship": "holder",
         "start_date": "2023-09-01", "address_line1": "Calle Ficticia 3", "postal_code": "29601",
         "city": "Marbella", "province": "Málaga", "language": "en", "email": "oliver.grantham@example.invalid",
         "mobile": "+34 612 000 106", "document_type": "passport", "document_number": "PX4401923",
         "document_country": "GB"},
        {"member_number": "MA-5001-01", "policy_number": "POL-E-5001", "first_name": "Tomás",
         "last_name": "Ibarra Roca", "date_of_birth": "1961-01-18", "sex": "male", "relationship": "holder",
         "start_date": "2018-02-01", "end_date": ended_end.isoformat(), "address_line1": "Plaza Inventada 2",
         "postal_code": "46001", "city": "Valencia", "province": "Valencia", "language": "es",
         "email": "tomas.ibarra@example.invalid", "mobile": "+34 612 000 107", "document_type": "nif",
         "document_number": _nif("23456789")},
        {"member_number": "MA-3001-09", "policy_number": "POL-C-3001", "first_name": "Carmen",
         "last_name": "Vidal Pons", "date_of_birth": "1988-09-02", "sex": "female", "relationship": "holder",
         "start_date": "2020-06-01", "end_date": rejoined_old_end.isoformat(), "address_line1": "Calle Supuesta 21",
         "postal_code": "41004", "city": "Sevilla", "province": "Sevilla", "language": "es",
         "email": "carmen.vidal@example.invalid", "mobile": "+34 612 000 108", "document_type": "nif",
         "document_number": CARMEN_DOCUMENT},
        {"member_number": "MA-6001-01", "policy_number": "POL-F-6001", "first_name": "Carmen",
         "last_name": "Vidal Pons", "date_of_birth": "1988-09-02", "sex": "female", "relationship": "holder",
         "start_date": (today - dt.timedelta(days=30)).isoformat(), "address_line1": "Calle Supuesta 21",
         "postal_code": "41004", "city": "Sevilla", "province": "Sevilla", "language": "es",
         "email": "carmen.vidal@example.invalid", "mobile": "+34 612 000 108", "document_type": "nif",
         "document_number": CARMEN_DOCUMENT},
        {"member_number": "MA-7001-01", "policy_number": "POL-F-7001", "first_name": "Andrés",
         "last_name": "Gil Campos", "date_of_birth": "1975-12-09", "sex": "male", "relationship": "holder",
         "start_date": "2021-04-01", "address_line1": "Ronda Imaginaria 45", "postal_code": "50001",
         "city": "Zaragoza", "province": "Zaragoza", "language": "en", "email": "andres.gil@example.invalid",
         "mobile": "+34 612 000 109"},
    ]  # fmt: skip


DEMONSTRATES = {
    "MA-2001-01": "family policy holder; guardian of both children; welcome in Spanish",
    "MA-2001-02": "partner on the family policy (NIE); guardian of both children; welcome in English",
    "MA-2001-03": "a child of 10: the welcome goes to both guardians; cannot register (minor)",
    "MA-2001-04": "turns 18 within the week: guardian access ends, then she can register",
    "MA-3001-17": "corporate-policy member",
    "MA-4001-01": "international/expatriate plan (passport): registration points to the international contact",
    "MA-5001-01": "member of an ended policy (policy_inactive); no welcome",
    "MA-3001-09": "Carmen's earlier corporate membership, ended a year ago (has an account)",
    "MA-6001-01": "Carmen re-joined under a new number: linked to her account, 'linked' email",
    "MA-7001-01": "no identity document on record: linked at registration; welcome in English",
}
REJOINER_OLD = "MA-3001-09"


def demo_members_load() -> list[DemoMember]:
    """Create or refresh the demo records; returns the table `demo_load` prints."""
    today = clock.today_in(settings.INSURER_TIME_ZONE)
    members = _members(today)
    rejoined_new = [m for m in members if m["member_number"] == "MA-6001-01"]
    first_part = [m for m in members if m not in rejoined_new]
    with transaction.atomic():
        enrollment_file_import(kind="policies", rows=enumerate(_policies(today), start=2))
        _applied(enrollment_file_import(kind="members", rows=enumerate(first_part, start=2)))
        _rejoiner_account_ensure(next(m for m in members if m["member_number"] == REJOINER_OLD))
        _applied(enrollment_file_import(kind="members", rows=enumerate(rejoined_new, start=2)))
    return [
        DemoMember(
            name=f"{m['first_name']} {m['last_name']}",
            member_number=normalise_number(m["member_number"]),
            policy_number=normalise_number(m["policy_number"]),
            date_of_birth=dt.date.fromisoformat(m["date_of_birth"]),
            demonstrates=DEMONSTRATES[m["member_number"]],
        )
        for m in members
    ]


def _applied(batch) -> None:
    if batch.rejected:
        codes = list(batch.row_errors.values_list("row", "field", "code"))
        raise RuntimeError(f"demo records rejected by the import: {codes}")


def _rejoiner_account_ensure(record: dict) -> None:
    """Carmen registered during her first membership: she has an account with the demo password."""
    account = account_find(record["document_number"])
    if account is None:
        account = account_create(
            username=record["document_number"], password=DEMO_MEMBER_PASSWORD, language=record["language"]
        )
    else:
        account_password_reset_by_operator(account=account, password=DEMO_MEMBER_PASSWORD)
    person = Membership.objects.select_related("person").get(member_number=normalise_number(REJOINER_OLD)).person
    if person.account_id != account.pk:
        person_account_link(person=person, account=account, actor_id="system")
