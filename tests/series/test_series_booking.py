"""Booking a standing appointment through the domain: every visit at the same local time
across a change of the clocks, taken visits reported with the nearest free times, one
email for the series, and the same lock as any booking."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from clinicsite.appointments.holding import hold
from clinicsite.appointments.series import (
    SKIPPED,
    TAKEN,
    SeriesError,
    book_series,
    series_occurrences,
)
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.models import Appointment, AuditEvent, OutboxEmail
from tests.series.helpers import DESK, FIRST, NOW, WEDNESDAYS, first_visit, local, series_visits


def book(app, every_weeks=1, count=6, **request):
    with app.app_context():
        result = book_series(first_visit(**request), every_weeks, count, DESK, NOW, get_clinic())
        return result.series.id, [(o.position, o.problem, o.alternatives) for o in result.missed]


def test_six_weekly_visits_across_the_spring_change_keep_the_local_time(clinic):
    series_id, missed = book(clinic)
    assert missed == []
    with clinic.app_context():
        visits = series_visits(series_id)
        assert [local(a.starts_at).replace(tzinfo=None) for a in visits] == WEDNESDAYS
        # 10:00 PST is 18:00 UTC; after March 14, 10:00 PDT is 17:00 UTC.
        assert [a.starts_at.hour for a in visits] == [18, 18, 18, 17, 17, 17]
        assert [local(a.starts_at).strftime("%Z") for a in visits] == ["PST"] * 3 + ["PDT"] * 3
        assert {a.status for a in visits} == {"confirmed"}
        assert {a.deposit for a in visits} == {0}  # booked by staff: deposit waived
        assert [a.series_position for a in visits] == [1, 2, 3, 4, 5, 6]


def test_every_other_week(clinic):
    series_id, _ = book(clinic, every_weeks=2, count=3)
    with clinic.app_context():
        days = [local(a.starts_at).date().isoformat() for a in series_visits(series_id)]
    assert days == ["2027-02-24", "2027-03-10", "2027-03-24"]


def test_the_client_gets_one_email_listing_every_visit(clinic):
    series_id, _ = book(clinic)
    with clinic.app_context():
        to_client = db.session.scalars(
            sa.select(OutboxEmail).where(OutboxEmail.to_address == "standing@example.com")
        ).all()
        assert [e.subject[:37] for e in to_client] == ["Standing appointment booked: 6 visits"]
        text = to_client[0].body_text
        assert "Wednesday, February 24, 2027 at 10:00 AM PST" in text
        assert "Wednesday, March 31, 2027 at 10:00 AM PDT" in text
        tokens = [a.token for a in series_visits(series_id)]
        assert all(f"/booking/{token}" in text for token in tokens)


def test_a_client_without_email_is_sent_nothing_and_the_therapist_told_once(clinic):
    book(clinic, email="")
    with clinic.app_context():
        subjects = db.session.scalars(sa.select(OutboxEmail.subject)).all()
    assert not [s for s in subjects if s.startswith(("Booked", "Standing appointment"))]
    assert len([s for s in subjects if s.startswith("New standing appointment (6 visits)")]) == 1


def test_a_taken_visit_is_reported_with_the_nearest_free_times_and_the_rest_booked(clinic):
    third = FIRST + timedelta(weeks=2)
    with clinic.app_context():
        hold(replace(first_visit(third), deposit=0), get_clinic(), NOW)
    series_id, missed = book(clinic)
    [(position, problem, alternatives)] = missed
    assert (position, problem) == (3, TAKEN)
    starts = [local(slot.start) for slot in alternatives]
    # Dana works 09:00-15:00 on Wednesdays; 10:00-11:00 (and its buffer) is taken: the
    # nearest free starts that same day, at the same studio.
    assert starts and all(s.date().isoformat() == "2027-03-10" for s in starts)
    assert all(abs(s.replace(tzinfo=None) - WEDNESDAYS[2]) <= timedelta(hours=3) for s in starts)
    with clinic.app_context():
        booked = series_visits(series_id)
        assert [a.series_position for a in booked] == [1, 2, 4, 5, 6]
        shown = series_occurrences(booked[0].series, get_clinic(), NOW)
        assert [o.appointment is None for o in shown] == [False, False, True, False, False, False]
        assert shown[2].alternatives


def test_no_alternative_overlaps_a_visit_of_the_series_itself(clinic):
    with clinic.app_context():
        hold(replace(first_visit(FIRST + timedelta(weeks=1)), deposit=0), get_clinic(), NOW)
    series_id, missed = book(clinic, count=2)
    with clinic.app_context():
        busy = [(a.starts_at, a.blocks_until) for a in db.session.scalars(sa.select(Appointment))]
    [(_, _, alternatives)] = missed
    for slot in alternatives:
        assert all(not (slot.start < until and slot.end > start) for start, until in busy)


def test_a_time_the_clocks_skip_is_reported_not_shifted(clinic):
    # Sundays at 02:30: on 2027-03-14 the clocks go from 02:00 straight to 03:00.
    sunday = datetime(2027, 3, 7, 10, 30, tzinfo=UTC)  # 02:30 PST
    series_id, missed = book(clinic, count=3, starts_at=sunday)
    assert [(p, problem) for p, problem, _ in missed] == [(2, SKIPPED)]
    with clinic.app_context():
        hours = [local(a.starts_at).strftime("%H:%M") for a in series_visits(series_id)]
    assert hours == ["02:30", "02:30"]


@pytest.mark.parametrize(("every_weeks", "count"), [(0, 6), (1, 0), (1, 1000), (13, 2), (-1, 3)])
def test_impossible_patterns_are_refused_and_nothing_booked(clinic, every_weeks, count):
    with clinic.app_context():
        with pytest.raises(SeriesError):
            book_series(first_visit(), every_weeks, count, DESK, NOW, get_clinic())
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Appointment)) == 0


def test_a_first_visit_in_the_past_is_refused(clinic):
    with clinic.app_context():
        with pytest.raises(SeriesError):
            book_series(first_visit(NOW - timedelta(hours=1)), 1, 3, DESK, NOW, get_clinic())


def test_each_visit_is_in_the_audit_log_as_booked_by_the_desk(clinic):
    series_id, _ = book(clinic, count=2)
    with clinic.app_context():
        events = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()
        assert [(e.action, e.actor_label, e.note) for e in events] == [
            ("booked", "Front Desk (admin)", "visit 1 of 2"),
            ("booked", "Front Desk (admin)", "visit 2 of 2"),
        ]


def test_a_repeated_hour_takes_its_first_reading(clinic):
    # Sundays at 01:30 from October 25, 2026: on November 1 01:30 happens twice.
    sunday = datetime(2026, 10, 25, 8, 30, tzinfo=UTC)  # 01:30 PDT
    with clinic.app_context():
        result = book_series(
            first_visit(sunday), 1, 2, DESK, datetime(2026, 10, 20, tzinfo=UTC), get_clinic()
        )
        second = result.occurrences[1].appointment
        assert local(second.starts_at).strftime("%H:%M %Z") == "01:30 PDT"
