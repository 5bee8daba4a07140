"""The checkout's event and the first invoice's arrive at the same moment (Stripe sends them
within milliseconds, from different workers): the membership's row lock lets one grant the
month and the other find it granted, on SQLite and on PostgreSQL (TEST_DATABASE_URL)."""

from __future__ import annotations

from tests.memberships.test_joining_and_webhooks import joined
from tests.payments.test_webhook import send_at_once
from tests.support import stripe_fixtures
from tests.support.membership_helpers import membership

clock, stub, app, client = stripe_fixtures.FIXTURES


def test_simultaneous_events_grant_the_first_month_once(client, app, stub):
    paid = stub.complete_session(joined(client, app, stub))
    invoice = stub.invoices[paid["invoice"]]
    events = [
        ("checkout.session.completed", paid, "evt_test_checkout"),
        ("invoice.paid", invoice, "evt_test_invoice"),
        ("invoice.paid", invoice, "evt_test_invoice_again"),
    ]
    answers = send_at_once(app, events)
    assert sorted(status for status, _ in answers) == [200, 200, 200]
    outcomes = sorted(answer["outcome"] for _, answer in answers)
    assert outcomes == ["month already granted", "month already granted", "month granted"]
    state = membership(app)
    assert state["status"] == "active" and len(state["months"]) == 1
