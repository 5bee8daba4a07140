"""The free start times the phone booking page lists for one therapist, studio, service and
day: a plain GET form, so the desk sees what is open before typing a time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from clinicsite import clock
from clinicsite.calendars.busy import busy_by_therapist
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.models import ServiceOption, Therapist
from clinicsite.scheduling.slots import find_slots
from clinicsite.staff.localtime import LocalTimeError, format_offset, parse_day


@dataclass(frozen=True)
class FreeTime:
    start: datetime  # aware UTC
    time: str  # the local wall clock, "10:00", for the form's time field
    offset: str  # "-08:00": which reading, on a night when an hour repeats
    busy_elsewhere: bool = False  # in a busy time of the therapist's own calendar


@dataclass
class FreeTimes:
    asked: bool = False  # the "show free times" form was sent
    day: date | None = None
    starts: list[FreeTime] = field(default_factory=list)
    problem: str | None = None  # what could not be read, for the person who typed it
    note: str | None = None  # why there is nothing to list


def free_times(form, args) -> FreeTimes:
    """The free start times, in published hours, of the chosen therapist, studio, service
    and day (times outside the hours can still be typed in)."""
    found = FreeTimes(asked=args.get("show") is not None)
    if not found.asked:
        return found
    chosen = [getattr(form, name).data for name in ("option", "therapist", "location")]
    if not all(chosen):  # prefill() keeps only values that are in the lists
        found.problem = "Please choose a service, a therapist and a studio from the lists."
        return found
    try:
        found.day = parse_day(args.get("date"))
    except LocalTimeError as exc:
        found.problem = str(exc)
        return found
    clinic, now = get_clinic(), clock.now()
    option = db.session.get(ServiceOption, int(chosen[0]))
    therapist = db.session.get(Therapist, int(chosen[1]))
    if found.day < now.astimezone(clinic.tz).date():
        found.note = "That day has passed: type the time of the visit below."
        return found
    if option.service not in therapist.services:
        found.note = f"{therapist.name} does not offer {option.service.name}."
        return found
    slots = find_slots(
        option,
        [therapist],
        [found.day],
        clinic,
        now,
        location_id=int(chosen[2]),
        min_notice=timedelta(0),
        outside_calendars=False,
    )
    # Staff may book over the therapist's own calendar; those times are marked, not hidden.
    elsewhere = busy_by_therapist([therapist.id], slots[0].start, slots[-1].end) if slots else {}
    for slot in slots:
        local = slot.start.astimezone(clinic.tz)
        offset = format_offset(local.utcoffset() or timedelta(0))
        busy = any(
            b.start < slot.end and slot.start < b.end for b in elsewhere.get(therapist.id, [])
        )
        found.starts.append(FreeTime(slot.start, local.strftime("%H:%M"), offset, busy))
    if not found.starts:
        found.note = (
            f"{therapist.name} has no free time in published hours at that studio that day "
            f"(online booking lists days up to {clinic.horizon_days} days ahead)."
        )
    return found
