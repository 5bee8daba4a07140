"""Staff: closures (admins). A new closure that covers bookings is not saved at once: the
page lists those bookings (so staff can call the clients) and saves on confirmation. The
bookings stay as they are; availability leaves the closed time out from then on."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, url_for

from clinicsite import clock
from clinicsite.audit import record_change
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.models import Closure, Location, Therapist
from clinicsite.scheduling import closures
from clinicsite.scheduling.holds import lock_therapists
from clinicsite.staff import bp
from clinicsite.staff.auth import current_actor, fetch, roles_required
from clinicsite.staff.closures.forms import BadSpan, ClosureForm
from clinicsite.timefmt import closed_span


def _studios() -> list[Location]:
    query = sa.select(Location).where(Location.active).order_by(Location.position, Location.name)
    return list(db.session.scalars(query))


def _snapshot(closure: Closure) -> dict:
    return {
        "location_id": closure.location_id,
        "starts_at": closure.starts_at.isoformat(),
        "ends_at": closure.ends_at.isoformat(),
        "note": closure.note,
    }


def _lock_every_therapist() -> None:
    """Take every therapist's booking lock: a booking being made now either commits first
    (and is listed) or waits and then meets the closure under its own lock. Taking the
    locks also moves the schedule versions, so cached free times are dropped at once."""
    lock_therapists(*db.session.scalars(sa.select(Therapist.id)))


def _render(form: ClosureForm | None = None, status: int = 200, covered=None):
    now, tz = clock.now(), get_clinic().tz
    form = form or ClosureForm(formdata=None, studios=_studios())
    return render_template(
        "staff/closures/index.html",
        form=form,
        closures=[
            (c, closed_span(c.starts_at, c.ends_at, tz)) for c in closures.upcoming(now, limit=200)
        ],
        covered=covered,
    ), status


@bp.get("/closures/")
@roles_required("admin")
def closures_page():
    return _render()


@bp.post("/closures/")
@roles_required("admin")
def closures_add():
    form, tz, now = ClosureForm(studios=_studios()), get_clinic().tz, clock.now()
    if not form.validate():
        return _render(form, 422)
    try:
        start, end = form.span(tz)
    except BadSpan as exc:
        form.end_time.errors.append(str(exc))
        return _render(form, 422)
    if end <= now:
        form.start_day.errors.append("That time is already over: closures are for the future.")
        return _render(form, 422)
    _lock_every_therapist()
    covered = closures.bookings_covered(form.location_id, start, end, now)
    if covered and form.confirm.data != "1":
        db.session.rollback()  # releases the locks
        return _render(form, 409, covered)  # nothing saved yet: the list, then confirm
    closure = Closure(
        location_id=form.location_id, starts_at=start, ends_at=end, note=form.note.data
    )
    db.session.add(closure)
    db.session.flush()
    note = ", ".join(f"#{a.id}" for a in covered)
    record_change(
        "closure",
        closure.id,
        "closure added",
        current_actor(),
        after=_snapshot(closure),
        note=note and f"covers {note}",
    )
    db.session.commit()
    _say_saved(closure, covered, tz)
    return redirect(url_for("staff.closures_page"), 303)


def _say_saved(closure: Closure, covered: list, tz) -> None:
    label = closures.describe(closure, tz)
    if covered:
        flash(
            f"Saved: {label}. {len(covered)} booking(s) in that time are still booked: "
            "call the clients, then cancel or move them.",
            "warning",
        )
    else:
        flash(f"Saved: {label}. No bookings fall in that time.", "info")


@bp.post("/closures/<int:closure_id>/remove")
@roles_required("admin")
def closures_remove(closure_id: int):
    closure = fetch(Closure, closure_id)
    label = closures.describe(closure, get_clinic().tz)
    record_change("closure", closure.id, "closure removed", current_actor(), _snapshot(closure))
    _lock_every_therapist()
    db.session.delete(closure)
    db.session.commit()
    flash(f"Removed: {label}. Those times can be booked again.", "info")
    return redirect(url_for("staff.closures_page"), 303)
