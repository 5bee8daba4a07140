"""The demo clinic's newsletter (content/newsletter.toml): subscribers (with their areas
and choice of post emails), one issue sent and one scheduled. Created once, never changed
after, like the rest of the demo.

The sent issue went out through the same code as a real one (`sending.queue_batch`); its
emails are then marked delivered, so the demo never mails the made-up addresses and the
staff list shows real counts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import (
    NewsletterDelivery,
    NewsletterIssue,
    OutboxEmail,
    Post,
    Service,
    ServiceArea,
    Subscriber,
)
from clinicsite.newsletter import preferences, sending, service


def load_newsletter_demo(
    spec: dict[str, Any], tz: ZoneInfo, now: datetime, count: Callable[[str, bool], None]
) -> None:
    leavers: list[tuple[Subscriber, datetime]] = []
    for subscriber in spec.get("subscriber", []):
        count("subscribers", _subscriber(subscriber, now, leavers))
    db.session.flush()
    for issue in spec.get("issue", []):
        count("newsletter issues", _issue(issue, tz, now))
    # Those who left did so after the sent issue reached them: "unsubscribed after".
    for subscriber, left in leavers:
        subscriber.status, subscriber.unsubscribed_at = "unsubscribed", left
    db.session.flush()


def _subscriber(
    spec: dict[str, Any], now: datetime, leavers: list[tuple[Subscriber, datetime]]
) -> bool:
    email = service.normalise_email(spec["email"])
    if db.session.scalar(sa.select(Subscriber.id).where(Subscriber.email == email)):
        return False
    joined = now - timedelta(days=spec["joined_days_ago"])
    pending = spec["status"] == "pending"
    row = Subscriber(
        email=email,
        status="pending" if pending else "confirmed",
        token=service.new_token(),
        source="/",
    )
    row.created_at = joined
    row.confirmed_at = None if pending else joined + timedelta(minutes=7)
    # Counted from now: the first `flask newsletter send-due` mails none of the archive.
    preferences.choose_post_updates(row, spec.get("post_updates", "none"), now)
    slugs = spec.get("areas", [])
    row.areas = list(
        db.session.scalars(sa.select(ServiceArea).where(ServiceArea.slug.in_(slugs or [""])))
    )
    if spec["status"] == "unsubscribed":
        leavers.append((row, now - timedelta(days=spec["left_days_ago"])))
    db.session.add(row)
    return True


def _at_local(day_offset: int, clock_time: str, tz: ZoneInfo, now: datetime) -> datetime:
    day = now.astimezone(tz).date() + timedelta(days=day_offset)
    return datetime.combine(day, time.fromisoformat(clock_time), tz).astimezone(UTC)


def _issue(spec: dict[str, Any], tz: ZoneInfo, now: datetime) -> bool:
    subject = spec["subject"]
    if db.session.scalar(sa.select(NewsletterIssue.id).where(NewsletterIssue.subject == subject)):
        return False
    sent = spec["status"] == "sent"
    offset = -spec["days_ago"] if sent else spec["in_days"]
    send_at = _at_local(offset, spec.get("time", "09:00"), tz, now)
    issue = NewsletterIssue(
        subject=subject,
        body=spec["body"].strip(),
        status="sending" if sent else "scheduled",
        send_at=send_at,
        created_at=send_at - timedelta(days=2),
        updated_at=send_at - timedelta(days=1),
    )
    issue.posts = list(db.session.scalars(sa.select(Post).where(Post.slug.in_(spec["posts"]))))
    if spec.get("service"):
        issue.service = db.session.scalar(sa.select(Service).where(Service.slug == spec["service"]))
    db.session.add(issue)
    db.session.flush()
    if sent:
        _send_in_the_past(issue, send_at)
    return True


def _send_in_the_past(issue: NewsletterIssue, sent_at: datetime) -> None:
    """Send the issue as cron would have at `sent_at`, then mark its emails delivered."""
    issue.started_at = sent_at
    db.session.flush()
    sending.add_recipients(issue.id)
    sending.queue_batch(issue.id, sending.waiting_batch(issue.id, 10_000), sent_at)
    sending.finish_if_done(issue.id, sent_at + timedelta(minutes=1))
    queued = sa.select(NewsletterDelivery.outbox_email_id).where(
        NewsletterDelivery.issue_id == issue.id
    )
    db.session.execute(
        sa.update(OutboxEmail)
        .where(OutboxEmail.id.in_(queued))
        .values(status="sent", attempts=1, sent_at=sent_at + timedelta(minutes=1))
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(issue)
