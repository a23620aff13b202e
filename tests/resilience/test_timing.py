"""REL-5 timing: an existing and an unknown member take the same time, measured against gunicorn.

For each step a member reaches before signing in — registration's identify, the password step,
the recovery request and the username reminder — requests for an existing member and for an
unknown one alternate in a shuffled order over one keep-alive connection, and the medians must
differ by less than 5 ms. The limits are raised (as quality.md allows for a measurement from one
address) so that no sample meets a captcha or a lock; the captchas that recovery and the reminder
always need are solved before the timed request. `RESILIENCE_SIZE=full`: 500 samples per side.
"""

import http.client
import json
import random
import statistics
import time

import pytest

from .site import DEMO_PASSWORD, DEMO_USERNAME, captcha
from .summary import FULL, record_timing

pytestmark = [pytest.mark.resilience, pytest.mark.req("REL-5")]

UNLIMITED = {
    name: "1000000"
    for name in (
        "LOGIN_FAILURES_BEFORE_CAPTCHA",
        "LOGIN_FAILURES_BEFORE_LOCK",
        "LOGIN_ADDRESS_FAILURES_BEFORE_CAPTCHA",
        "LOGIN_ADDRESS_FAILURES_BEFORE_BLOCK",
        "REGISTRATION_FAILURES_BEFORE_CAPTCHA",
        "REGISTRATION_FAILURES_BEFORE_BLOCK",
        "RECOVERY_REQUESTS_PER_HOUR",
    )
}
BAR_MS = 5.0
CARMEN_FACTS = {"member_number": "MA-6001-01", "policy_number": "POL-F-6001", "date_of_birth": "1988-09-02"}
UNKNOWN_FACTS = {"member_number": "MA-9999-99", "policy_number": "POL-F-9999", "date_of_birth": "1988-09-02"}
# Andrés is enrolled without an account: a wrong birth date against an unknown member number.
IDENTIFY_WRONG_BIRTH = {"member_number": "MA-7001-01", "policy_number": "POL-F-7001", "date_of_birth": "1975-12-10"}
UNKNOWN_USERNAME = "12345678Z"

# operation → (path, body for an existing member, body for an unknown one, needs a captcha)
OPERATIONS = {
    "identify (registration)": ("/api/v1/registration", IDENTIFY_WRONG_BIRTH, UNKNOWN_FACTS, False),
    "sign-in (wrong password)": (
        "/api/v1/login",
        {"username": DEMO_USERNAME, "password": DEMO_PASSWORD + "x"},
        {"username": UNKNOWN_USERNAME, "password": DEMO_PASSWORD + "x"},
        False,
    ),
    "recovery request": ("/api/v1/password-reset", {"username": DEMO_USERNAME}, {"username": UNKNOWN_USERNAME}, True),
    "username reminder": ("/api/v1/username-reminder", CARMEN_FACTS, UNKNOWN_FACTS, True),
}


class Connection:
    """One keep-alive connection: the samples time the server, not TCP set-up."""

    def __init__(self, base: str) -> None:
        host, port = base.removeprefix("http://").split(":")
        self.http = http.client.HTTPConnection(host, int(port), timeout=30)

    def post(self, path: str, body: dict) -> tuple[int, float]:
        payload = json.dumps(body)
        started = time.perf_counter()
        self.http.request("POST", path, payload, {"Content-Type": "application/json", "Accept-Language": "en"})
        response = self.http.getresponse()
        response.read()
        return response.status, (time.perf_counter() - started) * 1000


def _samples(connection: Connection, base: str, operation: str, samples: int, seed: int) -> dict[bool, list[float]]:
    """Milliseconds per request, keyed by "existing member"; both sides answer with one same status."""
    path, existing, unknown, needs_captcha = OPERATIONS[operation]
    order = [True] * samples + [False] * samples
    random.Random(seed).shuffle(order)
    warm_up = [True, False] * 10
    times: dict[bool, list[float]] = {True: [], False: []}
    statuses: dict[bool, set[int]] = {True: set(), False: set()}
    for index, is_existing in enumerate(warm_up + order):
        body = dict(existing if is_existing else unknown)
        if needs_captcha:
            body["captcha"] = captcha(base)
        status, elapsed = connection.post(path, body)
        statuses[is_existing].add(status)
        if index >= len(warm_up):
            times[is_existing].append(elapsed)
    assert statuses[True] == statuses[False] and len(statuses[True]) == 1, (operation, statuses)
    return times


def _medians(connection: Connection, base: str, operation: str, samples: int) -> tuple[int, float, float]:
    """(samples per side, median existing, median unknown). At the reduced size a difference at the
    bar is measured again with as many new samples before it counts: on a shared 2-core machine, 60
    samples of a 100 ms password hash move the median by a few milliseconds on their own."""
    times = _samples(connection, base, operation, samples, seed=15)
    known, other = statistics.median(times[True]), statistics.median(times[False])
    if abs(known - other) >= BAR_MS and not FULL:
        more = _samples(connection, base, operation, samples, seed=16)
        times = {side: times[side] + more[side] for side in times}
        known, other = statistics.median(times[True]), statistics.median(times[False])
    return len(times[True]), known, other


def test_existing_and_unknown_medians_differ_by_less_than_5_ms(site, size):
    base = site.app_server(workers=2, **UNLIMITED)
    connection = Connection(base)
    differences = {}
    for operation in OPERATIONS:
        samples, known, other = _medians(connection, base, operation, size["samples"])
        record_timing(operation, samples, known, other)
        differences[operation] = abs(known - other)
    assert all(difference < BAR_MS for difference in differences.values()), differences
