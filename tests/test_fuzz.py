"""Hostile input to every endpoint: no 5xx, and a valid submission still works after it.

The endpoints come from `app.url_map`, so a new route is fuzzed without changing this file.
Each gets FUZZ_EXAMPLES requests (default below, small enough for CI) built by
tests/support/fuzz_inputs.py from the forms found on the site's own pages: fields replaced with
hostile values, dropped, repeated, sent as files, and raw multipart and body oddities.
Staff endpoints are sent as a logged-in admin, everything else anonymously.

    FUZZ_EXAMPLES=1000 .venv/bin/pytest tests/test_fuzz.py      # the full run
    FUZZ_SEED=7 ...                                              # other inputs
"""

from __future__ import annotations

import os
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.exceptions import HTTPException

from clinicsite import create_app
from clinicsite.config import TestingConfig
from clinicsite.extensions import db, limiter
from clinicsite.models import Comment, Inquiry, Post, Subscriber
from tests.support import fuzz_inputs as fz
from tests.support.app import make_app, wipe
from tests.support.booking_helpers import (
    NMT,
    TUESDAY,
    FrozenClock,
    book_slot,
    first_free_slot,
    load_fixture_clinic,
)
from tests.support.factories import make_staff
from tests.support.staff_helpers import make_appointment

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
SEED = os.environ.get("FUZZ_SEED", "clinicsite")
ADMIN_EMAIL, ADMIN_PASSWORD = "fuzz-admin@example.com", "correct horse battery"
# Run last: they end sessions or take rows away that other endpoints are fuzzed with.
DESTRUCTIVE = re.compile(r"delete|deactivate|remove|cancel|logout|handled|spam|approve")


def endpoints() -> list[tuple[str, str, str]]:
    """(method, rule, endpoint) for every route; no database is opened for this."""
    app = create_app(TestingConfig({"DATABASE_URL": "sqlite:////nonexistent/fuzz.sqlite3"}))
    found = [
        (method, rule.rule, rule.endpoint)
        for rule in app.url_map.iter_rules()
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    ]
    return sorted(found, key=lambda e: (bool(DESTRUCTIVE.search(e[1])), e[1], e[0]))


ENDPOINTS = endpoints()


def is_staff(rule: str) -> bool:
    return rule.startswith("/staff") and rule != "/staff/login"


@dataclass
class Site:
    app: Flask
    clock: FrozenClock
    anon: FlaskClient
    admin: FlaskClient
    known: dict[str, list]
    forms: dict[tuple[str, str], list[fz.Form]] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    server_errors: int = 0

    def log_in_admin(self) -> None:
        token = csrf_of(self.admin, "/staff/login")
        data = {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD, "csrf_token": token}
        response = self.admin.post("/staff/login", data=data)
        assert response.status_code == 302, response.status_code
        self.tokens["admin"] = csrf_of(self.admin, "/staff/")


def csrf_of(client: FlaskClient, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def crawl(site: Site) -> None:
    """The forms on every GET page (filled with real path values) and a few deeper pages,
    by the (method, rule) that receives them."""
    adapter = site.app.url_map.bind("localhost")
    rng = random.Random(SEED)
    seeds = []
    for method, rule, _ in ENDPOINTS:
        if method == "GET" and not DESTRUCTIVE.search(rule):
            seeds.append(fz.fill_rule(rule, rng, site.known, hostile=False))
    with site.app.app_context():
        post = db.session.scalar(sa.select(Post.slug).limit(1))
    slot = first_free_slot(site.anon, NMT, TUESDAY)
    from tests.support.booking_helpers import details_url, location_slug

    seeds += [
        f"/blog/{post}",
        f"/book/?service={NMT}",
        details_url(
            NMT,
            slot["option_id"],
            location_slug(site.app, slot["location"]),
            slot["therapist"],
            slot["start"],
        ),
    ]
    for url in dict.fromkeys(seeds):
        for client in (site.anon, site.admin):
            with client.get(url) as response:
                if response.status_code != 200 or response.mimetype != "text/html":
                    continue
                page = response.get_data(as_text=True)
            for form in fz.forms_on(url, page):
                path = urlsplit(form.action).path
                try:
                    rule, _ = adapter.match(path, method=form.method, return_rule=True)
                except HTTPException:  # a form that leads off the site or nowhere
                    continue
                site.forms.setdefault((form.method, rule.rule), []).append(form)


@pytest.fixture(scope="module")
def site(migrated: str) -> Iterator[Site]:
    app = make_app(migrated, RATELIMIT_ENABLED="false")
    limiter.reset()
    clock = FrozenClock()
    with pytest.MonkeyPatch.context() as mp:
        clock.install(mp)
        try:
            load_fixture_clinic(app)
            with app.app_context():
                make_staff(role="admin", email=ADMIN_EMAIL, password=ADMIN_PASSWORD)
                db.session.add(
                    Inquiry(name="Fuzz", email="f@example.com", message="Hello there, clinic.")
                )
                post = db.session.scalars(sa.select(Post)).first()
                db.session.add(Comment(post=post, name="R", email="r@example.com", body="Nice."))
                db.session.commit()
            make_appointment(app, clock() + timedelta(days=2, hours=2))
            make_appointment(app, clock() + timedelta(days=3, hours=2), deposit=True, paid=True)
            anon, admin = app.test_client(), app.test_client()
            book_slot(anon, app, first_free_slot(anon, NMT, TUESDAY))  # a held booking
            with app.app_context():
                known = fz.known_values(db.engine, db.metadata)
            s = Site(app, clock, anon, admin, known)
            s.log_in_admin()
            s.tokens["anon"] = csrf_of(anon, "/staff/login")
            crawl(s)
            yield s
        finally:
            wipe(app)


def send(client: FlaskClient, request: fz.Request) -> tuple[int, str]:
    """The status and Location of the response to `request` (files closed)."""
    with client.open(
        request.path,
        method=request.method,
        query_string=request.query_string,
        data=request.data,
        content_type=request.content_type,
        headers=request.headers,
    ) as response:
        return response.status_code, response.headers.get("Location", "")


@pytest.mark.parametrize(
    "method, rule, endpoint", ENDPOINTS, ids=[f"{m} {r}" for m, r, _ in ENDPOINTS]
)
def test_hostile_input_never_gets_a_server_error(site: Site, method, rule, endpoint):
    rng = random.Random(f"{SEED}:{method}:{rule}")
    staff = is_staff(rule)
    client = site.admin if staff else site.anon
    forms = site.forms.get((method, rule), [])
    failures = []
    for _ in range(EXAMPLES):
        request = fz.hostile_request(
            rng, method, rule, site.known, forms, site.tokens["admin" if staff else "anon"]
        )
        try:
            status, location = send(client, request)
        except Exception as error:  # an error the error handlers did not catch
            failures.append(f"{request.describe()} -> raised {error!r}")
            continue
        if status >= 500:
            failures.append(f"{request.describe()} -> {status}")
        if staff and status == 302 and "/staff/login" in location:
            site.log_in_admin()  # the fuzz logged out (or ended) the admin's session
    site.server_errors += len(failures)
    assert not failures, f"{len(failures)} of {EXAMPLES} got a 5xx:\n" + "\n".join(failures[:10])
    check = VALID_AFTER_FUZZ.get((method, endpoint))
    if check is not None:
        check(site)


# -- a valid submission still works, and keeps what was typed --------------------------------

ODD_BUT_VALID = "Zoë O'Brien-Łukasz 😀"


def valid_contact(site: Site) -> None:
    message = "Is <b>deep tissue</b> & 'trigger point' work OK after surgery?\nThanks!"
    data = {
        "name": ODD_BUT_VALID,
        "email": "zoe@example.org",
        "service": "",
        "message": message,
        "website": "",
    }
    response = site.anon.post("/contact", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    with site.app.app_context():
        stored = db.session.scalars(sa.select(Inquiry).filter_by(email="zoe@example.org")).one()
        assert (stored.name, stored.message) == (ODD_BUT_VALID, message)


def valid_signup(site: Site) -> None:
    data = {"email": "ann@example.org"}
    assert site.anon.post("/newsletter", data={**data, "website": ""}).status_code == 303
    with site.app.app_context():
        assert db.session.scalars(sa.select(Subscriber).filter_by(email="ann@example.org")).one()


def valid_comment(site: Site) -> None:
    with site.app.app_context():
        slug = db.session.scalar(sa.select(Post.slug).where(Post.status == "published").limit(1))
    page = site.anon.get(f"/blog/{slug}").get_data(as_text=True)
    fields = dict(re.findall(r'name="(csrf_token|started)" type="hidden" value="([^"]*)"', page))
    site.clock.advance(seconds=30)
    data = {
        **fields,
        "name": ODD_BUT_VALID,
        "email": "z@example.org",
        "body": "Helpful, thank you — the stretches work.",
        "website": "",
    }
    response = site.anon.post(f"/blog/{slug}/comments", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)
    with site.app.app_context():
        stored = db.session.scalars(sa.select(Comment).filter_by(email="z@example.org"))
        assert stored.one().name == ODD_BUT_VALID


def valid_booking(site: Site) -> None:
    day = (site.clock() + timedelta(days=9)).date().isoformat()
    response = book_slot(
        site.anon, site.app, first_free_slot(site.anon, NMT, day), name=ODD_BUT_VALID
    )
    assert response.status_code == 303, response.get_data(as_text=True)


def valid_login(site: Site) -> None:
    fresh = site.app.test_client()
    token = csrf_of(fresh, "/staff/login")
    data = {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD, "csrf_token": token}
    assert fresh.post("/staff/login", data=data).status_code == 302
    assert fresh.get("/staff/").status_code == 200


VALID_AFTER_FUZZ = {
    ("POST", "public.contact"): valid_contact,
    ("POST", "newsletter.signup"): valid_signup,
    ("POST", "blog.comment"): valid_comment,
    ("POST", "booking.details"): valid_booking,
    ("POST", "staff.login"): valid_login,
}


def test_every_endpoint_is_fuzzed_and_forms_were_found(site: Site):
    """Discovery from the url_map covers every route, and the crawl found the forms."""
    rules = {rule.rule for rule in site.app.url_map.iter_rules()}
    assert rules == {rule for _, rule, _ in ENDPOINTS}
    for key in [
        ("POST", "/contact"),
        ("POST", "/newsletter"),
        ("POST", "/book/details"),
        ("POST", "/staff/login"),
        ("POST", "/staff/book"),
        ("POST", "/staff/schedules/<int:therapist_id>/time-off"),
    ]:
        assert site.forms.get(key), f"no form found for {key}"
