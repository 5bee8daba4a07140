"""Render times of the public pages that show staff-written Markdown, on the demo clinic:
the stored HTML printed (now) against the Markdown rendered on every request (before
issue 11).

Run by hand: `python -m bench.markdown_pages` (SQLite file; set TEST_DATABASE_URL for
PostgreSQL). Not a test: it prints a table for bench/README.md. Both ways run in one
process on one database, their GETs alternating, so a busy machine slows both alike.
"""

from __future__ import annotations

import re
import statistics
import time

import sqlalchemy as sa
from jinja2 import ChoiceLoader, DictLoader

from bench.query_counts import fresh_app
from clinicsite import create_app
from clinicsite.config import TestingConfig
from clinicsite.demo.seed import load_demo
from clinicsite.extensions import db
from clinicsite.models import AreaService, Service, ServiceArea, Therapist
from clinicsite.text import render_markdown

RUNS = 50

# template: (what it prints now, what it printed before: the Markdown rendered per request)
BEFORE = {
    "public/service.html": ("service.description_html | safe", "service.description | markdown"),
    "public/area.html": ("area.intro_html | safe", "area.intro | markdown"),
    "public/area_service.html": ("offering.body_html | safe", "offering.body | markdown"),
    "public/therapist.html": ("therapist.bio_html | safe", "therapist.bio | markdown"),
    "public/index.html": ("clinic.about_html | safe", "clinic.about | markdown"),
}


def demo_pages(app) -> list[tuple[str, str]]:
    """(page, URL) for the longest text of each kind in the demo."""
    with app.app_context():
        load_demo()
        service = max(db.session.scalars(sa.select(Service)), key=lambda s: len(s.description))
        area = max(db.session.scalars(sa.select(ServiceArea)), key=lambda a: len(a.intro))
        offering = max(db.session.scalars(sa.select(AreaService)), key=lambda o: len(o.body))
        therapist = max(db.session.scalars(sa.select(Therapist)), key=lambda t: len(t.bio))
        return [
            ("service", f"/services/{service.slug}"),
            ("area", f"/areas/{area.slug}"),
            ("area_service", f"/areas/{offering.area.slug}/{offering.service.slug}"),
            ("therapist", f"/therapists/{therapist.slug}"),
            ("home", "/"),
        ]


def rendering_per_request(database_url: str):
    """The app on the same database, its templates rendering the Markdown as before."""
    app = create_app(TestingConfig({"DATABASE_URL": database_url, "RATELIMIT_ENABLED": "false"}))
    env = app.jinja_env
    env.filters["markdown"] = render_markdown
    sources = {}
    for name, (now, before) in BEFORE.items():
        source = env.loader.get_source(env, name)[0]
        assert now in source, name
        sources[name] = source.replace(now, before)
    env.loader = ChoiceLoader([DictLoader(sources), env.loader])
    return app


def alternating(before, now) -> tuple[list[float], list[float], list[float], list[float]]:
    """Wall and CPU milliseconds of RUNS calls of each, alternating, after a warm-up."""
    before(), now()
    timings: tuple[list[float], ...] = ([], [], [], [])
    for _ in range(RUNS):
        for call, (wall, cpu) in ((before, timings[:2]), (now, timings[2:])):
            start, start_cpu = time.perf_counter(), time.process_time()
            call()
            wall.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
    return timings


def same_page(one, other) -> bool:
    """Both show the same page, but for their forms' CSRF tokens."""
    token = re.compile(r'name="csrf_token" value="[^"]*"')
    return token.sub("", one.get_data(as_text=True)) == token.sub("", other.get_data(as_text=True))


def main() -> None:
    app = fresh_app()
    pages = demo_pages(app)
    now = app.test_client()
    before = rendering_per_request(app.config["SQLALCHEMY_DATABASE_URI"]).test_client()
    print(
        f"| page | Markdown per request: median ms of {RUNS} GETs, wall, CPU "
        "| stored HTML: wall, CPU | CPU saved |"
    )
    print("|---|---|---|---|")
    for name, url in pages:
        assert same_page(before.get(url), now.get(url)), url
        times = [
            statistics.median(t)
            for t in alternating(lambda u=url: before.get(u), lambda u=url: now.get(u))
        ]
        saved = (times[1] - times[3]) / times[1] * 100
        print(
            f"| {name} `{url}` | {times[0]:.2f}, {times[1]:.2f} | {times[2]:.2f}, {times[3]:.2f} "
            f"| {saved:.1f}% |"
        )
    with app.app_context():
        db.engine.dispose()


if __name__ == "__main__":
    main()
