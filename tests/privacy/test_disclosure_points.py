"""No sharing path skips the disclosure service (PRIV-9, BO-4).

The code paths that send a member's data outside the member area are found in the source, not listed
by hand: a function that records a staff access (`StaffAccess.objects.create`: an employee sees the
member's record), writes a file into the stored-file area (`stored_file_save`: an export leaves with
whoever downloads it), or uses the core-system integration outbox (`notifications.integration`).
Each must account for the disclosure — call `disclosure_record`, or run the `STAFF_ACCESSED`
hooks that the privacy app fills with `staff_access_disclose` — or be listed below with the reason it
discloses nothing (a file for the member themself, say). A new path fails here until it does.
"""

import ast
import inspect
from pathlib import Path

import pytest

import memberarea
from memberarea.members.access import STAFF_ACCESSED
from memberarea.privacy import disclosures

pytestmark = pytest.mark.req("PRIV-9")
SOURCE = Path(memberarea.__file__).parent
ACCOUNTED_BY = {"disclosure_record", "STAFF_ACCESSED", "core_system_disclose"}
# Paths that send nothing about a member to anyone else, with the reason.
NOT_DISCLOSURES: dict[str, str] = {
    "privacy/export_build.py::export_job_build": "the member's own copy (or a guardian's, of the minor they act for)",
    "notifications/jobs.py::integration_outbox_sweep": "sends what its senders accounted for when queueing",
    "backoffice/services.py::core_message_retry": "sends again, under the same reference, what was accounted for",
}


def _called_names(node: ast.AST) -> set[str]:
    names = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Call):
            function = child.func
            names.add(function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", ""))
        if isinstance(child, ast.Name):
            names.add(child.id)
    return names


def _is_outward(node: ast.AST) -> bool:
    for child in ast.walk(node):
        if not isinstance(child, ast.Call):
            continue
        function = child.func
        if isinstance(function, ast.Name) and function.id == "stored_file_save":
            return True
        if (
            isinstance(function, ast.Attribute)
            and function.attr == "create"
            and "StaffAccess.objects" in ast.unparse(function.value)
        ):
            return True
    return False


def outward_paths() -> dict[str, set[str]]:
    """Every function that sends member data out, as "module.py::function" → the names it calls."""
    found = {}
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts or path.name == "storage.py":  # storage.py defines the writer itself
            continue
        tree = ast.parse(path.read_text())
        uses_integration = any(
            isinstance(node, ast.ImportFrom) and (node.module or "").endswith("integration") for node in ast.walk(tree)
        )
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and (
                _is_outward(node) or (uses_integration and "integration" in ast.unparse(node))
            ):
                found[f"{path.relative_to(SOURCE)}::{node.name}"] = _called_names(node)
    return found


def test_every_path_that_sends_member_data_out_accounts_for_it():
    paths = outward_paths()
    assert {
        "members/access.py::_staff_access",
        "privacy/partners.py::partner_export_build",
        "privacy/requests/fulfil.py::correction_forward",
        "privacy/erasure.py::erase_person",
    } <= set(paths)
    unaccounted = {name for name, calls in paths.items() if not calls & ACCOUNTED_BY and name not in NOT_DISCLOSURES}
    assert unaccounted == set(), "call privacy.disclosures.disclosure_record on these paths (or say why not)"
    assert set(NOT_DISCLOSURES) <= set(paths), "remove exemptions of paths that no longer exist"


def test_the_staff_hook_and_the_core_system_s_helper_are_the_disclosure_service():
    assert disclosures.staff_access_disclose in STAFF_ACCESSED
    assert "disclosure_record(" in inspect.getsource(disclosures.staff_access_disclose)
    assert "disclosure_record(" in inspect.getsource(disclosures.core_system_disclose)
