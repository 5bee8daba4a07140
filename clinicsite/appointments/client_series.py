"""A client turns their own booking into a standing appointment, from its manage page.

Only when the clinic allows it (`ClinicSettings.clients_book_series`), and only for a
booking that is confirmed, still ahead, booked online or by phone and not yet part of a
series. The booking becomes visit 1 of a Series and visits 2..M are claimed at the same
local time every N weeks (1 to 4), under the therapist's booking lock like any booking
(appointments/series.py `book_visit`), in one transaction.

The deposit: a confirmed booking has had its deposit paid, or had none to pay (a free
session, or waived by staff). That deposit covers the series: the later visits are
confirmed at once with no deposit of their own, so there is no hold and no checkout. A
client's cancellation of any one visit follows the normal policy (cancelling visit 1 in
time refunds its deposit; a later visit has no deposit to refund or keep).

A later visit is booked only if the therapist works then at the same studio (by the
published hours, time off included) and the time is free; the others are reported with
the nearest free times, which the client may book one by one (`book_alternative`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from clinicsite import audit, notifications
from clinicsite.appointments.holding import ClientDetails, HoldRequest
from clinicsite.appointments.series import (
    LAST_YEAR,
    TAKEN,
    Occurrence,
    SeriesError,
    SeriesResult,
    alternatives,
    book_visit,
    local_times,
    series_occurrences,
)
from clinicsite.audit import Actor
from clinicsite.extensions import db
from clinicsite.models import Appointment, ClinicSettings, Series
from clinicsite.models.series import MAX_COUNT
from clinicsite.scheduling.holds import lock_therapists
from clinicsite.scheduling.slots import find_slots
from clinicsite.scheduling.travel_times import home_place
from clinicsite.scheduling.wallclock import instants

# A client repeats a booking every week up to every fourth week.
MAX_EVERY_WEEKS = 4
CLOSED = "closed"  # the therapist does not work then (hours, time off)
SOURCES = ("online", "phone")


def max_visits(clinic: ClinicSettings) -> int:
    return max(2, min(clinic.max_series_visits, MAX_COUNT))


def why_not(appointment: Appointment, clinic: ClinicSettings, now: datetime) -> str | None:
    """Why the client cannot make this booking a standing appointment; None when they can.
    (The clinic's setting is checked by the caller: switched off, the page does not exist.)"""
    if appointment.series_id is not None:
        return "This booking is already part of a standing appointment."
    if appointment.status != "confirmed":
        return "Only a confirmed booking can be repeated; please pay the deposit first."
    if appointment.starts_at <= now:
        return "This booking has already started."
    if appointment.source not in SOURCES:
        return "Please call us to repeat this booking."
    return None


def check_choice(every_weeks: int, count: int, clinic: ClinicSettings) -> None:
    if not 1 <= every_weeks <= MAX_EVERY_WEEKS:
        raise SeriesError(f"Repeat every 1 to {MAX_EVERY_WEEKS} weeks.")
    if not 2 <= count <= max_visits(clinic):
        raise SeriesError(f"Choose 2 to {max_visits(clinic)} visits in total.")


def planned_times(
    appointment: Appointment, every_weeks: int, count: int, clinic: ClinicSettings
) -> list[datetime]:
    """The naive local wall-clock times of every visit, the booking itself first."""
    first = appointment.starts_at.astimezone(clinic.tz).replace(tzinfo=None)
    if first.year + (every_weeks * count) // 52 + 1 >= LAST_YEAR:
        raise SeriesError("That series would run past the end of the calendar.")
    return local_times(first, every_weeks, count)


def open_starts(
    appointment: Appointment, wanted: list[datetime], clinic: ClinicSettings, now: datetime
) -> set[datetime]:
    """The UTC starts on the days of `wanted` at which the therapist works at the booking's
    studio, bookings aside (those are checked under the lock)."""
    if not wanted:
        return set()
    reach = (wanted[-1].date() - now.astimezone(clinic.tz).date()).days + 2
    slots = find_slots(
        appointment.option,
        [appointment.therapist],
        sorted({w.date() for w in wanted}),
        clinic,
        now,
        location_id=appointment.location_id,
        ignore_bookings=True,
        min_notice=timedelta(0),
        horizon_days=max(reach, clinic.horizon_days),
        place=home_place(appointment),
    )
    return {s.start for s in slots}


def extend_into_series(
    appointment: Appointment,
    every_weeks: int,
    count: int,
    actor: Actor,
    now: datetime,
    clinic: ClinicSettings,
) -> SeriesResult:
    """Make `appointment` visit 1 of `count` visits `every_weeks` apart and commit; one
    email lists the booked visits. Raises SeriesError when the booking cannot be repeated
    or the choice is out of bounds (nothing is changed then)."""
    check_choice(every_weeks, count, clinic)
    wanted = planned_times(appointment, every_weeks, count, clinic)
    open_ = open_starts(appointment, wanted[1:], clinic, now)
    # Under the lock, look again: two submissions at once make one series, not two.
    lock_therapists(appointment.therapist_id)
    db.session.refresh(appointment)
    reason = why_not(appointment, clinic, now)
    if reason:
        db.session.rollback()
        raise SeriesError(reason)
    series = _new_series(appointment, wanted[0], every_weeks, count, actor, now)
    appointment.series_id, appointment.series_position = series.id, 1
    audit.record(appointment, "made a standing appointment", actor, note=f"visit 1 of {count}")
    visit = _later_visit(appointment, actor)
    occurrences = [Occurrence(1, wanted[0], appointment)]
    for position, local in enumerate(wanted[1:], 2):
        found = instants(local, clinic.tz)
        if found and found[0] not in open_:
            occurrences.append(Occurrence(position, local, problem=CLOSED))
        else:
            occurrences.append(book_visit(visit, series, position, local, clinic, now))
    result = SeriesResult(series, occurrences)
    for missed in result.missed:
        missed.alternatives = alternatives(series, missed.local, clinic, now)
    notifications.series_booked(series, [o.appointment for o in result.booked if o.appointment])
    db.session.commit()
    return result


def _new_series(appointment, first_local, every_weeks, count, actor, now) -> Series:
    series = Series(
        service_id=appointment.service_id,
        option_id=appointment.option_id,
        therapist_id=appointment.therapist_id,
        location_id=appointment.location_id,
        client_name=appointment.client_name,
        client_email=appointment.client_email,
        client_phone=appointment.client_phone,
        every_weeks=every_weeks,
        count=count,
        local_time=first_local.time(),
        first_date=first_local.date(),
        created_by=actor.label,
        created_at=now,
    )
    db.session.add(series)
    db.session.flush()
    return series


def _later_visit(appointment: Appointment, actor: Actor) -> HoldRequest:
    """The request every later visit is booked from: the same service, length, therapist,
    studio and client, confirmed with no deposit (the first visit's covers the series)."""
    client = ClientDetails(
        appointment.client_name,
        appointment.client_email,
        appointment.client_phone,
        intake=dict(appointment.intake or {}),
        consent_text_id=appointment.consent_text_id,
        sms_consent=appointment.sms_consent,
    )
    return HoldRequest(
        appointment.option,
        appointment.therapist,
        appointment.location,
        appointment.starts_at,
        client,
        source=appointment.source,
        actor=actor,
        deposit=0,
        visit_area=appointment.visit_area,  # a home visit repeats at the same address
        visit_address=appointment.visit_address,
        visit_postal_code=appointment.visit_postal_code,
    )


def visits_of(appointment: Appointment, clinic: ClinicSettings, now: datetime):
    """Every visit of the appointment's series (see series.series_occurrences), or []."""
    if appointment.series is None:
        return []
    return series_occurrences(appointment.series, clinic, now)


def manage_facts(appointment: Appointment, clinic: ClinicSettings, now: datetime) -> dict:
    """What a booking's manage page shows of standing appointments: the visits of its
    series, and whether the client may make it one."""
    return {
        "series_visits": visits_of(appointment, clinic, now),
        "may_repeat": clinic.clients_book_series and why_not(appointment, clinic, now) is None,
        "clients_book_series": clinic.clients_book_series,
    }


__all__ = [
    "CLOSED",
    "MAX_EVERY_WEEKS",
    "TAKEN",
    "check_choice",
    "extend_into_series",
    "manage_facts",
    "max_visits",
    "open_starts",
    "planned_times",
    "visits_of",
    "why_not",
]
