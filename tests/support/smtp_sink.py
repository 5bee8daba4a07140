"""A tiny SMTP server for tests, standard library only (socketserver and threads).

    with SMTPSink() as sink:
        ...send to 127.0.0.1:sink.port...
        sink.messages[0].message["Subject"]

It speaks EHLO/HELO, MAIL FROM, RCPT TO, DATA, RSET, NOOP, QUIT and AUTH PLAIN (when
given credentials), and can answer with a failure code to simulate a struggling server:
`sink.fail(451, "rcpt")`, `sink.fail(554, "data")`, `sink.succeed()`.
"""

from __future__ import annotations

import base64
import binascii
import email
import email.policy
import socket
import socketserver
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage

STAGES = ("mail", "rcpt", "data")
REPLIES = {
    421: "4.3.2 Service not available",
    451: "4.3.0 Temporary failure, try again later",
    452: "4.2.2 Mailbox full",
    550: "5.1.1 No such user",
    554: "5.7.1 Message rejected",
}
MAX_LINE = 64 * 1024
MAX_MESSAGE = 10 * 1024 * 1024


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.data, policy=email.policy.default)


@dataclass
class SMTPSink:
    credentials: tuple[str, str] | None = None  # require AUTH PLAIN with these
    delay: float = 0.0  # seconds to wait before accepting each message
    messages: list[Received] = field(default_factory=list)
    connections: int = 0
    failure: tuple[int, str] | None = None

    def __post_init__(self) -> None:
        self.lock = threading.Lock()
        self.port = 0
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def fail(self, code: int, stage: str = "rcpt") -> None:
        """Answer `code` at MAIL, RCPT or the end of DATA until `succeed()`."""
        if stage not in STAGES:
            raise ValueError(f"stage must be one of {STAGES}")
        self.failure = (code, stage)

    def succeed(self) -> None:
        self.failure = None

    def __enter__(self) -> SMTPSink:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.sink = self
        self._server = server
        self.port = server.server_address[1]
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        assert self._server is not None and self._thread is not None
        self._server.shutdown()
        self._server.server_close()  # waits for the connection threads
        self._thread.join()

    def _failure_at(self, stage: str) -> str | None:
        failure = self.failure
        if failure is None or failure[1] != stage:
            return None
        code = failure[0]
        return f"{code} {REPLIES.get(code, 'Simulated failure')}"


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = False
    block_on_close = True
    sink: SMTPSink


class _Handler(socketserver.StreamRequestHandler):
    timeout = 10  # a client that goes quiet cannot hold the sink open for long
    server: _Server

    def handle(self) -> None:
        sink = self.server.sink
        with sink.lock:
            sink.connections += 1
        self.authenticated = sink.credentials is None
        self.reset()
        self.reply("220 sink.test ESMTP test sink")
        while True:
            raw = self.rfile.readline(MAX_LINE)
            if not raw:
                return
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            verb, _, argument = line.partition(" ")
            handler = getattr(self, f"do_{verb.upper()}", None)
            if handler is None:
                self.reply("502 5.5.2 Command not recognised")
                continue
            if handler(argument.strip()) is False:
                return

    def setup(self) -> None:
        super().setup()
        # Replies are small writes: without this, Nagle's algorithm and delayed ACKs
        # add tens of milliseconds to every exchange.
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def reply(self, *lines: str) -> None:
        """One reply, multi-line when given several lines (250-a, 250-b, 250 c)."""
        code = lines[-1][:3]
        text = [f"{code}-{line[4:]}" for line in lines[:-1]] + [lines[-1]]
        self.wfile.write("".join(f"{line}\r\n" for line in text).encode("utf-8"))

    def reset(self) -> None:
        self.mail_from: str | None = None
        self.rcpt_tos: list[str] = []

    def do_EHLO(self, argument: str) -> None:
        lines = ["sink.test", "8BITMIME", "SIZE 10485760"]
        if self.server.sink.credentials is not None:
            lines.append("AUTH PLAIN")
        self.reply(*(f"250 {line}" for line in lines))

    def do_HELO(self, argument: str) -> None:
        self.reply("250 sink.test")

    def do_NOOP(self, argument: str) -> None:
        self.reply("250 2.0.0 OK")

    def do_RSET(self, argument: str) -> None:
        self.reset()
        self.reply("250 2.0.0 OK")

    def do_QUIT(self, argument: str) -> bool:
        self.reply("221 2.0.0 Bye")
        return False

    def do_AUTH(self, argument: str) -> None:
        credentials = self.server.sink.credentials
        mechanism, _, initial = argument.partition(" ")
        if credentials is None or mechanism.upper() != "PLAIN":
            self.reply("504 5.5.4 Unrecognised authentication type")
            return
        if not initial:
            self.reply("334 ")
            initial = self.rfile.readline(MAX_LINE).decode("ascii", "replace").strip()
        try:
            _, user, password = base64.b64decode(initial, validate=True).split(b"\0")
        except (binascii.Error, ValueError):
            self.reply("501 5.5.2 Cannot decode response")
            return
        if (user.decode(), password.decode()) == credentials:
            self.authenticated = True
            self.reply("235 2.7.0 Authentication successful")
        else:
            self.reply("535 5.7.8 Authentication credentials invalid")

    def do_MAIL(self, argument: str) -> None:
        if not argument.upper().startswith("FROM:"):
            self.reply("501 5.5.4 Syntax: MAIL FROM:<address>")
            return
        if not self.authenticated:
            self.reply("530 5.7.0 Authentication required")
            return
        failure = self.server.sink._failure_at("mail")
        if failure:
            self.reply(failure)
            return
        self.mail_from = _address(argument[5:])
        self.rcpt_tos = []
        self.reply("250 2.1.0 OK")

    def do_RCPT(self, argument: str) -> None:
        if self.mail_from is None:
            self.reply("503 5.5.1 MAIL first")
            return
        if not argument.upper().startswith("TO:"):
            self.reply("501 5.5.4 Syntax: RCPT TO:<address>")
            return
        failure = self.server.sink._failure_at("rcpt")
        if failure:
            self.reply(failure)
            return
        self.rcpt_tos.append(_address(argument[3:]))
        self.reply("250 2.1.5 OK")

    def do_DATA(self, argument: str) -> bool | None:
        if self.mail_from is None or not self.rcpt_tos:
            self.reply("503 5.5.1 RCPT first")
            return None
        self.reply("354 End data with <CR><LF>.<CR><LF>")
        lines: list[bytes] = []
        size = 0
        while True:
            raw = self.rfile.readline(MAX_LINE)
            if not raw:
                return False  # the client went away mid-message
            if raw in (b".\r\n", b".\n"):
                break
            if raw.startswith(b".."):
                raw = raw[1:]  # undo dot-stuffing
            size += len(raw)
            if size <= MAX_MESSAGE:
                lines.append(raw)
        sink = self.server.sink
        if sink.delay:
            time.sleep(sink.delay)
        failure = sink._failure_at("data")
        if failure:
            self.reply(failure)
        elif size > MAX_MESSAGE:
            self.reply("552 5.3.4 Message too big")
        else:
            with sink.lock:
                sink.messages.append(Received(self.mail_from, list(self.rcpt_tos), b"".join(lines)))
            self.reply("250 2.0.0 Queued")
        self.reset()
        return None


def _address(argument: str) -> str:
    """The address in `<a@b> SIZE=123`."""
    argument = argument.strip()
    if argument.startswith("<"):
        return argument[1 : argument.find(">")] if ">" in argument else argument[1:]
    return argument.split(" ", 1)[0]
