"""Busy times of a therapist's own calendar keep online booking away: the availability
API, the booking page's times, a client's reschedule, and the check under the lock;
staff booking by phone may book over them, with a warning. Across a DST change too."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import unquote, urlencode

import pytest
import sqlalchemy as sa

from clinicsite.appointments.holding import ClientDetails, HoldRequest, hold
from clinicsite.calendars.busy import BusyElsewhere
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.models import Location, ServiceOption, Therapist
from tests.calendars import feeds
from tests.calendars.test_sync import DANA, add_feed, sync
from tests.support.booking_helpers import (
    DISCOVERY,
    MONDAY_8AM,
    NMT,
    TUESDAY,
    FrozenClock,
    book_slot,
    clinic_tz,
    first_free_slot,
    free_slots,
    option_id,
    reschedule_times,
    text_of,
    token_from,
)
from tests.support.ics_server import FeedServer
from tests.support.staff_helpers import form_token


@pytest.fixture
def server():
    with FeedServer() as running:
        yield running


@pytest.fixture
def stopped(monkeypatch) -> FrozenClock:
    return FrozenClock(MONDAY_8AM).install(monkeypatch)


def starts(client, day: str, service: str = NMT) -> list[str]:
    tz = clinic_tz()
    return [
        datetime.fromisoformat(s["start"]).astimezone(tz).strftime("%H:%M")
        for s in free_slots(client, service, day, DANA)
    ]


def test_a_recurring_event_blocks_its_times_in_the_availability_api(
    clinic, client, runner, server, stopped
):
    assert {"10:00", "11:00", "11:30", "12:00"} <= set(starts(client, TUESDAY))
    server.route("/dana.ics", feeds.GOOGLE)
    add_feed(clinic, DANA, server.url("/dana.ics"))
    sync(runner)
    tuesday = starts(client, TUESDAY)
    # Busy 11:00-12:00: no 60-minute visit (and its 15-minute clean-up) may meet it.
    assert not {"10:00", "10:45", "11:00", "11:30", "11:45"} & set(tuesday)
    assert {"12:00", "15:00"} <= set(tuesday)
    # The next Tuesday is an EXDATE: free again; the one after, the class moved to 16:00.
    assert "11:00" in starts(client, "2026-12-15")
    moved = starts(client, "2026-12-22")
    assert "11:00" in moved and "16:00" not in moved and "15:00" not in moved


def test_the_booking_page_no_longer_offers_the_busy_times(clinic, client, runner, server, stopped):
    query = {
        "service": NMT,
        "option": option_id(clinic, NMT, 60),
        "location": "culver-city-studio",
        "therapist": DANA,
        "day": TUESDAY,
    }

    def offered() -> set[str]:
        html = client.get("/book/?" + urlencode(query)).get_data(as_text=True)
        found = re.findall(r'class="choice time" href="[^"]*?start=([^&"]+)', html)
        tz = clinic_tz()
        return {datetime.fromisoformat(unquote(s)).astimezone(tz).strftime("%H:%M") for s in found}

    assert "11:00" in offered()
    server.route("/dana.ics", feeds.GOOGLE)
    add_feed(clinic, DANA, server.url("/dana.ics"))
    sync(runner)
    after = offered()
    assert "11:00" not in after and "10:30" not in after and "12:00" in after


def test_across_the_spring_change_the_blocked_times_stay_at_the_local_hour(
    clinic, client, runner, server, monkeypatch
):
    # Monday 2027-03-08, 08:00 PST; the clocks go forward on Sunday 2027-03-14.
    FrozenClock(datetime(2027, 3, 8, 16, tzinfo=UTC)).install(monkeypatch)
    server.route("/dana.ics", feeds.APPLE)  # every Tuesday 15:00-16:00 Los Angeles time
    add_feed(clinic, DANA, server.url("/dana.ics"))
    sync(runner)
    for day in ("2027-03-09", "2027-03-16"):  # PST, then PDT
        offered = starts(client, day)
        assert "15:00" not in offered and "15:30" not in offered, day
        assert "16:00" in offered and "13:00" in offered, day


def test_the_check_under_the_lock_refuses_an_online_hold_but_not_a_phone_one(
    clinic, runner, server, stopped
):
    server.route("/dana.ics", feeds.GOOGLE)
    add_feed(clinic, DANA, server.url("/dana.ics"))
    sync(runner)
    eleven = datetime(2026, 12, 8, 19, tzinfo=UTC)  # Tuesday 11:00 in Los Angeles
    with clinic.test_request_context():
        option = db.session.scalar(sa.select(ServiceOption).where(ServiceOption.deposit == 0))
        dana = db.session.scalar(sa.select(Therapist).filter_by(slug=DANA))
        studio = db.session.scalar(sa.select(Location).filter_by(slug="culver-city-studio"))
        who = ClientDetails("Ana Client", "ana@example.com", "310 555 0199")
        online = HoldRequest(option, dana, studio, eleven, who)
        with pytest.raises(BusyElsewhere):
            hold(online, get_clinic(), MONDAY_8AM)
        phone = HoldRequest(option, dana, studio, eleven, who, source="phone")
        assert hold(phone, get_clinic(), MONDAY_8AM).status == "confirmed"


def test_a_client_cannot_move_a_booking_into_a_busy_time(clinic, client, runner, server, stopped):
    slot = first_free_slot(client, DISCOVERY, TUESDAY, DANA)
    token = token_from(book_slot(client, clinic, slot, service=DISCOVERY))
    _, before = reschedule_times(client, token, TUESDAY)
    server.route("/dana.ics", feeds.GOOGLE)
    add_feed(clinic, DANA, server.url("/dana.ics"))
    sync(runner)
    html, after = reschedule_times(client, token, TUESDAY)
    tz = clinic_tz()
    busy = [s for s in before if datetime.fromisoformat(s).astimezone(tz).hour == 11]
    assert busy and not set(busy) & set(after)
    response = client.post(
        f"/booking/{token}/reschedule",
        data={"csrf_token": form_token(html), "start": busy[0]},
        follow_redirects=True,
    )
    assert "not available any more" in text_of(response.get_data(as_text=True))


def test_staff_may_book_over_a_busy_time_and_are_warned(
    clinic, client, login_as, runner, server, stopped
):
    server.route("/dana.ics", feeds.GOOGLE)
    add_feed(clinic, DANA, server.url("/dana.ics"))
    sync(runner)
    login_as("admin")
    html = client.get("/staff/book").get_data(as_text=True)

    def value(label: str) -> str:
        return re.search(rf'<option (?:selected )?value="(\d+)"(?: selected)?>{label}', html)[1]

    chosen = {
        "option": value("Neuromuscular Therapy, 60 min"),
        "therapist": value("Dana Okafor"),
        "location": value("Saltgrass Culver"),
    }
    listed = client.get("/staff/book?" + urlencode({**chosen, "date": TUESDAY, "show": "1"}))
    listed_text = text_of(listed.get_data(as_text=True))
    assert "11:00 AM PST (busy in their own calendar)" in listed_text
    data = {
        "csrf_token": form_token(html),
        **chosen,
        "date": TUESDAY,
        "time": "11:00",
        "name": "Phone Client",
        "phone": "310 555 0190",
        "payment": "waive",
    }
    response = client.post("/staff/book", data=data, follow_redirects=True)
    page = text_of(response.get_data(as_text=True))
    assert "Booked over a busy time in Dana Okafor's own calendar" in page
