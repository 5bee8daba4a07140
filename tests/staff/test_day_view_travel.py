"""Home visits on the staff pages: the day view draws each therapist's travel between
visits, with the area of each visit, and warns when the gap is shorter than the road; the
appointment page gives the address with a plain map link; calendar files put a home visit
at the client's address."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from clinicsite.extensions import db
from clinicsite.models import (
    Appointment,
    Location,
    ServiceArea,
    ServiceOption,
    Therapist,
    TravelTime,
)
from tests.notifications.test_ics import plain_read
from tests.support.app import statements_for_page
from tests.support.factories import make_location
from tests.support.staff_helpers import NOW, form_token, therapist_id

LA = ZoneInfo("America/Los_Angeles")
DAY = "2026-12-09"  # a Wednesday: Dana works at the Hermosa Beach studio 09:00-15:00
SCRIPTED = "12 <script>alert(1)</script> & Co St, Redondo Beach"


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    monkeypatch.setattr("clinicsite.clock.now", lambda: NOW)


def at(clock: str, day: str = DAY) -> datetime:
    return datetime.fromisoformat(f"{day} {clock}").replace(tzinfo=LA).astimezone(UTC)


def area_id(app, slug: str) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(ServiceArea.id).filter_by(slug=slug))


def set_travel(app, a: str, b: str, minutes: int) -> None:
    """Minutes between two areas as staff set them in the matrix."""
    first, second = sorted(f"area:{area_id(app, slug)}" for slug in (a, b))
    with app.app_context():
        row = db.session.get(TravelTime, (first, second))
        if row is None:
            db.session.add(TravelTime(place_a=first, place_b=second, minutes=minutes))
        else:
            row.minutes = minutes
        db.session.commit()


@pytest.fixture
def mobile(clinic):
    """The home-visit hours' location, and two areas that take home visits."""
    with clinic.app_context():
        location = make_location(slug="home-visits", name="Home visits", kind="mobile")
        for area in db.session.scalars(
            sa.select(ServiceArea).where(ServiceArea.slug.in_(["redondo-beach", "santa-monica"]))
        ):
            area.home_visits = True
            area.outcall_surcharge = 2500
        db.session.commit()
        return location.id


def visit(
    app,
    start: str,
    area: str | None = None,
    address: str = "",
    postal_code: str = "",
    therapist: str = "dana-okafor",
    name: str = "Rita Client",
    day: str = DAY,
    buffer: int = 15,
) -> int:
    """A confirmed hour-long visit written as the booking flow leaves it: a home visit at
    the mobile location in `area`, or (no area) one at the Hermosa Beach studio."""
    starts_at = at(start, day)
    with app.app_context():
        option = db.session.scalar(
            sa.select(ServiceOption).where(ServiceOption.duration_minutes == 60).limit(1)
        )
        if area is None:
            location = db.session.scalar(sa.select(Location).filter_by(slug="hermosa-beach-studio"))
        else:
            location = db.session.scalar(sa.select(Location).filter_by(slug="home-visits"))
        surcharge = 2500 if area else 0
        row = Appointment(
            token=secrets.token_urlsafe(16),
            service_id=option.service_id,
            option_id=option.id,
            therapist_id=therapist_id(app, therapist),
            location_id=location.id,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=1),
            blocks_until=starts_at + timedelta(hours=1, minutes=buffer),
            status="confirmed",
            price=option.price + surcharge,
            deposit=0,
            currency="USD",
            client_name=name,
            client_email="rita@example.com",
            visit_area_id=area_id(app, area) if area else None,
            visit_address=address,
            visit_postal_code=postal_code,
            outcall_surcharge=surcharge,
        )
        db.session.add(row)
        db.session.commit()
        return row.id


def day_view(client, day: str = DAY) -> str:
    response = client.get(f"/staff/calendar/day?date={day}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def travel_cells(html: str) -> list[tuple[int, str, str]]:
    """Each travel cell as (rows it spans, its class, its text as read)."""
    return [
        (int(rowspan), classes, text_of(inner))
        for rowspan, classes, inner in re.findall(
            r'<td rowspan="(\d+)" class="slot (travel[^"]*)"[^>]*>(.*?)</td>', html, re.S
        )
    ]


def row_of(html: str, label: str) -> str:
    """The table row whose time label (visible or for screen readers) is `label`."""
    rows = html.split("<tr")
    return next(r for r in rows if re.search(rf'<th scope="row">(<span[^>]*>)?{label}<', r))


def booking_times(html: str, therapist: int) -> set[str]:
    return set(re.findall(rf"therapist={therapist}&amp;[^\"]*time=(\d\d:\d\d)", html))


def test_travel_between_two_home_visits_is_drawn_after_the_first_visits_buffer(
    clinic, client, login_as, mobile
):
    set_travel(clinic, "redondo-beach", "santa-monica", 55)
    visit(clinic, "09:00", "redondo-beach", "412 Ruby St", "90277", name="Ann Redondo")
    visit(clinic, "11:30", "santa-monica", "9 Ocean Ave", "90401", name="Ben Monica")
    login_as("admin")
    html = day_view(client)
    text = text_of(html)
    assert "Home visit · Redondo Beach" in text and "Home visit · Santa Monica" in text
    # 09:00-10:00, then its 15-minute buffer: the road takes 10:15 to 11:10, 11 rows.
    [(rows, classes, words)] = travel_cells(html)
    assert words == "Travel 55 min · Redondo Beach → Santa Monica"
    assert (rows, classes) == (11, "travel")
    assert "Travel 55 min" in row_of(html, "10:15 AM")
    assert "Travel between visits" in text  # the key names the stripes in words
    # The road is not offered for a phone booking; the 20 minutes after it are.
    dana = therapist_id(clinic, "dana-okafor")
    times = booking_times(html, dana)
    assert not {"10:15", "10:30", "10:45", "11:00"} & times
    assert "11:15" in times


def test_a_gap_shorter_than_the_road_says_there_is_not_enough_time(
    clinic, client, login_as, mobile
):
    set_travel(clinic, "redondo-beach", "santa-monica", 90)  # edited after both were booked
    visit(clinic, "09:00", "redondo-beach", "412 Ruby St", "90277")
    visit(clinic, "11:30", "santa-monica", "9 Ocean Ave", "90401")
    login_as("admin")
    [(rows, classes, words)] = travel_cells(day_view(client))
    assert classes == "travel travel-short"
    assert rows == 15  # the whole gap, 10:15 to 11:30
    assert words == (
        "Not enough time to travel: 1 h 15 min free "
        "Travel 1 h 30 min · Redondo Beach → Santa Monica"
    )


def test_back_to_back_visits_in_two_areas_warn_on_the_second_visit(
    clinic, client, login_as, mobile
):
    set_travel(clinic, "redondo-beach", "santa-monica", 55)
    visit(clinic, "09:00", "redondo-beach", "412 Ruby St", "90277", buffer=0)
    second = visit(clinic, "10:00", "santa-monica", "9 Ocean Ave", "90401", name="Ben Monica")
    login_as("admin")
    html = day_view(client)
    assert travel_cells(html) == []
    block = re.search(rf'href="/staff/appointments/{second}".*?</a>', html, re.S).group(0)
    assert "Not enough time to travel: 55 min needed from Redondo Beach" in text_of(block)


def test_travel_from_a_studio_to_a_home_visit_counts(clinic, client, login_as, mobile):
    visit(clinic, "09:00", name="Studio First")
    visit(clinic, "12:00", "redondo-beach", "412 Ruby St", "90277")
    login_as("admin")
    [(_, _, words)] = travel_cells(day_view(client))
    assert re.fullmatch(
        r"Travel \d+ min · Saltgrass Hermosa Beach Studio → Redondo Beach", words
    ), words


def test_a_day_at_the_studio_only_has_no_travel(clinic, client, login_as, mobile):
    visit(clinic, "09:00", name="First Studio")
    visit(clinic, "10:30", name="Second Studio")
    login_as("admin")
    html = day_view(client)
    assert travel_cells(html) == []
    words = text_of(html).replace("Travel times", "")  # the staff menu's link
    assert "Travel" not in words and "Home visit" not in words
    assert "10:30" not in booking_times(html, therapist_id(clinic, "dana-okafor"))
    assert "12:00" in booking_times(html, therapist_id(clinic, "dana-okafor"))


def test_the_week_lists_the_area_of_each_home_visit(clinic, client, login_as, mobile):
    visit(clinic, "09:00", "redondo-beach", "412 Ruby St", "90277")
    login_as("admin")
    week = client.get(f"/staff/calendar?week={DAY}").get_data(as_text=True)
    assert "Home visit, Redondo Beach" in text_of(week)


def test_the_day_view_runs_as_many_queries_for_many_visits_as_for_two(
    clinic, client, login_as, mobile
):
    set_travel(clinic, "redondo-beach", "santa-monica", 55)
    visit(clinic, "09:00", "redondo-beach", "1 A St", "90277")
    visit(clinic, "11:00", "santa-monica", "2 B St", "90401")
    login_as("admin")
    few = statements_for_page(clinic, client, f"/staff/calendar/day?date={DAY}")
    visit(clinic, "13:00", "redondo-beach", "3 C St", "90277")
    visit(clinic, "14:30")
    visit(clinic, "09:00", "santa-monica", "4 D St", "90401", therapist="lena-marchetti")
    visit(clinic, "11:00", therapist="lena-marchetti")
    visit(clinic, "13:00", "redondo-beach", "5 E St", "90277", therapist="lena-marchetti")
    html = day_view(client)
    assert len(travel_cells(html)) == 5
    many = statements_for_page(clinic, client, f"/staff/calendar/day?date={DAY}")
    assert len(many) == len(few), many


def appointment_page(client, appointment_id: int) -> str:
    response = client.get(f"/staff/appointments/{appointment_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_appointment_page_gives_the_address_area_surcharge_and_a_map_link(
    clinic, client, login_as, mobile
):
    appointment_id = visit(clinic, "09:00", "redondo-beach", SCRIPTED, "90277")
    login_as("therapist", therapist_id=therapist_id(clinic, "dana-okafor"))
    html = appointment_page(client, appointment_id)
    assert "<script>alert(1)</script>" not in html
    assert "12 &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co St, Redondo Beach" in html
    text = text_of(html)
    assert "Home visit · Redondo Beach" in text
    assert "90277" in text
    assert "including the $25 home visit surcharge" in text
    [link] = re.findall(r"<a [^>]*>Open in map", html)
    href = re.search(r'href="([^"]+)"', link).group(1)
    assert href == (
        "https://www.openstreetmap.org/search?query="
        "12+%3Cscript%3Ealert%281%29%3C%2Fscript%3E+%26+Co+St%2C+Redondo+Beach%2C+90277"
    )
    assert 'target="_blank"' in link and 'rel="noopener noreferrer"' in link
    assert "openstreetmap" not in html.replace(link, "")  # a link only: no map script or tile


def test_a_studio_visit_page_has_no_map_link(clinic, client, login_as, mobile):
    appointment_id = visit(clinic, "09:00")
    login_as("admin")
    html = appointment_page(client, appointment_id)
    assert "Open in map" not in html and "Home visit ·" not in html
    assert "Home visits</option>" not in html  # the move form offers studios only
    assert "Saltgrass Hermosa Beach Studio" in html


def ics_unescape(value: str) -> str:
    """RFC 5545 TEXT as written (section 3.3.11), read back."""
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], value)


def locations(text: str) -> tuple[list[str], list[str]]:
    """Every event's LOCATION as icalendar reads it and as the plain reader does."""
    first = [str(e["LOCATION"]) for e in Calendar.from_ical(text).events]
    second = [ics_unescape(e["LOCATION"][1]) for e in plain_read(text)]
    return first, second


def test_the_clients_calendar_file_is_at_their_address(clinic, client, mobile):
    appointment_id = visit(clinic, "09:00", "redondo-beach", "412 Ruby St; Apt 2, Redondo", "90277")
    with clinic.app_context():
        token = db.session.get(Appointment, appointment_id).token
    response = client.get(f"/booking/{token}.ics")
    assert response.status_code == 200
    expected = ["412 Ruby St; Apt 2, Redondo, 90277"]
    assert locations(response.get_data(as_text=True)) == (expected, expected)


def test_the_therapists_feed_puts_home_visits_at_the_clients_address(app, clinic, client, mobile):
    from clinicsite.staff.feeds import feeds_bp

    if "feeds" not in app.blueprints:
        app.register_blueprint(feeds_bp)
    visit(clinic, "09:00", "redondo-beach", "412 Ruby St, Redondo Beach", "90277")
    visit(clinic, "11:30", name="At The Studio")
    with clinic.app_context():
        db.session.get(Therapist, therapist_id(clinic, "dana-okafor")).feed_token = "dana-feed"
        db.session.commit()
    response = client.get("/calendar/dana-feed.ics")
    assert response.status_code == 200
    first, second = locations(response.get_data(as_text=True))
    assert first == second
    assert "412 Ruby St, Redondo Beach, 90277" in first
    assert any(place.startswith("Saltgrass Hermosa Beach Studio, ") for place in first)


def test_the_move_form_keeps_a_home_visit_at_home_and_a_studio_visit_at_a_studio(
    clinic, client, login_as, mobile
):
    home = visit(clinic, "09:00", "redondo-beach", "412 Ruby St", "90277")
    studio = visit(clinic, "12:00")
    with clinic.app_context():
        hermosa = db.session.scalar(sa.select(Location.id).filter_by(slug="hermosa-beach-studio"))
    login_as("admin")
    for appointment_id, location_id in ((home, hermosa), (studio, mobile)):
        html = appointment_page(client, appointment_id)
        response = client.post(
            f"/staff/appointments/{appointment_id}/move",
            data={
                "csrf_token": form_token(html),
                "date": "2026-12-10",
                "time": "10:00",
                "therapist_id": therapist_id(clinic, "dana-okafor"),
                "location_id": location_id,
            },
            follow_redirects=True,
        )
        assert "A home visit stays at the client&#39;s address" in response.get_data(as_text=True)
    with clinic.app_context():
        assert db.session.get(Appointment, home).starts_at == at("09:00")
        assert db.session.get(Appointment, studio).location_id == hermosa


def test_a_therapists_today_page_names_the_area_of_a_home_visit(clinic, client, login_as, mobile):
    visit(clinic, "10:00", "redondo-beach", "412 Ruby St", "90277", day="2026-12-07")
    login_as("therapist", therapist_id=therapist_id(clinic, "dana-okafor"))
    html = client.get("/staff/").get_data(as_text=True)
    assert "Home visit, Redondo Beach" in text_of(html)
