"""New blog posts by email, queued by `flask newsletter send-due` (the cron run that sends
issues) for subscribers who asked for them on their preferences page or at sign-up:

- "as published": one email per post, once the post is public (a scheduled post only once
  its time has come), never twice: one `post_alert` row per (subscriber, post), unique;
- "weekly": one digest a week, sent from DIGEST_TIME on DIGEST_WEEKDAY in the clinic's
  zone, listing the posts made public since their previous digest (or since they chose
  weekly) up to that moment; none when there are none. One `weekly_digest` row per
  (subscriber, week), unique; the next digest starts where this one's `covers_until` ends.

The rows are written first, by INSERT ... SELECT ... ON CONFLICT DO NOTHING, then each is
claimed by a conditional UPDATE before its email is queued in the outbox (keyed once more,
`newsletter-post:<post>:<subscriber>` and `newsletter-weekly:<week>:<subscriber>`), one
transaction per batch: as with issues (sending.py), runs at the same moment or a rerun
after a crash send nobody anything twice. Only posts made public after the subscriber made
their choice count, so choosing never mails the archive; a post is announced singly only
within ANNOUNCE_WITHIN of going public, so a cron stopped for weeks does not flood inboxes
when it starts again (the weekly digest still lists it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from clinicsite import notifications
from clinicsite.blog.posts import is_public, public_condition
from clinicsite.extensions import db
from clinicsite.models import OutboxEmail, Post, PostAlert, Subscriber, WeeklyDigest
from clinicsite.models.types import UTCDateTime
from clinicsite.newsletter.sending import insert_missing, on_the_list
from clinicsite.notifications.links import Links

ANNOUNCE_WITHIN = timedelta(days=3)
DIGEST_WEEKDAY = 0  # Monday
DIGEST_TIME = time(8, 0)  # local; never inside a DST gap (those are at 2 a.m.)


@dataclass
class DigestReport:
    posts_queued: int = 0
    digests_queued: int = 0
    skipped: int = 0

    def __str__(self) -> str:
        return (
            f"queued {self.posts_queued} new-post emails and {self.digests_queued} weekly "
            f"digests, skipped {self.skipped} no longer wanted"
        )


def post_key(post_id: int, subscriber_id: int) -> str:
    return f"newsletter-post:{post_id}:{subscriber_id}"


def digest_key(week_of: date, subscriber_id: int) -> str:
    return f"newsletter-weekly:{week_of.isoformat()}:{subscriber_id}"


def digest_week(now: datetime, tz: ZoneInfo) -> tuple[date, datetime]:
    """The latest weekly sending time at or before `now`: its local date and the moment
    (UTC), which is also where that week's digests stop listing posts."""
    local = now.astimezone(tz)
    day = local.date() - timedelta(days=(local.weekday() - DIGEST_WEEKDAY) % 7)
    moment = datetime.combine(day, DIGEST_TIME, tz)
    if moment > now:
        day -= timedelta(days=7)
        moment = datetime.combine(day, DIGEST_TIME, tz)
    return day, moment.astimezone(UTC)


def send_due(now: datetime, budget: int, tz: ZoneInfo, links: Links | None = None) -> DigestReport:
    """Record the new-post emails and digests now due, and queue up to `budget` of them;
    commits as it goes. Safe to run in several processes at once."""
    add_post_alerts(now)
    week_of, covers_until = digest_week(now, tz)
    add_weekly_digests(week_of, covers_until, now)
    db.session.commit()
    report = DigestReport()
    if budget > 0:
        queued, skipped = queue_post_alerts(waiting(PostAlert, budget), now, links)
        db.session.commit()
        report.posts_queued, report.skipped = queued, skipped
        budget -= queued + skipped
    if budget > 0:
        queued, skipped = queue_digests(waiting(WeeklyDigest, budget), now, links)
        db.session.commit()
        report.digests_queued, report.skipped = queued, report.skipped + skipped
    return report


# ---- Who is due what ---------------------------------------------------------------------


def stamp(moment: datetime):
    """A moment as a value to INSERT ... SELECT, stored as the models store it."""
    return sa.literal(moment, UTCDateTime())


def after_their_choice():
    """Posts made public after the subscriber chose their post updates and confirmed."""
    return sa.and_(
        Post.published_at > Subscriber.post_updates_since,
        Post.published_at > Subscriber.confirmed_at,
    )


def add_post_alerts(now: datetime) -> None:
    """A waiting alert for each "as published" subscriber on the list and each post that
    went public lately, after their choice; none twice."""
    rows = sa.select(Subscriber.id, Post.id, sa.literal("waiting"), stamp(now)).where(
        on_the_list(),
        Subscriber.post_updates == "as_published",
        public_condition(now),
        Post.published_at > now - ANNOUNCE_WITHIN,
        after_their_choice(),
        # Left out before the insert, so that a quiet minute writes nothing; the unique
        # pair (ON CONFLICT) still decides between runs at the same moment.
        ~sa.exists().where(PostAlert.subscriber_id == Subscriber.id, PostAlert.post_id == Post.id),
    )
    columns = ["subscriber_id", "post_id", "status", "created_at"]
    insert_missing(PostAlert, columns, rows, ["subscriber_id", "post_id"])


def last_covered():
    """The end of the subscriber's latest digest (NULL before their first)."""
    return (
        sa.select(sa.func.max(WeeklyDigest.covers_until))
        .where(WeeklyDigest.subscriber_id == Subscriber.id)
        .scalar_subquery()
    )


def add_weekly_digests(week_of: date, covers_until: datetime, now: datetime) -> None:
    """A waiting digest of this week for each weekly subscriber on the list who has at
    least one post to read: public by `covers_until`, after their choice, their
    confirmation and their previous digest."""
    # One lower bound, not three conditions, so the post index is searched from it: on a
    # quiet minute (this week's digests recorded) each subscriber costs one index probe.
    start = latest(
        sa.func.coalesce(last_covered(), Subscriber.confirmed_at),
        sa.func.coalesce(Subscriber.post_updates_since, Subscriber.confirmed_at),
        Subscriber.confirmed_at,
    )
    something_new = (
        sa.exists()
        .where(public_condition(covers_until), Post.published_at > start)
        .correlate(Subscriber)
    )
    rows = sa.select(
        Subscriber.id,
        sa.literal(week_of, sa.Date()),
        stamp(covers_until),
        sa.literal("waiting"),
        stamp(now),
    ).where(on_the_list(), Subscriber.post_updates == "weekly", something_new)
    columns = ["subscriber_id", "week_of", "covers_until", "status", "created_at"]
    insert_missing(WeeklyDigest, columns, rows, ["subscriber_id", "week_of"])


def latest(*moments):
    """The latest of some moments, none of them NULL: PostgreSQL's greatest(), SQLite's
    max() of several arguments."""
    dialect = db.session.get_bind(mapper=Subscriber).dialect.name
    return (sa.func.greatest if dialect == "postgresql" else sa.func.max)(*moments)


def waiting(model: type[PostAlert] | type[WeeklyDigest], limit: int) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(model.id).where(model.status == "waiting").order_by(model.id).limit(limit)
        )
    )


# ---- Queueing ----------------------------------------------------------------------------


def queue_post_alerts(
    alert_ids: list[int], now: datetime, links: Links | None = None
) -> tuple[int, int]:
    """Queue the email of each alert still waiting, in the caller's transaction; skip those
    whose subscriber has left the list or changed their mind, or whose post is no longer
    public. Returns (queued, skipped)."""
    rows = db.session.execute(
        sa.select(PostAlert, Subscriber, Post)
        .join(Subscriber, Subscriber.id == PostAlert.subscriber_id)
        .join(Post, Post.id == PostAlert.post_id)
        .where(PostAlert.id.in_(alert_ids))
        .order_by(PostAlert.id)
    ).all()
    queued = skipped = 0
    for alert, subscriber, post in rows:
        wanted = still_wants(subscriber, "as_published") and is_public(post, now)
        if not claim(PostAlert, alert.id, "queued" if wanted else "skipped", now):
            continue  # another run took it
        if not wanted:
            skipped += 1
            continue
        key = post_key(post.id, subscriber.id)
        email = notifications.newsletter_post(post, subscriber, key=key, links=links)
        link_email(PostAlert, alert.id, email, key)
        queued += 1
    return queued, skipped


def queue_digests(
    digest_ids: list[int], now: datetime, links: Links | None = None
) -> tuple[int, int]:
    """Queue each waiting digest with the posts of its week still public; skip it when the
    subscriber left or changed their mind, or no post is left. Returns (queued, skipped)."""
    rows = db.session.execute(
        sa.select(WeeklyDigest, Subscriber)
        .join(Subscriber, Subscriber.id == WeeklyDigest.subscriber_id)
        .where(WeeklyDigest.id.in_(digest_ids))
        .order_by(WeeklyDigest.id)
    ).all()
    queued = skipped = 0
    for digest, subscriber in rows:
        posts = digest_posts(digest, subscriber) if still_wants(subscriber, "weekly") else []
        if not claim(WeeklyDigest, digest.id, "queued" if posts else "skipped", now):
            continue
        if not posts:
            skipped += 1
            continue
        key = digest_key(digest.week_of, subscriber.id)
        email = notifications.newsletter_weekly(
            posts, subscriber, key=key, week_of=digest.week_of, links=links
        )
        link_email(WeeklyDigest, digest.id, email, key)
        queued += 1
    return queued, skipped


def digest_posts(digest: WeeklyDigest, subscriber: Subscriber) -> list[Post]:
    """The posts a digest lists: public by its end, made public after the subscriber's
    choice, their confirmation and their previous digest; oldest first."""
    previous = db.session.scalar(
        sa.select(sa.func.max(WeeklyDigest.covers_until)).where(
            WeeklyDigest.subscriber_id == subscriber.id,
            WeeklyDigest.covers_until < digest.covers_until,
        )
    )
    starts = [t for t in (previous, subscriber.post_updates_since, subscriber.confirmed_at) if t]
    return list(
        db.session.scalars(
            sa.select(Post)
            .where(public_condition(digest.covers_until), Post.published_at > max(starts))
            .order_by(Post.published_at, Post.id)
        )
    )


def still_wants(subscriber: Subscriber, choice: str) -> bool:
    return (
        subscriber.status == "confirmed"
        and subscriber.bounced_at is None
        and subscriber.post_updates == choice
    )


def claim(model: type[PostAlert] | type[WeeklyDigest], row_id: int, status: str, now) -> bool:
    """Move a waiting row on; True for exactly one of any racing runs."""
    result = db.session.execute(
        sa.update(model)
        .where(model.id == row_id, model.status == "waiting")
        .values(status=status, queued_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def link_email(
    model: type[PostAlert] | type[WeeklyDigest], row_id: int, email: OutboxEmail | None, key: str
) -> None:
    """Point the row at its queued email (found by key if it was queued before)."""
    if email is None:
        email_id = db.session.scalar(sa.select(OutboxEmail.id).where(OutboxEmail.key == key))
    else:
        db.session.flush()
        email_id = email.id
    db.session.execute(
        sa.update(model)
        .where(model.id == row_id)
        .values(outbox_email_id=email_id)
        .execution_options(synchronize_session=False)
    )
