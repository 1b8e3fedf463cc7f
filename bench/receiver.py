"""A webhook receiver on loopback for the benchmarks that deliver (bench/watch.py,
bench/protection.py): it checks the HMAC signature of every request as a partner's
receiver would, and counts the good, the bad and the delivery ids."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def receiver(secret: str, port: int = 0) -> tuple[ThreadingHTTPServer, dict[str, Any]]:
    """A server on 127.0.0.1:`port` (0: a free one), serving in a thread, and what it
    has seen: {"ok": n, "bad": n, "ids": {delivery ids}}."""
    seen: dict[str, Any] = {"ok": 0, "bad": 0, "ids": set()}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def do_POST(self) -> None:
            # Imported here: the benchmarks set Django up after starting the receiver.
            from habeas.alerts.channels.webhook import verify

            body = self.rfile.read(int(self.headers["Content-Length"]))
            ok = verify(
                secret=secret,
                timestamp=self.headers["X-Habeas-Timestamp"],
                body=body,
                signature=self.headers["X-Habeas-Signature"],
            )
            with lock:
                seen["ok" if ok else "bad"] += 1
                seen["ids"].add(self.headers["X-Habeas-Delivery"])
            self.send_response(204 if ok else 401)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, seen
