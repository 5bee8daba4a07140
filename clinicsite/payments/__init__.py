"""Payments: a small gateway interface with Stripe and fake implementations, and the
fulfilment that turns a provider's confirmation into a confirmed appointment."""

from __future__ import annotations

from flask import current_app

from clinicsite.payments.gateway import PaymentGateway


def get_gateway() -> PaymentGateway:
    """The configured gateway, built once per app (tests may replace it in app.extensions)."""
    gateway = current_app.extensions.get("payment_gateway")
    if gateway is None:
        config = current_app.config
        if config["PAYMENT_GATEWAY"] == "stripe":
            from clinicsite.payments.stripe_gateway import StripeGateway

            gateway = StripeGateway(
                api_key=config["STRIPE_SECRET_KEY"],
                webhook_secret=config["STRIPE_WEBHOOK_SECRET"],
                api_base=config["STRIPE_API_BASE"] or None,
            )
        else:
            from clinicsite.payments.fake_gateway import FakeGateway

            gateway = FakeGateway()
        current_app.extensions["payment_gateway"] = gateway
    return gateway
