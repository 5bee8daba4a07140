"""What a client or a staff member does in the browser, and what the rehearsal then reads
back from the database."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from playwright.sync_api import expect
from sqlalchemy.orm import selectinload

from clinicsite.models import Appointment, Payment
from tests.rehearsal.conftest import Site, shoot

CLINIC_TZ = ZoneInfo("America/Los_Angeles")  # the demo clinic's zone
DAY_IN_HREF = re.compile(r"day=(\d{4}-\d{2}-\d{2})")


def book_online(
    page,
    site: Site,
    name: str,
    email: str,
    *,
    service: str = "Neuromuscular Therapy",
    length: str = "1 h",
    studio: str = "Saltgrass Hermosa Beach Studio",
    therapist: str = "Any available therapist",
    days_ahead: int = 3,
    shots: str | None = None,
) -> str:
    """From /book/ to the details form sent: the first free time on the first day at least
    `days_ahead` days away (outside the cancellation window). Returns the time's label."""
    page.goto(site.url + "/book/")
    choices = page.locator(".choice-list")
    follow(page, choices.get_by_role("link", name=service).first)
    if page.locator("h2", has_text="Choose a length").count():
        follow(page, choices.get_by_role("link", name=length, exact=False).first)
    if page.locator("h2#extras").count():  # the service's optional add-ons: none taken
        follow(page, page.locator(".extras-form").get_by_role("button", name="Continue"))
    if page.locator("h2", has_text="Choose a studio").count():
        follow(page, choices.get_by_role("link", name=studio))
    follow(page, choices.get_by_role("link", name=therapist))
    earliest = datetime.now(CLINIC_TZ).date() + timedelta(days=days_ahead)
    for link in page.locator(".day-list a").all():
        found = DAY_IN_HREF.search(link.get_attribute("href") or "")
        if found and date.fromisoformat(found[1]) >= earliest:
            follow(page, link)
            break
    else:
        raise AssertionError(f"no bookable day from {earliest} on")
    if shots:
        shoot(page, f"{shots}-1-times")
    first_time = page.locator(".time-list a").first
    label = first_time.inner_text().strip()
    follow(page, first_time)
    expect(page.locator("h1")).to_have_text("Your details")
    fill_details(page, name, email)
    if shots:
        shoot(page, f"{shots}-2-details")
    page.locator("form.form button[type=submit]:not([name=apply_coupon])").click()
    return label


def follow(page, link) -> None:
    """Click a link and wait for the page it leads to (never read the old one by mistake)."""
    with page.expect_navigation():
        link.click()


def fill_details(page, name: str, email: str) -> None:
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Mobile phone").fill("310 555 0142")
    page.get_by_label("Current pain or injury").fill("Stiff neck after long drives.")
    page.get_by_label("No", exact=True).check()  # "Are you pregnant?"
    consent = page.get_by_label("I have read and accept the consent above")
    if consent.count():  # the clinic has a consent text (the demo has)
        consent.check()
    page.get_by_label("I accept the cancellation policy").check()


def at_checkout(page, site: Site) -> None:
    """The browser must have followed the site's 303 to the hosted checkout on the other
    origin. When the Content-Security-Policy blocks it, Chromium stays put and says why on
    the console: the failure shows that message."""
    try:
        page.wait_for_url(site.stripe.checkout_origin + "/c/pay/**", timeout=10_000)
    except Exception as exc:  # noqa: BLE001 (Playwright's TimeoutError; say what happened)
        raise AssertionError(
            f"the browser did not reach the checkout at {site.stripe.checkout_origin}; "
            f"it is at {page.url}. Console errors: {page.console_errors}. "
            f"Messages on the page: {page.locator('.error, .flash').all_inner_texts()}"
        ) from exc
    expect(page.locator("h1")).to_have_text("Test payment")


def pay_on_checkout(page, site: Site) -> None:
    """Press Pay on the hosted page and come back to the booking's page on the site."""
    page.get_by_role("button", name=re.compile("^Pay ")).click()
    page.wait_for_url(site.url + "/booking/**")


def expect_booked(page) -> None:
    """The booking page refreshes itself until the webhook has confirmed the deposit."""
    expect(page.locator("h1")).to_have_text("You are booked", timeout=25_000)


def appointment_of(site: Site, email: str) -> Appointment:
    """The client's only appointment, with its payments and refunds, from PostgreSQL."""
    with site.session() as session:
        rows = session.scalars(
            sa.select(Appointment)
            .where(Appointment.client_email == email)
            .options(
                selectinload(Appointment.payments).selectinload(Payment.refunds),
                selectinload(Appointment.service),
                selectinload(Appointment.therapist),
                selectinload(Appointment.option),
                selectinload(Appointment.location),
            )
        ).all()
        assert len(rows) == 1, f"{len(rows)} appointments for {email}"
        return rows[0]


def staff_login(page, site: Site, who: tuple[str, str], heading: str = "Today") -> None:
    page.goto(site.url + "/staff/login")
    page.get_by_label("Email").fill(who[0])
    page.get_by_label("Password").fill(who[1])
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("h1")).to_contain_text(heading)


def links_in(message, prefix: str) -> list[str]:
    """The addresses starting with `prefix` in an email's plain text."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    return re.findall(re.escape(prefix) + r"[^\s<>\"]*", text)
