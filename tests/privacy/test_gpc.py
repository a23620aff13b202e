"""Global Privacy Control (PRIV-5): `Sec-GPC: 1`, exactly, on a signed-in web request opts the account
out of sharing with partners and analytics even over an earlier opt-in, recorded with method "gpc";
a later explicit opt-in made under the signal stays; the page says the signal is honoured; the
well-known file is served."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from memberarea.privacy.consent import consent_set
from memberarea.privacy.models import ConsentMethod, ConsentPurpose
from memberarea.privacy.selectors import choices_current
from tests.privacy.conftest import records_of

pytestmark = [pytest.mark.django_db, pytest.mark.req("PRIV-5")]

SHARING, ANALYTICS, EMAIL = (
    ConsentPurpose.THIRD_PARTY_SHARING, ConsentPurpose.ANALYTICS, ConsentPurpose.MARKETING_EMAIL
)  # fmt: skip
HONOURED = "Your Global Privacy Control signal is honoured"


def opted_in(account, *purposes) -> None:
    consent_set(account=account, changes=dict.fromkeys(purposes, True), method=ConsentMethod.WEB_FORM, language="en")


def given(account) -> dict[str, bool]:
    return {
        purpose.value: bool(choice and choice.given) for purpose, choice in choices_current(account=account).items()
    }


def test_the_signal_opts_the_account_out_over_an_earlier_opt_in(holder_client, member_account):
    opted_in(member_account, SHARING, ANALYTICS, EMAIL)

    response = holder_client.get("/privacy/", HTTP_SEC_GPC="1")

    assert response.status_code == 200
    assert given(member_account) == {**given(member_account), SHARING: False, ANALYTICS: False, EMAIL: True}
    assert records_of(member_account)[3:] == [
        (ANALYTICS, False, "gpc_signal", True),
        (SHARING, False, "gpc_signal", True),
    ]


def test_only_the_exact_value_1_is_the_signal(holder_client, member_account):
    opted_in(member_account, SHARING, ANALYTICS)
    for value in ("0", "true", " 1", "1 ", "yes", ""):
        holder_client.get("/privacy/", HTTP_SEC_GPC=value)
        holder_client.get("/privacy/preferences/", HTTP_SEC_GPC=value)

    assert given(member_account)[SHARING] and given(member_account)[ANALYTICS]
    assert len(records_of(member_account)) == 2
    assert HONOURED not in holder_client.get("/privacy/preferences/", HTTP_SEC_GPC="true").content.decode()


def test_the_signal_writes_only_on_change(holder_client, member_account):
    opted_in(member_account, SHARING)
    for _ in range(3):
        holder_client.get("/privacy/", HTTP_SEC_GPC="1")

    assert records_of(member_account)[1:] == [(SHARING, False, "gpc_signal", True)]


def test_a_later_explicit_opt_in_under_the_signal_stays_and_shows_both(holder_client, member_account):
    opted_in(member_account, SHARING)
    holder_client.get("/privacy/preferences/", HTTP_SEC_GPC="1")  # opted out by the signal

    holder_client.post("/privacy/preferences/", {"third_party_sharing": "1"}, HTTP_SEC_GPC="1")
    for _ in range(2):
        page = holder_client.get("/privacy/preferences/", HTTP_SEC_GPC="1")

    assert given(member_account)[SHARING] is True
    assert records_of(member_account) == [
        (SHARING, True, "web_form", False),
        (SHARING, False, "gpc_signal", True),
        (SHARING, True, "web_form", True),
    ]
    assert HONOURED in page.content.decode()
    history = holder_client.get("/privacy/consents/").content.decode()
    assert "Web form · with a Global Privacy Control signal" in history


def test_an_opt_in_given_without_the_signal_later_is_overridden_again(holder_client, member_account):
    holder_client.post("/privacy/preferences/", {"analytics": "1"}, HTTP_SEC_GPC="1")
    opted_in_elsewhere = consent_set(
        account=member_account, changes={ANALYTICS: False}, method=ConsentMethod.APP, language="en"
    ) + consent_set(account=member_account, changes={ANALYTICS: True}, method=ConsentMethod.APP, language="en")
    assert len(opted_in_elsewhere) == 2

    holder_client.get("/privacy/", HTTP_SEC_GPC="1")

    assert given(member_account)[ANALYTICS] is False
    assert records_of(member_account)[-1] == (ANALYTICS, False, "gpc_signal", True)


def test_the_preferences_page_says_the_signal_is_honoured(holder_client):
    assert HONOURED in holder_client.get("/privacy/preferences/", HTTP_SEC_GPC="1").content.decode()
    assert HONOURED not in holder_client.get("/privacy/preferences/").content.decode()


def test_without_the_header_the_check_costs_no_query(holder_client, member_account, settings):
    opted_in(member_account, SHARING)
    with CaptureQueriesContext(connection) as checked:
        holder_client.get("/help/")
    settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if not name.endswith("GlobalPrivacyControlMiddleware")]
    with CaptureQueriesContext(connection) as unchecked:
        holder_client.get("/help/")

    assert len(checked) == len(unchecked)
    assert not [query for query in checked if "privacy_" in query["sql"]]
    assert given(member_account)[SHARING] is True


def test_the_well_known_file_says_the_site_honours_gpc(client, settings):
    settings.PRIVACY_GPC_LAST_UPDATE = "2026-12-05"

    response = client.get("/.well-known/gpc.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"gpc": True, "lastUpdate": "2026-12-05"}
