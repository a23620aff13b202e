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
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

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


def alternating(
    count: int, baseline: Callable[[int], object], product: Callable[[int], object], *, concurrency: tuple[int, int]
) -> tuple[float, float]:
    """Rates per second of `baseline` and `product`, `count` calls each, measured in ROUNDS alternating
    slices: on a shared machine the other sessions' load falls on both alike, not on whichever ran in a
    quieter minute."""
    seconds = [0.0, 0.0]
    for _ in range(ROUNDS):
        seconds[0] += in_threads(count // ROUNDS, baseline, concurrency=concurrency[0])
        seconds[1] += in_threads(count // ROUNDS, product, concurrency=concurrency[1])
    done = count // ROUNDS * ROUNDS
    return done / seconds[0], done / seconds[1]


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
