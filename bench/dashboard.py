"""PERF-3: the signed-in dashboard vs a minimal Django view, same server configuration, same run.

Bar ≥ 0.5. The demo site (its Carmen has two memberships, documents and consents) runs under
gunicorn as in PERF-1, with `manage.py worker` delivering email to a local SMTP server here. The
client signs in through the web pages as a browser does — password form, "by email", the code read
from the email, code form — and keeps the session cookie; the product is then GET of her dashboard
(`/members/<id>/`: session, access check, the page's queries and template), the baseline GET
`/bench/minimal/` (bench/urls.py: the same middleware, no database, no template), each in
2× cores client threads over keep-alive connections. Beside each rate, the server's CPU per request
(its processes' user + system time over the timed requests): the steadier figure on a shared machine.
"""

import http.client
import re
import tempfile
import threading
from pathlib import Path

import requests

from .common import PASSWORD, SCALE_FULL, USERNAME, manage, site_env, table
from .server import CORES, CodeSink, children_cpu_seconds, gunicorn, in_threads, services, where

CONCURRENCY = 2 * CORES
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def _signed_in(base: str, sink: CodeSink) -> tuple[str, str]:
    """Sign in through the web pages; (the dashboard's path, the Cookie header of the session)."""
    browser = requests.Session()

    def form_post(path: str, fields: dict[str, str]) -> requests.Response:
        """As a browser: the page, then its form with its hidden fields (the CSRF token among them)."""
        page = browser.get(base + path, timeout=30)
        answer = browser.post(base + path, {**dict(HIDDEN.findall(page.text)), **fields}, timeout=30)
        answer.raise_for_status()
        return answer

    form_post("/sign-in/", {"username": USERNAME, "password": PASSWORD})
    form_post("/sign-in/code/", {"channel": "email"})
    landed = form_post("/sign-in/code/", {"code": sink.code_for()})
    if "/privacy/notice/acknowledge/" in landed.url:  # a new notice version: "I have read it" first
        landed = form_post(landed.url.removeprefix(base), {})
    path = landed.url.removeprefix(base)
    if not path.startswith("/members/") or path == "/members/":
        raise RuntimeError(f"the sign-in landed on {path}")
    return path, "; ".join(f"{name}={value}" for name, value in browser.cookies.items())


def _rate(port: int, path: str, count: int, cookie: str = "") -> tuple[float, float]:
    """(requests per second, the server's CPU milliseconds per request)."""
    local = threading.local()
    headers = {"Host": "127.0.0.1", **({"Cookie": cookie} if cookie else {})}

    def get(_: int) -> None:
        if not hasattr(local, "connection"):
            local.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        local.connection.request("GET", path, headers=headers)
        response = local.connection.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"GET {path} answered {response.status}")

    in_threads(CONCURRENCY * 4, get, concurrency=CONCURRENCY)  # warm-up: every server thread
    cpu_before = children_cpu_seconds()
    seconds = in_threads(count, get, concurrency=CONCURRENCY)
    return count / seconds, (children_cpu_seconds() - cpu_before) / count * 1000


def measure(count: int) -> tuple[tuple[float, float], tuple[float, float], tuple[float, float]]:
    """(minimal view, minimal view signed in, dashboard), each (requests per second, server CPU ms per request)."""
    with tempfile.TemporaryDirectory(prefix="bench-dashboard-") as name, services() as databases, CodeSink() as sink:
        env = site_env(Path(name), DEMO_MODE="1", EMAIL_URL=sink.url, **databases)
        manage(env, "migrate", "-v", "0")
        manage(env, "demo_load")
        with gunicorn({**env, "DJANGO_SETTINGS_MODULE": "bench.site_settings"}, worker_interval=1.0) as port:
            dashboard, cookie = _signed_in(f"http://127.0.0.1:{port}", sink)
            minimal = _rate(port, "/bench/minimal/", count)
            signed_in = _rate(port, "/bench/minimal/", count, cookie)
            return minimal, signed_in, _rate(port, dashboard, count, cookie)


def main() -> str:
    count = 2000 if SCALE_FULL else 600
    (minimal, minimal_cpu), (signed_in, signed_in_cpu), (dashboard, dashboard_cpu) = measure(count)
    ratio = dashboard / minimal
    rows = [
        (path, f"{rate:.1f}/s", f"{1000 / rate * CONCURRENCY:.1f} ms", f"{cpu:.2f} ms")
        for path, rate, cpu in (
            ("minimal Django view (/bench/minimal/)", minimal, minimal_cpu),
            ("the same, signed in (session, account, registry)", signed_in, signed_in_cpu),
            ("signed-in dashboard (/members/<id>/)", dashboard, dashboard_cpu),
        )
    ]
    verdict = "meets" if ratio >= 0.5 else "MISSES"
    return (
        table(
            f"PERF-3 signed-in dashboard vs a minimal view, gunicorn {CORES}×2, concurrency {CONCURRENCY} ({where()})",
            ("path", "rate", "latency", "server CPU per request"),
            rows,
        )
        + f"\nratio {ratio:.2f} (bar ≥ 0.5) → {verdict} the bar; CPU ratio {minimal_cpu / dashboard_cpu:.2f}"
    )


if __name__ == "__main__":
    print(main())
