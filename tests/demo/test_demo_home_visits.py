"""The demo clinic makes home visits in the South Bay, so a new user meets them: the six
South Bay cities take them, two therapists have home-visit hours, and the demo week has
visits at clients' addresses that leave the travel time between them."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlencode

import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import Appointment, Service, ServiceArea, ServiceOption
from clinicsite.scheduling.travel_times import place_of, times
from tests.support.booking_helpers import text_of

NOW = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)  # Monday 08:00 in Los Angeles


def test_the_demo_takes_home_visits_in_the_south_bay(app, runner, monkeypatch):
    monkeypatch.setattr("clinicsite.clock.now", lambda: NOW)
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        home = db.session.scalars(sa.select(ServiceArea).filter_by(home_visits=True)).all()
        assert {a.region.slug for a in home} == {"south-bay"} and len(home) == 6
        visits = db.session.scalars(
            sa.select(Appointment).where(Appointment.visit_area_id.is_not(None))
        ).all()
        assert len(visits) == 3 and all(v.visit_address and v.outcall_surcharge for v in visits)
        lena = sorted(
            (v for v in visits if v.therapist.slug == "lena-marchetti"), key=lambda v: v.starts_at
        )
        with app.test_request_context():
            gap = lena[1].starts_at - lena[0].blocks_until
            assert gap >= times().between(place_of(lena[0]), place_of(lena[1]))
        option = db.session.scalar(
            sa.select(ServiceOption.id)
            .join(Service)
            .where(Service.slug == "neuromuscular-therapy", ServiceOption.duration_minutes == 60)
        )
    query = {"service": "neuromuscular-therapy", "option": option, "visit": "home"}
    # The extras step comes first and carries the address's postal code on.
    extras = app.test_client().get("/book/?" + urlencode({**query, "postal": "90277"}))
    assert 'name="postal" value="90277"' in extras.get_data(as_text=True)
    assert "Extras are paid at the visit" in text_of(extras.get_data(as_text=True))
    response = app.test_client().get(
        "/book/?" + urlencode({**query, "postal": "90277", "extras": "1"})
    )
    words = text_of(response.get_data(as_text=True))
    assert "At your address in Redondo Beach" in words
    assert "Lena Marchetti" in words and "Theo Nakamura" in words and "Dana Okafor" not in words
