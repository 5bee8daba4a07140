"""Moving and cancelling a standing appointment from one visit onward."""

from __future__ import annotations

from dataclasses import replace
from datetime import time, timedelta

import pytest
import sqlalchemy as sa

from clinicsite.appointments.errors import NotAllowed
from clinicsite.appointments.holding import hold
from clinicsite.appointments.series import book_series
from clinicsite.appointments.series_changes import cancel_from, move_from
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.models import OutboxEmail
from clinicsite.payments import get_gateway
from tests.series.helpers import DESK, FIRST, NOW, first_visit, local, series_visits


@pytest.fixture
def standing(clinic) -> int:
    with clinic.app_context():
        return book_series(first_visit(), 1, 6, DESK, NOW, get_clinic()).series.id


def readings(series_id: int) -> list[tuple[int, str, str]]:
    return [
        (a.series_position, local(a.starts_at).strftime("%a %m-%d %H:%M %Z"), a.status)
        for a in series_visits(series_id)
    ]


def test_moving_from_the_third_visit_moves_it_and_the_later_ones(clinic, standing):
    with clinic.app_context():
        third = series_visits(standing)[2]
        result = move_from(third, 3, time(14, 0), DESK, NOW, get_clinic())  # Thursdays 14:00
        assert result.conflicts == []
        assert readings(standing) == [
            (1, "Wed 02-24 10:00 PST", "confirmed"),
            (2, "Wed 03-03 10:00 PST", "confirmed"),
            (3, "Thu 03-11 14:00 PST", "confirmed"),
            (4, "Thu 03-18 14:00 PDT", "confirmed"),
            (5, "Thu 03-25 14:00 PDT", "confirmed"),
            (6, "Thu 04-01 14:00 PDT", "confirmed"),
        ]
        moved = db.session.scalars(
            sa.select(OutboxEmail).where(OutboxEmail.subject.startswith("Moved:"))
        ).all()
        assert len(moved) == 4


def test_a_move_onto_a_taken_time_leaves_that_visit_and_reports_it(clinic, standing):
    with clinic.app_context():
        fifth_thursday = FIRST + timedelta(weeks=4, days=1, hours=3)  # Thu 03-25 14:00 PDT
        other = replace(first_visit(fifth_thursday), deposit=0)
        other = replace(other, client=replace(other.client, name="Someone Else"))
        hold(other, get_clinic(), NOW)
        third = series_visits(standing)[2]
        result = move_from(third, 3, time(14, 0), DESK, NOW, get_clinic())
        assert [(c.appointment.series_position, c.reason) for c in result.conflicts] == [
            (5, "the therapist is booked then")
        ]
        assert [r[1] for r in readings(standing)][2:] == [
            "Thu 03-11 14:00 PST",
            "Thu 03-18 14:00 PDT",
            "Wed 03-24 10:00 PDT",  # left where it was
            "Thu 04-01 14:00 PDT",
        ]


def test_cancelling_from_the_fourth_visit_leaves_the_first_three(clinic, standing):
    with clinic.app_context():
        fourth = series_visits(standing)[3]
        cancelled = cancel_from(fourth, DESK, NOW, get_clinic(), get_gateway())
        assert [a.series_position for a in cancelled] == [4, 5, 6]
        assert [status for _, _, status in readings(standing)] == ["confirmed"] * 3 + [
            "cancelled"
        ] * 3
        assert series_visits(standing)[0].series.cancelled_from.isoformat() == "2027-03-17"


def test_an_appointment_outside_a_series_cannot_be_changed_as_one(clinic):
    with clinic.app_context():
        single = hold(replace(first_visit(), deposit=0), get_clinic(), NOW)
        with pytest.raises(NotAllowed):
            cancel_from(single, DESK, NOW, get_clinic(), get_gateway())
        with pytest.raises(NotAllowed):
            move_from(single, 2, time(9, 0), DESK, NOW, get_clinic())
