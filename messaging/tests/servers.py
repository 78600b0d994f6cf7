"""Real servers for the messages' tests: an SMTP server (aiosmtpd) and an HTTP server that
answers as Brevo's transactional SMS API documents it (developers.brevo.com: `POST
/v3/transactionalSMS/sms`, header `api-key`, JSON `sender`, `recipient`, `content`, `type`;
`201 {"messageId": …, "reference": …}`; errors `{"code": …, "message": …}`)."""

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller

API_KEY = "xkeysib-test-key"
PATH = "/v3/transactionalSMS/sms"


class BrevoServer:
    """Answers each request with the next scripted reply: "ok", "hang" (never in time), or
    (status, body). Keeps the requests it received."""

    def __init__(self):
        self.requests: list[dict] = []
        self.replies: list = []
        self._next_id = 1511882900176220
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                server.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": raw}
                )
                status, body = server.answer(self.path, self.headers, raw)
                if status is None:
                    return
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}{PATH}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def answer(self, path, headers, raw):
        if path != PATH:
            return 404, {"code": "not_found", "message": "Invalid path"}
        if headers.get("api-key") != API_KEY:
            return 401, {"code": "unauthorized", "message": "Key not found"}
        try:
            payload = json.loads(raw)
        except ValueError:
            return 400, {"code": "bad_request", "message": "Invalid JSON"}
        for field in ("sender", "recipient", "content"):
            if not payload.get(field):
                return 400, {"code": "missing_parameter", "message": f"{field} is missing"}
        reply = self.replies.pop(0) if self.replies else "ok"
        if reply == "hang":
            time.sleep(2)
            return 201, {"messageId": 0}
        if reply != "ok":
            return reply
        self._next_id += 1
        return 201, {
            "reference": "ab1cde2fgh3i4jklmno",
            "messageId": self._next_id,
            "smsCount": 1,
            "usedCredits": 0.7,
            "remainingCredits": 82.85,
        }

    def sent(self) -> list[dict]:
        return [json.loads(request["body"]) for request in self.requests]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


class SmtpSink:
    """An aiosmtpd handler that keeps the messages; refuses the recipients in `refused`."""

    def __init__(self):
        self.messages = []
        self.refused = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "550 5.1.1 Adresse inconnue"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            {"from": envelope.mail_from, "to": envelope.rcpt_tos, "data": envelope.content}
        )
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    def __init__(self):
        self.sink = SmtpSink()
        self.port = _free_port()
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()
