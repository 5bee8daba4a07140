"""find_slots keeps home visits and studio visits apart: home-visit hours (a mobile
location's) are offered only for a visit at the client's address, and studio hours only for
a visit at a studio, whether or not the caller names the location."""

from __future__ import annotations

from datetime import timedelta

import pytest

from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.models import ServiceOption, Therapist
from clinicsite.scheduling.slots import find_slots
from tests.scheduling.home_visit_clinic import DAY, NOW, HomeVisitClinic, home_visit_clinic


@pytest.fixture
def setup(app) -> HomeVisitClinic:
    return home_visit_clinic(app, therapists=1)


def offered(setup: HomeVisitClinic, **where) -> list:
    option = db.session.get(ServiceOption, setup.option_ids[0])
    therapist = db.session.get(Therapist, setup.therapist_ids[0])
    return find_slots(option, [therapist], [DAY], get_clinic(), NOW, **where)


def test_a_studio_visit_is_offered_only_in_studio_hours(app, setup):
    with app.app_context():
        slots = offered(setup)
        assert slots and {s.location_id for s in slots} == {setup.studio_id}
        assert slots == offered(setup, location_id=setup.studio_id)
        assert offered(setup, location_id=setup.mobile_id) == []


def test_a_home_visit_is_offered_only_in_home_visit_hours(app, setup):
    with app.app_context():
        home = setup.area(0)
        slots = offered(setup, place=home)
        assert slots and {s.location_id for s in slots} == {setup.mobile_id}
        assert slots == offered(setup, place=home, location_id=setup.mobile_id)
        assert offered(setup, place=home, location_id=setup.studio_id) == []
        # Setting out from Torrance, 20 minutes from Redondo Beach: the first is 08:30.
        tz = get_clinic().tz
        assert slots[0].start.astimezone(tz).time().isoformat("minutes") == "08:30"
        assert slots[-1].end - slots[0].start < timedelta(hours=6)
