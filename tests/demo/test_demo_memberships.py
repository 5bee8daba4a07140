"""The demo clinic offers a monthly membership: loaded from content/memberships.toml once (a
second load creates none), listed at /memberships/ and linked from every page's footer."""

from __future__ import annotations

import sqlalchemy as sa

from clinicsite.demo.content import read_content
from clinicsite.extensions import db
from clinicsite.models import MembershipPlan
from tests.support.booking_helpers import load_clinic_content, text_of


def test_the_demo_offers_a_monthly_membership_and_a_visitor_finds_it(app):
    content = read_content()
    assert [p["slug"] for p in content.memberships] == ["monthly-60"]
    load_clinic_content(app, content)
    load_clinic_content(app, content)  # as `flask seed-demo` run twice: nothing new
    with app.app_context():
        [plan] = db.session.scalars(sa.select(MembershipPlan)).all()
        assert (plan.sessions_per_month, plan.option.duration_minutes, plan.price) == (1, 60, 9900)
        assert plan.package.active is False  # its monthly sessions are not sold as a package
    browser = app.test_client()
    assert 'href="/memberships/"' in browser.get("/").get_data(as_text=True)
    page = text_of(browser.get("/memberships/").get_data(as_text=True))
    assert "Monthly 60" in page and "$99 a month" in page
    assert "Five 60-minute sessions" not in text_of(
        browser.get("/memberships/").get_data(as_text=True)
    )
    assert "Monthly 60" not in text_of(browser.get("/packages/").get_data(as_text=True))
    assert browser.get("/memberships/monthly-60/join").status_code == 200
