"""The site and the hello-world app under gunicorn with production's settings, and the
databases they run on. Processes are started and stopped as the production rehearsal does
(tests/rehearsal/conftest.py): each in its own process group, ended with it, and ended when
this process dies, even by SIGKILL."""

from __future__ import annotations

import atexit
import contextlib
import os
import secrets
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from tests.rehearsal.conftest import (
    BIN,
    ROOT,
    _own_group_ended_with_us,
    _stop,
    free_port,
    release,
    wait_until_up,
)
from tests.rehearsal.standin import StripeStandIn

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432")
CONFIG = str(Path(__file__).with_name("gunicorn.conf.py"))  # production's, access log off
WORKERS, THREADS = 2, 4

_started: list[subprocess.Popen] = []


@atexit.register
def _stop_all() -> None:
    for process in list(_started):
        _stop(process)


def exit_on_sigterm() -> None:
    """Make SIGTERM (a `kill`, a CI timeout) run the `finally` blocks that stop servers."""

    def leave(signum, frame) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, leave)


@dataclass
class Server:
    url: str
    env: dict[str, str]
    process: subprocess.Popen
    log: Path


def database(kind: str, work: Path) -> str:
    """An empty database for `kind`: a new SQLite file, or a PostgreSQL database of its own
    (bench_demo, bench_large, or BENCH_DEMO_DB / BENCH_LARGE_DB: their `public` schema is
    rebuilt)."""
    if kind == "sqlite":
        return f"sqlite:///{work / 'bench.sqlite3'}"
    name = {
        "postgres": os.environ.get("BENCH_DEMO_DB", "bench_demo"),
        "large": os.environ.get("BENCH_LARGE_DB", "bench_large"),
    }[kind]
    admin = sa.create_engine(f"{POSTGRES_URL}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"{POSTGRES_URL}/{name}"


def production_env(database_url: str, stripe: StripeStandIn, work: Path) -> dict[str, str]:
    """CLINICSITE_ENV=production with test secrets, Redis for the rate limits (and for the
    page cache on PostgreSQL), the Stripe SDK pointed at the local stand-in and mail
    written to files (nothing leaves the host); the site's port chosen now, as the release
    step needs SITE_URL."""
    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(work)),
        "LANG": "C.UTF-8",
        "FLASK_APP": "wsgi",
        "CLINICSITE_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "DATABASE_URL": database_url,
        "SITE_URL": f"http://127.0.0.1:{port}",
        "PORT": str(port),
        "WEB_CONCURRENCY": str(WORKERS),
        "GUNICORN_THREADS": str(THREADS),
        "LOG_LEVEL": "info",  # wait_until_up counts the "Booting worker" lines
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        # As behind production's proxy: the booking load's clients each have an address.
        "PROXY_FIX_X_FOR": "1",
        "PAYMENT_GATEWAY": "stripe",
        "STRIPE_SECRET_KEY": "sk_test_bench_" + secrets.token_hex(12),
        "STRIPE_WEBHOOK_SECRET": stripe.webhook_secret,
        "STRIPE_API_BASE": stripe.url,
        "STRIPE_CHECKOUT_ORIGIN": stripe.checkout_origin,
        "MAIL_BACKEND": "files",
        "MAIL_FILE_DIR": str(work / "outbox"),
        "UPLOAD_DIR": str(work / "uploads"),
    }
    if database_url.startswith("postgresql"):
        # As production runs: pages shared by every worker in Redis (a hit is one Redis
        # round trip, no query). The demo on SQLite keeps the embedded default, memory.
        env["PAGE_CACHE_URL"] = REDIS_URL
    return env


def prepare(kind: str, env: dict[str, str]) -> None:
    """The release step: migrations and the demo clinic (the large set adds its rows)."""
    if kind == "large":
        from bench.large_data import build

        build(env["DATABASE_URL"])
        return
    if env["DATABASE_URL"].startswith("postgresql"):
        from tests.support.app import empty_schema

        empty_schema(env["DATABASE_URL"])
    staff = secrets.token_urlsafe(12)
    release(env, ("admin@example.org", staff), ("editor@example.org", staff))


@contextlib.contextmanager
def gunicorn(app: str, env: dict[str, str], work: Path, own_port: bool = False) -> Iterator[Server]:
    """`gunicorn -c <production's config, access log off> <app>` on env's PORT, or on a free
    port of its own."""
    port = free_port() if own_port else int(env["PORT"])
    env = {**env, "PORT": str(port), "SITE_URL": f"http://127.0.0.1:{port}"}
    log = work / f"gunicorn-{app.replace(':', '-')}-{port}.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(  # noqa: S603
            [str(BIN / "gunicorn"), "-c", CONFIG, app],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=_own_group_ended_with_us,
        )
    _started.append(process)
    try:
        wait_until_up(f"http://127.0.0.1:{port}", process, log, workers=WORKERS)
        yield Server(f"http://127.0.0.1:{port}", env, process, log)
    finally:
        _stop(process)
        _started.remove(process)


def workdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="bench-pages-"))


def flush_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL, socket_timeout=3).flushdb()
