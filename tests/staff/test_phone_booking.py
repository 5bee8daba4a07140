"""Booking by phone as the desk lives it: a client with only a phone number, a walk-in
entered afterwards, and the therapist's free times shown before a time is typed."""

from __future__ import annotations

import html as html_lib
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa

from clinicsite.appointments.reminders import queue_reminders
from clinicsite.extensions import db
from clinicsite.models import Appointment, AuditEvent, OutboxEmail
from tests.support.booking_helpers import text_of
from tests.support.staff_helpers import NOW, form_token, make_appointment

WEDNESDAY_10 = datetime(2026, 12, 9, 18, 0, tzinfo=UTC)  # 10:00 in Los Angeles
LAST_FRIDAY_10 = datetime(2026, 12, 4, 18, 0, tzinfo=UTC)  # three days before NOW


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr("clinicsite.clock.now", lambda: NOW)


@pytest.fixture
def desk(clinic, client, login_as, frozen):
    login_as("admin")
    return client


def choices(html: str) -> dict[str, str]:
    """The ids of the test clinic's 60-minute neuromuscular therapy, Dana and Hermosa Beach."""

    def value(label: str) -> str:
        return re.search(rf'<option (?:selected )?value="(\d+)"(?: selected)?>{label}', html)[1]

    return {
        "option": value("Neuromuscular Therapy, 60 min"),
        "therapist": value("Dana Okafor"),
        "location": value("Saltgrass Hermosa"),
    }


def phone_form(client, **change) -> dict[str, str]:
    html = client.get("/staff/book").get_data(as_text=True)
    data = {
        "csrf_token": form_token(html),
        **choices(html),
        "date": "2026-12-09",
        "time": "10:00",
        "name": "Phone Client",
        "email": "phone@example.com",
        "phone": "310 555 0190",
        "payment": "waive",
    }
    data.update(change)
    return {k: v for k, v in data.items() if v is not None}


def booked(app) -> list[Appointment]:
    with app.app_context():
        rows = list(db.session.scalars(sa.select(Appointment).order_by(Appointment.id)))
        db.session.expunge_all()
        return rows


def mail_to(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(OutboxEmail.to_address)))


# -- a client without an email -----------------------------------------------------------------


def test_a_client_with_only_a_phone_number_is_booked_and_emailed_nothing(clinic, desk):
    response = desk.post("/staff/book", data=phone_form(desk, email=""))
    assert response.status_code == 303
    [appointment] = booked(clinic)
    assert (appointment.status, appointment.client_email) == ("confirmed", "")
    assert appointment.client_phone == "310 555 0190"
    assert "" not in mail_to(clinic) and "phone@example.com" not in mail_to(clinic)
    page = text_of(desk.get(response.headers["Location"]).get_data(as_text=True))
    assert "No email was sent: the client gave no address." in page
    assert "No email address: no confirmation, reminder or payment link is emailed" in page


def test_a_client_needs_a_phone_number_or_an_email(clinic, desk):
    response = desk.post("/staff/book", data=phone_form(desk, email="", phone=""))
    assert response.status_code == 422
    assert "Please give the client's phone number or email" in text_of(
        response.get_data(as_text=True)
    )
    assert booked(clinic) == []


def test_a_payment_link_needs_an_email(clinic, desk):
    response = desk.post("/staff/book", data=phone_form(desk, email="", payment="link"))
    assert response.status_code == 422
    assert "A payment link is sent by email" in response.get_data(as_text=True)
    assert booked(clinic) == [] and mail_to(clinic) == []


def test_a_reminder_is_not_queued_for_a_client_without_an_email(clinic, desk, monkeypatch):
    desk.post("/staff/book", data=phone_form(desk, email=""))
    monkeypatch.setattr("clinicsite.clock.now", lambda: NOW + timedelta(days=1, hours=2))
    with clinic.test_request_context():
        queue_reminders()
    assert "" not in mail_to(clinic)


# -- a walk-in recorded afterwards -------------------------------------------------------------


def test_a_past_time_is_refused_unless_recorded_as_a_visit_afterwards(clinic, desk):
    data = phone_form(desk, date="2026-12-04", time="10:00")
    response = desk.post("/staff/book", data=data)
    assert response.status_code == 422
    assert "Record a visit that already happened" in text_of(response.get_data(as_text=True))
    assert booked(clinic) == []

    response = desk.post("/staff/book", data={**data, "afterwards": "y"})
    assert response.status_code == 303
    [visit] = booked(clinic)
    assert (visit.status, visit.source, visit.deposit) == ("confirmed", "walk-in", 0)
    assert visit.starts_at == LAST_FRIDAY_10 and visit.reminder_queued_at is not None
    assert mail_to(clinic) == [], "nothing is emailed for a visit that already happened"
    with clinic.app_context():
        actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert "recorded afterwards" in actions
    page = text_of(desk.get(response.headers["Location"]).get_data(as_text=True))
    assert "Nothing was emailed and no reminder will be sent" in page
    assert "(walk-in)" in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"payment": "link"}, "has no payment link"),
        ({"date": "2026-11-20"}, "up to 14 days afterwards"),
        ({"date": "2026-12-09"}, "That time is still to come"),
    ],
)
def test_a_visit_afterwards_sends_no_link_and_stays_in_its_window(clinic, desk, change, message):
    data = phone_form(desk, **{"date": "2026-12-04", "time": "10:00", "afterwards": "y", **change})
    response = desk.post("/staff/book", data=data)
    assert response.status_code == 422
    assert message in html_lib.unescape(response.get_data(as_text=True))
    assert booked(clinic) == [] and mail_to(clinic) == []


def test_a_visit_afterwards_cannot_overlap_the_therapist(clinic, desk):
    make_appointment(clinic, LAST_FRIDAY_10, now=LAST_FRIDAY_10 - timedelta(days=2))
    data = phone_form(desk, date="2026-12-04", time="10:00", afterwards="y")
    response = desk.post("/staff/book", data=data)
    assert response.status_code == 422
    assert "Dana Okafor already has an appointment then." in response.get_data(as_text=True)
    assert len(booked(clinic)) == 1


# -- the therapist's free times ----------------------------------------------------------------


def free_times_url(desk, **change) -> str:
    query = {**choices(desk.get("/staff/book").get_data(as_text=True)), "date": "2026-12-09"}
    query.update(change)
    return "/staff/book?" + urlencode({**query, "show": "1"})


def listed(html: str) -> list[str]:
    return [
        html_lib.unescape(h) for h in re.findall(r'<a class="choice time" href="([^"]+)"', html)
    ]


def test_free_times_of_the_day_are_listed_and_fill_in_the_form(clinic, desk):
    make_appointment(clinic, WEDNESDAY_10)  # Dana, Hermosa Beach, from 10:00
    html = desk.get(free_times_url(desk)).get_data(as_text=True)
    links = listed(html)
    times = [re.search(r"time=([0-9:]+)", link)[1] for link in links]
    assert "10:00" not in times, "taken"
    assert "12:00" in times and "Free start times on Wednesday, December 9" in text_of(html)

    assert "offset=-08:00" in links[-1], "the reading is named, in case an hour repeats"
    form_page = desk.get(links[-1]).get_data(as_text=True)
    assert re.search(rf'<input[^>]*name="time"[^>]*value="{times[-1]}"', form_page)
    assert re.search(r'<input[^>]*name="date"[^>]*value="2026-12-09"', form_page)
    assert re.search(r'<option selected value="-08:00">|<option value="-08:00" selected', form_page)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"date": "not a date"}, "Please give the date as YYYY-MM-DD."),
        ({"date": "99999-01-01"}, "Please give the date as YYYY-MM-DD."),
        ({"option": "999999"}, "Please choose a service, a therapist and a studio"),
        ({"therapist": "x"}, "Please choose a service, a therapist and a studio"),
    ],
)
def test_unreadable_free_time_questions_get_a_clear_answer(clinic, desk, change, message):
    response = desk.get(free_times_url(desk, **change))
    assert response.status_code == 400
    assert message in html_lib.unescape(response.get_data(as_text=True))


def test_a_past_day_lists_no_times_and_says_why(clinic, desk):
    response = desk.get(free_times_url(desk, date="2026-12-04"))
    assert response.status_code == 200
    assert "That day has passed" in text_of(response.get_data(as_text=True))
    assert listed(response.get_data(as_text=True)) == []


# -- a payment link's hold ends by the visit's start (issue 15) ---------------------------------


def test_a_payment_link_for_a_visit_today_holds_only_until_it_starts(clinic, desk):
    data = phone_form(desk, date="2026-12-07", time="11:00", payment="link")
    response = desk.post("/staff/book", data=data, follow_redirects=True)
    assert "Held until Monday, December 7, 2026 at 11:00 AM PST" in text_of(
        response.get_data(as_text=True)
    )
    (appointment,) = booked(clinic)
    assert appointment.status == "held"
    assert appointment.hold_expires_at == appointment.starts_at


def test_a_payment_link_for_a_visit_tomorrow_still_holds_24_hours(clinic, desk):
    desk.post("/staff/book", data=phone_form(desk, payment="link"))  # Wednesday 10:00
    (appointment,) = booked(clinic)
    assert timedelta(hours=23) < appointment.hold_expires_at - NOW <= timedelta(hours=24)


def test_a_visit_too_soon_for_a_payment_link_is_refused_with_what_to_do(clinic, desk):
    data = phone_form(desk, date="2026-12-07", time="08:20", payment="link")
    response = desk.post("/staff/book", data=data)
    assert response.status_code == 422
    assert "starts too soon for a payment link" in text_of(response.get_data(as_text=True))
    assert booked(clinic) == []


# -- a coupon read out on the phone ------------------------------------------------------------


def test_a_coupon_read_out_on_the_phone_takes_its_discount_off(clinic, desk):
    from tests.coupons.helpers import make_coupon

    make_coupon(clinic, code="SPRING", value=2000)
    response = desk.post("/staff/book", data=phone_form(desk, coupon=" spring "))
    assert response.status_code == 303
    [appointment] = booked(clinic)
    assert (appointment.coupon_code, appointment.coupon_discount) == ("SPRING", 2000)
    page = text_of(desk.get(response.headers["Location"]).get_data(as_text=True))
    assert "SPRING" in page


def test_a_coupon_lowers_the_deposit_of_a_payment_link(clinic, desk):
    from tests.coupons.helpers import make_coupon

    make_coupon(clinic, code="HALF", kind="percent", value=50)
    response = desk.post("/staff/book", data=phone_form(desk, coupon="HALF", payment="link"))
    assert response.status_code == 303
    [appointment] = booked(clinic)
    assert appointment.status == "held"
    with clinic.app_context():
        from clinicsite.models import ServiceOption

        option = db.session.get(ServiceOption, appointment.option_id)
        assert appointment.coupon_discount == option.price // 2
        assert appointment.deposit == min(option.deposit, option.price - option.price // 2)


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("NOPE", "We do not know the code NOPE"),
        ("x" * 65, "That code is too long."),
        ("OLD", "OLD"),
    ],
)
def test_a_code_that_cannot_be_used_is_a_form_error_and_books_nothing(clinic, desk, code, says):
    from tests.coupons.helpers import make_coupon

    make_coupon(clinic, code="OLD", value=1000, active=False)
    response = desk.post("/staff/book", data=phone_form(desk, coupon=code))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert says in text_of(html)
    assert 'value="Phone Client"' in html  # everything else typed is kept
    assert booked(clinic) == []


def test_a_once_per_client_code_counts_a_client_without_email_by_their_record(clinic, desk):
    from tests.coupons.helpers import make_coupon

    make_coupon(clinic, code="ONCE", value=1000, max_uses_per_client=1)
    first = desk.post("/staff/book", data=phone_form(desk, email="", coupon="ONCE"))
    assert first.status_code == 303
    # Another client without an email may use it too...
    other = phone_form(desk, email="", phone="310 555 0111", name="Other Caller", time="12:00")
    assert desk.post("/staff/book", data={**other, "coupon": "ONCE"}).status_code == 303
    # ...but the first caller (the same phone number) not twice.
    again = desk.post("/staff/book", data=phone_form(desk, email="", coupon="ONCE", time="14:00"))
    assert again.status_code == 422
    assert "this client has used it already" in text_of(again.get_data(as_text=True))
    assert len(booked(clinic)) == 2
