"""PERF-7: notification delivery to a local SMTP server vs a bare smtplib loop, same run (bar ≥ 0.5).

The server (aiosmtpd) runs in its own process. The baseline sends N similar messages with smtplib
over one connection from this process. The product path queues N messages through
`message_enqueue` (not timed), then `manage.py worker --burst` delivers them: task claim, message
claim, decrypt, build the MIME message, SMTP, mark sent. Its time is the burst's wall time less
that of an idle burst measured just before (process start-up and Django set-up, not delivery).
"""

import smtplib
import socket
import subprocess
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

from .common import ROOT, SCALE_FULL, manage, site_env, table

ENQUEUE = """
from django.db import transaction
from memberarea.notifications.services import message_enqueue
with transaction.atomic():
    for index in range({count}):
        message_enqueue(channel="email", to=f"bench{{index}}@example.invalid", template="test_message",
                        language="es", context={{}})
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _bare_loop(port: int, count: int) -> float:
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as connection:
        for index in range(count):
            message = EmailMessage()
            message["From"], message["Subject"] = "bench@example.invalid", "x"
            message["To"] = f"b{index}@example.invalid"
            message.set_content("Mensaje de prueba de la zona de socios.\n" * 8)
            connection.send_message(message)
    return time.perf_counter() - started


def main() -> str:
    count = 2000 if SCALE_FULL else 500
    port = _free_port()
    sink = subprocess.Popen(
        [sys.executable, "-m", "bench.smtp_sink", str(port)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        sink.stdout.readline()
        bare = _bare_loop(port, count)
        with tempfile.TemporaryDirectory(prefix="bench-delivery-") as name:
            env = site_env(Path(name), EMAIL_URL=f"smtp://127.0.0.1:{port}")
            manage(env, "migrate", "-v", "0")
            idle = manage(env, "worker", "--burst", "--interval", "0").seconds  # start-up and exit alone
            manage(env, "shell", "-c", ENQUEUE.format(count=count))
            product = manage(env, "worker", "--burst", "--interval", "0").seconds - idle
    finally:
        sink.terminate()
        received = int(sink.communicate(timeout=10)[0].split()[-1])
    ratio = bare / product
    rows = [
        ("bare smtplib loop, one connection", f"{count / bare:,.0f}/s", f"{bare:.2f} s"),
        ("memberarea worker (outbox → SMTP)", f"{count / product:,.0f}/s", f"{product:.2f} s"),
    ]
    verdict = "meets" if ratio >= 0.5 and received == 2 * count else "MISSES"
    return (
        table(f"PERF-7 email delivery, {count} messages, local SMTP server", ("path", "rate", "time"), rows)
        + f"\nratio {ratio:.2f} (bar ≥ 0.5); server received {received} of {2 * count} → {verdict} the bar"
    )


if __name__ == "__main__":
    print(main())
