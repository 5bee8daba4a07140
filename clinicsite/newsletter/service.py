"""The newsletter: double opt-in sign-up, confirmation, unsubscribe and the guide.

Plain functions over the current session; the caller commits, so a status change and the
email it causes (queued in the outbox) are written together. Nothing here tells a visitor
whether an address was already on the list: `subscribe` reports what it did for tests and
logs, and the views answer every outcome the same way.

Status changes are conditional UPDATEs (`... WHERE status = 'pending'`), so two clicks on
the same link at the same moment confirm once and queue one welcome email.

The guide is promised only while there is one. A subscriber who confirmed before any was
uploaded is sent it once one is (`send_guide_to_earlier_subscribers`: on upload, and from
cron for a confirmation that raced the upload); `guide_sent_at`, set by a conditional
UPDATE, makes that once per subscriber however many workers run it.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from clinicsite import notifications
from clinicsite.audit import Actor, record_change
from clinicsite.extensions import db
from clinicsite.models import LeadMagnet, OutboxEmail, Subscriber
from clinicsite.newsletter import preferences
from clinicsite.newsletter.sending import withdraw_queued
from clinicsite.uploads import Stored

STATUSES = ("pending", "confirmed", "unsubscribed")
# A pending address gets at most one confirmation email per this long, however often the
# form is sent: the form must not become a way to flood someone's inbox.
RESEND_AFTER = timedelta(minutes=10)
MAX_SOURCE_LENGTH = 120
# Paths whose URL carries a secret (a booking's manage link, a subscriber's token) or that
# are not pages a visitor signs up from: never stored as the source.
PRIVATE_PATHS = ("/booking/", "/newsletter/", "/staff/")


def new_token() -> str:
    return secrets.token_urlsafe(32)


def normalise_email(address: str) -> str:
    """One spelling per mailbox, so Maya@Example.org cannot subscribe twice."""
    return address.strip().lower()


def clean_source(value: str | None) -> str:
    """The path of the page the form was on, or "" for anything else a client sent."""
    path = (value or "").strip()
    if not path.startswith("/") or path.startswith("//") or "\\" in path:
        return ""
    path = path.split("?", 1)[0].split("#", 1)[0]
    if not path.isprintable() or path.startswith(PRIVATE_PATHS):
        return ""
    return path[:MAX_SOURCE_LENGTH]


def by_token(token: str) -> Subscriber | None:
    if not token or len(token) > 64:
        return None
    return db.session.scalar(sa.select(Subscriber).where(Subscriber.token == token))


def active_guide() -> LeadMagnet | None:
    return db.session.scalar(
        sa.select(LeadMagnet)
        .where(LeadMagnet.active.is_(True))
        .order_by(LeadMagnet.uploaded_at.desc(), LeadMagnet.id.desc())
        .limit(1)
    )


# ---- Sign-up and confirmation ------------------------------------------------------------


def subscribe(email: str, source: str, now: datetime, post_updates: str = "none") -> str:
    """Record a sign-up and queue what it needs. Returns what happened, for tests and logs
    only: "created", "resent", "throttled", "resubscribed" or "already_confirmed".

    `post_updates` (how they hear of new posts) is kept for a new, pending or returning
    address; a confirmed one keeps its own choice, changed on its preferences page only
    (anyone can type someone else's address here).

    A new address races another request for the same address only on the unique email;
    the loser's flush raises IntegrityError, which the caller treats as success.
    """
    email = normalise_email(email)
    subscriber = db.session.scalar(sa.select(Subscriber).where(Subscriber.email == email))
    if subscriber is None:
        subscriber = Subscriber(email=email, status="pending", token=new_token())
        subscriber.source, subscriber.created_at = clean_source(source), now
        preferences.choose_post_updates(subscriber, post_updates, now)
        db.session.add(subscriber)
        db.session.flush()
        send_confirmation(subscriber, now)
        return "created"
    if subscriber.status == "confirmed":
        return "already_confirmed"
    preferences.choose_post_updates(subscriber, post_updates, now)
    if subscriber.status == "unsubscribed":
        # Back on the list only through a new confirmation. The token stays: a confirmation
        # email already in their inbox still works, and it cannot confirm anyone else.
        subscriber.status = "pending"
        subscriber.confirmed_at = subscriber.unsubscribed_at = None
        send_confirmation(subscriber, now)
        return "resubscribed"
    return "resent" if send_confirmation(subscriber, now) else "throttled"


def send_confirmation(subscriber: Subscriber, now: datetime) -> bool:
    """Queue the confirmation email unless one went out within RESEND_AFTER."""
    prefix = f"newsletter-confirm:{subscriber.id}:"
    last = db.session.scalar(
        sa.select(sa.func.max(OutboxEmail.created_at)).where(OutboxEmail.key.startswith(prefix))
    )
    if last is not None and now - last < RESEND_AFTER:
        return False
    # One key per 10-minute window: two requests racing past the check above queue one email.
    window = int(now.timestamp() // RESEND_AFTER.total_seconds())
    guide = active_guide()  # promised in the email only while there is one
    queued = notifications.newsletter_confirm(subscriber, key=f"{prefix}{window}", guide=guide)
    return queued is not None


def confirm(token: str, now: datetime) -> tuple[Subscriber, bool] | None:
    """Confirm the subscriber with this token: (subscriber, whether this call confirmed it),
    or None for an unknown token. Queues the welcome email on the first confirmation."""
    subscriber = by_token(token)
    if subscriber is None:
        return None
    changed = _transition(subscriber, ("pending",), status="confirmed", confirmed_at=now)
    if changed:
        guide = active_guide()
        if guide is not None:
            _claim_guide(subscriber, now)  # the welcome carries it
        notifications.newsletter_welcome(
            subscriber,
            key=f"newsletter-welcome:{subscriber.id}:{int(now.timestamp())}",
            guide=guide,
        )
    return subscriber, changed


def unsubscribe(token: str, now: datetime) -> tuple[Subscriber, bool] | None:
    """Take the subscriber off the list: (subscriber, whether this call did it), or None."""
    subscriber = by_token(token)
    if subscriber is None:
        return None
    changed = _transition(
        subscriber, ("pending", "confirmed"), status="unsubscribed", unsubscribed_at=now
    )
    if changed:  # an issue being sent in batches: what is queued for them stays behind
        withdraw_queued(subscriber.id)
    return subscriber, changed


def guide_for(token: str) -> LeadMagnet | None:
    """The guide, for a confirmed subscriber's token only."""
    subscriber = by_token(token)
    if subscriber is None or subscriber.status != "confirmed":
        return None
    return active_guide()


def send_guide_to_earlier_subscribers(now: datetime) -> int:
    """Queue the active guide for every confirmed subscriber who has not been sent one
    (they confirmed before it was uploaded). Returns how many were queued; 0 without a
    guide. Safe to run from several processes at once: each subscriber is claimed by a
    conditional UPDATE before their email is queued, in the caller's transaction."""
    guide = active_guide()
    if guide is None:
        return 0
    waiting = db.session.scalars(
        sa.select(Subscriber)
        .where(Subscriber.status == "confirmed", Subscriber.guide_sent_at.is_(None))
        .order_by(Subscriber.id)
    ).all()
    queued = 0
    for subscriber in waiting:
        if not _claim_guide(subscriber, now):
            continue  # another run took them, or they left the list meanwhile
        notifications.newsletter_guide(
            subscriber, key=f"newsletter-guide:{subscriber.id}", guide=guide
        )
        queued += 1
    return queued


def _claim_guide(subscriber: Subscriber, now: datetime) -> bool:
    """Mark the guide as sent to a confirmed subscriber; False if it already was."""
    return _transition(subscriber, ("confirmed",), guide_sent_at=now, unsent_guide=True)


def _transition(
    subscriber: Subscriber,
    from_statuses: tuple[str, ...],
    unsent_guide: bool = False,
    **values: Any,
) -> bool:
    condition = [Subscriber.id == subscriber.id, Subscriber.status.in_(from_statuses)]
    if unsent_guide:
        condition.append(Subscriber.guide_sent_at.is_(None))
    result = db.session.execute(
        sa.update(Subscriber)
        .where(*condition)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(subscriber)
    return result.rowcount == 1


# ---- The guide (staff) -------------------------------------------------------------------


def guide_snapshot(guide: LeadMagnet | None) -> dict[str, Any]:
    if guide is None:
        return {}
    return {
        "title": guide.title,
        "original_name": guide.original_name,
        "stored_name": guide.stored_name,
        "size": guide.size,
    }


def replace_guide(title: str, stored: Stored, actor: Actor) -> tuple[LeadMagnet, list[str]]:
    """Make a stored upload the active guide; older ones become inactive. Returns the new
    guide and the file names of the old ones, to delete once the change is committed."""
    previous = list(db.session.scalars(sa.select(LeadMagnet).where(LeadMagnet.active.is_(True))))
    before = guide_snapshot(active_guide())
    for old in previous:
        old.active = False
    guide = LeadMagnet(
        title=title,
        stored_name=stored.name,
        original_name=stored.original_name,
        content_type=stored.content_type,
        size=stored.size,
        active=True,
    )
    db.session.add(guide)
    db.session.flush()
    record_change("lead_magnet", guide.id, "uploaded", actor, before, guide_snapshot(guide))
    return guide, [old.stored_name for old in previous]
