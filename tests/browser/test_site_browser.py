"""The marketing site in a real browser: layout at phone and desktop widths, no script or
CSP errors, and the contact form from typing to the thank-you message."""

from __future__ import annotations

import re

import pytest

from clinicsite.extensions import db
from clinicsite.models import Inquiry
from tests.browser.conftest import shoot

pytestmark = pytest.mark.browser

PAGES = {
    "home": "/",
    "services": "/services/",
    "service": "/services/neuromuscular-therapy",
    "areas": "/areas/",
    "area": "/areas/hermosa-beach",
    "area-service": "/areas/venice/neuromuscular-therapy",
    "therapist": "/therapists/dana-okafor",
    "contact": "/contact",
    "book": "/book/",
    "not-found": "/no-such-page",
}


@pytest.mark.parametrize("width", [360, 1280])
def test_pages_fit_the_screen_without_errors(live_server, page, width):
    page.set_viewport_size({"width": width, "height": 800})
    for name, path in PAGES.items():
        page.goto(live_server + path)
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= width, f"{path} scrolls sideways at {width}px ({overflow}px wide)"
        assert page.locator("h1").count() == 1, path
        # The stylesheet loaded (CSP allows it): the header is not unstyled.
        assert page.evaluate(
            "getComputedStyle(document.querySelector('.site-header')).position"
        ) in ("sticky", "relative", "static")
        shoot(page, f"{name}-{width}")
    unexpected = [e for e in page.console_errors if "404" not in e]
    assert unexpected == []


def test_keyboard_users_can_skip_to_the_content(live_server, page):
    page.goto(live_server + "/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    box = skip.bounding_box()
    assert box and box["y"] >= 0  # shown on screen when focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_contact_form_from_mistake_to_thank_you(live_server, page, demo):
    page.goto(live_server + "/contact?service=prenatal-massage")
    page.get_by_label("Your name").fill("Rosa Lind")
    page.get_by_label("Email").fill("rosa-at-example")
    page.get_by_label("Message").fill("Is the side-lying position possible at 30 weeks?")
    page.get_by_role("button", name="Send message").click()
    # The mistake is explained and nothing typed is lost.
    assert page.get_by_text("That email address does not look right").is_visible()
    assert page.get_by_label("Your name").input_value() == "Rosa Lind"
    assert page.get_by_label("Message").input_value().startswith("Is the side-lying")
    assert page.get_by_label("What is it about?").input_value() == "prenatal-massage"
    shoot(page, "contact-error-360" if page.viewport_size["width"] == 360 else "contact-error")
    page.get_by_label("Email").fill("rosa@example.com")
    page.get_by_role("button", name="Send message").click()
    assert page.get_by_text("your message has reached us").is_visible()
    assert re.search(r"/contact$", page.url)
    with demo.app_context():
        [inquiry] = db.session.scalars(db.select(Inquiry)).all()
        assert inquiry.email == "rosa@example.com"
        assert inquiry.service.slug == "prenatal-massage"
