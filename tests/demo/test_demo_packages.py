"""The demo clinic sells a package of five 60-minute sessions: loaded from
content/packages.toml once (a second load creates none), listed at /packages/ with its
saving, and linked from the services page and every page's footer."""

from __future__ import annotations

import sqlalchemy as sa

from clinicsite.demo.content import read_content
from clinicsite.extensions import db
from clinicsite.models import Package
from tests.support.booking_helpers import load_clinic_content, text_of


def test_the_demo_sells_five_60_minute_sessions_and_a_new_visitor_finds_them(app):
    content = read_content()
    assert [p["slug"] for p in content.packages] == ["five-60-minute-sessions"]
    load_clinic_content(app, content)
    load_clinic_content(app, content)  # as `flask seed-demo` run twice: nothing new
    with app.app_context():
        # The one on sale (a membership's monthly sessions ride on a package never on sale).
        [package] = db.session.scalars(sa.select(Package).where(Package.active.is_(True))).all()
        assert (package.sessions, package.option.duration_minutes) == (5, 60)
        assert package.price < package.sessions * package.option.price  # a real saving
    browser = app.test_client()
    services = browser.get("/services/").get_data(as_text=True)
    assert 'href="/packages/"' in services
    page = text_of(browser.get("/packages/").get_data(as_text=True))
    assert "Five 60-minute sessions" in page and "You save $70" in page
    assert browser.get("/packages/five-60-minute-sessions/buy").status_code == 200
