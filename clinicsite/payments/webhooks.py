"""Stripe's webhook events: the only thing that marks a deposit paid.

An event is taken as news that something happened to a checkout session, not as the
account of what happened: the session is read back from the provider and settled from that
(fulfilment.settle_checkout). So events that come late, out of order, more than once, or
saying something the session does not, all end in the same state.

The HTTP route (booking/webhook.py) reads the body, has the gateway check the signature,
and answers what `handle_event` returns.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

import sqlalchemy as sa

from clinicsite.appointments import card_on_file
from clinicsite.extensions import db
from clinicsite.giftcards import orders as giftcard_orders
from clinicsite.models import ProcessedEvent
from clinicsite.payments import fulfilment
from clinicsite.payments.gateway import PaymentError, PaymentGateway, WebhookEvent
from clinicsite.payments.stripe_gateway import PROVIDER_ID

log = logging.getLogger(__name__)

# Memberships' subscriptions (issue 14): their invoices and changes (memberships/billing.py).
MEMBERSHIP_EVENTS = (
    "invoice.paid",
    "invoice.payment_failed",
    "customer.subscription.updated",
    "customer.subscription.deleted",
)
HANDLED_EVENTS = (
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.expired",
    *MEMBERSHIP_EVENTS,
)


@dataclass(frozen=True)
class EventResult:
    """What to answer the provider: a body, and a status (503 asks it to send it again)."""

    body: dict[str, Any] = field(default_factory=dict)
    status: int = 200


def handle_event(event: WebhookEvent, gateway: PaymentGateway, now: datetime) -> EventResult:
    """Settle the checkout session a verified event is about, once per event id, and commit
    (or roll back everything, the event id included, when the provider cannot be reached)."""
    if event.type not in HANDLED_EVENTS:
        return EventResult({"received": True, "handled": False})
    if not _first_time(event):
        return EventResult({"received": True, "duplicate": True})
    if event.type in MEMBERSHIP_EVENTS:
        return _membership_event(event, gateway, now)
    session_id = event.data.get("id")
    payment = None
    payment_id_ok = isinstance(session_id, str) and PROVIDER_ID.fullmatch(session_id)
    if payment_id_ok:
        payment = fulfilment.payment_for_session(session_id)
        if payment is None and (setup := card_on_file.setup_for_session(session_id)):
            return _settle_card_setup(event, setup, gateway, now)  # cards on file (issue 14)
    if payment is not None:
        settle = partial(_settle_deposit, payment)
    else:  # a checkout for something other than a deposit (issue 14)
        settle = giftcard_orders.settler_for(session_id) if payment_id_ok else None
    if settle is None:
        return _other_checkout(event, session_id, gateway, now)
    try:
        state = gateway.retrieve_checkout(session_id)
        outcome = settle(state, gateway, now)
    except PaymentError as exc:
        # Nothing of this attempt is kept, the event id included: Stripe sends it again.
        db.session.rollback()
        fulfilment.flag_failure(session_id, exc, now)
        log.warning("Stripe event %s not settled: %s", event.id, exc)
        body = {"error": "the payment provider could not be reached; send it again"}
        return EventResult(body, 503)
    db.session.commit()
    log.info("Stripe event %s (%s): %s", event.id, event.type, outcome)
    return EventResult({"received": True, "outcome": outcome})


def _settle_deposit(payment, state, gateway: PaymentGateway, now: datetime) -> str:
    """A deposit's checkout: settle the money, then keep the card it saved (if any)."""
    outcome = fulfilment.settle_checkout(payment, state, gateway, now)
    return outcome + card_on_file.after_deposit(payment, state, gateway, now)


def _other_checkout(
    event: WebhookEvent, session_id: Any, gateway: PaymentGateway, now: datetime
) -> EventResult:
    """A checkout that is no deposit's: a package's (packages/buying.py), a membership's
    (memberships/billing.py), or unknown."""
    from clinicsite.memberships import billing
    from clinicsite.notifications import site_links
    from clinicsite.packages import buying

    outcome = None
    try:
        if isinstance(session_id, str) and PROVIDER_ID.fullmatch(session_id):
            outcome = buying.settle_session(session_id, gateway, now, site_links())
            if outcome is None:
                outcome = billing.settle_session(session_id, gateway, now, site_links())
    except PaymentError as exc:
        db.session.rollback()  # the event id too: Stripe sends it again
        log.warning("Stripe event %s not settled: %s", event.id, exc)
        body = {"error": "the payment provider could not be reached; send it again"}
        return EventResult(body, 503)
    db.session.commit()
    return EventResult({"received": True, "outcome": outcome or "unknown checkout session"})


def _membership_event(event: WebhookEvent, gateway: PaymentGateway, now: datetime):
    """An invoice's or a subscription's event: read what it names back and settle it."""
    from clinicsite.memberships import billing
    from clinicsite.notifications import site_links

    object_id = event.data.get("id")
    if not isinstance(object_id, str) or not PROVIDER_ID.fullmatch(object_id):
        db.session.commit()
        return EventResult({"received": True, "outcome": "no object id"})
    try:
        outcome = billing.on_event(event.type, object_id, gateway, now, site_links())
    except PaymentError as exc:
        db.session.rollback()  # the event id too: Stripe sends it again
        log.warning("Stripe event %s (membership) not settled: %s", event.id, exc)
        body = {"error": "the payment provider could not be reached; send it again"}
        return EventResult(body, 503)
    db.session.commit()
    log.info("Stripe event %s (%s): %s", event.id, event.type, outcome)
    return EventResult({"received": True, "outcome": outcome})


def _first_time(event: WebhookEvent) -> bool:
    """Record the event by its own id (never by session: another event for the same session
    must still be looked at). Recording it first makes a duplicate, or a retry racing the
    original, fail on the primary key, and serialises the two on SQLite."""
    db.session.add(ProcessedEvent(id=event.id, type=event.type))
    try:
        db.session.flush()
    except sa.exc.IntegrityError:
        db.session.rollback()
        return False
    return True


def _settle_card_setup(event: WebhookEvent, setup, gateway: PaymentGateway, now: datetime):
    """A setup-mode checkout (cards on file): read it back, keep the card it saved, commit."""
    try:
        state = gateway.retrieve_checkout(setup.checkout_session_id)
        outcome = card_on_file.settle_setup(setup, state, gateway, now)
    except PaymentError as exc:
        db.session.rollback()
        log.warning("Stripe event %s (card setup) not settled: %s", event.id, exc)
        body = {"error": "the payment provider could not be reached; send it again"}
        return EventResult(body, 503)
    db.session.commit()
    log.info("Stripe event %s (%s): %s", event.id, event.type, outcome)
    return EventResult({"received": True, "outcome": outcome})
