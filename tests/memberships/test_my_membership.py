"""A member on /my/: this month's sessions, the renewal date and that unused sessions lapse,
booking with a membership session (confirmed at once, nothing to pay), and cancelling at
the end of the paid month through Stripe (the stub), with a CSRF form."""

from __future__ import annotations

from datetime import timedelta

from tests.memberships.test_joining_and_webhooks import joined
from tests.packages.test_booking_with_package import post_details, slot_url
from tests.support import stripe_fixtures
from tests.support.booking_helpers import csrf_from, page_html, text_of, token_from, webhook
from tests.support.membership_helpers import membership
from tests.support.my_helpers import signed_in_client

clock, stub, app, client = stripe_fixtures.FIXTURES

OFFER = "Use a session of your membership"


def member(client, app, stub) -> dict:
    """Ana joins and Stripe's webhook grants her first month: the paid session."""
    paid = stub.complete_session(joined(client, app, stub))
    assert webhook(client, "checkout.session.completed", paid).status_code == 200
    return paid


def test_my_page_shows_this_months_sessions_the_renewal_and_the_lapse(client, app, stub, clock):
    member(client, app, stub)
    browser = signed_in_client(app, "ana@example.com", clock())
    page = text_of(page_html(browser, "/my/"))
    assert "My membership" in page and "1 of 1 session left this month" in page
    renews = (clock() + timedelta(days=30)).strftime("%B")
    assert "Renews on" in page and renews in page
    assert "Sessions you do not use this month lapse when it ends" in page
    assert "Cancel membership" in page
    assert "My packages" not in page  # the month is no package of theirs


def test_a_member_books_with_a_membership_session_and_pays_nothing(client, app, stub, clock):
    member(client, app, stub)
    sessions_before = len(stub.requests_to("/v1/checkout/sessions"))
    browser = signed_in_client(app, "ana@example.com", clock())
    url = slot_url(browser, app)
    assert f"{OFFER} (1 left)" in text_of(page_html(browser, url))
    response = post_details(browser, url, use_package="1")
    assert response.status_code == 303
    token = token_from(response)
    assert len(stub.requests_to("/v1/checkout/sessions")) == sessions_before  # no deposit
    booked = text_of(page_html(browser, f"/booking/{token}"))
    assert "You are booked" in booked and "Paid with a membership session" in booked
    assert membership(app)["months"][0]["left"] == 0
    page = text_of(page_html(browser, "/my/"))
    assert "All this month's sessions used" in page
    assert OFFER not in page_html(browser, slot_url(browser, app))


def test_cancelling_asks_stripe_to_end_at_period_end_and_says_so(client, app, stub, clock):
    paid = member(client, app, stub)
    browser = signed_in_client(app, "ana@example.com", clock())
    page = page_html(browser, "/my/")
    token = paid["client_reference_id"]
    response = browser.post(f"/my/membership/{token}/cancel", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 303
    [update] = stub.requests_to(f"/v1/subscriptions/{paid['subscription']}")
    assert update.params == {"cancel_at_period_end": "true"}
    assert update.idempotency_key == f"membership-cancel-{token}"
    assert stub.subscriptions[paid["subscription"]]["cancel_at_period_end"] is True
    page = text_of(page_html(browser, "/my/"))
    assert "Your membership is cancelled: no more payments will be taken." in page
    assert "Ends on" in page and "Cancel membership" not in page
    assert "1 of 1 session left this month" in page  # the paid month stays usable
    assert membership(app)["cancelling"] is True and membership(app)["status"] == "active"


def test_cancelling_needs_the_csrf_token_the_owner_and_a_sign_in(client, app, stub, clock):
    paid = member(client, app, stub)
    token = paid["client_reference_id"]
    browser = signed_in_client(app, "ana@example.com", clock())
    assert browser.post(f"/my/membership/{token}/cancel").status_code == 400
    other = signed_in_client(app, "someone@example.com", clock())
    page = page_html(other, "/my/sign-in")
    csrf = csrf_from(page)
    assert (
        other.post(f"/my/membership/{token}/cancel", data={"csrf_token": csrf}).status_code == 404
    )
    anonymous = app.test_client()
    csrf = csrf_from(page_html(anonymous, "/my/sign-in"))
    response = anonymous.post(f"/my/membership/{token}/cancel", data={"csrf_token": csrf})
    assert response.status_code == 302 and "/my/sign-in" in response.headers["Location"]
    assert stub.requests_to(f"/v1/subscriptions/{paid['subscription']}") == []


def test_stripe_unreachable_leaves_the_membership_running_and_says_so(client, app, stub, clock):
    paid = member(client, app, stub)
    browser = signed_in_client(app, "ana@example.com", clock())
    csrf = csrf_from(page_html(browser, "/my/"))
    stub.fail_next = 10
    response = browser.post(
        f"/my/membership/{paid['client_reference_id']}/cancel", data={"csrf_token": csrf}
    )
    stub.fail_next = 0
    assert response.status_code == 303
    page = text_of(page_html(browser, "/my/"))
    assert "could not reach the payment service" in page and "Cancel membership" in page
    assert membership(app)["cancelling"] is False


def test_a_member_without_bookings_may_ask_for_a_sign_in_link(client, app, stub, clock):
    from clinicsite.extensions import db
    from clinicsite.models import SignInLink
    from tests.support.my_helpers import ask_for_link

    member(client, app, stub)
    with app.app_context():
        before = db.session.query(SignInLink).filter_by(email="ana@example.com").count()
    assert ask_for_link(client, "ana@example.com").status_code == 303
    with app.app_context():
        after = db.session.query(SignInLink).filter_by(email="ana@example.com").count()
    assert after == before + 1
