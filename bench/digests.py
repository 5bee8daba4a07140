"""What `flask newsletter send-due` costs each minute for new-post emails and digests.

    .venv/bin/python -m bench.digests [DATABASE_URL]

(default: a temporary SQLite file; a PostgreSQL URL has its `public` schema DROPPED and
rebuilt). 20,000 confirmed subscribers, a third "as published", a third "weekly", a third
none; 500 posts over the past year and 3 in the last day. Times, median of 5 runs: the
"who is due" step on a quiet minute (everyone has had their emails: what cron pays every
minute), and the first run after the week's digest time, recording every row and queueing
a batch of 200.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_migrate import upgrade

from clinicsite.config import normalise_database_url
from clinicsite.extensions import db
from clinicsite.models import Post, PostAlert, Subscriber, WeeklyDigest
from clinicsite.newsletter import digests
from tests.support.app import empty_schema, make_app
from tests.support.factories import make_clinic

LA = ZoneInfo("America/Los_Angeles")
MONDAY = datetime(2026, 12, 7, 16, 0, tzinfo=UTC)  # 08:00 in Los Angeles
SUBSCRIBERS = 20_000


def populate() -> None:
    make_clinic(name="Bench Clinic")
    since = MONDAY - timedelta(days=400)
    choices = ("as_published", "weekly", "none")
    db.session.execute(
        sa.insert(Subscriber),
        [
            {
                "email": f"reader{n}@example.org",
                "status": "confirmed",
                "token": f"token-{n}",
                "source": "/",
                "created_at": since,
                "confirmed_at": since,
                "post_updates": choices[n % 3],
                "post_updates_since": since,
            }
            for n in range(SUBSCRIBERS)
        ],
    )
    old = [MONDAY - timedelta(days=365) + timedelta(hours=17 * n) for n in range(500)]
    new = [MONDAY - timedelta(hours=h) for h in (20, 9, 1)]
    db.session.execute(
        sa.insert(Post),
        [
            {
                "slug": f"post-{n}",
                "title": f"Post {n}",
                "summary": "A summary.",
                "body": "Text.",
                "body_html": "<p>Text.</p>",
                "status": "published",
                "published_at": at,
            }
            for n, at in enumerate(old + new)
        ],
    )
    db.session.commit()


def timed(step) -> float:
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        step()
        db.session.rollback()
        runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs)


def main(url: str) -> None:
    if url.startswith("postgresql"):
        empty_schema(url)
    app = make_app(url, RATELIMIT_ENABLED="false")
    with app.app_context():
        upgrade()
        populate()
        if db.engine.dialect.name == "postgresql":
            # As autovacuum would soon after a bulk load: with no statistics the planner
            # loops over every post for every weekly subscriber (1.4 s instead of 40 ms).
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
        week_of, until = digests.digest_week(MONDAY, LA)
        first = timed(
            lambda: (
                digests.add_post_alerts(MONDAY),
                digests.add_weekly_digests(week_of, until, MONDAY),
            )
        )
        started = time.perf_counter()
        report = digests.send_due(MONDAY, 200, LA)
        full = (time.perf_counter() - started) * 1000
        alerts = db.session.scalar(sa.select(sa.func.count()).select_from(PostAlert))
        weekly = db.session.scalar(sa.select(sa.func.count()).select_from(WeeklyDigest))
        # Everyone's rows are recorded: a later minute finds nobody new.
        later = MONDAY + timedelta(minutes=30)
        quiet = timed(
            lambda: (
                digests.add_post_alerts(later),
                digests.add_weekly_digests(week_of, until, later),
            )
        )
        print(f"database: {db.engine.dialect.name}, {SUBSCRIBERS:,} subscribers, 503 posts")
        print(f"recording who is due at the digest time (rolled back): {first:.0f} ms")
        print(
            f"first run: {alerts:,} post alerts and {weekly:,} digests recorded, {report}: "
            f"{full:.0f} ms"
        )
        print(f"a quiet minute afterwards (who is due: nobody): {quiet:.0f} ms")


if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 else f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    main(normalise_database_url(target))
