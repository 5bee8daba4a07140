"""Booking a standing appointment: the same local time every N weeks, M times.

Every visit is claimed under the therapist's booking lock (scheduling/holds.py), as any
booking is; the series is one transaction, so the lock is held from the first visit to
the last and an online booking racing for one of the times either wins it before (the
series reports that visit as taken) or waits and finds it gone. Visits that are taken,
or whose time the clocks skip that day, are reported with the nearest free times.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from clinicsite import audit, notifications
from clinicsite.appointments.holding import (
    ClientDetails,
    HoldRequest,
    join_client,
    new_appointment,
)
from clinicsite.audit import Actor
from clinicsite.calendars.busy import refuse_if_busy_elsewhere
from clinicsite.extensions import db
from clinicsite.models import Appointment, ClinicSettings, Location, Series
from clinicsite.models.series import MAX_COUNT, MAX_EVERY_WEEKS
from clinicsite.scheduling.closures import closed_guard
from clinicsite.scheduling.holds import SlotTaken, claim
from clinicsite.scheduling.slots import TherapistSlot, find_slots
from clinicsite.scheduling.wallclock import instants

# How many alternatives are offered for a visit that could not be booked.
ALTERNATIVES = 3
# Python's dates end in 9999; a series, its alternatives and their UTC times stay well short.
LAST_YEAR = 9990
TAKEN = "taken"
SKIPPED = "skipped"  # the clocks skip that wall-clock time that day


class SeriesError(ValueError):
    """The series asked for is not possible; the message says why."""


@dataclass
class Occurrence:
    """One visit of a series: booked (`appointment`), or not, with `alternatives`."""

    position: int  # 1 = the first visit
    local: datetime  # the wall-clock time asked for, naive, in the clinic's zone
    appointment: Appointment | None = None
    problem: str = ""  # TAKEN or SKIPPED when not booked
    alternatives: list[TherapistSlot] = field(default_factory=list)


@dataclass
class SeriesResult:
    series: Series
    occurrences: list[Occurrence]

    @property
    def booked(self) -> list[Occurrence]:
        return [o for o in self.occurrences if o.appointment is not None]

    @property
    def missed(self) -> list[Occurrence]:
        return [o for o in self.occurrences if o.appointment is None]


def check_pattern(every_weeks: int, count: int) -> None:
    if not 1 <= every_weeks <= MAX_EVERY_WEEKS:
        raise SeriesError(f"Repeat every 1 to {MAX_EVERY_WEEKS} weeks.")
    if not 1 <= count <= MAX_COUNT:
        raise SeriesError(f"A series has 1 to {MAX_COUNT} visits.")


def local_times(first: datetime, every_weeks: int, count: int) -> list[datetime]:
    """The naive wall-clock readings of each visit: the same time of day, N weeks apart."""
    return [first + timedelta(weeks=every_weeks * k) for k in range(count)]


def book_series(
    request: HoldRequest,
    every_weeks: int,
    count: int,
    actor: Actor,
    now: datetime,
    clinic: ClinicSettings,
) -> SeriesResult:
    """Book `count` visits like `request` (its start is the first visit), `every_weeks`
    apart at the same local time, and commit. Staff bookings: no deposit is asked (each
    visit is confirmed at once). The client gets one email listing the booked visits.
    Raises SeriesError for an impossible pattern or a first visit in the past."""
    check_pattern(every_weeks, count)
    if request.starts_at <= now:
        raise SeriesError("The first visit has to be in the future.")
    first_local = request.starts_at.astimezone(clinic.tz).replace(tzinfo=None)
    if first_local.year + (every_weeks * count) // 52 + 1 >= LAST_YEAR:
        raise SeriesError("That series would run past the end of the calendar.")
    series = Series(
        service_id=request.option.service_id,
        option_id=request.option.id,
        therapist_id=request.therapist.id,
        location_id=request.location.id,
        client_name=request.client.name,
        client_email=request.client.email,
        client_phone=request.client.phone,
        every_weeks=every_weeks,
        count=count,
        local_time=first_local.time(),
        first_date=first_local.date(),
        created_by=actor.label,
        created_at=now,
    )
    db.session.add(series)
    db.session.flush()
    visit = replace(request, deposit=0, hold_minutes=None, client_keys=None, actor=actor)
    occurrences = [
        book_visit(visit, series, position, local, clinic, now)
        for position, local in enumerate(local_times(first_local, every_weeks, count), 1)
    ]
    result = SeriesResult(series, occurrences)
    for missed in result.missed:
        missed.alternatives = alternatives(series, missed.local, clinic, now)
    booked = [o.appointment for o in result.booked if o.appointment is not None]
    if booked:
        notifications.series_booked(series, booked)
    db.session.commit()
    return result


def book_visit(
    visit: HoldRequest,
    series: Series,
    position: int,
    local: datetime,
    clinic: ClinicSettings,
    now: datetime,
) -> Occurrence:
    occurrence = Occurrence(position, local)
    found = instants(local, clinic.tz)
    if not found:
        occurrence.problem = SKIPPED
        return occurrence
    # A reading that repeats (the clocks go back) is the first of the two.
    appointment = new_appointment(replace(visit, starts_at=found[0]), clinic, now)
    appointment.series_id, appointment.series_position = series.id, position
    try:
        claim(appointment, now, guard=_visit_guard(appointment, visit.source == "online"))
    except SlotTaken:
        occurrence.problem = TAKEN
        return occurrence
    join_client(appointment, visit.client, clinic)
    audit.record(appointment, "booked", visit.actor, note=f"visit {position} of {series.count}")
    occurrence.appointment = appointment
    return occurrence


def _visit_guard(appointment: Appointment, online: bool):
    """Closures refuse every visit; the therapist's own calendar only a client's series."""
    closed = closed_guard(appointment)

    def guard() -> None:
        closed()
        if online:
            refuse_if_busy_elsewhere(
                appointment.therapist_id, appointment.starts_at, appointment.blocks_until
            )

    return guard


def alternatives(
    series: Series, local: datetime, clinic: ClinicSettings, now: datetime
) -> list[TherapistSlot]:
    """The free times of the series' therapist nearest to `local`: that day, else that
    week (three days either side), by the published hours and with no notice needed."""
    wanted = local.replace(tzinfo=clinic.tz)
    reach = (local.date() - now.astimezone(clinic.tz).date()).days + 8

    def nearest(days: list[date]) -> list[TherapistSlot]:
        slots = find_slots(
            series.option,
            [series.therapist],
            days,
            clinic,
            now,
            min_notice=timedelta(0),
            horizon_days=max(reach, clinic.horizon_days),
        )
        slots.sort(key=lambda s: abs(s.start - wanted))
        return sorted(slots[:ALTERNATIVES], key=lambda s: s.start)

    day = local.date()
    return nearest([day]) or nearest([day + timedelta(days=d) for d in range(-3, 4)])


def series_occurrences(series: Series, clinic: ClinicSettings, now: datetime) -> list[Occurrence]:
    """Every visit of the series in order: its appointment (as it is now, perhaps moved or
    cancelled) or, for a visit never booked, the nearest free times still in the future."""
    appointments = {
        a.series_position: a
        for a in db.session.scalars(
            sa.select(Appointment)
            .where(Appointment.series_id == series.id)
            .order_by(Appointment.series_position, Appointment.id)
        )
    }
    first = datetime.combine(series.first_date, series.local_time)
    found = []
    for position, local in enumerate(local_times(first, series.every_weeks, series.count), 1):
        occurrence = Occurrence(position, local, appointments.get(position))
        if occurrence.appointment is None:
            moments = instants(local, clinic.tz)
            occurrence.problem = TAKEN if moments else SKIPPED
            if series.cancelled_from is None and (not moments or moments[0] > now):
                occurrence.alternatives = alternatives(series, local, clinic, now)
        found.append(occurrence)
    return found


def book_alternative(
    series: Series,
    position: int,
    starts_at: datetime,
    location_id: int,
    actor: Actor,
    now: datetime,
    clinic: ClinicSettings,
) -> Appointment:
    """Book a visit of the series that could not be booked at its time, at `starts_at`
    (one of its alternatives, or any free time), and commit. Raises SlotTaken, or
    SeriesError when that visit is booked already or the time has passed."""
    if not 1 <= position <= series.count:
        raise SeriesError("That visit is not part of this series.")
    if series.cancelled_from is not None:
        raise SeriesError("This series has been cancelled.")
    if starts_at <= now:
        raise SeriesError("That time has already passed.")
    taken = sa.select(Appointment.id).where(
        Appointment.series_id == series.id, Appointment.series_position == position
    )
    if db.session.scalar(taken) is not None:
        raise SeriesError(f"Visit {position} is booked already.")
    request = _request_of(series, starts_at, location_id, actor)
    appointment = new_appointment(request, clinic, now)
    appointment.series_id, appointment.series_position = series.id, position
    try:
        claim(appointment, now, guard=closed_guard(appointment))
    except SlotTaken:
        db.session.rollback()
        raise
    join_client(appointment, request.client, clinic)
    audit.record(appointment, "booked", actor, note=f"visit {position} of {series.count}")
    notifications.booking_confirmed(appointment)
    db.session.commit()
    return appointment


def _request_of(series: Series, starts_at: datetime, location_id: int, actor: Actor):
    location = db.session.get(Location, location_id) or series.location
    client = ClientDetails(series.client_name, series.client_email, series.client_phone)
    return HoldRequest(
        series.option,
        series.therapist,
        location,
        starts_at,
        client,
        source="phone",
        actor=actor,
        deposit=0,
    )
