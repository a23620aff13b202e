"""Production settings refuse to start when misconfigured (OPS-1, OPS-3), and pass `check --deploy`.

Each case starts a clean interpreter with a complete production environment changed in one way,
so the refusal is caused by that change alone (the complete environment starts: see the first test).
"""

import os
import subprocess
import sys

import pytest

from memberarea.settings.env import new_key

pytestmark = [pytest.mark.req("OPS-1"), pytest.mark.req("OPS-3")]

START = "import django; django.setup(); print('started')"
KEY_A, KEY_B, KEY_C, KEY_D = new_key(), new_key(), new_key(), new_key()


def _environment(tmp_path, **changes: str | None) -> dict[str, str]:
    env = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": "src",
        "DJANGO_SETTINGS_MODULE": "memberarea.settings.production",
        "MEMBERAREA_VAR_DIR": str(tmp_path),
        "SECRET_KEY": new_key() + new_key(),
        "FIELD_ENCRYPTION_KEYS": f"{KEY_A},{KEY_B}",
        "BLIND_INDEX_KEY": KEY_C,
        "AUDIT_KEY": KEY_D,
        "ALLOWED_HOSTS": "members.example.invalid",
        "EMAIL_URL": "smtp://mail.example.invalid:587?tls=1",
        "SMS_URL": "https://sms.example.invalid/send",
        "SMS_TOKEN": "gateway-token",
        "PUBLIC_BASE_URL": "https://members.example.invalid",
    }
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def _run(args: list[str], env: dict[str, str], repo_root) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], env=env, cwd=repo_root, capture_output=True, text=True, timeout=120, check=False
    )


def test_a_complete_environment_starts(tmp_path, repo_root):
    result = _run(["-c", START], _environment(tmp_path), repo_root)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "started"


REFUSALS = {
    "no SECRET_KEY": ({"SECRET_KEY": None}, ["SECRET_KEY"]),
    "no FIELD_ENCRYPTION_KEYS": ({"FIELD_ENCRYPTION_KEYS": None}, ["FIELD_ENCRYPTION_KEYS"]),
    "no BLIND_INDEX_KEY": ({"BLIND_INDEX_KEY": None}, ["BLIND_INDEX_KEY"]),
    "no AUDIT_KEY": ({"AUDIT_KEY": None}, ["AUDIT_KEY"]),
    "no ALLOWED_HOSTS": ({"ALLOWED_HOSTS": None}, ["ALLOWED_HOSTS"]),
    "no EMAIL_URL": ({"EMAIL_URL": None}, ["EMAIL_URL"]),
    "no SMS_URL": ({"SMS_URL": None}, ["SMS_URL"]),
    "empty SECRET_KEY": ({"SECRET_KEY": "  "}, ["SECRET_KEY"]),
    "short SECRET_KEY": ({"SECRET_KEY": "x" * 20}, ["SECRET_KEY"]),
    "SECRET_KEY of few characters": ({"SECRET_KEY": "ab" * 40}, ["SECRET_KEY"]),
    "key of 16 bytes": ({"AUDIT_KEY": KEY_D[:22]}, ["AUDIT_KEY", "32 bytes"]),
    "key not base64": ({"BLIND_INDEX_KEY": "%%%%"}, ["BLIND_INDEX_KEY"]),
    "malformed key in the ring": ({"FIELD_ENCRYPTION_KEYS": f"{KEY_A},{KEY_B[:10]}"}, ["FIELD_ENCRYPTION_KEYS"]),
    "key twice in the ring": ({"FIELD_ENCRYPTION_KEYS": f"{KEY_A},{KEY_A}"}, ["FIELD_ENCRYPTION_KEYS"]),
    "blind-index key reused as audit key": ({"AUDIT_KEY": KEY_C}, ["AUDIT_KEY", "BLIND_INDEX_KEY"]),
    "field key reused as audit key": ({"AUDIT_KEY": KEY_B}, ["AUDIT_KEY", "FIELD_ENCRYPTION_KEYS"]),
    "DEMO_MODE on": ({"DEMO_MODE": "1"}, ["DEMO_MODE"]),
    "DEMO_MODE unreadable": ({"DEMO_MODE": "maybe"}, ["DEMO_MODE"]),
    "EMAIL_URL is the outbox": ({"EMAIL_URL": "outbox:"}, ["EMAIL_URL"]),
    "SMS_URL is the outbox": ({"SMS_URL": "outbox:"}, ["SMS_URL"]),
    "EMAIL_URL of an unknown kind": ({"EMAIL_URL": "mailto:x@example.invalid"}, ["EMAIL_URL"]),
    "HTTP SMS gateway without token": ({"SMS_TOKEN": None}, ["SMS_TOKEN"]),
    "no PUBLIC_BASE_URL": ({"PUBLIC_BASE_URL": None}, ["PUBLIC_BASE_URL"]),
    "PUBLIC_BASE_URL over plain HTTP": ({"PUBLIC_BASE_URL": "http://members.example.invalid"}, ["PUBLIC_BASE_URL"]),
    "PRIVACY_PARTNERS not JSON": ({"PRIVACY_PARTNERS": '[{"id": "viajes-sol",'}, ["PRIVACY_PARTNERS", "JSON"]),
}


@pytest.mark.parametrize(("changes", "named"), REFUSALS.values(), ids=REFUSALS.keys())
def test_production_refuses_to_start(tmp_path, repo_root, changes, named):
    result = _run(["-c", START], _environment(tmp_path, **changes), repo_root)
    assert result.returncode != 0
    assert "started" not in result.stdout
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured:"), result.stderr
    for text in named:
        assert text in last_line


def test_the_outbox_refusal_names_only_the_channel_at_fault(tmp_path, repo_root):
    result = _run(["-c", START], _environment(tmp_path, SMS_URL="outbox:"), repo_root)
    assert "SMS_URL" in result.stderr and "EMAIL_URL" not in result.stderr


@pytest.mark.req("OPS-2")
def test_check_deploy_is_clean_with_a_complete_environment(tmp_path, repo_root):
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], _environment(tmp_path), repo_root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr
    assert "?:" not in result.stdout  # the prefix of every reported check


@pytest.mark.req("PRIV-9")
def test_a_malformed_partner_stops_the_deploy_s_checks(tmp_path, repo_root):
    """Decision 0049: PRIVACY_PARTNERS is checked at start-up; `migrate` and `check` stop on it."""
    partner = '[{"id": "viajes-sol", "name": "Viajes Sol", "country": "ES", "purpose": {"fr": "Offres"}}]'
    result = _run(["manage.py", "check", "--deploy"], _environment(tmp_path, PRIVACY_PARTNERS=partner), repo_root)
    assert result.returncode != 0
    assert "(privacy.E003) PRIVACY_PARTNERS entry 1: purpose must be a text" in result.stderr
