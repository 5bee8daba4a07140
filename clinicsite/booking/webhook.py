"""Stripe's webhook: the only thing that marks a deposit paid."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, jsonify, request

from clinicsite import clock
from clinicsite.booking import bp, domain
from clinicsite.extensions import csrf, db, limiter
from clinicsite.models import ProcessedEvent
from clinicsite.payments import get_gateway
from clinicsite.payments.gateway import InvalidWebhook

PAID_EVENTS = ("checkout.session.completed", "checkout.session.async_payment_succeeded")
EXPIRED_EVENT = "checkout.session.expired"


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
        return jsonify(error=f"invalid webhook: {exc}"), 400
    if event.type not in (*PAID_EVENTS, EXPIRED_EVENT):
        return jsonify(received=True, handled=False)

    # Recording the event id first makes a duplicate (or a retry racing the original)
    # fail on the primary key, and serialises the two on SQLite.
    db.session.add(ProcessedEvent(id=event.id, type=event.type))
    try:
        db.session.flush()
    except sa.exc.IntegrityError:
        db.session.rollback()
        return jsonify(received=True, duplicate=True)

    outcome = _handle(event, gateway)
    db.session.commit()
    current_app.logger.info("Stripe event %s (%s): %s", event.id, event.type, outcome)
    return jsonify(received=True, outcome=outcome)


def _handle(event, gateway) -> str:
    session = event.data
    session_id = session.get("id")
    payment = domain.payment_for_session(session_id) if isinstance(session_id, str) else None
    if payment is None:
        return "unknown checkout session"
    if event.type == EXPIRED_EVENT:
        return domain.record_checkout_expired(payment, clock.now())
    if session.get("payment_status") != "paid":
        return "awaiting asynchronous payment"  # async_payment_succeeded follows
    amount, currency = session.get("amount_total"), session.get("currency")
    if not isinstance(amount, int) or not isinstance(currency, str):
        return "malformed session"
    return domain.record_payment(
        payment, session.get("payment_intent"), amount, currency, gateway, clock.now()
    )
