"""Requests per second of the public pages under gunicorn with production's settings, as a
ratio to a Flask hello-world run the same way in the same run, and full bookings per second.

    .venv/bin/python -m bench.pages --db sqlite --db postgres --db large [--gzip]

For each database (the demo on a new SQLite file; the demo on PostgreSQL `bench_demo`; the
large set of bench/large_data.py on PostgreSQL `bench_large`; both PostgreSQL databases are
emptied and rebuilt) it runs the release step, then the site (`wsgi:app`) and bench/hello.py
side by side under gunicorn (production's gunicorn.conf.py: 2 workers x 4 threads, access
log off) with CLINICSITE_ENV=production, Redis for rate limits and the Stripe stand-in of
the production rehearsal. wrk (`-t2 -c16 -d10s --latency --timeout 30s`, each run followed
by a pause while the server finishes what it had taken) then runs hello, every page, hello,
every page, ... (3 rounds), so slow drift of a shared machine hits all alike; each figure is
the median of the rounds, and the ratio the median of each round's page over that round's
hello. With `--uncached`, a third gunicorn runs the site with PAGE_CACHE_ENABLED=false and
every page but the static file is timed on it too, after the cached ones ("<page>,
uncached": what the first visitor after an edit costs). On PostgreSQL the page cache is
Redis (as in production), on SQLite each worker's memory. Last, threads book times in full
(bench/bookings.py). Prints Markdown tables.
Not a test: figures go in bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import statistics
import sys
import urllib.request
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from bench import bookings, servers, wrk
from clinicsite.blog.posts import newest_first, public_condition
from clinicsite.config import normalise_database_url
from clinicsite.models import Post
from tests.rehearsal.standin import StripeStandIn

SERVICE, AREA = "neuromuscular-therapy", "hermosa-beach"  # in the demo and the large set


def pages(database_url: str) -> dict[str, str]:
    """page name -> path, with slugs and today's date read from the database."""
    engine = sa.create_engine(normalise_database_url(database_url))
    with engine.connect() as conn:
        zone = conn.scalar(sa.text("SELECT timezone FROM clinic_settings WHERE id = 1"))
        query = sa.select(Post.slug).where(public_condition(datetime.now(UTC)))
        newest = conn.scalar(newest_first(query).limit(1))
    engine.dispose()
    now = datetime.now(ZoneInfo(zone))
    return {
        "home": "/",
        "service": f"/services/{SERVICE}",
        "area": f"/areas/{AREA}",
        "area + service": f"/areas/{AREA}/{SERVICE}",
        "blog index": "/blog/",
        "blog post (newest)": f"/blog/{newest}",
        "blog feed": "/blog/feed.xml",
        "sitemap": "/sitemap.xml",
        "booking: choose a length": f"/book/?service={SERVICE}",
        "availability API, 14 days, all": (
            f"/api/availability?service={SERVICE}&date={now.date().isoformat()}&days=14"
        ),
        "static CSS": "/static/css/site.css",
    }


def check(base: str, paths: dict[str, str], gzip: bool) -> list[str]:
    """Every page answers 200 before it is timed (and its first-request work is done);
    the pages that came compressed."""
    compressed = []
    for name, path in paths.items():
        request = urllib.request.Request(base + path)  # noqa: S310 (http to our own server)
        if gzip:
            request.add_header("Accept-Encoding", "gzip")
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            if response.status != 200:
                raise SystemExit(f"{name} ({path}) answered {response.status}")
            if response.headers.get("Content-Encoding"):
                compressed.append(name)
    return compressed


def measure(kind: str, args) -> dict:
    work = servers.workdir()
    with StripeStandIn() as stripe:  # no site_url: webhooks are sent by bench/bookings.py
        url = servers.database(kind, work)
        env = servers.production_env(url, stripe, work)
        print(f"[{kind}] preparing {url}", file=sys.stderr)
        servers.prepare(kind, env)
        servers.flush_redis()
        paths = pages(url)
        with (
            servers.gunicorn("bench.hello:app", env, work, own_port=True) as hello,
            servers.gunicorn("wsgi:app", env, work) as site,
            _uncached_site(args, env, work) as uncached,
        ):
            compressed = check(site.url, paths, args.gzip)
            rendered = {n: p for n, p in paths.items() if not p.startswith("/static/")}
            if uncached is not None:
                check(uncached.url, rendered, args.gzip)
            rounds = []
            for n in range(args.rounds):
                print(f"[{kind}] round {n + 1} of {args.rounds}", file=sys.stderr)
                rounds.append(
                    {
                        "hello": wrk.run(hello.url + "/", args.seconds, args.gzip),
                        **{
                            name: wrk.run(site.url + path, args.seconds, args.gzip)
                            for name, path in paths.items()
                        },
                        **{
                            f"{name}, uncached": wrk.run(
                                uncached.url + path, args.seconds, args.gzip
                            )
                            for name, path in (rendered.items() if uncached else ())
                        },
                    }
                )
            slots = bookings.free_starts(site.url, 45, _first_booking_day(url))[: args.bookings]
            print(f"[{kind}] {len(slots)} bookings", file=sys.stderr)
            booked = bookings.load(site.url, stripe, slots, args.threads)
    shutil.rmtree(work)  # kept, with gunicorn's logs, when something failed
    return {"rounds": rounds, "bookings": booked, "paths": paths, "compressed": compressed}


def _uncached_site(args, env: dict[str, str], work):
    """The site with its page cache off, on a port of its own (or nothing)."""
    if not args.uncached:
        return contextlib.nullcontext()
    return servers.gunicorn("wsgi:app", {**env, "PAGE_CACHE_ENABLED": "false"}, work, True)


def _first_booking_day(database_url: str) -> str:
    """The day after tomorrow in the clinic's zone: past the minimum notice for any time."""
    engine = sa.create_engine(normalise_database_url(database_url))
    with engine.connect() as conn:
        zone = conn.scalar(sa.text("SELECT timezone FROM clinic_settings WHERE id = 1"))
    engine.dispose()
    return (datetime.now(ZoneInfo(zone)).date() + timedelta(days=2)).isoformat()


def table(kind: str, result: dict) -> str:
    rounds = result["rounds"]
    compressed = ", ".join(result["compressed"]) or "none"
    lines = [
        f"{kind}: median of {len(rounds)} rounds; answered compressed: {compressed}",
        "",
        "| page | req/s | × hello | p50 ms | p99 ms |",
        "|---|---|---|---|---|",
    ]
    for name in rounds[0]:
        runs = [r[name] for r in rounds]
        ratio = statistics.median(
            r[name].requests_per_second / r["hello"].requests_per_second for r in rounds
        )
        bad = sum(r.bad for r in runs)
        lines.append(
            f"| {name}{f' ({bad} errors)' if bad else ''} "
            f"| {_figure(statistics.median(r.requests_per_second for r in runs))} "
            f"| {_ratio(ratio)} "
            f"| {statistics.median(r.p50_ms for r in runs):.1f} "
            f"| {statistics.median(r.p99_ms for r in runs):.1f} |"
        )
    b = result["bookings"]
    steps = ", ".join(f"{step} {ms:.0f}" for step, ms in b["median_ms"].items())
    lines += [
        "",
        f"Bookings: {b['bookings']} in {b['seconds']:.1f} s = {b['per_second']:.1f}/s "
        f"({len(b['failures'])} failed; median ms: {steps})",
    ]
    lines += [f"  failure: {f}" for f in b["failures"][:5]]
    return "\n".join(lines)


def _figure(value: float) -> str:
    """Whole numbers, except below 10, where a slow page's 2.6 req/s must not read as 0."""
    return f"{value:,.0f}" if value >= 10 else f"{value:.1f}"


def _ratio(value: float) -> str:
    return f"{value:.3f}" if value >= 0.01 else f"{value:.4f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", action="append", choices=("sqlite", "postgres", "large"))
    parser.add_argument("--seconds", type=int, default=10, help="of each wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--gzip", action="store_true", help="wrk sends Accept-Encoding: gzip")
    parser.add_argument("--bookings", type=int, default=120, help="full bookings to make")
    parser.add_argument("--threads", type=int, default=4, help="booking clients at once")
    parser.add_argument("--json", help="also write every round's figures to this file")
    parser.add_argument(
        "--uncached", action="store_true", help="also time every page with the page cache off"
    )
    args = parser.parse_args()
    if not wrk.available():
        parser.error("wrk is missing: apt-get install -y wrk")
    servers.exit_on_sigterm()
    print(
        f"wrk -t2 -c16 -d{args.seconds}s --latency"
        + (" -H 'Accept-Encoding: gzip'" if args.gzip else " (no Accept-Encoding)")
    )
    results = {}
    for kind in args.db or ["sqlite", "postgres", "large"]:
        results[kind] = measure(kind, args)
        print("\n" + table(kind, results[kind]), flush=True)
        if args.json:  # after each database: a later failure keeps the figures so far
            with open(args.json, "w") as out:
                json.dump(results, out, indent=1, default=vars)


if __name__ == "__main__":
    main()
