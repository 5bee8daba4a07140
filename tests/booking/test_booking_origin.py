"""Where online bookings come from: the first booking page reads it off the page the client
was on (or an email's `from`), every step carries it on, the appointment keeps it, and the
reports count it."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from clinicsite.booking.origin import from_referrer
from clinicsite.extensions import db
from clinicsite.models import Appointment, ClinicSettings
from clinicsite.reports import report
from tests.support.app import make_app, wipe
from tests.support.booking_helpers import (
    CLIENT_DETAILS,
    DISCOVERY,
    TUESDAY,
    FrozenClock,
    details_url,
    extract_hidden_fields,
    first_free_slot,
    load_fixture_clinic,
    location_slug,
    page_html,
    text_of,
)

HOST = "localhost"
SITE = f"http://{HOST}"
AREA_SERVICE = f"{SITE}/areas/torrance/discovery-session"


@pytest.fixture
def app(migrated, monkeypatch):
    FrozenClock().install(monkeypatch)
    app = make_app(migrated, RATELIMIT_ENABLED="false")
    try:
        load_fixture_clinic(app)
        with app.app_context():  # several free sessions from one test browser
            db.session.get(ClinicSettings, 1).max_free_per_client = 0
            db.session.commit()
        yield app
    finally:
        wipe(app)


def get(client, url: str, referrer: str | None = None) -> str:
    response = client.get(url, headers={"Referer": referrer} if referrer else {})
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def hrefs(html: str, path: str) -> list[str]:
    return [h.replace("&amp;", "&") for h in re.findall(rf'href="({re.escape(path)}[^"]*)"', html)]


def froms(urls: list[str]) -> set[str]:
    return {parse_qs(urlsplit(u).query).get("from", [""])[0] for u in urls}


@pytest.mark.parametrize(
    ("referrer", "expected"),
    [
        (None, "direct"),
        ("", "direct"),
        (f"{SITE}/areas/torrance", "area:torrance"),
        (
            f"{SITE}/areas/torrance/neuromuscular-therapy?x=1",
            "area_service:torrance/neuromuscular-therapy",
        ),
        (f"{SITE}/blog/five-minute-tennis-ball-routine", "post:five-minute-tennis-ball-routine"),
        (f"{SITE}/services/neuromuscular-therapy", "site"),
        (f"{SITE}/", "site"),
        (f"{SITE}/no/such/page", "site"),
        (f"{SITE}/book/?service=x", "site"),
        ("https://www.google.com/", "elsewhere"),
        ("http://[::1", "elsewhere"),  # not even a URL
        (f"{SITE}/areas/{'x' * 300}", "site"),  # too long to keep: not an origin
    ],
)
def test_the_first_page_reads_the_referrer(app, referrer, expected):
    with app.test_request_context(base_url=SITE):
        assert from_referrer(referrer, HOST) == expected


def test_every_step_carries_the_area_service_page_on_and_the_booking_keeps_it(app):
    client = app.test_client()
    area_page = page_html(client, "/areas/torrance/discovery-session")
    book_links = hrefs(area_page, "/book/")
    assert book_links, "the area and service page links to booking"
    start = get(client, book_links[0], AREA_SERVICE)
    steps = [u for u in hrefs(start, "/book/") if u != "/book/"]  # not the menu's Book
    assert steps and froms(steps) == {"area_service:torrance/discovery-session"}
    slot = first_free_slot(client, DISCOVERY, TUESDAY)
    url = (
        details_url(
            DISCOVERY,
            slot["option_id"],
            location_slug(app, slot["location"]),
            slot["therapist"],
            slot["start"],
        )
        + "&from=area_service%3Atorrance%2Fdiscovery-session"
    )
    html = get(client, url, f"{SITE}/book/")
    fields = extract_hidden_fields(html)
    assert fields["from"] == "area_service:torrance/discovery-session"
    sent = client.post("/book/details", data={**fields, **CLIENT_DETAILS})
    assert sent.status_code == 303
    with app.app_context():
        kept = db.session.scalars(sa.select(Appointment.origin)).all()
    assert kept == ["area_service:torrance/discovery-session"]


def test_a_time_linked_from_a_blog_post_counts_for_the_post_and_a_bad_from_is_ignored(app):
    client = app.test_client()
    slot = first_free_slot(client, DISCOVERY, TUESDAY)
    url = (
        details_url(
            DISCOVERY,
            slot["option_id"],
            location_slug(app, slot["location"]),
            slot["therapist"],
            slot["start"],
        )
        + "&from=%3Cscript%3E"
    )
    post = f"{SITE}/blog/five-minute-tennis-ball-routine"
    fields = extract_hidden_fields(get(client, url, post))
    assert fields["from"] == "post:five-minute-tennis-ball-routine"
    fields["from"] = "javascript:alert(1)"  # tampered with on the way back: kept as direct
    assert client.post("/book/details", data={**fields, **CLIENT_DETAILS}).status_code == 303
    with app.app_context():
        assert db.session.scalars(sa.select(Appointment.origin)).all() == ["direct"]


def test_the_reports_count_bookings_by_where_they_came_from(app, client, login_as):
    origins = ["area:torrance", "area:torrance", "post:five-minute-tennis-ball-routine", None]
    for n, where in enumerate(origins):
        slot = first_free_slot(client, DISCOVERY, TUESDAY)
        url = details_url(
            DISCOVERY,
            slot["option_id"],
            location_slug(app, slot["location"]),
            slot["therapist"],
            slot["start"],
        )
        if where:
            url += "&from=" + where
        fields = extract_hidden_fields(page_html(client, url))
        data = {**fields, **CLIENT_DETAILS, "email": f"c{n}@example.com"}
        assert client.post("/book/details", data=data).status_code == 303
    day = date.fromisoformat(TUESDAY)
    with app.app_context():
        r = report(day, day, ZoneInfo("America/Los_Angeles"), "USD")
        in_sql = dict(
            db.session.execute(
                sa.select(Appointment.origin, sa.func.count()).group_by(Appointment.origin)
            ).all()
        )
    assert in_sql == {"area:torrance": 2, "post:five-minute-tennis-ball-routine": 1, "direct": 1}
    assert r.by_origin == {"area": 2, "post": 1, "direct": 1}
    assert r.top_origins == [("area:torrance", 2), ("post:five-minute-tennis-ball-routine", 1)]
    login_as("admin")
    html = page_html(client, "/staff/reports/", **{"from": TUESDAY, "to": TUESDAY})
    words = text_of(html)
    assert "Area pages 2" in words and "Blog posts 1" in words and "Direct" in words
    assert '<a href="/areas/torrance">/areas/torrance</a></th><td>2</td>' in html
    rows = client.get(f"/staff/reports/export.csv?from={TUESDAY}&to={TUESDAY}").text
    assert "online bookings via area,2" in rows
    assert "online bookings via post:five-minute-tennis-ball-routine,1" in rows
