"""Closures (issue 15): admins close the clinic or one studio for days or hours; the page
lists the bookings a closure covers before it is saved; public and staff free times leave
closed time out, a booking for it is refused, and clients are told the closed days."""

from __future__ import annotations

import html as html_lib
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from clinicsite.appointments.holding import ClientDetails, HoldRequest, hold
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.models import Appointment, AuditEvent, Closure, Location, ServiceOption, Therapist
from clinicsite.scheduling.closures import StudioClosed
from tests.support.app import csrf_token
from tests.support.booking_helpers import (
    DISCOVERY,
    NMT,
    free_slots,
    location_slug,
    text_of,
)
from tests.support.staff_helpers import NOW, form_token, make_appointment

LA = ZoneInfo("America/Los_Angeles")
WEDNESDAY = "2026-12-09"  # Dana works 09:00-15:00 at Hermosa Beach; Lena at Culver City


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LA).astimezone(UTC)


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr("clinicsite.clock.now", lambda: NOW)


@pytest.fixture
def admin(clinic, client, login_as, frozen):
    login_as("admin")
    return client


def studio_id(app, slug="hermosa-beach-studio") -> int:
    with app.app_context():
        return db.session.scalar(sa.select(Location.id).filter_by(slug=slug))


def add_closure(app, start: str, end: str, slug: str | None = None, note: str = "") -> None:
    with app.app_context():
        location_id = studio_id(app, slug) if slug else None
        db.session.add(
            Closure(starts_at=local(start), ends_at=local(end), note=note, location_id=location_id)
        )
        db.session.commit()


def closures(app) -> list[Closure]:
    with app.app_context():
        rows = list(db.session.scalars(sa.select(Closure).order_by(Closure.id)))
        db.session.expunge_all()
        return rows


def closure_form(client, **change) -> dict[str, str]:
    html = client.get("/staff/closures/").get_data(as_text=True)
    data = {
        "csrf_token": form_token(html),
        "studio": "0",
        "start_day": WEDNESDAY,
        "end_day": "",
        "start_time": "",
        "end_time": "",
        "note": "Staff training",
    }
    data.update(change)
    return data


def starts(slots) -> list[str]:
    return [datetime.fromisoformat(s["start"]).astimezone(LA).strftime("%H:%M") for s in slots]


# -- who may ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/staff/closures/"),
        ("post", "/staff/closures/"),
        ("post", "/staff/closures/1/remove"),
    ],
)
def test_only_admins_manage_closures(clinic, client, login_as, method, path):
    def send(token_page):
        if method == "get":
            return client.get(path)
        return client.post(path, data={"csrf_token": csrf_token(client, token_page)})

    response = send("/staff/login")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]
    login_as("therapist")
    assert send("/staff/").status_code == 403


def test_the_menu_links_to_closures_for_admins(admin):
    assert 'href="/staff/closures/"' in admin.get("/staff/").get_data(as_text=True)


# -- saving -------------------------------------------------------------------------------------


def test_a_whole_day_closure_without_bookings_saves_and_empties_the_day(clinic, admin):
    assert free_slots(admin, NMT, WEDNESDAY), "open before"
    response = admin.post("/staff/closures/", data=closure_form(admin))
    assert response.status_code == 303
    page = text_of(admin.get("/staff/closures/").get_data(as_text=True))
    assert "Closed Wednesday, December 9, 2026 (all day): Staff training" in page
    assert "No bookings fall in that time" in page
    assert free_slots(admin, NMT, WEDNESDAY) == []
    assert free_slots(admin, NMT, "2026-12-10"), "the next day is open"
    with clinic.app_context():
        assert (
            db.session.scalar(
                sa.select(AuditEvent.action).where(AuditEvent.subject_type == "closure")
            )
            == "closure added"
        )


def test_bookings_the_closure_covers_are_listed_and_nothing_is_saved_until_confirmed(clinic, admin):
    booked = make_appointment(clinic, local(f"{WEDNESDAY} 10:00"), name="Rita Client")
    data = closure_form(admin, studio=str(studio_id(clinic)), start_time="09:30", end_time="11:00")
    response = admin.post("/staff/closures/", data=data)
    assert response.status_code == 409
    page = text_of(response.get_data(as_text=True))
    assert "This closure covers 1 booking" in page
    assert "Rita Client" in page and "310 555 0111" in page
    assert closures(clinic) == []

    confirm = closure_form(
        admin, studio=str(studio_id(clinic)), start_time="09:30", end_time="11:00", confirm="1"
    )
    response = admin.post("/staff/closures/", data=confirm, follow_redirects=True)
    assert "1 booking(s) in that time are still booked" in text_of(response.get_data(as_text=True))
    assert len(closures(clinic)) == 1
    with clinic.app_context():
        assert db.session.get(Appointment, booked).status == "confirmed", "not cancelled"


def test_a_studio_closed_for_the_afternoon_keeps_its_morning_and_the_other_studio(clinic, admin):
    hermosa = studio_id(clinic)
    data = closure_form(admin, studio=str(hermosa), start_time="12:00", end_time="17:00")
    assert admin.post("/staff/closures/", data=data).status_code == 303
    dana = free_slots(admin, NMT, WEDNESDAY, "dana-okafor")
    assert dana and max(starts(dana)) == "11:00", "the last hour before noon"
    lena = free_slots(admin, NMT, WEDNESDAY, "lena-marchetti")
    assert "16:00" in starts(lena), "Culver City is open"


def test_a_whole_day_closure_on_the_fall_back_day_is_25_hours(clinic, admin):
    data = closure_form(admin, start_day="2027-11-07")
    assert admin.post("/staff/closures/", data=data).status_code == 303
    (closure,) = closures(clinic)
    assert closure.ends_at - closure.starts_at == timedelta(hours=25)
    assert closure.starts_at == datetime(2027, 11, 7, 7, 0, tzinfo=UTC)  # midnight PDT


def test_an_afternoon_closure_on_the_spring_forward_day_is_in_local_time(clinic, admin):
    data = closure_form(admin, start_day="2027-03-14", start_time="13:00", end_time="17:00")
    assert admin.post("/staff/closures/", data=data).status_code == 303
    (closure,) = closures(clinic)
    assert closure.starts_at == datetime(2027, 3, 14, 20, 0, tzinfo=UTC)  # 13:00 PDT
    assert closure.ends_at - closure.starts_at == timedelta(hours=4)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"start_day": "2026-13-45"}, "Please give a date as YYYY-MM-DD."),
        ({"start_day": ""}, "Please give the first closed day."),
        ({"end_day": "2026-12-01"}, "The last day cannot be before the first day."),
        ({"end_day": "2028-01-01"}, "A closure can last at most 366 days."),
        ({"start_time": "13:00"}, "Give both times"),
        ({"start_time": "17:00", "end_time": "13:00"}, "must end after it starts"),
        ({"start_time": "25:00", "end_time": "26:00"}, "Please give a time as HH:MM"),
        (
            {"start_day": "2027-03-14", "start_time": "02:30", "end_time": "05:00"},
            "the clocks jump forward",
        ),
        ({"studio": "abc"}, "Please choose the clinic or a studio from the list."),
        ({"studio": "999999"}, "Please choose the clinic or a studio from the list."),
        ({"start_day": "2026-12-01"}, "already over"),
        ({"note": "x" * 201}, "200"),
    ],
)
def test_unusable_closures_get_a_clear_message_and_nothing_is_saved(clinic, admin, change, message):
    response = admin.post("/staff/closures/", data=closure_form(admin, **change))
    assert response.status_code == 422
    assert message in html_lib.unescape(response.get_data(as_text=True))
    assert closures(clinic) == []


def test_removing_a_closure_opens_the_times_again(clinic, admin):
    admin.post("/staff/closures/", data=closure_form(admin))
    (closure,) = closures(clinic)
    token = form_token(admin.get("/staff/closures/").get_data(as_text=True))
    response = admin.post(f"/staff/closures/{closure.id}/remove", data={"csrf_token": token})
    assert response.status_code == 303
    assert closures(clinic) == [] and free_slots(admin, NMT, WEDNESDAY)
    assert (
        admin.post("/staff/closures/424242/remove", data={"csrf_token": token}).status_code == 404
    )


# -- booking a closed time ------------------------------------------------------------------------


def test_booking_a_time_closed_since_it_was_chosen_is_refused_with_the_reason(
    clinic, client, frozen
):
    slot = free_slots(client, DISCOVERY, WEDNESDAY, "dana-okafor")[0]
    start = slot["start"]
    add_closure(clinic, f"{WEDNESDAY} 00:00", "2026-12-10 00:00", note="Christmas party")
    with clinic.app_context():
        option = db.session.scalar(sa.select(ServiceOption.id).where(ServiceOption.deposit == 0))
    # The details page itself already says so when it is opened after the closure.
    query = {
        "service": DISCOVERY,
        "option": option,
        "location": location_slug(clinic, slot["location"]),
        "therapist": "dana-okafor",
        "start": start,
    }
    page = client.get("/book/details?" + urlencode(query))
    assert "We are closed then" in text_of(page.get_data(as_text=True))
    assert "Christmas party" in text_of(page.get_data(as_text=True))
    fields = {
        "csrf_token": form_token(page.get_data(as_text=True)),
        **query,
        "name": "Ana Client",
        "email": "ana@example.com",
        "phone": "310-555-0199",
        "pain": "Neck",
        "pregnant": "not-applicable",
        "consent": "y",
        "request_key": "closure-test-key",
    }
    response = client.post("/book/details", data=fields)
    assert response.status_code == 422
    assert "We are closed then" in text_of(response.get_data(as_text=True))
    with clinic.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Appointment.id))) == 0


def test_the_hold_refuses_a_closed_time_under_the_lock(clinic, frozen):
    add_closure(clinic, f"{WEDNESDAY} 09:00", f"{WEDNESDAY} 12:00", slug="hermosa-beach-studio")
    with clinic.test_request_context():
        option = db.session.scalar(sa.select(ServiceOption).where(ServiceOption.deposit == 0))
        dana = db.session.scalar(sa.select(Therapist).filter_by(slug="dana-okafor"))
        hermosa = db.session.scalar(sa.select(Location).filter_by(slug="hermosa-beach-studio"))
        request = HoldRequest(
            option,
            dana,
            hermosa,
            local(f"{WEDNESDAY} 10:00"),
            ClientDetails(name="Ana", email="ana@example.com"),
        )
        with pytest.raises(StudioClosed):
            hold(request, get_clinic(), NOW)
        assert db.session.scalar(sa.select(sa.func.count(Appointment.id))) == 0


# -- staff booking ------------------------------------------------------------------------------


def phone_choices(html: str) -> dict[str, str]:
    def value(label: str) -> str:
        return re.search(rf'<option (?:selected )?value="(\d+)"(?: selected)?>{label}', html)[1]

    return {
        "option": value("Neuromuscular Therapy, 60 min"),
        "therapist": value("Dana Okafor"),
        "location": value("Saltgrass Hermosa"),
    }


def test_the_phone_booking_lists_no_closed_time_and_refuses_one(clinic, admin):
    add_closure(clinic, f"{WEDNESDAY} 12:00", f"{WEDNESDAY} 17:00", note="Plumbing works")
    html = admin.get("/staff/book").get_data(as_text=True)
    query = {**phone_choices(html), "date": WEDNESDAY, "show": "1"}
    listed = admin.get("/staff/book?" + urlencode(query)).get_data(as_text=True)
    times = re.findall(r'<a class="choice time" href="[^"]*time=([0-9:]+)', listed)
    assert "10:00" in times and "11:00" in times
    assert not {"11:30", "12:00", "13:00", "14:00"} & set(times)

    data = {
        "csrf_token": form_token(html),
        **phone_choices(html),
        "date": WEDNESDAY,
        "time": "13:00",
        "name": "Phone Client",
        "phone": "310 555 0190",
        "payment": "waive",
    }
    response = admin.post("/staff/book", data=data)
    assert response.status_code == 422
    assert "Plumbing works" in text_of(response.get_data(as_text=True))


# -- what clients see ----------------------------------------------------------------------------


def test_clients_see_the_closed_days_on_the_contact_and_booking_pages(clinic, client, frozen):
    add_closure(clinic, "2026-12-25 00:00", "2026-12-26 00:00", note="Christmas Day")
    contact = text_of(client.get("/contact").get_data(as_text=True))
    assert "Closed Friday, December 25, 2026 (all day): Christmas Day" in contact
    slug = "hermosa-beach-studio"
    with clinic.app_context():
        option = db.session.scalar(sa.select(ServiceOption.id).where(ServiceOption.deposit == 0))
    query = {"service": DISCOVERY, "option": option, "location": slug, "therapist": "any"}
    booking = text_of(client.get("/book/?" + urlencode(query)).get_data(as_text=True))
    assert "Closed days coming up" in booking and "December 25, 2026 (all day)" in booking


def test_past_closures_are_not_shown(clinic, client, frozen):
    add_closure(clinic, "2026-12-01 00:00", "2026-12-02 00:00", note="Long gone")
    assert "Long gone" not in client.get("/contact").get_data(as_text=True)


# -- moves and standing appointments (they claim without `hold`) ---------------------------------


def test_a_move_into_a_closure_is_refused_under_the_lock(clinic, frozen):
    from clinicsite.appointments.rescheduling import reschedule

    appt_id = make_appointment(clinic, local(f"{WEDNESDAY} 10:00"))
    add_closure(clinic, "2026-12-10 00:00", "2026-12-11 00:00", note="Floors being redone")
    with clinic.test_request_context():
        appointment = db.session.get(Appointment, appt_id)
        was = appointment.starts_at
        with pytest.raises(StudioClosed):
            reschedule(
                appointment,
                local("2026-12-10 10:00"),
                appointment.therapist,
                appointment.location,
                get_clinic(),
                NOW,
                enforce_policy=False,
            )
        assert db.session.get(Appointment, appt_id).starts_at == was


def test_the_desk_moving_a_visit_into_a_closure_is_told_why(clinic, admin):
    appt_id = make_appointment(clinic, local(f"{WEDNESDAY} 10:00"))
    add_closure(clinic, "2026-12-16 00:00", "2026-12-17 00:00", note="Staff training")
    with clinic.app_context():
        appointment = db.session.get(Appointment, appt_id)
        where = {
            "therapist_id": str(appointment.therapist_id),
            "location_id": str(appointment.location_id),
        }
    page = admin.get(f"/staff/appointments/{appt_id}").get_data(as_text=True)
    response = admin.post(
        f"/staff/appointments/{appt_id}/move",
        data={"csrf_token": form_token(page), "date": "2026-12-16", "time": "10:00", **where},
        follow_redirects=True,
    )
    assert "Closed Wednesday, December 16, 2026 (all day): Staff training; nothing was moved." in (
        text_of(response.get_data(as_text=True))
    )
    with clinic.app_context():
        assert db.session.get(Appointment, appt_id).starts_at == local(f"{WEDNESDAY} 10:00")


def test_a_standing_appointment_skips_the_closed_week_and_books_the_rest(clinic, frozen):
    from clinicsite.appointments.series import book_series
    from clinicsite.audit import SYSTEM

    add_closure(clinic, "2026-12-23 00:00", "2026-12-24 00:00", note="Holiday")
    with clinic.test_request_context():
        option = db.session.scalar(sa.select(ServiceOption).where(ServiceOption.deposit == 0))
        dana = db.session.scalar(sa.select(Therapist).filter_by(slug="dana-okafor"))
        hermosa = db.session.scalar(sa.select(Location).filter_by(slug="hermosa-beach-studio"))
        request = HoldRequest(
            option,
            dana,
            hermosa,
            local(f"{WEDNESDAY} 10:00"),
            ClientDetails(name="Sol Weekly", email="sol@example.com"),
        )
        result = book_series(request, 1, 3, SYSTEM, NOW, get_clinic())
        booked = [o.appointment.starts_at for o in result.booked]
        assert booked == [local(f"{WEDNESDAY} 10:00"), local("2026-12-16 10:00")]
        assert (
            db.session.scalar(
                sa.select(sa.func.count(Appointment.id)).where(
                    Appointment.starts_at == local("2026-12-23 10:00")
                )
            )
            == 0
        )
