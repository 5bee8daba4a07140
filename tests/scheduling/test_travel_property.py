"""No two visits of a therapist are closer than the travel time between their places,
whatever the order of bookings, moves and cancellations (issue 16).

Hypothesis draws sequences of operations against the real database and the real booking
functions, for two therapists with home-visit hours (the first also with studio hours after
them and a home base): home visits in four areas and studio visits (`hold`), each at a time
`find_slots` offers, at any time of the day, or a few minutes before or after a visit
already booked; moves (`reschedule`) chosen the same ways; cancellations. After each step,
every two blocking visits of each therapist leave the travel between their places. Each
booking or move is also checked against a model of the day: `find_slots` offers exactly the
grid times inside working hours that leave the travel (offered means holdable, and nothing
free is hidden), and the booking lock refuses exactly the times that would not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from itertools import combinations
from typing import NamedTuple

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinicsite import reference
from clinicsite.appointments.cancellation import cancel
from clinicsite.appointments.errors import SlotTaken
from clinicsite.appointments.holding import ClientDetails, HoldRequest, hold
from clinicsite.appointments.rescheduling import reschedule
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.models import Appointment, Location, ServiceArea, ServiceOption, Therapist
from clinicsite.scheduling.holds import blocking_condition
from clinicsite.scheduling.slots import find_slots
from clinicsite.scheduling.travel import TravelTimes, area_place, studio_place
from tests.scheduling.home_visit_clinic import (
    AREAS,
    BUFFER_MINUTES,
    DAY,
    NOW,
    HomeVisitClinic,
    home_visit_clinic,
    hours_of,
)

FIRST_PICK = time(8)  # ("any", i) is FIRST_PICK + 5 minutes * i
PICKS = 120  # to 17:55
THERAPISTS = 2
# When a booking or a move asks for its time: one find_slots offers, any time of the day,
# or a few minutes after or before a visit already booked (for any therapist), where the
# travel between the two decides.
OFFERED = st.tuples(st.just("offered"), st.integers(0, 200))
ANY = st.tuples(st.just("any"), st.integers(0, PICKS - 1))
NEAR = st.tuples(st.sampled_from(("after", "before")), st.integers(0, 9), st.integers(-2, 14))
WHEN = st.one_of(OFFERED, ANY, NEAR)


class Book(NamedTuple):
    home: bool
    area: int
    therapist: int
    option: int
    when: tuple


class Move(NamedTuple):
    which: int  # among the blocking visits of every therapist
    therapist: int  # to whom
    when: tuple


class Cancel(NamedTuple):
    which: int


def bookings(when):
    return st.builds(
        Book,
        st.booleans(),
        st.integers(0, len(AREAS) - 1),
        st.integers(0, THERAPISTS - 1),
        st.integers(0, 1),
        when,
    )


MOVE = st.builds(Move, st.integers(0, 9), st.integers(0, THERAPISTS - 1), WHEN)
CANCEL = st.builds(Cancel, st.integers(0, 9))
# Bookings three times as often as moves or cancellations, so that days fill up.
OPERATIONS = st.lists(
    st.one_of(bookings(OFFERED), bookings(ANY), bookings(NEAR), MOVE, CANCEL),
    min_size=4,
    max_size=16,
)
BUFFER = timedelta(minutes=BUFFER_MINUTES)


@dataclass(frozen=True)
class Visit:
    id: int | None
    therapist_id: int
    start: datetime
    until: datetime  # the end plus the buffer
    place: str


def visits(therapist_id: int | None = None) -> list[Visit]:
    """The blocking visits, by start; places worked out here, not by the code under test."""
    query = sa.select(Appointment).where(blocking_condition(NOW)).order_by(Appointment.starts_at)
    if therapist_id is not None:
        query = query.where(Appointment.therapist_id == therapist_id)
    return [
        Visit(
            a.id,
            a.therapist_id,
            a.starts_at,
            a.blocks_until,
            area_place(a.visit_area_id) if a.visit_area_id else studio_place(a.location_id),
        )
        for a in db.session.scalars(query)
    ]


def apart(a: Visit, b: Visit, travel: TravelTimes) -> bool:
    first, second = sorted((a, b), key=lambda v: v.start)
    return first.until + travel.between(first.place, second.place) <= second.start


def assert_apart(setup: HomeVisitClinic, travel: TravelTimes) -> None:
    """The invariant: every two blocking visits of a therapist leave the travel between."""
    for therapist_id in setup.therapist_ids:
        for a, b in combinations(visits(therapist_id), 2):
            assert apart(a, b, travel), (a, b, travel.minutes(a.place, b.place))


def pick_start(when: tuple, offered: list[datetime], length: timedelta) -> datetime | None:
    """The start `when` asks for a visit of `length`; None when there is none to take."""
    kind, n, *more = when
    if kind == "offered":
        return offered[n % len(offered)] if offered else None
    if kind == "any":
        return datetime.combine(DAY, FIRST_PICK, get_clinic().tz) + timedelta(minutes=5 * n)
    every = visits()
    if not every:
        return None
    near, gap = every[n % len(every)], timedelta(minutes=5 * more[0])
    return near.until + gap if kind == "after" else near.start - BUFFER - length - gap


@dataclass(frozen=True)
class Ask:
    """A visit asked for: with whom, where, how long, and that therapist's other visits."""

    therapist: Therapist
    home: bool
    place: str
    length: timedelta
    others: list[Visit]

    def fits(self, start: datetime) -> bool:
        """Whether a visit from `start` leaves the travel to and from every other visit."""
        travel = reference.current().travel
        visit = Visit(None, self.therapist.id, start, start + self.length + BUFFER, self.place)
        return all(apart(visit, other, travel) for other in self.others)


def free_starts(setup: HomeVisitClinic, ask: Ask) -> list[datetime]:
    """The starts on the slot grid within the therapist's hours there (home-visit hours open
    with the travel from the home base) that leave the travel to every other visit."""
    hours = hours_of(setup.therapist_ids.index(ask.therapist.id), ask.home)
    if hours is None:
        return []
    tz, step = get_clinic().tz, timedelta(minutes=15)
    opens, closes = (datetime.combine(DAY, time.fromisoformat(h), tz) for h in hours)
    lead = timedelta(0)
    if ask.home and ask.therapist.home_base:
        lead = reference.current().travel.between(ask.therapist.home_base, ask.place)
    grid = (opens + step * n for n in range(-(-lead // step), (closes - opens) // step + 1))
    return [s for s in grid if s + ask.length <= closes and ask.fits(s)]


def attempt(setup: HomeVisitClinic, ask: Ask, offered, start: datetime, act) -> None:
    """find_slots offered exactly the free starts, and `act` (a booking or a move to
    `start`) succeeds exactly when the visit leaves the travel to the therapist's others."""
    assert offered == free_starts(setup, ask), ask
    try:
        act()
        done = True
    except SlotTaken:
        done = False
    assert done == ask.fits(start), (start, ask)


def book(setup: HomeVisitClinic, op: Book) -> None:
    clinic = get_clinic()
    option = db.session.get(ServiceOption, setup.option_ids[op.option])
    therapist = db.session.get(Therapist, setup.therapist_ids[op.therapist])
    area = db.session.get(ServiceArea, setup.area_ids[op.area]) if op.home else None
    location = db.session.get(Location, setup.mobile_id if op.home else setup.studio_id)
    place = area_place(area.id) if area else studio_place(location.id)
    offered = [
        s.start
        for s in find_slots(
            option,
            [therapist],
            [DAY],
            clinic,
            NOW,
            location_id=location.id,
            place=place if area else None,
        )
    ]
    length = timedelta(minutes=option.duration_minutes)
    start = pick_start(op.when, offered, length)
    if start is None:
        return
    request = HoldRequest(
        option,
        therapist,
        location,
        start,
        ClientDetails(name="Ana Client", email="ana@example.com"),
        visit_area=area,
        visit_address="12 Ocean Avenue" if area else "",
        visit_postal_code="90000" if area else "",
    )
    ask = Ask(therapist, op.home, place, length, visits(therapist.id))
    attempt(setup, ask, offered, start, lambda: hold(request, clinic, NOW))


def move(setup: HomeVisitClinic, op: Move) -> None:
    every = visits()
    if not every:
        return
    visit = every[op.which % len(every)]
    clinic = get_clinic()
    appointment = db.session.get(Appointment, visit.id)
    therapist = db.session.get(Therapist, setup.therapist_ids[op.therapist])
    location, home = appointment.location, appointment.at_home
    offered = [
        s.start
        for s in find_slots(
            appointment.option,
            [therapist],
            [DAY],
            clinic,
            NOW,
            location_id=location.id,
            exclude_appointment_id=appointment.id,
            place=visit.place if home else None,
        )
    ]
    length = appointment.ends_at - appointment.starts_at
    start = pick_start(op.when, offered, length)
    if start is None:
        return
    others = [v for v in visits(therapist.id) if v.id != visit.id]
    ask = Ask(therapist, home, visit.place, length, others)
    attempt(
        setup,
        ask,
        offered,
        start,
        lambda: reschedule(
            appointment, start, therapist, location, clinic, NOW, enforce_policy=False
        ),
    )
    moved = db.session.get(Appointment, visit.id)
    assert (moved.visit_area_id is not None) == home  # a move keeps where the visit is


def cancel_one(setup: HomeVisitClinic, op: Cancel) -> None:
    every = visits()
    if not every:
        return
    visit = every[op.which % len(every)]
    # No deposits in this clinic: the payment gateway is never called.
    cancel(db.session.get(Appointment, visit.id), get_clinic(), None, NOW)
    assert visit.id not in {v.id for v in visits()}


STEPS = {Book: book, Move: move, Cancel: cancel_one}


@pytest.fixture
def setup(app) -> HomeVisitClinic:
    return home_visit_clinic(app, therapists=THERAPISTS)


def test_the_times_set_by_hand_win_and_the_rest_come_from_coordinates(app, setup):
    with app.app_context():
        travel = reference.current().travel
        for (a, b), minutes in setup.set_minutes().items():
            assert travel.minutes(a, b) == travel.minutes(b, a) == minutes
        assert travel.minutes(setup.area(0), setup.area(2)) == 15  # 1.7 km apart
        assert travel.minutes(setup.area(1), setup.area(3)) == 65  # 23 km apart
        assert travel.minutes(setup.area(0), setup.area(0)) == 15  # two addresses in one area
        assert travel.minutes(setup.studio, setup.area(0)) == 15  # the studio is in it


def test_no_two_visits_of_a_therapist_are_closer_than_the_travel_between_them(app, setup):
    @settings(
        max_examples=40,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(OPERATIONS)
    def run(operations):
        with app.app_context():  # a fresh day for each sequence
            db.session.execute(sa.update(Appointment).values(status="cancelled"))
            db.session.commit()
        for op in operations:
            with app.app_context():  # one request each, as the site makes them
                STEPS[type(op)](setup, op)
                db.session.rollback()
                assert_apart(setup, reference.current().travel)

    run()
