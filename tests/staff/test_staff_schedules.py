"""Staff schedules: weekly hours, time off and extra hours, who may change them, and how
public availability follows at once."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import Appointment, AuditEvent, ExtraHours, TimeOff, WorkingHours
from tests.support.app import csrf_token
from tests.support.factories import (
    make_clinic,
    make_location,
    make_service,
    make_therapist,
)

LA = ZoneInfo("America/Los_Angeles")
# Monday 2026-10-26 08:00 PDT: Tuesday morning is more than the 12 h notice away.
FROZEN = datetime(2026, 10, 26, 15, 0, tzinfo=UTC)
TUESDAY, WEDNESDAY = "2026-10-27", "2026-10-28"


@pytest.fixture
def world(app, monkeypatch):
    """Two studios, one 60-minute service, Dana (Tuesday 09-12 North) and Lee."""
    monkeypatch.setattr("clinicsite.clock.now", lambda: FROZEN)
    with app.app_context():
        make_clinic()
        north = make_location(name="North Studio")
        south = make_location(name="South Studio")
        service = make_service("Deep Tissue", slug="deep-tissue")
        dana = make_therapist([service], [(north, 1, "09:00", "12:00")], slug="dana", name="Dana")
        lee = make_therapist([service], [(south, 1, "13:00", "17:00")], slug="lee", name="Lee")
        db.session.commit()
        return SimpleNamespace(
            dana=dana.id,
            lee=lee.id,
            north=north.id,
            south=south.id,
            service=service.id,
            option=service.options[0].id,
            lee_hours=lee.hours[0].id,
        )


def local(text: str) -> datetime:
    """'2026-10-27 10:00' in Los Angeles, as UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=LA).astimezone(UTC)


def add_appointment(app, world, start: str, status="confirmed", hold_minutes=None, **fields):
    with app.app_context():
        starts_at = local(start)
        appointment = Appointment(
            token=secrets.token_urlsafe(16),
            service_id=world.service,
            option_id=world.option,
            therapist_id=fields.pop("therapist_id", world.dana),
            location_id=world.north,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=1),
            blocks_until=starts_at + timedelta(hours=1),
            status=status,
            hold_expires_at=FROZEN + timedelta(minutes=hold_minutes) if hold_minutes else None,
            price=12000,
            deposit=3000,
            currency="USD",
            client_email="client@example.com",
            **fields,
        )
        db.session.add(appointment)
        db.session.commit()
        return appointment.id


def page_url(therapist_id: int) -> str:
    return f"/staff/schedules/{therapist_id}"


def post(client, url: str, data: dict, token: str):
    return client.post(url, data={**data, "csrf_token": token})


def hours_data(weekday="3", location=None, start="09:00", end="12:00"):
    return {
        "hours-weekday": weekday,
        "hours-location_id": location,
        "hours-starts_at": start,
        "hours-ends_at": end,
    }


def rows(app, model, therapist_id):
    with app.app_context():
        return list(db.session.scalars(sa.select(model).where(model.therapist_id == therapist_id)))


def audit_actions(app, therapist_id):
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(AuditEvent.action)
                .where(
                    AuditEvent.subject_type == "therapist", AuditEvent.subject_id == therapist_id
                )
                .order_by(AuditEvent.id)
            )
        )


@pytest.fixture
def admin(client, login_as, world):
    login_as("admin")
    return csrf_token(client, page_url(world.dana))


@pytest.fixture
def as_dana(client, login_as, world):
    login_as("therapist", therapist_id=world.dana)
    return csrf_token(client, page_url(world.dana))


# -- who may do what --------------------------------------------------------------------------

PROTECTED = [
    ("get", "/staff/schedules"),
    ("get", "/staff/schedules/{dana}"),
    ("post", "/staff/schedules/{dana}/hours"),
    ("post", "/staff/schedules/{dana}/time-off"),
    ("post", "/staff/schedules/{dana}/extra-hours"),
    ("post", "/staff/schedules/{dana}/hours/1/remove"),
    ("get", "/staff/feeds"),
    ("post", "/staff/feeds"),
]


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_anonymous_users_are_sent_to_the_login_page(client, world, method, path):
    if method == "post":  # a real browser sends the session's token; so does this test
        token = csrf_token(client, "/staff/login")
        response = client.post(path.format(dana=world.dana), data={"csrf_token": token})
    else:
        response = client.get(path.format(dana=world.dana))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login")


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_editors_are_refused(client, login_as, world, method, path):
    login_as("editor")
    token = csrf_token(client, "/staff/")
    url = path.format(dana=world.dana)
    response = client.post(url, data={"csrf_token": token}) if method == "post" else client.get(url)
    assert response.status_code == 403


def test_admin_sees_every_therapist(client, admin):
    page = client.get("/staff/schedules").get_data(as_text=True)
    assert "Dana" in page and "Lee" in page
    assert page.count("<h1") == 1


def test_therapist_is_sent_to_their_own_schedule(client, world, as_dana):
    response = client.get("/staff/schedules")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(page_url(world.dana))


def test_therapist_without_a_profile_is_told_so(client, login_as, world):
    login_as("therapist")
    response = client.get("/staff/schedules")
    assert response.status_code == 200
    assert "not linked to a therapist profile" in response.get_data(as_text=True)


def test_therapist_cannot_see_or_change_another_therapists_schedule(app, client, world, as_dana):
    assert client.get(page_url(world.lee)).status_code == 403
    url = f"/staff/schedules/{world.lee}/hours"
    assert post(client, url, hours_data(location=world.south), as_dana).status_code == 403
    remove = f"/staff/schedules/{world.lee}/hours/{world.lee_hours}/remove"
    assert post(client, remove, {}, as_dana).status_code == 403
    assert len(rows(app, WorkingHours, world.lee)) == 1


@pytest.mark.parametrize(
    "path",
    [
        "/staff/schedules/abc",
        "/staff/schedules/-1",
        "/staff/schedules/999999",
        "/staff/schedules/99999999999999999999999",
    ],
)
def test_garbage_therapist_ids_are_not_found(client, admin, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/staff/schedules/{dana}/hours/999999/remove",
        "/staff/schedules/{dana}/hours/99999999999999999999999/remove",
        "/staff/schedules/{dana}/hours/abc/remove",
        "/staff/schedules/{dana}/lunch/1/remove",
        # Lee's hours through Dana's page.
        "/staff/schedules/{dana}/hours/{lee_hours}/remove",
    ],
)
def test_removing_unknown_rows_is_not_found(app, client, world, admin, path):
    url = path.format(dana=world.dana, lee_hours=world.lee_hours)
    assert post(client, url, {}, admin).status_code == 404
    assert len(rows(app, WorkingHours, world.lee)) == 1


# -- weekly hours -----------------------------------------------------------------------------


def test_schedule_page_groups_weekly_hours_by_day_and_studio(app, client, world, admin):
    data = hours_data(weekday="1", location=world.south, start="13:00", end="15:00")
    post(client, f"/staff/schedules/{world.dana}/hours", data, admin)
    page = client.get(page_url(world.dana)).get_data(as_text=True)
    assert page.count("<h1") == 1
    tuesday = page[page.index(">Tuesday<") : page.index(">Wednesday<")]
    assert "North Studio" in tuesday and "South Studio" in tuesday
    assert "9:00 AM – 12:00 PM" in tuesday and "1:00 PM – 3:00 PM" in tuesday
    assert 'class="data"' in page


def test_adding_weekly_hours_saves_and_audits(app, client, world, as_dana):
    url = f"/staff/schedules/{world.dana}/hours"
    response = post(client, url, hours_data(location=world.south), as_dana)
    assert response.status_code == 303
    added = [h for h in rows(app, WorkingHours, world.dana) if h.weekday == 3]
    assert [(h.location_id, str(h.starts_at), str(h.ends_at)) for h in added] == [
        (world.south, "09:00:00", "12:00:00")
    ]
    assert audit_actions(app, world.dana) == ["weekly hours added"]
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent))
        assert event.after["starts_at"] == "09:00" and event.actor_id is not None


@pytest.mark.parametrize("studio", ["north", "south"])
def test_overlapping_weekly_hours_are_refused_at_any_studio(app, client, world, admin, studio):
    data = hours_data(weekday="1", location=getattr(world, studio), start="11:00", end="14:00")
    response = post(client, f"/staff/schedules/{world.dana}/hours", data, admin)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "That overlaps Tuesday 09:00–12:00 at North Studio" in page
    assert 'value="11:00"' in page  # nothing typed is lost
    assert len(rows(app, WorkingHours, world.dana)) == 1
    assert audit_actions(app, world.dana) == []


def test_touching_weekly_hours_are_fine(app, client, world, admin):
    data = hours_data(weekday="1", location=world.south, start="12:00", end="14:00")
    assert post(client, f"/staff/schedules/{world.dana}/hours", data, admin).status_code == 303
    assert len(rows(app, WorkingHours, world.dana)) == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"hours-ends_at": "09:00"}, "The end must differ from the start"),
        ({"hours-starts_at": "9am"}, "Please give a time as HH:MM"),
        ({"hours-ends_at": "25:00"}, "Please give a time as HH:MM"),
        ({"hours-starts_at": ""}, "Please give the start time."),
        ({"hours-location_id": "999999"}, "Please choose a studio from the list."),
        ({"hours-location_id": "north"}, "Please choose a studio from the list."),
        ({"hours-weekday": "9"}, "Please choose a day of the week from the list."),
        ({"hours-weekday": "monday"}, "Please choose a day of the week from the list."),
    ],
)
def test_bad_weekly_hours_are_explained_and_kept(app, client, world, admin, change, message):
    data = {**hours_data(location=world.north), **change}
    response = post(client, f"/staff/schedules/{world.dana}/hours", data, admin)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    for key, value in change.items():
        if key.endswith("_at") and value:  # a select can only show its own choices
            assert f'value="{value}"' in page
    assert len(rows(app, WorkingHours, world.dana)) == 1


def test_weekly_hours_may_end_at_midnight_or_cross_it(app, client, world, admin):
    url = f"/staff/schedules/{world.dana}/hours"
    data = hours_data(weekday="3", location=world.north, start="22:00", end="02:00")
    assert post(client, url, data, admin).status_code == 303
    data = hours_data(weekday="4", location=world.north, start="18:00", end="00:00")
    assert post(client, url, data, admin).status_code == 303
    page = client.get(page_url(world.dana)).get_data(as_text=True)
    assert "2:00 AM (next day)" in page
    # Thursday night runs into Friday: 23:00 and 23:30 starts are offered.
    assert {"22:00", "23:00", "23:30"} <= set(free_starts(client, "2026-10-29"))
    # ... and Friday 01:00-03:00 would overlap it.
    data = hours_data(weekday="4", location=world.south, start="01:00", end="03:00")
    response = post(client, url, data, admin)
    assert response.status_code == 422
    assert "That overlaps Thursday 22:00–02:00 (next day) at North" in response.get_data(
        as_text=True
    )


def test_removing_weekly_hours_deletes_and_audits(app, client, world, as_dana):
    hours_id = rows(app, WorkingHours, world.dana)[0].id
    url = f"/staff/schedules/{world.dana}/hours/{hours_id}/remove"
    assert post(client, url, {}, as_dana).status_code == 303
    assert rows(app, WorkingHours, world.dana) == []
    assert audit_actions(app, world.dana) == ["weekly hours removed"]


# -- time off ---------------------------------------------------------------------------------


def off_data(start_day, start_time="", end_day="", end_time="", reason="", **extra):
    data = {
        "off-start_day": start_day,
        "off-start_time": start_time,
        "off-end_day": end_day,
        "off-end_time": end_time,
        "off-reason": reason,
    }
    return {**data, **extra}


def test_time_off_is_stored_in_utc_from_local_times(app, client, world, admin):
    data = off_data("2026-10-27", "10:00", "", "11:30", reason="Dentist")
    assert post(client, f"/staff/schedules/{world.dana}/time-off", data, admin).status_code == 303
    (off,) = rows(app, TimeOff, world.dana)
    assert (off.starts_at, off.ends_at) == (local("2026-10-27 10:00"), local("2026-10-27 11:30"))
    assert off.reason == "Dentist"
    assert audit_actions(app, world.dana) == ["time off added"]
    page = client.get(page_url(world.dana)).get_data(as_text=True)
    assert "10:00 AM PDT" in page and "Dentist" in page


def test_whole_days_off_on_the_fall_back_day_last_25_hours(app, client, world, admin):
    data = off_data("2026-11-01")
    assert post(client, f"/staff/schedules/{world.dana}/time-off", data, admin).status_code == 303
    (off,) = rows(app, TimeOff, world.dana)
    assert off.starts_at == datetime(2026, 11, 1, 7, 0, tzinfo=UTC)  # midnight PDT
    assert off.ends_at == datetime(2026, 11, 2, 8, 0, tzinfo=UTC)  # midnight PST
    assert off.ends_at - off.starts_at == timedelta(hours=25)
    assert "Sunday, November 1, 2026 (whole day)" in client.get(page_url(world.dana)).text


def test_whole_days_off_across_spring_forward_lose_an_hour(app, client, world, admin):
    data = off_data("2027-03-13", end_day="2027-03-14")
    assert post(client, f"/staff/schedules/{world.dana}/time-off", data, admin).status_code == 303
    (off,) = rows(app, TimeOff, world.dana)
    assert off.ends_at - off.starts_at == timedelta(hours=47)
    assert off.ends_at == datetime(2027, 3, 15, 7, 0, tzinfo=UTC)  # midnight PDT


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (off_data("2027-03-14", "02:30", "", "04:00"), "There is no 2:30 AM on Sunday, March 14"),
        (off_data("2026-10-27", "11:00", "", "10:00"), "must end after it starts"),
        (off_data("2026-10-28", end_day="2026-10-27"), "cannot be before the first day"),
        (off_data("2026-10-27", "10:00"), "Give both times"),
        (off_data("27/10/2026"), "Please give a date as YYYY-MM-DD"),
        (off_data("2026-10-27", "ten", "", "11:00"), "Please give a time as HH:MM"),
        (off_data(""), "Please give the first day."),
        (off_data("2026-10-01"), "already over"),
        (off_data("2026-10-27", reason="x" * 201), "Field cannot be longer than 200"),
    ],
)
def test_bad_time_off_is_explained_and_kept(app, client, world, admin, data, message):
    response = post(client, f"/staff/schedules/{world.dana}/time-off", data, admin)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    if data["off-start_day"]:
        assert f'value="{data["off-start_day"]}"' in page
    assert rows(app, TimeOff, world.dana) == []


def test_time_off_over_appointments_asks_before_saving(app, client, world, admin):
    confirmed = add_appointment(app, world, "2026-10-27 09:00", client_name="Ana Confirmed")
    add_appointment(app, world, "2026-10-27 10:00", "held", 20, client_name="Bo Holding")
    add_appointment(app, world, "2026-10-27 11:00", "held", -5, client_name="Cy Expired")
    add_appointment(app, world, "2026-10-27 11:00", "cancelled", client_name="Di Cancelled")
    add_appointment(app, world, "2026-10-27 09:00", therapist_id=world.lee, client_name="Ed Lee")
    url = f"/staff/schedules/{world.dana}/time-off"
    data = off_data("2026-10-27", reason="Sick")

    response = post(client, url, data, admin)

    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Ana Confirmed" in page and "Bo Holding" in page
    assert "Tuesday, October 27, 2026 at 9:00 AM PDT" in page
    assert "Cy Expired" not in page and "Di Cancelled" not in page and "Ed Lee" not in page
    assert "Save anyway" in page and 'name="off-confirm" value="1"' in page
    assert rows(app, TimeOff, world.dana) == []

    response = post(client, url, {**data, "off-confirm": "1"}, admin)

    assert response.status_code == 303
    assert len(rows(app, TimeOff, world.dana)) == 1
    with app.app_context():
        assert db.session.get(Appointment, confirmed).status == "confirmed"  # not cancelled
        event = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "time off added")
        )
        assert event.note.startswith("overlaps #")
    assert "still booked" in client.get(page_url(world.dana)).get_data(as_text=True)


def test_removing_time_off_deletes_and_audits(app, client, world, as_dana):
    post(client, f"/staff/schedules/{world.dana}/time-off", off_data("2026-10-29"), as_dana)
    (off,) = rows(app, TimeOff, world.dana)
    url = f"/staff/schedules/{world.dana}/time-off/{off.id}/remove"
    assert post(client, url, {}, as_dana).status_code == 303
    assert rows(app, TimeOff, world.dana) == []
    assert audit_actions(app, world.dana) == ["time off added", "time off removed"]


# -- extra hours ------------------------------------------------------------------------------


def extra_data(day=WEDNESDAY, location=None, start="14:00", end="16:00"):
    return {
        "extra-day": day,
        "extra-location_id": location,
        "extra-starts_at": start,
        "extra-ends_at": end,
    }


def test_adding_and_removing_extra_hours(app, client, world, as_dana):
    url = f"/staff/schedules/{world.dana}/extra-hours"
    assert post(client, url, extra_data(location=world.north), as_dana).status_code == 303
    (extra,) = rows(app, ExtraHours, world.dana)
    assert (str(extra.day), str(extra.starts_at), extra.location_id) == (
        WEDNESDAY,
        "14:00:00",
        world.north,
    )
    page = client.get(page_url(world.dana)).get_data(as_text=True)
    assert "Wednesday, October 28, 2026" in page and "2:00 PM – 4:00 PM" in page
    remove = f"/staff/schedules/{world.dana}/extra-hours/{extra.id}/remove"
    assert post(client, remove, {}, as_dana).status_code == 303
    assert rows(app, ExtraHours, world.dana) == []
    assert audit_actions(app, world.dana) == ["extra hours added", "extra hours removed"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"extra-day": "2026-10-20"}, "That day is in the past."),
        ({"extra-day": "tomorrow"}, "Please give a date as YYYY-MM-DD"),
        ({"extra-starts_at": "11:00"}, "The end must differ from the start"),
        ({"extra-location_id": "0"}, "Please choose a studio from the list."),
        # Tuesday 09-12 at North: the same time at South cannot be worked too.
        ({"extra-day": TUESDAY}, "That overlaps 09:00–12:00 at North"),
    ],
)
def test_bad_extra_hours_are_explained(app, client, world, admin, change, message):
    data = {**extra_data(location=world.south, start="10:00", end="11:00"), **change}
    response = post(client, f"/staff/schedules/{world.dana}/extra-hours", data, admin)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert rows(app, ExtraHours, world.dana) == []


def test_extra_hours_inside_weekly_hours_of_the_same_studio_are_fine(app, client, world, admin):
    data = extra_data(day=TUESDAY, location=world.north, start="11:00", end="13:00")
    assert (
        post(client, f"/staff/schedules/{world.dana}/extra-hours", data, admin).status_code == 303
    )


# -- public availability follows at once ------------------------------------------------------


def free_starts(client, day: str, therapist: str = "dana") -> list[str]:
    response = client.get(f"/api/availability?service=deep-tissue&date={day}&therapist={therapist}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return [re.search(r"T(\d\d:\d\d)", s["start"]).group(1) for s in response.get_json()["slots"]]


def test_public_availability_follows_time_off_and_extra_hours(app, client, world, admin):
    every_quarter = ["09:00", "09:15", "09:30", "09:45", "10:00", "10:15", "10:30", "10:45"]
    assert free_starts(client, TUESDAY) == [*every_quarter, "11:00"]
    assert free_starts(client, WEDNESDAY) == []

    data = off_data(TUESDAY, "10:00", "", "11:00")
    post(client, f"/staff/schedules/{world.dana}/time-off", data, admin)
    data = extra_data(location=world.north)
    post(client, f"/staff/schedules/{world.dana}/extra-hours", data, admin)

    assert free_starts(client, TUESDAY) == ["09:00", "11:00"]
    assert free_starts(client, WEDNESDAY) == ["14:00", "14:15", "14:30", "14:45", "15:00"]
    assert free_starts(client, TUESDAY, "lee")[0] == "13:00"  # others are untouched

    (off,) = rows(app, TimeOff, world.dana)
    post(client, f"/staff/schedules/{world.dana}/time-off/{off.id}/remove", {}, admin)
    assert free_starts(client, TUESDAY) == [*every_quarter, "11:00"]


def test_public_availability_follows_weekly_hours(app, client, world, admin):
    assert free_starts(client, "2026-10-29") == []  # Thursday
    data = hours_data(weekday="3", location=world.north, start="16:00", end="17:00")
    post(client, f"/staff/schedules/{world.dana}/hours", data, admin)
    assert free_starts(client, "2026-10-29") == ["16:00"]
