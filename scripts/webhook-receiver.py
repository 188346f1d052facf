#!/usr/bin/env python3
"""A tiny webhook receiver on 127.0.0.1 for testing `streetwatch push`.

Records every request as one JSON line (method, path, headers, body, the status it answered) in --log,
flushed before the response is sent, so a client that got an answer can read its request back.

    python3 scripts/webhook-receiver.py --port 0 --log /tmp/hooks.jsonl [--fail-first 2] [--reject SW-...]
    -> prints "ready PORT" (flushed) once listening; --port 0 picks a free port.

--fail-first N   answer the first N requests with 503 (counted over all requests)
--reject NUMBER  answer 400 to every request whose Idempotency-Key is NUMBER (repeatable)
--redirect URL   answer every POST with 302 Location: URL

Any other request is answered 200. Exits with status 0 on SIGTERM, SIGINT or after --lifetime seconds.
Stdlib only.
"""
import argparse
import http.server
import json
import signal
import sys
import threading


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="TCP port; 0 picks a free one (default 0)")
    parser.add_argument("--log", required=True, help="file to append one JSON line per request to")
    parser.add_argument("--fail-first", type=int, default=0, help="answer the first N requests with 503")
    parser.add_argument("--reject", action="append", default=[], help="answer 400 for this Idempotency-Key")
    parser.add_argument("--redirect", help="answer every POST with 302 and this Location")
    parser.add_argument("--lifetime", type=float, default=60, help="exit after this many seconds (default 60)")
    args = parser.parse_args()

    lock = threading.Lock()
    state = {"count": 0}
    log = open(args.log, "a", encoding="utf-8")

    class Handler(http.server.BaseHTTPRequestHandler):
        # HTTP/1.1 so that `Expect: 100-continue` (curl sends it for bodies over 1 KB) is answered at once
        # instead of the client waiting a second for it.
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0) if self.command == "POST" else 0
            raw = self.rfile.read(length)
            try:
                body = json.loads(raw.decode("utf-8"))
            except ValueError:
                body = raw.decode("utf-8", "replace")
            key = self.headers.get("Idempotency-Key")
            with lock:
                state["count"] += 1
                if args.redirect and self.command == "POST":
                    status, text = 302, "moved"
                elif state["count"] <= args.fail_first:
                    status, text = 503, "try again later"
                elif key in args.reject:
                    status, text = 400, f"invalid case {key}"
                else:
                    status, text = 200, "ok"
                record = {"method": self.command, "path": self.path, "headers": dict(self.headers.items()),
                          "body": body, "status": status}
                log.write(json.dumps(record, ensure_ascii=False) + "\n")
                log.flush()
            payload = text.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            if status == 302:
                self.send_header("Location", args.redirect)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        # A redirected POST may come back as a GET (302); record it and answer 200, as a careless receiver would.
        do_GET = do_POST

        def log_message(self, format, *arguments):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(f"ready {server.server_address[1]}", flush=True)

    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    stopped.wait(args.lifetime)
    server.shutdown()
    server.server_close()
    log.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
