"""Stripe's webhook: the only thing that marks a deposit paid.

An event is taken as news that something happened to a checkout session, not as the
account of what happened: the session is read back from Stripe and settled from that
(fulfilment.settle_checkout). So events that come late, out of order, more than once, or
saying something the session does not, all end in the same state.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, jsonify, request

from clinicsite import clock
from clinicsite.booking import bp, fulfilment
from clinicsite.extensions import csrf, db, limiter
from clinicsite.models import ProcessedEvent
from clinicsite.payments import get_gateway
from clinicsite.payments.gateway import InvalidWebhook, PaymentError
from clinicsite.payments.stripe_gateway import PROVIDER_ID

HANDLED_EVENTS = (
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.expired",
)


@bp.post("/stripe/webhook")
@csrf.exempt  # Stripe cannot send our CSRF token; the signature protects this endpoint
@limiter.exempt
def stripe_webhook():
    gateway = get_gateway()
    try:
        event = gateway.parse_webhook(
            request.get_data(cache=False), request.headers.get("Stripe-Signature", "")
        )
    except InvalidWebhook as exc:
        # A 4xx: Stripe stops sending it. (A 5xx would be retried for days.)
        return jsonify(error=f"invalid webhook: {exc}"), 400
    if event.type not in HANDLED_EVENTS:
        return jsonify(received=True, handled=False)

    # Each event once, by its own id (never by session: another event for the same session
    # must still be looked at). Recording it first makes a duplicate, or a retry racing the
    # original, fail on the primary key, and serialises the two on SQLite.
    db.session.add(ProcessedEvent(id=event.id, type=event.type))
    try:
        db.session.flush()
    except sa.exc.IntegrityError:
        db.session.rollback()
        return jsonify(received=True, duplicate=True)

    session_id = event.data.get("id")
    payment = None
    if isinstance(session_id, str) and PROVIDER_ID.fullmatch(session_id):
        payment = fulfilment.payment_for_session(session_id)
    if payment is None:
        db.session.commit()
        return jsonify(received=True, outcome="unknown checkout session")
    try:
        state = gateway.retrieve_checkout(session_id)
        outcome = fulfilment.settle_checkout(payment, state, gateway, clock.now())
    except PaymentError as exc:
        # Nothing of this attempt is kept, the event id included: Stripe sends it again.
        db.session.rollback()
        fulfilment.flag_failure(session_id, exc, clock.now())
        current_app.logger.warning("Stripe event %s not settled: %s", event.id, exc)
        return jsonify(error="the payment provider could not be reached; send it again"), 503
    db.session.commit()
    current_app.logger.info("Stripe event %s (%s): %s", event.id, event.type, outcome)
    return jsonify(received=True, outcome=outcome)
