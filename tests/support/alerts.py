"""Real receivers on loopback for the alerts tests: an SMTP server (aiosmtpd) and
an HTTP endpoint that checks webhook signatures and de-duplicates deliveries."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller
from django.utils import timezone

from habeas.alerts import outbox
from habeas.alerts.channels import webhook

SECRET = "a webhook secret of decent length"


def raise_alert(case, occurrence="t1"):
    """An alert on `case` from the "quiet" rule, due now."""
    now = timezone.now()
    return outbox.alert_raise(
        case=case,
        rule="quiet",
        subject="",
        occurrence=occurrence,
        due_at=now,
        title=f"{case.reference}: no new information for 3 days",
        now=now,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mailbox:
    """Collects every message the SMTP server accepts."""

    def __init__(self, refuse: str = "") -> None:
        self.messages: list = []
        self.refuse = refuse

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse and address == self.refuse:
            return "550 no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes

        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 Message accepted"


class SMTPServer:
    def __init__(self, refuse: str = "") -> None:
        self.port = free_port()
        self.mailbox = Mailbox(refuse)
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SMTPServer:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()


class Receiver:
    """A webhook endpoint. mode: "ok", "500", "hang" (answers nothing for
    `hang_seconds`) or "slow" (answers "ok" after `hang_seconds`). It records only
    signed, fresh requests, and keeps each delivery id once, as a real gateway would.
    "dribble" answers one byte every `dribble_every` seconds, for `hang_seconds` in all
    (every read is quick: only a deadline on the whole send notices)."""

    def __init__(
        self, mode: str = "ok", hang_seconds: float = 5, dribble_every: float = 0.1
    ) -> None:
        self.mode = mode
        self.hang_seconds = hang_seconds
        self.dribble_every = dribble_every
        self.requests: list[dict] = []  # every request that reached the handler, verified
        self.delivered: dict[str, dict] = {}  # de-duplicated by delivery id
        self.bad_signatures = 0
        self.arrived = 0  # requests that reached the handler, before anything else
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.lock:
                    receiver.arrived += 1
                if receiver.mode == "dribble":
                    self._dribble()
                    return
                if receiver.mode in ("hang", "slow"):
                    time.sleep(receiver.hang_seconds)
                if receiver.mode == "hang":
                    return
                ok = webhook.verify(
                    secret=SECRET,
                    timestamp=self.headers.get("X-Habeas-Timestamp", ""),
                    body=body,
                    signature=self.headers.get("X-Habeas-Signature", ""),
                )
                if not ok:
                    receiver.bad_signatures += 1
                    self.send_response(401)
                    self.end_headers()
                    return
                payload = json.loads(body)
                assert payload["delivery_id"] == self.headers["X-Habeas-Delivery"]
                with receiver.lock:
                    receiver.requests.append(payload)
                if receiver.mode == "500":
                    self.send_response(500)
                    self.end_headers()
                    return
                with receiver.lock:
                    receiver.delivered.setdefault(payload["delivery_id"], payload)
                self.send_response(204)
                self.end_headers()

            def _dribble(self):
                count = int(receiver.hang_seconds / receiver.dribble_every)
                answer = b"HTTP/1.1 204 No Content\r\nX-Pad: " + b"a" * count + b"\r\n\r\n"
                ends = time.monotonic() + receiver.hang_seconds
                for byte in answer[:count]:
                    if time.monotonic() > ends:
                        break
                    try:
                        self.wfile.write(bytes([byte]))
                    except OSError:  # the sender gave up
                        break
                    time.sleep(receiver.dribble_every)
                self.close_connection = True

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def __enter__(self) -> Receiver:
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
