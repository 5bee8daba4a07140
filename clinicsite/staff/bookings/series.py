"""Standing appointments in the staff area: book a series (a phone booking that repeats
every N weeks, M times), see it with the visits that could not be booked and their
nearest free times, and move or cancel it from one visit onward."""

from __future__ import annotations

from datetime import datetime, time

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from clinicsite import clock
from clinicsite.appointments import series as series_domain
from clinicsite.appointments import series_changes
from clinicsite.appointments.errors import NotAllowed, PaymentError, SlotTaken
from clinicsite.appointments.holding import ClientDetails, HoldRequest
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.models import Location, Series, ServiceOption, Therapist
from clinicsite.pagination import requested_page
from clinicsite.payments import get_gateway
from clinicsite.staff import bp
from clinicsite.staff.auth import current_actor, get_or_404, owns_therapist, roles_required, row_id
from clinicsite.staff.bookings.appointments import appointment_for_staff, back
from clinicsite.staff.bookings.phone import fill_choices, prefill
from clinicsite.staff.bookings.series_forms import SeriesForm
from clinicsite.staff.localtime import LocalTimeError, parse_local

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def may_see(series: Series, user) -> bool:
    return owns_therapist(series.therapist_id, user)


@bp.route("/series/new", methods=["GET", "POST"])
@roles_required("admin", "therapist")
def series_new():
    form = SeriesForm()
    fill_choices(form)
    if request.method == "GET":
        prefill(form, request.args)
    elif form.validate_on_submit():
        result = _book(form)
        if result is not None:
            _report(result)
            return redirect(url_for("staff.series", series_id=result.series.id), code=303)
    return render_template("staff/series_new.html", form=form), 422 if form.errors else 200


def _book(form: SeriesForm):
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
    if option.service not in therapist.services:
        form.therapist.errors.append(f"{therapist.name} does not offer {option.service.name}.")
        return None
    actor = current_actor()
    client = ClientDetails(
        form.name.data, form.email.data or "", form.phone.data or "", form.notes.data or ""
    )
    first = HoldRequest(option, therapist, location, starts_at, client, source="phone", actor=actor)
    try:
        return series_domain.book_series(
            first, form.every_weeks.data, form.count.data, actor, now, clinic
        )
    except series_domain.SeriesError as exc:
        form.date.errors.append(str(exc))
        return None


def _report(result: series_domain.SeriesResult) -> None:
    booked, missed = len(result.booked), len(result.missed)
    emailed = " The client has been emailed the list." if result.series.client_email else ""
    if not booked:
        flash("None of the visits could be booked: choose other times below.", "error")
    elif missed:
        flash(
            f"Booked {booked} of {booked + missed} visits.{emailed} "
            f"{missed} could not be booked at their time: the nearest free times are below.",
            "info",
        )
    else:
        flash(f"Booked all {booked} visits.{emailed}", "success")


@bp.get("/series/")
@roles_required("admin", "therapist")
def series_list():
    """Every standing appointment (a therapist: their own), the latest booked first."""
    query = sa.select(Series).options(selectinload(Series.therapist), selectinload(Series.service))
    if current_user.role != "admin":
        query = query.where(Series.therapist_id == current_user.therapist_id)
    page = db.paginate(
        query.order_by(Series.id.desc()), page=requested_page(), per_page=50, error_out=False
    )
    return render_template("staff/series_list.html", page=page)


def series_for_staff(series_id: int) -> Series:
    return get_or_404(Series, series_id, allowed=may_see)


@bp.get("/series/<int:series_id>")
@roles_required("admin", "therapist")
def series(series_id: int):
    standing = series_for_staff(series_id)
    occurrences = series_domain.series_occurrences(standing, get_clinic(), clock.now())
    return render_template("staff/series.html", series=standing, occurrences=occurrences)


@bp.post("/series/<int:series_id>/book")
@roles_required("admin", "therapist")
def series_book_alternative(series_id: int):
    """Book one of the visits that could not be booked, at one of its alternatives."""
    standing = series_for_staff(series_id)
    position = row_id(request.form.get("position"))
    location_id = row_id(request.form.get("location_id"))
    try:
        starts_at = datetime.fromisoformat(request.form.get("starts_at") or "")
    except ValueError:
        starts_at = None
    if position is None or location_id is None or starts_at is None or starts_at.tzinfo is None:
        abort(400)
    try:
        series_domain.book_alternative(
            standing, position, starts_at, location_id, current_actor(), clock.now(), get_clinic()
        )
    except series_domain.SeriesError as exc:
        flash(str(exc), "error")
    except SlotTaken:
        flash("That time has just been taken; choose another.", "error")
    else:
        flash(f"Visit {position} booked.", "success")
    return redirect(url_for("staff.series", series_id=standing.id), code=303)


@bp.post("/appointments/<appointment_id>/series/move")
@roles_required("admin", "therapist")
def series_move(appointment_id):
    appt = appointment_for_staff(appointment_id)
    weekday = row_id(request.form.get("weekday"))  # 1 = Monday: row_id refuses 0
    try:
        at = time.fromisoformat((request.form.get("time") or "").strip())
    except ValueError:
        at = None
    if weekday is None or not 1 <= weekday <= 7 or at is None or at.tzinfo is not None:
        flash("Please choose a day of the week and a time (HH:MM).", "error")
        return back(appt)
    try:
        result = series_changes.move_from(
            appt, weekday - 1, at, current_actor(), clock.now(), get_clinic()
        )
    except NotAllowed as exc:
        flash(str(exc), "error")
        return back(appt)
    _report_move(result)
    return back(appt)


def _report_move(result: series_changes.MoveResult) -> None:
    if result.moved:
        flash(f"Moved {len(result.moved)} visits; each client email is on its way.", "success")
    for conflict in result.conflicts:
        flash(
            f"Visit {conflict.appointment.series_position} was not moved to "
            f"{conflict.wanted:%A %B %-d, %H:%M}: {conflict.reason}.",
            "error",
        )
    if not result.moved and not result.conflicts:
        flash("Nothing to move: the visits are already at that time.", "info")


@bp.post("/appointments/<appointment_id>/series/cancel")
@roles_required("admin")
def series_cancel(appointment_id):
    appt = appointment_for_staff(appointment_id)
    try:
        cancelled = series_changes.cancel_from(
            appt,
            current_actor(),
            clock.now(),
            get_clinic(),
            get_gateway(),
            note=(request.form.get("reason") or "").strip()[:500],
        )
    except NotAllowed as exc:
        flash(str(exc), "error")
        return back(appt)
    except PaymentError:
        db.session.rollback()
        flash("The payment provider could not be reached; some visits were not cancelled.", "error")
        return back(appt)
    flash(f"Cancelled {len(cancelled)} visits, this one and the later ones.", "success")
    return redirect(url_for("staff.series", series_id=appt.series_id), code=303)


@bp.app_template_global()
def series_weekdays() -> list[tuple[int, str]]:
    """The appointment page's "move this and later" choices: (1 = Monday, its name)."""
    return list(enumerate(WEEKDAYS, 1))
