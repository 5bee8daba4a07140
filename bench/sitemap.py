"""The sitemap and the Atom feed on a large blog: 5,000 posts of ~800 words, 50 areas.

Run by hand: `python -m bench.sitemap` (SQLite file) or with TEST_DATABASE_URL for
PostgreSQL. Not a test: it prints one line per URL (queries, bytes, median ms).
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import timedelta

import sqlalchemy as sa

from bench.query_counts import fresh_app  # the page cache off: every request renders
from clinicsite import clock
from clinicsite.blog import posts as blog_posts
from clinicsite.extensions import db
from clinicsite.models import Post, post_category, post_tag
from tests.support.app import queries_for_page
from tests.support.blog_factories import make_category, make_tag
from tests.support.factories import make_area, make_clinic, make_region, make_service

WORDS = (
    "Neuromuscular therapy works on trigger points, the tight knots in a muscle that refer "
    "pain elsewhere; a session eases them with steady pressure and slow stretching. "
)


def build(app, posts: int, areas: int) -> None:
    """`areas` areas offering 5 of 10 services each, and `posts` public posts of ~800 words
    in 2 of 8 categories with 1-3 of 20 tags (inserted in bulk: the editor's rendering of
    one body is reused)."""
    with app.app_context():
        make_clinic()
        services = [make_service() for _ in range(10)]
        regions = [make_region() for _ in range(3)]
        for i in range(areas):
            make_area(region=regions[i % 3], services=services[i % 5 : i % 5 + 5])
        categories = [make_category() for _ in range(8)]
        tags = [make_tag() for _ in range(20)]
        db.session.flush()
        sample = Post(body=(WORDS * 30 + "\n\n") * 2)  # ~810 words
        blog_posts.render(sample)
        now = clock.now()
        rows = [
            dict(
                slug=f"post-{i}",
                title=f"Post number {i}",
                summary=f"What post {i} is about.",
                body=sample.body,
                body_html=sample.body_html,
                reading_minutes=sample.reading_minutes,
                status="published",
                published_at=now - timedelta(hours=i + 1),
                created_at=now - timedelta(hours=i + 1),
                updated_at=now - timedelta(hours=i + 1),
            )
            for i in range(posts)
        ]
        db.session.execute(sa.insert(Post), rows)
        ids = db.session.scalars(sa.select(Post.id).order_by(Post.id)).all()
        db.session.execute(
            sa.insert(post_category),
            [
                {"post_id": pid, "category_id": categories[(i + k) % 8].id}
                for i, pid in enumerate(ids)
                for k in range(2)
            ],
        )
        db.session.execute(
            sa.insert(post_tag),
            [
                {"post_id": pid, "tag_id": tags[(i + k) % 20].id}
                for i, pid in enumerate(ids)
                for k in range(i % 3 + 1)
            ],
        )
        db.session.commit()


def measure(app, url: str, runs: int) -> tuple[int, int, float, float]:
    """Queries, bytes, median wall-clock ms and median CPU ms of this process (the database
    server's work excluded; steadier than wall-clock time on shared CPUs)."""
    client = app.test_client()
    queries = queries_for_page(app, client, url)
    size = len(client.get(url).data)
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        client.get(url)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return queries, size, statistics.median(wall), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=5000)
    parser.add_argument("--areas", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--max-urls", type=int, help="URLs per sitemap file (index past it)")
    parser.add_argument("urls", nargs="*", default=["/sitemap.xml", "/blog/feed.xml"])
    args = parser.parse_args()
    if args.max_urls:
        from clinicsite.public import sitemap

        sitemap.MAX_URLS = args.max_urls
    app = fresh_app()
    build(app, args.posts, args.areas)
    with app.app_context():
        dialect = db.engine.dialect.name
    print(f"{dialect}, {args.posts} posts, {args.areas} areas, median of {args.runs}")
    print("| URL | queries | bytes | median ms | median CPU ms |")
    print("|---|---|---|---|---|")
    for url in args.urls:
        queries, size, ms, cpu = measure(app, url, args.runs)
        print(f"| {url} | {queries} | {size:,} | {ms:.0f} | {cpu:.0f} |")
    with app.app_context():
        db.engine.dispose()


if __name__ == "__main__":
    main()
