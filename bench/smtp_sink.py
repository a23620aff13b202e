"""A local SMTP server for the delivery benchmark: accepts everything, counts, prints the count on exit."""

import signal
import sys
import threading

from aiosmtpd.controller import Controller


class Counter:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"


def main(port: int) -> None:
    counter = Counter()
    controller = Controller(counter, hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stop.wait()
    controller.stop()
    print(counter.count, flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]))
