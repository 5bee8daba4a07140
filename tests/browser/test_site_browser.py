"""The marketing site in a real browser: layout at phone and desktop widths, no script or
CSP errors, and the contact form from typing to the thank-you message."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from clinicsite.extensions import db
from clinicsite.models import Comment, Inquiry, Post
from tests.browser.conftest import SCREENSHOTS, shoot

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


def test_contact_form_from_mistake_to_thank_you(live_server, page, clinic):
    page.goto(live_server + "/contact?service=prenatal-massage")
    page.get_by_label("Your name").fill("Rosa Lind")
    page.get_by_label("Email").fill("rosa-at-example")
    page.get_by_label("Message").fill("Is the side-lying position possible at 30 weeks?")
    page.get_by_role("button", name="Send message").click()
    # The mistake is explained and nothing typed is lost.
    expect(page.get_by_text("That email address does not look right")).to_be_visible()
    assert page.get_by_label("Your name").input_value() == "Rosa Lind"
    assert page.get_by_label("Message").input_value().startswith("Is the side-lying")
    assert page.get_by_label("What is it about?").input_value() == "prenatal-massage"
    shoot(page, "contact-error-360" if page.viewport_size["width"] == 360 else "contact-error")
    page.get_by_label("Email").fill("rosa@example.com")
    page.get_by_role("button", name="Send message").click()
    expect(page.get_by_text("your message has reached us")).to_be_visible()
    assert re.search(r"/contact$", page.url)
    with clinic.app_context():
        [inquiry] = db.session.scalars(db.select(Inquiry)).all()
        assert inquiry.email == "rosa@example.com"
        assert inquiry.service.slug == "prenatal-massage"


# --- a phone's first screen ------------------------------------------------------------

PHONE = {"width": 360, "height": 740}


def shoot_screen(page, name: str) -> None:
    """What the visitor sees without scrolling."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


BOOKING_PAGES = {
    "home": "/",
    "service": "/services/neuromuscular-therapy",
    "area": "/areas/hermosa-beach",
    "area-service": "/areas/venice/neuromuscular-therapy",
    "therapist": "/therapists/dana-okafor",
}


def test_each_page_offers_its_booking_on_a_phones_first_screen(live_server, page):
    page.set_viewport_size(PHONE)
    for name, path in BOOKING_PAGES.items():
        page.goto(live_server + path)
        # The page's own Book link, not the header's: the first one in the content shown.
        book = page.locator("main a[href^='/book/']").filter(visible=True).first
        box = book.bounding_box()
        assert box, f"{path} has no visible Book link"
        assert box["y"] + box["height"] <= PHONE["height"], f"{path}: Book is at {box['y']}px"
        shoot_screen(page, f"first-screen-{name}-360")
    # On a service page the lengths and prices come with it.
    page.goto(live_server + "/areas/venice/neuromuscular-therapy")
    prices = page.locator("main .quick-book-prices")
    assert prices.is_visible() and "$" in prices.inner_text()


def header_row(page) -> dict:
    return page.evaluate(
        """() => {
          const box = (el) => el.getBoundingClientRect();
          const header = document.querySelector('.site-header');
          const parts = ['.brand', '.nav-book', '.nav-menu > summary', '.nav-links']
            .map((s) => document.querySelector(s))
            .filter((el) => el && el.offsetParent !== null)
            .map(box);
          return {
            height: box(header).height,
            tops: parts.map((b) => b.top), bottoms: parts.map((b) => b.bottom),
            scrollWidth: document.documentElement.scrollWidth,
          };
        }"""
    )


@pytest.mark.parametrize("width", [320, 360, 768, 1280])
def test_the_header_is_one_row_at_any_width(live_server, page, width):
    page.set_viewport_size({"width": width, "height": 740})
    for path in ("/", "/areas/venice/neuromuscular-therapy", "/blog/"):
        page.goto(live_server + path)
        row = header_row(page)
        # Every part of the header shares one row: each starts above where every other ends.
        assert max(row["tops"]) < min(row["bottoms"]), f"{path} at {width}px: {row}"
        assert row["height"] <= 72, f"{path} at {width}px: header {row['height']}px tall"
        assert row["scrollWidth"] <= width, f"{path} scrolls sideways at {width}px"


def test_the_phone_menu_opens_and_is_used_by_keyboard(live_server, page):
    page.set_viewport_size(PHONE)
    page.goto(live_server + "/")
    menu = page.locator(".nav-menu > summary")
    areas = page.get_by_role("navigation", name="Main").get_by_role("link", name="Areas")
    assert menu.is_visible() and areas.count() == 0  # closed: out of sight and of the tree
    expect(page.get_by_role("link", name="Book", exact=True)).to_be_visible()
    menu.focus()
    assert page.evaluate("document.activeElement.textContent.trim()") == "Menu"
    page.keyboard.press("Enter")
    assert areas.count() == 1 and areas.is_visible()
    shoot_screen(page, "header-menu-open-360")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Areas"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/areas/$"))
    expect(page.locator("h1")).to_have_text("Areas we serve")
    # The menu still names the current page.
    page.locator(".nav-menu > summary").click()
    assert areas.get_attribute("aria-current") == "page"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_comment_sender_sees_the_thanks_where_the_page_lands(
    live_server, page, clinic, monkeypatch
):
    monkeypatch.setattr("clinicsite.blog.forms.MIN_FILL_TIME", timedelta(0))
    pending = db.select(db.func.count()).select_from(Comment).where(Comment.status == "pending")
    with clinic.app_context():
        slug = db.session.scalars(db.select(Post.slug).order_by(Post.id)).first()
        pending_before = db.session.scalar(pending)
    for width, height in ((360, 740), (1280, 900)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{live_server}/blog/{slug}")
        page.get_by_label("Your name").fill("Cora Lind")
        page.get_by_label("Email", exact=True).fill("cora@example.com")
        page.get_by_role("textbox", name="Comment").fill(f"Helpful, thank you ({width}).")
        page.get_by_role("button", name="Send comment").click()
        page.wait_for_url(re.compile(r"#comment-status$"))
        status = page.get_by_role("status").filter(has_text="awaiting moderation")
        assert status.count() == 1
        box = status.bounding_box()
        assert box and 0 <= box["y"] and box["y"] + box["height"] <= height, box
        assert status.evaluate("el => el.closest('#comments') !== null")
        shoot_screen(page, f"comment-thanks-{width}")
    with clinic.app_context():
        assert db.session.scalar(pending) == pending_before + 2
