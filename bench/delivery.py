"""PERF-7: notification delivery to a local SMTP server vs a bare smtplib loop, same run (bar ≥ 0.5).

The server (aiosmtpd) runs in its own process. The baseline sends N similar messages with smtplib
over one connection from this process, before and after the product (the faster of the two counts:
the machine is shared). The product path runs in one Django process: an idle worker burst (start-up
and imports, not timed), then N messages queued through `message_enqueue` in one transaction (not
timed), then the timed `worker --burst` that delivers them: task claim, message claims, decrypt,
build the MIME messages, SMTP, record them sent.
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

DELIVER = """
import io, time
from django.core.management import call_command
from django.db import transaction
from memberarea.notifications.services import message_enqueue
call_command("worker", "--burst", "--interval", "0", stdout=io.StringIO())
with transaction.atomic():
    for index in range({count}):
        message_enqueue(channel="email", to=f"bench{{index}}@example.invalid", template="test_message",
                        language="es", context={{}})
started = time.perf_counter()
call_command("worker", "--burst", "--interval", "0", stdout=io.StringIO())
print(time.perf_counter() - started)
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
    count = 5000 if SCALE_FULL else 1000
    port = _free_port()
    sink = subprocess.Popen(
        [sys.executable, "-m", "bench.smtp_sink", str(port)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        sink.stdout.readline()
        bare_before = _bare_loop(port, count)
        with tempfile.TemporaryDirectory(prefix="bench-delivery-") as name:
            env = site_env(Path(name), EMAIL_URL=f"smtp://127.0.0.1:{port}")
            manage(env, "migrate", "-v", "0")
            shell = [sys.executable, str(ROOT / "manage.py"), "shell", "-c", DELIVER.format(count=count)]
            product = float(
                subprocess.run(shell, env=env, check=True, capture_output=True, text=True).stdout.split()[-1]
            )
        bare = min(bare_before, _bare_loop(port, count))
    finally:
        sink.terminate()
        received = int(sink.communicate(timeout=10)[0].split()[-1])
    ratio = bare / product
    rows = [
        ("bare smtplib loop, one connection", f"{count / bare:,.0f}/s", f"{bare:.2f} s"),
        ("memberarea worker (outbox → SMTP)", f"{count / product:,.0f}/s", f"{product:.2f} s"),
    ]
    verdict = "meets" if ratio >= 0.5 and received == 3 * count else "MISSES"
    return (
        table(f"PERF-7 email delivery, {count} messages, local SMTP server", ("path", "rate", "time"), rows)
        + f"\nratio {ratio:.2f} (bar ≥ 0.5); server received {received} of {3 * count} → {verdict} the bar"
    )


if __name__ == "__main__":
    print(main())
