"""Staff: a therapist's own calendar (issue 15). The therapist or an admin pastes its
private iCalendar address; `flask calendars sync` reads it every few minutes (and "Sync
now" at once), and its busy times keep online booking away. The address is a secret:
pages and the audit log show it masked."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, flash, request

from clinicsite import clock
from clinicsite.calendars.addresses import masked
from clinicsite.calendars.fetching import Limits
from clinicsite.calendars.sync import sync_one
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.models import ExternalBusy, ExternalCalendar
from clinicsite.scheduling.holds import lock_therapists
from clinicsite.staff import bp
from clinicsite.staff.auth import roles_required
from clinicsite.staff.schedules.calendar_panel import calendar_form, calendar_of
from clinicsite.staff.schedules.routes import ROLES, _audit, _back, _render, therapist_or_404


@bp.post("/schedules/<int:therapist_id>/calendar")
@roles_required(*ROLES)
def schedules_set_calendar(therapist_id: int):
    therapist = therapist_or_404(therapist_id)
    form = calendar_form(request.form)
    if not form.validate():
        return _render(therapist, 422, calendar_form=form)
    lock_therapists(therapist.id)  # first, as a sync takes it before the calendar's row
    calendar = calendar_of(therapist)
    before = {"address": masked(calendar.url)} if calendar else None
    if calendar is None:
        calendar = ExternalCalendar(therapist_id=therapist.id, url=form.address)
        db.session.add(calendar)
    elif calendar.url != form.address:
        # Another calendar: nothing read from the old one, nor its validators, still holds.
        db.session.execute(sa.delete(ExternalBusy).where(ExternalBusy.calendar_id == calendar.id))
        calendar.url, calendar.etag, calendar.last_modified = form.address, "", ""
        calendar.synced_at = calendar.checked_at = calendar.covered_until = None
        calendar.error = calendar.warning = ""
    db.session.flush()
    _audit(therapist, "own calendar set", before, {"address": masked(form.address)})
    db.session.commit()
    flash(
        "Calendar address saved. Its busy times are read within a few minutes, or now "
        "with “Sync now”.",
        "info",
    )
    return _back(therapist, "own-calendar")


@bp.post("/schedules/<int:therapist_id>/calendar/remove")
@roles_required(*ROLES)
def schedules_remove_calendar(therapist_id: int):
    therapist = therapist_or_404(therapist_id)
    lock_therapists(therapist.id)
    calendar = calendar_of(therapist)
    if calendar is not None:
        db.session.execute(sa.delete(ExternalBusy).where(ExternalBusy.calendar_id == calendar.id))
        _audit(therapist, "own calendar removed", {"address": masked(calendar.url)})
        db.session.delete(calendar)
    db.session.commit()
    flash("Calendar removed: its busy times no longer block online booking.", "info")
    return _back(therapist, "own-calendar")


@bp.post("/schedules/<int:therapist_id>/calendar/sync")
@roles_required(*ROLES)
def schedules_sync_calendar(therapist_id: int):
    therapist = therapist_or_404(therapist_id)
    calendar = calendar_of(therapist)
    if calendar is None:
        flash("There is no calendar address to read.", "error")
        return _back(therapist, "own-calendar")
    clinic = get_clinic()
    tz, horizon = clinic.tz, clinic.horizon_days
    limits = Limits.from_config(current_app.config)
    outcome = sync_one(calendar.id, limits, tz, horizon, clock.now())
    if outcome.failed:
        flash(f"The calendar could not be read: {outcome.message}", "error")
    else:
        flash(f"Calendar read: {outcome.busy} busy times.", "success")
    return _back(therapist, "own-calendar")
