"""Races (REG-6, REL-2): however many completions run at once, one person gets exactly one account."""

import pytest

from memberarea.identity.flows.registration.complete import registration_complete
from memberarea.identity.models import Account
from tests.core.conftest import outcome_of, run_together
from tests.identity.registering import PASSWORD, start, submit_details

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.req("REG-6")
def test_twenty_concurrent_completions_of_one_flow_make_one_account(enrolled):
    current = start()
    submit_details(current)
    results = run_together(
        20, lambda _: outcome_of(lambda: registration_complete(flow_id=current.pk, kind="api", password=PASSWORD))
    )
    assert results.count("ok") == 1
    assert set(results) - {"ok"} == {"flow_expired"}
    assert Account.objects.count() == 1


@pytest.mark.req("REG-6")
def test_concurrent_flows_of_one_person_make_one_account(enrolled):
    flows = [start() for _ in range(6)]
    for current in flows:
        submit_details(current)
    results = run_together(
        6,
        lambda index: outcome_of(lambda: registration_complete(flow_id=flows[index].pk, kind="api", password=PASSWORD)),
    )
    assert results.count("ok") == 1
    assert set(results) - {"ok"} <= {"already_registered", "document_taken"}
    assert Account.objects.count() == 1
