"""REL-9: two gunicorn app servers behind nginx, sharing the private PostgreSQL and Redis.

Nothing of a sign-in lives in one process: the flow is in the database, counters and locks are in
Redis. So the password step on one server and the code step on the other sign in; failures counted
on both add up to one captcha threshold and one lock; a session ended on one is refused by the other.
"""

import pytest

from .site import DEMO_PASSWORD, DEMO_USERNAME, captcha, code_in, http, wait_until
from .summary import Row, record

pytestmark = [pytest.mark.resilience, pytest.mark.req("REL-9")]

PROXIED = {"TRUSTED_PROXY_COUNT": "1"}  # nginx adds the caller's address to X-Forwarded-For
CAPTCHA_AFTER, LOCK_AFTER = 5, 10  # LOGIN_FAILURES_BEFORE_CAPTCHA / _LOCK (defaults)


@pytest.fixture
def servers(site):
    """(first, second, nginx): two app servers of one worker each and nginx round-robin over both."""
    site.worker()
    first, second = site.app_server(workers=1, **PROXIED), site.app_server(workers=1, **PROXIED)
    return first, second, site.nginx([first, second])


def _code_email(smtp, count: int) -> str:
    wait_until(lambda: len(smtp.handler.received) >= count, 30, "the sign-in code never arrived")
    return code_in(smtp.handler.received[count - 1].message.get_body(("plain",)).get_content())


def _sign_in_across_servers(first: str, second: str, proxy: str, smtp) -> None:
    """Password step on the first server, the code sent and verified on the second; signed out on
    the second, the tokens are refused by the first and through nginx."""
    status, _, started = http(first + "/api/v1/login", {"username": DEMO_USERNAME, "password": DEMO_PASSWORD})
    assert status == 201
    login = started["login_id"]
    assert http(f"{second}/api/v1/login/{login}/send", {"channel": "email"})[0] == 200
    status, _, tokens = http(f"{second}/api/v1/login/{login}/verify", {"code": _code_email(smtp, 1)})
    assert status == 201, tokens
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}

    assert http(first + "/api/v1/me", headers=bearer)[0] == 200
    assert http(proxy + "/api/v1/me", headers=bearer)[0] == 200
    assert http(second + "/api/v1/logout", {}, headers=bearer)[0] == 204
    assert http(first + "/api/v1/me", headers=bearer)[0] == 401
    assert http(proxy + "/api/v1/me", headers=bearer)[0] == 401
    refreshed = http(first + "/api/v1/token/refresh", {"refresh_token": tokens["refresh_token"]})
    assert refreshed[0] == 401


def _wrong(proxy: str, **extra) -> tuple[int, str, str]:
    status, headers, body = http(proxy + "/api/v1/login", {"username": DEMO_USERNAME, "password": "wrong", **extra})
    return status, (body or {}).get("error", {}).get("code", ""), headers.get("X-Upstream", "")


def _failures_shared(first: str, second: str, proxy: str, smtp, emails_before: int) -> None:
    """Failures spread by nginx over both servers reach one captcha threshold and one lock."""
    answers = [_wrong(proxy) for _ in range(CAPTCHA_AFTER)]
    assert {code for _, code, _ in answers} == {"invalid_credentials"}
    assert len({upstream for *_, upstream in answers}) == 2, "nginx did not spread the attempts"
    # Each server saw 2 or 3 failures; together they reach the threshold.
    assert _wrong(proxy)[1] == "captcha_required"
    for _ in range(LOCK_AFTER - CAPTCHA_AFTER):
        assert _wrong(proxy, captcha=captcha(first))[1] == "invalid_credentials"
    # Locked for new devices on both: the right password is not even checked.
    right = {"username": DEMO_USERNAME, "password": DEMO_PASSWORD}
    for base in (first, second):
        status, _, body = http(base + "/api/v1/login", {**right, "captcha": captcha(base)})
        assert (status, body["error"]["code"]) == (400, "invalid_credentials"), body
    wait_until(lambda: len(smtp.handler.received) == emails_before + 1, 30, "the owner was not told of the lock")
    assert smtp.handler.received[-1].rcpt_tos == ["carmen.vidal@example.invalid"]  # one lock notice


def test_two_servers_behind_nginx_share_sign_in_sessions_limits_and_locks(servers, smtp):
    """One set of servers for both checks: starting them is most of the drill's time."""
    _sign_in_across_servers(*servers, smtp)
    _failures_shared(*servers, smtp, emails_before=len(smtp.handler.received))
    record(Row("2 servers behind nginx: password on A, code on B; sign-out, limits, lock shared", server_errors=0))
