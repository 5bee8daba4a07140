"""Render times of the public pages that show staff-written Markdown, on the demo clinic.

Run by hand: `python -m bench.markdown_pages` (SQLite file; set TEST_DATABASE_URL for
PostgreSQL). Not a test: it prints a table for bench/README.md (issue 11: Markdown stored
rendered instead of rendered on every request).
"""

from __future__ import annotations

import statistics
import time

import sqlalchemy as sa

from bench.query_counts import fresh_app
from clinicsite.demo.seed import load_demo
from clinicsite.extensions import db
from clinicsite.models import AreaService, ClinicSettings, Service, ServiceArea, Therapist
from clinicsite.text import render_markdown

RUNS = 50


def timed(call) -> tuple[float, float]:
    """Median milliseconds of RUNS calls after one warm-up: wall clock, and this process's
    CPU time (steadier on a shared machine, where other work stretches the wall clock)."""
    call()
    wall, cpu = [], []
    for _ in range(RUNS):
        start, start_cpu = time.perf_counter(), time.process_time()
        call()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def pages_and_sources(app) -> list[tuple[str, str, str]]:
    """(page, URL, the Markdown it shows) for the longest text of each kind in the demo."""
    with app.app_context():
        load_demo()
        service = max(db.session.scalars(sa.select(Service)), key=lambda s: len(s.description))
        area = max(db.session.scalars(sa.select(ServiceArea)), key=lambda a: len(a.intro))
        offering = max(db.session.scalars(sa.select(AreaService)), key=lambda o: len(o.body))
        therapist = max(db.session.scalars(sa.select(Therapist)), key=lambda t: len(t.bio))
        clinic = db.session.get(ClinicSettings, 1)
        return [
            ("service", f"/services/{service.slug}", service.description),
            ("area", f"/areas/{area.slug}", area.intro),
            (
                "area_service",
                f"/areas/{offering.area.slug}/{offering.service.slug}",
                offering.body,
            ),
            ("therapist", f"/therapists/{therapist.slug}", therapist.bio),
            ("home", "/", clinic.about),
        ]


def main() -> None:
    app = fresh_app()
    rows = pages_and_sources(app)
    client = app.test_client()
    print(f"| page | median ms of {RUNS} GETs: wall, CPU | its Markdown: chars, CPU ms to render |")
    print("|---|---|---|")
    for name, url, source in rows:
        assert client.get(url).status_code == 200, url
        wall, cpu = timed(lambda url=url: client.get(url))
        _, markdown_cpu = timed(lambda source=source: render_markdown(source))
        print(f"| {name} `{url}` | {wall:.2f}, {cpu:.2f} | {len(source)}, {markdown_cpu:.3f} |")
    with app.app_context():
        db.engine.dispose()


if __name__ == "__main__":
    main()
