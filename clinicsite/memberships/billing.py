"""A membership's money, from the provider's own account of it. Each signed webhook only
says that something changed; the checkout, subscription or invoice it names is read back
and the membership brought in line with that, under the membership's row lock. So events
that come twice, late or out of order (an invoice paid before its checkout's event) all end
in the same state, and each paid invoice grants its month's sessions exactly once (also
held by the unique `package_purchase.invoice_id`). The first month's email welcomes the
member; each later one is a receipt. A month keeps the payment intent that paid its invoice,
so the ledger (payments/ledger.py) checks it against Stripe like any other payment.

A month's sessions are a PackagePurchase of the plan's carrier package, expiring when the
invoice's period ends: unused ones lapse then, and bookings draw and return them through
clinicsite/packages/sessions.py."""

from __future__ import annotations

import math
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa

from clinicsite import audit
from clinicsite.audit import STRIPE, Actor
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.mail.outbox.queue import enqueue
from clinicsite.memberships.plans import PERIOD_DAYS
from clinicsite.models import Membership, PackagePurchase, SignInLink
from clinicsite.money import format_money
from clinicsite.my.links import LIFETIME, token_hash
from clinicsite.notifications.links import Links
from clinicsite.notifications.render import render
from clinicsite.payments.subscriptions import InvoiceState, SubscriptionState

INVOICE_EVENTS = ("invoice.paid", "invoice.payment_failed")
SUBSCRIPTION_EVENTS = ("customer.subscription.updated", "customer.subscription.deleted")
EVENTS = INVOICE_EVENTS + SUBSCRIPTION_EVENTS


def record(membership: Membership, action: str, actor: Actor, note: str = "") -> None:
    """Audit a change to a membership, committed with it."""
    if membership.id is None:
        db.session.flush()
    audit.record_change(
        "membership",
        membership.id,
        action,
        actor,
        after={"status": membership.status},
        note=note[:500],
    )


def locked(*where) -> Membership | None:
    """The membership matching `where`, its row locked until commit and read afresh, so two
    events about one membership (or a member cancelling meanwhile) take turns."""
    return db.session.scalar(
        sa.select(Membership)
        .where(*where)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


# -- events -----------------------------------------------------------------------------------


def settle_session(session_id: str, gateway, now: datetime, links: Links) -> str | None:
    """A checkout's event: None when it is no membership's; else read the checkout back, then
    its subscription and latest invoice, and settle from those. Raises PaymentError."""
    membership = locked(Membership.checkout_session_id == session_id)
    if membership is None:
        return None
    state = gateway.retrieve_checkout(session_id)
    if state.status == "expired" and membership.status == "pending":
        membership.status = "expired"
        return "membership checkout expired"
    if state.status != "complete" or not state.subscription_id:
        return "membership awaiting payment"
    subscription = gateway.retrieve_subscription(state.subscription_id)
    outcome = sync(membership, subscription, now)
    if subscription.latest_invoice_id:
        invoice = gateway.retrieve_invoice(subscription.latest_invoice_id)
        outcome = apply_invoice(membership, invoice, now, links)
    return outcome


def on_event(event_type: str, object_id: str, gateway, now: datetime, links: Links) -> str:
    """An invoice's or a subscription's event (EVENTS), for the object it names. Raises
    PaymentError (the caller rolls back and the provider sends the event again)."""
    if event_type in INVOICE_EVENTS:
        invoice = gateway.retrieve_invoice(object_id)
        if not invoice.subscription_id:
            return "not a subscription's invoice"
        membership = membership_of(invoice.subscription_id, gateway, now)
        if membership is None:
            return "unknown subscription"
        return apply_invoice(membership, invoice, now, links)
    membership = membership_of(object_id, gateway, now)
    if membership is None:
        return "unknown subscription"
    return sync(membership, gateway.retrieve_subscription(object_id), now)


def membership_of(subscription_id: str, gateway, now: datetime) -> Membership | None:
    """The membership of a subscription, locked. One not yet linked (its invoice came before
    its checkout's event) is found by the token the subscription carries in its metadata,
    read back from the provider."""
    membership = locked(Membership.subscription_id == subscription_id)
    if membership is not None:
        return membership
    subscription = gateway.retrieve_subscription(subscription_id)
    token = subscription.metadata.get("membership", "")
    if not token or len(token) > 64:
        return None
    membership = locked(Membership.token == token)
    if membership is None or membership.subscription_id not in (None, subscription_id):
        return None
    sync(membership, subscription, now)
    return membership


# -- bringing a membership in line ------------------------------------------------------------


def sync(membership: Membership, subscription: SubscriptionState, now: datetime) -> str:
    """Take what the provider says of the subscription: ids, period end, cancel at period
    end, and whether it has ended. Paying is the invoices' business (apply_invoice)."""
    membership.subscription_id = subscription.id
    membership.customer_id = subscription.customer_id or membership.customer_id
    if subscription.current_period_end is not None:
        membership.current_period_end = subscription.current_period_end
    was_cancelling = membership.cancel_at_period_end
    membership.cancel_at_period_end = subscription.cancel_at_period_end
    if subscription.ended:
        if membership.status != "ended":
            membership.status, membership.ended_at = "ended", now
            record(membership, "ended", STRIPE)
        return "membership ended"
    if subscription.status in ("past_due", "unpaid") and membership.status == "active":
        membership.status = "past_due"
    elif subscription.status == "active" and membership.status == "past_due":
        if membership.failed_invoice_id is None:
            membership.status = "active"
    if was_cancelling != membership.cancel_at_period_end:
        what = "ends at period end" if membership.cancel_at_period_end else "renews again"
        record(membership, what, STRIPE)
    return f"membership {membership.status}"


def apply_invoice(membership: Membership, invoice: InvoiceState, now: datetime, links) -> str:
    if invoice.paid:
        return grant(membership, invoice, now, links)
    if invoice.status == "open" and invoice.attempted:
        return payment_failed(membership, invoice, now, links)
    return f"invoice {invoice.status}: nothing to do"


def grant(membership: Membership, invoice: InvoiceState, now: datetime, links: Links) -> str:
    """The month an invoice paid for: its sessions, once per invoice, until its period ends."""
    done = db.session.scalar(
        sa.select(PackagePurchase.id).where(PackagePurchase.invoice_id == invoice.id)
    )
    if done is not None:
        return "month already granted"
    plan = membership.plan
    ends = invoice.period_end or now + timedelta(days=PERIOD_DAYS)
    starts = invoice.period_start or now
    days = max(1, math.ceil((ends - starts).total_seconds() / 86400))
    first = membership.activated_at is None
    period = PackagePurchase(
        token=secrets.token_urlsafe(24),
        package=plan.package,
        client_id=membership.client_id,
        buyer_email=membership.buyer_email,
        buyer_name=membership.buyer_name,
        sessions_total=plan.sessions_per_month,
        sessions_used=0,
        amount=invoice.amount_paid if invoice.amount_paid > 0 else plan.price,
        currency=(invoice.currency or plan.currency).upper(),
        validity_days=days,
        status="active",
        created_at=now,
        activated_at=now,
        expires_at=ends,
        membership_id=membership.id,
        invoice_id=invoice.id,
        payment_intent_id=invoice.payment_intent_id,
    )
    db.session.add(period)
    if membership.status != "ended":
        membership.status = "active"
    if membership.failed_invoice_id is not None:
        membership.failed_invoice_id = None
    membership.activated_at = membership.activated_at or now
    if membership.current_period_end is None or ends > membership.current_period_end:
        membership.current_period_end = ends
    db.session.flush()
    note = f"{plan.sessions_per_month} session(s) until {ends.date().isoformat()}"
    record(membership, "month paid, sessions granted", STRIPE, note=f"{invoice.id}: {note}")
    if first:
        welcome(membership, period, links, now)
    else:
        receipt(membership, period, links)
    return "month granted"


def payment_failed(membership: Membership, invoice: InvoiceState, now: datetime, links) -> str:
    """A renewal the card did not pay: no sessions, and the member is told (once)."""
    if membership.failed_invoice_id == invoice.id:
        return "failed payment already noted"
    membership.failed_invoice_id = invoice.id
    if membership.status == "active":
        membership.status = "past_due"
    record(membership, "payment failed, nothing granted", STRIPE, note=invoice.id)
    email = render(
        "membership_payment_failed",
        links,
        clinic=get_clinic(),
        membership=membership,
        due=format_money(invoice.amount_due, invoice.currency or membership.plan.currency),
        my_url=links.my_sign_in(),
    )
    enqueue(
        to=membership.buyer_email,
        subject=email.subject,
        text=email.text,
        html=email.html,
        key=f"membership-failed-{invoice.id}",
    )
    return "payment failed: nothing granted"


def receipt(membership: Membership, period: PackagePurchase, links: Links) -> None:
    """A renewal's receipt: what the invoice took and the month's sessions (once per
    invoice: the outbox key is the invoice's)."""
    email = render(
        "membership_renewed",
        links,
        clinic=get_clinic(),
        membership=membership,
        period=period,
        paid=format_money(period.amount, period.currency),
        my_url=links.my_sign_in(),
    )
    enqueue(
        to=membership.buyer_email,
        subject=email.subject,
        text=email.text,
        html=email.html,
        key=f"membership-receipt-{period.invoice_id}",
    )


def welcome(membership: Membership, period: PackagePurchase, links: Links, now: datetime):
    """The new member's email: the plan, this month's sessions, and a one-time sign-in link
    to their page (/my/), where they book."""
    token = secrets.token_urlsafe(32)
    db.session.add(
        SignInLink(
            token_hash=token_hash(token),
            email=membership.buyer_email.strip().lower(),
            created_at=now,
            expires_at=now + LIFETIME,
        )
    )
    email = render(
        "membership_welcome",
        links,
        clinic=get_clinic(),
        membership=membership,
        period=period,
        price=format_money(membership.plan.price, membership.plan.currency),
        sign_in_url=links.my_link(token),
        minutes=int(LIFETIME.total_seconds() // 60),
        again_url=links.my_sign_in(),
    )
    enqueue(
        to=membership.buyer_email,
        subject=email.subject,
        text=email.text,
        html=email.html,
        key=f"membership-welcome-{membership.token}",
    )
