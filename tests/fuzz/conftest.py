"""The fuzz answers every API error against its operation's declared codes, and counts its cases."""

import pytest

# The API tests' fixtures: `world` reaches any operation; the autouse one allows only declared error codes.
from tests.api.conftest import _only_declared_errors, api, token, world  # noqa: F401


def pytest_collection_modifyitems(items):
    """Everything under tests/fuzz is marked `fuzz`: the SQLite pass leaves it to the PostgreSQL one."""
    for item in items:
        if "fuzz" in item.path.parent.parts:
            item.add_marker(pytest.mark.fuzz)


class Cases:
    """How many requests a test sent; reported per test and summed at the end of the run."""

    def __init__(self) -> None:
        self.sent = 0

    def count(self, number: int = 1) -> None:
        self.sent += number


@pytest.fixture
def fuzz_cases(record_property):
    cases = Cases()
    yield cases
    record_property("fuzz_cases", cases.sent)


def pytest_terminal_summary(terminalreporter):
    """ "fuzz: N cases" — summed over xdist workers too (user properties travel with the reports)."""
    reports = [report for reports in terminalreporter.stats.values() for report in reports]
    total = sum(
        value
        for report in reports
        if getattr(report, "when", "") == "teardown"
        for name, value in getattr(report, "user_properties", [])
        if name == "fuzz_cases"
    )
    if total:
        terminalreporter.write_line(f"fuzz: {total} requests sent")
