"""Joining a plan: a pending membership and its hosted checkout in subscription mode.
Nothing is activated on the redirect back: only billing.py, for a signed webhook, after
reading the checkout, the subscription and its invoice back from the provider."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa

from clinicsite.clients import matching
from clinicsite.extensions import db
from clinicsite.models import ClinicSettings, Membership, MembershipPlan
from clinicsite.payments.subscriptions import SubscriptionCheckoutRequest
from clinicsite.phones import region_for

# Stripe wants a Checkout Session to live at least 30 minutes.
CHECKOUT_MINUTES = 31


def start(
    plan: MembershipPlan, name: str, email: str, clinic: ClinicSettings, now: datetime
) -> Membership:
    """A pending membership of `plan` for this buyer, joined to their client record (found
    by email, as bookings are, or created). Added to the session, not committed."""
    if not plan.active:
        raise ValueError("this plan is not on sale")
    membership = Membership(
        token=secrets.token_urlsafe(24),
        plan=plan,
        buyer_name=name.strip()[:100],
        buyer_email=email.strip()[:254],
        status="pending",
        created_at=now,
    )
    membership.client = matching.find_or_create(
        name, email, None, region=region_for(clinic.country)
    )
    db.session.add(membership)
    db.session.flush()
    return membership


def checkout(membership: Membership, gateway, now: datetime, success_url: str, cancel_url: str):
    """Open the provider's hosted checkout of the subscription and return its URL. The
    idempotency key is the membership's random token. Raises PaymentError."""
    plan = membership.plan
    session = gateway.create_subscription_checkout(
        SubscriptionCheckoutRequest(
            reference=membership.token,
            amount=plan.price,
            currency=plan.currency,
            description=f"{plan.name} (monthly)",
            customer_email=membership.buyer_email,
            success_url=success_url,
            cancel_url=cancel_url,
            expires_at=now + timedelta(minutes=CHECKOUT_MINUTES),
            idempotency_key=f"membership-checkout-{membership.token}",
            metadata={"membership": membership.token},
        )
    )
    membership.checkout_session_id = session.id
    return session.url


def by_token(token: str) -> Membership | None:
    if not token or len(token) > 64:
        return None
    return db.session.scalar(sa.select(Membership).where(Membership.token == token))
