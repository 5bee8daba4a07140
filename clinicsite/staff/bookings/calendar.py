"""Staff calendar: a week at a glance and a day in columns per therapist, in the clinic's
time zone. A therapist sees their own appointments; admins see everyone's."""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from clinicsite import clock
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.models import (
    Appointment,
    ExtraHours,
    Room,
    Therapist,
    TimeOff,
    WorkingHours,
    appointment_details,
)
from clinicsite.scheduling import availability as av
from clinicsite.scheduling.holds import blocking_condition
from clinicsite.scheduling.travel import TravelTimes
from clinicsite.scheduling.travel_times import place_of, times
from clinicsite.staff import bp, localtime
from clinicsite.staff.auth import roles_required
from clinicsite.staff.bookings.calendar_grid import TravelLeg, Working, build_day


def visible_therapists() -> list[Therapist]:
    query = sa.select(Therapist).order_by(Therapist.position, Therapist.name)
    if current_user.role == "therapist":
        query = query.where(Therapist.id == current_user.therapist_id)
    else:
        query = query.where(Therapist.active)
    return list(db.session.scalars(query))


def appointments_between(
    start: datetime, end: datetime, therapist_ids: list[int], status: str | None = None
):
    """Appointments on the calendar in [start, end): booked ones and unexpired holds
    (only those with `status` when given), with the area of each home visit."""
    query = sa.select(Appointment).where(
        Appointment.therapist_id.in_(therapist_ids),
        Appointment.starts_at < end,
        Appointment.ends_at > start,
        blocking_condition(clock.now()),
    )
    if status is not None:
        query = query.where(Appointment.status == status)
    return list(
        db.session.scalars(
            query.order_by(Appointment.starts_at).options(
                *appointment_details(), selectinload(Appointment.visit_area)
            )
        )
    )


def parse_day(raw: str | None, today: date) -> tuple[date, str | None]:
    if not raw:
        return today, None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        return today, "That date could not be read; showing today."
    try:
        return localtime.check_day(day), None
    except localtime.LocalTimeError as error:  # the week around it would leave the calendar
        return today, f"{error} Showing today."


def day_window(day: date, tz) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tz)
    end = datetime.combine(day + timedelta(days=1), time.min, tz)
    return start, end


@bp.get("/calendar")
@roles_required("admin", "therapist")
def calendar_week():
    clinic = get_clinic()
    today = clock.now().astimezone(clinic.tz).date()
    day, problem = parse_day(request.args.get("week"), today)
    monday = day - timedelta(days=day.weekday())
    days = [monday + timedelta(days=i) for i in range(7)]
    therapists = visible_therapists()
    start, _ = day_window(days[0], clinic.tz)
    _, end = day_window(days[-1], clinic.tz)
    by_day: dict[date, list] = defaultdict(list)
    for appt in appointments_between(start, end, [t.id for t in therapists]):
        by_day[appt.starts_at.astimezone(clinic.tz).date()].append(appt)
    return render_template(
        "staff/calendar_week.html",
        days=days,
        by_day=by_day,
        today=today,
        problem=problem,
        previous=monday - timedelta(days=7),
        following=monday + timedelta(days=7),
    ), (400 if problem else 200)


@bp.get("/calendar/day")
@roles_required("admin", "therapist")
def calendar_day():
    clinic = get_clinic()
    today = clock.now().astimezone(clinic.tz).date()
    day, problem = parse_day(request.args.get("date"), today)
    therapists = visible_therapists()
    ids = [t.id for t in therapists]
    start, end = day_window(day, clinic.tz)
    appointments = appointments_between(start, end, ids)
    legs = travel_legs(appointments, times())
    grid = build_day(
        day, clinic.tz, therapists, appointments, working_on(day, ids, clinic.tz), legs
    )
    _link_free_cells(grid, clinic.tz, clock.now(), RoomsTaken.on(start, end, clock.now()))
    return render_template(
        "staff/calendar_day.html",
        day=day,
        grid=grid,
        services=sorted({a.service for a in appointments}, key=lambda s: (s.position, s.id)),
        travelling=bool(legs),
        today=today,
        problem=problem,
        previous=day - timedelta(days=1),
        following=day + timedelta(days=1),
    ), (400 if problem else 200)


def travel_legs(appointments: list[Appointment], travel: TravelTimes) -> list[TravelLeg]:
    """The road between each two consecutive visits of a therapist where travel counts
    (scheduling/travel.py), from what the day view has already loaded."""
    by_therapist: dict[int, list[Appointment]] = defaultdict(list)
    for appt in appointments:
        by_therapist[appt.therapist_id].append(appt)
    legs = []
    for visits in by_therapist.values():
        visits.sort(key=lambda a: a.starts_at)
        for before, after in itertools.pairwise(visits):
            minutes = travel.minutes(place_of(before), place_of(after))
            if minutes:
                legs.append(
                    TravelLeg(
                        before.therapist_id,
                        after.id,
                        before.blocks_until,
                        after.starts_at,
                        minutes,
                        place_name(before),
                        place_name(after),
                    )
                )
    return legs


def place_name(appointment: Appointment) -> str:
    if appointment.visit_area is not None:
        return appointment.visit_area.name
    return appointment.location.name


class RoomsTaken:
    """Each studio's active rooms and the spans its visits hold one (scheduling/rooms.py),
    so a free cell at a studio whose every room is taken is not offered for booking."""

    def __init__(self, rooms: dict[int, int], spans: dict[int, list]) -> None:
        self.rooms, self.spans = rooms, spans

    @classmethod
    def on(cls, start: datetime, end: datetime, now: datetime) -> RoomsTaken:
        rooms = dict(
            db.session.execute(
                sa.select(Room.location_id, sa.func.count())
                .where(Room.active)
                .group_by(Room.location_id)
            ).all()
        )
        spans: dict[int, list] = defaultdict(list)
        if rooms:
            for location_id, starts, ends in db.session.execute(
                sa.select(
                    Appointment.location_id, Appointment.starts_at, Appointment.blocks_until
                ).where(
                    Appointment.room_id.is_not(None),
                    Appointment.location_id.in_(rooms),
                    Appointment.starts_at < end,
                    Appointment.blocks_until > start,
                    blocking_condition(now),
                )
            ):
                spans[location_id].append((starts, ends))
        return cls(rooms, spans)

    def all_taken(self, location_id: int | None, moment: datetime) -> bool:
        count = self.rooms.get(location_id or 0)
        held = sum(1 for s, e in self.spans.get(location_id or 0, ()) if s <= moment < e)
        return bool(count) and held >= count


def _link_free_cells(grid, tz, now: datetime, rooms: RoomsTaken) -> None:
    """Each free cell to come links to the phone booking page with its therapist, studio,
    day and time filled in (and the offset, so a time in the repeated hour of a fall-back
    night is the one clicked), unless every room of the studio is taken then."""
    for row in grid.cells:
        for therapist, cell in zip(grid.columns, row, strict=True):
            if cell.kind != "free" or cell.start is None or cell.start <= now:
                continue
            if rooms.all_taken(cell.location_id, cell.start):
                cell.note = "Every room taken"
                continue
            local = cell.start.astimezone(tz)
            cell.link = url_for(
                "staff.phone_booking",
                therapist=therapist.id,
                location=cell.location_id,
                date=local.date().isoformat(),
                time=local.strftime("%H:%M"),
                offset=localtime.format_offset(local.utcoffset() or timedelta(0)),
            )


def working_on(day: date, therapist_ids: list[int], tz) -> dict[int, list[Working]]:
    """Each therapist's working time that day (UTC, with its studio), less their time off."""
    weekly: dict[int, list] = defaultdict(list)
    for h in db.session.scalars(
        sa.select(WorkingHours).where(WorkingHours.therapist_id.in_(therapist_ids))
    ):
        weekly[h.therapist_id].append(
            av.WeeklyHours(h.weekday, h.starts_at, h.ends_at, h.location_id)
        )
    extra: dict[int, list] = defaultdict(list)
    for e in db.session.scalars(
        sa.select(ExtraHours).where(
            ExtraHours.therapist_id.in_(therapist_ids), ExtraHours.day == day
        )
    ):
        extra[e.therapist_id].append(av.ExtraHours(e.day, e.starts_at, e.ends_at, e.location_id))
    start, end = day_window(day, tz)
    off: dict[int, list] = defaultdict(list)
    for t in db.session.scalars(
        sa.select(TimeOff).where(
            TimeOff.therapist_id.in_(therapist_ids),
            TimeOff.starts_at < end,
            TimeOff.ends_at > start,
        )
    ):
        off[t.therapist_id].append((t.starts_at, t.ends_at))
    result = {}
    for therapist_id in therapist_ids:
        spans = [
            Working(interval.start, interval.end, location_id)
            for interval, location_id in av.working_intervals(
                day, weekly[therapist_id], extra[therapist_id], tz
            )
        ]
        result[therapist_id] = _subtract(spans, off[therapist_id])
    return result


def _subtract(spans: list[Working], holes) -> list[Working]:
    for hole_start, hole_end in holes:
        next_spans = []
        for span in spans:
            if hole_end <= span.start or hole_start >= span.end:
                next_spans.append(span)
                continue
            if span.start < hole_start:
                next_spans.append(Working(span.start, hole_start, span.location_id))
            if hole_end < span.end:
                next_spans.append(Working(hole_end, span.end, span.location_id))
        spans = next_spans
    return spans
