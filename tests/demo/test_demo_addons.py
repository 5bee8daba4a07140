"""The demo clinic offers add-ons on two services: loaded from content/services.toml once
(a second load creates none), and offered on /book/ after the length."""

from __future__ import annotations

import sqlalchemy as sa

from clinicsite.demo.content import read_content
from clinicsite.extensions import db
from clinicsite.models import AddOn, Service, ServiceOption
from tests.support.booking_helpers import load_clinic_content, text_of


def test_the_demo_loads_its_add_ons_once_and_booking_offers_them(app):
    content = read_content()
    specs = {s["slug"]: s.get("add_ons", []) for s in content.services}
    assert sum(len(a) for a in specs.values()) >= 4
    assert len([slug for slug, a in specs.items() if a]) == 2
    load_clinic_content(app, content)
    with app.app_context():
        rows = db.session.execute(
            sa.select(Service.slug, AddOn.name, AddOn.extra_minutes, AddOn.price).join(Service)
        ).all()
        expected = {
            (slug, a["name"], a["minutes"], a["price"])
            for slug, adds in specs.items()
            for a in adds
        }
    assert set(rows) == expected
    load_clinic_content(app, content)  # again, as `flask seed-demo` run twice: nothing new
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(AddOn.id))) == len(expected)
        option = db.session.scalar(
            sa.select(ServiceOption.id)
            .join(Service)
            .where(Service.slug == "neuromuscular-therapy", ServiceOption.duration_minutes == 60)
        )
    page = text_of(
        app.test_client()
        .get(f"/book/?service=neuromuscular-therapy&option={option}")
        .get_data(as_text=True)
    )
    assert "Add extras" in page
    for add_on in specs["neuromuscular-therapy"]:
        assert add_on["name"] in page
