"""Free times from the database: load the inputs of the pure availability function for a
set of therapists in a fixed number of queries, and call it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from clinicsite import reference
from clinicsite.calendars.busy import busy_by_therapist
from clinicsite.extensions import db
from clinicsite.models import (
    Appointment,
    ClinicSettings,
    ExtraHours,
    ServiceOption,
    Therapist,
    TimeOff,
    WorkingHours,
)
from clinicsite.scheduling import availability as av
from clinicsite.scheduling.closures import closed_spans
from clinicsite.scheduling.holds import blocking_condition
from clinicsite.scheduling.rooms import pools
from clinicsite.scheduling.travel_times import place_column


@dataclass(frozen=True)
class TherapistSlot:
    start: datetime  # aware UTC
    end: datetime
    location_id: int
    therapist: Therapist


def rules_for(
    option: ServiceOption,
    clinic: ClinicSettings,
    min_notice: timedelta | None = None,
    horizon_days: int | None = None,
    extra_minutes: int = 0,
) -> av.Rules:
    return av.Rules(
        duration=timedelta(minutes=option.duration_minutes + extra_minutes),
        buffer=timedelta(minutes=option.service.buffer_minutes),
        step=timedelta(minutes=clinic.slot_step_minutes),
        min_notice=timedelta(hours=clinic.min_notice_hours) if min_notice is None else min_notice,
        horizon=timedelta(days=horizon_days or clinic.horizon_days),
        tz=clinic.tz,
    )


def find_slots(
    option: ServiceOption,
    therapists: list[Therapist],
    days: list[date],
    clinic: ClinicSettings,
    now: datetime,
    location_id: int | None = None,
    exclude_appointment_id: int | None = None,
    ignore_bookings: bool = False,
    min_notice: timedelta | None = None,
    horizon_days: int | None = None,
    extra_minutes: int = 0,
    outside_calendars: bool = True,
    place: str | None = None,
) -> list[TherapistSlot]:
    """Every free start for `option` with any of `therapists` on the local `days`, sorted by
    time, then by the therapists' order. `exclude_appointment_id` ignores one appointment
    (the one being rescheduled); `ignore_bookings` answers "is this time open at all?";
    `min_notice` replaces the clinic's (staff booking by phone need none), `horizon_days`
    the clinic's booking horizon (a standing appointment reaches further ahead);
    `extra_minutes` lengthens the visit (the add-ons chosen, models/addons.py). Closures of
    the clinic or of a studio (models/closures.py) are left out whatever the other flags;
    at a studio with rooms or equipment a time needs a suitable room and item free
    (scheduling/rooms.py). The busy times of the therapists' own calendars (calendars/)
    count as bookings, unless `outside_calendars` is False (staff booking by phone may book
    over them). `place` is the area of a home visit ("area:<id>"; None: at a studio): its
    times leave the travel to and from the therapist's other visits, and from their home
    base at the start of home-visit hours (scheduling/travel.py); so does a studio visit
    next to a home visit."""
    # No day outside notice and horizon can have a slot; dropping them also keeps the
    # window arithmetic below away from the ends of the calendar (year 1 or 9999).
    today = now.astimezone(clinic.tz).date()
    last = today + timedelta(days=(horizon_days or clinic.horizon_days) + 1)
    days = [d for d in days if today - timedelta(days=1) <= d <= last]
    if not therapists or not days:
        return []
    ids = [t.id for t in therapists]
    tz = clinic.tz
    window_start = datetime.combine(min(days), time.min, tz) - timedelta(days=1)
    window_end = datetime.combine(max(days), time.max, tz) + timedelta(days=1)

    weekly, extra, time_off, busy = _load(
        ids, days, window_start, window_end, now, exclude_appointment_id, ignore_bookings
    )
    if outside_calendars and not ignore_bookings:
        for therapist_id, spans in busy_by_therapist(ids, window_start, window_end).items():
            busy[therapist_id].extend(spans)
    closures = closed_spans(window_start, window_end)  # whatever the bookings, closed is closed
    rooms = pools(
        option.service, window_start, window_end, now, exclude_appointment_id, ignore_bookings
    )
    rules = rules_for(option, clinic, min_notice, horizon_days, extra_minutes)
    ref = reference.current()
    _keep_hours_for(place, ref.mobile_ids, weekly, extra)
    mobile = [loc.id for loc in ref.mobile]
    found: list[TherapistSlot] = []
    for therapist in therapists:
        setting_out = dict.fromkeys(mobile, therapist.home_base) if therapist.home_base else {}
        for slot in av.free_slots(
            days=days,
            weekly=weekly[therapist.id],
            extra=extra[therapist.id],
            time_off=time_off[therapist.id],
            busy=busy[therapist.id],
            rules=rules,
            now=now,
            location_id=location_id,
            closures=closures,
            rooms=rooms,
            travel=ref.travel,
            place=place,
            setting_out=setting_out,
        ):
            found.append(TherapistSlot(slot.start, slot.end, slot.location_id, therapist))
    order = {t.id: i for i, t in enumerate(therapists)}
    found.sort(key=lambda s: (s.start, order[s.therapist.id]))
    return found


def _keep_hours_for(place, mobile_ids, weekly, extra) -> None:
    """Home-visit hours (at a mobile location) for a visit at home, studio hours for the
    rest: a studio visit is never offered in the hours a therapist spends on the road."""
    at_home = place is not None
    for hours in (weekly, extra):
        for therapist_id, ranges in hours.items():
            hours[therapist_id] = [h for h in ranges if (h.location_id in mobile_ids) == at_home]


def _weekly_hours(ids) -> dict[int, list[av.WeeklyHours]]:
    """Each therapist's weekly hours: an active therapist's from the reference snapshot
    (every edit of hours renews it), anyone else's from the database."""
    known = {t.id: t for t in reference.current().therapists}
    weekly: dict[int, list[av.WeeklyHours]] = defaultdict(list)
    for therapist_id in ids:
        if therapist_id in known:
            weekly[therapist_id] = [
                av.WeeklyHours(h.weekday, h.starts_at, h.ends_at, h.location_id)
                for h in known[therapist_id].hours
            ]
    missing = [i for i in ids if i not in known]
    if missing:
        for h in db.session.scalars(
            sa.select(WorkingHours).where(WorkingHours.therapist_id.in_(missing))
        ):
            weekly[h.therapist_id].append(
                av.WeeklyHours(h.weekday, h.starts_at, h.ends_at, h.location_id)
            )
    return weekly


def _load(ids, days, window_start, window_end, now, exclude_appointment_id, ignore_bookings):
    weekly = _weekly_hours(ids)
    extra: dict[int, list[av.ExtraHours]] = defaultdict(list)
    for e in db.session.scalars(
        sa.select(ExtraHours).where(
            ExtraHours.therapist_id.in_(ids), ExtraHours.day.between(min(days), max(days))
        )
    ):
        extra[e.therapist_id].append(av.ExtraHours(e.day, e.starts_at, e.ends_at, e.location_id))
    time_off: dict[int, list[av.Interval]] = defaultdict(list)
    for t in db.session.scalars(
        sa.select(TimeOff).where(
            TimeOff.therapist_id.in_(ids),
            TimeOff.starts_at < window_end,
            TimeOff.ends_at > window_start,
        )
    ):
        time_off[t.therapist_id].append(av.Interval(t.starts_at, t.ends_at))
    busy: dict[int, list[av.Interval]] = defaultdict(list)
    if ignore_bookings:
        return weekly, extra, time_off, busy
    query = sa.select(
        Appointment.therapist_id, Appointment.starts_at, Appointment.blocks_until, place_column()
    )
    query = query.where(
        Appointment.therapist_id.in_(ids),
        Appointment.starts_at < window_end,
        Appointment.blocks_until > window_start,
        blocking_condition(now),
    )
    if exclude_appointment_id is not None:
        query = query.where(Appointment.id != exclude_appointment_id)
    for therapist_id, start, until, where in db.session.execute(query):
        busy[therapist_id].append(av.Interval(start, until, where))
    return weekly, extra, time_off, busy
