"""pytest plugin: `@pytest.mark.req("ID")` links tests to product requirements.

At the end of the run it prints requirement → tests (with outcomes) for every id named, and the
ids of product.md that no test names yet, so traceability is visible in every `make test`.
"""

import re
from collections import defaultdict
from pathlib import Path

import pytest

PRODUCT = Path(__file__).resolve().parents[2].parent / "shared" / "docs" / "product.md"
_ID = re.compile(r"^[A-Z]+-\d+$")
_by_requirement: dict[str, list[str]] = defaultdict(list)
_outcomes: dict[str, str] = {}
# Requirement ids travel in user_properties, which pytest-xdist sends from workers to the controller.


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "req(id): requirement id")


def pytest_collection_modifyitems(session, config, items) -> None:
    for item in items:
        for marker in item.iter_markers("req"):
            for requirement in marker.args:
                if not _ID.match(requirement):
                    raise pytest.UsageError(f"{item.nodeid}: bad requirement id {requirement!r}")
                item.user_properties.append(("req", requirement))


def pytest_runtest_logreport(report) -> None:
    if not (report.when == "call" or (report.when == "setup" and report.outcome != "passed")):
        return
    _outcomes[report.nodeid] = report.outcome
    for name, requirement in report.user_properties:
        if name == "req" and report.nodeid not in _by_requirement[requirement]:
            _by_requirement[requirement].append(report.nodeid)


def _product_ids() -> list[str]:
    if not PRODUCT.exists():
        return []
    return sorted(set(re.findall(r"\*\*([A-Z]+-\d+)", PRODUCT.read_text())), key=_order)


def _order(requirement: str) -> tuple[str, int]:
    prefix, number = requirement.split("-")
    return prefix, int(number)


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if hasattr(config, "workerinput") or not _by_requirement:
        return
    write = terminalreporter.write_line
    terminalreporter.section("requirements → tests")
    for requirement in sorted(_by_requirement, key=_order):
        tests = _by_requirement[requirement]
        outcomes = [_outcomes.get(test, "not run") for test in tests]
        passed = outcomes.count("passed")
        write(f"{requirement:<9} {passed}/{len(tests)} passed")
        for test, outcome in zip(tests, outcomes, strict=True):
            write(f"            {outcome:<8} {test}")
    missing = [r for r in _product_ids() if r not in _by_requirement]
    if missing:
        write(f"not yet named by any test ({len(missing)}): {' '.join(missing)}")
