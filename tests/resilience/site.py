"""One deployment for the drills: the demo data on a private PostgreSQL and Redis, run by real processes.

gunicorn app servers, `manage.py worker` processes and nginx are started as subprocesses on free
ports; the channels point at servers in the test process (aiosmtpd, an HTTP SMS gateway), which
count what they receive by the message's reference. Timings are shortened (sweep, back-off, leases)
so that a drill takes seconds; the behaviour is the production code's.
"""

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import psycopg

from tests.captcha_solving import captcha_encode, captcha_solve

from .services import free_port, wait_for_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SMS_TOKEN = "resilience-gateway-token"
DEMO_USERNAME, DEMO_PASSWORD = "60112233P", "Demo2026member"  # the demo's Carmen (demo mode only)
NGINX = "/usr/sbin/nginx"


class SmsGateway:
    """A local HTTP SMS gateway that can be stopped and started again on the same port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.references: list[str] = []
        self.delay = 0.0  # seconds before each answer: a batch takes long enough to be interrupted
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1/messages"

    def start(self) -> None:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
                time.sleep(gateway.delay)
                with gateway._lock:
                    gateway.references.append(body["reference"])
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format, *args) -> None:
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def received(self) -> list[str]:
        with self._lock:
            return list(self.references)


class Site:
    """The demo deployment on `database_url` and `redis_url`, with its own keys in `folder`."""

    def __init__(self, folder: Path, database_url: str, redis_url: str, smtp_url: str, sms_url: str, **extra: str):
        self.folder = folder
        self.env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEMO_MODE"}}
        for name in ("FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY", "AUDIT_KEY", "PUBLIC_BASE_URL"):
            self.env.pop(name, None)
        self.env.update(
            DJANGO_SETTINGS_MODULE="memberarea.settings.embedded",
            MEMBERAREA_VAR_DIR=str(folder),
            PYTHONPATH=str(ROOT / "src"),
            DATABASE_URL=database_url,
            REDIS_URL=redis_url,
            EMAIL_URL=smtp_url,
            SMS_URL=sms_url,
            SMS_TOKEN=SMS_TOKEN,
            LOG_LEVEL="ERROR",
            DATABASE_CONNECT_TIMEOUT="2",
            # Seconds instead of minutes, so a drill sees retries, sweeps and leases run out.
            NOTIFICATION_SWEEP_SECONDS="1",
            NOTIFICATION_BACKOFF_BASE_SECONDS="1",
            NOTIFICATION_BACKOFF_MAX_SECONDS="2",
            NOTIFICATION_MAX_ATTEMPTS="60",
            NOTIFICATION_LEASE_SECONDS="3",
            NOTIFICATION_REDISPATCH_SECONDS="3",
            NOTIFICATION_SMTP_REUSE_SECONDS="0",
            WORKER_SWEEP_SECONDS="1",
            TASK_LEASE_SECONDS="2",
            TASK_RETRY_BASE_SECONDS="1",
            CAPTCHA_MAX_NUMBER="50",  # the drills solve many captchas; the check is the same
            **extra,
        )
        self._database_url = database_url
        self.processes: list[subprocess.Popen] = []

    # --- set-up and queries -------------------------------------------------------------------
    def manage(self, *args: str) -> str:
        run = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args], check=False, env=self.env, capture_output=True, text=True
        )
        if run.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{run.stderr[-3000:]}")
        return run.stdout

    def prepare(self) -> None:
        self.manage("migrate", "-v", "0")
        self.manage("demo_load")
        self.manage("worker", "--burst")  # the demo's welcome emails go to the outbox before the drills

    def sql(self, query: str, *params) -> list[tuple]:
        with psycopg.connect(self._database_url, autocommit=True, connect_timeout=5) as connection:
            return connection.execute(query, params).fetchall()

    def enqueue(self, channel: str, count: int) -> list[str]:
        """Queue `count` test messages in one transaction; their references."""
        to = "member{n}@example.test" if channel == "email" else "+3460000{n:04d}"
        code = (
            "import json\nfrom django.db import transaction\n"
            "from memberarea.notifications.services import message_enqueue\n"
            "with transaction.atomic():\n"
            f"    refs = [message_enqueue(channel={channel!r}, to={to!r}.format(n=n), template='test_message',"
            f" language='es', context={{}}).reference for n in range({count})]\n"
            "print(json.dumps(refs))\n"
        )
        return json.loads(self.manage("shell", "-c", code).strip().splitlines()[-1])

    def message_states(self, references: list[str]) -> dict[str, str]:
        rows = self.sql("SELECT reference, state FROM notifications_message WHERE reference = ANY(%s)", references)
        return dict(rows)

    # --- processes ----------------------------------------------------------------------------
    def _spawn(self, command: list[str], **extra: str) -> subprocess.Popen:
        process = subprocess.Popen(
            command, env={**self.env, **extra}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self.processes.append(process)
        return process

    def worker(self, **extra: str) -> subprocess.Popen:
        return self._spawn([sys.executable, str(ROOT / "manage.py"), "worker", "--interval", "0.2"], **extra)

    def app_server(self, workers: int = 2, **extra: str) -> str:
        """A gunicorn on a free port; its base URL once it answers /health."""
        port = free_port()
        self._spawn(
            [str(BIN / "gunicorn"), "memberarea.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{port}",
             "--timeout", "30", "--graceful-timeout", "2", "--chdir", str(ROOT / "src")],
            **extra,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        wait_until(lambda: http(base + "/health")[0] == 200, 60, "gunicorn did not start")
        return base

    def nginx(self, upstreams: list[str]) -> str:
        """nginx round-robin in front of `upstreams` (base URLs); its base URL."""
        port = free_port()
        folder = self.folder / "nginx"
        folder.mkdir(exist_ok=True)
        servers = "\n".join(f"    server {base.removeprefix('http://')};" for base in upstreams)
        (folder / "nginx.conf").write_text(
            f"daemon off;\nworker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\n"
            "events { worker_connections 256; }\n"
            f"http {{\n  access_log off;\n  client_body_temp_path {folder};\n  proxy_temp_path {folder};\n"
            f"  upstream app {{\n{servers}\n  }}\n"
            f"  server {{\n    listen 127.0.0.1:{port};\n    location / {{\n      proxy_pass http://app;\n"
            "      proxy_set_header Host $host:$server_port;\n"
            "      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n"
            "      add_header X-Upstream $upstream_addr always;\n"
            "    }\n  }\n}\n"
        )
        self._spawn([NGINX, "-c", str(folder / "nginx.conf"), "-p", str(folder)])
        wait_for_port(port)
        return f"http://127.0.0.1:{port}"

    def stop_all(self) -> None:
        for process in self.processes:  # all at once: each may take seconds to stop gracefully
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            stop(process)
        self.processes.clear()


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def kill(process: subprocess.Popen) -> None:
    """SIGKILL: no clean-up, no heartbeat row removed, whatever it held stays held."""
    process.send_signal(signal.SIGKILL)
    process.wait(10)


def wait_until(condition, seconds: float, failure: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError(failure)


def http(url: str, body: dict | None = None, *, method: str | None = None, headers: dict | None = None):
    """(status, headers, parsed JSON body or None)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        url,
        data=data,
        method=method or ("POST" if body is not None else "GET"),
        headers={"Content-Type": "application/json", "Accept-Language": "en", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, answer, raw = response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        status, answer, raw = error.code, dict(error.headers), error.read()
    try:
        parsed = json.loads(raw) if raw else None
    except ValueError:
        parsed = None
    return status, answer, parsed


def captcha(base: str) -> str:
    """A solved captcha from the server's own challenge, as the app sends it."""
    challenge = http(base + "/api/v1/captcha")[2]
    return captcha_encode({**{k: challenge[k] for k in ("algorithm", "challenge", "salt", "signature")},
                           "number": captcha_solve(challenge)})  # fmt: skip


CODE_LINE = re.compile(r"^\s*(\d{4,10})\s*$", re.MULTILINE)


def code_in(text: str) -> str:
    match = CODE_LINE.search(text)
    assert match, "no code in the email"
    return match.group(1)
