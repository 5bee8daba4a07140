"""/booking/<token>/repeat: a client makes their booking a standing appointment, when the
clinic allows it (appointments/client_series.py has the rules and the deposit policy).
GET only shows the form and the dates (mail scanners follow links); POST books.
/booking/<token>/series/book books a visit that could not be booked at one of the
nearest free times offered."""

from __future__ import annotations

from datetime import datetime

from flask import abort, flash, redirect, render_template, request, url_for

from clinicsite import clock
from clinicsite.appointments import client_series
from clinicsite.appointments import series as series_domain
from clinicsite.appointments.errors import SlotTaken
from clinicsite.audit import CLIENT
from clinicsite.booking import bp
from clinicsite.booking.manage import appointment_or_404
from clinicsite.booking.repeat_forms import RepeatForm
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db, limiter
from clinicsite.scheduling.holds import overlaps


@bp.route("/booking/<token>/repeat", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def repeat(token: str):
    clinic = get_clinic()
    if not clinic.clients_book_series:
        abort(404)
    appointment, now = appointment_or_404(token), clock.now()
    reason = client_series.why_not(appointment, clinic, now)
    if reason:
        flash(reason, "info")
        return redirect(url_for("booking.manage", token=token), code=303)
    most = client_series.max_visits(clinic)
    if request.method == "POST":
        form = RepeatForm().offer_up_to(most)
        if form.validate_on_submit():
            return _book(appointment, form, clinic, now)
    else:
        form = RepeatForm(request.args or None, meta={"csrf": False}).offer_up_to(most)
        if request.args:
            form.validate()
    try:
        plan = [] if form.errors else _plan(appointment, form, clinic, now)
    except series_domain.SeriesError as exc:
        flash(str(exc), "error")
        return redirect(url_for("booking.manage", token=token), code=303)
    return render_template(
        "booking/repeat.html", appointment=appointment, form=form, plan=plan, most=most
    ), (422 if form.errors else 200)


def _plan(appointment, form, clinic, now) -> list[tuple[datetime, str]]:
    """Each visit's local time and what is known of it now: "booked" (this one), "free",
    or "not free" (the nearest free times are offered once booked)."""
    wanted = client_series.planned_times(
        appointment, form.every_weeks.data, form.count.data, clinic
    )
    open_ = client_series.open_starts(appointment, wanted[1:], clinic, now)
    plan = [(appointment.starts_at, "booked")]
    for local in wanted[1:]:
        start = local.replace(tzinfo=clinic.tz)
        utc = start.astimezone(appointment.starts_at.tzinfo)
        blocks = utc + (appointment.blocks_until - appointment.starts_at)
        free = utc in open_ and not overlaps(appointment.therapist_id, utc, blocks, now)
        plan.append((start, "free" if free else "not free"))
    return plan


def _book(appointment, form, clinic, now):
    token = appointment.token
    try:
        result = client_series.extend_into_series(
            appointment, form.every_weeks.data, form.count.data, CLIENT, now, clinic
        )
    except series_domain.SeriesError as exc:
        flash(str(exc), "error")
        return redirect(url_for("booking.manage", token=token), code=303)
    booked, missed = len(result.booked), len(result.missed)
    emailed = " We have emailed you the list." if appointment.client_email else ""
    if missed:
        flash(
            f"Booked {booked} of {booked + missed} visits.{emailed} {missed} could not be "
            "booked at the usual time: pick one of the nearest free times below.",
            "info",
        )
    else:
        flash(f"Your standing appointment is booked: all {booked} visits.{emailed}", "success")
    return redirect(url_for("booking.manage", token=token), code=303)


@bp.post("/booking/<token>/series/book")
@limiter.limit("10 per minute")
def series_book(token: str):
    """Book a visit of this booking's series at one of the nearest free times offered."""
    clinic = get_clinic()
    if not clinic.clients_book_series:
        abort(404)
    appointment, now = appointment_or_404(token), clock.now()
    if appointment.series is None:
        abort(404)
    back = redirect(url_for("booking.manage", token=token), code=303)
    position = request.form.get("position", "")
    wanted = request.form.get("starts_at", "")
    occurrence = next(
        (
            o
            for o in client_series.visits_of(appointment, clinic, now)
            if str(o.position) == position and o.appointment is None
        ),
        None,
    )
    slot = occurrence and next(
        (s for s in occurrence.alternatives if s.start.isoformat() == wanted), None
    )
    if not slot:
        flash("That time is not offered any more; please pick another.", "error")
        return back
    try:
        series_domain.book_alternative(
            appointment.series,
            occurrence.position,
            slot.start,
            slot.location_id,
            CLIENT,
            now,
            clinic,
        )
    except series_domain.SeriesError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    except SlotTaken:
        flash("That time has just been taken; please pick another.", "error")
    else:
        flash(f"Visit {occurrence.position} is booked. We have emailed you the details.", "success")
    return back
