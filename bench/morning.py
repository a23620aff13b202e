"""Issue 16 item 4: a morning under load, with locust — what members do at the start of a day, together.

Each locust user is a member's browser. It signs in through the web pages before the clock starts
(its session is one of the "signed-in members"), then picks journeys by weight: 80% page views (its
dashboard 60, its card 20), 15% sign-ins, 4% registrations, 1% recoveries, with a short think time
between them. The weights are on tasks, not on User classes: with a fixed number of users, a class
weighted 1% would get no user at all. Every journey goes through the pages as a browser does: the
form's page, its POST with the hidden fields (CSRF) and the redirect that follows; the codes and the
recovery link are read from the emails that `manage.py worker` delivers over SMTP to a sink in this
process — no test backdoor. Registration enrols members of the imported CSV that have no account
(the enrollment facts and the document number the insurer holds, a new email address, its code, a
password); a recovery asks for the link with a solved proof-of-work captcha from /api/v1/captcha,
as the page's widget does, opens the link and sets a new password.

The site is served as in the other benches: gunicorn (a process per core, two threads each) and the
worker at its default 1 s poll, always on PostgreSQL + Redis (a fresh database): the morning is
measured on the configuration that scales out, whatever BENCH_SERVICES says.
Users: 4× cores by default (MORNING_USERS), think time 0–1 s: gunicorn serves 2× cores requests at
once, and a user spends part of its time thinking and much of a sign-in or a registration waiting
for an email, so twice as many users as server threads keep about as many requests in flight as
there are threads (printed: Little's law) — busy, not queued behind itself — while the client
(locust, one process) shares the machine. Duration: MORNING_SECONDS (60). Pools are seeded before
the clock, sized for a ceiling of 40 journeys/s: sign-in accounts are taken one at a time (their
codes stay apart) and each gets at most half of its daily code limit; registration members and
recovery accounts are used once each. The CPU the site used in the measured time is printed too.

Every limit stays as in production but one: all load comes from 127.0.0.1 and recovery allows
RECOVERY_REQUESTS_PER_HOUR (5) per address, so it is raised to the number of recovery accounts
(it is also the per-username limit, which one use per account never reaches); the output says so.
At the end: a table per step (requests/s over the measured time, p50/p95/p99, errors, 5xx), the
journeys, and the message check: once the outbox has nothing left to send, every message queued
in the database must have reached the sink (email) or the SMS dev outbox. Exit status 1 on any 5xx,
lost message or broken journey.

Own process (`python -m bench.morning`, or the `morning` entry of `python -m bench`): importing
locust monkey-patches the process with gevent, so it must not share one with the thread-based benches.
"""

import base64
import collections
import contextlib
import csv
import json
import math
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import gevent
import psutil
from altcha import solve_challenge_v1
from locust import HttpUser, between, task
from locust.env import Environment
from locust.stats import StatsEntry

from .common import PASSWORD, ROOT, manage, site_env, table
from .dashboard import HIDDEN
from .import_scale import write_files
from .server import CORES, CodeSink, gunicorn, message_text, services, where
from .sign_in_complete import ACCOUNTS_CREATE

USERS = int(os.environ.get("MORNING_USERS", str(4 * CORES)))
SECONDS = float(os.environ.get("MORNING_SECONDS", "60"))
CEILING = 40  # journeys/s the pools are sized for; the measured rate is far below on 2 cores
CODES_PER_SIGN_IN_ACCOUNT = 10  # half of LOGIN_CODES_PER_ACCOUNT_PER_DAY
SIGN_IN_ACCOUNTS = math.ceil(0.15 * CEILING * SECONDS / CODES_PER_SIGN_IN_ACCOUNT) + USERS
REGISTRATIONS = math.ceil(0.04 * CEILING * SECONDS) + USERS
RECOVERIES = math.ceil(0.01 * CEILING * SECONDS) + USERS
NEW_PASSWORD = "Morning2026renewed"  # noqa: S105 - a synthetic member's new password  # nosec B105
RECOVERY_LINK = re.compile(r"/password-reset/([A-Za-z0-9_-]+)/")
THINK = between(0, 1)

COUNTS = """
import json
from django.db.models import Count
from django_tasks_db.models import DBTaskResult
from memberarea.notifications.models import DevOutboxEntry, Message
queued = Message.objects.values_list("channel", "state").annotate(n=Count("id"))
outbox = DevOutboxEntry.objects.values_list("channel").annotate(n=Count("id"))
jobs = (DBTaskResult.objects.ready() | DBTaskResult.objects.running()).count()
print(json.dumps({"queued": [list(row) for row in queued], "outbox": dict(outbox), "jobs": jobs}))
"""


class MessageSink(CodeSink):
    """The codes, plus every message counted and every recovery link kept, by recipient."""

    def __init__(self) -> None:
        super().__init__()
        self.received = 0
        self._links: dict[str, list[str]] = collections.defaultdict(list)

    async def handle_DATA(self, server, session, envelope) -> str:
        found = RECOVERY_LINK.search(message_text(envelope))
        with self._arrived:
            self.received += len(envelope.rcpt_tos)
            for recipient in envelope.rcpt_tos if found else ():
                self._links[recipient].append(found.group(1))
        return await super().handle_DATA(server, session, envelope)

    def link_for(self, recipient: str, *, timeout: float = 60) -> str:
        """The token of the next recovery link sent to `recipient`."""
        return self._take(self._links, recipient, timeout=timeout, what="recovery link")


def _seed(env: dict[str, str], folder: Path) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Import members, give the first ones accounts; (the accounts, the members left without one)."""
    with_accounts = USERS + SIGN_IN_ACCOUNTS + RECOVERIES
    policies, members = write_files(folder, with_accounts + REGISTRATIONS)
    manage(env, "import_enrollment", "--no-welcome", str(policies), str(members))
    accounts = _shell_json(env, ACCOUNTS_CREATE.format(count=with_accounts, password=PASSWORD))
    with members.open(newline="") as rows:
        unregistered = sorted(csv.DictReader(rows), key=lambda row: row["member_number"])[with_accounts:]
    return accounts, unregistered


def _shell_json(env: dict[str, str], script: str):
    """Run `script` in `manage.py shell` (the site's settings and models); the JSON it printed last."""
    run = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", script],
        env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(run.stdout.strip().splitlines()[-1])


def _drained(env: dict[str, str], sink: MessageSink, *, timeout: float = 120) -> dict:
    """The outbox counts once no job (a recovery link is one) or message waits and the sink has stopped
    receiving."""
    deadline = time.monotonic() + timeout
    while True:
        before = sink.received
        counts = _shell_json(env, COUNTS)
        waiting = counts["jobs"] + sum(n for _, state, n in counts["queued"] if state in ("pending", "sending"))
        if (not waiting and sink.received == before) or time.monotonic() > deadline:
            return counts
        gevent.sleep(1)


class Morning:
    """The run's shared state: the sink, the pools and the counters the users feed."""

    def __init__(self, sink: MessageSink, accounts: list[dict[str, str]], unregistered: list[dict[str, str]]):
        self.sink = sink
        self.viewers = accounts[:USERS]
        self.sign_in_accounts = collections.deque(accounts[USERS : USERS + SIGN_IN_ACCOUNTS])
        self.recovery_accounts = accounts[USERS + SIGN_IN_ACCOUNTS :]
        self.unregistered = unregistered
        self.signed_in = 0  # users past their sign-in before the clock
        self.server_errors: collections.Counter[str] = collections.Counter()
        self.broken: collections.Counter[str] = collections.Counter()

    def on_request(self, name: str, response=None, **_) -> None:
        if response is not None and getattr(response, "status_code", 0) >= 500:
            self.server_errors[name] += 1

    def on_user_error(self, user_instance, exception, tb) -> None:
        self.broken[type(exception).__name__] += 1

    def reset(self) -> None:
        self.server_errors.clear()
        self.broken.clear()


def member(morning: Morning, host: str) -> type[HttpUser]:
    """The locust user class for this run (its pools and sink)."""

    class Member(HttpUser):
        wait_time = THINK

        def on_start(self) -> None:
            account = morning.viewers.pop()
            self.dashboard = self._sign_in(account).url.removeprefix(host)
            morning.signed_in += 1

        def _form(self, page, name: str, fields: dict[str, str]):
            """POST the form of `page` as a browser does (its hidden fields, then ours); the page it leads to."""
            answer = self.client.post(page.url, {**dict(HIDDEN.findall(page.text)), **fields}, name=name)
            answer.raise_for_status()
            return answer

        @contextlib.contextmanager
        def _another_browser(self) -> Iterator[None]:
            """Someone else's journey on this user's turn: a fresh cookie jar, the member's own one after."""
            kept = self.client.cookies
            self.client.cookies = type(kept)()
            try:
                yield
            finally:
                self.client.cookies = kept

        def _get(self, path: str, name: str):
            page = self.client.get(path, name=name)
            page.raise_for_status()
            return page

        def _email(self, name: str, wait, recipient: str) -> str:
            """Read the email as the member would; its arrival time is a step of its own."""
            started = time.perf_counter()
            found = wait(recipient)
            elapsed = (time.perf_counter() - started) * 1000
            self.environment.events.request.fire(
                request_type="email", name=name, response_time=elapsed, response_length=0, exception=None
            )
            return found

        def _journey(self, name: str, started: float) -> None:
            elapsed = (time.perf_counter() - started) * 1000
            self.environment.events.request.fire(
                request_type="journey", name=name, response_time=elapsed, response_length=0, exception=None
            )

        def _sign_in(self, account: dict[str, str]):
            page = self._get("/sign-in/", "sign-in: page")
            page = self._form(page, "sign-in: password", {"username": account["username"], "password": PASSWORD})
            page = self._form(page, "sign-in: by email", {"channel": "email"})
            code = self._email("sign-in: code email arrives", morning.sink.code_for, account["email"])
            landed = self._form(page, "sign-in: code → dashboard", {"code": code})
            if "/privacy/notice/acknowledge/" in landed.url:  # a new notice version: "I have read it" first
                landed = self._form(landed, "sign-in: notice", {})
            if "/members/" not in landed.url or landed.url.endswith("/members/"):
                raise RuntimeError("the sign-in did not land on a dashboard")
            return landed

        @task(60)
        def dashboard_view(self) -> None:
            self._get(self.dashboard, "view: dashboard")

        @task(20)
        def card_view(self) -> None:
            self._get(self.dashboard + "card/", "view: card")

        @task(15)
        def sign_in(self) -> None:
            """Another member signs in on this browser (a fresh cookie jar), then this one carries on."""
            started = time.perf_counter()
            account = morning.sign_in_accounts.popleft()  # one sign-in per account at a time
            try:
                with self._another_browser():
                    self._sign_in(account)
            finally:
                morning.sign_in_accounts.append(account)
            self._journey("sign-in", started)

        @task(4)
        def registration(self) -> None:
            started = time.perf_counter()
            row = morning.unregistered.pop()  # IndexError when the pool is spent: a broken journey
            new_email = f"new-{row['member_number']}@example.invalid"
            with self._another_browser():
                page = self._get("/register/", "register: page")
                facts = {name: row[name] for name in ("member_number", "date_of_birth", "policy_number")}
                page = self._form(page, "register: identify", facts)
                document = {"document_type": row["document_type"], "document_number": row["document_number"]}
                page = self._form(page, "register: details", {**document, "change_email": "1", "email": new_email})
                code = self._email("register: code email arrives", morning.sink.code_for, new_email)
                page = self._form(page, "register: code", {"channel": "email", "code": code})
                done = self._form(page, "register: password", {"password": PASSWORD})
                if not done.url.endswith("/register/done/"):
                    raise RuntimeError("the registration did not finish")
            self._journey("registration", started)

        @task(1)
        def recovery(self) -> None:
            started = time.perf_counter()
            account = morning.recovery_accounts.pop()  # each used once: the password changes
            with self._another_browser():
                page = self._get("/password-reset/", "recovery: page")
                challenge = self._get("/api/v1/captcha", "recovery: captcha challenge").json()
                answer = _captcha_answer(challenge)
                page = self._form(page, "recovery: request", {"username": account["username"], "altcha": answer})
                token = self._email("recovery: link email arrives", morning.sink.link_for, account["email"])
                page = self._get(f"/password-reset/{token}/", "recovery: open link")
                done = self._form(page, "recovery: new password", {"password": NEW_PASSWORD})
                if not done.url.endswith("/password-reset/done/"):
                    raise RuntimeError("the recovery did not finish")
            self._journey("recovery", started)

    Member.host = host
    return Member


def _captcha_answer(challenge: dict) -> str:
    """Solve the proof of work as the widget does in the member's browser. In a native thread: done in
    the gevent loop, its ~50k hashes would stall every other user and add to their measured latency."""
    arguments = (challenge["challenge"], challenge["salt"], challenge["algorithm"], challenge["maxnumber"])
    solution = gevent.get_hub().threadpool.apply(solve_challenge_v1, arguments)
    if solution is None:
        raise RuntimeError("the captcha has no solution")
    fields = {key: challenge[key] for key in ("algorithm", "challenge", "salt", "signature")}
    return base64.b64encode(json.dumps({**fields, "number": solution.number}).encode()).decode()


@dataclass(frozen=True)
class Measured:
    environment: Environment
    seconds: float
    site_cpu: float  # gunicorn and the worker (this process's descendants), user + system seconds
    client_cpu: float  # this process: locust, the sink, the captcha solving


def _cpu(processes: list[psutil.Process]) -> float:
    return sum(sum(process.cpu_times()[:2]) for process in processes)


def _run(morning: Morning, host: str) -> Measured:
    """Start the users, wait until every one is signed in, then measure SECONDS."""
    environment = Environment(user_classes=[member(morning, host)], host=host)
    environment.events.request.add_listener(morning.on_request)
    environment.events.user_error.add_listener(morning.on_user_error)
    runner = environment.create_local_runner()
    runner.start(USERS, spawn_rate=USERS)
    deadline = time.monotonic() + 120
    while morning.signed_in < USERS or runner.user_count < USERS:
        if time.monotonic() > deadline or morning.broken:
            raise RuntimeError(f"the users did not all sign in: {dict(morning.broken)}")
        gevent.sleep(0.2)
    gevent.sleep(1)  # every user past its own sign-in's last request
    environment.stats.reset_all()
    morning.reset()
    client, site = psutil.Process(), psutil.Process().children(recursive=True)
    cpu_before = (_cpu(site), _cpu([client]))
    started = time.perf_counter()
    gevent.sleep(SECONDS)
    seconds = time.perf_counter() - started
    cpu_after = (_cpu(site), _cpu([client]))
    runner.quit()
    return Measured(environment, seconds, cpu_after[0] - cpu_before[0], cpu_after[1] - cpu_before[1])


def _report(run: Measured, morning: Morning, counts: dict) -> tuple[str, bool]:
    """The tables and the checks; (the text, whether it passed)."""
    environment, measured = run.environment, run.seconds

    def ms(entry, percent: float) -> str:
        return str(entry.get_response_time_percentile(percent)) if entry.num_requests else "-"

    entries = sorted(environment.stats.entries.values(), key=lambda e: (e.method != "journey", e.name))
    rows = [
        (
            f"{entry.method} {entry.name}",
            entry.num_requests,
            f"{entry.num_requests / measured:.2f}",
            ms(entry, 0.5), ms(entry, 0.95), ms(entry, 0.99),
            entry.num_failures,
            morning.server_errors[entry.name] if entry.method not in ("journey", "email") else "",
        )
        for entry in entries
    ]  # fmt: skip
    http = StatsEntry(environment.stats, "all HTTP requests", "")  # the journeys and email waits left out
    for entry in entries:
        if entry.method not in ("journey", "email"):
            http.extend(entry)
    rows.append((
        http.name, http.num_requests, f"{http.num_requests / measured:.2f}", ms(http, 0.5), ms(http, 0.95),
        ms(http, 0.99), http.num_failures, sum(morning.server_errors.values()),
    ))  # fmt: skip
    server_errors = sum(morning.server_errors.values())
    queued: dict[str, dict[str, int]] = collections.defaultdict(dict)
    for channel, state, n in counts["queued"]:
        queued[channel][state] = n
    email_queued = sum(queued["email"].values())
    sms_queued = sum(queued["sms"].values())
    lost = max(email_queued - morning.sink.received, 0) + max(sms_queued - counts["outbox"].get("sms", 0), 0)
    extra = max(morning.sink.received - email_queued, 0)
    broken = sum(morning.broken.values())
    lines = [
        table(
            f"Morning load test: {USERS} users, {measured:.0f} s measured, gunicorn {CORES}×2 + worker ({where()})",
            ("step", "count", "per s", "p50 ms", "p95 ms", "p99 ms", "errors", "5xx"),
            rows,
        ),
        "(journey: from its first request to its last, email waits included; the latency percentiles are "
        "locust's, rounded to 2 significant figures above 100 ms)",
        f"HTTP requests in flight on average: {http.total_response_time / 1000 / measured:.1f} (Little's law), "
        f"against gunicorn's {2 * CORES} threads",
        f"CPU in the measured time: the site (gunicorn + worker) {run.site_cpu / measured:.2f} cores, "
        f"{1000 * run.site_cpu / max(http.num_requests, 1):.0f} ms per HTTP request; this client (locust) "
        f"{run.client_cpu / measured:.2f} cores; PostgreSQL and Redis not counted",
        f"limit raised for the one loopback address: RECOVERY_REQUESTS_PER_HOUR={RECOVERIES} (production 5); "
        "every other limit as in production",
        f"5xx: {server_errors}; journeys broken: {broken} {dict(morning.broken) or ''}",
        f"messages: email queued {email_queued} {queued['email']}, received by the sink {morning.sink.received}; "
        f"SMS queued {sms_queued}, in the dev outbox {counts['outbox'].get('sms', 0)}; lost {lost}"
        + (f", received more than once {extra}" if extra else ""),
    ]
    passed = not server_errors and not lost and not broken
    lines.append(f"{'PASS' if passed else 'FAIL'}: no 5xx, no lost message and no broken journey required")
    return "\n".join(lines), passed


def main() -> tuple[str, bool]:
    os.environ["BENCH_SERVICES"] = "1"
    with (
        tempfile.TemporaryDirectory(prefix="bench-morning-") as name,
        services() as databases,
        MessageSink() as sink,
    ):
        folder = Path(name)
        env = site_env(folder, EMAIL_URL=sink.url, RECOVERY_REQUESTS_PER_HOUR=str(RECOVERIES), **databases)
        manage(env, "migrate", "-v", "0")
        accounts, unregistered = _seed(env, folder)
        random.Random(0).shuffle(unregistered)
        morning = Morning(sink, accounts, unregistered)
        with gunicorn(env, worker_interval=1.0) as port:
            run = _run(morning, f"http://127.0.0.1:{port}")
            counts = _drained(env, sink)
        return _report(run, morning, counts)


if __name__ == "__main__":
    text, passed = main()
    print(text, flush=True)
    sys.exit(0 if passed else 1)
