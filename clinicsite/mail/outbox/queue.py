"""Queueing: an email becomes a row in the caller's session, committed with its change."""

from __future__ import annotations

from email.utils import parseaddr
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from clinicsite.extensions import db
from clinicsite.mail.outbox.headers import MAX_ADDRESS_LENGTH, checked_headers
from clinicsite.models.mail import OutboxEmail
from clinicsite.models.types import utcnow

MAX_SUBJECT_LENGTH = 300
MAX_KEY_LENGTH = 200


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
    to = _checked_recipient(to)
    if key is not None and not 0 < len(key) <= MAX_KEY_LENGTH:
        raise ValueError(f"key must have 1 to {MAX_KEY_LENGTH} characters")
    now = utcnow()
    values: dict[str, Any] = {
        "key": key,
        "to_address": to,
        "subject": " ".join(subject.split())[:MAX_SUBJECT_LENGTH],
        "body_text": text,
        "body_html": html or None,
        "attachments": [_checked_attachment(item) for item in attachments or []],
        "headers": checked_headers(headers),
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "last_error": "",
        "created_at": now,
    }
    if key is None:
        return _add(values)
    return _insert_once(key, values)


def _checked_recipient(to: str) -> str:
    to = to.strip()
    if not to or "\r" in to or "\n" in to or len(to) > MAX_ADDRESS_LENGTH:
        raise ValueError(f"not a usable recipient address: {to!r}")
    if "@" not in parseaddr(to)[1]:
        raise ValueError(f"not a usable recipient address: {to!r}")
    return to


def _add(values: dict[str, Any]) -> OutboxEmail:
    queued = OutboxEmail(**values)
    db.session.add(queued)
    return queued


def _insert_once(key: str, values: dict[str, Any]) -> OutboxEmail | None:
    """Queue a keyed email unless one with its key exists (or is pending in this session)."""
    for pending in db.session.new:
        if isinstance(pending, OutboxEmail) and pending.key == key:
            return None
    dialect = db.session.get_bind(mapper=OutboxEmail).dialect.name
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}.get(dialect)
    if insert is None:  # another database: check, then let the unique key guard the race
        with db.session.no_autoflush:
            taken = db.session.scalar(sa.select(OutboxEmail.id).where(OutboxEmail.key == key))
        return None if taken is not None else _add(values)
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
