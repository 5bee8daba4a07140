"""A clinic that visits clients at home, for the travel tests: four South Bay and Westside
areas taking home visits (with coordinates, so unset travel times get their defaults), a
studio in Redondo Beach, and therapists with home-visit hours (and, for the first, studio
hours after them). Some travel times are set by hand, the rest are defaults."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask import Flask

from clinicsite.extensions import db
from clinicsite.models import TravelTime
from clinicsite.scheduling.travel import area_place, pair, studio_place
from tests.support.factories import (
    make_area,
    make_clinic,
    make_location,
    make_region,
    make_service,
    make_therapist,
)

NOW = datetime(2026, 12, 7, 16, 0, tzinfo=UTC)  # Monday 08:00 in Los Angeles
DAY = date(2026, 12, 9)  # a Wednesday, the day of every visit
AREAS = (  # name, latitude, longitude
    ("Redondo Beach", 33.8492, -118.3884),
    ("Santa Monica", 34.0195, -118.4912),
    ("Hermosa Beach", 33.8622, -118.3995),
    ("Torrance", 33.8358, -118.3406),
)
MOBILE_HOURS = ("08:00", "14:00")  # the first therapist's; the others' run to 18:00
STUDIO_HOURS = ("14:00", "18:00")  # the first therapist's only
BUFFER_MINUTES = 15


def hours_of(therapist: int, home: bool) -> tuple[str, str] | None:
    """The `therapist`-th therapist's hours for a home or a studio visit (None: no hours)."""
    if home:
        return MOBILE_HOURS if therapist == 0 else (MOBILE_HOURS[0], "18:00")
    return STUDIO_HOURS if therapist == 0 else None


@dataclass(frozen=True)
class HomeVisitClinic:
    option_ids: tuple[int, ...]  # 60 and 90 minutes, no deposit
    studio_id: int
    mobile_id: int
    area_ids: tuple[int, ...]  # in the order of AREAS
    therapist_ids: tuple[int, ...]

    def area(self, index: int) -> str:
        return area_place(self.area_ids[index])

    @property
    def studio(self) -> str:
        return studio_place(self.studio_id)

    def set_minutes(self) -> dict[tuple[str, str], int]:
        """The travel times set by hand: Redondo Beach to Santa Monica 40 minutes (less than
        the default), Hermosa Beach to Torrance 25 (more), two addresses in Hermosa Beach 5,
        and the studio to Santa Monica 50."""
        return {
            pair(self.area(0), self.area(1)): 40,
            pair(self.area(2), self.area(3)): 25,
            pair(self.area(2), self.area(2)): 5,
            pair(self.studio, self.area(1)): 50,
        }


def home_visit_clinic(app: Flask, therapists: int = 2) -> HomeVisitClinic:
    """The first therapist sets out from Torrance; the others have no home base."""
    with app.app_context():
        make_clinic(min_notice_hours=0, slot_step_minutes=15)
        service = make_service(
            "Home massage",
            options=((60, 12000, 0), (90, 16000, 0)),
            buffer_minutes=BUFFER_MINUTES,
            visit_modes="both",
            needs_room=False,
        )
        region = make_region(name="South Bay")
        areas = [
            make_area(
                region,
                services=[service],
                name=name,
                latitude=lat,
                longitude=lon,
                home_visits=True,
                outcall_surcharge=2000,
            )
            for name, lat, lon in AREAS
        ]
        studio = make_location(areas[0], name="Pier Studio")
        mobile = make_location(name="Home visits", kind="mobile")
        people = []
        for i in range(therapists):
            hours = [(mobile, d, *hours_of(i, True)) for d in range(7)]
            if hours_of(i, False) is not None:
                hours += [(studio, d, *hours_of(i, False)) for d in range(7)]
            people.append(
                make_therapist(
                    services=[service],
                    hours=hours,
                    name=f"Therapist {i + 1}",
                    home_base=area_place(areas[3].id) if i == 0 else "",
                )
            )
        db.session.flush()
        made = HomeVisitClinic(
            tuple(o.id for o in service.options),
            studio.id,
            mobile.id,
            tuple(a.id for a in areas),
            tuple(t.id for t in people),
        )
        db.session.add_all(
            TravelTime(place_a=a, place_b=b, minutes=m) for (a, b), m in made.set_minutes().items()
        )
        db.session.commit()
        return made
