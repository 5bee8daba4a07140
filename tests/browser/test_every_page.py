"""Every page a client or a member of staff can reach (tests/browser/site_walk.py finds
them), checked at a phone's and a desktop's width: no sideways scrolling, no axe-core
violations, no Content-Security-Policy complaints, and no errors from the Nu Html Checker.

Needs node_modules (`npm ci`: axe-core and vnu-jar) and Java; see tests/browser/page_checks.py.
Screenshots of each step of booking, managing, moving and cancelling a booking at both widths
are written to screenshots/walk-*.png for a person to look at.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from clinicsite.demo import DEMO_ADMIN_EMAIL, DEMO_STAFF_PASSWORD
from clinicsite.extensions import db
from clinicsite.models import StaffUser
from tests.browser.conftest import shoot
from tests.browser.page_checks import axe_violations, html_errors, require, serve_axe
from tests.browser.site_walk import (
    NOW,
    STAFF_SKIPPED,
    Page,
    build_site,
    staff_seeds,
    waitlist_pages,
    walk,
)
from tests.support.app import csrf_token
from tests.support.booking_helpers import FrozenClock
from tests.support.my_helpers import signed_in_client

pytestmark = pytest.mark.browser

SCREENS = {360: 740, 1280: 800}  # width: height
# Where the client's walk starts, with the pages no link leads to: a GET form's results,
# a thank-you reached by a redirect, the not-found page.
PUBLIC_SEEDS: list[str | tuple[str, int]] = [
    "/",
    "/book/",
    "/staff/login",
    "/blog/?q=massage",
    "/newsletter",
    "/newsletter/thanks",
    ("/no-such-page", 404),
]


@dataclass
class Group:
    """Pages walked as one visitor: a client (no cookie) or a member of staff."""

    who: str
    pages: list[Page]
    session_cookie: tuple[str, str] | None = None


@dataclass
class Site:
    groups: list[Group]
    labels: dict[int, str]  # id(page) -> a short name for screenshots and files

    @property
    def pages(self) -> list[Page]:
        return [p for g in self.groups for p in g.pages]


@pytest.fixture
def axe_ready() -> None:
    require("axe")  # before the site is built: a skip should cost nothing


@pytest.fixture
def vnu_ready() -> None:
    require("vnu")


@pytest.fixture
def site(clinic, monkeypatch) -> Site:
    """The test clinic with one of everything, its clock stopped, and every page walked."""
    FrozenClock(NOW).install(monkeypatch)
    emailed = build_site(clinic)
    emailed.update(waitlist_pages(clinic))
    return walk_site(clinic, emailed)


def log_in(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    token = csrf_token(client, "/staff/login")
    response = client.post(
        "/staff/login",
        data={"email": email, "password": DEMO_STAFF_PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302, f"the test clinic's {email} could not log in"
    return client


def walk_site(app: Flask, emailed: dict[str, str]) -> Site:
    """Walk as a client, then as the owner (every staff GET rule must be a page), then as a
    therapist and an editor, whose pages differ: each walks what its role may open."""
    public = walk(app, app.test_client(), PUBLIC_SEEDS + list(emailed.values()), staff=False)
    seeds, unfillable = staff_seeds(app)
    owner = log_in(app, DEMO_ADMIN_EMAIL)
    staff = walk(app, owner, ["/staff/", *seeds], staff=True)

    problems = public.problems + staff.problems + unfillable
    walked = {p.endpoint for p in public.pages + staff.pages}
    staff_rules = {
        r.endpoint
        for r in app.url_map.iter_rules()
        if r.rule.startswith("/staff/") and "GET" in r.methods
    }
    problems += [
        f"staff page {e} was neither walked nor listed in STAFF_SKIPPED with a reason"
        for e in sorted(staff_rules - walked - set(STAFF_SKIPPED))
    ]
    assert not problems, "pages the walk could not open:\n" + "\n".join(problems)

    cookie = app.config["SESSION_COOKIE_NAME"]
    groups = [
        Group("client", public.pages),
        Group("admin", staff.pages, (cookie, owner.get_cookie(cookie).value)),
    ]
    with app.app_context():
        others = db.session.execute(
            sa.select(StaffUser.role, sa.func.min(StaffUser.email))
            .where(StaffUser.role != "admin")
            .group_by(StaffUser.role)
            .order_by(StaffUser.role)
        ).all()
    for role, email in others:
        client = log_in(app, email)
        # Seeds as links: a page the role may not open (403, a redirect) is not its page.
        pages = walk(app, client, [(u, None) for u in ["/staff/", *seeds]], staff=True).pages
        groups.append(Group(role, pages, (cookie, client.get_cookie(cookie).value)))

    # A client signed in to their own page (/my/), which only a session opens.
    mine = signed_in_client(app, "rita@example.com", NOW)
    my_pages = walk(app, mine, ["/my/"], staff=False, limit=1).pages
    assert [p.endpoint for p in my_pages] == ["my.index"]
    assert {"my.sign_in", "my.sent", "my.link"} <= {p.endpoint for p in public.pages}
    groups.append(Group("signed-in client", my_pages, (cookie, mine.get_cookie(cookie).value)))

    # Names for files and screenshots, numbered in walking order: the booking steps apart,
    # so their screenshots keep their names when other pages come and go.
    names = {url: name for name, url in emailed.items()}
    labels, numbers = {}, {True: 0, False: 0}
    for p in (p for g in groups for p in g.pages):
        keys = sorted({k for k, _ in parse_qsl(urlsplit(p.url).query)})
        name = names.get(p.url) or "-".join([p.endpoint.replace(".", "-"), *keys])
        numbers[is_booking_step(p)] += 1
        labels[id(p)] = f"{numbers[is_booking_step(p)]:03d}-{name}"
    return Site(groups, labels)


def watch_csp(page) -> list[str]:
    """The page's Content-Security-Policy complaints, as they come (the caller clears it)."""
    complaints: list[str] = []
    page.on(
        "console",
        lambda m: "Content Security Policy" in m.text and complaints.append(m.text),
    )
    return complaints


def is_booking_step(page: Page) -> bool:
    """The booking flow and a booking's own pages: shot at both widths for a person."""
    return page.endpoint.startswith("booking.")


@pytest.mark.parametrize("width", sorted(SCREENS))
def test_every_page_fits_the_screen_and_passes_axe(axe_ready, browser, site, live_server, width):
    failures: list[str] = []
    for group in site.groups:
        context = browser.new_context(viewport={"width": width, "height": SCREENS[width]})
        serve_axe(context, live_server)
        if group.session_cookie:
            name, value = group.session_cookie
            context.add_cookies([{"name": name, "value": value, "url": live_server}])
        page = context.new_page()
        csp = watch_csp(page)
        for visit in group.pages:
            where = f"{visit.url} as {group.who} at {width}px"
            response = page.goto(live_server + visit.url)
            if response is None or response.status != visit.status:
                failures.append(f"{where}: answered {response and response.status}")
                continue
            wide, screen = page.evaluate(
                "[document.documentElement.scrollWidth, window.innerWidth]"
            )
            if wide > screen:
                failures.append(f"{where}: scrolls sideways ({wide}px wide)")
            failures += [f"{where}: {v}" for v in axe_violations(page, live_server)]
            failures += [f"{where}: {message}" for message in csp]
            csp.clear()
            if is_booking_step(visit):
                shoot(page, f"walk-{site.labels[id(visit)]}-{width}")
        context.close()
    walked = len(site.pages)
    assert not failures, f"{len(failures)} problems on {walked} pages:\n" + "\n".join(failures)


def test_every_page_passes_the_html_checker(vnu_ready, site, tmp_path):
    files = {}
    for n, visit in enumerate(site.pages):
        path = tmp_path / f"{n:03d}-{site.labels[id(visit)]}.html"
        path.write_text(visit.html, encoding="utf-8")
        files[path.resolve()] = visit
    errors = html_errors(list(files))
    assert not errors, f"{len(errors)} HTML errors on {len(files)} pages:\n" + "\n".join(
        f"{files[e.file.resolve()].url if e.file.resolve() in files else e.file} "
        f"line {e.line}: {e.message}  «{e.extract.strip()}»"
        for e in errors
    )
