"""Travel in the pure availability core: a visit at one place leaves the travel time to
and from the therapist's commitments at other places, and the first visit of a stretch of
home-visit hours leaves the travel from the home base. Between two studios, and next to a
commitment that says nowhere, nothing is added."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from clinicsite.scheduling.availability import Interval, Rules, WeeklyHours, free_slots
from clinicsite.scheduling.travel import Place, TravelTimes

LA = ZoneInfo("America/Los_Angeles")
PAST = datetime(2025, 1, 1, tzinfo=UTC)
DAY = date(2026, 12, 9)  # a Wednesday
STUDIO, OTHER_STUDIO, MOBILE = 1, 2, 9
A, B, C = "area:1", "area:2", "area:3"

TRAVEL = TravelTimes(
    {
        A: Place(A, "Redondo Beach", 33.8492, -118.3884),
        B: Place(B, "Santa Monica", 34.0195, -118.4912),
        C: Place(C, "Torrance", 33.8358, -118.3406),
        "studio:1": Place("studio:1", "Pier Studio", 33.8492, -118.3884),
    },
    {(A, B): 40, (C, B): 25, (A, "studio:1"): 20},
)


def at(clock: str) -> datetime:
    return datetime.combine(DAY, time.fromisoformat(clock), tzinfo=LA).astimezone(UTC)


def starts(
    *,
    busy=(),
    place=None,
    location=MOBILE,
    step=5,
    travel=TRAVEL,
    setting_out=None,
    hours=("08:00", "13:00"),
) -> list[str]:
    """Local starts of a 60-minute visit (no buffer) on DAY, in `location`'s hours."""
    m = timedelta(minutes=1)
    weekly = [
        WeeklyHours(DAY.weekday(), time.fromisoformat(hours[0]), time.fromisoformat(hours[1]), loc)
        for loc in (STUDIO, OTHER_STUDIO, MOBILE)
    ]
    slots = free_slots(
        days=[DAY],
        weekly=weekly,
        busy=busy,
        rules=Rules(60 * m, 0 * m, step * m, 0 * m, timedelta(days=1000), LA),
        now=PAST,
        location_id=location,
        travel=travel,
        place=place,
        setting_out=setting_out or {},
    )
    return [s.start.astimezone(LA).strftime("%H:%M") for s in slots]


HOME_VISIT_IN_A = Interval(at("10:00"), at("11:00"), A)


def test_travel_times_take_the_set_minutes_and_defaults_from_coordinates():
    assert TRAVEL.minutes(B, A) == 40
    assert TRAVEL.minutes(A, A) == 15  # two addresses in one area
    assert TRAVEL.minutes(A, C) == 20  # about 4.5 km: 11 minutes driving, 5 parking, rounded up
    assert TRAVEL.minutes("studio:1", "studio:2") == 0
    assert TRAVEL.minutes(None, A) == 0


def test_a_visit_in_another_area_leaves_the_travel_before_and_after():
    offered = starts(busy=[HOME_VISIT_IN_A], place=B)
    # Done by 09:20 to reach A at 10:00, and no earlier than 11:40 after leaving it.
    assert offered[offered.index("08:20") :][:3] == ["08:20", "11:40", "11:45"]
    assert offered[0] == "08:00"


def test_on_a_quarter_hour_grid_the_first_start_after_the_travel_is_the_next_quarter():
    offered = starts(busy=[HOME_VISIT_IN_A], place=B, step=15)
    assert offered[:4] == ["08:00", "08:15", "11:45", "12:00"]


def test_two_visits_in_one_area_leave_the_travel_between_two_addresses():
    offered = starts(busy=[HOME_VISIT_IN_A], place=A, step=15)
    assert offered[:6] == ["08:00", "08:15", "08:30", "08:45", "11:15", "11:30"]


def test_the_first_home_visit_leaves_the_travel_from_the_home_base():
    assert starts(place=B, setting_out={MOBILE: C})[:2] == ["08:25", "08:30"]
    assert starts(place=B, setting_out={MOBILE: B})[0] == "08:15"  # within the area
    # The home base counts only where the therapist sets out from it.
    assert starts(place=B, setting_out={STUDIO: C})[0] == "08:00"
    assert starts(location=STUDIO, setting_out={MOBILE: C})[0] == "08:00"


def test_a_studio_visit_next_to_a_home_visit_leaves_the_travel_to_the_studio():
    offered = starts(busy=[HOME_VISIT_IN_A], location=STUDIO)
    assert offered[offered.index("08:40") :][:2] == ["08:40", "11:20"]


def test_back_to_back_studio_visits_need_no_travel():
    busy = [Interval(at("10:00"), at("11:00"), "studio:1")]
    for location in (STUDIO, OTHER_STUDIO):
        offered = starts(busy=busy, location=location, step=15)
        assert "09:00" in offered and "11:00" in offered
        assert "09:15" not in offered and "10:45" not in offered


def test_a_commitment_that_says_nowhere_adds_no_travel():
    busy = [Interval(at("10:00"), at("11:00"))]  # e.g. an event of the therapist's own calendar
    offered = starts(busy=busy, place=B, step=15)
    assert "09:00" in offered and "11:00" in offered
    assert "09:15" not in offered and "10:45" not in offered


def test_without_travel_places_are_ignored():
    offered = starts(busy=[HOME_VISIT_IN_A], place=B, step=15, travel=None, setting_out={MOBILE: C})
    assert offered[0] == "08:00"
    assert "09:00" in offered and "11:00" in offered and "10:45" not in offered


def leaves_travel(begins: datetime, here: str, busy: Interval) -> bool:
    """Whether a 60-minute visit at `here` from `begins` is the travel away from `busy`."""
    ends = begins + timedelta(minutes=60)
    return ends + TRAVEL.between(
        here, busy.place
    ) <= busy.start or begins >= busy.end + TRAVEL.between(busy.place, here)


def test_nothing_closer_than_the_travel_is_ever_offered():
    """Between visits in every area and at the studio, each offered start leaves the travel."""
    places = [A, B, C, "studio:1"]
    for before in places:
        for after in places:
            busy = [
                Interval(at("09:00"), at("10:00"), before),
                Interval(at("12:30"), at("13:30"), after),
            ]
            for here in (A, B, C):
                offered = starts(busy=busy, place=here, hours=("06:00", "17:00"))
                assert offered, (before, after, here)
                for start in offered:
                    assert all(leaves_travel(at(start), here, b) for b in busy), (here, start)
