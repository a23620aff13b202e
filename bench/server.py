"""Serving a bench site as in production: gunicorn with the repository's gunicorn.conf.py (one worker
process per core, two threads each, decision 0044), optionally on PostgreSQL + Redis, and the
background worker beside it; plus the client side: threads over keep-alive connections, a local SMTP
sink that reads the codes members receive, and baseline and product measured in alternating slices."""

import contextlib
import email
import email.policy
import http.client
import os
import re
import resource
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

from aiosmtpd.controller import Controller

from .common import ROOT

CORES = os.cpu_count() or 2


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def children_cpu_seconds() -> float:
    """User + system CPU of every live process below this one (gunicorn's master and workers, the
    background worker): read from /proc, so a server's CPU per request can be reported beside its
    rate, steadier than the rate on a shared machine (PERF-3)."""
    parents, cpu = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended while listed
            continue
        parents[int(entry)] = int(fields[1])
        cpu[int(entry)] = int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
    below, frontier = set(), {os.getpid()}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - below
        below |= frontier
    return sum(cpu[pid] for pid in below) / os.sysconf("SC_CLK_TCK")


def in_threads(count: int, work: Callable[[int], object], *, concurrency: int) -> float:
    """Run `work(index)` `count` times over `concurrency` threads; the wall time."""
    next_index = iter(range(count))
    lock = threading.Lock()

    def loop() -> None:
        while True:
            with lock:
                index = next(next_index, None)
            if index is None:
                return
            work(index)

    threads = [threading.Thread(target=loop) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


ROUNDS = 4


class Comparison(NamedTuple):
    """Rates per second of a baseline and a product, and the CPU milliseconds each call cost: the
    baseline's in this process; the product's in the site's processes (gunicorn, the worker) and in
    this process (its clients, the SMTP sink). The database and Redis servers are not counted."""

    baseline_rate: float
    product_rate: float
    baseline_cpu_ms: float
    product_site_cpu_ms: float
    product_bench_cpu_ms: float


def _own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def alternating(
    count: int, baseline: Callable[[int], object], product: Callable[[int], object], *, concurrency: tuple[int, int]
) -> Comparison:
    """`baseline` and `product`, `count` calls each, measured in ROUNDS alternating slices: on a shared
    machine the other sessions' load falls on both alike, not on whichever ran in a quieter minute."""
    seconds, own, site = [0.0, 0.0], [0.0, 0.0], 0.0
    for _ in range(ROUNDS):
        for side, work in enumerate((baseline, product)):
            own_before, site_before = _own_cpu_seconds(), children_cpu_seconds()
            seconds[side] += in_threads(count // ROUNDS, work, concurrency=concurrency[side])
            own[side] += _own_cpu_seconds() - own_before
            if side:
                site += children_cpu_seconds() - site_before
    done = count // ROUNDS * ROUNDS
    return Comparison(
        done / seconds[0], done / seconds[1], own[0] / done * 1000, site / done * 1000, own[1] / done * 1000
    )


def comparison_rows(comparison: Comparison, baseline: str, product: str) -> list[tuple[str, str, str]]:
    """(what, rate, CPU per call) for a `table`: the baseline's CPU is the hash alone; the product's is
    the site's processes + this process's clients and sink."""
    site, bench = comparison.product_site_cpu_ms, comparison.product_bench_cpu_ms
    return [
        (baseline, f"{comparison.baseline_rate:.1f}/s", f"{comparison.baseline_cpu_ms:.1f} ms"),
        (product, f"{comparison.product_rate:.1f}/s", f"{site + bench:.1f} ms (site {site:.1f} + bench {bench:.1f})"),
    ]


@contextlib.contextmanager
def services() -> Iterator[dict[str, str]]:
    """PostgreSQL and Redis for the site when BENCH_SERVICES=1 (a fresh database, dropped afterwards)."""
    if os.environ.get("BENCH_SERVICES") != "1":
        yield {}
        return
    database = f"bench_{os.getpid()}_{time.monotonic_ns()}"
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", database], check=True)
    try:
        yield {
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            "RATE_LIMIT_KEY_PREFIX": f"{database}:",
        }
    finally:
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", database], check=False)


def where() -> str:
    return "PostgreSQL + Redis" if os.environ.get("BENCH_SERVICES") == "1" else "SQLite"


@contextlib.contextmanager
def gunicorn(env: dict[str, str], *, worker_interval: float | None = None) -> Iterator[int]:
    """The site under gunicorn on a free port, and `manage.py worker` polling every `worker_interval`
    seconds when given; yields the port."""
    port = free_port()
    child_env = {**env, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}"}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    command = [str(Path(sys.executable).parent / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "memberarea.wsgi"]
    command += ["-b", f"127.0.0.1:{port}", "--chdir", str(ROOT / "src")]
    processes = [subprocess.Popen(command, env=child_env, **quiet)]
    if worker_interval is not None:
        worker = [sys.executable, str(ROOT / "manage.py"), "worker", "--interval", str(worker_interval)]
        processes.append(subprocess.Popen(worker, env=child_env, **quiet))
    try:
        _wait_for(port)
        yield port
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


def _wait_for(port: int) -> None:
    for _ in range(300):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/health")
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


# `\r?`: a 7bit or 8bit body keeps the wire's CRLF line ends once decoded (the product's base64 parts do
# not), and `$` matches only before `\n`.
CODE_LINE = re.compile(r"^(\d{6})\r?$", re.MULTILINE)


def message_text(envelope) -> str:
    """The plain-text part of a received message, decoded ("" when it has none)."""
    message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    text = message.get_body(preferencelist=("plain",))
    return text.get_content() if text is not None else ""


class CodeSink:
    """A local SMTP server that keeps the sign-in codes it receives, by recipient: the benchmark
    reads the code a member would read, as a member would (no test backdoor)."""

    def __init__(self) -> None:
        self.port = free_port()
        self._codes: dict[str, list[str]] = defaultdict(list)
        self._arrived = threading.Condition()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope) -> str:
        found = CODE_LINE.search(message_text(envelope))
        if found:
            with self._arrived:
                for recipient in envelope.rcpt_tos:
                    self._codes[recipient].append(found.group(1))
                self._arrived.notify_all()
        return "250 OK"

    def code_for(self, recipient: str = "", *, timeout: float = 30) -> str:
        """The next code sent to `recipient` (to anyone when not given); each is read once."""
        return self._take(self._codes, recipient, timeout=timeout, what="code")

    def _take(self, kept: dict[str, list[str]], recipient: str, *, timeout: float, what: str) -> str:
        """The oldest item of `kept` for `recipient` (anyone's when empty), waiting for it to arrive."""

        def waiting() -> list[str] | None:
            return kept[recipient] if recipient else next((c for c in kept.values() if c), None)

        with self._arrived:
            items = self._arrived.wait_for(waiting, timeout=timeout)
            if not items:
                raise RuntimeError(f"no {what} reached {recipient or 'anyone'}")
            return items.pop(0)

    def __enter__(self) -> "CodeSink":
        self._controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self._controller.stop()

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"
