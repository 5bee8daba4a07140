"""The production rehearsal: the site started as production starts it, driven by Chromium.

Once per session: the database named by REHEARSAL_DATABASE_URL is emptied (its `public`
schema dropped and rebuilt) and migrated with `flask db upgrade` (the release step), the demo
clinic loaded with `flask seed-demo --force`, an admin and an editor created with
`flask staff create`; the Redis database of RATELIMIT_STORAGE_URI is flushed; then
`gunicorn -c gunicorn.conf.py wsgi:app` runs with 2 workers and CLINICSITE_ENV=production,
the Stripe gateway pointed at a local stand-in (tests/rehearsal/standin.py) whose checkout
page lives on another origin, and SMTP to a local sink. Email is delivered by running
`flask outbox send` as cron would.

Without REHEARSAL_DATABASE_URL every rehearsal test is skipped (the normal `make test` does
not run them). With it, a missing Chromium or Redis skips them locally and fails under CI.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import itertools
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from clinicsite.config import normalise_database_url
from tests.browser.conftest import CHROMIUM, CHROMIUM_FLAGS, SCREENSHOTS
from tests.rehearsal.standin import StripeStandIn, WebhookPlan
from tests.support.smtp_sink import SMTPSink

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent  # the virtualenv's bin: gunicorn and flask live there
DEFAULT_REDIS = "redis://127.0.0.1:6379/5"
ADMIN = ("admin@example.org", "Rita Admin")
EDITOR = ("editor@example.org", "Eddie Editor")
WIDTHS = (360, 1280)
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _database_url() -> str:
    return os.environ.get("REHEARSAL_DATABASE_URL", "").strip()


def pytest_collection_modifyitems(config, items):
    if _database_url():
        return
    skip = pytest.mark.skip(reason="production rehearsal: set REHEARSAL_DATABASE_URL to run it")
    for item in items:
        if item.get_closest_marker("rehearsal"):
            item.add_marker(skip)


def _unavailable(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"rehearsal needs {what}")
    pytest.skip(f"rehearsal needs {what}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- processes ------------------------------------------------------------------------------


_running: list[subprocess.Popen] = []


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM the process group (gunicorn's master and workers), then SIGKILL if need be."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
    # Workers whose master died first would linger in the group: end them too.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    if process in _running:
        _running.remove(process)


def _own_group_ended_with_us() -> None:
    """In the child before exec: its own process group (gunicorn's master and workers are
    ended as one), and SIGTERM when pytest dies, even by SIGKILL (Linux's PDEATHSIG)."""
    os.setsid()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


@atexit.register
def _stop_all() -> None:  # pytest killed mid-run: still no orphan gunicorn
    for process in list(_running):
        _stop(process)


# -- the site -------------------------------------------------------------------------------


@dataclass
class Site:
    url: str
    env: dict[str, str]
    engine: sa.Engine
    stripe: StripeStandIn
    sink: SMTPSink
    log: Path
    admin: tuple[str, str]  # email, password
    editor: tuple[str, str]
    mail_runs: list[str] = field(default_factory=list)

    def flask(self, *args: str, timeout: float = 60) -> str:
        """Run a `flask` command as the release step or cron would; its output."""
        done = subprocess.run(  # noqa: S603
            [str(BIN / "flask"), *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode:
            raise AssertionError(f"flask {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
        return done.stdout

    def send_mail(self) -> str:
        """`flask outbox send`, as cron runs it every minute."""
        output = self.flask("outbox", "send")
        self.mail_runs.append(output)
        return output

    def mails_to(self, address: str) -> list[EmailMessage]:
        with self.sink.lock:
            received = list(self.sink.messages)
        return [r.message for r in received if address in r.rcpt_tos]

    def mail(self, address: str, subject_starts: str) -> EmailMessage:
        """The one email to `address` whose subject starts so, delivering the outbox first
        unless an earlier delivery brought it already."""

        def found() -> tuple[list[EmailMessage], list[str]]:
            # Python folds a long Subject right after "Subject:", and its parser keeps the
            # folding space (mail programs drop it): compare without it.
            mails = self.mails_to(address)
            subjects = [str(m["Subject"]).strip() for m in mails]
            return [
                m for m, s in zip(mails, subjects, strict=True) if s.startswith(subject_starts)
            ], subjects

        if not found()[0]:
            self.send_mail()
        matching, subjects = found()
        assert len(matching) == 1, f"emails to {address}: {subjects}"
        return matching[0]

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)


@pytest.fixture(scope="session")
def rehearsal_database() -> str:
    url = normalise_database_url(_database_url())
    if not url.startswith("postgresql"):
        pytest.fail("REHEARSAL_DATABASE_URL must name a PostgreSQL database")
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
    except sa.exc.OperationalError as exc:
        _unavailable(f"PostgreSQL at {url}: {exc.orig}")
    finally:
        engine.dispose()
    return url


@pytest.fixture(scope="session")
def redis_url() -> str:
    url = os.environ.get("REHEARSAL_REDIS_URL", "").strip() or DEFAULT_REDIS
    try:
        import redis

        redis.Redis.from_url(url, socket_timeout=3).flushdb()
    except Exception as exc:  # noqa: BLE001 (any failure means: no Redis to use)
        _unavailable(f"Redis at {url}: {exc}")
    return url


@pytest.fixture(scope="session")
def site(rehearsal_database, redis_url, tmp_path_factory) -> Iterator[Site]:
    if not os.path.exists(CHROMIUM):
        _unavailable(f"{CHROMIUM} (apt-get install -y chromium)")
    work = tmp_path_factory.mktemp("rehearsal")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    admin = (ADMIN[0], secrets.token_urlsafe(18))
    editor = (EDITOR[0], secrets.token_urlsafe(18))
    with StripeStandIn() as stripe_, SMTPSink() as sink:
        stripe_.site_url = url
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", str(work)),
            "LANG": "C.UTF-8",
            "FLASK_APP": "wsgi",
            "CLINICSITE_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(40),
            "DATABASE_URL": rehearsal_database,
            "SITE_URL": url,
            "PORT": str(port),
            "WEB_CONCURRENCY": "2",
            "GUNICORN_THREADS": "4",
            "LOG_LEVEL": "info",
            # The worker's pid in each access log line: the rate-limit test checks that
            # its requests really reached both workers.
            "GUNICORN_CMD_ARGS": "--access-logformat 'pid=%(p)s \"%(r)s\" %(s)s'",
            "RATELIMIT_STORAGE_URI": redis_url,
            "PAGE_CACHE_URL": redis_url,  # pages shared by both workers, as in production
            # As behind production's TLS proxy: one proxy sets X-Forwarded-For, so each
            # browser context below is a client with an address of its own (the booking
            # limits count per address; all of them coming from 127.0.0.1 would be one
            # client booking a dozen times).
            "PROXY_FIX_X_FOR": "1",
            "PAYMENT_GATEWAY": "stripe",
            "STRIPE_SECRET_KEY": "sk_test_rehearsal_" + secrets.token_hex(12),
            "STRIPE_WEBHOOK_SECRET": stripe_.webhook_secret,
            "STRIPE_API_BASE": stripe_.url,
            "STRIPE_CHECKOUT_ORIGIN": stripe_.checkout_origin,
            "MAIL_BACKEND": "smtp",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(sink.port),
            "MAIL_FROM": "Saltgrass Rehearsal <bookings@example.org>",
            "UPLOAD_DIR": str(work / "uploads"),
            # SESSION_COOKIE_SECURE stays true, as in production: Chromium keeps Secure
            # cookies from http://127.0.0.1, which it counts as a secure context.
        }
        release(env, admin, editor)
        log = work / "gunicorn.log"
        with open(log, "wb") as out:
            process = subprocess.Popen(  # noqa: S603
                [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                preexec_fn=_own_group_ended_with_us,
            )
        _running.append(process)
        engine = sa.create_engine(rehearsal_database, pool_size=2)
        try:
            wait_until_up(url, process, log, workers=2)
            yield Site(url, env, engine, stripe_, sink, log, admin, editor)
            stripe_.wait_idle()
        finally:
            _stop(process)
            engine.dispose()
            if os.environ.get("REHEARSAL_SHOW_LOG"):
                print(log.read_text())


def release(env: dict[str, str], admin, editor) -> None:
    """What a deploy runs before starting the workers."""

    def flask(*args: str) -> None:
        done = subprocess.run(  # noqa: S603
            [str(BIN / "flask"), *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, f"flask {args[:2]} failed:\n{done.stdout}{done.stderr}"

    flask("db", "upgrade")
    flask("seed-demo", "--force")
    flask("staff", "create", "--email", admin[0], "--name", ADMIN[1], "--role", "admin",
          "--password", admin[1])  # fmt: skip
    flask("staff", "create", "--email", editor[0], "--name", EDITOR[1], "--role", "editor",
          "--password", editor[1])  # fmt: skip


def wait_until_up(url: str, process: subprocess.Popen, log: Path, workers: int) -> None:
    deadline = time.monotonic() + 45
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited with {process.returncode}:\n{log.read_text()}")
        booted = log.read_text().count("Booting worker with pid")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200 and booted >= workers:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"gunicorn did not answer /healthz in time:\n{log.read_text()}")


@pytest.fixture(autouse=True)
def plain_webhooks(request):
    """Each test starts with Stripe's plainest behaviour and sets the one it wants."""
    if "site" in request.fixturenames:
        request.getfixturevalue("site").stripe.plan = WebhookPlan()


# -- the browser ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser(site):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


CLIENT_NUMBERS = itertools.count()


@pytest.fixture
def new_page(browser):
    """Pages in fresh browser contexts (a client each: own cookies); each records its
    console errors in `page.console_errors`."""
    contexts = []

    def make(width: int = 1280):
        # Each client its own address, as the proxy in front of the site would report it
        # (a documentation range: no traffic goes there, it is only a header).
        number = next(CLIENT_NUMBERS)
        address = f"203.0.113.{number % 250 + 1}"
        context = browser.new_context(
            viewport={"width": width, "height": 900},
            extra_http_headers={"X-Forwarded-For": address},
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.console_errors = errors
        # Chromium's console names no address for a failed resource: keep them here.
        page.failed_responses = failed = []
        page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


# Elements that stick out of the viewport on the right (what makes a phone scroll sideways).
OVERFLOW_JS = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
  .map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).trim()
    .replace(/ +/g, '.') : '') + ' ' + Math.round(e.getBoundingClientRect().right) + 'px')"""


def shoot(page, name: str) -> None:
    """Full-page screenshots of what the client sees, at phone and desktop widths; no page
    may be wider than the phone's screen."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    try:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            path = SCREENSHOTS / f"rehearsal-{name}-{width}.png"
            page.screenshot(path=str(path), full_page=True)
            wider = page.evaluate("document.documentElement.scrollWidth")
            assert wider <= width, f"{name} at {width} px is {wider} px wide: " + ", ".join(
                page.evaluate(OVERFLOW_JS)[:8]
            )
    finally:
        page.set_viewport_size(size)
