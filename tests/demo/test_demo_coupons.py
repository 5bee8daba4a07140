"""The demo clinic has a first-visit coupon, loaded once from content/coupons.toml and
described on the staff coupons page, where a new admin finds it."""

from __future__ import annotations

import sqlalchemy as sa

from clinicsite.demo.content import read_content
from clinicsite.extensions import db
from clinicsite.models import Coupon
from tests.support.booking_helpers import load_clinic_content, text_of


def test_the_demo_loads_its_first_visit_coupon_once(app, login_as, client):
    content = read_content()
    [spec] = content.coupons
    load_clinic_content(app, content)
    load_clinic_content(app, content)  # again, as `flask seed-demo` run twice: nothing new
    with app.app_context():
        [coupon] = db.session.scalars(sa.select(Coupon)).all()
        assert (coupon.code, coupon.kind, coupon.value, coupon.max_uses_per_client) == (
            spec["code"],
            "percent",
            15,
            1,
        )
    login_as("admin")
    page = text_of(client.get("/staff/coupons/").get_data(as_text=True))
    assert "FIRSTHOUR" in page and "15% off a first visit" in page
