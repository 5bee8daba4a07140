"""Writing newsletter issues: save a draft, schedule it or send it now, take it back to a
draft, and count how its sending went. Plain functions over the current session; the
caller commits.

An issue can be changed while it is a draft or scheduled. The change starts with a
conditional UPDATE on the issue's status, which takes the row's write lock: a save racing
`flask newsletter send-due`'s claim either lands before it or finds the issue sending and
changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from clinicsite.audit import Actor, record_change
from clinicsite.extensions import db
from clinicsite.models import (
    NewsletterDelivery,
    NewsletterIssue,
    OutboxEmail,
    Post,
    Service,
    ServiceArea,
    Subscriber,
    subscriber_area,
)

EDITABLE = ("draft", "scheduled")


@dataclass(frozen=True)
class IssueChanges:
    subject: str
    body: str
    post_ids: list[int] = field(default_factory=list)
    service_id: int | None = None
    area_ids: list[int] = field(default_factory=list)  # none: everyone on the list


@dataclass
class IssueCounts:
    """How an issue's sending went: waiting (not queued yet), queued (in the outbox),
    sent, failed, skipped (left the list before their turn, or their email was withdrawn)
    and unsubscribed after it started."""

    waiting: int = 0
    queued: int = 0
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    unsubscribed_after: int = 0

    @property
    def recipients(self) -> int:
        return self.waiting + self.queued + self.sent + self.failed + self.skipped


def snapshot(issue: NewsletterIssue) -> dict:
    return {
        "subject": issue.subject,
        "status": issue.status,
        "send_at": issue.send_at.isoformat() if issue.send_at else None,
        "areas": [area.slug for area in issue.areas],
    }


def save(
    issue: NewsletterIssue | None, changes: IssueChanges, actor: Actor, now: datetime
) -> NewsletterIssue | None:
    """Create an issue (a draft) or change a draft or scheduled one. None when the issue
    has started sending meanwhile: nothing is changed then."""
    if issue is None:
        issue = NewsletterIssue(status="draft", created_at=now)
        db.session.add(issue)
        action, before = "created", {}
    else:
        if not _lock_editable(issue.id, now):
            return None
        db.session.refresh(issue)
        action, before = "changed", snapshot(issue)
    issue.subject = changes.subject
    issue.body = changes.body
    issue.updated_at = now
    issue.posts = list(
        db.session.scalars(sa.select(Post).where(Post.id.in_(changes.post_ids or [0])))
    )
    issue.service = (
        db.session.get(Service, changes.service_id) if changes.service_id is not None else None
    )
    issue.areas = list(
        db.session.scalars(
            sa.select(ServiceArea).where(ServiceArea.id.in_(changes.area_ids or [0]))
        )
    )
    db.session.flush()
    record_change("newsletter_issue", issue.id, action, actor, before, snapshot(issue))
    return issue


def schedule(issue: NewsletterIssue, send_at: datetime, actor: Actor, now: datetime) -> bool:
    """Send the issue at `send_at` (now or later; `flask newsletter send-due` starts it
    within a minute of that time). False when it has started sending already."""
    return _set_status(issue, actor, now, "scheduled", send_at)


def unschedule(issue: NewsletterIssue, actor: Actor, now: datetime) -> bool:
    """Back to a draft, unless it has started sending."""
    return _set_status(issue, actor, now, "draft", None)


def _set_status(
    issue: NewsletterIssue, actor: Actor, now: datetime, status: str, send_at: datetime | None
) -> bool:
    before = snapshot(issue)
    result = db.session.execute(
        sa.update(NewsletterIssue)
        .where(NewsletterIssue.id == issue.id, NewsletterIssue.status.in_(EDITABLE))
        .values(status=status, send_at=send_at, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(issue)
    if result.rowcount != 1:
        return False
    action = "scheduled" if status == "scheduled" else "unscheduled"
    record_change("newsletter_issue", issue.id, action, actor, before, snapshot(issue))
    return True


def _lock_editable(issue_id: int, now: datetime) -> bool:
    result = db.session.execute(
        sa.update(NewsletterIssue)
        .where(NewsletterIssue.id == issue_id, NewsletterIssue.status.in_(EDITABLE))
        .values(updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def in_areas(area_ids: list[int]):
    """The condition on Subscriber for an issue meant for these areas: lives in one of
    them. None when the issue is for everyone (no areas)."""
    if not area_ids:
        return None
    return sa.exists().where(
        subscriber_area.c.subscriber_id == Subscriber.id, subscriber_area.c.area_id.in_(area_ids)
    )


def audience_size(area_ids: list[int]) -> int:
    """How many would get an issue for these areas (all of the list for none) now."""
    query = (
        sa.select(sa.func.count())
        .select_from(Subscriber)
        .where(Subscriber.status == "confirmed", Subscriber.bounced_at.is_(None))
    )
    condition = in_areas(area_ids)
    return db.session.scalar(query if condition is None else query.where(condition))


def counts(issues: list[NewsletterIssue]) -> dict[int, IssueCounts]:
    """The counts of each issue, in two queries whatever the number of issues."""
    found = {issue.id: IssueCounts() for issue in issues}
    if not found:
        return found
    state = sa.case(
        (NewsletterDelivery.status == "waiting", "waiting"),
        (NewsletterDelivery.status != "queued", "skipped"),
        (OutboxEmail.status == "pending", "queued"),
        (OutboxEmail.status == "sent", "sent"),
        else_="failed",
    )
    rows = db.session.execute(
        sa.select(NewsletterDelivery.issue_id, state, sa.func.count())
        .outerjoin(OutboxEmail, OutboxEmail.id == NewsletterDelivery.outbox_email_id)
        .where(NewsletterDelivery.issue_id.in_(found))
        .group_by(NewsletterDelivery.issue_id, state)
    )
    for issue_id, name, number in rows:
        setattr(found[issue_id], name, number)
    left = db.session.execute(
        sa.select(NewsletterDelivery.issue_id, sa.func.count())
        .join(Subscriber, Subscriber.id == NewsletterDelivery.subscriber_id)
        .join(NewsletterIssue, NewsletterIssue.id == NewsletterDelivery.issue_id)
        .where(
            NewsletterDelivery.issue_id.in_(found),
            NewsletterDelivery.status.in_(("queued", "withdrawn")),
            Subscriber.unsubscribed_at >= NewsletterIssue.started_at,
        )
        .group_by(NewsletterDelivery.issue_id)
    )
    for issue_id, number in left:
        found[issue_id].unsubscribed_after = number
    return found
