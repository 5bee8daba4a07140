"""Staff actions on appointments: each works, refuses what it must, and is audited."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import Appointment, AuditEvent, Inquiry, OutboxEmail, Refund
from tests.support.booking_helpers import text_of
from tests.support.staff_helpers import NOW, appointment, form_token, make_appointment, therapist_id

WEDNESDAY_10 = datetime(2026, 12, 9, 18, 0, tzinfo=UTC)  # 10:00 in Los Angeles


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr("clinicsite.clock.now", lambda: NOW)


def events(app, appointment_id: int) -> list[AuditEvent]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(AuditEvent)
                .filter_by(subject_type="appointment", subject_id=appointment_id)
                .order_by(AuditEvent.id)
            )
        )


def post(client, appointment_id: int, action: str, **data):
    page = client.get(f"/staff/appointments/{appointment_id}").get_data(as_text=True)
    return client.post(
        f"/staff/appointments/{appointment_id}/{action}",
        data={"csrf_token": form_token(page), **data},
    )


def test_appointment_page_shows_intake_payment_and_history(clinic, client, login_as, frozen):
    appt_id = make_appointment(clinic, WEDNESDAY_10, deposit=True, paid=True)
    login_as("admin")
    html = client.get(f"/staff/appointments/{appt_id}").get_data(as_text=True)
    assert "Lower back" in html  # intake answer
    assert "paid via fake" in html
    assert "held</strong> by client (online)" in html
    assert "deposit paid, confirmed</strong> by payment provider" in html


def test_mark_completed_only_after_the_start(clinic, client, login_as, frozen, monkeypatch):
    appt_id = make_appointment(clinic, WEDNESDAY_10)
    login_as("admin")
    post(client, appt_id, "status", status="completed")
    assert appointment(clinic, appt_id).status == "confirmed"  # not started yet
    monkeypatch.setattr("clinicsite.clock.now", lambda: WEDNESDAY_10 + timedelta(hours=2))
    post(client, appt_id, "status", status="no_show")
    assert appointment(clinic, appt_id).status == "no_show"
    last = events(clinic, appt_id)[-1]
    assert last.action == "marked no-show"
    assert (last.before["status"], last.after["status"]) == ("confirmed", "no_show")
    assert last.actor_label.endswith("(admin)")
    post(client, appt_id, "status", status="cancelled")  # not a status staff set this way
    assert appointment(clinic, appt_id).status == "no_show"


def test_staff_notes_are_saved_and_audited(clinic, client, login_as, frozen):
    appt_id = make_appointment(clinic, WEDNESDAY_10)
    login_as("therapist", therapist_id=therapist_id(clinic, "dana-okafor"))
    post(client, appt_id, "notes", staff_notes="Prefers light pressure on the neck.")
    assert appointment(clinic, appt_id).staff_notes == "Prefers light pressure on the neck."
    assert events(clinic, appt_id)[-1].after["staff_notes"] == "Prefers light pressure on the neck."
    response = post(client, appt_id, "notes", staff_notes="x" * 5001)
    assert response.status_code == 303
    assert appointment(clinic, appt_id).staff_notes == "Prefers light pressure on the neck."


def test_therapist_cannot_open_another_therapists_appointment(clinic, client, login_as, frozen):
    appt_id = make_appointment(clinic, WEDNESDAY_10, therapist="theo-nakamura")
    login_as("therapist", therapist_id=therapist_id(clinic, "dana-okafor"))
    assert client.get(f"/staff/appointments/{appt_id}").status_code == 403
    assert client.get("/staff/appointments/999999").status_code == 404
    assert client.get("/staff/appointments/abc").status_code == 404


@pytest.mark.parametrize("refund, refunded_rows", [("yes", 1), ("no", 0)])
def test_admin_cancels_with_or_without_refund(
    clinic, client, login_as, frozen, refund, refunded_rows
):
    appt_id = make_appointment(clinic, WEDNESDAY_10, deposit=True, paid=True)
    login_as("admin")
    post(client, appt_id, "cancel", refund=refund, reason="Client called in sick")
    assert appointment(clinic, appt_id).status == "cancelled"
    with clinic.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Refund)) == refunded_rows
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(OutboxEmail)
                .where(OutboxEmail.subject.like("Cancelled:%"))
            )
            == 1
        )
    last = events(clinic, appt_id)[-1]
    assert last.action == "cancelled" and last.note == "Client called in sick"


def test_therapist_cannot_cancel(clinic, client, login_as, frozen):
    appt_id = make_appointment(clinic, WEDNESDAY_10)
    login_as("therapist", therapist_id=therapist_id(clinic, "dana-okafor"))
    assert post(client, appt_id, "cancel", refund="no").status_code == 403
    assert appointment(clinic, appt_id).status == "confirmed"


def test_move_to_a_free_time_and_refuse_a_taken_one(clinic, client, login_as, frozen):
    appt_id = make_appointment(clinic, WEDNESDAY_10)
    other_id = make_appointment(clinic, WEDNESDAY_10 + timedelta(hours=3), name="Other Client")
    login_as("admin")
    with clinic.app_context():
        dana = therapist_id(clinic, "dana-okafor")
        studio = db.session.get(Appointment, appt_id).location_id
    move = {"therapist_id": dana, "location_id": studio, "date": "2026-12-09"}
    post(client, appt_id, "move", time="13:10", **move)  # onto the other appointment
    assert appointment(clinic, appt_id).starts_at == WEDNESDAY_10
    response = post(client, appt_id, "move", time="15:00", **move)
    moved = appointment(clinic, appt_id)
    assert moved.starts_at == datetime(2026, 12, 9, 23, 0, tzinfo=UTC)
    assert response.status_code == 303
    last = events(clinic, appt_id)[-1]
    assert last.action == "moved" and last.before["starts_at"] != last.after["starts_at"]
    assert appointment(clinic, other_id).starts_at == WEDNESDAY_10 + timedelta(hours=3)


@pytest.mark.parametrize(
    "date, time, message",
    [
        ("2026-03-08", "02:30", "the clocks skip that hour"),
        ("next week", "10:00", "YYYY-MM-DD"),
        ("2026-12-09", "25:99", "HH:MM"),
    ],
)
def test_move_refuses_impossible_local_times(clinic, client, login_as, frozen, date, time, message):
    appt_id = make_appointment(clinic, WEDNESDAY_10)
    login_as("admin")
    response = post(
        client,
        appt_id,
        "move",
        date=date,
        time=time,
        therapist_id=therapist_id(clinic, "dana-okafor"),
        location_id=1,
    )
    assert message in client.get(response.headers["Location"]).get_data(as_text=True)
    assert appointment(clinic, appt_id).starts_at == WEDNESDAY_10


# 2027-11-07, the next fall-back night after NOW: 01:30 happens at 08:30 UTC (PDT), then
# again at 09:30 UTC (PST).
FIRST_0130 = datetime(2027, 11, 7, 8, 30, tzinfo=UTC)
SECOND_0130 = datetime(2027, 11, 7, 9, 30, tzinfo=UTC)


def move_form_as_shown(client, appointment_id: int) -> dict:
    """The Move form's fields with the values the page fills in (selected options)."""
    html = client.get(f"/staff/appointments/{appointment_id}").get_data(as_text=True)
    form = html[html.index("/move") : html.index("</form>", html.index("/move"))]
    data = dict(
        re.findall(r'<input id="move-[a-z]+" type="[a-z]+" name="(\w+)"[^>]* value="([^"]*)"', form)
    )
    for name, body in re.findall(r'<select id="move-[a-z]+" name="(\w+)">(.*?)</select>', form):
        data[name] = re.search(r'<option value="([^"]*)" selected>', body).group(1)
    return {"csrf_token": form_token(html), **data}


@pytest.mark.parametrize("starts_at", [FIRST_0130, SECOND_0130])
def test_move_form_sent_back_unchanged_changes_nothing_on_a_fall_back_night(
    clinic, client, login_as, frozen, starts_at
):
    appt_id = make_appointment(clinic, starts_at)
    login_as("admin")
    data = move_form_as_shown(client, appt_id)
    assert (data["date"], data["time"]) == ("2027-11-07", "01:30")
    response = client.post(f"/staff/appointments/{appt_id}/move", data=data)
    assert response.status_code == 303
    assert appointment(clinic, appt_id).starts_at == starts_at
    assert [e.action for e in events(clinic, appt_id)].count("moved") == 0
    with clinic.app_context():
        moved_mail = sa.select(sa.func.count()).select_from(OutboxEmail)
        assert db.session.scalar(moved_mail.where(OutboxEmail.subject.like("Moved%"))) == 0
    page = client.get(f"/staff/appointments/{appt_id}").get_data(as_text=True)
    assert "PDT (UTC-07:00)" in page and "PST (UTC-08:00)" in page


def test_move_between_the_two_readings_of_a_repeated_hour(clinic, client, login_as, frozen):
    appt_id = make_appointment(clinic, SECOND_0130)
    login_as("admin")
    data = move_form_as_shown(client, appt_id)
    client.post(f"/staff/appointments/{appt_id}/move", data={**data, "offset": "-07:00"})
    assert appointment(clinic, appt_id).starts_at == FIRST_0130
    # Without an offset a repeated reading is refused, not guessed.
    data = move_form_as_shown(client, appt_id)
    response = client.post(f"/staff/appointments/{appt_id}/move", data={**data, "offset": ""})
    assert "happens twice" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert appointment(clinic, appt_id).starts_at == FIRST_0130


def phone_form(client):
    html = client.get("/staff/book").get_data(as_text=True)
    import re

    option = re.search(r'<option value="(\d+)">Neuromuscular Therapy, 60 min', html).group(1)
    therapist = re.search(r'<option (?:selected )?value="(\d+)">Dana Okafor', html).group(1)
    location = re.search(r'<option (?:selected )?value="(\d+)">Saltgrass Hermosa', html).group(1)
    return {
        "csrf_token": form_token(html),
        "option": option,
        "therapist": therapist,
        "location": location,
        "date": "2026-12-09",
        "time": "10:00",
        "name": "Phone Client",
        "email": "phone@example.com",
        "phone": "310 555 0190",
    }


def test_phone_booking_with_deposit_waived_is_confirmed(clinic, client, login_as, frozen):
    login_as("admin")
    response = client.post("/staff/book", data={**phone_form(client), "payment": "waive"})
    assert response.status_code == 303
    with clinic.app_context():
        appt = db.session.scalar(sa.select(Appointment))
        assert (appt.status, appt.deposit, appt.source) == ("confirmed", 0, "phone")
        assert appt.starts_at == WEDNESDAY_10
        subjects = db.session.scalars(sa.select(OutboxEmail.subject)).all()
    assert any(s.startswith("Booked:") for s in subjects)


def test_phone_booking_with_payment_link_holds_and_emails_the_link(
    clinic, client, login_as, frozen
):
    login_as("admin")
    client.post("/staff/book", data={**phone_form(client), "payment": "link"})
    with clinic.app_context():
        appt = db.session.scalar(sa.select(Appointment))
        assert appt.status == "held" and appt.deposit > 0
        assert appt.hold_expires_at - NOW <= timedelta(hours=24)
        assert appt.hold_expires_at - NOW > timedelta(hours=23)
        email = db.session.scalar(
            sa.select(OutboxEmail).where(OutboxEmail.key.like("payment-link%"))
        )
    assert "/pay/test/" in email.body_text


def test_phone_booking_refuses_a_taken_time_and_keeps_the_form(clinic, client, login_as, frozen):
    make_appointment(clinic, WEDNESDAY_10)
    login_as("admin")
    response = client.post("/staff/book", data={**phone_form(client), "payment": "waive"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Dana Okafor already has an appointment then." in html
    assert 'value="Phone Client"' in html
    with clinic.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Appointment)) == 1


def test_phone_booking_offers_both_readings_of_a_repeated_hour(clinic, client, login_as, frozen):
    login_as("admin")
    html = client.get("/staff/book").get_data(as_text=True)
    assert "PDT (UTC-07:00)" in html and "PST (UTC-08:00)" in html
    data = {**phone_form(client), "date": "2027-11-07", "time": "01:30", "payment": "waive"}
    assert client.post("/staff/book", data={**data, "offset": "-08:00"}).status_code == 303
    with clinic.app_context():
        assert db.session.scalar(sa.select(Appointment.starts_at)) == SECOND_0130


@pytest.mark.parametrize(
    ("time", "offset", "expected"),
    [
        ("01:30-07:00", "", FIRST_0130),  # an offset typed with the time is kept
        ("01:30", "", None),  # repeated and not chosen: refused, not guessed
        ("10:00-05:00", "", None),  # an offset the time does not have: refused, not dropped
    ],
)
def test_phone_booking_reads_the_offset_or_refuses(
    clinic, client, login_as, frozen, time, offset, expected
):
    login_as("admin")
    data = {**phone_form(client), "date": "2027-11-07", "time": time, "offset": offset}
    response = client.post("/staff/book", data={**data, "payment": "waive"})
    with clinic.app_context():
        booked = db.session.scalars(sa.select(Appointment.starts_at)).all()
    if expected is None:
        assert response.status_code == 422 and booked == []
        html = response.get_data(as_text=True)
        assert "happens twice" in html or "not UTC-05:00" in html
    else:
        assert response.status_code == 303 and booked == [expected]


def test_csv_export_for_a_date_range(clinic, client, login_as, frozen):
    make_appointment(clinic, WEDNESDAY_10, name='=HYPERLINK("http://evil")')
    login_as("admin")
    response = client.get("/staff/appointments.csv?from=2026-12-01&to=2026-12-31")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:3] == ["id", "start (local)", "end (local)"]
    assert rows[1][1] == "2026-12-09 10:00 PST"
    assert rows[1][8].startswith("'=")  # a formula is neutralised
    assert client.get("/staff/appointments.csv?from=2026-12-31&to=2026-12-01").status_code == 400
    assert client.get("/staff/appointments.csv?from=soon").status_code == 400


def test_inquiries_can_be_marked_handled(clinic, client, login_as):
    with clinic.app_context():
        db.session.add(Inquiry(name="Ava", email="ava@example.com", message="Parking question"))
        db.session.commit()
    login_as("editor")
    html = client.get("/staff/inquiries").get_data(as_text=True)
    assert "Parking question" in html
    inquiry_id = html.split("/staff/inquiries/")[1].split("/")[0]
    client.post(f"/staff/inquiries/{inquiry_id}/handled", data={"csrf_token": form_token(html)})
    assert "Parking question" not in client.get("/staff/inquiries").get_data(as_text=True)
    assert "Parking question" in client.get("/staff/inquiries?show=handled").get_data(as_text=True)


# -- undoing an outcome within a day (issue 15) --------------------------------------------------


class Clock:
    def __init__(self, moment):
        self.moment = moment

    def __call__(self):
        return self.moment


@pytest.fixture
def marked(clinic, client, login_as, monkeypatch):
    """Dana's Wednesday 10:00 visit, marked a no-show at noon by an admin."""
    clock = Clock(WEDNESDAY_10 + timedelta(hours=2))
    monkeypatch.setattr("clinicsite.clock.now", clock)
    appt_id = make_appointment(clinic, WEDNESDAY_10)
    login_as("admin")
    post(client, appt_id, "status", status="no_show")
    assert appointment(clinic, appt_id).status == "no_show"
    return appt_id, clock


def test_a_no_show_marked_by_mistake_is_undone_and_audited(clinic, client, marked):
    appt_id, clock = marked
    clock.moment += timedelta(hours=3)
    page = text_of(client.get(f"/staff/appointments/{appt_id}").get_data(as_text=True))
    assert "can be put back to confirmed until Thursday, December 10, 2026 at 12:00 PM PST" in page
    response = post(client, appt_id, "status/undo")
    assert response.status_code == 303
    assert appointment(clinic, appt_id).status == "confirmed"
    last = events(clinic, appt_id)[-1]
    assert last.action == "no-show undone"
    assert (last.before["status"], last.after["status"]) == ("no_show", "confirmed")
    after = client.get(f"/staff/appointments/{appt_id}", follow_redirects=True)
    assert "The no-show mark is undone" in text_of(after.get_data(as_text=True))


def test_a_completed_mark_can_be_undone_and_set_again(clinic, client, marked):
    appt_id, _ = marked
    post(client, appt_id, "status/undo")
    post(client, appt_id, "status", status="completed")
    assert appointment(clinic, appt_id).status == "completed"
    post(client, appt_id, "status/undo")
    assert appointment(clinic, appt_id).status == "confirmed"


def test_after_a_day_the_mark_stays(clinic, client, marked):
    appt_id, clock = marked
    clock.moment += timedelta(days=1, minutes=1)
    page = client.get(f"/staff/appointments/{appt_id}").get_data(as_text=True)
    assert "/status/undo" not in page
    response = post(client, appt_id, "status/undo")
    assert response.status_code == 303
    assert appointment(clinic, appt_id).status == "no_show"
    flashed = client.get(f"/staff/appointments/{appt_id}").get_data(as_text=True)
    assert "more than a day ago" in text_of(flashed)


def test_undo_needs_a_marked_appointment_and_the_csrf_token(clinic, client, login_as, frozen):
    appt_id = make_appointment(clinic, WEDNESDAY_10)
    login_as("admin")
    post(client, appt_id, "status/undo")
    assert appointment(clinic, appt_id).status == "confirmed"
    assert events(clinic, appt_id)[-1].action != "no-show undone"
    no_token = client.post(f"/staff/appointments/{appt_id}/status/undo")
    assert no_token.status_code == 400


def test_another_therapist_cannot_undo(clinic, client, login_as, marked):
    appt_id, _ = marked
    client.post(
        "/staff/logout",
        data={"csrf_token": form_token(client.get("/staff/").get_data(as_text=True))},
    )
    login_as("therapist", therapist_id=therapist_id(clinic, "lena-marchetti"))
    token = form_token(client.get("/staff/").get_data(as_text=True))
    response = client.post(f"/staff/appointments/{appt_id}/status/undo", data={"csrf_token": token})
    assert response.status_code == 403
    assert appointment(clinic, appt_id).status == "no_show"


# -- holds on the dashboard show their day (issue 15) --------------------------------------------


def test_holds_on_the_dashboard_show_their_date(clinic, client, login_as, frozen):
    make_appointment(clinic, datetime(2026, 12, 11, 16, 0, tzinfo=UTC), deposit=True)  # Fri 8:00
    login_as("admin")
    page = text_of(client.get("/staff/").get_data(as_text=True))
    held = page.split("Held, waiting for payment", 1)[1]
    assert "Friday, December 11, 8:00 AM–9:00 AM" in held
