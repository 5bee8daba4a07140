"""Cards on file in booking (issue 14): the "I agree" tick of the details step, the
setup-mode checkout after a booking without a deposit, the page a phone-booked client
reaches from the link staff email, and the fake gateway's card page for local demos.

The routes call here in a line or two; what happens to the card is in
appointments/card_on_file.py."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from clinicsite import clock
from clinicsite.appointments import card_on_file
from clinicsite.booking import bp
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.models import Appointment, CardSetup, ClinicSettings
from clinicsite.payments import get_gateway
from clinicsite.payments.gateway import CheckoutState, PaymentError
from clinicsite.templating import absolute_url

AGREE_FIELD = "fees_agreed"


def agreed(form, clinic: ClinicSettings) -> bool:
    """The details form's tick: required when the clinic keeps cards on file. A missing
    tick becomes the form's error (shown by the partial), so the page answers 422."""
    if not card_on_file.asks_for_card(clinic) or request.form.get(AGREE_FIELD) == "yes":
        return True
    form.form_errors.append(card_on_file.CARD_ERROR)
    return False


def after_hold(appointment: Appointment, clinic: ClinicSettings) -> None:
    """Keep the client's agreement with the booking just made."""
    if card_on_file.asks_for_card(clinic) and request.form.get(AGREE_FIELD) == "yes":
        card_on_file.record_consent(appointment, clinic, clock.now())


def to_card_setup(appointment: Appointment):
    """A confirmed booking without a deposit whose client agreed: to the page that saves
    the card. None when there is nothing to save."""
    if not card_on_file.needs_setup_checkout(appointment):
        return None
    setup = card_on_file.open_setup(appointment) or card_on_file.new_setup(appointment, clock.now())
    return _to_checkout(setup)


def _to_checkout(setup: CardSetup):
    manage = url_for("booking.manage", token=setup.appointment.token)
    try:
        url = card_on_file.setup_checkout_url(
            setup,
            get_gateway(),
            clock.now(),
            success_url=absolute_url("booking.manage", token=setup.appointment.token, card=1),
            cancel_url=absolute_url("booking.card_link", token=setup.token),
        )
    except PaymentError:
        db.session.rollback()
        flash(
            "Your booking is confirmed, but we could not reach the payment service to save "
            "your card. Please try again from the link in your email, or call us.",
            "error",
        )
        return redirect(manage, code=303)
    return redirect(url, code=303)


@bp.route("/book/card/<token>", methods=["GET", "POST"])
def card_link(token: str):
    """The link emailed to a client booked by phone: the fees in words and amounts, an
    "I agree" tick, then the provider's page that saves the card."""
    if len(token) > 64:
        abort(404)
    setup = db.session.scalar(db.select(CardSetup).filter_by(token=token))
    if setup is None:
        abort(404)
    clinic, appointment = get_clinic(), setup.appointment
    if setup.status == "saved":
        flash("Thank you: your card is on file.", "success")
        return redirect(url_for("booking.manage", token=appointment.token), code=303)
    if appointment.status not in ("confirmed", "held"):
        abort(410, "This booking is no longer open, so there is no card to save for it.")
    problem = None
    if request.method == "POST":
        if not FlaskForm().validate_on_submit():  # the CSRF token
            abort(400, "The form has expired; please reload the page and try again.")
        if request.form.get(AGREE_FIELD) == "yes":
            card_on_file.record_consent(appointment, clinic, clock.now(), via="link")
            if setup.status == "expired":
                setup = card_on_file.new_setup(appointment, clock.now())
                db.session.commit()
            return _to_checkout(setup)
        problem = card_on_file.CARD_ERROR
    return render_template(
        "booking/card_link.html",
        appointment=appointment,
        words=card_on_file.clinic_words(clinic),
        problem=problem,
    ), (422 if problem else 200)


@bp.route("/card/test/<session_id>", methods=["GET", "POST"])
def fake_card_setup(session_id: str):
    """The fake gateway's page that saves a card (local demos only)."""
    gateway = get_gateway()
    if gateway.name != "fake":
        abort(404)
    setup = card_on_file.setup_for_session(session_id)
    if setup is None:
        abort(404)
    if request.method == "POST":
        state = CheckoutState(session_id, "complete", "no_payment_required", None, None, None)
        card_on_file.settle_setup(setup, state, gateway, clock.now())
        db.session.commit()
        flash("Test card saved (no card is charged).", "success")
        return redirect(url_for("booking.manage", token=setup.appointment.token), code=303)
    db.session.commit()
    return render_template("booking/fake_card_setup.html", setup=setup)


def after_fake_payment(payment, gateway, now) -> None:
    """The fake deposit page paid: keep the test card too, as the webhook would."""
    state = CheckoutState(
        payment.checkout_session_id or "",
        "complete",
        "paid",
        payment.amount,
        payment.currency.upper(),
        payment.payment_intent_id,
    )
    card_on_file.after_deposit(payment, state, gateway, now)
    db.session.commit()


@bp.record_once
def offer_to_templates(state) -> None:
    """What the details step's partial (booking/_cards_on_file.html) reads."""

    def fee_policy_words(clinic: ClinicSettings) -> str:
        return card_on_file.clinic_words(clinic) if card_on_file.asks_for_card(clinic) else ""

    state.app.jinja_env.globals.update(
        fee_policy_words=fee_policy_words, card_agreement_error=card_on_file.CARD_ERROR
    )
