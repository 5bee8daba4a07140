"""The reports page on the demo clinic: every figure checked against a count made in SQL
here, the chart drawn on the server with its figures beside it, the CSV the same figures,
and a bad period explained."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from clinicsite.appointments.takings import day_bounds
from clinicsite.demo.content import read_content
from clinicsite.extensions import db
from clinicsite.models import Appointment, Therapist
from clinicsite.reports import report
from tests.support.booking_helpers import FrozenClock, load_clinic_content, page_html, text_of

LOADED = datetime(2026, 12, 10, 22, 0, tzinfo=UTC)  # Thursday afternoon in Los Angeles
FIRST, LAST = date(2026, 11, 1), date(2026, 12, 31)


@pytest.fixture
def demo(app, monkeypatch):
    FrozenClock(LOADED).install(monkeypatch)
    load_clinic_content(app, read_content())
    return app


def sql_count(app, *where) -> int:
    with app.app_context():
        from zoneinfo import ZoneInfo

        tz = ZoneInfo("America/Los_Angeles")
        start, end = day_bounds(FIRST, tz)[0], day_bounds(LAST, tz)[1]
        return db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Appointment)
            .where(Appointment.starts_at >= start, Appointment.starts_at < end, *where)
        )


def test_the_figures_match_counts_made_in_sql(demo):
    booked = Appointment.status.in_(("confirmed", "completed", "no_show", "cancelled"))
    with demo.app_context():
        from zoneinfo import ZoneInfo

        r = report(FIRST, LAST, ZoneInfo("America/Los_Angeles"), "USD")
    assert r.bookings == sql_count(demo, booked) > 0
    for status in ("confirmed", "completed", "no_show", "cancelled"):
        assert r.by_status.get(status, 0) == sql_count(demo, Appointment.status == status)
    assert r.by_status.get("no_show", 0) > 0  # the demo has a no-show to report
    assert sum(r.by_source.values()) == r.bookings
    # Every online booking counted once by where it came from; the demo has several origins.
    assert sum(r.by_origin.values()) == r.by_source["online"]
    assert len(r.by_origin) >= 3 and r.top_origins
    assert sum(bar.count for bar in r.bars) == r.bookings
    assert sum(t.visits for t in r.therapists) == sql_count(
        demo, booked, Appointment.status != "cancelled"
    )
    with demo.app_context():
        names = set(db.session.scalars(sa.select(Therapist.name)))
    assert {t.name for t in r.therapists} <= names
    assert r.new_clients + r.returning_clients > 0


def test_the_page_shows_the_chart_and_the_same_figures(demo, client, login_as):
    login_as("admin")
    html = page_html(client, "/staff/reports/", **{"from": "2026-11-01", "to": "2026-12-31"})
    page = text_of(html)
    with demo.app_context():
        from zoneinfo import ZoneInfo

        r = report(FIRST, LAST, ZoneInfo("America/Los_Angeles"), "USD")
    assert f"{r.bookings} bookings, " in page
    assert html.count("<rect ") == len(r.bars) == 10  # weeks from Monday Oct 26 to Dec 28
    assert "Week of Oct 26" in page and "Week of Dec 28" in page
    assert f"No-show {r.by_status.get('no_show', 0)}" in page
    for t in r.therapists:
        assert f"{t.name} {t.visits} {t.minutes / 60:.1f}" in page


def test_the_csv_has_the_page_s_figures(demo, client, login_as):
    login_as("admin")
    response = client.get("/staff/reports/export.csv?from=2026-11-01&to=2026-12-31")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "report-2026-11-01-to-2026-12-31.csv" in response.headers["Content-Disposition"]
    rows = dict(csv.reader(io.StringIO(response.get_data(as_text=True))))
    with demo.app_context():
        from zoneinfo import ZoneInfo

        r = report(FIRST, LAST, ZoneInfo("America/Los_Angeles"), "USD")
    assert rows["bookings"] == str(r.bookings)
    assert rows["bookings no_show"] == str(r.by_status.get("no_show", 0))
    assert rows["net (USD)"].replace(".", "").isdigit()


def test_a_short_period_is_drawn_by_day(demo, client, login_as):
    login_as("admin")
    html = page_html(client, "/staff/reports/", **{"from": "2026-12-07", "to": "2026-12-13"})
    assert html.count("<rect ") == 7
    assert "Dec 7" in text_of(html)


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ({"from": "2026-12-31", "to": "2026-12-01"}, "The first day comes after the last."),
        ({"from": "2020-01-01", "to": "2026-12-01"}, ""),
        ({"from": "yesterday", "to": "2026-12-01"}, "Please give the date as YYYY-MM-DD."),
        ({"from": "2026-12-01"}, "Please give the date as YYYY-MM-DD."),
        ({"from": "9" * 400, "to": "2026-12-01"}, "Please give the date as YYYY-MM-DD."),
    ],
)
def test_a_bad_period_is_explained_and_the_last_30_days_shown(demo, client, login_as, query, says):
    login_as("admin")
    response = client.get("/staff/reports/", query_string=query)
    assert response.status_code == 400
    page = text_of(response.get_data(as_text=True))
    assert says in page and "Showing the last 30 days." in page
    today = LOADED.astimezone(__import__("zoneinfo").ZoneInfo("America/Los_Angeles")).date()
    assert f'value="{(today - timedelta(days=29)).isoformat()}"' in response.get_data(as_text=True)


def test_an_empty_clinic_reports_zeros_not_errors(clinic, client, login_as):
    login_as("admin")
    page = text_of(page_html(client, "/staff/reports/"))
    assert "0 bookings" in page and "No visits in this period." in page
    assert "No-show rate (of visits due) —" in page
