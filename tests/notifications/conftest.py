"""Real servers on loopback for the notification tests: an SMTP server (aiosmtpd) and an HTTP SMS gateway."""

import asyncio
import email
import email.policy
import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

from memberarea.settings.env import parse_email_url, parse_sms_url

SMS_TOKEN = "gateway-test-token"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: email.message.EmailMessage

    @property
    def reference(self) -> str:
        return self.message["Message-ID"].strip("<>").split("@")[0]


class RecordingHandler:
    """Accepts every message and keeps it; optionally stalls the `stall_at`-th DATA (1 = the first)
    until released, or answers every DATA only after `data_delay` seconds (a slow server)."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.lock = threading.Lock()
        self.stall_at = 0
        self.stalled = threading.Event()
        self.release = threading.Event()
        self._data_count = 0
        self.data_delay = 0.0
        self.in_data = threading.Event()

    async def handle_DATA(self, server, session, envelope) -> str:
        self.in_data.set()
        await asyncio.sleep(self.data_delay)
        self._data_count += 1
        if self._data_count == self.stall_at:
            self.stalled.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            # The client never saw a 250, so a real server would not deliver this copy either.
            return "451 4.3.0 Aborted"
        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 2.0.0 OK"

    def references(self) -> list[str]:
        with self.lock:
            return [item.reference for item in self.received]


class SmtpServer:
    def __init__(self, port: int) -> None:
        self.port = port
        self.handler = RecordingHandler()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}?timeout=5"


@pytest.fixture
def smtp_server(settings):
    """A running SMTP server; `.stop()` / `.start()` take it down and bring it back on the same port."""
    server = SmtpServer(free_port())
    server.start()
    settings.EMAIL_CHANNEL = parse_email_url(server.url)
    try:
        yield server
    finally:
        server.handler.release.set()
        server.stop()


@dataclass
class SmsGateway:
    url: str
    requests: list[dict] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)  # answers to give, in order; then 202

    def next_status(self) -> int:
        return self.statuses.pop(0) if self.statuses else 202


@pytest.fixture
def sms_gateway(settings):
    gateway = SmsGateway(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            gateway.requests.append({"path": self.path, "headers": dict(self.headers), "json": json.loads(body)})
            status = gateway.next_status()
            answer = json.dumps({"accepted": 200 <= status < 300}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    gateway.url = f"http://127.0.0.1:{server.server_address[1]}/v1/messages"
    settings.SMS_CHANNEL = parse_sms_url(gateway.url, SMS_TOKEN)
    try:
        yield gateway
    finally:
        server.shutdown()
        server.server_close()
