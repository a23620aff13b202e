"""`manage.py import_enrollment` and the integration-client commands (ENR-2)."""

import io
import time

import pytest
from django.core.management import CommandError, call_command

from memberarea.enrollment.models import IntegrationClient, Membership, Policy
from memberarea.enrollment.services import integration_client_authenticate

from .records import member_row, policy_row, write_csv

pytestmark = pytest.mark.django_db


def _run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_enrollment", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.req("ENR-2")
def test_ten_thousand_rows_stream_through_the_command(tmp_path):
    policies = write_csv(tmp_path / "policies.csv", [policy_row()])
    members = write_csv(tmp_path / "members.csv", [member_row(n) for n in range(1, 10_001)], delimiter=";")
    started = time.monotonic()
    out, err = _run(policies, members, "--no-welcome")
    elapsed = time.monotonic() - started
    assert Membership.objects.count() == 10_000
    assert "created 10,000" in out
    assert "rows/s" in err  # the progress line
    assert elapsed < 45, f"10,000 rows took {elapsed:.1f} s"
    out, _ = _run(members, "--no-welcome")
    assert "unchanged 10,000" in out and "created" not in out


@pytest.mark.req("ENR-2")
def test_the_summary_names_row_field_and_code_only_and_the_exit_status_says_rows_were_rejected(tmp_path):
    policies = write_csv(tmp_path / "policies.csv", [policy_row()])
    members = write_csv(
        tmp_path / "members.csv",
        [member_row(1), member_row(2, email="ana.secreta@example", mobile="555")],
    )
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("import_enrollment", str(policies), str(members), "--no-welcome", stdout=out, stderr=err)
    assert excinfo.value.returncode == 2
    summary = out.getvalue()
    assert "row 3: email — invalid_email" in summary
    assert "row 3: mobile — invalid_phone" in summary
    assert "ana.secreta" not in summary + err.getvalue() + str(excinfo.value)
    assert Policy.objects.count() == 1
    assert Membership.objects.count() == 1


@pytest.mark.req("ENR-2")
def test_integration_clients_are_created_with_a_token_shown_once_and_revoked():
    out = io.StringIO()
    call_command("integration_client_create", "core-system", stdout=out, stderr=io.StringIO())
    token = out.getvalue().strip()
    client = IntegrationClient.objects.get(name="core-system")
    assert token not in client.token_hash
    assert integration_client_authenticate(token) == client
    call_command("integration_client_revoke", "core-system", stdout=io.StringIO())
    assert integration_client_authenticate(token) is None


@pytest.mark.req("ENR-2")
def test_the_documented_sample_files_import_cleanly_with_their_policy_kinds(repo_root):
    samples = repo_root / "docs" / "samples"
    _run(samples / "enrollment-policies.csv", samples / "enrollment-members.csv", "--no-welcome")
    kinds = dict(Policy.objects.values_list("number", "type"))
    assert kinds == {"POLS0001": "family", "POLS0002": "corporate", "POLS0003": "international"}
    members = (samples / "enrollment-members.csv").read_text().strip().splitlines()[1:]
    assert Membership.objects.count() == len(members)
