"""PERF-5: enrollment import of N rows vs N/10 rows — time ratio (bar ≤ 11×) and memory (flat).

Default 100,000 vs 10,000 rows; BENCH_SCALE=full runs 1,000,000 vs 100,000. Each size is a first
load into a fresh database through `manage.py import_enrollment --no-welcome`, in its own process,
whose own CPU time and peak memory are read when it ends (common.manage): on SQLite, then on
PostgreSQL (a database created for the run on BENCH_POSTGRES_URL's server, default the local one;
BENCH_DATABASES=sqlite or =postgresql runs one of them).
"""

import csv
import datetime as dt
import random
import tempfile
from pathlib import Path

from stdnum.es import dni

from .common import ENGINES, SCALE_FULL, chosen_engines, database, manage, site_env, table

MEMBERS_PER_POLICY = 4
RELATIONSHIPS = ("holder", "spouse_partner", "other")
FIRST = ["Lucía", "Hugo", "Martina", "Mateo", "Sofía", "Leo", "Julia", "Daniel", "Paula", "Álvaro"]
LAST = ["García Ruiz", "Navas Peña", "Ortega Gil", "Serrano Vidal", "Campos Lago", "Núñez Prieto"]


def write_files(folder: Path, members: int) -> tuple[Path, Path]:
    """Valid, varied rows made up here: policies first, then their members (a holder and family)."""
    rng = random.Random(members)
    policies_path, members_path = folder / "policies.csv", folder / "members.csv"
    with policies_path.open("w", newline="") as policies, members_path.open("w", newline="") as rows:
        policy_writer, member_writer = csv.writer(policies), csv.writer(rows)
        policy_writer.writerow(["policy_number", "policy_type", "status", "start_date", "end_date", "holder_name"])
        member_writer.writerow([
            "member_number", "policy_number", "first_name", "last_name", "date_of_birth", "sex", "relationship",
            "start_date", "end_date", "address_line1", "address_line2", "postal_code", "city", "province",
            "country", "email", "mobile", "language", "document_type", "document_number", "document_country",
            "guardian_member_numbers",
        ])  # fmt: skip
        for index in range(members):
            policy = f"PB{index // MEMBERS_PER_POLICY:08d}"
            position = index % MEMBERS_PER_POLICY
            if position == 0:
                policy_writer.writerow([policy, "individual", "active", "2020-01-01", "", "Titular"])
            born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 50))
            digits = f"{(10_000_000 + index * 7) % 100_000_000:08d}"
            member_writer.writerow([
                f"MB{index:09d}", policy, rng.choice(FIRST), rng.choice(LAST), born.isoformat(),
                rng.choice(["female", "male"]), RELATIONSHIPS[min(position, 2)], "2020-01-01", "",
                f"Calle Banco {index % 500}", "", f"{28000 + index % 900:05d}", "Madrid", "Madrid", "ES",
                f"m{index}@example.invalid", f"+3461{index % 10_000_000:07d}", "es", "nif",
                digits + dni.calc_check_digit(digits), "", "",
            ])  # fmt: skip
    return policies_path, members_path


def measure(engine: str, members: int) -> tuple[float, float, float]:
    with tempfile.TemporaryDirectory(prefix="bench-import-") as name:
        folder = Path(name)
        policies, rows = write_files(folder, members)
        with database(engine, "import") as extra:
            env = site_env(folder, **extra)
            manage(env, "migrate", "-v", "0")
            run = manage(env, "import_enrollment", "--no-welcome", str(policies), str(rows))
        return run.seconds, run.peak_rss_mib, run.cpu_seconds


def scale(engine: str, label: str) -> str:
    small, large = (100_000, 1_000_000) if SCALE_FULL else (10_000, 100_000)
    small_time, small_memory, small_cpu = measure(engine, small)
    large_time, large_memory, large_cpu = measure(engine, large)
    time_ratio = large_time / small_time
    memory_ratio = large_memory / small_memory
    rows = [
        (f"{size:,} rows", f"{seconds:.1f} s", f"{size / seconds:,.0f}", f"{cpu:.1f} s", f"{memory:.0f} MiB")
        for size, seconds, cpu, memory in ((small, small_time, small_cpu, small_memory),
                                           (large, large_time, large_cpu, large_memory))
    ]  # fmt: skip
    cpu_ratio = large_cpu / small_cpu
    # Judged on the import's own CPU time: it is one CPU-bound process, and on a shared machine its wall
    # time also counts whatever else ran meanwhile. Both are printed.
    verdict = "meets" if cpu_ratio <= 11 and memory_ratio <= 1.5 else "MISSES"
    header = ("size", "time", "rows/s", "import CPU", "peak RSS")
    return (
        table(f"PERF-5 enrollment first load ({label}, --no-welcome)", header, rows)
        + f"\nratio CPU time {cpu_ratio:.2f}× (bar ≤ 11×; wall time {time_ratio:.2f}×), peak memory"
        f" {memory_ratio:.2f}× (flat) → {verdict} the bar"
    )


def main() -> str:
    return "\n\n".join(scale(engine, ENGINES[engine]) for engine in chosen_engines())


if __name__ == "__main__":
    print(main())
