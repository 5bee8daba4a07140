"""Pages around a change of the clocks in Los Angeles: the fall-back night of 2027-11-07,
when 01:00-02:00 happens twice (PDT, then PST)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

import pytest
import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import ExtraHours, Location, Therapist
from tests.support.booking_helpers import NMT, option_id
from tests.support.staff_helpers import make_appointment

NOW = datetime(2027, 11, 1, 16, 0, tzinfo=UTC)  # Monday 09:00 PDT, a week before
FALL_BACK = date(2027, 11, 7)
FIRST_0130 = datetime(2027, 11, 7, 8, 30, tzinfo=UTC)  # 01:30 PDT
SECOND_0130 = datetime(2027, 11, 7, 9, 30, tzinfo=UTC)  # 01:30 PST


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr("clinicsite.clock.now", lambda: NOW)


def night_hours(app, start: time, end: time, day: date = FALL_BACK) -> None:
    """Extra hours for Dana at the Hermosa Beach studio (on the fall-back night)."""
    with app.app_context():
        dana = db.session.scalar(sa.select(Therapist).filter_by(slug="dana-okafor"))
        studio = db.session.scalar(sa.select(Location).filter_by(slug="hermosa-beach-studio"))
        db.session.add(
            ExtraHours(
                therapist_id=dana.id,
                location_id=studio.id,
                day=day,
                starts_at=start,
                ends_at=end,
            )
        )
        db.session.commit()


def times_page(client, app, day: date = FALL_BACK) -> str:
    url = (
        f"/book/?service={NMT}&option={option_id(app, NMT, 60)}"
        f"&location=hermosa-beach-studio&therapist=dana-okafor&day={day}"
    )
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_public_time_list_tells_the_two_one_thirties_apart(clinic, client, frozen):
    night_hours(clinic, time(0), time(4))
    html = times_page(client, clinic)
    heading = re.search(r'<h2 id="times">(.*?)</h2>', html, re.S).group(1)
    assert "(PDT then PST)" in heading  # not one abbreviation for the whole day
    times = re.findall(r'class="choice time"[^>]*>([^<]+)</a>', html)
    assert times.count("1:30 AM PDT") == 1 and times.count("1:30 AM PST") == 1
    assert len(times) == len(set(times))  # every time reads differently
    # Each link carries the instant, with its offset.
    assert FIRST_0130.isoformat().replace("+", "%2B") in html
    assert SECOND_0130.isoformat().replace("+", "%2B") in html


def test_public_time_list_on_an_ordinary_day_names_the_zone_once(clinic, client, frozen):
    night_hours(clinic, time(0), time(4), date(2027, 11, 9))
    html = times_page(client, clinic, date(2027, 11, 9))
    times = re.findall(r'class="choice time"[^>]*>([^<]+)</a>', html)
    assert times and not any("PST" in t for t in times)
    assert "(PST)" in re.search(r'<h2 id="times">(.*?)</h2>', html, re.S).group(1)


def test_week_view_shows_which_one_thirty(clinic, client, login_as, frozen):
    make_appointment(clinic, FIRST_0130, deposit=True, now=NOW)  # 60 min: 01:30 PDT-01:30 PST
    later = datetime(2027, 11, 7, 10, 30, tzinfo=UTC)  # 02:30 PST, a 20-minute session
    make_appointment(clinic, later, name="Late Client", now=NOW)
    login_as("admin")
    html = client.get(f"/staff/calendar?week={FALL_BACK}").get_data(as_text=True)
    times = re.findall(r'class="appt-time">([^<]+)<', html)
    assert times == ["1:30 AM PDT–1:30 AM PST", "2:30 AM PST–2:50 AM PST"]
    # On an ordinary day the row stays short.
    make_appointment(clinic, datetime(2027, 11, 3, 18, 0, tzinfo=UTC), name="Wed", now=NOW)
    html = client.get(f"/staff/calendar?week={FALL_BACK}").get_data(as_text=True)
    assert "11:00 AM–11:20 AM" in re.findall(r'class="appt-time">([^<]+)<', html)
