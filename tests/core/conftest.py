"""Helpers for the kernel tests: raw column reads, threads started together, a port nobody listens on."""

import contextlib
import socket
import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

from memberarea.core.errors import MemberAreaError


def raw_column(model, column: str) -> dict[str, str | None]:
    """{str(pk): stored value} for every row, read with a cursor, bypassing the model's fields."""
    table = connection.ops.quote_name(model._meta.db_table)
    pk_column = connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {pk_column}, {connection.ops.quote_name(column)} FROM {table}")
        rows = cursor.fetchall()
    return {str(model._meta.pk.to_python(pk)): value for pk, value in rows}


def run_together(count: int, work: Callable[[int], object], timeout: float = 60) -> list[object]:
    """Run work(i) in `count` threads released at once by a barrier; each closes its DB connection.

    Returns the results in thread order; re-raises the first exception a thread met.
    """
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count
    failures: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=timeout)
            results[index] = work(index)
        except BaseException as exc:
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), "a thread did not finish in time"
    if failures:
        raise failures[0]
    return results


def outcome_of(call: Callable[[], object]) -> str:
    """ "ok" when `call` succeeds, else the stable code of the MemberAreaError it raised (for races)."""
    try:
        call()
    except MemberAreaError as error:
        return error.code
    return "ok"


@pytest.fixture
def closed_port() -> int:
    """A local TCP port with nothing listening on it (connections are refused at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class TcpGate:
    """A local TCP forwarder in front of a real service, closed and reopened on the same port.

    Closing it drops every open connection and refuses new ones, as a stopped service does; the
    code under test keeps its configuration and must find the service again by itself.
    """

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._open = threading.Event()
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._listener_thread: threading.Thread | None = None

    def open(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen()
        listener.settimeout(0.1)
        self._open.set()
        self._listener_thread = threading.Thread(target=self._accept, args=(listener,), daemon=True)
        self._listener_thread.start()

    def close(self) -> None:
        self._open.clear()
        if self._listener_thread is not None:
            self._listener_thread.join(timeout=5)
        with self._lock:
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        with listener:
            while self._open.is_set():
                try:
                    client, _ = listener.accept()
                except TimeoutError:
                    continue
                client.settimeout(None)
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
                with self._lock:
                    self._sockets += [client, upstream]
                for source, sink in ((client, upstream), (upstream, client)):
                    threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
