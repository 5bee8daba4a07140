"""The outbox: emails are rows, written with the change that causes them, sent later.

`enqueue` adds a row to the caller's session and never commits: the email exists exactly
when the booking (or whatever caused it) does. `deliver_due` (run by `flask outbox send`
from cron every minute) sends what is due, one email at a time:

1. claim it with a conditional UPDATE (attempts += 1, next_attempt_at = now + LEASE) that
   matches only while the row still has the attempt count this run read, and commit: of
   two runs racing for the same row exactly one updates it;
2. send it;
3. mark it sent, or record the error and schedule a retry with backoff (or give up after
   MAX_ATTEMPTS, or at once when the server rejects the message permanently), and commit.

A run that dies between 1 and 3 leaves the row pending; it is tried again once the lease
runs out. Delivery is therefore at least once: an email is sent twice only when a process
dies after the server took it and before the row was marked, and then it carries the same
Message-ID both times, so mail programs can tell.
"""

from __future__ import annotations

import email.policy
import logging
import os
import re
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid, parseaddr
from pathlib import Path
from typing import Any, Protocol

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from clinicsite.extensions import db
from clinicsite.models.mail import OutboxEmail
from clinicsite.models.types import utcnow

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# The wait after the 1st, 2nd, ... failed attempt; the last one repeats. With 8 attempts
# an email is given up about 45 hours after it was first due.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
    timedelta(hours=12),
    timedelta(hours=24),
)
# How long a claimed email is left alone by other runs; far longer than one send takes.
LEASE = timedelta(minutes=15)
MAX_ERROR_LENGTH = 300
MAX_ADDRESS_LENGTH = 254
MAX_SUBJECT_LENGTH = 300
MAX_KEY_LENGTH = 200
# 7bit: non-ASCII bodies are quoted-printable or base64, so any SMTP server takes them.
# refold_source="none": headers set with set_raw (the List-* ones) are written as given;
# the default would turn a long URL into RFC 2047 encoded words, which mail providers do
# not decode in List-Unsubscribe. Headers set the usual way are folded as before.
POLICY = email.policy.SMTP.clone(cte_type="7bit", refold_source="none")
# The headers an email may add to those build_message writes, each checked in enqueue.
EXTRA_HEADERS = ("Reply-To", "List-Unsubscribe", "List-Unsubscribe-Post")
ONE_CLICK = "List-Unsubscribe=One-Click"  # RFC 8058
# RFC 2369: one or more <URL>, comma-separated; printable ASCII only, no spaces or < >.
_LIST_URL = r"<(?:https?|mailto):[!-;=?-~]+>"
LIST_URLS = re.compile(rf"{_LIST_URL}(?:\s*,\s*{_LIST_URL})*")
MAX_DISPLAY_NAME_LENGTH = 100


class MailConfigError(RuntimeError):
    """The mail settings cannot work (unknown backend, bad MAIL_FROM, unusable folder...)."""


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    def __str__(self) -> str:
        return f"sent {self.sent}, retrying {self.retrying}, failed {self.failed}"


def backoff(attempts: int) -> timedelta:
    """The wait before the next try after `attempts` failed attempts (1 or more)."""
    return BACKOFF[min(max(attempts, 1), len(BACKOFF)) - 1]


# --- queueing ---------------------------------------------------------------------------


def enqueue(
    *,
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    attachments: list[dict] | None = None,
    key: str | None = None,
    headers: dict[str, str] | None = None,
) -> OutboxEmail | None:
    """Queue an email in the current session; the caller commits it with its change.

    html: an HTML version of `text`; the email then carries both (multipart/alternative).
    attachments: [{"filename": "booking.ics", "content_type": "text/calendar;
    method=REQUEST", "content": "<text>"}]. headers: any of EXTRA_HEADERS (build a
    Reply-To with `reply_to`); anything else, or a value that does not check out, raises
    ValueError. With `key`, an email with that key that
    already exists (sent or not, committed or pending in this transaction) is not queued
    again and None is returned. A keyed email is inserted at once (INSERT ... ON CONFLICT
    DO NOTHING on PostgreSQL and SQLite), still inside the caller's transaction, so two
    transactions queueing the same key at the same time cannot both succeed or fail.
    """
    to = to.strip()
    if not to or "\r" in to or "\n" in to or len(to) > MAX_ADDRESS_LENGTH:
        raise ValueError(f"not a usable recipient address: {to!r}")
    if "@" not in parseaddr(to)[1]:
        raise ValueError(f"not a usable recipient address: {to!r}")
    subject = " ".join(subject.split())[:MAX_SUBJECT_LENGTH]
    if key is not None and not 0 < len(key) <= MAX_KEY_LENGTH:
        raise ValueError(f"key must have 1 to {MAX_KEY_LENGTH} characters")
    now = utcnow()
    values: dict[str, Any] = {
        "key": key,
        "to_address": to,
        "subject": subject,
        "body_text": text,
        "body_html": html or None,
        "attachments": [_checked_attachment(item) for item in attachments or []],
        "headers": _checked_headers(headers),
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "last_error": "",
        "created_at": now,
    }
    if key is None:
        queued = OutboxEmail(**values)
        db.session.add(queued)
        return queued

    for pending in db.session.new:
        if isinstance(pending, OutboxEmail) and pending.key == key:
            return None
    dialect = db.session.get_bind(mapper=OutboxEmail).dialect.name
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}.get(dialect)
    if insert is None:  # another database: check, then let the unique key guard the race
        with db.session.no_autoflush:
            taken = db.session.scalar(sa.select(OutboxEmail.id).where(OutboxEmail.key == key))
        if taken is not None:
            return None
        queued = OutboxEmail(**values)
        db.session.add(queued)
        return queued
    statement = (
        insert(OutboxEmail)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(OutboxEmail.id)
    )
    new_id = db.session.scalar(statement)
    return None if new_id is None else db.session.get(OutboxEmail, new_id)


def _checked_attachment(item: dict) -> dict[str, str]:
    filename = item.get("filename")
    content = item.get("content")
    content_type = item.get("content_type") or "application/octet-stream"
    if not isinstance(filename, str) or not filename.strip():
        raise ValueError("an attachment needs a filename")
    if any(c in filename for c in "/\\\r\n\0"):
        raise ValueError(f"unsafe attachment filename: {filename!r}")
    if not isinstance(content, str):
        raise ValueError("attachment content must be text")
    if not isinstance(content_type, str) or "\r" in content_type or "\n" in content_type:
        raise ValueError(f"bad attachment content type: {content_type!r}")
    return {"filename": filename.strip(), "content_type": content_type, "content": content}


def reply_to(name: str, address: str) -> str | None:
    """A Reply-To header value for one person (`Maya Ortiz <maya@example.org>`), or None
    when `address` is not exactly one bare address: a newline, a second address, a comment
    or a display name typed into the field cannot reach the header. Control characters in
    the name become spaces."""
    address = address.strip() if isinstance(address, str) else ""
    if not address or len(address) > MAX_ADDRESS_LENGTH:
        return None
    parsed = _one_address(address)
    if parsed is None or parsed.display_name or parsed.addr_spec != address:
        return None
    name = " ".join("".join(c if c.isprintable() else " " for c in name or "").split())
    return formataddr((name[:MAX_DISPLAY_NAME_LENGTH], address))


def _one_address(value: str) -> Address | None:
    """The address in `value` when it parses cleanly as one address with a user and a
    domain, else None."""
    if not _printable_ascii(value):
        return None
    header = email.policy.default.header_factory("Reply-To", value)
    addresses = getattr(header, "addresses", ())
    if len(addresses) != 1 or header.defects:
        return None
    found = addresses[0]
    return found if found.username and "." in found.domain else None


def _printable_ascii(value: str) -> bool:
    return all(" " <= c <= "~" for c in value)


def _checked_headers(headers: dict[str, str] | None) -> dict[str, str] | None:
    if not headers:
        return None
    checked: dict[str, str] = {}
    for name, value in headers.items():
        if name not in EXTRA_HEADERS:
            raise ValueError(f"header {name!r} cannot be set on an outbox email")
        if not isinstance(value, str) or not value or not _printable_ascii(value):
            raise ValueError(f"unsafe value for {name}: {value!r}")
        if name == "Reply-To" and _one_address(value) is None:
            raise ValueError(f"Reply-To must be one address: {value!r}")
        if name == "List-Unsubscribe" and not LIST_URLS.fullmatch(value):
            raise ValueError(f"List-Unsubscribe must be <URL>s: {value!r}")
        if name == "List-Unsubscribe-Post" and value != ONE_CLICK:
            raise ValueError(f"List-Unsubscribe-Post must be {ONE_CLICK!r}")
        checked[name] = value
    return checked


# --- building messages ------------------------------------------------------------------


def build_message(email: OutboxEmail, sender: str, *, now: datetime | None = None) -> EmailMessage:
    """The MIME message for an outbox row.

    text/plain alone, or multipart/alternative (text, html); with attachments, both inside
    multipart/mixed. The Message-ID is derived from the row, so every retry of one email
    carries the same one. The row's extra headers (checked when it was queued) follow.
    """
    message = EmailMessage(policy=POLICY)
    message["From"] = sender
    message["To"] = email.to_address
    message["Subject"] = email.subject
    message["Date"] = format_datetime(now or utcnow())
    message["Message-ID"] = _message_id(email, sender)
    for name, value in (email.headers or {}).items():
        if name == "Reply-To":
            # An Address, not the string: refolding a parsed string can drop the quotes
            # around a name with a comma, turning one address into two.
            address = _one_address(value)
            if address is None:
                raise ValueError(f"Reply-To must be one address: {value!r}")
            message[name] = address
        else:
            message.set_raw(name, value)  # as given: see POLICY
    message.set_content(email.body_text)
    if email.body_html:
        message.add_alternative(email.body_html, subtype="html")
    for attachment in email.attachments or []:
        _attach(message, attachment)
    return message


def _message_id(email: OutboxEmail, sender: str) -> str:
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    if email.id is None or email.created_at is None:
        return make_msgid(domain=domain)
    stamp = email.created_at.strftime("%Y%m%d%H%M%S%f")
    return f"<outbox.{email.id}.{stamp}@{domain}>"


def _attach(message: EmailMessage, attachment: dict) -> None:
    header = EmailMessage()
    header["Content-Type"] = attachment.get("content_type") or "application/octet-stream"
    maintype = header.get_content_maintype()
    subtype = header.get_content_subtype()
    params = {k: v for k, v in header["Content-Type"].params.items() if k != "charset"}
    content = attachment["content"]
    filename = attachment["filename"]
    if maintype == "text":
        message.add_attachment(content, subtype=subtype, filename=filename, params=params)
    else:
        data = content.encode("utf-8") if isinstance(content, str) else content
        message.add_attachment(
            data, maintype=maintype, subtype=subtype, filename=filename, params=params
        )


# --- transports -------------------------------------------------------------------------


class Transport(Protocol):
    def send(self, message: EmailMessage, email: OutboxEmail, now: datetime) -> None: ...

    def close(self) -> None: ...


class FileTransport:
    """Development: each email becomes `<id>-<UTC timestamp>.eml` in a folder."""

    def __init__(self, directory: str) -> None:
        if not directory:
            raise MailConfigError("MAIL_FILE_DIR is empty")
        self.directory = Path(directory)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise MailConfigError(f"cannot create MAIL_FILE_DIR {directory}: {exc}") from exc

    def send(self, message: EmailMessage, email: OutboxEmail, now: datetime) -> None:
        path = self.directory / f"{email.id}-{now:%Y%m%dT%H%M%SZ}.eml"
        partial = path.with_name(f".{path.name}.partial")
        partial.write_bytes(message.as_bytes())
        os.replace(partial, path)  # readers never see half a file

    def close(self) -> None:
        pass


class SmtpTransport:
    """SMTP with one connection for the whole run, opened on the first email."""

    def __init__(self, config: dict[str, Any], envelope_from: str) -> None:
        self.host = str(config.get("SMTP_HOST") or "").strip()
        self.port = int(config.get("SMTP_PORT") or 0)
        self.username = config.get("SMTP_USERNAME") or ""
        self.password = config.get("SMTP_PASSWORD") or ""
        self.use_ssl = bool(config.get("SMTP_SSL"))
        self.starttls = bool(config.get("SMTP_STARTTLS"))
        self.timeout = float(config.get("SMTP_TIMEOUT") or 20)
        self.envelope_from = envelope_from
        if not self.host:
            raise MailConfigError("SMTP_HOST is empty")
        if not 0 < self.port < 65536:
            raise MailConfigError(f"SMTP_PORT {self.port} is not a port")
        if self.use_ssl and self.starttls:
            raise MailConfigError("set SMTP_SSL or SMTP_STARTTLS, not both")
        if self.timeout <= 0:
            raise MailConfigError("SMTP_TIMEOUT must be positive")
        self._connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        if self.use_ssl:
            connection: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=ssl.create_default_context()
            )
        else:
            connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            if self.starttls:
                connection.starttls(context=ssl.create_default_context())
            if self.username:
                connection.login(self.username, self.password)
        except BaseException:
            connection.close()
            raise
        return connection

    def send(self, message: EmailMessage, email: OutboxEmail, now: datetime) -> None:
        if self._connection is None:
            self._connection = self._connect()
        recipient = parseaddr(email.to_address)[1]
        try:
            self._connection.send_message(
                message, from_addr=self.envelope_from, to_addrs=[recipient]
            )
        except BaseException:
            self.close()  # start afresh for the next email
            raise

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            connection.quit()
        except (smtplib.SMTPException, OSError):
            connection.close()


def mail_sender() -> str:
    """MAIL_FROM, checked."""
    sender = str(current_app.config.get("MAIL_FROM") or "").strip()
    if "\r" in sender or "\n" in sender or "@" not in parseaddr(sender)[1]:
        raise MailConfigError(f"MAIL_FROM is not an email address: {sender!r}")
    return sender


def get_transport() -> Transport:
    """The transport MAIL_BACKEND names, built from the app's configuration."""
    config = current_app.config
    backend = str(config.get("MAIL_BACKEND") or "").strip().lower()
    if backend == "files":
        return FileTransport(str(config.get("MAIL_FILE_DIR") or ""))
    if backend == "smtp":
        return SmtpTransport(config, parseaddr(mail_sender())[1])
    raise MailConfigError(f"MAIL_BACKEND must be smtp or files, not {backend!r}")


# --- delivery ---------------------------------------------------------------------------


def deliver_due(now: datetime | None = None, limit: int = 100) -> DeliveryReport:
    """Send pending emails whose time has come, longest waiting first; commits as it goes.

    Safe to run in several processes at once: each email is claimed by exactly one.
    Raises MailConfigError (before touching any row) when the settings cannot work.
    """
    if now is not None and now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
    clock: Callable[[], datetime] = (lambda: now) if now is not None else utcnow
    sender = mail_sender()
    transport = get_transport()
    report = DeliveryReport()
    started = clock()
    due = db.session.execute(
        sa.select(OutboxEmail.id, OutboxEmail.attempts)
        .where(OutboxEmail.status == "pending", OutboxEmail.next_attempt_at <= started)
        .order_by(OutboxEmail.next_attempt_at, OutboxEmail.id)
        .limit(limit)
    ).all()
    db.session.commit()  # end the read; every claim below is its own short transaction
    try:
        for email_id, attempts in due:
            if not _claim(email_id, attempts, clock()):
                continue  # another run has it, or it changed since we looked
            attempt = attempts + 1
            queued = db.session.get(OutboxEmail, email_id, populate_existing=True)
            if queued is None:
                continue
            try:
                message = build_message(queued, sender, now=clock())
                transport.send(message, queued, clock())
            except Exception as exc:
                permanent, server_down = _classify(exc)
                outcome = _record_failure(
                    email_id, attempt, _describe(exc), permanent=permanent, now=clock()
                )
                setattr(report, outcome, getattr(report, outcome) + 1)
                if server_down:
                    break  # don't wait out a timeout for every email behind this one
                continue
            _mark_sent(email_id, attempt, clock())
            report.sent += 1
    finally:
        transport.close()
    return report


def _claim(email_id: int, attempts: int, now: datetime) -> bool:
    """Take one email for this run; True for exactly one of any racing runs."""
    result = db.session.execute(
        sa.update(OutboxEmail)
        .where(
            OutboxEmail.id == email_id,
            OutboxEmail.status == "pending",
            OutboxEmail.attempts == attempts,
            OutboxEmail.next_attempt_at <= now,
        )
        .values(attempts=attempts + 1, next_attempt_at=now + LEASE)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def _mark_sent(email_id: int, attempt: int, now: datetime) -> None:
    db.session.execute(
        sa.update(OutboxEmail)
        .where(OutboxEmail.id == email_id, OutboxEmail.attempts == attempt)
        .values(status="sent", sent_at=now, last_error="")
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _record_failure(
    email_id: int, attempt: int, error: str, *, permanent: bool, now: datetime
) -> str:
    """Schedule the next try or give up; returns "retrying" or "failed"."""
    give_up = permanent or attempt >= MAX_ATTEMPTS
    values: dict[str, Any] = {"last_error": error}
    if give_up:
        values["status"] = "failed"
    else:
        values["next_attempt_at"] = now + backoff(attempt)
    db.session.execute(
        sa.update(OutboxEmail)
        .where(OutboxEmail.id == email_id, OutboxEmail.attempts == attempt)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    log.warning(
        "outbox email %s: attempt %s of %s failed (%s): %s",
        email_id,
        attempt,
        MAX_ATTEMPTS,
        "giving up" if give_up else "will retry",
        error,
    )
    return "failed" if give_up else "retrying"


def _classify(exc: BaseException) -> tuple[bool, bool]:
    """(permanent for this email, server unusable for the rest of the run)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes), False
    if isinstance(exc, smtplib.SMTPDataError):
        return exc.smtp_code >= 500, False
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return False, True  # MAIL_FROM refused: every email would be
    if isinstance(exc, smtplib.SMTPException | OSError):
        return False, True  # cannot connect, log in, or the connection dropped
    if isinstance(exc, ValueError | TypeError | KeyError | LookupError):
        return True, False  # the row itself cannot become a message; retrying won't help
    return False, False


def _describe(exc: BaseException) -> str:
    """A short error for the row and the log, without the SMTP password."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        parts = [f"{code} {_text(reply)}" for code, reply in exc.recipients.values()]
        text = "recipient refused: " + "; ".join(parts)
    elif isinstance(exc, smtplib.SMTPResponseException):
        text = f"SMTP {exc.smtp_code}: {_text(exc.smtp_error)}"
    else:
        text = f"{type(exc).__name__}: {exc}"
    password = str(current_app.config.get("SMTP_PASSWORD") or "")
    if password:
        text = text.replace(password, "***")
    text = " ".join(text.split())
    return text[:MAX_ERROR_LENGTH]


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
