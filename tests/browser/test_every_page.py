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

from clinicsite.demo import DEMO_ADMIN_EMAIL, DEMO_STAFF_PASSWORD
from tests.booking_helpers import FrozenClock
from tests.browser.conftest import shoot
from tests.browser.page_checks import axe_violations, html_errors, require, serve_axe
from tests.browser.site_walk import NOW, STAFF_SKIPPED, Page, build_site, staff_seeds, walk
from tests.conftest import csrf_token

pytestmark = pytest.mark.browser

SCREENS = {360: 740, 1280: 800}  # width: height
# Pages nothing links to on the site, besides its url_map: where a walk starts.
PUBLIC_SEEDS: list[str | tuple[str, int]] = [
    "/",
    "/book/",
    "/staff/login",
    "/newsletter",
    "/newsletter/thanks",
    ("/no-such-page", 404),
]


@dataclass
class Site:
    public: list[Page]
    staff: list[Page]
    labels: dict[str, str]  # url -> a short name for screenshots and messages
    session_cookie: tuple[str, str]


@pytest.fixture
def site(demo, monkeypatch) -> Site:
    """The demo clinic with one of everything, its clock stopped, and every page walked."""
    FrozenClock(NOW).install(monkeypatch)
    emailed = build_site(demo)
    return walk_site(demo, emailed)


def walk_site(app, emailed: dict[str, str]) -> Site:
    public = walk(app, app.test_client(), PUBLIC_SEEDS + list(emailed.values()), staff=False)
    staff_client = app.test_client()
    token = csrf_token(staff_client, "/staff/login")
    response = staff_client.post(
        "/staff/login",
        data={"email": DEMO_ADMIN_EMAIL, "password": DEMO_STAFF_PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302, "the demo owner could not log in"
    seeds, unfillable = staff_seeds(app)
    staff = walk(app, staff_client, ["/staff/", *seeds], staff=True)

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

    labels = {url: name for name, url in emailed.items()}
    for n, p in enumerate(public.pages + staff.pages):
        if p.url not in labels:
            keys = sorted({k for k, _ in parse_qsl(urlsplit(p.url).query)})
            labels[p.url] = "-".join([f"{n:03d}", p.endpoint.replace(".", "-"), *keys])
    name = app.config["SESSION_COOKIE_NAME"]
    cookie = staff_client.get_cookie(name)
    return Site(public.pages, staff.pages, labels, (name, cookie.value))


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
def test_every_page_fits_the_screen_and_passes_axe(site, live_server, browser, width):
    require("axe")
    failures: list[str] = []
    for pages, logged_in in ((site.public, False), (site.staff, True)):
        context = browser.new_context(viewport={"width": width, "height": SCREENS[width]})
        serve_axe(context, live_server)
        if logged_in:
            name, value = site.session_cookie
            context.add_cookies([{"name": name, "value": value, "url": live_server}])
        page = context.new_page()
        csp = watch_csp(page)
        for visit in pages:
            where = f"{visit.url} at {width}px"
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
                shoot(page, f"walk-{site.labels[visit.url]}-{width}")
        context.close()
    walked = len(site.public) + len(site.staff)
    assert not failures, f"{len(failures)} problems on {walked} pages:\n" + "\n".join(failures)


def test_every_page_passes_the_html_checker(site, tmp_path):
    require("vnu")
    files = {}
    for visit in site.public + site.staff:
        path = tmp_path / f"{site.labels[visit.url]}.html"
        path.write_text(visit.html, encoding="utf-8")
        files[path.resolve()] = visit
    errors = html_errors(list(files))
    assert not errors, f"{len(errors)} HTML errors on {len(files)} pages:\n" + "\n".join(
        f"{files[e.file.resolve()].url if e.file.resolve() in files else e.file} "
        f"line {e.line}: {e.message}  «{e.extract.strip()}»"
        for e in errors
    )
