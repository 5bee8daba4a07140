"""A large clinic in PostgreSQL, for benchmarks: the demo, then years of content in bulk.

    .venv/bin/python -m bench.large_data postgresql+psycopg://postgres@127.0.0.1:5432/bench_large

(or the URL in BENCH_DATABASE_URL). The database's `public` schema is DROPPED and rebuilt by
the migrations, then the demo clinic is loaded (settings, services, studios, staff, demo
posts) and on top of it, with bulk inserts: 5,000 published posts of about 800 generated
words (stored HTML rendered by the blog's own renderer) with categories, tags and related
services, 50 service areas in 7 regions, 20 therapists with weekly hours, 50,000 past and
2,000 future appointments inside their therapists' hours (never overlapping, buffers
included) with their deposits' payments, and 2,000 approved comments. Same seed, same rows.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from types import SimpleNamespace

import sqlalchemy as sa
from flask_migrate import upgrade

from bench import large_text as text
from bench.large_schedule import appointment_rows, payment_rows
from clinicsite.blog.posts import render
from clinicsite.config import normalise_database_url
from clinicsite.demo import load_demo
from clinicsite.extensions import db
from clinicsite.models import (
    Appointment,
    AreaService,
    Category,
    Comment,
    Payment,
    Post,
    Region,
    ServiceArea,
    StaffUser,
    Tag,
    Therapist,
    WorkingHours,
)
from clinicsite.models.blog import post_category, post_service, post_tag
from clinicsite.models.therapists import therapist_service
from tests.support.app import empty_schema, make_app

POSTS, COMMENTS, THERAPISTS = 5_000, 2_000, 20


def build(url: str, seed: int = 2026) -> dict[str, int]:
    """Rebuild the database at `url` and load the large set; how many rows of each kind."""
    url = normalise_database_url(url)
    if not url.startswith("postgresql"):
        raise SystemExit("the large data set is for PostgreSQL (postgresql+psycopg://...)")
    empty_schema(url)
    app = make_app(url, RATELIMIT_ENABLED="false")
    with app.app_context():
        upgrade()
        load_demo()
        loader = Loader(random.Random(seed), datetime.now(UTC))
        with db.engine.begin() as conn:
            counts = loader.load(conn)
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("ANALYZE"))  # as autovacuum would, before pages are timed
        db.session.remove()
        db.engine.dispose()
    return counts


class Loader:
    def __init__(self, rng: random.Random, now: datetime) -> None:
        self.rng, self.now = rng, now
        self.counts: dict[str, int] = {}

    def insert(self, conn, table, rows: list[dict], chunk: int = 2_000) -> None:
        table = getattr(table, "__table__", table)
        for i in range(0, len(rows), chunk):
            conn.execute(table.insert(), rows[i : i + chunk])
        self.counts[table.name] = self.counts.get(table.name, 0) + len(rows)

    def next_id(self, conn, model) -> int:
        return (conn.scalar(sa.select(sa.func.max(model.id))) or 0) + 1

    def load(self, conn) -> dict[str, int]:
        service_ids = list(conn.scalars(sa.select(db.metadata.tables["service"].c.id)))
        self.areas(conn, service_ids)
        self.therapists(conn, service_ids)
        post_ids = self.posts(conn, service_ids)
        self.comments(conn, post_ids)
        appointments = appointment_rows(conn, self.rng, self.now, self.next_id(conn, Appointment))
        self.insert(conn, Appointment, appointments)
        self.insert(conn, Payment, payment_rows(appointments, self.next_id(conn, Payment)))
        for table in (
            "region",
            "service_area",
            "therapist",
            "working_hours",
            "post",
            "category",
            "tag",
            "comment",
            "appointment",
            "payment",
        ):
            # Ids were given explicitly: move each sequence past them (names from the list).
            sequence = f"pg_get_serial_sequence('{table}', 'id')"
            conn.execute(sa.text(f"SELECT setval({sequence}, (SELECT max(id) FROM {table}))"))  # noqa: S608
        return self.counts

    def areas(self, conn, service_ids: list[int]) -> None:
        rng, region_id, area_id = (
            self.rng,
            self.next_id(conn, Region),
            self.next_id(conn, ServiceArea),
        )
        regions, areas, offers = [], [], []
        for position, (name, cities) in enumerate(text.REGIONS.items(), start=10):
            regions.append(
                {
                    "id": region_id,
                    "slug": text.slugify(name),
                    "name": name,
                    "description": text.paragraph(rng, 40),
                    "position": position,
                }
            )
            for a_pos, city in enumerate(c.strip() for c in cities.split(",")):
                areas.append(
                    {
                        "id": area_id,
                        "slug": text.slugify(city),
                        "name": city,
                        "region_id": region_id,
                        "intro": text.post_body(rng, 150),
                        "postal_codes": f"9{rng.randint(1000, 3599):04d}",
                        "latitude": 33.6 + rng.random(),
                        "longitude": -118.9 + rng.random(),
                        "active": True,
                        "position": a_pos,
                        "updated_at": self.now,
                    }
                )
                for service_id in rng.sample(service_ids, rng.randint(3, len(service_ids))):
                    offers.append(
                        {
                            "area_id": area_id,
                            "service_id": service_id,
                            "body": text.post_body(rng, 120),
                            "updated_at": self.now,
                        }
                    )
                area_id += 1
            region_id += 1
        self.insert(conn, Region, regions)
        self.insert(conn, ServiceArea, areas)
        self.insert(conn, AreaService, offers)

    def therapists(self, conn, service_ids: list[int]) -> None:
        rng, first = self.rng, self.next_id(conn, Therapist)
        existing = conn.scalar(sa.select(sa.func.count()).select_from(Therapist))
        locations = list(conn.scalars(sa.text("SELECT id FROM location ORDER BY id")))
        therapists, skills, hours = [], [], []
        for n in range(THERAPISTS - existing):
            tid, name = first + n, text.person(rng)
            therapists.append(
                {
                    "id": tid,
                    "slug": f"{text.slugify(name)}-{tid}",
                    "name": name,
                    "title": "Licensed Massage Therapist",
                    "bio": text.post_body(rng, 200),
                    "photo": "",
                    "active": True,
                    "position": 10 + n,
                    "updated_at": self.now,
                    "schedule_version": 0,
                }
            )
            for service_id in rng.sample(service_ids, rng.randint(3, len(service_ids))):
                skills.append({"therapist_id": tid, "service_id": service_id})
            for weekday in sorted(rng.sample(range(6), rng.randint(4, 5))):
                opens = rng.choice((8, 9, 10))
                for start, end in ((opens, opens + 4), (opens + 5, opens + 9)):
                    hours.append(
                        {
                            "therapist_id": tid,
                            "location_id": rng.choice(locations),
                            "weekday": weekday,
                            "starts_at": clock_time(start),
                            "ends_at": clock_time(end),
                        }
                    )
        self.insert(conn, Therapist, therapists)
        self.insert(conn, therapist_service, skills)
        self.insert(conn, WorkingHours, hours)

    def posts(self, conn, service_ids: list[int]) -> list[int]:
        rng = self.rng
        author = conn.scalar(sa.select(StaffUser.id).where(StaffUser.role == "editor"))
        categories = self.terms(conn, Category, 12, description=True)
        tags = self.terms(conn, Tag, 60)
        first = self.next_id(conn, Post)
        posts, links = [], {post_category: [], post_tag: [], post_service: []}
        for n in range(POSTS):
            pid, title = first + n, text.title(rng)
            # Newest first every 8 hours or so: 5,000 posts reach back about 4.5 years.
            published = self.now - timedelta(hours=8 * n + 1, minutes=rng.randint(0, 300))
            post = SimpleNamespace(body=text.post_body(rng, 800))
            render(post)  # the blog's own Markdown renderer and sanitizer
            posts.append(
                {
                    "id": pid,
                    "slug": f"{text.slugify(title)}-{pid}",
                    "title": title,
                    "summary": text.sentence(rng),
                    "body": post.body,
                    "body_html": post.body_html,
                    "cover_image": None,
                    "cover_alt": "",
                    "seo_title": "",
                    "seo_description": "",
                    "status": "published",
                    "published_at": published,
                    "author_id": author,
                    "reading_minutes": post.reading_minutes,
                    "created_at": published,
                    "updated_at": published,
                }
            )
            for table, key, pool, k in (
                (post_category, "category_id", categories, (1, 2)),
                (post_tag, "tag_id", tags, (2, 4)),
                (post_service, "service_id", service_ids, (0, 2)),
            ):
                for other in rng.sample(pool, rng.randint(*k)):
                    links[table].append({"post_id": pid, key: other})
        self.insert(conn, Post, posts)
        for table, rows in links.items():
            self.insert(conn, table, rows)
        return [p["id"] for p in posts]

    def terms(self, conn, model, count: int, description: bool = False) -> list[int]:
        """`count` new categories or tags; the ids of all of them, the demo's included."""
        first, rows = self.next_id(conn, model), []
        for n in range(count):
            name = f"{self.rng.choice(text.THEMES)} {self.rng.choice(text.TOPICS)} {n}".lower()
            row = {"id": first + n, "slug": text.slugify(name), "name": name}
            if description:
                row["description"] = text.paragraph(self.rng, 25)
            rows.append(row)
        self.insert(conn, model, rows)
        return list(conn.scalars(sa.select(model.id)))

    def comments(self, conn, post_ids: list[int]) -> None:
        rng, first, rows = self.rng, self.next_id(conn, Comment), []
        published = dict(conn.execute(sa.select(Post.id, Post.published_at)).all())
        for n in range(COMMENTS):
            post_id = rng.choice(post_ids[:1500])  # readers comment on the newer posts
            posted = min(published[post_id] + timedelta(hours=rng.randint(1, 400)), self.now)
            name = text.person(rng)
            rows.append(
                {
                    "id": first + n,
                    "post_id": post_id,
                    "name": name,
                    "email": f"{text.slugify(name)}.{n}@example.net",
                    "body": text.paragraph(rng, 45),
                    "status": "approved",
                    "created_at": posted,
                    "moderated_at": posted,
                }
            )
        self.insert(conn, Comment, rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", nargs="?", default=os.environ.get("BENCH_DATABASE_URL"))
    args = parser.parse_args()
    if not args.url:
        parser.error("give a PostgreSQL URL (or set BENCH_DATABASE_URL)")
    started = time.monotonic()
    counts = build(args.url)
    print(", ".join(f"{table} {n:,}" for table, n in counts.items()))
    print(f"loaded in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
