"""A client makes their own booking a standing appointment from its manage page, when the
clinic allows it: the same local time every week across the spring change of the clocks,
taken weeks offered with the nearest free times, no deposit on the later visits (the
first one's covers them), and nothing but form errors or a 404 for garbage."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from clinicsite.audit import CLIENT
from clinicsite.extensions import db
from clinicsite.models import (
    Appointment,
    AuditEvent,
    ClinicSettings,
    OutboxEmail,
    Therapist,
    TimeOff,
)
from tests.series.helpers import FIRST, NOW, WEDNESDAYS, booked_online, local, series_visits
from tests.staff.test_staff_catalogue import SETTINGS
from tests.support.booking_helpers import flashes, text_of
from tests.support.staff_helpers import form_token


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr("clinicsite.clock.now", lambda: NOW)


def allow(app, on: bool = True, most: int = 12) -> None:
    with app.app_context():
        settings = db.session.get(ClinicSettings, 1)
        settings.clients_book_series, settings.max_series_visits = on, most
        db.session.commit()


def series_of(app, token: str) -> list[Appointment]:
    with app.app_context():
        appointment = db.session.scalar(sa.select(Appointment).filter_by(token=token))
        if appointment.series_id is None:
            return []
        visits = series_visits(appointment.series_id)
        db.session.expunge_all()
        return visits


def repeat(client, token: str, every="1", count="5"):
    # The session's CSRF token, from a page every booking has.
    csrf = form_token(client.get(f"/booking/{token}/cancel").get_data(as_text=True))
    data = {"every_weeks": every, "count": count, "csrf_token": csrf}
    return client.post(f"/booking/{token}/repeat", data=data)


def test_switched_off_there_is_no_link_and_no_page(clinic, client, frozen):
    token = booked_online(clinic)
    manage = client.get(f"/booking/{token}").get_data(as_text=True)
    assert "Make this a standing appointment" not in manage
    assert client.get(f"/booking/{token}/repeat").status_code == 404
    # CSRF is checked first (400); with a token from another page, the route is not there.
    csrf = form_token(client.get(f"/booking/{token}/cancel").get_data(as_text=True))
    response = client.post(
        f"/booking/{token}/repeat", data={"csrf_token": csrf, "every_weeks": "1", "count": "3"}
    )
    assert response.status_code == 404
    assert series_of(clinic, token) == []


def test_five_weekly_visits_keep_the_local_time_across_the_change_of_the_clocks(
    clinic, client, frozen
):
    allow(clinic)
    token = booked_online(clinic)
    manage = client.get(f"/booking/{token}").get_data(as_text=True)
    assert f'href="/booking/{token}/repeat"' in manage

    preview = client.get(f"/booking/{token}/repeat?every_weeks=1&count=5")
    page = text_of(preview.get_data(as_text=True))
    assert "The $35 deposit you paid covers the series" in page
    assert "Wednesday, March 17, 2027 at 10:00 AM PDT : free" in page
    assert series_of(clinic, token) == []  # GET changes nothing

    response = repeat(client, token)
    assert response.status_code == 303
    visits = series_of(clinic, token)
    assert [local(a.starts_at).replace(tzinfo=None) for a in visits] == WEDNESDAYS[:5]
    assert [a.starts_at.hour for a in visits] == [18, 18, 18, 17, 17]
    assert visits[0].token == token and [a.series_position for a in visits] == [1, 2, 3, 4, 5]
    assert {a.status for a in visits} == {"confirmed"}
    assert [a.deposit > 0 for a in visits] == [True, False, False, False, False]
    assert {a.source for a in visits} == {"online"}

    page = client.get(f"/booking/{token}").get_data(as_text=True)
    assert flashes(page) == [
        "Your standing appointment is booked: all 5 visits. We have emailed you the list."
    ]
    assert "This is visit 1 of 5, every week." in text_of(page)
    for other in visits[1:]:
        assert f'href="/booking/{other.token}"' in page
    assert "Make this a standing appointment" not in page
    later = text_of(client.get(f"/booking/{visits[3].token}").get_data(as_text=True))
    assert "This is visit 4 of 5" in later

    with clinic.app_context():
        mails = db.session.scalars(
            sa.select(OutboxEmail).where(OutboxEmail.subject.like("Standing appointment%"))
        ).all()
        assert len(mails) == 1 and mails[0].to_address == "standing@example.com"
        assert "Wednesday, March 24, 2027 at 10:00 AM PDT" in mails[0].body_text
        actions = db.session.scalars(
            sa.select(AuditEvent.actor_label).where(AuditEvent.subject_id == visits[0].id)
        ).all()
        assert actions[-1] == CLIENT.label


def test_a_taken_week_is_reported_with_the_nearest_times_and_can_be_booked(clinic, client, frozen):
    allow(clinic)
    third = FIRST + timedelta(weeks=2)
    booked_online(clinic, third, email="someone@example.com")
    token = booked_online(clinic)
    preview = text_of(client.get(f"/booking/{token}/repeat?count=4").get_data(as_text=True))
    assert "Wednesday, March 10, 2027 at 10:00 AM PST : not free" in preview

    repeat(client, token, count="4")
    visits = series_of(clinic, token)
    assert [a.series_position for a in visits] == [1, 2, 4]
    page = client.get(f"/booking/{token}").get_data(as_text=True)
    assert "Booked 3 of 4 visits." in flashes(page)[0]
    assert "Not booked: Wednesday, March 10, 2027 at 10:00 AM (not free)" in text_of(page)
    starts = re.findall(r'name="starts_at" value="([^"]+)"', page)
    assert starts, "no alternatives offered"
    response = client.post(
        f"/booking/{token}/series/book",
        data={"csrf_token": form_token(page), "position": "3", "starts_at": starts[0]},
    )
    assert response.status_code == 303
    visits = series_of(clinic, token)
    assert [a.series_position for a in visits] == [1, 2, 3, 4]
    assert visits[2].starts_at.isoformat() == starts[0] and visits[2].deposit == 0
    # A time not offered is refused, and nothing is booked twice.
    again = client.post(
        f"/booking/{token}/series/book",
        data={"csrf_token": form_token(page), "position": "3", "starts_at": starts[0]},
    )
    assert again.status_code == 303 and len(series_of(clinic, token)) == 4


@pytest.mark.parametrize(
    "every, count, message",
    [
        ("0", "5", "Please choose one of the choices offered."),
        ("5", "5", "Please choose one of the choices offered."),
        ("1", "999", "Please choose one of the choices offered."),
        ("1", "1", "Please choose one of the choices offered."),
        ("week", "x", "Please choose one of the choices offered."),
        ("1", "13", "Please choose one of the choices offered."),
    ],
)
def test_garbage_gets_form_errors_and_books_nothing(clinic, client, frozen, every, count, message):
    allow(clinic)
    token = booked_online(clinic)
    preview = client.get(f"/booking/{token}/repeat?every_weeks={every}&count={count}")
    assert preview.status_code == 422 and message in text_of(preview.get_data(as_text=True))
    response = repeat(client, token, every, count)
    assert response.status_code == 422
    assert message in text_of(response.get_data(as_text=True))
    assert series_of(clinic, token) == []


def test_other_tokens_and_a_post_without_csrf_change_nothing(clinic, client, frozen):
    allow(clinic)
    token = booked_online(clinic)
    assert client.get("/booking/not-a-token/repeat").status_code == 404
    assert client.get(f"/booking/{'x' * 200}/repeat").status_code == 404
    assert client.post("/booking/not-a-token/series/book", data={}).status_code in (400, 404)
    response = client.post(f"/booking/{token}/repeat", data={"every_weeks": "1", "count": "3"})
    assert response.status_code in (400, 422)
    assert series_of(clinic, token) == []


def test_an_unpaid_hold_cannot_repeat(clinic, client, frozen):
    allow(clinic)
    token = booked_online(clinic, paid=False)
    assert "Make this a standing appointment" not in client.get(f"/booking/{token}").text
    response = client.get(f"/booking/{token}/repeat")
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Only a confirmed booking can be repeated" in flashes(page)[0]
    assert repeat(client, token).status_code == 303
    assert series_of(clinic, token) == []


def test_a_visit_of_a_series_cannot_repeat_again(clinic, client, frozen):
    allow(clinic)
    token = booked_online(clinic)
    repeat(client, token, count="2")
    second = series_of(clinic, token)[1].token
    assert client.get(f"/booking/{second}/repeat").status_code == 303
    assert client.get(f"/booking/{token}/repeat").status_code == 303
    assert len(series_of(clinic, token)) == 2


def test_weeks_the_therapist_does_not_work_are_offered_alternatives(clinic, client, frozen):
    """A week of time off: that visit is not booked (claim alone would allow it)."""
    allow(clinic)
    token = booked_online(clinic)
    with clinic.app_context():
        dana = db.session.scalar(sa.select(Therapist).filter_by(slug="dana-okafor"))
        second = FIRST + timedelta(weeks=1)
        db.session.add(
            TimeOff(
                therapist_id=dana.id,
                starts_at=second - timedelta(hours=3),
                ends_at=second + timedelta(hours=5),
                reason="away",
            )
        )
        db.session.commit()
    repeat(client, token, count="3")
    assert [a.series_position for a in series_of(clinic, token)] == [1, 3]


def test_cancelling_one_visit_follows_the_usual_policy_and_keeps_the_others(clinic, client, frozen):
    allow(clinic)
    token = booked_online(clinic)
    repeat(client, token, count="3")
    third = series_of(clinic, token)[2].token
    page = text_of(client.get(f"/booking/{third}/cancel").get_data(as_text=True))
    assert "There is no deposit on this booking, so nothing is charged." in page
    csrf = form_token(client.get(f"/booking/{third}/cancel").get_data(as_text=True))
    client.post(f"/booking/{third}/cancel", data={"csrf_token": csrf})
    visits = series_of(clinic, token)
    assert [a.status for a in visits] == ["confirmed", "confirmed", "cancelled"]
    first = text_of(client.get(f"/booking/{token}").get_data(as_text=True))
    assert "Wednesday, March 10, 2027 at 10:00 AM PST (cancelled)" in first


def test_the_owner_switches_it_on_in_the_settings(clinic, client, login_as, frozen):
    token = booked_online(clinic)
    login_as("admin")
    page = client.get("/staff/settings").get_data(as_text=True)
    assert "Clients may make a booking a standing appointment from its page" in page
    data = {**SETTINGS, "clients_book_series": "y", "max_series_visits": "6"}
    response = client.post("/staff/settings", data={**data, "csrf_token": form_token(page)})
    assert response.status_code == 302
    repeat_page = client.get(f"/booking/{token}/repeat").get_data(as_text=True)
    assert "From 2 to 6." in text_of(repeat_page)
    assert '<option value="7">' not in repeat_page
    assert f'href="/booking/{token}/repeat"' in client.get(f"/booking/{token}").text


@pytest.mark.parametrize(
    "position, starts_at",
    [("x", "2027-03-10T18:00:00+00:00"), ("3", "soon"), ("99", ""), ("", "")],
)
def test_garbage_alternatives_are_refused_with_a_message(
    clinic, client, frozen, position, starts_at
):
    allow(clinic)
    booked_online(clinic, FIRST + timedelta(weeks=2), email="someone@example.com")
    token = booked_online(clinic)
    repeat(client, token, count="4")
    csrf = form_token(client.get(f"/booking/{token}/cancel").get_data(as_text=True))
    response = client.post(
        f"/booking/{token}/series/book",
        data={"csrf_token": csrf, "position": position, "starts_at": starts_at},
    )
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "That time is not offered any more; please pick another." in flashes(page)
    assert [a.series_position for a in series_of(clinic, token)] == [1, 2, 4]
