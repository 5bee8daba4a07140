"""A client joins a monthly membership in Chromium and books with it: pays on the Stripe
stand-in's hosted page (another origin), the signed webhooks (the first invoice's before
the checkout's) start the membership, the email's link signs them in on /my/, and the
month's session pays for a booking, confirmed at once; then they cancel the membership."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shoot
from tests.browser.test_packages_browser import stripe_site  # noqa: F401 (a fixture)
from tests.support.mail_helpers import deliver, plain
from tests.support.membership_helpers import make_plan
from tests.support.my_helpers import LINK

pytestmark = pytest.mark.browser


def test_join_a_membership_then_book_with_its_session_then_cancel(stripe_site, page, tmp_path):  # noqa: F811
    url, app, standin = stripe_site
    make_plan(app, name="Monthly 60", price=9900)
    page.set_viewport_size({"width": 360, "height": 800})

    page.goto(url + "/memberships/")
    expect(page.locator("main")).to_contain_text("$99 a month")
    expect(page.locator("main")).to_contain_text("any you have not used lapse when it ends")
    shoot(page, "memberships-1-list-360")
    page.get_by_role("link", name="Join this membership").click()
    page.get_by_label("Full name").fill("Mo Member")
    page.get_by_label("Email").fill("mo@example.com")
    page.get_by_role("button", name="Join for $99 a month").click()

    page.wait_for_url(standin.checkout_origin + "/c/pay/**", timeout=10_000)
    expect(page.locator("main")).to_contain_text("99.00 USD a month")
    page.get_by_role("button", name=re.compile("^Pay")).click()
    page.wait_for_url(url + "/memberships/joined/**")
    expect(page.locator("h1")).to_have_text("Welcome, you are a member", timeout=25_000)
    shoot(page, "memberships-2-joined-360")

    standin.wait_idle()
    outcomes = [d.answer.get("outcome") for d in standin.deliveries]
    assert outcomes == ["month granted", "month already granted"]  # invoice first, once
    [mail] = [m for m in deliver(app, tmp_path) if "Welcome to Monthly 60" in m["Subject"]]
    page.goto(url + LINK.search(plain(mail)).group(1))
    page.get_by_role("button", name="Sign in").click()
    panel = page.locator(".my-membership")
    expect(panel).to_contain_text("1 of 1 session left this month")
    expect(panel).to_contain_text("Renews on")
    shoot(page, "memberships-3-my-360")

    panel.get_by_role("link", name="Book a session").click()
    choices = page.locator(".choice-list")
    choices.get_by_role("link", name="Saltgrass Hermosa Beach Studio").click()
    choices.get_by_role("link", name="Any available therapist").click()
    page.locator(".day-list a").first.click()
    page.locator(".time-list a").first.click()
    offer = page.get_by_label("Use a session of your membership (1 left)")
    expect(offer).to_be_checked()
    page.get_by_label("Full name").fill("Mo Member")
    page.get_by_label("Email").fill("mo@example.com")
    page.get_by_label("Mobile phone").fill("310 555 0142")
    page.get_by_label("No", exact=True).check()
    page.get_by_label("I accept the cancellation policy").check()
    page.get_by_role("button", name="Book this time").click()
    expect(page.locator("h1")).to_have_text("You are booked")
    assert page.url.startswith(url + "/booking/")  # no checkout on the way
    shoot(page, "memberships-4-booked-360")

    page.goto(url + "/my/")
    panel = page.locator(".my-membership")
    expect(panel).to_contain_text("All this month's sessions used")
    panel.get_by_role("button", name="Cancel membership").click()
    expect(page.locator(".flash")).to_contain_text("Your membership is cancelled")
    expect(page.locator(".my-membership")).to_contain_text("Ends on")
    [sub] = standin.subscriptions.values()
    assert sub["cancel_at_period_end"] is True
    shoot(page, "memberships-5-cancelled-360")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.console_errors == []
