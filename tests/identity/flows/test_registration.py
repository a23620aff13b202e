"""The registration flow's states, limits and expiry, driven through its functions with the injected clock."""

import datetime as dt

import pytest
from django.contrib.auth.hashers import check_password
from django.utils import translation

from memberarea.core.errors import MemberAreaError
from memberarea.enrollment.models import Membership, Person
from memberarea.identity.flows.codes import code_use
from memberarea.identity.flows.registration.complete import registration_complete
from memberarea.identity.flows.registration.details import (
    AddressInput,
    registration_code_resend,
    registration_code_verify,
)
from memberarea.identity.flows.registration.link import registration_link_complete, registration_link_password
from memberarea.identity.flows.registration.state import registration_get, registration_summary
from memberarea.identity.models import Account, PasswordHistory, RegistrationFlow, RegistrationState
from memberarea.identity.services import account_create
from memberarea.notifications.models import Message
from tests.enrollment.records import import_members, member_row, nif
from tests.identity.registering import HOLDER_NIF, PASSWORD, error_code, last_code, start, submit_details

pytestmark = pytest.mark.django_db


def messages(template: str) -> list[Message]:
    return list(Message.objects.filter(template=template).order_by("created_at"))


def complete(current, password: str = PASSWORD) -> Account:
    return registration_complete(flow_id=current.pk, kind=current.kind, password=password)


# --- step 1 --------------------------------------------------------------------------------------
@pytest.mark.req("REG-1")
@pytest.mark.req("ENR-4")
def test_numbers_are_normalised_not_rejected(enrolled):
    current = start(member_number=" m-0000 01 ", policy_number="pol 100")
    assert current.state == RegistrationState.IDENTIFIED
    assert current.membership.member_number == "M-000001".replace("-", "")


@pytest.mark.req("REG-1")
@pytest.mark.parametrize("birth", ["12/03/1985", "12-3-1985", "12.03.1985", "1985-03-12"])
def test_birth_date_accepts_day_first_and_iso(enrolled, birth):
    assert start(date_of_birth=birth).state == RegistrationState.IDENTIFIED


@pytest.mark.req("REG-1")
@pytest.mark.parametrize(
    "birth", ["1985-02-30", "31/02/1985", "2999-01-01", "03/12/85", "12/03/1885", "", "x" * 10_000]
)
def test_impossible_or_future_dates_are_refused_with_a_field_message(enrolled, frozen_clock, birth):
    with pytest.raises(MemberAreaError) as raised:
        start(date_of_birth=birth)
    assert raised.value.code == "invalid"
    assert list(raised.value.fields) == ["date_of_birth"]
    assert not RegistrationFlow.objects.exists()


@pytest.mark.req("REG-1")
def test_ten_thousand_character_numbers_are_refused(enrolled):
    with pytest.raises(MemberAreaError) as raised:
        start(member_number="9" * 10_000, policy_number="P" * 10_000)
    assert raised.value.code == "invalid"
    assert set(raised.value.fields) == {"member_number", "policy_number"}


@pytest.mark.req("REG-1")
@pytest.mark.parametrize(
    "wrong",
    [{"date_of_birth": "1985-03-13"}, {"policy_number": "POL-INT"}, {"member_number": "M-999999"}],
    ids=["birth date", "policy", "unknown member"],
)
def test_any_wrong_fact_gives_the_same_no_match(enrolled, wrong):
    assert error_code(start, **wrong) == "no_match"
    assert not RegistrationFlow.objects.exists()


@pytest.mark.req("REG-1")
def test_failures_bring_a_captcha_then_a_block(enrolled, settings):
    settings.REGISTRATION_FAILURES_BEFORE_CAPTCHA = 2
    settings.REGISTRATION_FAILURES_BEFORE_BLOCK = 4
    assert [error_code(start, date_of_birth="1985-03-13") for _ in range(2)] == ["no_match"] * 2
    assert error_code(start, date_of_birth="1985-03-13") == "captcha_required"
    assert error_code(start) == "captcha_required"  # even the right facts need the captcha now
    assert error_code(start) == "rate_limited"


@pytest.mark.req("REG-1")
def test_failures_are_counted_per_member_number_across_addresses(enrolled, settings):
    settings.REGISTRATION_FAILURES_BEFORE_CAPTCHA = 3
    for index in range(3):
        assert error_code(start, date_of_birth="1985-03-13", address=f"198.51.100.{index}") == "no_match"
    assert error_code(start, address="203.0.113.9") == "captcha_required"


@pytest.mark.req("REG-1")
def test_successes_do_not_spend_the_failure_allowance(enrolled, settings):
    """A family registering one after another from home is not pushed to the captcha."""
    settings.REGISTRATION_FAILURES_BEFORE_CAPTCHA = 2
    for _ in range(4):
        start()
    assert start().state == RegistrationState.IDENTIFIED


@pytest.mark.req("REG-1")
def test_the_failure_window_passes(enrolled, settings, frozen_clock):
    settings.REGISTRATION_FAILURES_BEFORE_CAPTCHA = 1
    error_code(start, date_of_birth="1985-03-13")
    assert error_code(start) == "captcha_required"
    frozen_clock.advance(seconds=settings.REGISTRATION_FAILURE_WINDOW_SECONDS)
    assert start().state == RegistrationState.IDENTIFIED


# --- eligibility ---------------------------------------------------------------------------------
@pytest.mark.req("REG-2")
def test_a_minor_is_told_their_guardian_manages_them(enrolled):
    assert error_code(start, 3, date_of_birth="2015-06-01") == "minor"


@pytest.mark.req("REG-2")
@pytest.mark.req("GUARD-2")
def test_the_age_of_majority_is_a_setting(enrolled, settings, frozen_clock):
    """Member 3 is ten on the frozen day (born 1 June 2015): a minor at 11, an adult who registers at 10."""
    settings.ADULT_AGE = 11
    with pytest.raises(MemberAreaError) as raised:
        start(3, date_of_birth="2015-06-01")
    assert raised.value.code == "minor"
    assert "11" in raised.value.message
    settings.ADULT_AGE = 10
    assert start(3, date_of_birth="2015-06-01").state == RegistrationState.IDENTIFIED


@pytest.mark.req("REG-2")
def test_international_plans_get_the_international_contact(enrolled, settings):
    with pytest.raises(MemberAreaError) as raised:
        start(4, policy_number="POL-INT")
    assert raised.value.code == "international_plan"
    assert settings.BRAND["international_phone"] in raised.value.message
    assert settings.BRAND["international_email"] in raised.value.message


@pytest.mark.req("REG-2")
def test_an_ended_policy_cannot_register(enrolled):
    assert error_code(start, 5, policy_number="POL-END") == "policy_inactive"


@pytest.mark.req("REG-2")
def test_a_person_with_an_account_is_sent_to_sign_in(enrolled):
    complete(_ready(start()))
    assert error_code(start) == "already_registered"


@pytest.mark.req("REG-2")
def test_an_ended_membership_is_inactive_even_on_an_active_policy(enrolled, frozen_clock):
    Membership.objects.filter(member_number="M000002").update(end_date=dt.date(2025, 1, 31))
    assert error_code(start, 2) == "policy_inactive"


# --- step 2 --------------------------------------------------------------------------------------
@pytest.mark.req("REG-3")
def test_contacts_and_street_are_masked_postal_code_and_city_shown(enrolled):
    summary = registration_summary(start())
    assert summary["email"] == "p•••@e•••.invalid"
    assert summary["phone"] == "••• ••• •01"
    assert summary["address"]["line1"] == "C••• F••• 1•••"
    assert (summary["address"]["postal_code"], summary["address"]["city"]) == ("28001", "Madrid")
    assert "persona1" not in str(summary) and "123" not in summary["address"]["line1"]


@pytest.mark.req("REG-3")
@pytest.mark.parametrize(
    ("document_type", "number", "country"),
    [
        ("nif", "10000001A", ""),  # wrong check letter
        ("nif", "00000000T", ""),  # placeholder with a valid letter
        ("nif", "B12345674", ""),  # a company (CIF), valid for stdnum.es.nif but never a person
        ("nie", "A1234567L", ""),  # wrong prefix
        ("passport", "AB12", "GB"),  # too short
        ("passport", "AB123456", ""),  # no country
        ("nif", "1" * 10_000, ""),
        ("driving_licence", "10000001R", ""),
    ],
)
def test_malformed_documents_are_refused_and_counted(enrolled, document_type, number, country):
    current = start()
    with pytest.raises(MemberAreaError) as raised:
        submit_details(current, document_type=document_type, document_number=number, document_country=country)
    assert raised.value.code == "invalid"
    assert set(raised.value.fields) <= {"document_type", "document_number", "document_country"}
    current.refresh_from_db()
    assert current.state == RegistrationState.IDENTIFIED and current.details is None


@pytest.mark.req("REG-3")
def test_the_document_must_match_the_one_on_record_three_tries(enrolled):
    """Knowing the three enrollment facts is not enough to register under another document."""
    current = start()
    other = nif("20000002")
    assert [error_code(submit_details, current, document_number=other) for _ in range(3)] == ["document_mismatch"] * 3
    assert error_code(submit_details, current) == "too_many_attempts"  # even the right one, now
    assert not Account.objects.exists()


@pytest.mark.req("REG-3")
def test_new_flows_do_not_reset_the_document_tries_for_the_day(enrolled, settings):
    settings.REGISTRATION_DOCUMENT_FAILURES_PER_DAY = 4
    for _ in range(2):
        current = start()
        for _ in range(2):
            error_code(submit_details, current, document_number=nif("20000002"))
    assert error_code(submit_details, start()) == "too_many_attempts"


@pytest.mark.req("REG-3")
def test_another_persons_document_is_taken(enrolled):
    """Member 4's passport is on record for member 4: nobody else registers with it."""
    spouse = start(2)
    taken = {"document_type": "passport", "document_number": "GB1234567", "document_country": "GB"}
    assert error_code(submit_details, spouse, **taken) == "document_taken"


@pytest.mark.req("REG-3")
def test_a_document_used_as_a_username_is_taken(enrolled):
    account_create(username=nif("30000003"), password=PASSWORD)  # e.g. an employee's account
    assert error_code(submit_details, start(2), document_number=nif("30000003")) == "document_taken"


@pytest.mark.req("REG-3")
def test_dni_typed_any_way_is_one_username(enrolled):
    current = start()
    submit_details(current, document_number=f" {HOLDER_NIF[:4]}-{HOLDER_NIF[4:8]} {HOLDER_NIF[8].lower()}")
    assert complete(registration_get(flow_id=current.pk, kind="api")).username == HOLDER_NIF


@pytest.mark.req("REG-3")
@pytest.mark.parametrize("phone", ["+34 912 345 678", "91 234 56 78", "12", "+34 6" + "1" * 40])
def test_landlines_and_junk_cannot_receive_codes(enrolled, phone):
    with pytest.raises(MemberAreaError) as raised:
        submit_details(start(), phone=phone)
    assert raised.value.code == "invalid" and list(raised.value.fields) == ["phone"]


@pytest.mark.req("REG-3")
def test_a_passport_is_unique_with_its_country(enrolled):
    spouse = start(2)
    assert submit_details(spouse, document_type="passport", document_number="x123-4567", document_country="fr") == []
    account = complete(registration_get(flow_id=spouse.pk, kind="api"))
    person = Person.objects.get(account=account)
    assert (person.document_type, person.document_number, person.document_country) == ("passport", "X1234567", "FR")


@pytest.mark.req("REG-3")
def test_the_same_email_may_serve_several_family_accounts(enrolled):
    complete(_ready(start(), email="familia@example.org"))
    spouse = start(2)
    submit_details(spouse, document_number=nif("30000003"), email="familia@example.org")
    _prove(spouse, "email", "familia@example.org")
    complete(registration_get(flow_id=spouse.pk, kind="api"))
    assert Account.objects.count() == 2


# --- proving new contacts -------------------------------------------------------------------------
def _prove(current, channel: str, destination: str) -> list[str]:
    return registration_code_verify(flow_id=current.pk, kind=current.kind, channel=channel, code=last_code(destination))


def _ready(current, **details):
    pending = submit_details(current, **details)
    destinations = {"email": details.get("email"), "sms": details.get("phone")}
    for channel in pending:
        _prove(current, channel, destinations[channel].replace(" ", ""))
    return registration_get(flow_id=current.pk, kind=current.kind)


@pytest.mark.req("REG-4")
def test_kept_contacts_need_no_code(enrolled):
    current = start()
    assert submit_details(current) == []
    assert registration_get(flow_id=current.pk, kind="api").state == RegistrationState.READY
    assert not messages("registration_code")


@pytest.mark.req("REG-4")
def test_typing_the_contact_on_record_is_not_a_change(enrolled):
    assert submit_details(start(), email="persona1@EXAMPLE.invalid", phone="600000001") == []


@pytest.mark.req("REG-4")
def test_each_new_contact_is_proven_with_its_own_code(enrolled):
    current = start()
    assert submit_details(current, email="nueva@example.org", phone="+34 699 000 111") == ["email", "sms"]
    sent = {m.channel: m for m in messages("registration_code")}
    assert sent["email"].to == "nueva@example.org" and sent["sms"].to == "+34699000111"
    assert "http" not in sent["email"].body_text  # a code, never a link (REG-4)
    assert error_code(complete, current) == "flow_expired"  # not ready while codes wait
    assert _prove(current, "sms", "+34699000111") == ["email"]
    assert _prove(current, "email", "nueva@example.org") == []


@pytest.mark.req("REG-4")
def test_wrong_codes_are_counted_then_the_code_is_spent(enrolled, settings):
    current = start()
    submit_details(current, email="nueva@example.org")
    right = last_code("nueva@example.org")
    wrong = "000000" if right != "000000" else "111111"
    verify = registration_code_verify
    codes = [error_code(verify, flow_id=current.pk, kind="api", channel="email", code=wrong) for _ in range(5)]
    assert codes == ["invalid_code"] * 5
    assert error_code(verify, flow_id=current.pk, kind="api", channel="email", code=right) == "too_many_attempts"


@pytest.mark.req("REG-4")
@pytest.mark.parametrize("junk", ["", "12345", "1234567", "abcdef", "１２３４５６", "9" * 10_000])
def test_malformed_codes_are_invalid(enrolled, junk):
    current = start()
    submit_details(current, email="nueva@example.org")
    assert error_code(code_use, flow_id=current.pk, channel="email", code=junk) == "invalid_code"


@pytest.mark.req("REG-4")
def test_a_code_expires_after_ten_minutes(enrolled, frozen_clock, settings):
    current = start()
    submit_details(current, email="nueva@example.org")
    frozen_clock.advance(seconds=settings.CODE_LIFETIME_SECONDS)
    code = last_code("nueva@example.org")
    assert error_code(registration_code_verify, flow_id=current.pk, kind="api", channel="email", code=code) == (
        "code_expired"
    )


@pytest.mark.req("REG-4")
def test_a_used_code_cannot_be_used_again(enrolled):
    current = start()
    submit_details(current, email="nueva@example.org", phone="+34699000111")
    code = last_code("nueva@example.org")
    registration_code_verify(flow_id=current.pk, kind="api", channel="email", code=code)
    assert error_code(code_use, flow_id=current.pk, channel="email", code=code) == "invalid_code"


@pytest.mark.req("REG-4")
def test_resend_waits_for_the_cooldown_and_replaces_the_code(enrolled, frozen_clock, settings):
    current = start()
    submit_details(current, email="nueva@example.org")
    first = last_code("nueva@example.org")
    resend = registration_code_resend
    assert error_code(resend, flow_id=current.pk, kind="api", channel="email") == "rate_limited"
    frozen_clock.advance(seconds=settings.CODE_RESEND_COOLDOWN_SECONDS)
    after = resend(flow_id=current.pk, kind="api", channel="email")
    assert after == frozen_clock.at + dt.timedelta(seconds=settings.CODE_RESEND_COOLDOWN_SECONDS)
    second = last_code("nueva@example.org")
    if second != first:
        assert error_code(code_use, flow_id=current.pk, channel="email", code=first) == "invalid_code"
    assert _prove(current, "email", "nueva@example.org") == []


@pytest.mark.req("REG-4")
def test_resends_are_limited(enrolled, frozen_clock, settings):
    settings.CODE_MAX_SENDS = 2
    current = start()
    submit_details(current, email="nueva@example.org")
    frozen_clock.advance(seconds=settings.CODE_RESEND_COOLDOWN_SECONDS)
    registration_code_resend(flow_id=current.pk, kind="api", channel="email")
    frozen_clock.advance(seconds=settings.CODE_RESEND_COOLDOWN_SECONDS)
    assert error_code(registration_code_resend, flow_id=current.pk, kind="api", channel="email") == (
        "too_many_attempts"
    )


@pytest.mark.req("REG-4")
def test_replaced_enrolled_contacts_are_told_with_a_not_me_link_and_a_hold(enrolled, frozen_clock, client):
    account = complete(_ready(start(), email="nueva@example.org", phone="+34699000111"))
    notices = {m.channel: m for m in messages("registration_contact_replaced")}
    assert notices["email"].to == "persona1@example.invalid" and notices["sms"].to == "+34600000001"
    assert account.contact_hold_until == frozen_clock.at + dt.timedelta(days=7)
    link = next(word for word in notices["email"].body_text.split() if "/security/not-me/" in word)

    response = client.get(link.replace("http://127.0.0.1:8000", ""))
    assert response.status_code == 302 and response["Location"] == "/security/not-me/"
    assert client.get("/security/not-me/").status_code == 200
    account.refresh_from_db()
    assert account.frozen_at is None  # GET never acts: mail scanners follow links
    assert client.post("/security/not-me/").status_code == 200
    account.refresh_from_db()
    assert account.frozen_at is not None
    assert account.security_cases.filter(reason="not_me").count() == 1
    assert {m.to for m in messages("account_frozen")} == {"nueva@example.org", "+34699000111"}


@pytest.mark.req("REG-4")
def test_no_hold_when_the_enrolled_contacts_were_kept(enrolled):
    assert complete(_ready(start())).contact_hold_until is None
    assert not messages("registration_contact_replaced")


# --- step 3 --------------------------------------------------------------------------------------
@pytest.mark.req("REG-5")
def test_completion_creates_the_account_and_everything_it_proved(enrolled):
    current = _ready(start(), email="nueva@example.org", phone="+34699000111")
    account = complete(current)
    assert account.username == HOLDER_NIF and check_password(PASSWORD, account.password)
    person = Person.objects.get(account=account)
    membership = Membership.objects.get(person=person)
    assert (membership.email, membership.mobile) == ("nueva@example.org", "+34699000111")
    assert membership.email_verified and membership.mobile_verified and not membership.email_from_insurer
    assert PasswordHistory.objects.filter(account=account).count() == 1
    assert [m.to for m in messages("registration_complete")] == ["nueva@example.org"]


@pytest.mark.req("REG-5")
def test_a_new_address_replaces_the_enrolled_one(enrolled):
    address = AddressInput("Avenida Nueva 5", "2º B", "46001", "Valencia", "Valencia", "es")
    complete(_ready(start(), address=address))
    membership = Membership.objects.get(member_number="M000001")
    assert (membership.street, membership.postal_code, membership.city, membership.country) == (
        "Avenida Nueva 5\n2º B", "46001", "Valencia", "ES",
    )  # fmt: skip
    assert not membership.address_from_insurer


@pytest.mark.req("REG-5")
@pytest.mark.req("PWD-2")
def test_a_password_breaking_rules_changes_nothing(enrolled):
    current = _ready(start())
    with pytest.raises(MemberAreaError) as raised:
        complete(current, password="nombre")
    assert raised.value.code == "password_policy" and len(raised.value.fields["password"]) >= 2
    assert error_code(complete, current, password="Apellido1Nombre") == "password_policy"  # context words
    assert not Account.objects.exists()
    assert registration_get(flow_id=current.pk, kind="api").state == RegistrationState.READY


@pytest.mark.req("REG-2")
def test_the_spouse_without_a_document_on_record_gets_one(enrolled):
    spouse = start(2)
    submit_details(spouse, document_type="nie", document_number="x-2345678-t")
    account = complete(registration_get(flow_id=spouse.pk, kind="api"))
    person = Person.objects.get(account=account)
    assert (person.document_type, person.document_number, account.username) == ("nie", "X2345678T", "X2345678T")


# --- lifetime ------------------------------------------------------------------------------------
@pytest.mark.req("REG-6")
@pytest.mark.parametrize("step", ["details", "verify", "resend", "password"])
def test_every_step_refuses_an_expired_flow(enrolled, frozen_clock, settings, step):
    current = start()
    if step == "password":
        submit_details(current)
    elif step in {"verify", "resend"}:
        submit_details(current, email="nueva@example.org")
    frozen_clock.advance(seconds=settings.REGISTRATION_FLOW_SECONDS)
    calls = {
        "details": lambda: submit_details(current),
        "verify": lambda: _prove(current, "email", "nueva@example.org"),
        "resend": lambda: registration_code_resend(flow_id=current.pk, kind="api", channel="email"),
        "password": lambda: complete(current),
    }
    assert error_code(calls[step]) == "flow_expired"
    assert not Account.objects.exists()


@pytest.mark.req("REG-6")
def test_a_flow_is_not_used_after_completion_nor_by_the_other_kind_of_client(enrolled):
    current = _ready(start())
    assert error_code(registration_get, flow_id=current.pk, kind="browser") == "flow_expired"
    complete(current)
    assert error_code(complete, current) == "flow_expired"
    assert error_code(submit_details, current) == "flow_expired"
    assert error_code(registration_get, flow_id="not-a-uuid", kind="api") == "flow_expired"


@pytest.mark.req("REG-6")
def test_two_flows_for_one_person_make_one_account(enrolled):
    first, second = _ready(start()), _ready(start())
    complete(first)
    assert error_code(complete, second) == "already_registered"
    assert Account.objects.count() == 1


# --- a re-joiner's link (REG-2) -------------------------------------------------------------------
@pytest.fixture
def rejoiner(enrolled):
    """Member 1 has an account; member 6 is the same human, imported again without a document."""
    account = complete(_ready(start()))
    import_members([member_row(6, document_type="", document_number="", email="", mobile="")])
    return account


def _offered(number: int = 6):
    current = start(number)
    assert error_code(submit_details, current) == "link_offered"
    return registration_get(flow_id=current.pk, kind="api")


@pytest.mark.req("REG-2")
def test_a_rejoiner_links_the_new_membership_after_password_and_code(rejoiner):
    current = _offered()
    assert current.state == RegistrationState.LINKING
    assert error_code(registration_link_password, flow_id=current.pk, kind="api", password="Wrong1Pass") == (
        "invalid_credentials"
    )
    assert registration_link_password(flow_id=current.pk, kind="api", password=PASSWORD) == ["email"]
    code = next(
        m for m in Message.objects.filter(template="registration_link_code") if m.to == "persona1@example.invalid"
    ).body_text
    code = next(word for word in code.split() if word.isdigit() and len(word) == 6)
    orphan = Membership.objects.get(member_number="M000006").person_id
    account = registration_link_complete(flow_id=current.pk, kind="api", code=code)
    assert account == rejoiner and Account.objects.count() == 1
    assert Membership.objects.get(member_number="M000006").person.account == rejoiner
    assert not Person.objects.filter(pk=orphan).exists()
    assert messages("welcome_rejoined")[-1].to == "persona1@example.invalid"


@pytest.mark.req("REG-2")
def test_link_passwords_are_limited_per_account(rejoiner, settings):
    settings.REGISTRATION_LINK_PASSWORD_FAILURES = 2
    current = _offered()
    link = registration_link_password
    assert [error_code(link, flow_id=current.pk, kind="api", password="Wrong1Pass") for _ in range(2)] == [
        "invalid_credentials"
    ] * 2
    assert error_code(link, flow_id=current.pk, kind="api", password=PASSWORD) == "rate_limited"


@pytest.mark.req("REG-2")
def test_link_offers_count_as_document_tries(rejoiner):
    current = start(6)
    assert [error_code(submit_details, current) for _ in range(3)] == ["link_offered"] * 3
    assert error_code(submit_details, current) == "too_many_attempts"


@pytest.mark.req("REG-2")
def test_a_rejoiner_may_correct_the_document_and_register_instead(rejoiner):
    current = _offered()
    assert error_code(submit_details, current, document_number=nif("40000004")) == "invalid"  # no email on record
    assert submit_details(current, document_number=nif("40000004"), email="m6@example.org") == ["email"]
    _prove(current, "email", "m6@example.org")
    assert complete(registration_get(flow_id=current.pk, kind="api")).username == nif("40000004")


@pytest.mark.req("REG-3")
@pytest.mark.parametrize(
    ("given", "field", "message"),
    [
        ({"email": ""}, "email", "Enter the new email address, or keep the one on record."),
        ({"email": "   "}, "email", "Enter the new email address, or keep the one on record."),
        ({"phone": ""}, "phone", "Enter the new mobile number, or keep the one on record."),
    ],
    ids=["empty email", "blank email", "empty mobile"],
)
def test_a_new_contact_asked_for_and_left_empty_is_refused_not_ignored(enrolled, given, field, message):
    current = start()
    with pytest.raises(MemberAreaError) as raised:
        submit_details(current, **given)
    assert raised.value.code == "invalid" and list(raised.value.fields) == [field]
    with translation.override("en"):
        assert [str(text) for text in raised.value.fields[field]] == [message]
    assert not Message.objects.filter(template="registration_code").exists()


@pytest.mark.req("REG-3")
def test_an_empty_email_for_a_member_with_none_on_record_asks_for_one(enrolled):
    import_members([member_row(6, document_type="", document_number="", email="", mobile="")])
    with pytest.raises(MemberAreaError) as raised:
        submit_details(start(6), document_number=nif("30000006"), email="", phone="")
    assert set(raised.value.fields) == {"email", "phone"}
    with translation.override("en"):
        assert str(raised.value.fields["email"][0]) == "We need an email address to send you codes."


@pytest.mark.req("REG-3")
@pytest.mark.req("REL-1")
@pytest.mark.parametrize("line1", ["Calle \ud800 1", "Calle\x00 1"])
def test_an_address_that_cannot_be_stored_is_refused_before_anything_is_written(enrolled, line1):
    """It used to be kept in the flow and to break the password step for good (500 at every try)."""
    flow = start()
    address = AddressInput(line1, "", "46001", "Valencia", "Valencia", "ES")
    with pytest.raises(MemberAreaError) as refused:
        submit_details(flow, address=address)
    assert refused.value.code == "invalid" and set(refused.value.fields) == {"address.line1"}
    flow.refresh_from_db()
    assert flow.details is None and flow.state == RegistrationState.IDENTIFIED
    submit_details(flow, address=AddressInput("Calle Mayor 1", "", "46001", "Valencia", "Valencia", "ES"))
    assert complete(registration_get(flow_id=flow.pk, kind=flow.kind)).username == HOLDER_NIF
