"""Visits at the client's address (issue 16): the place step offers them, a postal code finds
the area, a code in no area is refused with the nearest areas named, the times leave the
therapist the travel between visits, and the booking keeps the address and the surcharge."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import Appointment
from tests.support.app import make_app, wipe
from tests.support.booking_helpers import (
    CLIENT_DETAILS,
    NMT,
    FrozenClock,
    clinic_tz,
    extract_hidden_fields,
    load_fixture_clinic,
    option_id,
    page_html,
    text_of,
)
from tests.support.home_visits import SUNDAY, enable_home_visits


@pytest.fixture
def app(migrated, monkeypatch):
    FrozenClock().install(monkeypatch)
    app = make_app(migrated)
    try:
        load_fixture_clinic(app)
        enable_home_visits(app, minutes={("redondo-beach", "santa-monica"): 50})
        yield app
    finally:
        wipe(app)


def start_url(app, **params) -> str:
    query = {"service": NMT, "option": option_id(app, NMT, 60), **params}
    return "/book/?" + urlencode(query)


def times_on(client, app, day: str = SUNDAY, **params) -> list[str]:
    """The local "HH:MM" times the time step offers on `day`."""
    html = page_html(client, start_url(app, therapist="dana-okafor", day=day, **params))
    starts = re.findall(r'name="start" value="([^"]+)"|[?&;]start=([^"&]+)', html)
    found = []
    for pair in starts:
        value = (pair[0] or pair[1]).replace("%3A", ":").replace("%2B", "+")
        found.append(datetime.fromisoformat(value).astimezone(clinic_tz()).strftime("%H:%M"))
    return sorted(set(found))


def book_home(client, app, start: str, area: str, address: str, postal: str, **details):
    query = {
        "service": NMT,
        "option": option_id(app, NMT, 60),
        "visit": "home",
        "area": area,
        "therapist": "dana-okafor",
        "start": start,
    }
    html = page_html(client, "/book/details?" + urlencode(query))
    data = {
        **extract_hidden_fields(html),
        **CLIENT_DETAILS,
        "visit_address": address,
        "visit_postal_code": postal,
        **details,
    }
    return client.post("/book/details", data=data)


def sunday_at(hhmm: str) -> str:
    return datetime.fromisoformat(f"{SUNDAY}T{hhmm}").replace(tzinfo=clinic_tz()).isoformat()


def test_the_place_step_offers_studios_and_a_visit_at_home(app):
    words = text_of(page_html(app.test_client(), start_url(app)))
    assert "Choose a studio, or a visit at your address" in words
    assert "At a studio" in words and "At your address" in words
    assert "Your postal code" in words
    assert "Redondo Beach +$25 for the visit" in words
    assert "Culver City +" not in words  # an area that takes no home visits


def test_a_postal_code_finds_its_area_and_the_price_adds_the_surcharge(app):
    html = page_html(app.test_client(), start_url(app, visit="home", postal="90277"))
    words = text_of(html)
    assert "Where At your address in Redondo Beach" in words
    assert "Home visit +$25" in words
    assert "Price $165 ($140 and the home visit)" in words  # $140 and the $25 surcharge
    assert "Choose a therapist" in words
    assert "Dana Okafor" in words and "Lena Marchetti" not in words  # only Dana goes out


def test_a_code_outside_every_area_is_refused_with_the_nearest_areas(app):
    html = page_html(app.test_client(), start_url(app, visit="home", postal="90210"), status=400)
    words = text_of(html)
    assert "We do not come to postal code 90210" in words
    # Beverly Hills: Santa Monica is nearest, then the two South Bay cities.
    match = re.search(r"The nearest areas we visit are (.+?)\. Please check", words)
    assert match, words
    named = re.findall(r"([A-Z][a-z]+(?: [A-Z][a-z]+)?) \((\d+) miles\)", match.group(1))
    assert [name for name, _ in named] == ["Santa Monica", "Redondo Beach", "Torrance"]
    assert int(named[0][1]) < int(named[1][1])
    assert "Saltgrass Hermosa Beach Studio" in words  # a studio is still offered


@pytest.mark.parametrize("postal", ["<script>", "9" * 40, "%%%"])
def test_a_garbled_postal_code_is_asked_again(app, postal):
    html = page_html(app.test_client(), start_url(app, visit="home", postal=postal), status=400)
    assert "That postal code could not be read" in text_of(html)
    assert "<script>" not in html.split("</header>", 1)[-1].replace("&lt;script&gt;", "")


def test_a_studio_only_service_is_not_offered_at_home(app):
    option = option_id(app, "trigger-point-therapy", 60)
    query = {"service": "trigger-point-therapy", "option": option, "visit": "home"}
    url = "/book/?" + urlencode(query)
    words = text_of(page_html(app.test_client(), url, status=400))
    assert "This service is given at our studios only" in words


def test_an_area_that_takes_no_home_visits_is_refused(app):
    html = page_html(app.test_client(), start_url(app, visit="home", area="culver-city"), 400)
    assert "We do not come to that area for this service" in text_of(html)


def test_studio_visits_are_never_offered_in_home_visit_hours(app):
    client = app.test_client()
    studio = page_html(
        client, start_url(app, location="hermosa-beach-studio", therapist="dana-okafor")
    )
    assert "Sun 13 Dec" not in text_of(studio) and "Sunday 13 December" not in text_of(studio)
    response = client.get(f"/api/availability?service={NMT}&date={SUNDAY}&therapist=dana-okafor")
    assert response.get_json()["slots"] == []


def test_times_leave_the_travel_between_two_home_visits(app):
    client = app.test_client()
    before = times_on(client, app, visit="home", area="santa-monica")
    assert before[0] == "09:00" and "10:00" in before
    response = book_home(
        client, app, sunday_at("10:00"), "redondo-beach", "418 Avenue G, Redondo Beach", "90277"
    )
    assert response.status_code == 303, text_of(response.get_data(as_text=True))
    # 10:00-11:00 and a 15-minute buffer in Redondo Beach, then 50 minutes to Santa Monica:
    # nothing before 12:05, so 12:15 on the 15-minute grid; and nothing ending later than
    # 50 minutes plus the buffer before 10:00 (no hour starts that early).
    after = times_on(client, app, visit="home", area="santa-monica")
    assert after[0] == "12:15", after
    # Another Redondo Beach client: two addresses in one area, 15 minutes apart by default.
    same_area = times_on(client, app, visit="home", area="redondo-beach")
    assert "11:15" not in same_area and "11:30" in same_area
    assert "09:00" not in same_area  # 9:00-10:00 + 15 buffer + 15 travel runs past 10:00


def test_a_home_visit_keeps_the_address_and_the_surcharge(app):
    client = app.test_client()
    response = book_home(
        client,
        app,
        sunday_at("10:00"),
        "redondo-beach",
        "418 Avenue G, Redondo Beach",
        "90277",
    )
    assert response.status_code == 303
    with app.app_context():
        booked = db.session.scalar(sa.select(Appointment))
        assert booked.at_home and booked.visit_area.slug == "redondo-beach"
        assert booked.visit_address == "418 Avenue G, Redondo Beach"
        assert booked.visit_postal_code == "90277"
        assert (booked.price, booked.outcall_surcharge, booked.deposit) == (16500, 2500, 3500)
        assert booked.location.kind == "mobile"


@pytest.mark.parametrize(
    ("address", "postal", "message"),
    [
        ("", "90277", "Please give the street address we should come to."),
        ("418 Avenue G", "", "Please give the postal code of the address."),
        ("418 Avenue G", "90401", "90401 is in Santa Monica, not Redondo Beach"),
        ("418 Avenue G", "90210", "We do not come to postal code 90210."),
    ],
)
def test_the_address_must_be_in_the_area_the_times_were_for(app, address, postal, message):
    client = app.test_client()
    response = book_home(client, app, sunday_at("10:00"), "redondo-beach", address, postal)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in text_of(html)
    assert 'value="Ana Client"' in html  # nothing typed is lost
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Appointment)) == 0


def test_a_link_from_an_area_page_starts_at_the_area(app):
    url = start_url(app, visit="home", area="redondo-beach", **{"from": "area:redondo-beach"})
    words = text_of(page_html(app.test_client(), url))
    assert "Where At your address in Redondo Beach" in words
    assert "Choose a therapist" in words


def test_the_availability_api_answers_for_a_home_visit_in_an_area(app):
    client = app.test_client()
    base = f"/api/availability?service={NMT}&date={SUNDAY}&therapist=dana-okafor"
    answer = client.get(base + "&visit=home&area=redondo-beach").get_json()
    assert answer["slots"] and {s["location"] for s in answer["slots"]} == {"home-visits"}
    for bad in ("&visit=home", "&visit=home&area=culver-city", "&visit=car&area=torrance"):
        response = client.get(base + bad)
        assert response.status_code == 400 and response.get_json()["error"], bad


def test_an_area_and_service_page_offers_a_visit_at_home(app):
    html = page_html(app.test_client(), "/areas/redondo-beach/neuromuscular-therapy")
    assert 'data-area="redondo-beach"' in html
    words = text_of(html)
    assert "Next free times at your home in Redondo Beach (+$25)" in words
    assert "Book a visit at home in Redondo Beach" in words
    link = re.search(r'href="([^"]+)">Book a visit at home', html).group(1).replace("&amp;", "&")
    assert "visit=home" in link and "area=redondo-beach" in link
    assert "from=area_service" in link
    culver = page_html(app.test_client(), "/areas/culver-city/neuromuscular-therapy")
    assert "Book a visit at home" not in culver and "data-area=" not in culver


def test_an_area_page_offers_a_visit_at_home_where_the_area_takes_them(app):
    html = page_html(app.test_client(), "/areas/redondo-beach")
    assert 'data-area="redondo-beach"' in html
    words = text_of(html)
    assert "Next free times for Neuromuscular Therapy at your home in Redondo Beach (+$25)" in words
    link = re.search(r'href="([^"]+)">Book Neuromuscular Therapy at home', html)
    link = link.group(1).replace("&amp;", "&")
    assert f"service={NMT}" in link and "visit=home" in link and "area=redondo-beach" in link
    assert "from=area" in link
    assert "Where At your address in Redondo Beach" in words_after_the_length(app, link)
    culver = page_html(app.test_client(), "/areas/culver-city")
    assert "at home" not in text_of(culver) and "data-area=" not in culver


def words_after_the_length(app, link: str) -> str:
    """The page a client reaches from `link` (which names no length) by choosing the first
    length offered."""
    client = app.test_client()
    html = page_html(client, link)
    assert "Choose a length" in text_of(html)
    first = re.search(r'class="choice" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    return text_of(page_html(client, first))


def test_the_area_and_service_pages_home_button_keeps_the_area_past_the_length(app):
    html = page_html(app.test_client(), "/areas/redondo-beach/neuromuscular-therapy")
    link = re.search(r'href="([^"]+)">Book a visit at home', html).group(1).replace("&amp;", "&")
    words = words_after_the_length(app, link)
    assert "Where At your address in Redondo Beach" in words
    assert "Choose a therapist" in words
