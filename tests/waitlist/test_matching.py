"""Which waiting clients a freed time suits: therapist (any or one), studio, days, weekdays
and hours, in the order they joined."""

from __future__ import annotations

from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from clinicsite.extensions import db
from clinicsite.models import Therapist, WaitlistEntry
from clinicsite.waitlist import matching
from clinicsite.waitlist.offers import after_freed
from tests.support.staff_helpers import therapist_id
from tests.support.waitlist_helpers import NOW, WEDNESDAY, join, local, offers_of

LA = ZoneInfo("America/Los_Angeles")
DANA, THEO = 1, 2
STUDIO = 7
WEDNESDAY_BIT = 1 << 2


def entry(**fields) -> WaitlistEntry:
    values = dict(
        therapist_id=None,
        location_id=None,
        date_from=WEDNESDAY,
        date_to=WEDNESDAY,
        earliest=time(9),
        latest=time(12),
        weekdays=0b1111111,
    )
    values.update(fields)
    return WaitlistEntry(**values)


@pytest.mark.parametrize(
    ("fields", "therapist", "start", "suits"),
    [
        ({}, DANA, local(WEDNESDAY, 10), True),
        ({}, THEO, local(WEDNESDAY, 10), True),  # any therapist
        ({"therapist_id": DANA}, DANA, local(WEDNESDAY, 10), True),
        ({"therapist_id": DANA}, THEO, local(WEDNESDAY, 10), False),
        ({"location_id": STUDIO + 1}, DANA, local(WEDNESDAY, 10), False),
        ({}, DANA, local(WEDNESDAY, 9), True),  # the earliest start itself
        ({}, DANA, local(WEDNESDAY, 12), True),  # the latest start itself
        ({}, DANA, local(WEDNESDAY, 8, 45), False),
        ({}, DANA, local(WEDNESDAY, 12, 15), False),
        ({}, DANA, local(WEDNESDAY + timedelta(days=1), 10), False),  # after the window
        ({}, DANA, local(WEDNESDAY - timedelta(days=1), 10), False),  # before it
        (
            {"date_to": WEDNESDAY + timedelta(days=7), "weekdays": WEDNESDAY_BIT},
            DANA,
            local(WEDNESDAY + timedelta(days=7), 10),
            True,
        ),
        (
            {"date_to": WEDNESDAY + timedelta(days=7), "weekdays": WEDNESDAY_BIT},
            DANA,
            local(WEDNESDAY + timedelta(days=1), 10),
            False,
        ),  # a Thursday
    ],
)
def test_a_start_suits_an_entry_by_therapist_studio_day_weekday_and_hour(
    fields, therapist, start, suits
):
    assert matching.suits(entry(**fields), therapist, STUDIO, start, LA) is suits


def test_local_time_decides_not_utc():
    # 17:00 in Los Angeles is 01:00 the next day in UTC: still Wednesday evening here.
    evening = entry(earliest=time(16), latest=time(18))
    assert matching.suits(evening, DANA, STUDIO, local(WEDNESDAY, 17), LA)


def test_candidates_are_in_join_order_and_respect_the_therapist(clinic):
    first = join(clinic, "first@example.com", therapist=None)
    second = join(clinic, "second@example.com", therapist="dana-okafor", now=NOW + timedelta(1))
    join(clinic, "other@example.com", therapist="lena-marchetti", now=NOW + timedelta(2))
    join(clinic, "later@example.com", first=date(2026, 12, 20), last=date(2026, 12, 21))
    with clinic.app_context():
        dana = db.session.get(Therapist, therapist_id(clinic, "dana-okafor"))
        found = matching.candidates(dana, [WEDNESDAY])
        assert [e.id for e in found] == [first, second]


def test_a_freed_time_goes_to_the_entries_it_suits_only(clinic):
    mornings = join(clinic, "morning@example.com", earliest=time(9), latest=time(11))
    afternoons = join(clinic, "afternoon@example.com", earliest=time(13), latest=time(15))
    theo_only = join(clinic, "theo@example.com", therapist="theo-nakamura")
    not_wednesdays = join(clinic, "weekend@example.com", weekdays=0b1100000)
    with clinic.test_request_context():
        made = after_freed(
            therapist_id(clinic, "dana-okafor"), local(WEDNESDAY, 10), local(WEDNESDAY, 11), NOW
        )
        db.session.commit()
    assert len(made) == 1
    assert offers_of(clinic, mornings) == [("offered", local(WEDNESDAY, 10))]
    for nobody in (afternoons, theo_only, not_wednesdays):
        assert offers_of(clinic, nobody) == []


def test_a_time_that_is_not_free_is_not_offered(clinic):
    from tests.support.staff_helpers import make_appointment

    waiting = join(clinic)
    make_appointment(clinic, local(WEDNESDAY, 10), "dana-okafor")  # still booked
    with clinic.test_request_context():
        after_freed(
            therapist_id(clinic, "dana-okafor"), local(WEDNESDAY, 10), local(WEDNESDAY, 10, 30), NOW
        )
        db.session.commit()
    assert offers_of(clinic, waiting) == []
