"""A local stand-in for the one Twilio endpoint clinicsite calls, for tests.

The real `twilio` SDK talks to it over HTTP on its own port (another origin than the app):
configure TWILIO_API_BASE=stub.url, or pass `api_base=stub.url` to a TwilioGateway.

    POST /2010-04-01/Accounts/{AccountSid}/Messages.json   create a message

It checks what Twilio would refuse and that matters here: HTTP Basic auth with the account
SID and auth token it was started with (401 otherwise), a path naming that account, To and
From in E.164, a Body of 1 to 1600 characters (Twilio's errors 21211, 21212, 21602, 21617,
shaped as Twilio's JSON errors so the SDK raises TwilioRestException). `fail_next(status,
code, message)` makes the next create fail. Every create is kept in `messages` (the form
fields as sent); `requests` has every request.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

ACCOUNT_SID = "AC" + "0" * 30 + "01"
AUTH_TOKEN = "test-auth-token-for-the-twilio-stub"
FROM_NUMBER = "+13105550100"
E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
MESSAGES = re.compile(r"^/2010-04-01/Accounts/(AC[0-9a-f]{32})/Messages\.json$")


@dataclass
class StubRequest:
    method: str
    path: str
    form: dict[str, str]
    authorization: str


class TwilioStub:
    def __init__(self, account_sid: str = ACCOUNT_SID, auth_token: str = AUTH_TOKEN) -> None:
        self.account_sid, self.auth_token = account_sid, auth_token
        self.requests: list[StubRequest] = []
        self.messages: list[dict[str, str]] = []
        self._failure: tuple[int, int, str] | None = None
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> TwilioStub:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def fail_next(self, status: int, code: int, message: str) -> None:
        self._failure = (status, code, message)

    def _answer(self, request: StubRequest) -> tuple[int, dict[str, Any]]:
        expected = (
            "Basic " + base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        )
        if request.authorization != expected:
            return 401, _error(401, 20003, "Authenticate")
        match = MESSAGES.match(request.path)
        if request.method != "POST" or not match:
            return 404, _error(404, 20404, "The requested resource was not found")
        if match.group(1) != self.account_sid:
            return 401, _error(401, 20003, "Authenticate")
        if self._failure is not None:
            (status, code, message), self._failure = self._failure, None
            return status, _error(status, code, message)
        form = request.form
        if not E164.match(form.get("To", "")):
            return 400, _error(400, 21211, f"The 'To' number {form.get('To')} is not valid.")
        if not E164.match(form.get("From", "")):
            return 400, _error(400, 21212, f"The 'From' number {form.get('From')} is not valid")
        body = form.get("Body", "")
        if not body:
            return 400, _error(400, 21602, "Message body is required.")
        if len(body) > 1600:
            return 400, _error(400, 21617, "The concatenated message body exceeds 1600 characters")
        sid = "SM" + secrets.token_hex(16)
        self.messages.append(dict(form))
        return 201, {
            "sid": sid,
            "account_sid": self.account_sid,
            "to": form["To"],
            "from": form["From"],
            "body": body,
            "status": "queued",
            "num_segments": "1",
            "direction": "outbound-api",
            "api_version": "2010-04-01",
            "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json",
        }

    def _handler(self):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8") if length else ""
                request = StubRequest(
                    self.command,
                    urlsplit(self.path).path,
                    dict(parse_qsl(raw, keep_blank_values=True)),
                    self.headers.get("Authorization", ""),
                )
                with stub._lock:
                    stub.requests.append(request)
                    status, body = stub._answer(request)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _serve

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler


def _error(status: int, code: int, message: str) -> dict[str, Any]:
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }
