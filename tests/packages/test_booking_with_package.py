"""Booking with a package at the details step: offered only to a client signed in through
the /my/ sign-in link (never for an email typed into the form), confirmed at once with no
checkout, and every page and email says it was paid with a package session."""

from __future__ import annotations

from datetime import timedelta

from tests.support import stripe_fixtures
from tests.support.booking_helpers import (
    CLIENT_DETAILS,
    NMT,
    TUESDAY,
    details_url,
    extract_hidden_fields,
    first_free_slot,
    location_slug,
    page_html,
    text_of,
    token_from,
)
from tests.support.mail_helpers import deliver, plain
from tests.support.my_helpers import signed_in_client
from tests.support.package_helpers import active_purchase, make_package, purchase

clock, stub, app, client = stripe_fixtures.FIXTURES

OFFER = "Use a session of your package"


def slot_url(client, app, minutes=None):
    slot = first_free_slot(client, NMT, TUESDAY, "dana-okafor")
    option = slot["option_id"]
    if minutes == 90:
        from tests.support.booking_helpers import option_id

        option = option_id(app, NMT, 90)
    return details_url(
        NMT, option, location_slug(app, slot["location"]), slot["therapist"], slot["start"]
    )


def post_details(client, url, **extra):
    fields = extract_hidden_fields(page_html(client, url))
    data = {**fields, **CLIENT_DETAILS, **extra}
    return client.post("/book/details", data={k: v for k, v in data.items() if v is not None})


def test_a_signed_in_client_books_with_a_session_and_nothing_to_pay(app, stub, clock, tmp_path):
    pid = active_purchase(app, make_package(app), now=clock())
    browser = signed_in_client(app, "ana@example.com", clock())
    url = slot_url(browser, app)
    assert f"{OFFER} (5 left)" in text_of(page_html(browser, url))
    response = post_details(browser, url, use_package="1")
    assert response.status_code == 303
    token = token_from(response)  # to the booking page, not to Stripe
    assert stub.requests_to("/v1/checkout/sessions") == []
    page = text_of(page_html(browser, f"/booking/{token}"))
    assert "You are booked" in page and "Paid with a package session" in page
    assert purchase(app, pid)["left"] == 4
    mails = deliver(app, tmp_path)
    [confirmation] = [m for m in mails if m["Subject"].strip().startswith("Booked")]
    assert "(paid with a package session)" in plain(confirmation)
    assert "4 of 5 sessions left" in text_of(page_html(browser, "/my/"))


def test_an_email_typed_into_the_form_never_draws_a_session(client, app, stub, clock):
    pid = active_purchase(app, make_package(app), now=clock())
    url = slot_url(client, app)
    assert OFFER not in page_html(client, url)
    response = post_details(client, url, use_package="1", email="ana@example.com")
    assert response.status_code in (409, 422)
    assert "no package" in text_of(response.get_data(as_text=True))
    assert purchase(app, pid)["left"] == 5


def test_unticked_the_client_pays_the_deposit_as_usual(app, stub, clock):
    pid = active_purchase(app, make_package(app), now=clock())
    browser = signed_in_client(app, "ana@example.com", clock())
    response = post_details(browser, slot_url(browser, app))
    assert response.status_code == 303
    assert stub.requests_to("/v1/checkout/sessions")  # off to Stripe for the deposit
    assert purchase(app, pid)["left"] == 5


def test_a_package_for_another_length_is_not_offered(app, stub, clock):
    active_purchase(app, make_package(app, minutes=90), now=clock())
    browser = signed_in_client(app, "ana@example.com", clock())
    assert OFFER not in page_html(browser, slot_url(browser, app))


def test_an_expired_package_is_not_offered_and_my_page_says_it_expired(app, stub, clock):
    active_purchase(app, make_package(app, validity_days=1), now=clock() - timedelta(days=2))
    browser = signed_in_client(app, "ana@example.com", clock())
    assert OFFER not in page_html(browser, slot_url(browser, app))
    page = text_of(page_html(browser, "/my/"))
    assert "Expired" in page and "its sessions can no longer be used" in page
    assert "Book a session" not in page


def test_the_last_session_gone_meanwhile_is_said_plainly(app, stub, clock):
    pid = active_purchase(app, make_package(app, sessions=1), now=clock())
    browser = signed_in_client(app, "ana@example.com", clock())
    url = slot_url(browser, app)
    page_html(browser, url)
    from clinicsite.extensions import db
    from clinicsite.models import PackagePurchase

    with app.app_context():  # used up at the desk while the form was open
        db.session.get(PackagePurchase, pid).sessions_used = 1
        db.session.commit()
    response = post_details(browser, url, use_package="1")
    assert response.status_code == 409
    assert "no package" in text_of(response.get_data(as_text=True))
    assert stub.requests_to("/v1/checkout/sessions") == []


def test_my_page_links_to_booking_the_packages_service(app, stub, clock):
    active_purchase(app, make_package(app), now=clock())
    browser = signed_in_client(app, "ana@example.com", clock())
    page = page_html(browser, "/my/")
    assert "/book/?service=neuromuscular-therapy&amp;option=" in page


def test_a_buyer_without_bookings_may_ask_for_a_sign_in_link(client, app, stub, clock):
    from tests.support.my_helpers import ask_for_link

    active_purchase(app, make_package(app), email="new@example.com", now=clock())
    assert ask_for_link(client, "new@example.com").status_code == 303
    from clinicsite.extensions import db
    from clinicsite.models import SignInLink

    with app.app_context():
        assert db.session.query(SignInLink).filter_by(email="new@example.com").count() == 1
