"""Sending newsletter issues: `flask newsletter send-due`, run from cron every minute.

Each run, for every issue whose time has come:

1. claim it (`scheduled` -> `sending`, a conditional UPDATE: one run wins);
2. record who gets it: one `newsletter_delivery` row per confirmed subscriber who has not
   bounced (for an issue for chosen areas, who lives in one of them), by an INSERT ...
   SELECT that skips pairs already there (the pair is unique), so a second run at the same
   moment or a rerun after a crash adds nobody twice;
3. queue a batch of waiting deliveries in the outbox (at most `batch_size` per run across
   all issues: the sending rate), each delivery claimed by a conditional UPDATE and each
   email keyed `newsletter-issue:<issue>:<subscriber>`, in one transaction per batch: a
   run that dies mid-batch leaves nothing half done, and the next run picks the batch up;
4. once nobody is waiting, mark the issue `sent`.

A subscriber who leaves the list before their turn is skipped; one who leaves after their
email was queued but before it went out has it withdrawn (`withdraw_queued`). A hard bounce
recorded by the outbox marks the subscriber (`mark_bounced`), who then gets no more issues.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from clinicsite import notifications
from clinicsite.extensions import db
from clinicsite.models import (
    NewsletterDelivery,
    NewsletterIssue,
    OutboxEmail,
    PostAlert,
    Subscriber,
    WeeklyDigest,
    newsletter_issue_area,
)
from clinicsite.newsletter import issues
from clinicsite.notifications.links import Links

DEFAULT_BATCH_SIZE = 200
WITHDRAWN = "withdrawn: unsubscribed before delivery"


@dataclass
class SendReport:
    started: int = 0
    queued: int = 0
    skipped: int = 0
    finished: int = 0
    bounced: int = 0

    def __str__(self) -> str:
        return (
            f"started {self.started} issues, queued {self.queued} emails, skipped "
            f"{self.skipped} who left the list, finished {self.finished} issues, marked "
            f"{self.bounced} bounced addresses"
        )


def delivery_key(issue_id: int, subscriber_id: int) -> str:
    return f"newsletter-issue:{issue_id}:{subscriber_id}"


def send_due(now: datetime, batch_size: int, links: Links | None = None) -> SendReport:
    """Start the issues that are due and queue up to `batch_size` emails; commits as it
    goes. Safe to run in several processes at once."""
    report = SendReport(bounced=mark_bounced(now))
    db.session.commit()
    report.started = start_due(now)
    budget = batch_size
    for issue_id in sending_issue_ids():
        add_recipients(issue_id)
        db.session.commit()
        if budget > 0:
            batch = waiting_batch(issue_id, budget)
            queued, skipped = queue_batch(issue_id, batch, now, links)
            db.session.commit()
            budget -= queued + skipped
            report.queued += queued
            report.skipped += skipped
        if finish_if_done(issue_id, now):
            report.finished += 1
        db.session.commit()
    return report


def start_due(now: datetime) -> int:
    """Move every scheduled issue whose time has come to `sending`; commits each."""
    due = db.session.scalars(
        sa.select(NewsletterIssue.id)
        .where(NewsletterIssue.status == "scheduled", NewsletterIssue.send_at <= now)
        .order_by(NewsletterIssue.send_at, NewsletterIssue.id)
    ).all()
    started = 0
    for issue_id in due:
        result = db.session.execute(
            sa.update(NewsletterIssue)
            .where(NewsletterIssue.id == issue_id, NewsletterIssue.status == "scheduled")
            .values(status="sending", started_at=now)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        started += result.rowcount
    return started


def sending_issue_ids() -> list[int]:
    return list(
        db.session.scalars(
            sa.select(NewsletterIssue.id)
            .where(NewsletterIssue.status == "sending")
            .order_by(NewsletterIssue.send_at, NewsletterIssue.id)
        )
    )


def on_the_list():
    """Subscribers an issue may be sent to now."""
    return sa.and_(Subscriber.status == "confirmed", Subscriber.bounced_at.is_(None))


def add_recipients(issue_id: int) -> None:
    """One waiting delivery for each subscriber on the list who confirmed before the issue
    started (and, for an issue for chosen areas, lives in one of them), unless they have
    one: INSERT ... SELECT ... ON CONFLICT DO NOTHING."""
    started_at = sa.select(NewsletterIssue.started_at).where(NewsletterIssue.id == issue_id)
    audience = sa.select(
        sa.literal(issue_id),
        Subscriber.id,
        sa.literal("waiting"),
        sa.func.coalesce(started_at.scalar_subquery(), sa.func.current_timestamp()),
    ).where(on_the_list(), Subscriber.confirmed_at <= started_at.scalar_subquery())
    areas = list(
        db.session.scalars(
            sa.select(newsletter_issue_area.c.area_id).where(
                newsletter_issue_area.c.issue_id == issue_id
            )
        )
    )
    if areas:  # an issue for chosen areas: those who live in one of them
        audience = audience.where(issues.in_areas(areas))
    columns = ["issue_id", "subscriber_id", "status", "created_at"]
    insert_missing(NewsletterDelivery, columns, audience, ["issue_id", "subscriber_id"])


def insert_missing(model, columns: list[str], rows: sa.Select, unique: list[str]) -> None:
    """INSERT `rows` into `model`'s table, leaving out those whose `unique` columns are
    there already (ON CONFLICT DO NOTHING): two runs at once add each row once. The site
    runs on SQLite or PostgreSQL (config.py), both of which have it."""
    dialect = db.session.get_bind(mapper=model).dialect.name
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect]
    statement = (
        insert(model).from_select(columns, rows).on_conflict_do_nothing(index_elements=unique)
    )
    db.session.execute(statement)


def waiting_batch(issue_id: int, limit: int) -> list[int]:
    """The ids of up to `limit` deliveries of the issue not queued yet, oldest first."""
    return list(
        db.session.scalars(
            sa.select(NewsletterDelivery.id)
            .where(NewsletterDelivery.issue_id == issue_id, NewsletterDelivery.status == "waiting")
            .order_by(NewsletterDelivery.id)
            .limit(limit)
        )
    )


def queue_batch(
    issue_id: int, delivery_ids: list[int], now: datetime, links: Links | None = None
) -> tuple[int, int]:
    """Queue the email of each delivery still waiting, in the caller's transaction; skip
    those whose subscriber has left the list. Returns (queued, skipped). A delivery another
    run has taken meanwhile is left alone."""
    issue = db.session.get(NewsletterIssue, issue_id)
    if issue is None or issue.status != "sending":
        return 0, 0
    rows = db.session.execute(
        sa.select(NewsletterDelivery.id, Subscriber)
        .join(Subscriber, Subscriber.id == NewsletterDelivery.subscriber_id)
        .where(NewsletterDelivery.id.in_(delivery_ids))
        .order_by(NewsletterDelivery.id)
    ).all()
    queued = skipped = 0
    for delivery_id, subscriber in rows:
        still_on_list = subscriber.status == "confirmed" and subscriber.bounced_at is None
        if not _claim(delivery_id, "queued" if still_on_list else "skipped", now):
            continue
        if not still_on_list:
            skipped += 1
            continue
        key = delivery_key(issue_id, subscriber.id)
        email = notifications.newsletter_issue(issue, subscriber, key=key, now=now, links=links)
        if email is None:  # queued before (cannot happen unless rows were edited by hand)
            email_id = db.session.scalar(sa.select(OutboxEmail.id).where(OutboxEmail.key == key))
        else:
            db.session.flush()
            email_id = email.id
        db.session.execute(
            sa.update(NewsletterDelivery)
            .where(NewsletterDelivery.id == delivery_id)
            .values(outbox_email_id=email_id)
            .execution_options(synchronize_session=False)
        )
        queued += 1
    return queued, skipped


def _claim(delivery_id: int, status: str, now: datetime) -> bool:
    """Move a waiting delivery on; True for exactly one of any racing runs."""
    result = db.session.execute(
        sa.update(NewsletterDelivery)
        .where(NewsletterDelivery.id == delivery_id, NewsletterDelivery.status == "waiting")
        .values(status=status, queued_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def finish_if_done(issue_id: int, now: datetime) -> bool:
    """Mark a sending issue `sent` once no delivery of it is waiting."""
    waiting = sa.exists().where(
        NewsletterDelivery.issue_id == issue_id, NewsletterDelivery.status == "waiting"
    )
    result = db.session.execute(
        sa.update(NewsletterIssue)
        .where(NewsletterIssue.id == issue_id, NewsletterIssue.status == "sending", ~waiting)
        .values(status="sent", sent_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def withdraw_queued(subscriber_id: int) -> int:
    """Take back the list emails (issues, new-post emails, digests) queued for a subscriber
    who has just left the list and not delivered yet (in the caller's transaction). One
    already being delivered at this moment still goes: the outbox marks it sent over this.
    Returns how many."""
    withdrawn = 0
    for model in (NewsletterDelivery, PostAlert, WeeklyDigest):
        pending = (
            sa.select(model.outbox_email_id)
            .join(OutboxEmail, OutboxEmail.id == model.outbox_email_id)
            .where(
                model.subscriber_id == subscriber_id,
                model.status == "queued",
                OutboxEmail.status == "pending",
            )
        )
        ids = list(db.session.scalars(pending))
        if not ids:
            continue
        db.session.execute(
            sa.update(OutboxEmail)
            .where(OutboxEmail.id.in_(ids), OutboxEmail.status == "pending")
            .values(status="failed", last_error=WITHDRAWN)
            .execution_options(synchronize_session=False)
        )
        db.session.execute(
            sa.update(model)
            .where(model.outbox_email_id.in_(ids))
            .values(status="withdrawn")
            .execution_options(synchronize_session=False)
        )
        withdrawn += len(ids)
    return withdrawn


def mark_bounced(now: datetime) -> int:
    """Mark subscribers whose address hard-bounced (an outbox email to it was refused for
    good after they confirmed); they get no more issues. Returns how many were marked."""
    bounce = sa.exists().where(
        OutboxEmail.to_address == Subscriber.email,
        OutboxEmail.bounced_at.is_not(None),
        OutboxEmail.bounced_at >= Subscriber.confirmed_at,
    )
    result = db.session.execute(
        sa.update(Subscriber)
        .where(Subscriber.bounced_at.is_(None), Subscriber.confirmed_at.is_not(None), bounce)
        .values(bounced_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount
