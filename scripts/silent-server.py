#!/usr/bin/env python3
"""A TCP server on 127.0.0.1 that accepts connections and never sends a byte.

It stands in for a camera that accepts the connection and then hangs, to test open/read timeouts.
Accepted sockets stay open (and whatever the client sends is read and ignored) until the server exits.

    python3 scripts/silent-server.py --port 0 --lifetime 60
    -> prints "ready PORT" (flushed) once listening; --port 0 picks a free port.

Exits with status 0 on SIGTERM, SIGINT or after --lifetime seconds. Stdlib only.
"""
import argparse
import selectors
import signal
import socket
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="TCP port; 0 picks a free one (default 0)")
    parser.add_argument("--lifetime", type=float, default=None, help="exit after this many seconds")
    args = parser.parse_args()

    stopping = False

    def stop(_signum, _frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", args.port))
    listener.listen(64)
    listener.setblocking(False)
    print(f"ready {listener.getsockname()[1]}", flush=True)

    sel = selectors.DefaultSelector()
    sel.register(listener, selectors.EVENT_READ)
    deadline = None if args.lifetime is None else time.monotonic() + args.lifetime
    # Signal handlers only set a flag, so wake up now and then to look at it.
    while not stopping and (deadline is None or time.monotonic() < deadline):
        for key, _ in sel.select(0.2):
            if key.fileobj is listener:
                try:
                    conn, _ = listener.accept()
                except BlockingIOError:
                    continue
                conn.setblocking(False)
                sel.register(conn, selectors.EVENT_READ)
            else:
                conn = key.fileobj
                try:
                    data = conn.recv(65536)
                except BlockingIOError:
                    continue
                except ConnectionError:
                    data = b""
                if not data:  # the peer closed its end
                    sel.unregister(conn)
                    conn.close()

    for key in list(sel.get_map().values()):
        key.fileobj.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
