"""Cards on file (issue 14): the client's agreement to the clinic's fees, the checkouts
that save their card, and recording the card once the provider says it was saved.

A card is recorded on the Client only from a signed webhook, after the checkout was read
back from the provider (`after_deposit` for a deposit checkout that saved the card,
`settle_setup` for a setup-mode one). Events that come late, twice or out of order end
the same: an older checkout never replaces the card of a newer one.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa

from clinicsite import audit
from clinicsite.audit import STRIPE
from clinicsite.extensions import db
from clinicsite.models import Appointment, CardSetup, Client, ClinicSettings, FeeConsent, Payment
from clinicsite.money import format_money
from clinicsite.payments.gateway import CheckoutState, PaymentGateway, SavedCard, SetupRequest

# How long a setup checkout stays open (Stripe: 30 minutes to 24 hours).
SETUP_HOURS = 23
CARD_ERROR = "Please tick the box to agree to the fees, so that we can keep your card on file."


def asks_for_card(clinic: ClinicSettings) -> bool:
    """Online booking saves the card: the setting is on and there is a fee to agree to."""
    return bool(clinic.cards_on_file and (clinic.no_show_fee or clinic.late_cancel_fee))


def policy_words(clinic: ClinicSettings, no_show: int, late_cancel: int, currency: str) -> str:
    """The exact sentence the client agrees to, with the amounts."""
    money = lambda amount: format_money(amount, currency)  # noqa: E731
    parts = []
    if no_show:
        parts.append(f"a no-show fee of {money(no_show)} if I miss the appointment")
    if late_cancel:
        parts.append(
            f"a late-cancellation fee of {money(late_cancel)} if I cancel less than "
            f"{clinic.cancellation_window_hours} hours before it starts"
        )
    return (
        f"I agree that {clinic.name} keeps my card on file and may charge it "
        + " and ".join(parts)
        + ". A fee is never more than the price of the visit less the deposit kept, "
        "and I am emailed a receipt for any charge."
    )


def clinic_words(clinic: ClinicSettings) -> str:
    return policy_words(clinic, clinic.no_show_fee, clinic.late_cancel_fee, clinic.currency)


def consent_of(appointment: Appointment) -> FeeConsent | None:
    return db.session.scalar(sa.select(FeeConsent).filter_by(appointment_id=appointment.id))


def record_consent(
    appointment: Appointment, clinic: ClinicSettings, now: datetime, via: str = "online"
) -> FeeConsent:
    """Keep what the client agreed to with the appointment (once; the first stands) and
    commit."""
    existing = consent_of(appointment)
    if existing is not None:
        return existing
    consent = FeeConsent(
        appointment_id=appointment.id,
        agreed_at=now,
        words=clinic_words(clinic),
        no_show_fee=clinic.no_show_fee,
        late_cancel_fee=clinic.late_cancel_fee,
        currency=appointment.currency,
        via=via,
    )
    db.session.add(consent)
    audit.record(appointment, "agreed to the fees, card on file", audit.CLIENT, note=consent.words)
    db.session.commit()
    return consent


def wants_card(appointment: Appointment) -> bool:
    """The deposit checkout should also save the card (the client agreed to the fees)."""
    return appointment.id is not None and consent_of(appointment) is not None


def new_setup(appointment: Appointment, now: datetime) -> CardSetup:
    """A card setup to send by link (phone bookings); the caller commits."""
    setup = CardSetup(
        token=secrets.token_urlsafe(24), appointment=appointment, mode="setup", created_at=now
    )
    db.session.add(setup)
    return setup


def open_setup(appointment: Appointment) -> CardSetup | None:
    return db.session.scalar(
        sa.select(CardSetup)
        .where(CardSetup.appointment_id == appointment.id, CardSetup.status.in_(("new", "pending")))
        .order_by(CardSetup.id.desc())
        .limit(1)
    )


def setup_checkout_url(
    setup: CardSetup,
    gateway: PaymentGateway,
    now: datetime,
    success_url: str,
    cancel_url: str,
) -> str:
    """The hosted page that saves the card (mode "setup"), made once per setup, and commit."""
    if setup.status == "pending" and setup.checkout_url:
        return setup.checkout_url
    appointment = setup.appointment
    client = appointment.client
    session = gateway.create_setup_checkout(
        SetupRequest(
            reference=setup.token,
            currency=appointment.currency,
            customer_email=appointment.client_email,
            customer_name=appointment.client_name,
            success_url=success_url,
            cancel_url=cancel_url,
            expires_at=now + timedelta(hours=SETUP_HOURS),
            idempotency_key=f"card-setup-{setup.token}",
            customer_id=client.stripe_customer_id if client else None,
        )
    )
    setup.checkout_session_id, setup.checkout_url = session.id, session.url
    setup.status = "pending"
    db.session.commit()
    return session.url


def needs_setup_checkout(appointment: Appointment) -> bool:
    """A confirmed booking whose client agreed to the fees but paid no deposit by card (none
    was asked, or a gift card paid it): the card is saved by a checkout of its own."""
    return (
        appointment.status == "confirmed"
        and not any(p.checkout_session_id for p in appointment.payments)
        and consent_of(appointment) is not None
        and not _saved_for(appointment)
    )


def _saved_for(appointment: Appointment) -> bool:
    return (
        db.session.scalar(
            sa.select(CardSetup.id).where(
                CardSetup.appointment_id == appointment.id, CardSetup.status == "saved"
            )
        )
        is not None
    )


# -- webhooks -------------------------------------------------------------------------------


def setup_for_session(session_id: str) -> CardSetup | None:
    """The card setup of a checkout session, locked until commit."""
    return db.session.scalar(
        sa.select(CardSetup).where(CardSetup.checkout_session_id == session_id).with_for_update()
    )


def settle_setup(
    setup: CardSetup, state: CheckoutState, gateway: PaymentGateway, now: datetime
) -> str:
    """Bring a setup in line with the provider's account of its checkout; safe to repeat.
    The caller commits (a PaymentError: rolls back, and the provider sends it again)."""
    if setup.status == "saved":
        return "card already saved"
    if state.status == "expired":
        setup.status = "expired"
        return "card setup expired"
    if state.status != "complete":
        return "awaiting card"
    card = gateway.saved_card(state)
    if card is None:
        return "no card saved"
    setup.status, setup.saved_at = "saved", now
    return _keep(setup.appointment, card, setup.created_at, now)


def after_deposit(
    payment: Payment, state: CheckoutState, gateway: PaymentGateway, now: datetime
) -> str:
    """After a deposit checkout was settled: keep the card it saved, if the client agreed
    to the fees and the deposit was kept. Returns words to add to the outcome."""
    if not state.paid or payment.status != "paid" or consent_of(payment.appointment) is None:
        return ""
    card = gateway.saved_card(state)
    if card is None:
        return "; no card saved"
    return "; " + _keep(payment.appointment, card, payment.created_at, now)


def _keep(appointment: Appointment, card: SavedCard, asked_at: datetime, now: datetime) -> str:
    client: Client | None = appointment.client
    if client is None:
        return "card saved, but the booking has no client record"
    if client.card_saved_at is not None and client.card_saved_at > asked_at:
        return "a newer card is already on file"
    if client.card_payment_method_id == card.payment_method_id:
        return "card already saved"
    client.stripe_customer_id = card.customer_id
    client.card_payment_method_id = card.payment_method_id
    client.card_brand, client.card_last4 = card.brand, card.last4
    client.card_exp_month, client.card_exp_year = card.exp_month, card.exp_year
    client.card_saved_at = asked_at
    audit.record(appointment, "card saved on file", STRIPE, note=card_words(client))
    return "card saved"


def card_words(client: Client | None) -> str:
    """ "Visa ending 4242, expires 12/2034", or "" without a card on file."""
    if client is None or not client.card_payment_method_id:
        return ""
    words = f"{(client.card_brand or 'Card').title()} ending {client.card_last4}"
    if client.card_exp_month and client.card_exp_year:
        words += f", expires {client.card_exp_month:02d}/{client.card_exp_year}"
    return words
