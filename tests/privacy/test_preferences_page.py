"""The preferences page (PRIV-3, PRIV-12): one switch per purpose in a plain form, each change one
record and no change none, withdrawing through the same form, the messages that cannot be switched
off named, and nothing to choose for a guardian's minor."""

import pytest
from django.test import Client

from memberarea.privacy.consent import consent_set
from memberarea.privacy.models import ConsentMethod, ConsentPurpose
from memberarea.privacy.selectors import choices_current
from tests.identity.signing_in import other_member, signed_in_client
from tests.privacy.conftest import member_id, records_of

pytestmark = [pytest.mark.django_db, pytest.mark.req("PRIV-3")]

PAGE = "/privacy/preferences/"
EMAIL, SMS, SHARING = "marketing_email", "marketing_sms", "third_party_sharing"


def switches(response) -> dict[str, bool]:
    html = response.content.decode()
    return {purpose.value: f'name="{purpose.value}" value="1" checked' in html for purpose in ConsentPurpose}


def test_every_purpose_has_its_own_switch_and_all_start_off(holder_client):
    response = holder_client.get(PAGE)

    assert response.status_code == 200
    assert switches(response) == dict.fromkeys(ConsentPurpose.values, False)  # sharing too: off by default
    html = response.content.decode()
    assert html.count('type="checkbox"') == len(ConsentPurpose)
    assert "Messages you always receive" in html and "security alerts" in html  # named as not switchable


def test_saving_records_only_the_switches_that_moved_and_confirms(holder_client, member_account):
    response = holder_client.post(PAGE, {EMAIL: "1", SMS: "1"})
    assert response.status_code == 302 and response["Location"] == PAGE
    assert records_of(member_account) == [(EMAIL, True, "web_form", False), (SMS, True, "web_form", False)]

    page = holder_client.get(PAGE)
    assert "2 changes recorded" in page.content.decode()
    assert switches(page) == {**dict.fromkeys(ConsentPurpose.values, False), EMAIL: True, SMS: True}

    holder_client.post(PAGE, {SMS: "1"})  # email switched off, SMS left on: one record
    assert records_of(member_account)[2:] == [(EMAIL, False, "web_form", False)]
    assert "1 change recorded" in holder_client.get(PAGE).content.decode()


def test_saving_the_same_choices_writes_nothing(holder_client, member_account):
    holder_client.post(PAGE, {EMAIL: "1"})
    holder_client.get(PAGE)

    holder_client.post(PAGE, {EMAIL: "1"})

    assert len(records_of(member_account)) == 1
    assert "Nothing changed" in holder_client.get(PAGE).content.decode()


def test_withdrawing_is_the_same_form_as_giving(holder_client, member_account):
    consent_set(account=member_account, changes={ConsentPurpose.SURVEYS: True}, method=ConsentMethod.APP, language="en")
    assert switches(holder_client.get(PAGE))["surveys"] is True

    holder_client.post(PAGE, {})  # every box unticked

    assert choices_current(account=member_account)[ConsentPurpose.SURVEYS].given is False
    assert records_of(member_account)[-1] == ("surveys", False, "web_form", False)


def test_a_switch_sent_with_another_value_is_refused_and_nothing_is_written(holder_client, member_account):
    response = holder_client.post(PAGE, {EMAIL: "yes", SMS: "1"})

    assert response.status_code == 400
    assert 'data-error-code="invalid"' in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert records_of(member_account) == []


def test_the_page_for_the_own_member_is_the_same_page(holder_client, member_account):
    response = holder_client.post(f"{PAGE}{member_id(1)}/", {SHARING: "1"})

    assert response["Location"] == f"{PAGE}{member_id(1)}/"
    assert records_of(member_account) == [(SHARING, True, "web_form", False)]


@pytest.mark.req("PRIV-12")
def test_a_guardian_acting_for_a_minor_is_told_why_there_is_nothing_to_choose(holder_client, member_account):
    child_page = f"{PAGE}{member_id(3)}/"

    response = holder_client.get(child_page)
    posted = holder_client.post(child_page, {EMAIL: "1"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Nobody under 18 receives marketing" in html and 'type="checkbox"' not in html
    assert 'data-notice="minor_has_no_choices"' in html
    assert posted.status_code == 200 and records_of(member_account) == []


@pytest.mark.req("GUARD-3")
def test_another_members_page_is_not_found(member_account):
    stranger, _ = signed_in_client(other_member())

    assert stranger.get(f"{PAGE}{member_id(1)}/").status_code == 404
    assert stranger.post(f"{PAGE}{member_id(1)}/", {EMAIL: "1"}).status_code == 404
    assert stranger.get(PAGE).status_code == 404  # an account without a membership has no choices page
    assert records_of(member_account) == []


def test_signed_out_visitors_are_sent_to_sign_in(enrolled):
    response = Client().get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")
