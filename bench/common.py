"""Shared by the benchmarks: an isolated embedded site in a temporary folder, run in subprocesses."""

import contextlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
SCALE_FULL = os.environ.get("BENCH_SCALE", "") == "full"
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
ENGINES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
USERNAME, PASSWORD = "60112233P", "Demo2026member"  # the demo's Carmen


def chosen_engines() -> list[str]:
    """BENCH_DATABASES=sqlite or =postgresql runs one of them; both by default."""
    return os.environ.get("BENCH_DATABASES", "sqlite,postgresql").split(",")


@contextlib.contextmanager
def database(engine: str, purpose: str) -> Iterator[dict[str, str]]:
    """The settings of a fresh, empty database of `engine` (SQLite: the site's own file; PostgreSQL: one
    created for the run on BENCH_POSTGRES_URL's server, default the local one), dropped afterwards."""
    if engine == "sqlite":
        yield {}
        return
    name = f"bench_{purpose}_{os.getpid()}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name}")
        admin.execute(f"CREATE DATABASE {name}")
    try:
        yield {"DATABASE_URL": POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"}
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def site_env(folder: Path, **extra: str) -> dict[str, str]:
    """Embedded settings (SQLite, outbox channels unless overridden) whose files live in `folder`."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        DJANGO_SETTINGS_MODULE="memberarea.settings.embedded",
        MEMBERAREA_VAR_DIR=str(folder),
        LOG_LEVEL="WARNING",
        **extra,
    )
    return env


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_rss_mib: float
    cpu_seconds: float = 0.0  # the child's user + system time: steadier than wall time on a shared machine


def manage(env: dict[str, str], *args: str, check: bool = True) -> Run:
    """Run one manage.py command in a child process: wall time, and that child's own CPU time and peak
    memory (`wait4` reports that child alone; RUSAGE_CHILDREN would give the largest child so far)."""
    with tempfile.TemporaryFile() as output:
        started = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), *args], env=env, stdout=output, stderr=output
        )
        _pid, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        if check and child.returncode:
            output.seek(0)
            raise subprocess.CalledProcessError(child.returncode, child.args, output.read())
    return Run(seconds=seconds, peak_rss_mib=usage.ru_maxrss / 1024, cpu_seconds=usage.ru_utime + usage.ru_stime)


def table(title: str, header: tuple[str, ...], rows: list[tuple]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    out = [title, line.format(*header), line.format(*["-" * w for w in widths])]
    out += [line.format(*[str(cell) for cell in row]) for row in rows]
    return "\n".join(out)
