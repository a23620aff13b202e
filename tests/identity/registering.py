"""Enrollment records to register against, and reading the codes the flows send (a plugin of tests/conftest.py)."""

import re

import pytest

from memberarea.core.errors import MemberAreaError
from memberarea.identity.flows.registration.complete import registration_complete
from memberarea.identity.flows.registration.details import registration_details_submit
from memberarea.identity.flows.registration.identify import registration_start
from memberarea.identity.flows.registration.state import registration_get
from memberarea.notifications.models import Message
from tests.enrollment.records import import_members, import_policies, member_row, nif, policy_row

HOLDER_NIF = nif("10000001")


@pytest.fixture
def enrolled(db):
    """An active individual policy with an adult holder (document on record) and a child, plus others."""
    import_policies(
        policy_row(),
        policy_row(policy_number="POL-INT", policy_type="international"),
        policy_row(policy_number="POL-END", status="ended", end_date="2024-12-31"),
    )
    import_members(
        [
            member_row(1),
            member_row(2, document_type="", document_number="", relationship="spouse_partner"),
            member_row(3, date_of_birth="2015-06-01", relationship="child", document_type="", document_number="",
                       email="", mobile="", guardian_member_numbers="M-000001"),
            member_row(4, policy_number="POL-INT", document_type="passport", document_number="GB1234567",
                       document_country="GB"),
            member_row(5, policy_number="POL-END"),
        ]
    )  # fmt: skip


def identify(number: int = 1, **overrides) -> dict:
    return {
        "member_number": f"M-{number:06d}",
        "date_of_birth": "1985-03-12",
        "policy_number": "POL-100",
        **overrides,
    }


def last_code(to: str) -> str:
    """The code in the newest message sent to `to` (the outbox row, as the member would read it)."""
    messages = [m for m in Message.objects.filter(template="registration_code").order_by("-created_at") if m.to == to]
    assert messages, f"no code was sent to {to}"
    message = messages[0]
    return re.search(r"\b(\d{6})\b", message.body_text).group(1)


PASSWORD = "Lindero7Azul"


def start(number: int = 1, kind: str = "api", address: str = "192.0.2.10", **overrides):
    return registration_start(**identify(number, **overrides), captcha=None, address=address, kind=kind, language="es")


def submit_details(flow, **overrides) -> list[str]:
    values = {"document_type": "nif", "document_number": HOLDER_NIF, **overrides}
    return registration_details_submit(flow_id=flow.pk, kind=flow.kind, **values)


def error_code(call, *args, **kwargs) -> str:
    """The stable code of the MemberAreaError `call` raises (fails the test if it raises none)."""
    with pytest.raises(MemberAreaError) as raised:
        call(*args, **kwargs)
    return raised.value.code


@pytest.fixture
def member_account(enrolled):
    """Member 1, registered through the real flow: username HOLDER_NIF, password PASSWORD, email
    persona1@example.invalid and mobile +34600000001 (both from the insurer, so verified)."""
    flow = start()
    submit_details(flow)
    return registration_complete(
        flow_id=registration_get(flow_id=flow.pk, kind=flow.kind).pk, kind=flow.kind, password=PASSWORD
    )
