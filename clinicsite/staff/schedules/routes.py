"""Staff: therapists' schedules (weekly hours, time off, extra hours).

Admins manage every therapist; a therapist account only its own profile. Public
availability is computed from these rows on every request, so a change shows at once.
Calendar feeds are in `staff/feeds.py`; a therapist's own calendar, read for busy times,
in `calendar_routes.py`.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import (
    abort,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.routing import BuildError

from clinicsite import clock
from clinicsite.audit import record_change
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.models import (
    Appointment,
    ExtraHours,
    Location,
    Therapist,
    TimeOff,
    WorkingHours,
)
from clinicsite.scheduling.holds import blocking_condition, lock_therapists
from clinicsite.staff import bp
from clinicsite.staff.auth import (
    MAX_ID,
    current_actor,
    get_or_404,
    owns_therapist,
    roles_required,
)
from clinicsite.staff.schedules import calendar_panel
from clinicsite.staff.schedules.calendar_panel import calendar_form
from clinicsite.staff.schedules.forms import (
    WEEKDAYS,
    BadTime,
    ExtraHoursForm,
    TimeOffForm,
    WeeklyHoursForm,
    hours_label,
)
from clinicsite.timefmt import day_label, long_datetime
from clinicsite.waitlist import offers

ROLES = ("admin", "therapist")
# URL part -> (model, audit action, page anchor, message) of the rows one can remove.
REMOVABLE = {
    "hours": (WorkingHours, "weekly hours removed", "hours", "Weekly hours removed."),
    "time-off": (TimeOff, "time off removed", "time-off", "Time off removed."),
    "extra-hours": (ExtraHours, "extra hours removed", "extra-hours", "Extra hours removed."),
}


def therapist_or_404(therapist_id: int) -> Therapist:
    if therapist_id > MAX_ID:
        abort(404)
    return get_or_404(Therapist, therapist_id, allowed=lambda t, user: owns_therapist(t.id, user))


def _studios() -> list[Location]:
    query = sa.select(Location).where(Location.active).order_by(Location.position, Location.name)
    return list(db.session.scalars(query))


def _snapshot(row) -> dict:
    """A schedule row's columns as JSON for the audit log (times as HH:MM)."""
    values = {}
    for column in row.__table__.columns:
        value = getattr(row, column.key)
        if isinstance(value, time):
            value = value.strftime("%H:%M")
        elif isinstance(value, datetime | date):
            value = value.isoformat()
        values[column.key] = value
    return values


def _audit(therapist: Therapist, action: str, before=None, after=None, note: str = "") -> None:
    record_change("therapist", therapist.id, action, current_actor(), before, after, note)


def _clock(value: time) -> str:
    return value.strftime("%H:%M")


def span_label(start: datetime, end: datetime, tz) -> str:
    """'Monday, November 2 – Tuesday, November 3, 2026 (whole days)' or two local times."""
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    if local_start.time() == time() and local_end.time() == time():
        first, last = local_start.date(), local_end.date() - timedelta(days=1)
        if first == last:
            return f"{day_label(first)}, {first.year} (whole day)"
        return f"{day_label(first)} – {day_label(last)}, {last.year} (whole days)"
    return f"{long_datetime(start, tz)} – {long_datetime(end, tz)}"


def _week(hours: list[WorkingHours]):
    """[(day name, [(studio, [ranges])])] for Monday to Sunday, studios by name."""
    week = []
    for weekday, name in enumerate(WEEKDAYS):
        by_studio: dict[int, tuple[Location, list[WorkingHours]]] = {}
        for h in hours:
            if h.weekday == weekday:
                by_studio.setdefault(h.location_id, (h.location, []))[1].append(h)
        week.append((name, sorted(by_studio.values(), key=lambda item: item[0].name)))
    return week


def _render(therapist: Therapist, status: int = 200, conflicts=(), **bound):
    """The schedule page; `bound` holds the form that was just submitted (re-shown as
    typed, with its messages), the other forms start empty."""
    clinic, now = get_clinic(), clock.now()
    hours = db.session.scalars(
        sa.select(WorkingHours)
        .where(WorkingHours.therapist_id == therapist.id)
        .order_by(WorkingHours.weekday, WorkingHours.starts_at)
        .options(joinedload(WorkingHours.location))
    )
    time_off = db.session.scalars(
        sa.select(TimeOff)
        .where(TimeOff.therapist_id == therapist.id, TimeOff.ends_at > now)
        .order_by(TimeOff.starts_at)
    )
    extra = db.session.scalars(
        sa.select(ExtraHours)
        .where(
            ExtraHours.therapist_id == therapist.id,
            ExtraHours.day >= now.astimezone(clinic.tz).date(),
        )
        .order_by(ExtraHours.day, ExtraHours.starts_at)
        .options(joinedload(ExtraHours.location))
    )
    studios = _studios()
    empty = {"formdata": None, "studios": studios}
    forms = {
        "hours_form": bound.get("hours_form") or WeeklyHoursForm(prefix="hours", **empty),
        "off_form": bound.get("off_form") or TimeOffForm(prefix="off", formdata=None),
        "extra_form": bound.get("extra_form") or ExtraHoursForm(prefix="extra", **empty),
        "calendar_form": bound.get("calendar_form") or calendar_form(),
    }
    page = render_template(
        "staff/schedules/schedule.html",
        therapist=therapist,
        week=_week(list(hours)),
        time_off=[(off, span_label(off.starts_at, off.ends_at, clinic.tz)) for off in time_off],
        extra=list(extra),
        conflicts=conflicts,
        own_calendar=calendar_panel.panel(therapist, now),
        appointment_path=appointment_path,
        **forms,
    )
    return page, status


def appointment_path(appointment_id: int) -> str:
    """The staff page of an appointment (built by hand while that page is not registered)."""
    try:
        return url_for("staff.appointment", appointment_id=appointment_id)
    except BuildError:
        return f"/staff/appointments/{appointment_id}"


def _back(therapist: Therapist, anchor: str):
    return redirect(url_for("staff.schedule", therapist_id=therapist.id, _anchor=anchor), 303)


# -- the pages --------------------------------------------------------------------------------


@bp.get("/schedules")
@roles_required(*ROLES)
def schedules():
    if current_user.role == "therapist":
        if current_user.therapist_id is not None:
            return redirect(url_for("staff.schedule", therapist_id=current_user.therapist_id))
        return render_template("staff/schedules/index.html", therapists=None)
    therapists = db.session.scalars(
        sa.select(Therapist)
        .order_by(Therapist.active.desc(), Therapist.position, Therapist.name)
        .options(selectinload(Therapist.hours))
    )
    return render_template("staff/schedules/index.html", therapists=list(therapists))


@bp.get("/schedules/<int:therapist_id>")
@roles_required(*ROLES)
def schedule(therapist_id: int):
    return _render(therapist_or_404(therapist_id))


@bp.post("/schedules/<int:therapist_id>/<kind>/<int:row_id>/remove")
@roles_required(*ROLES)
def schedules_remove(therapist_id: int, kind: str, row_id: int):
    therapist = therapist_or_404(therapist_id)
    if kind not in REMOVABLE or row_id > MAX_ID:
        abort(404)
    model, action, anchor, message = REMOVABLE[kind]
    row = db.session.get(model, row_id)
    if row is None or row.therapist_id != therapist.id:
        abort(404)
    _audit(therapist, action, before=_snapshot(row))
    db.session.delete(row)
    db.session.commit()
    flash(message, "info")
    return _back(therapist, anchor)


# -- weekly hours and extra hours ------------------------------------------------------------


def _add_range(therapist: Therapist, form, model, action: str, anchor: str, bound: str):
    """Save a validated range form as a `model` row, audited; or re-show the page with the
    form's messages (422)."""
    if not form.validate():
        db.session.rollback()  # releases the therapist's lock
        return _render(therapist, 422, **{bound: form})
    row = model(therapist_id=therapist.id)
    form.populate_obj(row)
    db.session.add(row)
    db.session.flush()
    _audit(therapist, action, after=_snapshot(row))
    offers.after_new_hours(therapist.id, clock.now())
    db.session.commit()
    when = WEEKDAYS[row.weekday] if model is WorkingHours else f"{day_label(row.day)},"
    flash(f"Added {when} {hours_label(row.starts_at, row.ends_at)}.", "info")
    return _back(therapist, anchor)


@bp.post("/schedules/<int:therapist_id>/hours")
@roles_required(*ROLES)
def schedules_add_hours(therapist_id: int):
    therapist = therapist_or_404(therapist_id)
    # The lock serialises schedule edits (and bookings) of one therapist, so two overlapping
    # ranges sent at once cannot both pass the form's overlap check.
    lock_therapists(therapist.id)
    form = WeeklyHoursForm(prefix="hours", therapist_id=therapist.id, studios=_studios())
    return _add_range(therapist, form, WorkingHours, "weekly hours added", "hours", "hours_form")


@bp.post("/schedules/<int:therapist_id>/extra-hours")
@roles_required(*ROLES)
def schedules_add_extra(therapist_id: int):
    therapist = therapist_or_404(therapist_id)
    lock_therapists(therapist.id)
    form = ExtraHoursForm(
        prefix="extra",
        therapist_id=therapist.id,
        studios=_studios(),
        today=clock.now().astimezone(get_clinic().tz).date(),
    )
    return _add_range(therapist, form, ExtraHours, "extra hours added", "extra-hours", "extra_form")


# -- time off ---------------------------------------------------------------------------------


def conflicts_with(therapist_id: int, start: datetime, end: datetime, now: datetime):
    """Appointments (and unexpired holds) of the therapist that overlap [start, end)."""
    return list(
        db.session.scalars(
            sa.select(Appointment)
            .where(
                Appointment.therapist_id == therapist_id,
                Appointment.starts_at < end,
                Appointment.ends_at > start,
                blocking_condition(now),
            )
            .order_by(Appointment.starts_at)
            .options(joinedload(Appointment.service))
        )
    )


@bp.post("/schedules/<int:therapist_id>/time-off")
@roles_required(*ROLES)
def schedules_add_time_off(therapist_id: int):
    therapist = therapist_or_404(therapist_id)
    form, tz, now = TimeOffForm(prefix="off"), get_clinic().tz, clock.now()
    if not form.validate():
        return _render(therapist, 422, off_form=form)
    try:
        start, end = form.span(tz)
    except BadTime as exc:
        form.end_time.errors.append(str(exc))
        return _render(therapist, 422, off_form=form)
    if end <= now:
        form.end_day.errors.append("That time is already over: time off is for the future.")
        return _render(therapist, 422, off_form=form)
    lock_therapists(therapist.id)
    conflicts = conflicts_with(therapist.id, start, end, now)
    if conflicts and form.confirm.data != "1":
        # Nothing is saved: the page lists them, with a "Save anyway" button.
        db.session.rollback()
        return _render(therapist, 409, off_form=form, conflicts=conflicts)
    off = TimeOff(therapist_id=therapist.id, starts_at=start, ends_at=end, reason=form.reason.data)
    db.session.add(off)
    db.session.flush()
    note = ", ".join(f"#{a.id}" for a in conflicts)
    _audit(therapist, "time off added", after=_snapshot(off), note=note and f"overlaps {note}")
    db.session.commit()
    label = span_label(start, end, tz)
    if conflicts:
        flash(
            f"Time off saved ({label}). {len(conflicts)} appointment(s) in that time are still "
            "booked: cancel or move them in the calendar.",
            "warning",
        )
    else:
        flash(f"Time off saved ({label}).", "info")
    return _back(therapist, "time-off")
