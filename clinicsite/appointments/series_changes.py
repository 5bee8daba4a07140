"""Changing a standing appointment from one visit onward: moving this and the later visits
to another weekday or time, or cancelling them. Each visit goes through the action any
single appointment does (rescheduling.reschedule, cancellation.cancel), so each is
re-checked under the therapist's lock and emails, refunds and the audit log stay the same."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

import sqlalchemy as sa

from clinicsite.appointments import cancellation, rescheduling
from clinicsite.appointments.errors import NotAllowed
from clinicsite.audit import Actor
from clinicsite.extensions import db
from clinicsite.models import Appointment, ClinicSettings
from clinicsite.payments.gateway import PaymentGateway
from clinicsite.scheduling.holds import SlotTaken
from clinicsite.scheduling.wallclock import instants


@dataclass
class Conflict:
    appointment: Appointment  # left where it was
    wanted: datetime  # naive local wall-clock time asked for
    reason: str


@dataclass
class MoveResult:
    moved: list[Appointment] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)


def this_and_later(appointment: Appointment, statuses: tuple[str, ...]) -> list[Appointment]:
    """The visits of `appointment`'s series from it onward (by position) in `statuses`."""
    if appointment.series_id is None:
        raise NotAllowed("This appointment is not part of a standing appointment.")
    return list(
        db.session.scalars(
            sa.select(Appointment)
            .where(
                Appointment.series_id == appointment.series_id,
                Appointment.series_position >= appointment.series_position,
                Appointment.status.in_(statuses),
            )
            .order_by(Appointment.series_position)
        )
    )


def new_local_time(appointment: Appointment, weekday: int, at: time, tz) -> datetime:
    """The visit's week (Monday to Sunday, local) on `weekday` at the wall-clock `at`."""
    day = appointment.starts_at.astimezone(tz).date()
    return datetime.combine(day + timedelta(days=weekday - day.weekday()), at)


def move_from(
    appointment: Appointment,
    weekday: int,
    at: time,
    actor: Actor,
    now: datetime,
    clinic: ClinicSettings,
) -> MoveResult:
    """Move `appointment` and every later confirmed, future visit of its series to `weekday`
    (0 = Monday) at the local time `at`, each within its own week. Each visit is committed
    on its own; a visit whose new time is taken (or skipped by the clocks) stays where it
    was and is reported."""
    if not 0 <= weekday <= 6:
        raise NotAllowed("Please choose a day of the week.")
    result = MoveResult()
    for visit in this_and_later(appointment, ("confirmed",)):
        if visit.starts_at <= now:
            continue
        wanted = new_local_time(visit, weekday, at, clinic.tz)
        found = instants(wanted, clinic.tz)
        if not found:
            result.conflicts.append(Conflict(visit, wanted, "the clocks skip that time"))
            continue
        if found[0] <= now:
            result.conflicts.append(Conflict(visit, wanted, "that time has passed"))
            continue
        if found[0] == visit.starts_at:
            continue
        try:
            rescheduling.reschedule(
                visit,
                found[0],
                visit.therapist,
                visit.location,
                clinic,
                now,
                enforce_policy=False,
                actor=actor,
            )
        except SlotTaken:
            result.conflicts.append(Conflict(visit, wanted, "the therapist is booked then"))
        else:
            result.moved.append(visit)
    return result


def cancel_from(
    appointment: Appointment,
    actor: Actor,
    now: datetime,
    clinic: ClinicSettings,
    gateway: PaymentGateway,
    refund_deposit: bool | None = None,
    note: str = "",
) -> list[Appointment]:
    """Cancel `appointment` and every later held or confirmed visit of its series (each
    as a single cancellation: its email, its refund under the policy, its audit entry),
    and mark the series cancelled from that visit's day. Returns the cancelled visits."""
    visits = this_and_later(appointment, ("held", "confirmed"))
    series = appointment.series
    if series is not None and series.cancelled_from is None:
        series.cancelled_from = appointment.starts_at.astimezone(clinic.tz).date()
    cancelled = []
    for visit in visits:
        try:
            cancellation.cancel(
                visit,
                clinic,
                gateway,
                now,
                refund_deposit=refund_deposit,
                actor=actor,
                note=note or "cancelled with the later visits of the series",
            )
        except NotAllowed:
            continue  # finished meanwhile: nothing to cancel
        cancelled.append(visit)
    db.session.commit()  # the series' mark, when there was no visit left to cancel
    return cancelled
