"""Where online bookings come from: every link into booking names the page it is on, every
step carries it on, the appointment keeps it, and the reports count it."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from clinicsite.appointments.origins import given, of_page
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


def hrefs(html: str, path: str) -> list[str]:
    return [h.replace("&amp;", "&") for h in re.findall(rf'href="({re.escape(path)}[^"]*)"', html)]


def froms(urls: list[str]) -> set[str]:
    return {parse_qs(urlsplit(u).query).get("from", [""])[0] for u in urls}


@pytest.mark.parametrize(
    ("endpoint", "view_args", "expected"),
    [
        ("public.area", {"area_slug": "torrance"}, "area:torrance"),
        (
            "public.area_service",
            {"area_slug": "torrance", "service_slug": "neuromuscular-therapy"},
            "area_service:torrance/neuromuscular-therapy",
        ),
        (
            "blog.post",
            {"slug": "five-minute-tennis-ball-routine"},
            "post:five-minute-tennis-ball-routine",
        ),
        ("public.service", {"slug": "neuromuscular-therapy"}, "site"),
        ("public.index", {}, "site"),
        (None, None, "site"),  # an error page
        ("public.area", {"area_slug": "x" * 300}, "site"),  # too long to be an origin
    ],
)
def test_a_page_names_itself_in_its_booking_links(endpoint, view_args, expected):
    assert of_page(endpoint, view_args) == expected


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("newsletter", "newsletter"),
        ("area:torrance", "area:torrance"),
        ("<script>", None),
        ("javascript:alert(1)", None),
        ("area:Torrance", None),
        ("post:" + "a" * 81, None),
        ("", None),
    ],
)
def test_only_our_own_codes_are_read_from_a_link(value, kept):
    assert given({"from": value}) == kept


def test_booking_links_on_area_post_and_home_pages_say_which_page(app):
    client = app.test_client()
    for path, expected in [
        ("/areas/torrance", "area:torrance"),
        ("/areas/torrance/discovery-session", "area_service:torrance/discovery-session"),
        ("/blog/five-minute-tennis-ball-routine", "post:five-minute-tennis-ball-routine"),
        ("/", "site"),
    ]:
        html = page_html(client, path)
        links = hrefs(html, "/book/")
        assert links and froms(links) == {expected}, (path, links)
        assert page_html(client, path) == html  # the same for everyone: cacheable


def test_every_step_carries_the_area_service_page_on_and_the_booking_keeps_it(app):
    client = app.test_client()
    area_page = page_html(client, "/areas/torrance/discovery-session")
    book_links = hrefs(area_page, "/book/")
    assert book_links, "the area and service page links to booking"
    start = page_html(client, book_links[-1])  # the page's own Book button
    assert froms(hrefs(start, "/book/")) == {"area_service:torrance/discovery-session"}
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
    html = page_html(client, url)
    fields = extract_hidden_fields(html)
    assert fields["from"] == "area_service:torrance/discovery-session"
    sent = client.post("/book/details", data={**fields, **CLIENT_DETAILS})
    assert sent.status_code == 303
    with app.app_context():
        kept = db.session.scalars(sa.select(Appointment.origin)).all()
    assert kept == ["area_service:torrance/discovery-session"]


def test_a_link_without_a_known_origin_books_as_direct(app):
    client = app.test_client()
    slot = first_free_slot(client, DISCOVERY, TUESDAY)
    url = details_url(
        DISCOVERY,
        slot["option_id"],
        location_slug(app, slot["location"]),
        slot["therapist"],
        slot["start"],
    )
    fields = extract_hidden_fields(page_html(client, url + "&from=%3Cscript%3E"))
    assert "from" not in fields
    fields["from"] = "javascript:alert(1)"  # tampered with on the way back
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
