"""PERF-4: the registration identify step (POST /api/v1/registration) at N enrolled members vs N/10.

Default 100,000 vs 10,000 members; BENCH_SCALE=full runs 1,000,000 vs 10,000 (the bar's sizes).
Each size is imported into a fresh SQLite site, then one process sends the same number of identify
requests for members picked at random through Django's full request stack (middleware, API,
the flow function, the rate-limit counters). The bar: time per request at the large size ≤ 1.3× the
small one — the look-ups are indexed, so the size of the table must hardly matter.
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from .common import ROOT, SCALE_FULL, manage, site_env, table
from .import_scale import write_files

REQUESTS = 1500
SCRIPT = """
import json, random, time
from django.test import Client
from memberarea.enrollment.models import Membership

rng = random.Random(7)
count = Membership.objects.count()
picked = [Membership.objects.select_related("person", "policy").order_by("pk")[rng.randrange(count)]
          for _ in range(200)]
facts = [{"member_number": m.member_number, "policy_number": m.policy.number,
          "date_of_birth": m.person.date_of_birth.isoformat()} for m in picked]
client = Client(SERVER_NAME="127.0.0.1")
for body in facts[:50]:  # warm-up: connections, caches, code paths
    warm = client.post("/api/v1/registration", body, content_type="application/json")
    assert warm.status_code == 201, warm.content
started = time.perf_counter()
for index in range(REQUESTS):
    response = client.post("/api/v1/registration", facts[index % len(facts)], content_type="application/json")
    assert response.status_code == 201, response.content
print(json.dumps({"seconds": time.perf_counter() - started}))
"""


def measure(members: int) -> float:
    """Seconds per identify request against a site with `members` enrolled members."""
    with tempfile.TemporaryDirectory(prefix="bench-identify-") as name:
        folder = Path(name)
        policies, rows = write_files(folder, members)
        # The benchmark's own address sends every request: raise its limits, as quality.md allows.
        env = site_env(
            folder, REGISTRATION_FAILURES_BEFORE_CAPTCHA="1000000", REGISTRATION_FAILURES_BEFORE_BLOCK="1000000"
        )
        manage(env, "migrate", "-v", "0")
        manage(env, "import_enrollment", "--no-welcome", str(policies), str(rows))
        run = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "shell", "-c", SCRIPT.replace("REQUESTS", str(REQUESTS))],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        return json.loads(run.stdout.strip().splitlines()[-1])["seconds"] / REQUESTS


def main() -> str:
    small, large = (10_000, 1_000_000) if SCALE_FULL else (10_000, 100_000)
    small_time, large_time = measure(small), measure(large)
    ratio = large_time / small_time
    rows = [
        (f"{size:,} members", f"{seconds * 1000:.2f} ms", f"{1 / seconds:,.0f}")
        for size, seconds in ((small, small_time), (large, large_time))
    ]
    verdict = "meets" if ratio <= 1.3 else "MISSES"
    return (
        table(
            "PERF-4 registration identify step (SQLite, full request stack)", ("enrolled", "per request", "req/s"), rows
        )
        + f"\nratio {ratio:.2f}× (bar ≤ 1.3×) → {verdict} the bar"
    )


if __name__ == "__main__":
    print(main())
