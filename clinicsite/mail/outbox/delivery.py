"""Delivery: send what is due, one email at a time, with claims, retries and backoff (see the
package's docstring). Takes the mail settings as a mapping (the app's config, say)."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.mail.outbox.message import build_message
from clinicsite.mail.outbox.transports import Transport, get_transport, mail_sender
from clinicsite.models.mail import OutboxEmail
from clinicsite.models.types import utcnow

log = logging.getLogger("clinicsite.mail.outbox")

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


def deliver_due(
    config: Mapping[str, Any], now: datetime | None = None, limit: int = 100
) -> DeliveryReport:
    """Send pending emails whose time has come, longest waiting first; commits as it goes.

    Safe to run in several processes at once: each email is claimed by exactly one.
    Raises MailConfigError (before touching any row) when the settings cannot work.
    """
    if now is not None and now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
    clock: Callable[[], datetime] = (lambda: now) if now is not None else utcnow
    run = _Run(
        mail_sender(config), get_transport(config), clock, str(config.get("SMTP_PASSWORD") or "")
    )
    due = db.session.execute(
        sa.select(OutboxEmail.id, OutboxEmail.attempts)
        .where(OutboxEmail.status == "pending", OutboxEmail.next_attempt_at <= clock())
        .order_by(OutboxEmail.next_attempt_at, OutboxEmail.id)
        .limit(limit)
    ).all()
    db.session.commit()  # end the read; every claim below is its own short transaction
    try:
        for email_id, attempts in due:
            if run.deliver(email_id, attempts) == "server down":
                break  # don't wait out a timeout for every email behind this one
    finally:
        run.transport.close()
    return run.report


@dataclass
class _Run:
    sender: str
    transport: Transport
    clock: Callable[[], datetime]
    password: str
    report: DeliveryReport = field(default_factory=DeliveryReport)

    def deliver(self, email_id: int, attempts: int) -> str | None:
        """Claim, send and mark one email; "server down" when the rest should wait."""
        if not _claim(email_id, attempts, self.clock()):
            return None  # another run has it, or it changed since we looked
        attempt = attempts + 1
        queued = db.session.get(OutboxEmail, email_id, populate_existing=True)
        if queued is None:
            return None
        try:
            message = build_message(queued, self.sender, now=self.clock())
            self.transport.send(message, queued, self.clock())
        except Exception as exc:
            permanent, server_down = _classify(exc)
            error = _describe(exc, self.password)
            outcome = _record_failure(
                email_id,
                attempt,
                error,
                permanent=permanent,
                bounced=permanent and _is_smtp_refusal(exc),
                now=self.clock(),
            )
            setattr(self.report, outcome, getattr(self.report, outcome) + 1)
            return "server down" if server_down else None
        _mark_sent(email_id, attempt, self.clock())
        self.report.sent += 1
        return None


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
    email_id: int,
    attempt: int,
    error: str,
    *,
    permanent: bool,
    now: datetime,
    bounced: bool = False,
) -> str:
    """Schedule the next try or give up; returns "retrying" or "failed". `bounced`: the
    server refused the address for good, recorded as a hard bounce (`bounced_at`)."""
    give_up = permanent or attempt >= MAX_ATTEMPTS
    values: dict[str, Any] = {"last_error": error}
    if bounced:
        values["bounced_at"] = now
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


def _is_smtp_refusal(exc: BaseException) -> bool:
    """The receiving server said no (a 5xx reply), as opposed to a row that cannot be built."""
    return isinstance(exc, smtplib.SMTPRecipientsRefused | smtplib.SMTPDataError)


def _describe(exc: BaseException, password: str) -> str:
    """A short error for the row and the log, without the SMTP password."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        parts = [f"{code} {_text(reply)}" for code, reply in exc.recipients.values()]
        text = "recipient refused: " + "; ".join(parts)
    elif isinstance(exc, smtplib.SMTPResponseException):
        text = f"SMTP {exc.smtp_code}: {_text(exc.smtp_error)}"
    else:
        text = f"{type(exc).__name__}: {exc}"
    if password:
        text = text.replace(password, "***")
    text = " ".join(text.split())
    return text[:MAX_ERROR_LENGTH]


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
