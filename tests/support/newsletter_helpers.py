"""Newsletter issues for tests: subscribers in each state, an issue, the emails queued."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from flask import Flask

from clinicsite.extensions import db
from clinicsite.models import NewsletterDelivery, NewsletterIssue, OutboxEmail, Subscriber
from clinicsite.newsletter import service

# Thursday 2026-12-10, 09:00 in Los Angeles (PST, UTC-8).
NINE_AM = datetime(2026, 12, 10, 17, 0, tzinfo=UTC)
DEFAULT_BODY = "Hello from the clinic.\n\n[Our services](/services/)"


def add_subscribers(app: Flask, *emails: str, status: str = "confirmed", at=None) -> list[int]:
    """Subscribers with these addresses, confirmed (or `status`) at `at`; their ids."""
    at = at or datetime(2026, 11, 1, tzinfo=UTC)
    with app.app_context():
        rows = []
        for address in emails:
            row = Subscriber(email=address, status=status, token=service.new_token(), source="/")
            row.created_at = at
            row.confirmed_at = at if status != "pending" else None
            row.unsubscribed_at = at if status == "unsubscribed" else None
            rows.append(row)
        db.session.add_all(rows)
        db.session.commit()
        return [row.id for row in rows]


def add_issue(app: Flask, subject="Winter notes", body=None, **fields) -> int:
    with app.app_context():
        issue = NewsletterIssue(
            subject=subject,
            body=body if body is not None else DEFAULT_BODY,
            status=fields.pop("status", "scheduled"),
            send_at=fields.pop("send_at", NINE_AM),
            **fields,
        )
        db.session.add(issue)
        db.session.commit()
        return issue.id


def issue_emails(app: Flask) -> list[OutboxEmail]:
    """The issue emails in the outbox (not tests or other mail), oldest first."""
    with app.app_context():
        rows = list(
            db.session.scalars(
                sa.select(OutboxEmail)
                .where(OutboxEmail.key.startswith("newsletter-issue:"))
                .order_by(OutboxEmail.id)
            )
        )
        db.session.expunge_all()
        return rows


def recipients(app: Flask) -> list[str]:
    return sorted(email.to_address for email in issue_emails(app))


def issue_status(app: Flask, issue_id: int) -> str:
    with app.app_context():
        return db.session.get(NewsletterIssue, issue_id).status


def deliveries(app: Flask, issue_id: int) -> dict[str, str]:
    """Each recipient's delivery status for the issue."""
    with app.app_context():
        rows = db.session.execute(
            sa.select(Subscriber.email, NewsletterDelivery.status)
            .join(Subscriber, Subscriber.id == NewsletterDelivery.subscriber_id)
            .where(NewsletterDelivery.issue_id == issue_id)
        )
        return dict(rows.all())
