"""/my/: a signed-in client's upcoming and past bookings, their manage links and "Book
again"; nobody else's bookings; signing out; private pages that leave the cache alone."""

from __future__ import annotations

import html as html_lib
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import Service, Therapist
from tests.support.app import csrf_token
from tests.support.booking_helpers import MONDAY_8AM, FrozenClock, option_id, text_of
from tests.support.my_helpers import add_booking, ask_for_link, link_paths, sign_in

ANA, BOB = "ana@example.com", "bob@example.com"
# Tuesday 10:00 in Los Angeles (PST); a past visit in PDT and one in PST.
NEXT_TUESDAY = datetime(2026, 12, 8, 18, 0, tzinfo=UTC)
LAST_OCTOBER = datetime(2026, 10, 20, 16, 0, tzinfo=UTC)
LAST_NOVEMBER = datetime(2026, 11, 2, 17, 30, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):
    return FrozenClock(MONDAY_8AM).install(monkeypatch)


@pytest.fixture
def history(clinic, clock):
    """Ana's bookings (upcoming, past, cancelled, an abandoned hold) and one of Bob's."""
    return {
        "upcoming": add_booking(clinic, "Ana@Example.com", NEXT_TUESDAY),
        "october": add_booking(
            clinic,
            ANA,
            LAST_OCTOBER,
            status="completed",
            service="trigger-point-therapy",
            minutes=45,
            therapist="lena-marchetti",
        ),
        "november": add_booking(clinic, ANA, LAST_NOVEMBER, status="cancelled"),
        "abandoned": add_booking(clinic, ANA, NEXT_TUESDAY + timedelta(days=1), status="expired"),
        "bob": add_booking(
            clinic,
            BOB,
            NEXT_TUESDAY + timedelta(days=2),
            service="deep-tissue-sports-massage",
            therapist="theo-nakamura",
            location="culver-city-studio",
            name="Bob Other",
        ),
    }


def signed_in_as(app, client, email, folder):
    assert ask_for_link(client, email).status_code == 303
    [path] = link_paths(app, folder)
    assert sign_in(client, path).status_code == 303
    return client


@pytest.fixture
def ana(clinic, history, client, tmp_path):
    return signed_in_as(clinic, client, ANA, tmp_path)


def section(page: str, heading_id: str) -> str:
    """The HTML of one list of the page (Upcoming or Past and cancelled)."""
    start = page.index(f'id="{heading_id}"')
    end = page.find("<h2", start + 1)
    return page[start : end if end != -1 else None]


def book_again_links(html: str) -> list[str]:
    return [
        html_lib.unescape(href)
        for href, label in re.findall(r'<a class="button" href="([^"]+)">([^<]+)', html)
        if label == "Book again"
    ]


def test_upcoming_and_past_visits_in_the_clinic_zone(ana, history):
    page = ana.get("/my/").text
    upcoming, past = text_of(section(page, "upcoming")), text_of(section(page, "past"))
    assert "Tuesday, December 8, 2026 at 10:00 AM PST" in upcoming
    assert "Neuromuscular Therapy, 1 h 30 min" in upcoming
    assert "Confirmed" in upcoming
    # Latest first: November's cancelled visit, then October's (in daylight saving time).
    assert past.index("Monday, November 2, 2026 at 9:30 AM PST") < past.index(
        "Tuesday, October 20, 2026 at 9:00 AM PDT"
    )
    assert "Cancelled" in past and "Visited" in past
    # The abandoned hold never was a booking.
    assert "December 9, 2026" not in text_of(page)
    for name in ("upcoming", "october", "november"):
        assert f'href="/booking/{history[name]}"' in page
    assert history["abandoned"] not in page


def test_another_clients_bookings_are_never_shown(ana, history):
    page = ana.get("/my/").text
    assert history["bob"] not in page
    assert "Deep Tissue" not in page and "Theo Nakamura" not in page
    assert "Bob" not in page and BOB not in page


def test_a_session_naming_another_address_shows_nothing(ana, history):
    """The signed cookie names the email and the link that started it; the two must agree."""
    with ana.session_transaction() as session:
        session["my_email"] = BOB
    response = ana.get("/my/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/my/sign-in")


def test_book_again_preselects_service_length_studio_and_therapist(ana, clinic):
    page = ana.get("/my/").text
    links = book_again_links(section(page, "past"))
    october = next(link for link in links if "trigger-point-therapy" in link)
    query = {k: v[0] for k, v in parse_qs(urlsplit(october).query).items()}
    assert query == {
        "service": "trigger-point-therapy",
        "option": str(option_id(clinic, "trigger-point-therapy", 45)),
        "location": "hermosa-beach-studio",
        "therapist": "lena-marchetti",
    }
    booking_page = ana.get(october)
    assert booking_page.status_code == 200
    summary = text_of(booking_page.text)
    assert "Service Trigger Point Therapy" in summary
    assert "Length 45 min" in summary
    assert "Therapist Lena Marchetti" in summary
    assert "Studio Saltgrass Hermosa Beach Studio" in summary


def test_book_again_leaves_out_what_is_no_longer_offered(ana, clinic):
    with clinic.app_context():
        db.session.scalar(sa.select(Therapist).filter_by(slug="lena-marchetti")).active = False
        db.session.scalar(sa.select(Service).filter_by(slug="neuromuscular-therapy")).active = False
        db.session.commit()
    page = ana.get("/my/").text
    links = book_again_links(page)
    # Neuromuscular therapy is not booked online any more: no "Book again" for it.
    assert all("neuromuscular-therapy" not in link for link in links)
    [october] = links
    query = parse_qs(urlsplit(october).query)
    assert query["service"] == ["trigger-point-therapy"] and "therapist" not in query
    assert ana.get(october).status_code == 200  # the flow asks for a therapist


def test_signing_out_ends_the_session_everywhere(ana, clinic):
    cookie = ana.get_cookie("session")
    copy = clinic.test_client()
    copy.set_cookie(cookie.key, cookie.value)
    assert copy.get("/my/").status_code == 200
    token = re.search(r'name="csrf_token" value="([^"]+)"', ana.get("/my/").text).group(1)
    response = ana.post("/my/sign-out", data={"csrf_token": token})
    assert response.status_code == 303
    assert "You are signed out" in text_of(ana.get(response.headers["Location"]).text)
    assert ana.get("/my/").status_code == 302
    assert copy.get("/my/").status_code == 302  # a kept copy of the cookie no longer works


def test_signing_out_needs_the_csrf_token(ana):
    assert ana.post("/my/sign-out", data={}).status_code == 400
    assert ana.get("/my/").status_code == 200


def test_the_session_lasts_seven_days(ana, clock):
    clock.advance(days=7, minutes=-1)
    assert ana.get("/my/").status_code == 200
    clock.advance(minutes=1)
    assert ana.get("/my/").status_code == 302


def test_without_signing_in_the_page_asks_for_a_link(clinic, history, client):
    response = client.get("/my/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/my/sign-in")


def test_the_page_is_private_and_the_public_cache_untouched(ana, clinic):
    response = ana.get("/my/")
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "noindex" in response.headers["X-Robots-Tag"]
    # Public pages rendered for the signed-in client are theirs alone...
    home = ana.get("/")
    assert home.headers["Cache-Control"].startswith("private")
    # ...and a visitor without a session still gets the shared page, with nothing of hers.
    stranger = clinic.test_client()
    first, second = stranger.get("/"), stranger.get("/")
    assert second.headers["Cache-Control"] == "public, no-cache"
    assert first.headers["ETag"] == second.headers["ETag"]
    assert "set-cookie" not in {k.lower() for k in second.headers.keys()}
    assert ANA not in second.text


def test_links_to_the_page_from_the_footer_and_the_booking_page(ana, history):
    assert 'href="/my/sign-in">Manage my bookings</a>' in ana.get("/services/").text
    manage = ana.get(f"/booking/{history['upcoming']}").text
    assert 'href="/my/sign-in">Manage my bookings</a>' in manage


def test_the_sign_in_link_form_is_csrf_protected_when_signed_in_too(ana):
    token = csrf_token(ana, "/my/sign-in")
    forged = {"email": ANA, "csrf_token": token + "x"}
    assert ana.post("/my/sign-in", data=forged).status_code == 400


def test_the_sign_in_page_points_a_signed_in_client_to_their_bookings(ana, clinic):
    page = text_of(ana.get("/my/sign-in").text)
    assert "You are signed in as ana@example.com: see your bookings" in page
    assert "signed in as" not in text_of(clinic.test_client().get("/my/sign-in").text)
