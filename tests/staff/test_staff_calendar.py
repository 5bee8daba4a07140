"""The staff calendar: right hours on DST days, each therapist sees their own."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

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
    # From 08:00 to 20:00 local are 48 quarter-hour rows, even on a 23- or 25-hour day.
    assert html.count('<th scope="row">') == 48
    rows = html.split("<tr")
    ten = next(i for i, r in enumerate(rows) if '<th scope="row">10:00 AM' in r)
    assert "Rita Client" in rows[ten]
    # The free 20-minute discovery session; on a day the clocks change, with the zone.
    zone = {"2026-03-08": " PDT", "2026-11-01": " PST"}.get(day, "")
    assert f"10:00 AM{zone}–10:20 AM{zone}" in rows[ten]
    assert 'rowspan="2"' in rows[ten]


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
