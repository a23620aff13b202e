"""OPS-1: the embedded configuration runs on one machine with no other service, as `make run` does."""

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest

pytestmark = pytest.mark.req("OPS-1")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _embedded_env(var_dir) -> dict[str, str]:
    # No PUBLIC_BASE_URL either: a bare `manage.py runserver <port>` in demo mode.
    env = {
        key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL", "PUBLIC_BASE_URL"}
    }
    for secret in ("SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY", "AUDIT_KEY", "DEMO_MODE"):
        env.pop(secret, None)
    env.update(DJANGO_SETTINGS_MODULE="memberarea.settings.embedded", MEMBERAREA_VAR_DIR=str(var_dir))
    return env


def _sign_in_link_emailed(origin: str, manage: list[str], env: dict[str, str]) -> str:
    """Carmen's password step and "by email" through the running server; the worker delivers; the link."""
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def post(path: str, fields: dict) -> None:
        page = browser.open(origin + path, timeout=10).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
        browser.open(urllib.request.Request(origin + path, data, headers={"Referer": origin + path}), timeout=10)

    post("/sign-in/", {"username": "60112233P", "password": "Demo2026member"})
    post("/sign-in/code/", {"channel": "email"})
    subprocess.run([*manage, "worker", "--burst"], env=env, check=True, capture_output=True, timeout=120)
    outbox = json.loads(browser.open(origin + "/dev/outbox.json", timeout=10).read())["messages"]
    links = [re.search(r"https?://\S+/sign-in/link/\S+/", m["body_text"]) for m in outbox]
    return next(found.group(0) for found in links if found)


def test_embedded_site_starts_with_sqlite_and_demo_data_alone(tmp_path, repo_root):
    env = _embedded_env(tmp_path)
    manage = [sys.executable, str(repo_root / "manage.py")]
    for command in (["migrate", "-v", "0"], ["demo_load"], ["worker", "--burst"]):
        subprocess.run(manage + command, env=env, check=True, capture_output=True, timeout=120)
    assert (tmp_path / "local-keys.env").stat().st_mode & 0o077 == 0, "generated keys must be private"
    port = _free_port()
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=2) as ready:
                    assert ready.status == 200
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        request = urllib.request.Request(f"http://127.0.0.1:{port}/", headers={"Accept-Language": "es"})
        with urllib.request.urlopen(request, timeout=5) as home:
            body = home.read().decode()
        assert 'lang="es"' in body and "Ejemplia Salud" in body
        link = _sign_in_link_emailed(f"http://127.0.0.1:{port}", manage, env)
        assert link.startswith(f"http://127.0.0.1:{port}/sign-in/link/"), link  # the port served, not 8000
    finally:
        server.terminate()
        server.wait(timeout=10)
    stored = b"".join(path.read_bytes() for path in tmp_path.glob("memberarea.sqlite3*"))
    assert b"DEMOADMIN" not in stored and b"DEMO-ADMIN" not in stored, "usernames are stored encrypted"
