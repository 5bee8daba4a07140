"""Texts queued with the change that causes them and sent afterwards, as emails are: a
waitlist offer made in the transaction of a cancellation is texted only once that
transaction commits. `flask outbox send` hands the queue to the gateway."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import OutboxText
from clinicsite.sms.gateway import SmsError, SmsGateway
from clinicsite.sms.optouts import is_opted_out

MAX_ERROR_LENGTH = 300
BATCH = 100


def queue_text(to: str, body: str, key: str, now: datetime) -> OutboxText | None:
    """Queue `body` for `to` (E.164) in the caller's transaction; None when a text with this
    `key` is queued already or `to` texted STOP."""
    if is_opted_out(to):
        return None
    exists = db.session.scalar(sa.select(OutboxText.id).where(OutboxText.key == key))
    if exists is not None:
        return None
    text = OutboxText(to=to, body=body, key=key, status="queued", created_at=now)
    db.session.add(text)
    return text


def send_queued(sms: SmsGateway | None, now: datetime) -> tuple[int, int]:
    """Send the queued texts, each once (claimed and committed before the gateway is called);
    a number that texted STOP since is skipped. With texts off (`sms` None) they wait.
    Commits; returns (sent, failed)."""
    if sms is None:
        return 0, 0
    sent = failed = 0
    ids = db.session.scalars(
        sa.select(OutboxText.id)
        .where(OutboxText.status == "queued")
        .order_by(OutboxText.id)
        .limit(BATCH)
    ).all()
    for text_id in ids:
        claimed = db.session.execute(
            sa.update(OutboxText)
            .where(OutboxText.id == text_id, OutboxText.status == "queued")
            .values(status="sending", sent_at=now)
        )
        db.session.commit()
        if claimed.rowcount != 1:
            continue  # another run took it
        text = db.session.get(OutboxText, text_id)
        if is_opted_out(text.to):
            text.status = "skipped"
            db.session.commit()
            continue
        try:
            text.provider_id = sms.send(text.to, text.body, f"text-{text.id}").provider_id[:64]
            text.status = "sent"
            sent += 1
        except SmsError as exc:
            text.error = " ".join(str(exc).split())[:MAX_ERROR_LENGTH] or type(exc).__name__
            text.status = "failed"
            failed += 1
        db.session.commit()
    return sent, failed
