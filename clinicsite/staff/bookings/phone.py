"""Booking a client who called: any free time of the therapist (published hours or not),
with the deposit waived or a payment link emailed to the client. The page lists the free
times of a therapist's day (a plain GET form), takes a client with a phone number and no
email, and records a walk-in afterwards (no emails, no reminder)."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from clinicsite import clock, notifications
from clinicsite.appointments.checkout import MIN_CHECKOUT_MINUTES, checkout_url
from clinicsite.appointments.errors import PaymentError, SlotTaken
from clinicsite.appointments.holding import ClientDetails, HoldRequest, hold
from clinicsite.calendars.busy import busy_elsewhere
from clinicsite.clinic import get_clinic
from clinicsite.coupons import uses
from clinicsite.coupons.rules import CouponRefused, Priced, price
from clinicsite.extensions import db
from clinicsite.models import Location, Service, ServiceOption, Therapist
from clinicsite.payments import get_gateway
from clinicsite.scheduling.closures import StudioClosed, describe
from clinicsite.scheduling.rooms import NoRoomFree
from clinicsite.staff import bp
from clinicsite.staff.auth import current_actor, roles_required
from clinicsite.staff.bookings.forms import PAST_DAYS, PhoneBookingForm
from clinicsite.staff.bookings.free_times import free_times
from clinicsite.staff.localtime import LocalTimeError, parse_local, zone_offsets
from clinicsite.templating import absolute_url
from clinicsite.timefmt import long_datetime

# Stripe lets a Checkout Session live at most 24 hours.
LINK_HOLD_MINUTES = 24 * 60 - 5


def link_hold_minutes(starts_at, now) -> int:
    """How long a payment link holds the time: up to LINK_HOLD_MINUTES, and never past the
    start of the visit (the hold's expiry is this many minutes plus one from now)."""
    until_start = int((starts_at - now).total_seconds() // 60)
    return min(LINK_HOLD_MINUTES, until_start - 1)


def fill_choices(form: PhoneBookingForm) -> None:
    options = db.session.execute(
        sa.select(ServiceOption, Service)
        .join(Service)
        .where(Service.active, ServiceOption.active)
        .order_by(Service.position, ServiceOption.duration_minutes)
    ).all()
    form.option.choices = [
        SelectChoice(str(o.id), f"{s.name}, {o.duration_minutes} min") for o, s in options
    ]
    therapists = sa.select(Therapist).where(Therapist.active).order_by(Therapist.position)
    if current_user.role == "therapist":
        therapists = therapists.where(Therapist.id == current_user.therapist_id)
    form.therapist.choices = [
        SelectChoice(str(t.id), t.name) for t in db.session.scalars(therapists)
    ]
    form.offset.choices = [SelectChoice("", "The only one that day")] + [
        SelectChoice(value, label) for value, label in zone_offsets(get_clinic().tz, clock.now())
    ]
    form.location.choices = [
        SelectChoice(str(loc.id), loc.name)
        # Studios: a visit at a client's address needs the address (booked online for now).
        for loc in db.session.scalars(
            sa.select(Location).where(Location.active, Location.kind == "studio")
        )
    ]


@bp.route("/book", methods=["GET", "POST"])
@roles_required("admin", "therapist")
def phone_booking():
    form = PhoneBookingForm()
    fill_choices(form)
    if request.method == "GET":
        prefill(form, request.args)
    elif form.validate_on_submit():
        appointment = _book(form)
        if appointment is not None:
            return redirect(url_for("staff.appointment", appointment_id=appointment.id), code=303)
    free = free_times(form, request.args if request.method == "GET" else {})
    status = 422 if form.errors else (400 if free.problem else 200)
    return render_template("staff/phone_booking.html", form=form, free=free), status


def prefill(form: PhoneBookingForm, args) -> None:
    """Fill the choices from the "show free times" form or a chosen time's link."""
    for name in ("option", "therapist", "location", "offset"):
        raw = (args.get(name) or "").strip()
        if raw in {choice.value for choice in getattr(form, name).choices}:
            getattr(form, name).data = raw
    for name in ("date", "time"):
        raw = (args.get(name) or "").strip()
        if raw and len(raw) <= 10:
            getattr(form, name).data = raw


def _book(form: PhoneBookingForm):
    clinic, now = get_clinic(), clock.now()
    option = db.session.get(ServiceOption, int(form.option.data))
    therapist = db.session.get(Therapist, int(form.therapist.data))
    location = db.session.get(Location, int(form.location.data))
    try:
        starts_at = parse_local(
            form.date.data, form.time.data, clinic.tz, form.offset.data, ask_when_repeated=True
        )
    except LocalTimeError as exc:
        form.time.errors.append(str(exc))
        return None
    afterwards = bool(form.afterwards.data)
    if not _check_when(form, starts_at, now, afterwards):
        return None
    if option.service not in therapist.services:
        form.therapist.errors.append(f"{therapist.name} does not offer {option.service.name}.")
        return None
    priced = _coupon(form, option, clinic, now)
    if form.coupon.errors:
        return None
    deposit = priced.deposit if priced else option.deposit
    waive = afterwards or form.payment.data != "link" or deposit == 0
    hold_minutes = None if waive else link_hold_minutes(starts_at, now)
    if hold_minutes is not None and hold_minutes < MIN_CHECKOUT_MINUTES:
        form.payment.errors = [
            f"The visit starts too soon for a payment link (it must stay open at least "
            f"{MIN_CHECKOUT_MINUTES} minutes): waive the deposit and take it at the studio."
        ]
        return None
    hold_request = HoldRequest(
        option,
        therapist,
        location,
        starts_at,
        _client(form),
        source="walk-in" if afterwards else "phone",
        actor=current_actor(),
        deposit=0 if waive else deposit,
        hold_minutes=hold_minutes,
        afterwards=afterwards,
        under_lock=_take_coupon(priced, clinic),
    )
    try:
        appointment = hold(hold_request, clinic, now)
    except StudioClosed as closed:
        form.time.errors.append(
            f"{describe(closed.closure, clinic.tz)}. Remove the closure first to book then."
        )
        return None
    except NoRoomFree as full:
        form.time.errors.append(f"{full}: {therapist.name} is free, but the studio is full.")
        return None
    except SlotTaken:
        form.time.errors.append(f"{therapist.name} already has an appointment then.")
        return None
    except CouponRefused as refused:
        db.session.rollback()
        form.coupon.errors.append(str(refused))
        return None
    _tell_staff(appointment, afterwards, waive)
    if not afterwards and busy_elsewhere(therapist.id, appointment.starts_at, appointment.ends_at):
        flash(
            f"Booked over a busy time in {therapist.name}'s own calendar: make sure they know.",
            "warning",
        )
    return appointment


def _coupon(form: PhoneBookingForm, option: ServiceOption, clinic, now) -> Priced | None:
    """The code the client read out, applied to the price and deposit of the chosen length
    (the same rules as online); a code that cannot be used is the field's error."""
    if not form.coupon.data:
        return None
    try:
        return price(form.coupon.data, option.service, option.price, option.deposit, clinic, now)
    except CouponRefused as refused:
        form.coupon.errors.append(str(refused))
        return None


def _take_coupon(priced: Priced | None, clinic):
    """The hold's step that records the use, under the coupon's row lock."""
    if priced is None:
        return None

    def take(appointment, now) -> None:
        uses.take(priced, appointment, clinic, now)

    return take


def _client(form: PhoneBookingForm) -> ClientDetails:
    return ClientDetails(
        name=form.name.data,
        email=form.email.data or "",
        phone=form.phone.data or "",
        notes=form.notes.data or "",
        sms_consent=bool(form.sms_consent.data),
    )


def _tell_staff(appointment, afterwards: bool, waive: bool) -> None:
    """Say what the client was sent, sending the payment link when the deposit is asked."""
    if afterwards:
        flash("Visit recorded. Nothing was emailed and no reminder will be sent.", "success")
    elif waive and appointment.client_email:
        flash("Booked and confirmed; the client has been emailed.", "success")
    elif waive:
        flash("Booked and confirmed. No email was sent: the client gave no address.", "success")
    else:
        _send_link(appointment)


def _check_when(form: PhoneBookingForm, starts_at, now, afterwards: bool) -> bool:
    """A future time books; a past one only when marked as a visit recorded afterwards,
    and not longer ago than PAST_DAYS."""
    if afterwards and starts_at > now:
        form.afterwards.errors = [
            "That time is still to come: untick this to book it (the client gets emails)."
        ]
        return False
    if starts_at <= now and not afterwards:
        form.date.errors.append(
            "That time has already passed. To enter a visit that happened, tick "
            '"Record a visit that already happened" below.'
        )
        return False
    if afterwards and starts_at < now - timedelta(days=PAST_DAYS):
        form.date.errors.append(f"Visits can be recorded up to {PAST_DAYS} days afterwards.")
        return False
    if afterwards and form.payment.data == "link":
        form.payment.errors = ["A visit that already happened has no payment link: waive it."]
        return False
    return True


def _send_link(appointment) -> None:
    try:
        url = checkout_url(
            appointment,
            get_gateway(),
            success_url=absolute_url("booking.manage", token=appointment.token, paid=1),
            cancel_url=absolute_url("booking.manage", token=appointment.token),
        )
    except PaymentError:
        db.session.rollback()
        flash(
            "Held, but the payment provider could not be reached: the client can pay from "
            "the booking page, or try again from here.",
            "error",
        )
        return
    notifications.payment_link(appointment, url)
    db.session.commit()
    until = long_datetime(appointment.hold_expires_at, get_clinic().tz)
    flash(f"Held until {until}; the payment link has been emailed to the client.", "success")
