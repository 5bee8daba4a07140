"""Query counts and render times of the public pages as the catalogue grows.

Run by hand: `make bench` (SQLite file) or with TEST_DATABASE_URL for PostgreSQL.
Not a test: it prints a table for bench/README.md.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time

from flask_migrate import upgrade

from clinicsite import create_app
from clinicsite.config import TestingConfig, normalise_database_url
from clinicsite.extensions import db
from tests.public.test_query_counts import PAGES, build_catalogue
from tests.support.app import empty_schema, queries_for_page

SIZES = (3, 30, 300)
RUNS = 20


def fresh_app():
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        url = normalise_database_url(url)
        empty_schema(url)
    else:
        url = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    settings = {"DATABASE_URL": url, "RATELIMIT_ENABLED": "false", "PAGE_CACHE_ENABLED": "false"}
    app = create_app(TestingConfig(settings))
    with app.app_context():
        upgrade()
    return app


def measure(size: int) -> dict[str, tuple[int, float]]:
    app = fresh_app()
    slugs = build_catalogue(app, size)
    client = app.test_client()
    results = {}
    for name, url_for_slugs in PAGES.items():
        url = url_for_slugs(slugs)
        count = queries_for_page(app, client, url)
        timings = []
        for _ in range(RUNS):
            start = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        results[name] = (count, statistics.median(timings))
    with app.app_context():
        db.engine.dispose()
    return results


def main() -> None:
    by_size = {size: measure(size) for size in SIZES}
    header = "| page | " + " | ".join(f"{s} items: queries, median ms" for s in SIZES) + " |"
    print(header)
    print("|" + "---|" * (len(SIZES) + 1))
    for name in PAGES:
        cells = [f"{by_size[s][name][0]}, {by_size[s][name][1]:.1f}" for s in SIZES]
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
