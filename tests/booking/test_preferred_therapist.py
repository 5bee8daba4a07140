"""Booking from a therapist's profile: the link names the therapist, the steps offer only
what they do and the studios where they work, and choose them when their step comes."""

from __future__ import annotations

import html as html_lib
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import Location, Therapist
from tests.support.app import make_app, wipe
from tests.support.booking_helpers import FrozenClock, load_fixture_clinic, page_html, text_of


@pytest.fixture
def app(migrated, monkeypatch):
    FrozenClock().install(monkeypatch)
    app = make_app(migrated)
    try:
        load_fixture_clinic(app)
        yield app
    finally:
        wipe(app)


def choices(html: str) -> list[tuple[str, dict[str, str]]]:
    """(name, query) of each choice link of the step."""
    found = re.findall(r'<a class="choice[^"]*" href="([^"]+)"><strong>([^<]+)</strong>', html)
    return [
        (
            html_lib.unescape(name),
            {k: v[0] for k, v in parse_qs(urlsplit(html_lib.unescape(h)).query).items()},
        )
        for h, name in found
    ]


def test_the_profile_s_book_link_names_the_therapist(app):
    html = page_html(app.test_client(), "/therapists/lena-marchetti")
    link = re.search(r'<a class="button" href="([^"]+)">Book with Lena</a>', html).group(1)
    assert parse_qs(urlsplit(html_lib.unescape(link)).query) == {
        "therapist": ["lena-marchetti"],
        "from": ["site"],
    }


def test_the_steps_offer_what_the_therapist_does_and_then_choose_them(app):
    client = app.test_client()
    html = page_html(client, "/book/?therapist=lena-marchetti&from=site")
    assert "1. Choose a service with Lena Marchetti" in text_of(html)
    services = choices(html)
    names = [name for name, _ in services]
    assert "Prenatal Massage" in names and "Deep Tissue and Sports Massage" not in names
    assert all(q["therapist"] == "lena-marchetti" for _, q in services)

    nmt = dict(services)["Neuromuscular Therapy"]
    lengths = choices(page_html(client, "/book/?" + "&".join(f"{k}={v}" for k, v in nmt.items())))
    hour = lengths[0][1]
    assert hour["therapist"] == "lena-marchetti"
    studios = choices(page_html(client, "/book/?" + "&".join(f"{k}={v}" for k, v in hour.items())))
    # Lena works at both studios: both offered, each link still naming her.
    assert {name for name, _ in studios} == {
        "Saltgrass Hermosa Beach Studio",
        "Saltgrass Culver City Studio",
    }
    studio = studios[0][1]
    assert studio["therapist"] == "lena-marchetti"
    days = page_html(client, "/book/?" + "&".join(f"{k}={v}" for k, v in studio.items()))
    words = text_of(days)
    assert "Choose a therapist" not in words  # her step came: she is chosen
    assert "Therapist Lena Marchetti" in words


def test_an_unknown_therapist_is_ignored(app):
    html = page_html(app.test_client(), "/book/?therapist=nobody-here")
    assert (
        "1. Choose a service" in text_of(html)
        and " with " not in text_of(html).split("1. Choose a service")[1][:10]
    )
    assert "Deep Tissue and Sports Massage" in text_of(html)


def test_a_therapist_at_one_studio_skips_the_studio_step(app):
    with app.app_context():  # Theo gives up his Saturdays at Hermosa Beach
        theo = db.session.scalar(sa.select(Therapist).filter_by(slug="theo-nakamura"))
        hermosa = db.session.scalar(sa.select(Location).filter_by(slug="hermosa-beach-studio"))
        for hours in [h for h in theo.hours if h.location_id == hermosa.id]:
            db.session.delete(hours)
        db.session.commit()
    client = app.test_client()
    html = page_html(client, "/book/?therapist=theo-nakamura&service=neuromuscular-therapy")
    hour = choices(html)[0][1]
    days = text_of(page_html(client, "/book/?" + "&".join(f"{k}={v}" for k, v in hour.items())))
    assert "Choose a studio" not in days and "Choose a therapist" not in days
    assert "Saltgrass Culver City Studio" in days and "Therapist Theo Nakamura" in days
