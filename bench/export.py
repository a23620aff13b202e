"""PERF-6: the access export of a member with 100× more records — time (bar ≤ 110×) and the build's
own memory growth under tracemalloc (bar ≤ 1.5×, streamed).

One site per database (SQLite, then PostgreSQL in a database created for the run; BENCH_DATABASES
as in PERF-5), the demo loaded, and two demo members given an account (`account_create`,
`person_account_link`). Each gets N "visits" through the product's own services — an app session
(`app_session_start`: the session and its audit entry), an email message (`message_enqueue`), a
marketing-email consent change (`consent_set`: the record) and an audit entry about the membership
(`audit_record`) — N = 12 for the small member, 1,500 for the large one (BENCH_SCALE=full: 50 and
6,250), so ~6 exported records a visit on top of what the account already holds.

The measured path is the export task's work, `export_job_build`: the rows read through the data map,
decrypted, written as HTML + JSON (access) or JSON + a CSV per kind (portability) into a ZIP that
streams into encrypted storage. Each member and kind is built once untimed (imports, catalogues),
then twice timed (the faster counts: the machine is shared) and once under tracemalloc, whose peak
above the memory in use before the build is the build's own growth.
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from .common import ENGINES, ROOT, SCALE_FULL, chosen_engines, database, manage, site_env, table

MEASURE = """
import gc, json, time, tracemalloc
from django.test import RequestFactory
from memberarea.enrollment.models import Membership, Person
from memberarea.enrollment.services import person_account_link
from memberarea.core.audit import audit_record
from memberarea.identity.services import account_create
from memberarea.identity.sessions import app_session_start
from memberarea.notifications.services import message_enqueue
from memberarea.privacy.consent import consent_set
from memberarea.privacy.export_build import export_job_build
from memberarea.privacy.export_models import ExportKind
from memberarea.privacy.exports import export_job_start
from memberarea.privacy.holdings import export_rows_count
from memberarea.privacy.models import ConsentMethod, ConsentPurpose

LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"
request = RequestFactory().get("/", HTTP_USER_AGENT="EjempliaSalud/3.2 (Android 14; Pixel 8)", REMOTE_ADDR="192.0.2.7")


def member(number):
    person = Person.objects.filter(account__isnull=True).order_by("pk")[0]
    digits = f"{{70000000 + number:08d}}"
    account = account_create(username=digits + LETTERS[int(digits) % 23], password="Bench-Lindero-7", language="es")
    person_account_link(person=person, account=account, actor_id="system")
    return person


def visits(person, count):
    account, membership = person.account, Membership.objects.filter(person=person).first()
    for index in range(count):
        app_session_start(account=account, request=request)
        message_enqueue(channel="email", to=f"bench{{index}}@example.invalid", template="test_message",
                        language="es", context={{}}, account=account, membership=membership)
        consent_set(account=account, changes={{ConsentPurpose.MARKETING_EMAIL: bool(index % 2)}},
                    method=ConsentMethod.APP, language="es")
        audit_record(event="bench.visit", actor_id=str(account.pk), subject_id=str(membership.pk))


def build(person, kind):
    job = export_job_start(account=person.account, person=person, kind=kind)
    gc.collect()
    started = time.perf_counter()
    assert export_job_build(job.pk) == "ready"
    return time.perf_counter() - started


def traced(person, kind):
    job = export_job_start(account=person.account, person=person, kind=kind)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    assert export_job_build(job.pk) == "ready"
    peak = tracemalloc.get_traced_memory()[1] - before
    tracemalloc.stop()
    return peak


people = {{"small": member(1), "large": member(2)}}
visits(people["small"], {small})
visits(people["large"], {large})
result = {{}}
for kind in (ExportKind.ACCESS, ExportKind.PORTABILITY):
    for size, person in people.items():
        build(person, kind)  # warm-up
    for size, person in people.items():
        seconds = min(build(person, kind), build(person, kind))
        result[f"{{kind}} {{size}}"] = {{"records": export_rows_count(person), "seconds": seconds,
                                        "peak": traced(person, kind)}}
print(json.dumps(result))
"""


def measure(engine: str, small: int, large: int) -> dict[str, dict[str, float]]:
    with tempfile.TemporaryDirectory(prefix="bench-export-") as name, database(engine, "export") as extra:
        env = site_env(Path(name), **extra)
        manage(env, "migrate", "-v", "0")
        manage(env, "demo_load")
        shell = [sys.executable, str(ROOT / "manage.py"), "shell", "-c", MEASURE.format(small=small, large=large)]
        output = subprocess.run(shell, env=env, check=True, capture_output=True, text=True).stdout
        return json.loads(output.splitlines()[-1])


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def scale(engine: str) -> str:
    small, large = (50, 6250) if SCALE_FULL else (12, 1500)
    result = measure(engine, small, large)
    rows, verdicts = [], []
    for kind, files in (("access", "HTML + JSON"), ("portability", "JSON + CSV")):
        one, hundred = result[f"{kind} small"], result[f"{kind} large"]
        time_ratio, memory_ratio = hundred["seconds"] / one["seconds"], hundred["peak"] / one["peak"]
        for size, figures in (("1×", one), ("100×", hundred)):
            rows.append((
                f"{kind} ({files})", size, f"{figures['records']:,.0f}", f"{figures['seconds'] * 1000:,.0f} ms",
                f"{figures['peak'] / 1024:,.0f} KiB",
            ))  # fmt: skip
        verdicts.append(
            f"{kind}: time {time_ratio:.1f}× (bar ≤ 110×), memory {memory_ratio:.2f}× (bar ≤ 1.5×) → "
            + ("meets" if time_ratio <= 110 and memory_ratio <= 1.5 else "MISSES")
            + " the bar"
        )
    header = ("export", "member", "records", "build time", "tracemalloc peak")
    return "\n".join([
        table(f"PERF-6 access export, {small} vs {large} visits ({ENGINES[engine]}, load {_load()})", header, rows),
        *verdicts,
    ])  # fmt: skip


def main() -> str:
    return "\n\n".join(scale(engine) for engine in chosen_engines())


if __name__ == "__main__":
    print(main())
