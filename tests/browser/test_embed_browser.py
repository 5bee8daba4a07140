"""The booking widget in a real browser, framed by a page on another origin (the clinic's
old WordPress site): the steps work inside the frame, the chosen time opens the details
form in the whole window, and the booking counts as the widget's. A site the clinic did
not name cannot show it."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from clinicsite.extensions import db
from clinicsite.models import Appointment
from tests.browser.conftest import shoot
from tests.support.app import make_app, wipe
from tests.support.booking_helpers import load_fixture_clinic

pytestmark = pytest.mark.browser


class OtherSite:
    """A page on another origin that frames whatever `widget` is set to."""

    def __init__(self, host: str) -> None:
        self.widget = ""
        self.server = make_server(host, 0, self.app, threaded=True)
        self.origin = f"http://{host}:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def app(self, environ, start_response):
        Request(environ)
        body = (
            "<!doctype html><html lang='en'><head><title>Our old site</title></head><body>"
            "<h1>Book with us</h1>"
            f"<iframe src='{self.widget}' title='Booking' style='width:100%;height:700px'>"
            "</iframe></body></html>"
        )
        return Response(body, content_type="text/html")(environ, start_response)

    def close(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)


@pytest.fixture
def sites() -> Iterator[tuple[OtherSite, OtherSite]]:
    named, stranger = OtherSite("localhost"), OtherSite("127.0.0.2")
    try:
        yield named, stranger
    finally:
        named.close()
        stranger.close()


@pytest.fixture
def app(migrated, sites):
    app = make_app(migrated, EMBED_ORIGINS=sites[0].origin)
    try:
        yield app
    finally:
        wipe(app)


@pytest.fixture
def clinic(app):
    load_fixture_clinic(app)
    return app


def test_a_client_books_through_the_widget_on_the_clinic_s_other_site(
    live_server, page, clinic, sites
):
    named, _ = sites
    named.widget = live_server + "/embed/book/?service=discovery-session"
    page.goto(named.origin + "/")
    frame = page.frame_locator("iframe")
    choices = frame.locator(".choice-list")
    choices.get_by_role("link", name="Saltgrass Hermosa Beach Studio").click()
    choices.get_by_role("link", name="Any available therapist").click()
    frame.locator(".day-list a").first.click()
    expect(frame.locator(".time-list a").first).to_be_visible()
    expect(frame.locator(".site-header")).to_have_count(0)  # the steps only
    assert page.url == named.origin + "/"  # still on the other site
    shoot(page, "embed-1-times-in-the-frame")

    frame.locator(".time-list a").first.click()  # opens in the whole window
    expect(page.locator("h1")).to_have_text("Your details")
    assert page.url.startswith(live_server + "/book/details")
    page.get_by_label("Full name").fill("Noor Haddad")
    page.get_by_label("Email").fill("noor@example.com")
    page.get_by_label("Mobile phone").fill("310 555 0177")
    page.get_by_label("Current pain or injury").fill("Tight calves after a half marathon.")
    page.get_by_label("No", exact=True).check()
    page.get_by_label("I accept the cancellation policy").check()
    page.get_by_role("button", name="Book").click()
    expect(page.locator("h1")).to_have_text("You are booked")
    shoot(page, "embed-2-booked")
    with clinic.app_context():
        appointment = db.session.scalar(sa.select(Appointment))
        assert appointment.status == "confirmed" and appointment.origin == "embed"
    assert page.console_errors == []


def test_a_site_the_clinic_did_not_name_cannot_show_the_widget(live_server, page, clinic, sites):
    _, stranger = sites
    stranger.widget = live_server + "/embed/book/"
    page.goto(stranger.origin + "/")
    expect(page.locator("h1")).to_have_text("Book with us")
    page.wait_for_load_state("load")  # the frame has loaded, or been refused
    framed = page.frames[1]
    assert framed.url.startswith("chrome-error://"), framed.url  # refused, not shown
    assert framed.locator(".choice-list").count() == 0
    page.console_errors.clear()  # Chromium reports the refused frame as an error
