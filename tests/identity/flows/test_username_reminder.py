"""The forgotten username (LOGIN-8) through its functions: equal work for matching and non-matching facts, and
an email with the masked document, never the document on screen or in the queue."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from memberarea.core.models import RateCounter, UsedCaptcha
from memberarea.identity.flows.username_reminder import document_mask, username_reminder_request
from memberarea.identity.models import Account
from memberarea.notifications.models import Message
from tests.captcha_solving import captcha_answer
from tests.identity.flows.test_recovery import EMAIL, run_queued_jobs, sql_shapes
from tests.identity.registering import HOLDER_NIF, error_code

pytestmark = [pytest.mark.django_db, pytest.mark.req("LOGIN-8")]

FACTS = {"member_number": "m-000001", "policy_number": "pol 100", "date_of_birth": "12/03/1985"}


@pytest.fixture(autouse=True)
def _quick_captcha(settings):
    settings.CAPTCHA_MAX_NUMBER = 2_000


@pytest.fixture
def remind(django_capture_on_commit_callbacks):
    """`remind(**facts)`: a reminder request with a solved captcha, its queued job committed."""

    def _remind(*, address: str = "192.0.2.1", captcha: str | None = "solve", **facts) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            username_reminder_request(
                **{**FACTS, **facts},
                captcha=captcha_answer() if captcha == "solve" else captcha,
                address=address,
                language="en",
            )

    return _remind


def reminders() -> list[Message]:
    return list(Message.objects.filter(template="username_reminder"))


def test_matching_and_non_matching_facts_cost_the_same(member_account, remind):
    """REL-5: a match, a wrong birth date and an unknown member: same queries, one look-alike queued job each."""
    work = []
    cases = [{}, {"date_of_birth": "13/03/1985"}, {"member_number": "M-999999"}]
    for number, facts in enumerate(cases):
        RateCounter.objects.all().delete()  # each case starts its counters, as a first try would
        with CaptureQueriesContext(connection) as queries:
            remind(address=f"192.0.2.{number + 60}", **facts)
        [job] = list(DBTaskResult.objects.order_by("enqueued_at"))[number:]
        work.append((sql_shapes(queries), job.task_path, [len(arg) for arg in job.task_result.args[2:]]))
    assert work[0] == work[1] == work[2]
    assert work[0][1] == "memberarea.identity.flows.username_reminder.username_reminder_send"
    assert run_queued_jobs() == 3
    assert len(reminders()) == 1  # only the match


def test_the_queued_job_carries_the_numbers_and_a_keyed_hash_of_the_birth_date(member_account, remind):
    remind()
    [job] = DBTaskResult.objects.all()
    member, policy, birth_hash, language = job.task_result.args
    assert (member, policy, language) == ("M000001", "POL100", "en")
    assert len(birth_hash) == 64
    assert "1985" not in str(job.args_kwargs)


def test_the_answer_is_the_masked_document_by_email_in_the_accounts_language(member_account, remind):
    remind()
    run_queued_jobs()
    [message] = reminders()
    assert message.to == EMAIL and message.language == "es"  # the account's, not the request's
    assert f"NIF (DNI): {HOLDER_NIF[:4]}••••{HOLDER_NIF[-1]}" in message.body_text
    assert HOLDER_NIF not in message.body_text and HOLDER_NIF[4:8] not in message.body_text


def test_english_accounts_read_it_in_english(member_account, remind):
    Account.objects.update(language="en")
    remind()
    run_queued_jobs()
    assert "Your username is your NIF (DNI)" in reminders()[0].body_text


def test_a_member_without_an_account_gets_nothing(enrolled, remind):
    remind()
    assert run_queued_jobs() == 1
    assert reminders() == []


@pytest.mark.parametrize(
    ("facts", "field"),
    [
        ({"member_number": "!!"}, "member_number"),
        ({"policy_number": "P" * 10_000}, "policy_number"),
        ({"date_of_birth": "31/02/1985"}, "date_of_birth"),
        ({"date_of_birth": "1" * 10_000}, "date_of_birth"),
        ({"member_number": "\ud800"}, "member_number"),
    ],
)
def test_malformed_facts_are_invalid_and_cost_nothing(remind, facts, field):
    with pytest.raises(Exception) as raised:
        remind(**facts)
    assert raised.value.code == "invalid" and field in raised.value.fields
    assert not DBTaskResult.objects.exists() and not UsedCaptcha.objects.exists()


@pytest.mark.parametrize(("captcha", "code"), [(None, "captcha_required"), ("bm90IGEgc29sdXRpb24=", "captcha_invalid")])
def test_the_captcha_is_always_required(member_account, remind, captcha, code):
    assert error_code(remind, captcha=captcha) == code
    assert not DBTaskResult.objects.exists()


def test_requests_are_limited_per_member_number_and_per_address(member_account, remind, settings):
    settings.RECOVERY_REQUESTS_PER_HOUR = 1
    remind(address="192.0.2.1")
    assert error_code(remind, address="192.0.2.2") == "rate_limited"
    assert error_code(remind, address="192.0.2.1", member_number="M-000002") == "rate_limited"
    remind(address="192.0.2.3", member_number="M-000003")


@pytest.mark.parametrize(
    ("document", "masked"),
    [("12345678Z", "1234••••Z"), ("X1234567L", "X123••••L"), ("GB1234567", "GB12••••7"), ("AB123", "A••••3")],
)
def test_the_mask_shows_the_start_and_the_letter_only(document, masked):
    assert document_mask(document) == masked


@pytest.mark.req("REG-1")
@pytest.mark.parametrize("birth", ["12031985", "1985-03-12", "12-3-1985"])
def test_the_birth_date_is_read_by_the_registration_parser_digits_only_included(member_account, remind, birth):
    remind(date_of_birth=birth)
    assert run_queued_jobs() == 1
    assert len(reminders()) == 1


def test_an_impossible_birth_date_is_a_field_error(member_account, remind):
    assert error_code(remind, date_of_birth="31021985") == "invalid"
