"""Each API operation driven into each error code it declares (API-1), from a table of recipes.

The table is checked against the OpenAPI document both ways: an operation without an entry, a
declared code without a recipe, and a recipe for a code the operation does not declare all fail.
The common codes have one recipe each for every operation they apply to; `server_error` and
`service_unavailable` are provoked by making the operation itself fail (an unexpected exception, a
lost database connection), since a real outage per operation is the resilience suite's business.
"""

import json
import uuid
from collections.abc import Callable

import pytest
from django.db import OperationalError
from django.test import Client

from memberarea.api.router import api as product_api
from memberarea.core.errors import REGISTRY
from memberarea.enrollment.models import Membership
from memberarea.identity.freeze import account_freeze
from memberarea.identity.models import Account
from memberarea.identity.services import account_create
from tests.api.answers import declared_codes, document, error
from tests.captcha_solving import captcha_answer
from tests.enrollment.records import import_members, member_row, nif
from tests.identity.flows.test_recovery import link_sent
from tests.identity.registering import HOLDER_NIF, PASSWORD, identify
from tests.identity.signing_in import app_sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.req("API-1")]

UNKNOWN = "00000000-0000-0000-0000-000000000000"
WRONG_CODE = {"code": "000000"}


class World:
    """The fixtures a recipe may need, built only when it asks for them."""

    def __init__(self, request, api: Client, settings) -> None:
        self.request, self.api, self.settings = request, api, settings

    def fixture(self, name: str):
        return self.request.getfixturevalue(name)

    def call(self, method: str, path: str, body=None, *, token: str = "", content_type="application/json", **meta):
        if token:
            meta["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        if method == "get":
            return self.api.get(f"/api/v1{path}", **meta)
        data = body if isinstance(body, str | bytes) else json.dumps(body) if body is not None else ""
        return getattr(self.api, method)(f"/api/v1{path}", data, content_type=content_type, **meta)

    def token(self) -> str:
        return app_sign_in(self.fixture("member_account")).access_token

    def stale_token(self) -> str:
        clock = self.fixture("frozen_clock")
        token = self.token()
        clock.advance(seconds=self.settings.STEP_UP_SECONDS)
        return token

    def registration(self, number: int = 1, **facts) -> str:
        self.fixture("enrolled")
        response = self.call("post", "/registration", identify(number, **facts))
        assert response.status_code == 201, response.content
        return response.json()["flow_id"]

    def registration_at_password(self, number: int = 1, **document) -> str:
        flow_id = self.registration(number)
        body = {"document_type": "nif", "document_number": HOLDER_NIF, **document}
        assert self.call("post", f"/registration/{flow_id}/details", body).status_code == 200
        return flow_id

    def registration_with_new_email(self) -> str:
        flow_id = self.registration()
        body = {"document_type": "nif", "document_number": HOLDER_NIF, "email": "nueva@example.org"}
        assert self.call("post", f"/registration/{flow_id}/details", body).json() == {"verify": ["email"]}
        return flow_id

    def rejoiner(self) -> str:
        """A registration whose document already has an account: details answered link_offered."""
        self.fixture("member_account")
        import_members([member_row(6, document_type="", document_number="", email="", mobile="")])
        flow_id = self.registration(6)
        self.call("post", f"/registration/{flow_id}/details", {"document_type": "nif", "document_number": HOLDER_NIF})
        return flow_id

    def rejoiner_with_code(self) -> str:
        flow_id = self.rejoiner()
        assert self.call("post", f"/registration/{flow_id}/link", {"password": PASSWORD}).status_code == 200
        return flow_id

    def login(self, *, sent: bool = False) -> str:
        self.fixture("member_account")
        login_id = self.call("post", "/login", {"username": HOLDER_NIF, "password": PASSWORD}).json()["login_id"]
        if sent:
            assert self.call("post", f"/login/{login_id}/send", {"channel": "sms"}).status_code == 200
        return login_id

    def step_up(self, token: str, *, sent: bool = False) -> str:
        login_id = self.call("post", "/reauthenticate", token=token).json()["login_id"]
        if sent:
            sending = self.call("post", f"/reauthenticate/{login_id}/send", {"channel": "sms"}, token=token)
            assert sending.status_code == 200
        return login_id

    def contact_change(self, token: str) -> str:
        body = {"channel": "sms", "value": "+34 699 111 222"}
        return self.call("put", "/me/contact", body, token=token).json()["change_id"]

    def captcha(self) -> str:
        self.settings.CAPTCHA_MAX_NUMBER = 2_000
        return captcha_answer()

    def expire_code(self) -> None:
        self.fixture("frozen_clock").advance(seconds=self.settings.CODE_LIFETIME_SECONDS)

    def no_tries(self) -> None:
        self.settings.CODE_MAX_ATTEMPTS = 0

    def one_send(self) -> None:
        self.settings.CODE_MAX_SENDS, self.settings.CODE_RESEND_COOLDOWN_SECONDS = 1, 0


Recipe = Callable[[World], object]


def _code_recipes(verify: Callable[[World, dict], object], started: Callable[[World], None]) -> dict[str, Recipe]:
    """invalid_code, code_expired and too_many_attempts, for any step that takes a code."""

    def expired(w: World):
        w.fixture("frozen_clock")
        w.settings.CODE_LIFETIME_SECONDS = 60  # shorter than the step-up a contact change needs
        started(w)
        w.expire_code()
        return verify(w, WRONG_CODE)

    def exhausted(w: World):
        w.no_tries()
        started(w)
        return verify(w, WRONG_CODE)

    return {
        "invalid_code": lambda w: (started(w), verify(w, WRONG_CODE))[1],
        "code_expired": expired,
        "too_many_attempts": exhausted,
    }


def _registration_code(w: World, body: dict):
    return w.call("post", f"/registration/{w.flow_id}/verify", {"channel": "email", **body})


def _link_code(w: World, body: dict):
    return w.call("post", f"/registration/{w.flow_id}/link/verify", body)


def _login_code(w: World, body: dict):
    return w.call("post", f"/login/{w.flow_id}/verify", body)


def _step_up_code(w: World, body: dict):
    return w.call("post", f"/reauthenticate/{w.flow_id}/verify", body, token=w.bearer)


def _contact_code(w: World, body: dict):
    return w.call("put", "/me/contact/verify", {"change_id": w.flow_id, **body}, token=w.bearer)


def _set(w: World, **values) -> None:
    for name, value in values.items():
        setattr(w, name, value)


def _signed_in_step_up(w: World) -> None:
    w.bearer = w.token()
    w.flow_id = w.step_up(w.bearer, sent=True)


def _signed_in_contact_change(w: World) -> None:
    w.bearer = w.token()
    w.flow_id = w.contact_change(w.bearer)


def _registration_captcha(w: World, **extra):
    w.fixture("enrolled")
    w.settings.REGISTRATION_FAILURES_BEFORE_CAPTCHA = 0
    return w.call("post", "/registration", {**identify(), **extra})


def _login_captcha(w: World, **extra):
    w.fixture("member_account")
    w.settings.LOGIN_FAILURES_BEFORE_CAPTCHA = 0
    return w.call("post", "/login", {"username": HOLDER_NIF, "password": PASSWORD, **extra})


def _request_recipes(path: str, body: dict) -> dict[str, Recipe]:
    """The captcha and the hourly limit of a request that always needs a captcha (recovery, reminder)."""

    def limited(w: World):
        w.fixture("member_account")
        w.settings.RECOVERY_REQUESTS_PER_HOUR = 0
        return w.call("post", path, {**body, "captcha": w.captcha()})

    return {
        "captcha_required": lambda w: (w.fixture("member_account"), w.call("post", path, body))[1],
        "captcha_invalid": lambda w: (w.fixture("member_account"), w.call("post", path, {**body, "captcha": "bm90"}))[
            1
        ],
        "rate_limited": limited,
    }


def _member_not_found(suffix: str) -> dict[str, Recipe]:
    return {"not_found": lambda w: w.call("get", f"/members/{uuid.uuid4()}{suffix}", token=w.token())}


def _shine_the_light_for_1999(w: World):
    token = w.token()  # makes the world's members first
    member = Membership.objects.get(member_number="M000001").pk
    return w.call("post", f"/privacy/members/{member}/shine-the-light/1999", token=token)


def _privacy_recipes() -> dict[str, dict[str, Recipe]]:
    """Member 1 (the token's) is guardian of member 3, a minor: nothing to choose for them (PRIV-12)."""

    def call(operation: str, number: int | None, receipt: str = UNKNOWN) -> Recipe:
        method, path = operation.split(" ", maxsplit=1)

        def recipe(w: World):
            token = w.token()
            member = str(Membership.objects.get(member_number=f"M{number:06d}").pk) if number else str(uuid.uuid4())
            concrete = path.removeprefix("/api/v1").replace("{member_id}", member).replace("{receipt_id}", receipt)
            return w.call(method.lower(), concrete, {"choices": {"surveys": True}}, token=token)

        return recipe

    prefix = "/api/v1/privacy/members/{member_id}"
    recipes = {
        name: {"not_found": call(name, None), "minor_has_no_choices": call(name, 3)}
        for name in (f"GET {prefix}/preferences", f"PUT {prefix}/preferences", f"GET {prefix}/consents")
    }
    # The receipt: the account's own member, a receipt it does not have.
    recipes[f"GET {prefix}/consents/{{receipt_id}}"] = {
        "not_found": call(f"GET {prefix}/consents/{{receipt_id}}", 1),
        "minor_has_no_choices": call(f"GET {prefix}/consents/{{receipt_id}}", 3),
    }
    return recipes


def _rights_requests() -> dict[str, dict[str, Recipe]]:
    """Member 1 (the token's) is guardian of member 3, a minor; member 1's own requests (PRIV-8)."""
    prefix = "/api/v1/privacy/members/{member_id}/requests"

    def own(w: World) -> str:
        w.fixture("member_account")
        return str(Membership.objects.get(member_number="M000001").pk)

    def make(w: World, number: int, body: dict, token: str = ""):
        token = token or w.token()
        member = str(Membership.objects.get(member_number=f"M{number:06d}").pk)
        return w.call("post", f"/privacy/members/{member}/requests", body, token=token)

    def closed(w: World):
        w.fixture("member_account")
        Membership.objects.filter(member_number="M000001").update(end_date="2000-01-01")
        return make(w, 1, {"kind": "access"})

    def not_ready(w: World):
        made = make(w, 1, {"kind": "access"}).json()
        return w.call("get", f"/privacy/members/{own(w)}/requests/{made['request_id']}/download", token=w.token())

    return {
        f"POST {prefix}": {
            "not_found": lambda w: w.call(
                "post", f"/privacy/members/{UNKNOWN}/requests", {"kind": "access"}, token=w.token()
            ),
            "reauthentication_required": lambda w: make(w, 1, {"kind": "access"}, w.stale_token()),
            "minor_has_no_choices": lambda w: make(w, 3, {"kind": "objection"}),
            "privacy_centre_closed": closed,
        },
        f"GET {prefix}": {
            "not_found": lambda w: w.call("get", f"/privacy/members/{UNKNOWN}/requests", token=w.token())
        },
        f"GET {prefix}/{{request_id}}": {
            "not_found": lambda w: w.call("get", f"/privacy/members/{own(w)}/requests/{UNKNOWN}", token=w.token())
        },
        f"GET {prefix}/{{request_id}}/download": {
            "not_found": lambda w: w.call(
                "get", f"/privacy/members/{own(w)}/requests/{UNKNOWN}/download", token=w.token()
            ),
            "export_not_ready": not_ready,
        },
    }


def _frozen_login(w: World):
    account = w.fixture("member_account")
    account_freeze(account=account, reason="test", actor_id=str(account.pk))
    return w.call("post", "/login", {"username": HOLDER_NIF, "password": PASSWORD})


def _password_of_a_taken_document(w: World):
    """Two members without a document on record give the same passport; the first to finish takes it."""
    w.fixture("enrolled")
    import_members([member_row(7, document_type="", document_number="")])
    passport = {"document_type": "passport", "document_number": "XK1234567", "document_country": "FR"}
    first, second = w.registration_at_password(2, **passport), w.registration_at_password(7, **passport)
    assert w.call("post", f"/registration/{first}/password", {"password": PASSWORD}).status_code == 201
    return w.call("post", f"/registration/{second}/password", {"password": PASSWORD})


def _password_of_a_registered_member(w: World):
    first, second = w.registration_at_password(), w.registration_at_password()
    assert w.call("post", f"/registration/{first}/password", {"password": PASSWORD}).status_code == 201
    return w.call("post", f"/registration/{second}/password", {"password": PASSWORD})


def _too_many_document_tries(w: World):
    flow_id = w.registration()
    wrong = {"document_type": "nif", "document_number": nif("20000002")}
    for _ in range(w.settings.REGISTRATION_DOCUMENT_ATTEMPTS):
        w.call("post", f"/registration/{flow_id}/details", wrong)
    return w.call("post", f"/registration/{flow_id}/details", {"document_type": "nif", "document_number": HOLDER_NIF})


def _no_channel_account(w: World) -> Account:
    w.fixture("db")
    return account_create(username=nif("30000003"), password="Sin7Contacto")


def _reused_refresh(w: World):
    tokens = app_sign_in(w.fixture("member_account"))
    assert w.call("post", "/token/refresh", {"refresh_token": tokens.refresh_token}).status_code == 200
    return w.call("post", "/token/refresh", {"refresh_token": tokens.refresh_token})


SPECIFIC: dict[str, dict[str, Recipe]] = {
    "POST /api/v1/registration": {
        "no_match": lambda w: (
            w.fixture("enrolled"),
            w.call("post", "/registration", identify(date_of_birth="1985-03-13")),
        )[1],
        "minor": lambda w: (
            w.fixture("enrolled"),
            w.call("post", "/registration", identify(3, date_of_birth="2015-06-01")),
        )[1],
        "international_plan": lambda w: (
            w.fixture("enrolled"),
            w.call("post", "/registration", identify(4, policy_number="POL-INT")),
        )[1],
        "policy_inactive": lambda w: (
            w.fixture("enrolled"),
            w.call("post", "/registration", identify(5, policy_number="POL-END")),
        )[1],
        "already_registered": lambda w: (w.fixture("member_account"), w.call("post", "/registration", identify()))[1],
        "captcha_required": _registration_captcha,
        "captcha_invalid": lambda w: _registration_captcha(w, captcha="bm90"),
        "rate_limited": lambda w: (
            setattr(w.settings, "REGISTRATION_FAILURES_BEFORE_BLOCK", 0),
            _registration_captcha(w),
        )[1],
    },
    "POST /api/v1/registration/{flow_id}/details": {
        "document_mismatch": lambda w: w.call(
            "post",
            f"/registration/{w.registration()}/details",
            {"document_type": "nif", "document_number": nif("20000002")},
        ),
        "document_taken": lambda w: w.call(
            "post",
            f"/registration/{w.registration(2)}/details",
            {"document_type": "passport", "document_number": "GB1234567", "document_country": "GB"},
        ),
        "too_many_attempts": _too_many_document_tries,
        "flow_expired": lambda w: w.call(
            "post", f"/registration/{UNKNOWN}/details", {"document_type": "nif", "document_number": HOLDER_NIF}
        ),
        "link_offered": lambda w: (
            w.rejoiner(),
            w.call(
                "post",
                f"/registration/{w.registration(6)}/details",
                {"document_type": "nif", "document_number": HOLDER_NIF},
            ),
        )[1],
    },
    "POST /api/v1/registration/{flow_id}/verify": {
        **_code_recipes(_registration_code, lambda w: _set(w, flow_id=w.registration_with_new_email())),
        "flow_expired": lambda w: w.call("post", f"/registration/{UNKNOWN}/verify", {"channel": "email", **WRONG_CODE}),
    },
    "POST /api/v1/registration/{flow_id}/resend": {
        "flow_expired": lambda w: w.call("post", f"/registration/{UNKNOWN}/resend", {"channel": "email"}),
        "rate_limited": lambda w: w.call(
            "post", f"/registration/{w.registration_with_new_email()}/resend", {"channel": "email"}
        ),
        "too_many_attempts": lambda w: (
            w.one_send(),
            w.call("post", f"/registration/{w.registration_with_new_email()}/resend", {"channel": "email"}),
        )[1],
    },
    "POST /api/v1/registration/{flow_id}/password": {
        "already_registered": _password_of_a_registered_member,
        "document_taken": _password_of_a_taken_document,
        "flow_expired": lambda w: w.call("post", f"/registration/{UNKNOWN}/password", {"password": PASSWORD}),
        "password_policy": lambda w: w.call(
            "post", f"/registration/{w.registration_at_password()}/password", {"password": "abc"}
        ),
    },
    "POST /api/v1/registration/{flow_id}/link": {
        "invalid_credentials": lambda w: w.call(
            "post", f"/registration/{w.rejoiner()}/link", {"password": "Wrong1Pass"}
        ),
        "rate_limited": lambda w: (
            setattr(w.settings, "REGISTRATION_LINK_PASSWORD_FAILURES", 0),
            w.call("post", f"/registration/{w.rejoiner()}/link", {"password": "Wrong1Pass"}),
        )[1],
        "flow_expired": lambda w: w.call("post", f"/registration/{UNKNOWN}/link", {"password": PASSWORD}),
    },
    "POST /api/v1/registration/{flow_id}/link/verify": {
        **_code_recipes(_link_code, lambda w: _set(w, flow_id=w.rejoiner_with_code())),
        "flow_expired": lambda w: w.call("post", f"/registration/{UNKNOWN}/link/verify", WRONG_CODE),
    },
    "POST /api/v1/password-reset": _request_recipes("/password-reset", {"username": HOLDER_NIF}),
    "POST /api/v1/password-reset/confirm": {
        "password_policy": lambda w: (
            w.fixture("member_account"),
            w.call("post", "/password-reset/confirm", {"token": link_sent(), "password": "abc"}),
        )[1],
        "link_invalid": lambda w: w.call(
            "post", "/password-reset/confirm", {"token": "no-such-token", "password": "Otra7Clave"}
        ),
    },
    "POST /api/v1/username-reminder": _request_recipes(
        "/username-reminder", {"member_number": "M-000001", "policy_number": "POL-100", "date_of_birth": "1985-03-12"}
    ),
    "POST /api/v1/login": {
        "invalid_credentials": lambda w: (
            w.fixture("member_account"),
            w.call("post", "/login", {"username": HOLDER_NIF, "password": "Wrong1Pass"}),
        )[1],
        "captcha_required": _login_captcha,
        "captcha_invalid": lambda w: _login_captcha(w, captcha="bm90"),
        "rate_limited": lambda w: (setattr(w.settings, "LOGIN_ADDRESS_FAILURES_BEFORE_BLOCK", 0), _login_captcha(w))[1],
        "account_frozen": _frozen_login,
        "no_channel": lambda w: (
            _no_channel_account(w),
            w.call("post", "/login", {"username": nif("30000003"), "password": "Sin7Contacto"}),
        )[1],
    },
    "POST /api/v1/login/{login_id}/send": {
        "flow_expired": lambda w: w.call("post", f"/login/{UNKNOWN}/send", {"channel": "sms"}),
        "rate_limited": lambda w: w.call("post", f"/login/{w.login(sent=True)}/send", {"channel": "sms"}),
        "too_many_attempts": lambda w: (
            w.one_send(),
            w.call("post", f"/login/{w.login(sent=True)}/send", {"channel": "sms"}),
        )[1],
    },
    "POST /api/v1/login/{login_id}/verify": {
        **_code_recipes(_login_code, lambda w: _set(w, flow_id=w.login(sent=True))),
        "flow_expired": lambda w: w.call("post", f"/login/{UNKNOWN}/verify", WRONG_CODE),
    },
    "POST /api/v1/reauthenticate": {
        "no_channel": lambda w: w.call(
            "post", "/reauthenticate", token=app_sign_in(_no_channel_account(w)).access_token
        ),
    },
    "POST /api/v1/reauthenticate/{login_id}/send": {
        "rate_limited": lambda w: (
            _signed_in_step_up(w),
            w.call("post", f"/reauthenticate/{w.flow_id}/send", {"channel": "sms"}, token=w.bearer),
        )[1],
        "too_many_attempts": lambda w: (
            w.one_send(),
            _signed_in_step_up(w),
            w.call("post", f"/reauthenticate/{w.flow_id}/send", {"channel": "sms"}, token=w.bearer),
        )[2],
        "flow_expired": lambda w: w.call(
            "post", f"/reauthenticate/{UNKNOWN}/send", {"channel": "sms"}, token=w.token()
        ),
    },
    "POST /api/v1/reauthenticate/{login_id}/verify": {
        **_code_recipes(_step_up_code, _signed_in_step_up),
        "flow_expired": lambda w: w.call("post", f"/reauthenticate/{UNKNOWN}/verify", WRONG_CODE, token=w.token()),
    },
    "PUT /api/v1/me/password": {
        "reauthentication_required": lambda w: w.call(
            "put", "/me/password", {"current_password": PASSWORD, "password": "Nuevo7Camino"}, token=w.stale_token()
        ),
        "current_password_incorrect": lambda w: w.call(
            "put", "/me/password", {"current_password": "Wrong1Pass", "password": "Nuevo7Camino"}, token=w.token()
        ),
        "password_policy": lambda w: w.call(
            "put", "/me/password", {"current_password": PASSWORD, "password": "abc"}, token=w.token()
        ),
    },
    "PUT /api/v1/me/contact": {
        "contact_change_on_hold": lambda w: (
            Account.objects.filter(pk=w.fixture("member_account").pk).update(contact_hold_until="2099-01-01T00:00:00Z"),
            w.call("put", "/me/contact", {"channel": "sms", "value": "+34 699 111 222"}, token=w.token()),
        )[1],
        "reauthentication_required": lambda w: w.call(
            "put", "/me/contact", {"channel": "sms", "value": "+34 699 111 222"}, token=w.stale_token()
        ),
    },
    "PUT /api/v1/me/contact/verify": {
        **_code_recipes(_contact_code, _signed_in_contact_change),
        "reauthentication_required": lambda w: w.call(
            "put", "/me/contact/verify", {"change_id": UNKNOWN, **WRONG_CODE}, token=w.stale_token()
        ),
        "flow_expired": lambda w: w.call(
            "put", "/me/contact/verify", {"change_id": UNKNOWN, **WRONG_CODE}, token=w.token()
        ),
    },
    "POST /api/v1/token/refresh": {
        "unauthenticated": lambda w: w.call("post", "/token/refresh", {"refresh_token": "unknown"}),
        "token_reused": _reused_refresh,
    },
    "DELETE /api/v1/sessions/{session_id}": {
        "not_found": lambda w: w.call("delete", f"/sessions/{uuid.uuid4()}", token=w.token())
    },
    "GET /api/v1/members/{member_id}": _member_not_found(""),
    "GET /api/v1/members/{member_id}/card": _member_not_found("/card"),
    "GET /api/v1/members/{member_id}/card.pdf": _member_not_found("/card.pdf"),
    "GET /api/v1/privacy/notices/{kind}": {"not_found": lambda w: w.call("get", "/privacy/notices/no-such-document")},
    "GET /api/v1/privacy/notices/{kind}/v/{number}": {
        "not_found": lambda w: w.call("get", "/privacy/notices/notice/v/99")
    },
    "POST /api/v1/privacy/notices/notice/acknowledgement": {
        "notice_not_current": lambda w: w.call(
            "post", "/privacy/notices/notice/acknowledgement", {"version": 7}, token=w.token()
        )
    },
    **_privacy_recipes(),
    **_rights_requests(),
    "GET /api/v1/privacy/members/{member_id}/holdings": {
        "not_found": lambda w: w.call("get", f"/privacy/members/{uuid.uuid4()}/holdings", token=w.token())
    },
    "GET /api/v1/privacy/members/{member_id}/disclosures": {
        "not_found": lambda w: w.call("get", f"/privacy/members/{uuid.uuid4()}/disclosures", token=w.token())
    },
    "POST /api/v1/privacy/members/{member_id}/shine-the-light": {
        "not_found": lambda w: w.call("post", f"/privacy/members/{uuid.uuid4()}/shine-the-light", token=w.token())
    },
    "POST /api/v1/privacy/members/{member_id}/shine-the-light/{year}": {
        "not_found": lambda w: w.call("post", f"/privacy/members/{uuid.uuid4()}/shine-the-light/2025", token=w.token()),
        "invalid": _shine_the_light_for_1999,
    },
    **{
        name: {}
        for name in (
            "GET /api/v1/brand",
            "GET /api/v1/captcha",
            "POST /api/v1/enrollment/batches",
            "GET /api/v1/me",
            "PUT /api/v1/me/language",
            "POST /api/v1/logout",
            "GET /api/v1/sessions",
            "DELETE /api/v1/sessions",
            "POST /api/v1/me/security-concern",
            "GET /api/v1/privacy/processors",
        )
    },
}


# --- the common codes: one recipe each, for every operation the rule gives them to -----------------
def _operations() -> dict[str, tuple[str, str, dict]]:
    return {
        f"{method.upper()} {path}": (method, path, operation)
        for path, item in document()["paths"].items()
        for method, operation in item.items()
    }


def _reachable(w: World, name: str) -> tuple[str, str, str]:
    """The method, a concrete path and a token (when needed) that reach the operation past its auth."""
    method, template, operation = _operations()[name]
    path = template.removeprefix("/api/v1").replace("{", "").replace("}", "")
    for parameter in ("flow_id", "login_id", "session_id", "member_id", "receipt_id", "request_id"):
        path = path.replace(parameter, UNKNOWN)
    if "security" not in operation:
        return method, path, ""
    if name.startswith("POST /api/v1/enrollment"):
        return method, path, w.fixture("token")
    return method, path, w.token()


def _unauthenticated(w: World, name: str):
    method, path, _ = _reachable(w, name)
    return w.call(method, path, {})


def _invalid(w: World, name: str):
    method, path, token = _reachable(w, name)
    return w.call(method, path, "[]", token=token)


def _too_large(w: World, name: str):
    method, path, token = _reachable(w, name)
    w.settings.DATA_UPLOAD_MAX_MEMORY_SIZE = w.settings.ENROLLMENT_API_MAX_BODY_BYTES = 100
    return w.call(method, path, {"padding": "x" * 200}, token=token)


def _not_json(w: World, name: str):
    method, path, token = _reachable(w, name)
    return w.call(method, path, "a=1", token=token, content_type="application/x-www-form-urlencoded")


def _failing(exception: Exception) -> Callable[[World, str], object]:
    def provoke(w: World, name: str):
        method, path, token = _reachable(w, name)
        operation = product_api.operations()[_operations()[name][2]["operationId"]]
        w.fixture("monkeypatch").setattr(operation, "run", lambda *args, **kwargs: (_ for _ in ()).throw(exception))
        return w.call(method, path, {}, token=token)

    return provoke


COMMON: dict[str, Callable[[World, str], object]] = {
    "unauthenticated": _unauthenticated,
    "invalid": _invalid,
    "payload_too_large": _too_large,
    "unsupported_media_type": _not_json,
    "server_error": _failing(RuntimeError("an unexpected failure")),
    "service_unavailable": _failing(OperationalError("the database went away")),
}


def _cases() -> list[tuple[str, str]]:
    return [
        (name, code)
        for name, (_, _, operation) in _operations().items()
        for codes in declared_codes(operation).values()
        for code in sorted(codes)
    ]


def test_the_table_has_every_operation_and_only_declared_codes():
    operations = _operations()
    assert set(SPECIFIC) == set(operations), "every operation needs an entry in SPECIFIC (even an empty one)"
    for name, recipes in SPECIFIC.items():
        declared = set().union(*declared_codes(operations[name][2]).values())
        assert set(recipes) <= declared, f"{name}: recipes for codes it does not declare"
        without_recipe = declared - set(recipes) - set(COMMON)
        assert not without_recipe, f"{name} declares {without_recipe} and the table cannot provoke them"


@pytest.mark.parametrize(("name", "code"), _cases(), ids=[f"{name} {code}" for name, code in _cases()])
def test_each_operation_answers_each_code_it_declares(world, name, code):
    recipe = SPECIFIC[name].get(code)
    response = recipe(world) if recipe else COMMON[code](world, name)
    error(response, REGISTRY[code].status, code)
    if code == "service_unavailable":
        assert response["Retry-After"] == "30"
