"""One appointment in the staff area: details, history, and the actions on it. Every
action writes an audit event with the staff member, the time, and before/after."""

from __future__ import annotations

import csv
import io
from datetime import datetime, time, timedelta
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from clinicsite import audit, clock
from clinicsite.appointments import cancellation, outcomes, rescheduling
from clinicsite.appointments.deposit import deposit_of
from clinicsite.appointments.errors import NotAllowed, PaymentError, SlotTaken
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.models import Appointment, Location, Therapist, appointment_details
from clinicsite.payments import get_gateway
from clinicsite.scheduling.closures import StudioClosed, describe
from clinicsite.scheduling.rooms import NoRoomFree
from clinicsite.staff import bp
from clinicsite.staff.auth import (
    current_actor,
    get_or_404,
    owns_therapist,
    roles_required,
    row_id,
)
from clinicsite.staff.localtime import (
    LocalTimeError,
    format_offset,
    parse_day,
    parse_local,
    zone_offsets,
)
from clinicsite.text import spreadsheet_safe


def may_see(appointment: Appointment, user) -> bool:
    return owns_therapist(appointment.therapist_id, user)


def appointment_for_staff(appointment_id) -> Appointment:
    return get_or_404(Appointment, appointment_id, allowed=may_see)


@bp.get("/appointments/<appointment_id>")
@roles_required("admin", "therapist")
def appointment(appointment_id):
    appt = appointment_for_staff(appointment_id)
    clinic = get_clinic()
    therapists = db.session.scalars(
        sa.select(Therapist).where(Therapist.active).order_by(Therapist.position)
    ).all()
    local_start = appt.starts_at.astimezone(clinic.tz)
    return render_template(
        "staff/appointment.html",
        appointment=appt,
        history=audit.history(appt),
        terms=cancellation.cancellation_terms(appt, clinic, clock.now()),
        therapists=therapists if current_user.role == "admin" else [appt.therapist],
        locations=move_locations(appt),
        local_start=local_start,
        # The move form posts the offset too, so the second 01:30 of a fall-back night
        # stays the second one when the form is sent back unchanged.
        start_offset=format_offset(local_start.utcoffset()),
        offsets=zone_offsets(clinic.tz, appt.starts_at),
        undo_until=outcomes.undo_until(appt, clock.now()),
        map_link=map_link(appt),
    )


def move_locations(appt: Appointment) -> list[Location]:
    """Where the move form may put the visit: a studio visit to any open studio; a home
    visit stays at its home-visit hours, so it keeps the client's address."""
    if appt.at_home:
        return [appt.location]
    return list(
        db.session.scalars(sa.select(Location).where(Location.active, Location.kind == "studio"))
    )


def map_link(appt: Appointment) -> str | None:
    """A search for a home visit's address on OpenStreetMap: a plain link, so the page loads
    nothing from another site."""
    if not appt.home_address:
        return None
    return "https://www.openstreetmap.org/search?" + urlencode({"query": appt.home_address})


def back(appt: Appointment):
    return redirect(url_for("staff.appointment", appointment_id=appt.id), code=303)


@bp.post("/appointments/<appointment_id>/status")
@roles_required("admin", "therapist")
def appointment_status(appointment_id):
    appt = appointment_for_staff(appointment_id)
    try:
        done = outcomes.record_outcome(
            appt, request.form.get("status"), current_actor(), clock.now()
        )
    except NotAllowed as refused:
        flash(str(refused), "error")
        return back(appt)
    flash(f"Marked {done}.", "success")
    return back(appt)


@bp.post("/appointments/<appointment_id>/status/undo")
@roles_required("admin", "therapist")
def appointment_status_undo(appointment_id):
    appt = appointment_for_staff(appointment_id)
    try:
        undone = outcomes.undo_outcome(appt, current_actor(), clock.now())
    except NotAllowed as refused:
        flash(str(refused), "error")
        return back(appt)
    flash(f"The {undone} mark is undone: the appointment is confirmed again.", "success")
    return back(appt)


@bp.post("/appointments/<appointment_id>/notes")
@roles_required("admin", "therapist")
def appointment_notes(appointment_id):
    appt = appointment_for_staff(appointment_id)
    notes = (request.form.get("staff_notes") or "").strip()
    if len(notes) > 5000:
        flash("Notes can be at most 5000 characters; nothing was saved.", "error")
        return back(appt)
    before = audit.snapshot(appt)
    appt.staff_notes = notes
    audit.record(appt, "notes changed", current_actor(), before)
    db.session.commit()
    flash("Notes saved.", "success")
    return back(appt)


@bp.post("/appointments/<appointment_id>/cancel")
@roles_required("admin")
def appointment_cancel(appointment_id):
    appt = appointment_for_staff(appointment_id)
    choice = request.form.get("refund")
    if choice not in ("yes", "no"):
        flash("Please choose whether to refund the deposit.", "error")
        return back(appt)
    try:
        cancellation.cancel(
            appt,
            get_clinic(),
            get_gateway(),
            clock.now(),
            refund_deposit=choice == "yes",
            actor=current_actor(),
            note=(request.form.get("reason") or "").strip()[:500],
        )
    except NotAllowed as exc:
        flash(str(exc), "error")
    except PaymentError:
        db.session.rollback()
        flash("The payment provider could not be reached; nothing was cancelled.", "error")
    else:
        flash("Cancelled" + (" and the deposit refunded." if choice == "yes" else "."), "success")
    return back(appt)


@bp.post("/appointments/<appointment_id>/move")
@roles_required("admin", "therapist")
def appointment_move(appointment_id):
    """Move to any time that is free for the chosen therapist: staff may book outside
    published hours, but never onto another appointment (the same lock as online)."""
    appt = appointment_for_staff(appointment_id)
    clinic = get_clinic()
    try:
        starts_at = parse_local(
            request.form.get("date"),
            request.form.get("time"),
            clinic.tz,
            request.form.get("offset"),
            ask_when_repeated=True,
        )
    except LocalTimeError as exc:
        flash(str(exc), "error")
        return back(appt)
    therapist = db.session.get(Therapist, _int(request.form.get("therapist_id")) or -1)
    location = db.session.get(Location, _int(request.form.get("location_id")) or -1)
    if therapist is None or location is None or not owns_therapist(therapist.id, current_user):
        flash("Please choose a therapist and a studio.", "error")
        return back(appt)
    if location.mobile != appt.at_home:
        flash(
            "A home visit stays at the client's address and a studio visit at a studio; "
            "nothing was moved.",
            "error",
        )
        return back(appt)
    if (starts_at, therapist.id, location.id) == (
        appt.starts_at,
        appt.therapist_id,
        appt.location_id,
    ):
        flash("That is where the appointment already is; nothing was moved.", "info")
        return back(appt)
    try:
        rescheduling.reschedule(
            appt,
            starts_at,
            therapist,
            location,
            clinic,
            clock.now(),
            enforce_policy=False,
            actor=current_actor(),
        )
    except StudioClosed as closed:
        flash(f"{describe(closed.closure, clinic.tz)}; nothing was moved.", "error")
    except NoRoomFree as full:
        flash(f"{full}; nothing was moved.", "error")
    except SlotTaken:
        flash(
            f"{therapist.name} already has an appointment at that time; nothing was moved.", "error"
        )
    except NotAllowed as exc:
        flash(str(exc), "error")
    else:
        flash("Moved. The client has been emailed the new time.", "success")
    return back(appt)


def _int(raw) -> int | None:
    return row_id(raw)


CSV_COLUMNS = [
    "id",
    "start (local)",
    "end (local)",
    "status",
    "service",
    "minutes",
    "therapist",
    "studio",
    "client",
    "email",
    "phone",
    "price",
    "deposit",
    "deposit paid",
    "refunded",
    "source",
    "booked at (UTC)",
]


@bp.get("/appointments.csv")
@roles_required("admin")
def appointments_csv():
    clinic = get_clinic()
    try:
        first = parse_day(request.args.get("from"))
        last = parse_day(request.args.get("to"))
    except LocalTimeError as exc:
        abort(400, f"The range, from=YYYY-MM-DD&to=YYYY-MM-DD: {exc}")
    if last < first or (last - first).days > 366:
        abort(400, "The range must run forwards and cover at most 366 days.")
    start = datetime.combine(first, time.min, clinic.tz)
    end = datetime.combine(last + timedelta(days=1), time.min, clinic.tz)
    rows = db.session.scalars(
        sa.select(Appointment)
        .where(Appointment.starts_at >= start, Appointment.starts_at < end)
        .order_by(Appointment.starts_at)
        .options(*appointment_details(payments=True))
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    writer.writerows([spreadsheet_safe(v) for v in csv_row(a, clinic.tz)] for a in rows)
    filename = f"appointments-{first.isoformat()}-to-{last.isoformat()}.csv"
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def csv_row(a: Appointment, tz) -> tuple:
    """One appointment as the CSV_COLUMNS: times in the clinic's zone, money in dollars; the
    deposit paid and refunded over every part (a gift card's and a card's)."""
    paid = deposit_of(a)
    return (
        a.id,
        a.starts_at.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z"),
        a.ends_at.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z"),
        a.status,
        a.service.name,
        a.option.duration_minutes,
        a.therapist.name,
        a.location.name,
        a.client_name,
        a.client_email,
        a.client_phone,
        a.price / 100,
        a.deposit / 100,
        paid.paid / 100,
        paid.refunded / 100,
        a.source,
        a.created_at.strftime("%Y-%m-%d %H:%M"),
    )
