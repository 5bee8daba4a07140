"""The staff calendar: right hours on DST days, each therapist sees their own."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import Location, Room
from tests.support.staff_helpers import NOW, make_appointment, therapist_id


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr("clinicsite.clock.now", lambda: NOW)


def row_labels(html: str) -> list[str]:
    return re.findall(r'<th scope="row">([^<]+)</th>', html)


@pytest.mark.parametrize(
    "day, first_label, utc_hour_of_10am",
    [("2026-03-08", "8:00 AM", 17), ("2026-11-01", "8:00 AM", 18), ("2026-07-15", "8:00 AM", 17)],
)
def test_day_view_shows_local_hours_on_dst_days(
    clinic, client, login_as, monkeypatch, day, first_label, utc_hour_of_10am
):
    # An appointment at 10:00 local time lands on the 10:00 row, whatever the offset.
    y, m, d = map(int, day.split("-"))
    frozen_now = datetime(y, m, d, 8, 0, tzinfo=UTC)  # the night before, local time
    monkeypatch.setattr("clinicsite.clock.now", lambda: frozen_now)
    make_appointment(clinic, datetime(y, m, d, utc_hour_of_10am, 0, tzinfo=UTC), now=frozen_now)
    login_as("admin")
    html = client.get(f"/staff/calendar/day?date={day}").get_data(as_text=True)
    labels = row_labels(html)
    assert labels[0].strip() == first_label
    assert "10:00 AM" in labels
    # From 08:00 to 20:00 local are 144 five-minute rows, even on a 23- or 25-hour day.
    assert html.count('<th scope="row">') == 144
    rows = html.split("<tr")
    ten = next(i for i, r in enumerate(rows) if '<th scope="row">10:00 AM' in r)
    assert "Rita Client" in rows[ten]
    # The free 20-minute discovery session; on a day the clocks change, with the zone.
    zone = {"2026-03-08": " PDT", "2026-11-01": " PST"}.get(day, "")
    assert f"10:00 AM{zone}–10:20 AM{zone}" in rows[ten]
    assert 'rowspan="4"' in rows[ten]  # 20 minutes drawn as 20 minutes, not half an hour


def test_therapist_sees_only_their_own_appointments(clinic, client, login_as, frozen):
    make_appointment(clinic, datetime(2026, 12, 9, 18, 0, tzinfo=UTC), "dana-okafor", name="Dana's")
    make_appointment(
        clinic, datetime(2026, 12, 10, 18, 0, tzinfo=UTC), "theo-nakamura", name="Theo's"
    )
    login_as("therapist", therapist_id=therapist_id(clinic, "dana-okafor"))
    week = client.get("/staff/calendar?week=2026-12-09").get_data(as_text=True)
    assert "Dana&#39;s" in week and "Theo&#39;s" not in week
    day = client.get("/staff/calendar/day?date=2026-12-10").get_data(as_text=True)
    assert "Theo Nakamura" not in day  # no column for other therapists


def test_admin_week_lists_everyone_by_local_day(clinic, client, login_as, frozen):
    # 23:30 on Wednesday in Los Angeles is Thursday in UTC: it belongs to Wednesday.
    make_appointment(
        clinic, datetime(2026, 12, 10, 7, 30, tzinfo=UTC), "theo-nakamura", name="Late Owl"
    )
    login_as("admin")
    html = client.get("/staff/calendar?week=2026-12-09").get_data(as_text=True)
    wednesday = html.split('id="day-2026-12-09"')[1].split('id="day-2026-12-10"')[0]
    assert "Late Owl" in wednesday and "11:30 PM" in wednesday


def test_bad_dates_show_today_with_a_message(clinic, client, login_as, frozen):
    login_as("admin")
    for url in ["/staff/calendar?week=yesterday", "/staff/calendar/day?date=2026-13-45"]:
        response = client.get(url)
        assert response.status_code == 400
        assert "That date could not be read" in response.get_data(as_text=True)


def free_links(html: str, therapist: int | None = None) -> dict[str, str]:
    """The day view's click-to-book cells (of one therapist): their visible time -> link."""
    found = re.findall(
        r'<a class="book-slot" href="([^"]+)"><span class="visually-hidden">Book </span>([^<]+)<',
        html,
    )
    return {
        label: href.replace("&amp;", "&")
        for href, label in found
        if therapist is None or f"therapist={therapist}&" in href
    }


def test_a_free_quarter_hour_links_to_a_phone_booking_at_that_time(
    clinic, client, login_as, frozen
):
    # Monday December 7, 08:00 in Los Angeles; Dana works 9-13 and 14-18 at Hermosa Beach.
    make_appointment(clinic, datetime(2026, 12, 7, 18, 0, tzinfo=UTC))  # 10:00-10:20 taken
    login_as("admin")
    html = client.get("/staff/calendar/day?date=2026-12-07").get_data(as_text=True)
    dana = therapist_id(clinic, "dana-okafor")
    links = free_links(html, dana)
    assert "9:00 AM" in links and "9:45 AM" in links and "11:15 AM" in links
    assert "10:00 AM" not in links and "10:15 AM" not in links  # booked
    assert "10:20 AM" in links and "10:30 AM" in links  # free from the end of the visit
    assert "1:15 PM" not in links  # her lunch hour is not working time
    assert "with Dana Okafor" in html
    page = client.get(links["9:45 AM"])
    assert page.status_code == 200
    form = page.get_data(as_text=True)
    assert 'value="2026-12-07"' in form and 'value="09:45"' in form
    assert re.search(rf'<option selected value="{dana}">|<option value="{dana}" selected', form)


def test_a_time_that_has_passed_has_no_link_and_one_to_come_carries_its_offset(
    clinic, client, login_as, monkeypatch
):
    # The day after the clocks went back: the link says which reading of the time it means
    # (the phone booking page asks for it only on a night when an hour repeats).
    now = datetime(2026, 11, 2, 18, 7, tzinfo=UTC)  # Monday 10:07 PST
    monkeypatch.setattr("clinicsite.clock.now", lambda: now)
    login_as("admin")
    html = client.get("/staff/calendar/day?date=2026-11-02").get_data(as_text=True)
    links = free_links(html, therapist_id(clinic, "dana-okafor"))
    assert "10:00 AM" not in links and "9:45 AM" not in links
    assert "offset=-08:00" in links["10:15 AM"]


def test_a_free_time_is_not_offered_while_every_room_of_the_studio_is_taken(
    clinic, client, login_as, frozen
):
    # Friday December 11 at Hermosa Beach: Dana 08:00-12:00 and Lena 09:00-12:00; the
    # studio has one room, which Dana's 10:00 visit (a 20-minute session) takes till 10:20.
    with clinic.app_context():
        studio = db.session.scalar(sa.select(Location).filter_by(slug="hermosa-beach-studio"))
        db.session.add(Room(location_id=studio.id, name="Tide Room"))
        db.session.commit()
    make_appointment(clinic, datetime(2026, 12, 11, 18, 0, tzinfo=UTC))  # 10:00 local
    login_as("admin")
    html = client.get("/staff/calendar/day?date=2026-12-11").get_data(as_text=True)
    lena = free_links(html, therapist_id(clinic, "lena-marchetti"))
    assert "9:45 AM" in lena and "10:30 AM" in lena  # the room is free then
    assert "10:00 AM" not in lena and "10:15 AM" not in lena
    assert "Every room taken" in html
