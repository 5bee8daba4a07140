"""Joining a membership at /memberships/ and the signed webhooks that alone run it: the
subscription checkout on Stripe (the stub), each paid invoice granting its month once
(events twice, late or out of order), a failed renewal granting nothing and telling the
member, and the subscription's cancellation and end."""

from __future__ import annotations

from datetime import timedelta

from clinicsite.extensions import db
from clinicsite.models import OutboxEmail
from tests.support import stripe_fixtures
from tests.support.booking_helpers import csrf_from, page_html, session_id_from, text_of, webhook
from tests.support.mail_helpers import deliver, plain
from tests.support.membership_helpers import make_plan, membership

clock, stub, app, client = stripe_fixtures.FIXTURES


def join(client, slug="monthly-60", **data):
    token = csrf_from(page_html(client, f"/memberships/{slug}/join"))
    fields = {"name": "Ana Client", "email": "ana@example.com", "csrf_token": token, **data}
    return client.post(f"/memberships/{slug}/join", data=fields)


def joined(client, app, stub) -> str:
    make_plan(app)
    response = join(client)
    assert response.status_code == 303, response.get_data(as_text=True)
    return session_id_from(response.headers["Location"])


def test_the_list_says_price_sessions_and_that_unused_ones_lapse(client, app):
    make_plan(app)
    page = text_of(page_html(client, "/memberships/"))
    assert "Monthly 60" in page and "$99 a month" in page
    assert "1 session of Neuromuscular Therapy, 1 h, every month" in page
    assert "any you have not used lapse when it ends" in page


def test_joining_opens_a_monthly_subscription_checkout_with_an_idempotency_key(client, app, stub):
    session_id = joined(client, app, stub)
    [created] = stub.requests_to("/v1/checkout/sessions")
    assert created.params["mode"] == "subscription"
    price = created.params["line_items"][0]["price_data"]
    assert price["unit_amount"] == "9900" and price["recurring"]["interval"] == "month"
    assert created.idempotency_key.startswith("membership-checkout-")
    token = created.params["metadata"]["membership"]
    assert created.params["subscription_data"]["metadata"]["membership"] == token
    assert stub.sessions[session_id]["mode"] == "subscription"
    assert membership(app)["status"] == "pending"


def test_bad_input_is_refused_in_words_and_nothing_is_opened(client, app, stub):
    make_plan(app)
    response = join(client, email="not-an-email", name="")
    assert response.status_code == 422
    page = text_of(response.get_data(as_text=True))
    assert "Please give your name." in page and "does not look right" in page
    assert stub.requests_to("/v1/checkout/sessions") == []
    assert client.get("/memberships/no-such-plan/join").status_code == 404


def test_the_redirect_back_alone_starts_nothing(client, app, stub):
    session_id = joined(client, app, stub)
    stub.complete_session(session_id)  # paid at Stripe, but no webhook yet
    token = stub.sessions[session_id]["client_reference_id"]
    page = text_of(page_html(client, f"/memberships/joined/{token}"))
    assert "Almost done" in page
    assert membership(app)["months"] == []


def test_the_checkout_webhook_grants_the_first_month_and_emails_a_sign_in_link(
    client, app, stub, clock, tmp_path
):
    session_id = joined(client, app, stub)
    paid = stub.complete_session(session_id)
    response = webhook(client, "checkout.session.completed", paid)
    assert response.status_code == 200
    state = membership(app)
    assert state["status"] == "active" and state["subscription"] == paid["subscription"]
    [month] = state["months"]
    assert (month["left"], month["total"], month["amount"]) == (1, 1, 9900)
    assert month["expires"] == clock() + timedelta(days=30)
    token = paid["client_reference_id"]
    page = text_of(page_html(client, f"/memberships/joined/{token}"))
    assert "Welcome, you are a member" in page and "1 of 1 session this month" in page
    [mail] = [m for m in deliver(app, tmp_path) if "Welcome to Monthly 60" in m["Subject"]]
    assert "/my/link/" in plain(mail) and "lapse" in plain(mail)


def test_every_event_twice_still_grants_one_month_and_one_email(client, app, stub):
    session_id = joined(client, app, stub)
    paid = stub.complete_session(session_id)
    invoice = stub.invoices[paid["invoice"]]
    for _ in range(2):
        assert webhook(client, "checkout.session.completed", paid).status_code == 200
        assert webhook(client, "invoice.paid", invoice).status_code == 200
    first = webhook(client, "invoice.paid", invoice, event_id="evt_test_same")
    again = webhook(client, "invoice.paid", invoice, event_id="evt_test_same")
    assert first.get_json()["outcome"] == "month already granted"
    assert again.get_json()["duplicate"] is True
    assert len(membership(app)["months"]) == 1
    with app.app_context():
        welcomes = db.session.scalars(
            db.select(OutboxEmail).where(OutboxEmail.subject.contains("Welcome"))
        ).all()
    assert len(welcomes) == 1


def test_the_invoice_paid_before_the_checkout_event_finds_its_membership(client, app, stub):
    session_id = joined(client, app, stub)
    paid = stub.complete_session(session_id)
    # Only the invoice's event so far: the membership is found through the subscription's
    # metadata, read back from Stripe (never from the redirect).
    response = webhook(client, "invoice.paid", stub.invoices[paid["invoice"]])
    assert response.get_json()["outcome"] == "month granted"
    state = membership(app)
    assert state["status"] == "active" and state["subscription"] == paid["subscription"]
    assert stub.requests_to(f"/v1/subscriptions/{paid['subscription']}", "GET")
    response = webhook(client, "checkout.session.completed", paid)
    assert response.get_json()["outcome"] == "month already granted"
    assert len(membership(app)["months"]) == 1


def test_a_webhook_saying_paid_is_not_believed_over_stripe(client, app, stub):
    session_id = joined(client, app, stub)
    forged = {**stub.session(session_id), "status": "complete", "payment_status": "paid"}
    webhook(client, "checkout.session.completed", forged)
    assert membership(app)["months"] == []
    assert membership(app)["status"] == "pending"


def test_each_renewal_grants_its_month_and_the_last_month_lapses(client, app, stub, clock):
    session_id = joined(client, app, stub)
    paid = stub.complete_session(session_id)
    webhook(client, "checkout.session.completed", paid)
    clock.advance(days=30)
    renewal = stub.renew(paid["subscription"])
    webhook(client, "invoice.paid", renewal)
    webhook(client, "invoice.paid", renewal)
    state = membership(app)
    assert [m["invoice"] for m in state["months"]] == [paid["invoice"], renewal["id"]]
    first, second = state["months"]
    assert first["expires"] <= clock() < second["expires"]
    assert state["period_end"] == second["expires"]


def test_a_failed_renewal_grants_nothing_and_tells_the_member_once(
    client, app, stub, clock, tmp_path
):
    session_id = joined(client, app, stub)
    paid = stub.complete_session(session_id)
    webhook(client, "checkout.session.completed", paid)
    clock.advance(days=30)
    failed = stub.renew(paid["subscription"], paid=False)
    for _ in range(2):
        response = webhook(client, "invoice.payment_failed", failed)
        assert response.status_code == 200
    state = membership(app)
    assert state["status"] == "past_due" and len(state["months"]) == 1
    mails = [m for m in deliver(app, tmp_path) if "did not go through" in m["Subject"]]
    assert len(mails) == 1
    assert "no sessions were added" in plain(mails[0]) and "$99" in plain(mails[0])
    # Stripe retries the card, and this time it pays: the month comes, the member is back.
    webhook(client, "invoice.paid", stub.pay_invoice(failed["id"]))
    state = membership(app)
    assert state["status"] == "active" and len(state["months"]) == 2


def test_cancelled_at_period_end_then_deleted_the_membership_ends(client, app, stub, clock):
    session_id = joined(client, app, stub)
    paid = stub.complete_session(session_id)
    webhook(client, "checkout.session.completed", paid)
    sub_id = paid["subscription"]
    stub.subscriptions[sub_id]["cancel_at_period_end"] = True  # done in Stripe's dashboard
    webhook(client, "customer.subscription.updated", stub.subscription(sub_id))
    assert membership(app)["cancelling"] is True
    assert membership(app)["status"] == "active"
    clock.advance(days=30)
    webhook(client, "customer.subscription.deleted", stub.end(sub_id))
    state = membership(app)
    assert state["status"] == "ended" and len(state["months"]) == 1


def test_a_subscription_that_is_no_membership_of_ours_changes_nothing(client, app, stub):
    session_id = joined(client, app, stub)
    sub_id = stub.complete_session(session_id)["subscription"]
    stub.subscriptions[sub_id]["metadata"] = {}  # say, sold by another tool on the account
    response = webhook(client, "customer.subscription.updated", stub.subscription(sub_id))
    assert response.get_json()["outcome"] == "unknown subscription"
    assert membership(app)["status"] == "pending"


def test_stripe_unreachable_asks_for_the_event_again_and_the_retry_grants(client, app, stub):
    session_id = joined(client, app, stub)
    paid = stub.complete_session(session_id)
    invoice = stub.invoices[paid["invoice"]]
    stub.fail_next = 10
    response = webhook(client, "invoice.paid", invoice, event_id="evt_test_retry")
    assert response.status_code == 503
    assert membership(app)["months"] == []
    stub.fail_next = 0
    response = webhook(client, "invoice.paid", invoice, event_id="evt_test_retry")
    assert response.status_code == 200 and len(membership(app)["months"]) == 1


def test_a_checkout_left_unpaid_expires_and_starts_nothing(client, app, stub):
    session_id = joined(client, app, stub)
    response = webhook(client, "checkout.session.expired", stub.expire_session(session_id))
    assert response.get_json()["outcome"] == "membership checkout expired"
    assert membership(app)["status"] == "expired" and membership(app)["months"] == []
    token = stub.sessions[session_id]["client_reference_id"]
    page = text_of(page_html(client, f"/memberships/joined/{token}"))
    assert "This checkout has expired" in page and "nothing was charged" in page


def test_erasing_the_client_erases_the_members_name_and_email(client, app, stub, clock):
    from clinicsite.audit import SYSTEM
    from clinicsite.clients.data_requests import anonymise
    from clinicsite.models import Client, Membership

    session_id = joined(client, app, stub)
    webhook(client, "checkout.session.completed", stub.complete_session(session_id))
    with app.app_context():
        row = db.session.scalar(db.select(Membership))
        anonymise(db.session.get(Client, row.client_id), SYSTEM, clock())
        row = db.session.scalar(db.select(Membership))
        assert row.buyer_email == "" and "Ana" not in row.buyer_name
        assert row.status == "active"  # the membership itself goes on


def test_each_renewal_emails_a_receipt_once_and_the_first_month_only_a_welcome(
    client, app, stub, clock, tmp_path
):
    session_id = joined(client, app, stub)
    paid = stub.complete_session(session_id)
    webhook(client, "checkout.session.completed", paid)
    clock.advance(days=30)
    renewal = stub.renew(paid["subscription"])
    for _ in range(2):
        webhook(client, "invoice.paid", renewal)
    mails = deliver(app, tmp_path)
    receipts = [m for m in mails if m["Subject"].startswith("Receipt: Monthly 60")]
    assert len(receipts) == 1 and len(mails) == 2  # the welcome, then one receipt
    assert receipts[0]["To"] == "ana@example.com"
    body = plain(receipts[0])
    assert "Paid: $99" in body and renewal["id"] in body
    assert "1 new session(s) of Neuromuscular Therapy, 60 minutes" in body
    assert "/my/" in body
    assert receipts[0].get_content_type() == "multipart/alternative"


def test_membership_months_are_in_the_ledger_and_reconcile_with_stripe(client, app, stub, clock):
    from clinicsite.payments import get_gateway
    from clinicsite.payments.ledger import ledger, reconcile

    session_id = joined(client, app, stub)
    paid = stub.complete_session(session_id)
    webhook(client, "checkout.session.completed", paid)
    clock.advance(days=30)
    webhook(client, "invoice.paid", stub.renew(paid["subscription"]))
    [read] = stub.requests_to(f"/v1/invoices/{paid['invoice']}", "GET")[:1]
    assert read.params["expand"] == ["payments"]
    intents = [
        p["payment"]["payment_intent"]
        for invoice in stub.invoices.values()
        for p in invoice["payments"]["data"]
    ]
    with app.app_context():
        lines = {line.payment_intent_id: line for line in ledger()}
        assert sorted(lines) == sorted(intents) and len(intents) == 2
        assert all(
            line.taken == 9900 and "membership month" in line.purpose for line in lines.values()
        )
        assert reconcile(get_gateway()).ok
        # A refund made in Stripe's dashboard behind the site's back is named in words.
        get_gateway().refund(intents[1], 2000, idempotency_key="dashboard-refund")
        result = reconcile(get_gateway())
    assert not result.ok
    [mismatch] = result.mismatches
    assert intents[1] in mismatch and "$20" in mismatch and "membership month" in mismatch


def test_stripe_unreachable_when_joining_keeps_the_form_and_no_membership(client, app, stub):
    make_plan(app)
    stub.fail_next = 10
    response = join(client)
    stub.fail_next = 0
    assert response.status_code == 503
    page = text_of(response.get_data(as_text=True))
    assert "could not reach the payment service" in page and "Nothing was charged" in page
    assert 'value="ana@example.com"' in response.get_data(as_text=True)
    with app.app_context():
        from clinicsite.models import Membership

        assert db.session.scalar(db.select(Membership)) is None
