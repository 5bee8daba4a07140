"""Stripe's webhook endpoint: a thin adapter over payments/webhooks.py."""

from __future__ import annotations

from flask import jsonify, request

from clinicsite import clock
from clinicsite.booking import bp
from clinicsite.extensions import csrf, limiter
from clinicsite.payments import get_gateway, webhooks
from clinicsite.payments.gateway import InvalidWebhook


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
    result = webhooks.handle_event(event, gateway, clock.now())
    return jsonify(result.body), result.status
