"""Fees on the appointment page: charge the no-show or late-cancellation fee to the card on
file, refund it, and email a phone-booked client the link that saves a card.

Who: admins and the appointment's own therapist charge a fee (the person who saw the
client not come, as they record a no-show and take payments at the studio); only admins
refund one, as money going back out is a decision for the clinic, not the front desk."""

from __future__ import annotations

from flask import flash, redirect, url_for

from clinicsite import clock, notifications
from clinicsite.appointments import card_on_file, fees
from clinicsite.appointments.errors import NotAllowed
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.models import Appointment, FeeCharge
from clinicsite.money import format_money
from clinicsite.payments import get_gateway
from clinicsite.payments.gateway import PaymentError
from clinicsite.staff import bp
from clinicsite.staff.auth import current_actor, get_or_404, owns_therapist, roles_required
from clinicsite.staff.cardfees.forms import CardLinkForm, ChargeForm, RefundForm
from clinicsite.templating import absolute_url


def may_see(appointment: Appointment, user) -> bool:
    return owns_therapist(appointment.therapist_id, user)


def back_to(appointment_id: int):
    url = url_for("staff.appointment", appointment_id=appointment_id) + "#fees-heading"
    return redirect(url, code=303)


@bp.post("/appointments/<appointment_id>/fees")
@roles_required("admin", "therapist")
def fee_charge(appointment_id):
    appt = get_or_404(Appointment, appointment_id, allowed=may_see)
    form = ChargeForm()
    if not form.validate() or form.kind.data not in fees.KIND_WORDS:
        flash("The form has expired; please reload the page and try again.", "error")
        return back_to(appt.id)
    try:
        row = fees.charge(
            appt,
            form.kind.data,
            form.token.data,
            current_actor(),
            get_gateway(),
            get_clinic(),
            clock.now(),
        )
    except NotAllowed as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return back_to(appt.id)
    flash(*reversed(fees.result_words(row)))
    return back_to(appt.id)


@bp.post("/fee-charges/<charge_id>/refund")
@roles_required("admin")
def fee_refund(charge_id):
    row = get_or_404(FeeCharge, charge_id)
    form = RefundForm()
    if not form.validate():
        for errors in form.errors.values():
            for message in errors:
                flash(f"Refund: {message}", "error")
        return back_to(row.appointment_id)
    try:
        fees.refund(
            row, form.minor, form.reason.data or "", current_actor(), get_gateway(), clock.now()
        )
    except NotAllowed as refused:
        db.session.rollback()
        flash(str(refused), "error")
    except PaymentError:
        flash("The payment service could not be reached; nothing was refunded. Try again.", "error")
    else:
        flash(f"Refunded {format_money(form.minor, row.currency)} of the fee.", "success")
    return back_to(row.appointment_id)


@bp.post("/appointments/<appointment_id>/card-link")
@roles_required("admin", "therapist")
def card_link_send(appointment_id):
    appt = get_or_404(Appointment, appointment_id, allowed=may_see)
    clinic = get_clinic()
    if not CardLinkForm().validate():
        flash("The form has expired; please reload the page and try again.", "error")
    elif not card_on_file.asks_for_card(clinic):
        flash("Cards on file are off in the clinic settings.", "error")
    elif appt.status not in ("confirmed", "held") or not appt.client_email:
        flash("Only an open booking with an email address can be sent the card link.", "error")
    else:
        setup = card_on_file.open_setup(appt) or card_on_file.new_setup(appt, clock.now())
        db.session.flush()
        url = absolute_url("booking.card_link", token=setup.token)
        notifications.card_link(appt, url, card_on_file.clinic_words(clinic))
        db.session.commit()
        flash(f"Emailed {appt.client_email} the link to save a card.", "success")
    return back_to(appt.id)


@bp.record_once
def offer_to_templates(state) -> None:
    """The appointment page's Fees section (staff/cardfees/_appointment.html) and the
    client page's card line read these."""

    def fee_view(appointment: Appointment) -> dict:
        clinic = get_clinic()
        kind = fees.kind_for(appointment, clinic)
        return {
            "consent": card_on_file.consent_of(appointment),
            "card": card_on_file.card_words(appointment.client),
            "charges": fees.charges_of(appointment),
            "due": fees.due(appointment, kind, clinic) if kind else None,
            "token": fees.new_token(),
            "link": card_on_file.asks_for_card(clinic)
            and appointment.status in ("confirmed", "held"),
        }

    state.app.jinja_env.globals.update(
        fee_view=fee_view,
        client_fee_charges=fees.charges_of_client,
        fee_kind_words=fees.KIND_WORDS,
        card_words=card_on_file.card_words,
        fee_result_words=fees.result_words,
    )
