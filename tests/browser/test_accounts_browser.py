"""The owner invites a new therapist in a real browser; the therapist opens the emailed
link, chooses a password and logs in to see their own calendar."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from clinicsite.extensions import db
from clinicsite.models import Therapist
from tests.browser.conftest import shoot
from tests.support.booking_helpers import outbox

pytestmark = pytest.mark.browser


def test_the_owner_invites_a_therapist_who_sets_a_password_and_logs_in(live_server, page, clinic):
    with clinic.app_context():
        db.session.add(Therapist(slug="nell-tide", name="Nell Tide"))
        db.session.commit()

    page.goto(live_server + "/staff/login")
    page.get_by_label("Email").fill("owner@example.com")
    page.get_by_label("Password").fill("clinic-demo-2026")
    page.get_by_role("button", name="Log in").click()
    page.locator(".staff-nav").get_by_role("link", name="Accounts").click()
    expect(page.locator("h1")).to_have_text("Accounts")

    page.get_by_label("Name").fill("Nell Tide")
    page.get_by_label("Email").fill("nell@example.com")
    page.get_by_label("Role").select_option("therapist")
    page.get_by_label("Therapist profile").select_option(label="Nell Tide")
    shoot(page, "accounts-1-invite")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("Nell Tide is invited")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Nell Tide"))).to_contain_text(
        "Invited, no password yet"
    )
    shoot(page, "accounts-2-list")
    page.get_by_role("button", name="Log out").click()

    [email] = [e for e in outbox(clinic) if e["to"] == "nell@example.com"]
    link = re.search(r"https?://\S+/staff/set-password/\S+", email["text"]).group(0)
    page.goto(live_server + urlsplit(link).path)
    expect(page.locator("h1")).to_have_text("Welcome, Nell Tide")
    page.get_by_label("New password").fill("tide pools at dawn")
    page.get_by_label("The same password again").fill("tide pools at dawn")
    shoot(page, "accounts-3-set-password")
    page.get_by_role("button", name="Save my password").click()
    expect(page.get_by_text("Your password is set")).to_be_visible()

    page.get_by_label("Email").fill("nell@example.com")
    page.get_by_label("Password").fill("tide pools at dawn")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("h1")).to_contain_text("Today")
    nav = page.locator(".staff-nav")
    expect(nav.get_by_role("link", name="Calendar", exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="Accounts")).to_have_count(0)
    assert page.console_errors == []
