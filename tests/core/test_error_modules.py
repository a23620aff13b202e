"""Error codes live in one errors.py per app (API-1), and the catalogue the API publishes is all of them.

The codes are found by reading the source, not by asking the registry, so a code the registry never
saw (its module not imported) or a code defined outside an errors module fails here.
"""

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.req("API-1")]

PACKAGE = Path(__file__).parents[2] / "src" / "memberarea"


def _definitions() -> dict[Path, dict[str, int]]:
    """Every `ErrorCode("code", message, status)` written in src/, by file: {file: {code: status}}."""
    found: dict[Path, dict[str, int]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "ErrorCode":
                code, _message, status = node.args
                assert isinstance(code, ast.Constant) and isinstance(status, ast.Constant), path
                found.setdefault(path.relative_to(PACKAGE), {})[code.value] = status.value
    return found


def _all_codes() -> dict[str, int]:
    return {code: status for codes in _definitions().values() for code, status in codes.items()}


def test_codes_are_defined_only_in_errors_modules():
    files = set(_definitions())
    assert files, "no ErrorCode found: the scan is broken"
    assert {path for path in files if path.name != "errors.py"} == set()
    assert Path("core/errors.py") in files and Path("identity/errors.py") in files


@pytest.mark.django_db
def test_the_openapi_catalogue_lists_exactly_the_codes_written_in_src(client):
    document = client.get("/api/v1/openapi.json").json()
    listed = {entry["code"]: entry["status"] for entry in document["info"]["x-error-codes"]}
    assert listed == _all_codes()


def test_starting_django_registers_every_code_without_importing_any_flow():
    """A fresh process that only runs django.setup(): the apps' ready() alone fills the registry."""
    script = (
        "import json, django; django.setup(); "
        "from memberarea.core.errors import REGISTRY; print(json.dumps({c: e.status for c, e in REGISTRY.items()}))"
    )
    environment = {**os.environ, "PYTHONPATH": str(PACKAGE.parent)}
    environment["DJANGO_SETTINGS_MODULE"] = "memberarea.settings.test"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=environment, check=True, timeout=120
    )
    assert json.loads(result.stdout.strip().splitlines()[-1]) == _all_codes()
