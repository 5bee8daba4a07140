"""Newsletter subscribers (double opt-in), the guide they receive, and the issues sent
to them."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinicsite.extensions import db
from clinicsite.models.markdown import renders_markdown, stored_html
from clinicsite.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from clinicsite.models.areas import ServiceArea
    from clinicsite.models.blog import Post
    from clinicsite.models.catalogue import Service

# How a subscriber hears of new blog posts: not at all, one email per post once it is
# public, or a weekly digest of the posts made public since their last one.
POST_UPDATES = ("none", "as_published", "weekly")

# The service areas a subscriber lives in (chosen on their preferences page).
subscriber_area = sa.Table(
    "subscriber_area",
    db.metadata,
    sa.Column(
        "subscriber_id", sa.ForeignKey("subscriber.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column(
        "area_id",
        sa.ForeignKey("service_area.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class Subscriber(db.Model):
    __tablename__ = "subscriber"
    __table_args__ = (
        sa.CheckConstraint("status IN ('pending', 'confirmed', 'unsubscribed')", name="status"),
        sa.CheckConstraint(
            "post_updates IN ('none', 'as_published', 'weekly')", name="post_updates"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    status: Mapped[str] = mapped_column(sa.String(20), default="pending")
    # Secret in the confirmation and unsubscribe links.
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    source: Mapped[str] = mapped_column(sa.String(120), default="")  # page it came from
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the guide was queued for them, in the welcome email or later once one was
    # uploaded: set once, so no one is sent the guide twice.
    guide_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when mail to the address was refused for good (an SMTP 5xx): no more issues.
    bounced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # New blog posts by email (POST_UPDATES), and when that choice was made: only posts made
    # public after it are sent, never the archive.
    post_updates: Mapped[str] = mapped_column(sa.String(20), default="none", server_default="none")
    post_updates_since: Mapped[datetime | None] = mapped_column(UTCDateTime)

    areas: Mapped[list[ServiceArea]] = relationship(
        secondary=subscriber_area, order_by="ServiceArea.position, ServiceArea.name"
    )


class LeadMagnet(db.Model):
    """A file staff upload (the guide) that confirmed subscribers can download."""

    __tablename__ = "lead_magnet"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    stored_name: Mapped[str] = mapped_column(sa.String(200), unique=True)  # under instance/
    original_name: Mapped[str] = mapped_column(sa.String(200))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    active: Mapped[bool] = mapped_column(default=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# The newsletter issues editors write, and who each one went to.

ISSUE_STATUSES = ("draft", "scheduled", "sending", "sent")
DELIVERY_STATUSES = ("waiting", "queued", "skipped", "withdrawn")

newsletter_issue_post = sa.Table(
    "newsletter_issue_post",
    db.metadata,
    sa.Column(
        "issue_id", sa.ForeignKey("newsletter_issue.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("post_id", sa.ForeignKey("post.id", ondelete="CASCADE"), primary_key=True),
)

# The areas an issue is for; none means everyone on the list.
newsletter_issue_area = sa.Table(
    "newsletter_issue_area",
    db.metadata,
    sa.Column(
        "issue_id", sa.ForeignKey("newsletter_issue.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("area_id", sa.ForeignKey("service_area.id", ondelete="CASCADE"), primary_key=True),
)


class NewsletterIssue(db.Model):
    """One email to the whole list: written as a draft, scheduled (or sent now), then sent
    in batches by `flask newsletter send-due`."""

    __tablename__ = "newsletter_issue"
    __table_args__ = (
        sa.CheckConstraint("status IN ('draft', 'scheduled', 'sending', 'sent')", name="status"),
        sa.Index("ix_newsletter_issue_due", "status", "send_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text, default="")  # Markdown
    body_html: Mapped[str] = stored_html()
    service_id: Mapped[int | None] = mapped_column(sa.ForeignKey("service.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(sa.String(20), default="draft")
    # When it goes out (UTC; typed in the clinic's time). Set while scheduled and after.
    send_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the last batch queued
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    service: Mapped[Service | None] = relationship()
    posts: Mapped[list[Post]] = relationship(
        secondary=newsletter_issue_post, order_by="Post.published_at.desc()"
    )
    areas: Mapped[list[ServiceArea]] = relationship(
        secondary=newsletter_issue_area, order_by="ServiceArea.position, ServiceArea.name"
    )

    _render_body = renders_markdown("body", "body_html")


class NewsletterDelivery(db.Model):
    """One subscriber's copy of one issue. The pair is unique: whatever runs at once or
    dies half-way, an issue is queued for a subscriber at most once."""

    __tablename__ = "newsletter_delivery"
    __table_args__ = (
        sa.UniqueConstraint("issue_id", "subscriber_id"),
        sa.CheckConstraint(
            "status IN ('waiting', 'queued', 'skipped', 'withdrawn')", name="status"
        ),
        sa.Index("ix_newsletter_delivery_waiting", "issue_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(sa.ForeignKey("newsletter_issue.id", ondelete="CASCADE"))
    subscriber_id: Mapped[int] = mapped_column(
        sa.ForeignKey("subscriber.id", ondelete="CASCADE"), index=True
    )
    # waiting: not queued yet; queued: in the outbox; skipped: left the list (or bounced)
    # before their turn; withdrawn: queued, then unsubscribed before it left.
    status: Mapped[str] = mapped_column(sa.String(20), default="waiting")
    outbox_email_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("outbox_email.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# New blog posts by email: one row per email, like NewsletterDelivery, so that whatever
# runs at once or dies half-way a subscriber is sent each at most once.

ALERT_STATUSES = ("waiting", "queued", "skipped", "withdrawn")


class PostAlert(db.Model):
    """One post emailed to one "as published" subscriber once it became public."""

    __tablename__ = "post_alert"
    __table_args__ = (
        sa.UniqueConstraint("subscriber_id", "post_id"),
        sa.CheckConstraint(
            "status IN ('waiting', 'queued', 'skipped', 'withdrawn')", name="status"
        ),
        sa.Index("ix_post_alert_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(sa.ForeignKey("subscriber.id", ondelete="CASCADE"))
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("post.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(sa.String(20), default="waiting")  # as a delivery's
    outbox_email_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("outbox_email.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WeeklyDigest(db.Model):
    """One weekly subscriber's digest of one week: the posts made public after their
    previous digest (or their choice) and up to `covers_until`, the week's sending time."""

    __tablename__ = "weekly_digest"
    __table_args__ = (
        sa.UniqueConstraint("subscriber_id", "week_of"),
        sa.CheckConstraint(
            "status IN ('waiting', 'queued', 'skipped', 'withdrawn')", name="status"
        ),
        sa.Index("ix_weekly_digest_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(sa.ForeignKey("subscriber.id", ondelete="CASCADE"))
    week_of: Mapped[date]  # the local date the week's digests go out
    covers_until: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(sa.String(20), default="waiting")
    outbox_email_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("outbox_email.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
