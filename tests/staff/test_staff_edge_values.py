"""Staff pages at the edges of the calendar and of page numbers: a clear message or an
empty page, never a 500 (on PostgreSQL an OFFSET past bigint, in Python a date past
9999-12-31)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import Appointment, TimeOff
from tests.support.staff_helpers import NOW, appointment, form_token, make_appointment, therapist_id

WEDNESDAY_10 = datetime(2026, 12, 9, 18, 0, tzinfo=UTC)
HUGE_PAGE = "99999999999999999999"


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr("clinicsite.clock.now", lambda: NOW)


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "9999-12-27", "0001-01-07"])
@pytest.mark.parametrize("view", ["/staff/calendar?week=", "/staff/calendar/day?date="])
def test_calendar_at_the_ends_of_time_shows_today_with_a_message(
    clinic, client, login_as, frozen, view, day
):
    login_as("admin")
    response = client.get(view + day)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Please give a date between" in page and "Showing today" in page


def test_calendar_still_shows_an_ordinary_far_day(clinic, client, login_as, frozen):
    login_as("admin")
    assert client.get("/staff/calendar?week=9998-12-31").status_code == 200
    assert client.get("/staff/calendar/day?date=1900-01-01").status_code == 200


@pytest.mark.parametrize(
    "query", ["from=9999-12-01&to=9999-12-31", "from=0001-01-01&to=0001-01-02", "from=x&to=y"]
)
def test_csv_export_over_the_ends_of_time_is_refused_with_a_message(
    clinic, client, login_as, query
):
    login_as("admin")
    response = client.get(f"/staff/appointments.csv?{query}")
    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "url",
    [
        "/staff/inquiries?page=",
        "/staff/inquiries?show=handled&page=",
        "/staff/newsletter?page=",
        "/staff/blog?page=",
        "/staff/comments?page=",
    ],
)
@pytest.mark.parametrize("number", [HUGE_PAGE, "-" + HUGE_PAGE, "1e9"])
def test_a_huge_page_number_shows_an_empty_page(clinic, client, login_as, url, number):
    login_as("admin")
    assert client.get(url + number).status_code == 200


def test_move_to_the_last_day_of_time_is_refused_with_a_message(clinic, client, login_as, frozen):
    appt_id = make_appointment(clinic, WEDNESDAY_10)
    login_as("admin")
    with clinic.app_context():
        studio = db.session.get(Appointment, appt_id).location_id
    for day, time in [("9999-12-31", "23:00"), ("9999-12-31", "10:00"), ("0001-01-01", "00:30")]:
        html = client.get(f"/staff/appointments/{appt_id}").get_data(as_text=True)
        data = {
            "csrf_token": form_token(html),
            "date": day,
            "time": time,
            "therapist_id": therapist_id(clinic, "dana-okafor"),
            "location_id": studio,
        }
        response = client.post(f"/staff/appointments/{appt_id}/move", data=data)
        assert response.status_code == 303, (day, time)
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "Please give a date between" in page
        assert appointment(clinic, appt_id).starts_at == WEDNESDAY_10


def test_phone_booking_on_the_last_day_of_time_is_refused_with_a_message(
    clinic, client, login_as, frozen
):
    login_as("admin")
    html = client.get("/staff/book").get_data(as_text=True)
    option = re.search(r'<option value="(\d+)">Neuromuscular Therapy, 60 min', html).group(1)
    data = {
        "csrf_token": form_token(html),
        "option": option,
        "therapist": therapist_id(clinic, "dana-okafor"),
        "location": re.search(r'<option (?:selected )?value="(\d+)">Saltgrass', html).group(1),
        "date": "9999-12-31",
        "time": "23:30",
        "name": "Phone Client",
        "email": "phone@example.com",
        "phone": "310 555 0190",
        "payment": "waive",
    }
    response = client.post("/staff/book", data=data)
    assert response.status_code in (200, 422)
    assert "Please give a date between" in response.get_data(as_text=True)
    with clinic.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Appointment)) == 0


@pytest.mark.parametrize("end_time", ["", "18:00"])
def test_time_off_until_9999_12_31_is_saved_as_open_ended_leave(
    clinic, client, login_as, frozen, end_time
):
    login_as("admin")
    dana = therapist_id(clinic, "dana-okafor")
    token = form_token(client.get(f"/staff/schedules/{dana}").get_data(as_text=True))
    data = {
        "csrf_token": token,
        "off-start_day": "2027-01-04",
        "off-start_time": "09:00" if end_time else "",
        "off-end_day": "9999-12-31",
        "off-end_time": end_time,
        "off-reason": "Parental leave",
        "off-confirm": "1",
    }
    response = client.post(f"/staff/schedules/{dana}/time-off", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)
    with clinic.app_context():
        (off,) = db.session.scalars(sa.select(TimeOff).filter_by(therapist_id=dana))
        assert off.ends_at > datetime(9998, 12, 31, tzinfo=UTC)  # the last usable day
    # Every page that shows it still renders.
    assert client.get(f"/staff/schedules/{dana}").status_code == 200
    assert client.get("/staff/calendar/day?date=2027-01-05").status_code == 200
    assert (
        client.get("/api/availability?service=neuromuscular-therapy&date=2027-01-05").status_code
        == 200
    )


def test_time_off_starting_after_the_last_usable_day_is_refused(clinic, client, login_as, frozen):
    login_as("admin")
    dana = therapist_id(clinic, "dana-okafor")
    token = form_token(client.get(f"/staff/schedules/{dana}").get_data(as_text=True))
    data = {"csrf_token": token, "off-start_day": "9999-12-31", "off-end_day": ""}
    response = client.post(f"/staff/schedules/{dana}/time-off", data=data)
    assert response.status_code == 422
    assert "Please give a date between" in response.get_data(as_text=True)


@pytest.mark.parametrize("field", ["therapist_id", "location_id"])
def test_move_with_an_id_past_bigint_is_refused_not_a_server_error(
    clinic, client, login_as, frozen, field
):
    appt_id = make_appointment(clinic, WEDNESDAY_10)
    login_as("admin")
    with clinic.app_context():
        studio = db.session.get(Appointment, appt_id).location_id
    html = client.get(f"/staff/appointments/{appt_id}").get_data(as_text=True)
    data = {
        "csrf_token": form_token(html),
        "date": "2026-12-10",
        "time": "10:00",
        "therapist_id": therapist_id(clinic, "dana-okafor"),
        "location_id": studio,
        field: "-" + HUGE_PAGE,
    }
    response = client.post(f"/staff/appointments/{appt_id}/move", data=data)
    assert response.status_code == 303
    assert appointment(clinic, appt_id).starts_at == WEDNESDAY_10
