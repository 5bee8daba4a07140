"""Buying a package: a pending purchase and its hosted checkout, then settling it from the
payment provider's own account of the checkout, once, whatever order the webhooks come in.

Nothing is activated on a redirect: only `settle_session`, called for a signed webhook
(payments/webhooks.py), after reading the checkout back. The rule, as for deposits
(payments/fulfilment.py): money taken for a package ends either as an active package of
exactly what was asked, or refunded in full, once, and flagged for the staff."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from clinicsite.audit import STRIPE
from clinicsite.clients import matching
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.mail.outbox.queue import enqueue
from clinicsite.models import ClinicSettings, Package, PackagePurchase, SignInLink
from clinicsite.money import format_money
from clinicsite.my.links import LIFETIME, token_hash
from clinicsite.notifications.links import Links
from clinicsite.notifications.render import render
from clinicsite.packages.sessions import record
from clinicsite.payments.gateway import CheckoutRequest, CheckoutState, PaymentGateway
from clinicsite.phones import region_for

# Stripe wants a Checkout Session to live at least 30 minutes.
CHECKOUT_MINUTES = 31


@dataclass(frozen=True)
class Saving:
    """A package's price against the same visits booked one by one, at today's price."""

    singles: int  # sessions x the length's price
    saving: int  # singles - price; 0 when the package costs as much or more

    @property
    def percent(self) -> int:
        return self.saving * 100 // self.singles if self.singles else 0


def saving_of(package: Package) -> Saving:
    singles = package.option.price * package.sessions
    return Saving(singles, max(0, singles - package.price))


def on_sale() -> list[Package]:
    return list(
        db.session.scalars(
            sa.select(Package)
            .where(Package.active.is_(True))
            .order_by(Package.sort, Package.name, Package.id)
        )
    )


def start(
    package: Package, name: str, email: str, clinic: ClinicSettings, now: datetime
) -> PackagePurchase:
    """A pending purchase of `package` for this buyer, joined to their client record
    (found by email, as bookings are, or created). Added to the session, not committed."""
    if not package.active:
        raise ValueError("this package is not on sale")
    purchase = PackagePurchase(
        token=secrets.token_urlsafe(24),
        package=package,
        buyer_name=name.strip()[:100],
        buyer_email=email.strip()[:254],
        sessions_total=package.sessions,
        sessions_used=0,
        amount=package.price,
        currency=package.currency,
        validity_days=package.validity_days,
        status="pending",
        created_at=now,
    )
    purchase.client = matching.find_or_create(name, email, None, region=region_for(clinic.country))
    db.session.add(purchase)
    db.session.flush()
    return purchase


def checkout(
    purchase: PackagePurchase,
    gateway: PaymentGateway,
    now: datetime,
    success_url: str,
    cancel_url: str,
) -> str:
    """Open the provider's hosted checkout for the purchase and return its URL. The
    idempotency key is the purchase's random token, so a retry opens the same checkout.
    Raises PaymentError; the caller commits."""
    session = gateway.create_checkout(
        CheckoutRequest(
            reference=purchase.token,
            amount=purchase.amount,
            currency=purchase.currency,
            description=f"{purchase.package.name} ({purchase.sessions_total} sessions)",
            customer_email=purchase.buyer_email,
            success_url=success_url,
            cancel_url=cancel_url,
            expires_at=now + timedelta(minutes=CHECKOUT_MINUTES),
            idempotency_key=f"package-checkout-{purchase.token}",
            metadata={"package_purchase": purchase.token},
        )
    )
    purchase.checkout_session_id = session.id
    return session.url


def for_session(session_id: str) -> PackagePurchase | None:
    """The purchase of a checkout session, locked until commit."""
    return db.session.scalar(
        sa.select(PackagePurchase)
        .where(PackagePurchase.checkout_session_id == session_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def by_token(token: str) -> PackagePurchase | None:
    if not token or len(token) > 64:
        return None
    return db.session.scalar(sa.select(PackagePurchase).where(PackagePurchase.token == token))


def settle_session(
    session_id: str, gateway: PaymentGateway, now: datetime, links: Links
) -> str | None:
    """For a webhook about a checkout that is not a deposit's: None when it is not a
    package's either; else read the session back and settle the purchase from it. Raises
    PaymentError (the caller rolls back, and the provider sends the event again)."""
    purchase = for_session(session_id)
    if purchase is None:
        return None
    return settle(purchase, gateway.retrieve_checkout(session_id), gateway, now, links)


def settle(
    purchase: PackagePurchase,
    state: CheckoutState,
    gateway: PaymentGateway,
    now: datetime,
    links: Links,
) -> str:
    """Bring the purchase in line with the provider's `state` of its checkout. Safe to call
    again with the same or a later state. The caller commits."""
    if state.paid:
        if purchase.activated_at is not None or purchase.status == "refunded":
            return "already settled"
        purchase.payment_intent_id = state.payment_intent_id
        asked = (purchase.amount, purchase.currency.upper())
        if (state.amount, state.currency) != asked:
            return _refund_wrong_amount(purchase, state, asked, gateway, now)
        purchase.status, purchase.activated_at = "active", now
        purchase.expires_at = now + timedelta(days=purchase.validity_days)
        record(purchase, "paid, active", STRIPE)
        confirmation(purchase, links, now)
        return "activated"
    if state.status == "expired" and purchase.status == "pending":
        purchase.status = "expired"
        return "expired"
    return "ignored" if purchase.status != "pending" else "awaiting payment"


def _refund_wrong_amount(
    purchase: PackagePurchase,
    state: CheckoutState,
    asked: tuple[int, str],
    gateway: PaymentGateway,
    now: datetime,
) -> str:
    """Never activate on an amount the server did not ask for: give it all back."""
    note = f"paid {state.amount} {state.currency}, asked {asked[0]} {asked[1]}"
    if not isinstance(state.amount, int) or state.amount <= 0:
        purchase.status = "expired"
        purchase.attention = f"{note}: not activated; check it in the provider's dashboard"
        record(purchase, "payment of a wrong amount flagged", STRIPE, note=note)
        return "flagged: wrong amount"
    purchase.amount, purchase.currency = state.amount, state.currency or asked[1]
    key = f"package-refund-{purchase.token}-wrong-amount"
    gateway.refund(purchase.payment_intent_id or "", state.amount, idempotency_key=key)
    purchase.amount_refunded = state.amount
    purchase.status, purchase.refunded_at = "refunded", now
    purchase.attention = f"{note}: refunded in full, not activated"
    record(purchase, "payment of a wrong amount refunded", STRIPE, note=note)
    return "refunded: wrong amount"


def confirmation(purchase: PackagePurchase, links: Links, now: datetime) -> None:
    """Queue the buyer's email: what they bought, until when, and a one-time sign-in link
    to their page (/my/), where they book with it."""
    token = secrets.token_urlsafe(32)
    db.session.add(
        SignInLink(
            token_hash=token_hash(token),
            email=purchase.buyer_email.strip().lower(),
            created_at=now,
            expires_at=now + LIFETIME,
        )
    )
    email = render(
        "package_bought",
        links,
        clinic=get_clinic(),
        purchase=purchase,
        paid=format_money(purchase.amount, purchase.currency),
        sign_in_url=links.my_link(token),
        minutes=int(LIFETIME.total_seconds() // 60),
        again_url=links.my_sign_in(),
    )
    enqueue(
        to=purchase.buyer_email,
        subject=email.subject,
        text=email.text,
        html=email.html,
        key=f"package-bought-{purchase.token}",
    )
