"""The authorization matrix (GUARD-3, BO-1): every route is either member-scoped — and then tested for
every kind of actor — or exempt with a reason. A new route that is neither fails the first test, so no
endpoint can escape the one access check."""

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver

from memberarea.api.router import api
from memberarea.core import clock
from memberarea.enrollment.models import Membership, Person
from memberarea.identity.models import Role
from memberarea.identity.services import account_create
from tests.enrollment.records import import_members, import_policies, member_row, nif, policy_row
from tests.identity.signing_in import app_sign_in, signed_in_client
from tests.privacy.records import holder_receipt_id

pytestmark = pytest.mark.django_db
MADRID = ZoneInfo("Europe/Madrid")

# Routes that take no member id: what they touch is the signed-in account's own, or nobody's yet.
EXEMPT = {
    "": "public home page",
    "help/": "public help",
    "help/<slug:topic>/": "public help",
    "language/": "the visitor's own language choice",
    "privacy/cookies/choices/": "the browser's own cookie choice (and the signed-in account's own consent)",
    "register/": "registration: no member until the three facts match (its own flow)",
    "register/details/": "registration flow, bound to the browser's session",
    "register/verify/": "registration flow, bound to the browser's session",
    "register/password/": "registration flow, bound to the browser's session",
    "register/link/": "registration flow, bound to the browser's session",
    "register/done/": "a page about the signed-in account only",
    "password-reset/": "recovery request: same answer for everyone",
    "password-reset/new/": "recovery: the link's token decides, not a member id",
    "password-reset/done/": "static confirmation",
    "password-reset/<str:token>/": "recovery link: stores the token and redirects",
    "forgotten-username/": "same answer for everyone",
    "sign-in/": "sign-in",
    "sign-in/code/": "sign-in flow, bound to the browser's session",
    "sign-in/link/": "sign-in flow, bound to the browser that started",
    "sign-in/link/<str:token>/": "sign-in link: stores the token and redirects",
    "account/": "the signed-in account's own settings",
    "members/": "redirects to the signed-in member's own dashboard",
    "privacy/data/": "redirects to the signed-in member's own summary of what we hold",
    "account/confirm/": "step-up of the signed-in account",
    "account/password/": "the signed-in account's own password",
    "account/contact/": "the signed-in account's own contacts",
    "sign-out/": "the signed-in browser's own session",
    "account/sessions/": "the signed-in account's own sessions",
    "account/sessions/end-others/": "the signed-in account's own sessions",
    "account/sessions/<uuid:entry_id>/end/": "own sessions only: another account's id is 404 (test_sessions_page)",
    "security/not-me/": "the signed link names the account",
    "security/not-me/<str:token>/": "the signed link names the account",
    "security/concern/": "the signed-in account's own alarm: it locks only that account (PRIV-13)",
    "POST /api/v1/me/security-concern": "the token's own account (PRIV-13)",
    "privacy/processors/": "public list of processors and countries (PRIV-15), about no one member",
    "GET /api/v1/privacy/processors": "public list of processors and countries (PRIV-15), about no one member",
    "privacy/unsubscribe/<str:token>/": "the signed link names the account and the one purpose it withdraws",
    "u/<str:code>": "the SMS short link's random code names the account and the one purpose it withdraws",
    "api/v1/openapi.json": "the public API description",
    "api/v1/": "the API's root",
    "dev/outbox": "development outbox, demo mode only",
    "dev/outbox.json": "development outbox, demo mode only",
    "GET /api/v1/brand": "public brand data",
    "POST /api/v1/enrollment/batches": "integration clients only (bearer token), not members",
    "POST /api/v1/registration": "registration flow",
    "POST /api/v1/registration/{flow_id}/details": "registration flow, bound to its flow id",
    "POST /api/v1/registration/{flow_id}/verify": "registration flow, bound to its flow id",
    "POST /api/v1/registration/{flow_id}/resend": "registration flow, bound to its flow id",
    "POST /api/v1/registration/{flow_id}/password": "registration flow, bound to its flow id",
    "POST /api/v1/registration/{flow_id}/link": "registration flow, bound to its flow id",
    "POST /api/v1/registration/{flow_id}/link/verify": "registration flow, bound to its flow id",
    "POST /api/v1/password-reset": "same answer for everyone",
    "POST /api/v1/password-reset/confirm": "the link's token decides",
    "POST /api/v1/username-reminder": "same answer for everyone",
    "POST /api/v1/login": "sign-in",
    "POST /api/v1/login/{login_id}/send": "sign-in flow, bound to its id",
    "POST /api/v1/login/{login_id}/verify": "sign-in flow, bound to its id",
    "POST /api/v1/reauthenticate": "step-up of the token's own session",
    "POST /api/v1/reauthenticate/{login_id}/send": "step-up flow of the token's own session (tested)",
    "POST /api/v1/reauthenticate/{login_id}/verify": "step-up flow of the token's own session (tested)",
    "GET /api/v1/me": "the token's own account",
    "PUT /api/v1/me/language": "the token's own account",
    "PUT /api/v1/me/password": "the token's own account",
    "PUT /api/v1/me/contact": "the token's own account",
    "PUT /api/v1/me/contact/verify": "the token's own account",
    "POST /api/v1/token/refresh": "the refresh token's own session",
    "POST /api/v1/logout": "the token's own session",
    "GET /api/v1/sessions": "the token's own account",
    "DELETE /api/v1/sessions": "the token's own account",
    "DELETE /api/v1/sessions/{session_id}": "own sessions only: another account's id is 404 (test_sessions)",
    "GET /api/v1/captcha": "public challenge",
    "privacy/<document:kind>/": "public documents (PRIV-1)",
    "privacy/<document:kind>/v<int:number>/": "public documents (PRIV-1)",
    "privacy/notice/acknowledge/": "the signed-in account's own acknowledgement",
    "privacy/requests/": "redirects to the signed-in account's own requests",
    "privacy/requests/<uuid:member_id>/<uuid:request_id>/download/": "own requests only: access_member, then "
    "the asker's single-use link (tests/privacy/test_rights_request_fulfilment.py)",
    "POST /api/v1/privacy/members/{member_id}/requests": "access_member after step-up "
    "(tests/api/test_privacy_requests.py)",
    "GET /api/v1/privacy/members/{member_id}/requests/{request_id}": "own requests only: access_member, asker "
    "(tests/api/test_privacy_requests.py)",
    "GET /api/v1/privacy/members/{member_id}/requests/{request_id}/download": "own requests only: access_member, "
    "the asker's single-use link (tests/privacy/test_rights_request_fulfilment.py)",
    "GET /api/v1/privacy/notices/{kind}": "public documents (PRIV-1)",
    "GET /api/v1/privacy/notices/{kind}/v/{number}": "public documents (PRIV-1)",
    "POST /api/v1/privacy/notices/notice/acknowledgement": "the token's own account",
    "privacy/": "the signed-in account's own privacy centre: links only",
    "privacy/preferences/": "the own membership, via access_member (tests/privacy/test_preferences_page.py)",
    "privacy/consents/": "the signed-in account's own consent records",
    "privacy/consents/<uuid:receipt_id>/receipt.json": "own records only: another account's receipt is 404 (below)",
    ".well-known/gpc.json": "public statement that the site honours Global Privacy Control",
    "privacy/disclosures/": "redirects to the signed-in member's own list (members_for)",
    "privacy/shine-the-light/": "redirects to the signed-in member's own answer (members_for)",
}


@dataclass(frozen=True)
class Scoped:
    """A member-scoped route and how to call it for one member; `api` routes answer 401, pages redirect.
    `minor` is the status a guardian gets for a minor: the page or data, or an error that says why
    there is nothing there for a minor (PRIV-12)."""

    method: str
    path: Callable[[str], str]
    api: bool = False
    body: dict | None = None
    minor: int = 200


def _privacy_api(suffix: str, method: str = "get", body: dict | None = None) -> Scoped:
    return Scoped(method, lambda m: f"/api/v1/privacy/members/{m}{suffix}", api=True, body=body, minor=409)


MEMBER_SCOPED: dict[str, Scoped] = {
    "members/<uuid:member_id>/": Scoped("get", lambda m: f"/members/{m}/"),
    "members/<uuid:member_id>/card/": Scoped("get", lambda m: f"/members/{m}/card/"),
    "members/<uuid:member_id>/card.pdf": Scoped("get", lambda m: f"/members/{m}/card.pdf"),
    "GET /api/v1/members/{member_id}": Scoped("get", lambda m: f"/api/v1/members/{m}", api=True),
    "GET /api/v1/members/{member_id}/card": Scoped("get", lambda m: f"/api/v1/members/{m}/card", api=True),
    "GET /api/v1/members/{member_id}/card.pdf": Scoped("get", lambda m: f"/api/v1/members/{m}/card.pdf", api=True),
    "privacy/preferences/<uuid:member_id>/": Scoped("get", lambda m: f"/privacy/preferences/{m}/"),
    "GET /api/v1/privacy/members/{member_id}/preferences": _privacy_api("/preferences"),
    "PUT /api/v1/privacy/members/{member_id}/preferences": _privacy_api(
        "/preferences", "put", {"choices": {"surveys": True}}
    ),
    "GET /api/v1/privacy/members/{member_id}/consents": _privacy_api("/consents"),
    "GET /api/v1/privacy/members/{member_id}/consents/{receipt_id}": Scoped(
        "get", lambda m: f"/api/v1/privacy/members/{m}/consents/{holder_receipt_id()}", api=True, minor=409
    ),
    "privacy/data/<uuid:member_id>/": Scoped("get", lambda m: f"/privacy/data/{m}/"),
    "privacy/requests/<uuid:member_id>/": Scoped("get", lambda m: f"/privacy/requests/{m}/"),
    "privacy/requests/<uuid:member_id>/new/<slug:kind>/": Scoped("get", lambda m: f"/privacy/requests/{m}/new/access/"),
    "GET /api/v1/privacy/members/{member_id}/requests": Scoped(
        "get", lambda m: f"/api/v1/privacy/members/{m}/requests", api=True
    ),
    "GET /api/v1/privacy/members/{member_id}/holdings": Scoped(
        "get", lambda m: f"/api/v1/privacy/members/{m}/holdings", api=True
    ),
    "privacy/disclosures/<uuid:member_id>/": Scoped("get", lambda m: f"/privacy/disclosures/{m}/"),
    "GET /api/v1/privacy/members/{member_id}/disclosures": Scoped(
        "get", lambda m: f"/api/v1/privacy/members/{m}/disclosures", api=True
    ),
    "privacy/shine-the-light/<uuid:member_id>/": Scoped("get", lambda m: f"/privacy/shine-the-light/{m}/"),
    "privacy/shine-the-light/<uuid:member_id>/answer.pdf": Scoped(
        "get", lambda m: f"/privacy/shine-the-light/{m}/answer.pdf"
    ),
    "POST /api/v1/privacy/members/{member_id}/shine-the-light": Scoped(
        "post", lambda m: f"/api/v1/privacy/members/{m}/shine-the-light", api=True
    ),
    "POST /api/v1/privacy/members/{member_id}/shine-the-light/{year}": Scoped(
        "post", lambda m: f"/api/v1/privacy/members/{m}/shine-the-light/2025", api=True
    ),
}
# The back office: each page against each role is the BO-1 matrix of tests/backoffice/test_roles.py
# (members there get 404, visitors the sign-in page); the member pages ask for a reason (BO-4).
STAFF_ROUTES = {
    "staff/": "every role",
    "staff/members/": "search, masked results: every role",
    "staff/members/<uuid:membership_id>/": "the record: reason and ticket first, then access_member (BO-4)",
    "staff/members/<uuid:membership_id>/<slug:name>/": "assisted actions: access_member with each purpose",
    "staff/audit/": "within each role's rights (BO-1)",
    "staff/deliveries/": "agent and security officer; never content",
    "staff/deliveries/<uuid:message_id>/retry/": "agent and security officer, through access_member",
    "staff/deliveries/core/<uuid:message_id>/retry/": "agent and security officer; no member data shown, a ticket",
    "staff/analytics/": "privacy officer and administrator; daily totals only, nobody's data",
    "staff/campaigns/": "marketing and privacy officers: campaigns and counts, never a member (BO-1)",
    "staff/campaigns/new/": "marketing only",
    "staff/campaigns/<uuid:campaign_id>/": "marketing and privacy officers: a campaign and its counts, never a member",
    "staff/campaigns/<uuid:campaign_id>/submit/": "marketing only",
    "staff/campaigns/<uuid:campaign_id>/approve/": "privacy officers only, never the campaign's author",
    "staff/campaigns/<uuid:campaign_id>/reject/": "privacy officers only, never the campaign's author",
    "staff/privacy/processing/": "privacy officer only; the map's record, about no one member",
    "staff/privacy/processing.csv": "privacy officer only; the map's record, about no one member",
    "staff/privacy/processing.pdf": "privacy officer only; the map's record, about no one member",
    "staff/privacy/requests/": "privacy officer only: the queue of rights requests (PRIV-8)",
    "staff/privacy/requests/<uuid:request_id>/": "privacy officer only: one rights request (PRIV-8)",
    "staff/privacy/requests/<uuid:request_id>/<slug:action>/": "privacy officer only, POST (PRIV-8)",
    "staff/privacy/retention/": "privacy officer only: retention runs, counts only",
    "staff/privacy/retention/<uuid:run_id>/": "privacy officer only: one retention run, counts only",
    "staff/privacy/partner-exports/": "privacy officer only; counts of an export, never a member on the page",
    "staff/privacy/partner-exports/<uuid:export_id>/file.csv": "privacy officer only (PRIV-9): the partner's file",
    "staff/privacy/aggregates/": "privacy officer only; suppressed counts, never a member (PRIV-11)",
    "staff/privacy/aggregates/<slug:key>.csv": "privacy officer only; suppressed counts, never a member (PRIV-11)",
    "staff/security/cases/": "security officer only; open cases link to the record behind the reason gate",
    "staff/staff/": "administrator only",
    "staff/staff/<uuid:account_id>/roles/": "administrator only",
    "staff/staff/<uuid:account_id>/deactivate/": "administrator only",
    "staff/documents/": "privacy officer only (BO-1: publish notice versions)",
    "staff/documents/<str:kind>/publish/": "privacy officer only (BO-1: publish notice versions)",
}


def _web_routes(patterns, prefix: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _web_routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern)


def every_route() -> set[str]:
    web = {route for route in _web_routes(get_resolver().url_patterns) if not route.startswith("api/v1/")}
    web |= {"api/v1/openapi.json", "api/v1/"}
    operations = {
        f"{method.upper()} {path}" for path, methods in api.get_openapi_schema()["paths"].items() for method in methods
    }
    return web | operations


@pytest.mark.req("GUARD-3")
def test_every_route_is_member_scoped_or_exempt_with_a_reason():
    routes = every_route()
    classified = set(EXEMPT) | set(MEMBER_SCOPED) | set(STAFF_ROUTES)
    unclassified = routes - classified
    assert unclassified == set(), "classify each new route in this file: member-scoped (with a builder) or exempt"
    assert len(classified) == len(EXEMPT) + len(MEMBER_SCOPED) + len(STAFF_ROUTES)  # no route in two lists
    assert all(reason.strip() for reason in [*EXEMPT.values(), *STAFF_ROUTES.values()])
    stale = classified - routes
    assert stale == set(), "remove entries for routes that no longer exist"


# --- the matrix ------------------------------------------------------------------------------------
@dataclass
class World:
    holder: object
    spouse: object
    stranger: object
    child_id: str
    holder_id: str


@pytest.fixture
def world(enrolled) -> World:
    """POL-100: the holder (member 1, guardian of child 3) and the spouse (member 2) with accounts;
    POL-200: a stranger with an account."""
    import_policies(policy_row(policy_number="POL-200"))
    import_members([member_row(8, policy_number="POL-200", document_number=nif("80000008"))])

    def account(number: int, document: str):
        created = account_create(username=document, password="Lindero7Azul")
        Person.objects.filter(memberships__member_number=f"M{number:06d}").update(account=created)
        return created

    return World(
        holder=account(1, nif("10000001")),
        spouse=account(2, nif("30000003")),
        stranger=account(8, nif("80000008")),
        child_id=str(Membership.objects.get(member_number="M000003").pk),
        holder_id=str(Membership.objects.get(member_number="M000001").pk),
    )


def _call(route: Scoped, actor, member_id: str):
    body = {} if route.body is None else {"data": json.dumps(route.body), "content_type": "application/json"}
    if actor is None:
        client = Client()
        return getattr(client, route.method)(route.path(member_id), **body)
    if route.api:
        token = app_sign_in(actor).access_token
        return getattr(Client(), route.method)(route.path(member_id), HTTP_AUTHORIZATION=f"Bearer {token}", **body)
    client, _ = signed_in_client(actor)
    return getattr(client, route.method)(route.path(member_id), **body)


def _allowed(response) -> bool:
    return response.status_code == 200


def _denied(response) -> bool:
    return response.status_code == 404


SCOPED = sorted(MEMBER_SCOPED)


@pytest.mark.req("GUARD-1")
@pytest.mark.req("GUARD-3")
@pytest.mark.parametrize("route_name", SCOPED)
def test_self_and_the_guardian_are_allowed_everyone_else_is_not(world, route_name):
    route = MEMBER_SCOPED[route_name]
    assert _allowed(_call(route, world.holder, world.holder_id)), "self"
    assert _call(route, world.holder, world.child_id).status_code == route.minor, "guardian of a minor, same policy"
    assert _denied(_call(route, world.spouse, world.child_id)), "another adult of the same policy"
    assert _denied(_call(route, world.spouse, world.holder_id)), "another adult of the same policy"
    assert _denied(_call(route, world.stranger, world.child_id)), "a member of another policy"
    anonymous = _call(route, None, world.child_id)
    if route.api:
        assert anonymous.status_code == 401
    else:
        assert anonymous.status_code == 302 and anonymous["Location"].startswith("/sign-in/")


@pytest.mark.req("GUARD-2")
@pytest.mark.parametrize("route_name", SCOPED)
def test_the_guardian_is_denied_from_the_18th_birthday(world, route_name):
    with clock.frozen(dt.datetime(2033, 6, 1, 0, 0, tzinfo=MADRID)):  # the child (2015-06-01) turns 18
        assert _denied(_call(MEMBER_SCOPED[route_name], world.holder, world.child_id))


@pytest.mark.req("BO-1")
@pytest.mark.parametrize("route_name", SCOPED)
@pytest.mark.parametrize("role", list(Role))
def test_staff_do_not_use_the_member_area(world, route_name, role):
    """Staff read member data only in the back office, after giving a reason (BO-4)."""
    staff = account_create(username=f"STAFF-{role}", password="Staff7Password", roles=(role,))
    assert _denied(_call(MEMBER_SCOPED[route_name], staff, world.child_id))


@pytest.mark.req("PRIV-2")
@pytest.mark.req("GUARD-3")
def test_another_accounts_receipt_is_not_found_on_either_door(world):
    """A receipt is reached through its owner's account only: another member asking for it through their
    own membership (the API) or their own history (the web) is told it does not exist."""
    receipt = holder_receipt_id()
    stranger_id = str(Membership.objects.get(member_number="M000008").pk)
    web = f"/privacy/consents/{receipt}/receipt.json"

    assert _allowed(signed_in_client(world.holder)[0].get(web))
    assert _denied(signed_in_client(world.stranger)[0].get(web))
    api = Scoped("get", lambda m: f"/api/v1/privacy/members/{m}/consents/{receipt}", api=True)
    assert _allowed(_call(api, world.holder, world.holder_id))
    assert _denied(_call(api, world.stranger, stranger_id))
    assert _call(api, world.stranger, stranger_id).json()["error"]["code"] == "not_found"
