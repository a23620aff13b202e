"""PERF-2: complete sign-ins per second (password, then the emailed code) vs pure argon2 verification.

Bar ≥ 0.75 of the hashing limit (the same baseline as PERF-1, timed in slices alternating with the
sign-ins, `server.alternating`). The site runs as in PERF-1 (gunicorn, one worker process per
core × two threads) with `manage.py worker` beside it
delivering the codes over SMTP to a local server in this process, where each client reads its
member's code from the message, as the member would: no test backdoor. The members are imported
(synthetic rows, unique addresses) and given accounts before the clock starts. Each sign-in is the
app's: POST /api/v1/login, POST …/send (email), wait for the email, POST …/verify → tokens. Waiting
for the email is not CPU, so the clients are 4× cores (PERF-1 uses 2×) to keep the hashing busy.
Every limit stays on and nothing is raised: each account signs in a few times (well under the
daily code limit), from a device it used before (warm-up), and successful sign-ins give their
reserved attempts back.
"""

import contextlib
import http.client
import json
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from .common import PASSWORD, ROOT, SCALE_FULL, manage, site_env, table
from .import_scale import write_files
from .server import CORES, CodeSink, alternating, comparison_rows, gunicorn, in_threads, services, where
from .sign_in import CONCURRENCY, _parameters, api_post, verifier

CLIENTS = 4 * CORES
ACCOUNTS = 48

ACCOUNTS_CREATE = """
import json
from memberarea.enrollment.models import Membership
from memberarea.enrollment.services import person_account_link
from memberarea.identity.services import account_create
members = Membership.objects.select_related("person").order_by("member_number")[:{count}]
made = []
for membership in members:
    account = account_create(username=membership.person.document_number, password={password!r}, language="es")
    person_account_link(person=membership.person, account=account, actor_id="bench")
    made.append({{"username": membership.person.document_number, "email": membership.email}})
print(json.dumps(made))
"""


def _accounts(env: dict[str, str]) -> list[dict[str, str]]:
    script = ACCOUNTS_CREATE.format(count=ACCOUNTS, password=PASSWORD)
    run = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", script],
        env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(run.stdout.strip().splitlines()[-1])


@contextlib.contextmanager
def site() -> Iterator[Callable[[int], None]]:
    """The site, its worker and the SMTP sink, warmed up; yields one complete sign-in."""
    with (
        tempfile.TemporaryDirectory(prefix="bench-sign-in-complete-") as name,
        services() as databases,
        CodeSink() as sink,
    ):
        folder = Path(name)
        env = site_env(folder, EMAIL_URL=sink.url, **databases)
        manage(env, "migrate", "-v", "0")
        manage(env, "import_enrollment", "--no-welcome", *map(str, write_files(folder, ACCOUNTS)))
        accounts = _accounts(env)
        with gunicorn(env, worker_interval=0.02) as port:
            local = threading.local()

            def sign_in(index: int) -> None:
                if not hasattr(local, "connection"):
                    local.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                account = accounts[index % len(accounts)]
                device = {"X-Device-Id": f"bench-device-{index % len(accounts):04d}"}
                login = {"username": account["username"], "password": PASSWORD}
                flow = api_post(local.connection, "/api/v1/login", login, device)["login_id"]
                api_post(local.connection, f"/api/v1/login/{flow}/send", {"channel": "email"})
                code = sink.code_for(account["email"])
                tokens = api_post(local.connection, f"/api/v1/login/{flow}/verify", {"code": code}, device)
                assert tokens["access_token"]

            # Warm-up: every account once (its device becomes known: no new-device email later),
            # every server thread started; one account per client at a time (its codes stay apart).
            in_threads(len(accounts), sign_in, concurrency=CLIENTS)
            yield sign_in


def main() -> str:
    count = 480 if SCALE_FULL else 144
    parameters = _parameters()
    with site() as sign_in:
        comparison = alternating(count, verifier(parameters), sign_in, concurrency=(CONCURRENCY, CLIENTS))
    pure, served = comparison.baseline_rate, comparison.product_rate
    ratio = served / pure
    rows = comparison_rows(
        comparison, "argon2id verify, in threads", f"complete sign-in: password + emailed code ({where()})"
    )
    time_cost, memory, parallelism = parameters
    verdict = "meets" if ratio >= 0.75 else "MISSES"
    return (
        table(
            f"PERF-2 complete sign-in, {CLIENTS} clients, argon2id t={time_cost} m={memory} KiB p={parallelism}",
            ("path", "rate", "CPU per call"),
            rows,
        )
        + f"\nratio {ratio:.2f} (bar ≥ 0.75) → {verdict} the bar; {served / CORES:.1f} complete sign-ins/s per core"
    )


if __name__ == "__main__":
    print(main())
