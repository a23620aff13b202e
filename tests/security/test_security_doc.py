"""docs/security.md names the tests that prove each control and ASVS requirement; none may rot.

Every `tests/….py::test_name` in the document must be a test function (or a method of a test class)
defined in that file, read with the file's syntax tree — a renamed or deleted test fails here.
"""

import ast
import re
from functools import cache
from pathlib import Path

import pytest

pytestmark = pytest.mark.req("REL-6")

NAMED = re.compile(r"(tests/[\w/]+\.py)::(\w+)")


@cache
def _named(repo_root: Path) -> list[tuple[str, str]]:
    return NAMED.findall((repo_root / "docs" / "security.md").read_text(encoding="utf-8"))


def _defined(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test_")
    }


def test_the_document_names_tests_for_the_threats_and_the_asvs_table(repo_root):
    named = _named(repo_root)
    text = (repo_root / "docs" / "security.md").read_text(encoding="utf-8")
    assert len(named) >= 60
    for heading in ("## Threat model", "## OWASP ASVS 5.0"):
        assert heading in text
    for requirement in ("6.1.1", "6.3.1", "6.6.3", "7.1.1", "7.4.1", "7.5.1", "4.1.1", "4.1.3"):
        assert f"| {requirement} |" in text, requirement


def test_every_test_the_document_names_exists(repo_root):
    missing = [
        f"{path}::{name}"
        for path, name in _named(repo_root)
        if not (repo_root / path).is_file() or name not in _defined(repo_root / path)
    ]
    assert missing == []


def test_a_renamed_test_would_be_found(repo_root, tmp_path):
    """The check itself: a name that is not defined in its file is reported."""
    sample = tmp_path / "test_sample.py"
    sample.write_text("def test_kept():\n    pass\n\nclass TestGroup:\n    def test_method(self):\n        pass\n")
    assert _defined(sample) == {"test_kept", "test_method"}
    assert "test_renamed" not in _defined(sample)
