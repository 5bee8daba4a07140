"""/booking/<token>: the client's own page for one booking (no login; the token is the
secret). It is also the confirmation page after checkout."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import Response, abort, flash, redirect, render_template, request, url_for

from clinicsite import clock, notifications
from clinicsite.appointments import cancellation, client_series, rescheduling
from clinicsite.appointments.errors import NotAllowed, PaymentError, SlotTaken
from clinicsite.booking import bp, selection
from clinicsite.booking.routes import to_checkout
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db, limiter
from clinicsite.models import Appointment, appointment_details
from clinicsite.payments import get_gateway
from clinicsite.scheduling.closures import StudioClosed, describe
from clinicsite.scheduling.rooms import NoRoomFree
from clinicsite.scheduling.travel_times import home_place


def appointment_or_404(token: str) -> Appointment:
    if not token or len(token) > 64:
        abort(404)
    appointment = db.session.scalar(
        sa.select(Appointment)
        .where(Appointment.token == token)
        .options(*appointment_details(payments=True))
    )
    if appointment is None:
        abort(404)
    return appointment


def state_of(appointment: Appointment, now) -> str:
    """What the client should be told: confirmed, awaiting-payment, hold-lapsed, ..."""
    if appointment.status == "held":
        return "awaiting-payment" if appointment.hold_expires_at > now else "hold-lapsed"
    return appointment.status


@bp.get("/booking/<token>")
@limiter.limit("60 per minute")
def manage(token: str):
    appointment, clinic, now = appointment_or_404(token), get_clinic(), clock.now()
    state = state_of(appointment, now)
    returned_from_checkout = request.args.get("paid") == "1"
    return render_template(
        "booking/manage.html",
        appointment=appointment,
        state=state,
        terms=cancellation.cancellation_terms(appointment, clinic, now),
        returned_from_checkout=returned_from_checkout,
        checkout_cancelled=request.args.get("checkout") == "cancelled",
        # Waiting for Stripe's webhook: the page refreshes itself until it has news. A
        # payment made as the hold lapsed is still decided by it (confirmed or refunded).
        refresh=returned_from_checkout
        and (
            state == "awaiting-payment"
            or (state == "hold-lapsed" and any(p.status == "pending" for p in appointment.payments))
        ),
        **client_series.manage_facts(appointment, clinic, now),
    )


@bp.get("/booking/<token>.ics")
def ics(token: str):
    appointment = appointment_or_404(token)
    if appointment.status not in ("confirmed", "completed", "cancelled"):
        abort(404)
    attachment = notifications.ics_attachment(
        appointment, cancelled=appointment.status == "cancelled", download=True
    )
    return Response(
        attachment["content"],
        mimetype="text/calendar",
        headers={"Content-Disposition": 'attachment; filename="appointment.ics"'},
    )


@bp.post("/booking/<token>/pay")
@limiter.limit("10 per minute")
def pay(token: str):
    appointment, now = appointment_or_404(token), clock.now()
    if state_of(appointment, now) != "awaiting-payment":
        flash("There is nothing to pay for this booking now.", "info")
        return redirect(url_for("booking.manage", token=token), code=303)
    return to_checkout(appointment)


@bp.route("/booking/<token>/cancel", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def cancel(token: str):
    appointment, clinic, now = appointment_or_404(token), get_clinic(), clock.now()
    if appointment.status not in ("held", "confirmed"):
        flash("This booking is not active any more.", "info")
        return redirect(url_for("booking.manage", token=token), code=303)
    terms = cancellation.cancellation_terms(appointment, clinic, now)
    if request.method == "POST":
        try:
            terms = cancellation.cancel(appointment, clinic, get_gateway(), now)
        except NotAllowed as exc:
            flash(str(exc), "error")
        except PaymentError:
            db.session.rollback()
            flash(
                "We could not reach the payment service to refund you. Nothing was "
                "cancelled; please try again in a minute or call us.",
                "error",
            )
        else:
            flash(
                "Your booking is cancelled."
                + (
                    " Your deposit is being refunded."
                    if terms.refundable and terms.deposit_paid
                    else ""
                ),
                "success",
            )
        return redirect(url_for("booking.manage", token=token), code=303)
    return render_template("booking/cancel.html", appointment=appointment, terms=terms)


@bp.route("/booking/<token>/reschedule", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def reschedule(token: str):
    appointment, clinic, now = appointment_or_404(token), get_clinic(), clock.now()
    terms = cancellation.cancellation_terms(appointment, clinic, now)
    if appointment.status != "confirmed" or not terms.refundable:
        flash("This booking cannot be moved online now. Please call us and we will help.", "error")
        return redirect(url_for("booking.manage", token=token), code=303)
    slots = _other_free_times(appointment, clinic, now)
    if request.method == "POST":
        return _move(appointment, slots, clinic, now)
    by_day: dict = {}
    for slot in slots:
        by_day.setdefault(slot.start.astimezone(clinic.tz).date(), []).append(slot)
    try:
        day = date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        day = None
    page = selection.page_of_days(
        [(d, len(by_day[d])) for d in sorted(by_day)], request.args.get("page"), day
    )
    if page.problem:
        flash(page.problem, "error")
    sel = selection.Selection(
        service=appointment.service,
        option=appointment.option,
        location=appointment.location,
        therapist=appointment.therapist,
    )
    return render_template(
        "booking/reschedule.html",
        appointment=appointment,
        sel=sel,
        day_page=page,
        days=page.days,
        day=day,
        times=by_day.get(day, []),
    ), (400 if page.problem else 200)


def _other_free_times(appointment: Appointment, clinic, now) -> list:
    """The appointment's therapist's free times at its location, bar its own."""
    first, last = selection.bookable_days(clinic, now)
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    slots = selection.find_slots(
        appointment.option,
        [appointment.therapist],
        days,
        clinic,
        now,
        location_id=appointment.location_id,
        exclude_appointment_id=appointment.id,
        extra_minutes=sum(a.extra_minutes for a in appointment.add_ons),
        place=home_place(appointment),
    )
    return [s for s in slots if s.start != appointment.starts_at]


def _move(appointment: Appointment, slots: list, clinic, now):
    """Move to the time posted, if it is one of `slots`; redirect either way."""
    token = appointment.token
    wanted = _instant(request.form.get("start"))
    chosen = next((s for s in slots if s.start == wanted), None)
    if chosen is None:
        flash("That time is not available any more. Please pick another.", "error")
        return redirect(url_for("booking.reschedule", token=token), code=303)
    try:
        rescheduling.reschedule(
            appointment, chosen.start, chosen.therapist, appointment.location, clinic, now
        )
    except StudioClosed as closed:
        flash(f"{describe(closed.closure, clinic.tz)}. Please pick another time.", "error")
    except NoRoomFree as full:
        flash(f"{full}: the last room was just taken. Please pick another time.", "error")
    except SlotTaken:
        flash("That time was just taken. Please pick another.", "error")
    except NotAllowed as exc:
        flash(str(exc), "error")
    else:
        flash("Your booking has moved. We have emailed you the new time.", "success")
        return redirect(url_for("booking.manage", token=token), code=303)
    return redirect(url_for("booking.reschedule", token=token), code=303)


def _instant(raw: str | None):
    """An ISO 8601 time with an offset, as an aware datetime; None when unreadable."""
    try:
        value = datetime.fromisoformat((raw or "").replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo is not None else None
