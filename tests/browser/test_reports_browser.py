"""The reports page in a real browser, on the demo clinic: the figures an owner reads off
the page are the counts made in SQL here, the chart is drawn, and the page fits a phone.
Screenshots at 1280 and 360 pixels."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from clinicsite.appointments.takings import day_bounds
from clinicsite.demo.content import read_content
from clinicsite.extensions import db
from clinicsite.models import Appointment
from tests.browser.conftest import shoot
from tests.support.booking_helpers import FrozenClock, load_clinic_content

pytestmark = pytest.mark.browser

LOADED = datetime(2026, 12, 10, 22, 0, tzinfo=UTC)  # a Thursday afternoon in Los Angeles
FIRST, LAST = "2026-11-01", "2026-12-31"
TZ = ZoneInfo("America/Los_Angeles")


@pytest.fixture
def clinic(app, monkeypatch):
    FrozenClock(LOADED).install(monkeypatch)
    load_clinic_content(app, read_content())
    return app


def in_sql(app, *where) -> int:
    from datetime import date

    with app.app_context():
        start = day_bounds(date.fromisoformat(FIRST), TZ)[0]
        end = day_bounds(date.fromisoformat(LAST), TZ)[1]
        return db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Appointment)
            .where(Appointment.starts_at >= start, Appointment.starts_at < end, *where)
        )


def figure(page, label: str) -> int:
    """The number beside a row heading of the page's tables."""
    row = page.locator("tr", has=page.locator("th", has_text=label)).first
    return int(row.locator("td").first.inner_text().strip())


def test_the_owner_reads_the_demo_s_figures_and_they_match_sql(live_server, page, clinic):
    page.goto(live_server + "/staff/login")
    page.get_by_label("Email").fill("owner@example.com")
    page.get_by_label("Password").fill("clinic-demo-2026")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("h1")).to_contain_text("Today")
    page.locator(".staff-nav").get_by_role("link", name="Reports").click()
    expect(page.locator("h1")).to_contain_text("Reports")
    page.get_by_role("textbox", name="From").fill(FIRST)
    page.get_by_role("textbox", name="To").fill(LAST)
    page.get_by_role("button", name="Show").click()
    expect(page.locator("svg")).to_be_visible()

    online = Appointment.source == "online"
    booked = Appointment.status.in_(("confirmed", "completed", "no_show", "cancelled"))
    assert figure(page, "Completed") == in_sql(clinic, Appointment.status == "completed") > 0
    assert figure(page, "No-show") == in_sql(clinic, Appointment.status == "no_show") > 0
    assert figure(page, "Cancelled") == in_sql(clinic, Appointment.status == "cancelled")
    area = Appointment.origin.like("area:%")
    assert figure(page, "Area pages") == in_sql(clinic, booked, online, area) > 0
    post = Appointment.origin.like("post:%")
    assert figure(page, "Blog posts") == in_sql(clinic, booked, online, post) > 0
    shoot(page, "reports-1280")

    page.set_viewport_size({"width": 360, "height": 800})
    page.reload()
    expect(page.locator("svg")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page is {width} px wide on a 360 px phone"
    shoot(page, "reports-360")
    assert page.console_errors == []
