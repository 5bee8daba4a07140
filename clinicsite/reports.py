"""The figures of a period for the staff reports page: bookings, money, no-shows and
cancellations, each therapist's booked hours, new and returning clients, and bookings per
day or week for the chart. Pure reads; the period is a range of local days in the clinic's
zone, so a day of 23 or 25 hours counts once.

What counts as a booking: every appointment starting in the period except holds that never
became one (`held`, `expired`). Rates are over what was due: the no-show rate is no-shows
out of visits that were due to happen (completed and no-shows), the cancellation rate
cancellations out of all bookings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from clinicsite.appointments import origins
from clinicsite.appointments.takings import Takings, day_bounds, local_day, takings
from clinicsite.extensions import db
from clinicsite.models import Appointment, FeeCharge, Therapist

BOOKED = ("confirmed", "completed", "no_show", "cancelled")
MAX_DAYS = 366
TOP_PAGES = 10
SOURCES = {"online": "Online", "phone": "By phone", "walk-in": "Walk-in", "series": "Standing"}


@dataclass(frozen=True)
class Bar:
    label: str  # "Dec 7" or "Week of Dec 7"
    first: date
    count: int


@dataclass(frozen=True)
class TherapistHours:
    name: str
    visits: int
    minutes: int


@dataclass
class Report:
    first: date
    last: date
    currency: str
    by_status: dict[str, int] = field(default_factory=dict)
    by_source: dict[str, int] = field(default_factory=dict)
    # Online bookings by where they came from: by kind ("area", "post"...) in origins.KINDS
    # order, and the single pages that brought the most.
    by_origin: dict[str, int] = field(default_factory=dict)
    top_origins: list[tuple[str, int]] = field(default_factory=list)
    therapists: list[TherapistHours] = field(default_factory=list)
    new_clients: int = 0
    returning_clients: int = 0
    fees: int = 0  # no-show and late-cancellation fees charged, less their refunds
    money: Takings | None = None
    bars: list[Bar] = field(default_factory=list)
    weekly: bool = False

    @property
    def bookings(self) -> int:
        return sum(self.by_status.values())

    @property
    def no_show_rate(self) -> float | None:
        due = self.by_status.get("completed", 0) + self.by_status.get("no_show", 0)
        return self.by_status.get("no_show", 0) / due if due else None

    @property
    def cancellation_rate(self) -> float | None:
        return self.by_status.get("cancelled", 0) / self.bookings if self.bookings else None


def report(first: date, last: date, tz: ZoneInfo, currency: str) -> Report:
    """The figures of the local days `first` to `last` (inclusive, at most MAX_DAYS)."""
    if last < first or (last - first).days >= MAX_DAYS:
        raise ValueError(f"a report covers 1 to {MAX_DAYS} days")
    start, end = day_bounds(first, tz)[0], day_bounds(last, tz)[1]
    in_period = sa.and_(
        Appointment.starts_at >= start,
        Appointment.starts_at < end,
        Appointment.status.in_(BOOKED),
    )
    result = Report(first, last, currency)
    result.by_status = dict(
        db.session.execute(
            sa.select(Appointment.status, sa.func.count())
            .where(in_period)
            .group_by(Appointment.status)
        ).all()
    )
    result.by_source = dict(
        db.session.execute(
            sa.select(Appointment.source, sa.func.count())
            .where(in_period)
            .group_by(Appointment.source)
        ).all()
    )
    result.by_origin, result.top_origins = _origins(in_period)
    result.therapists = _therapist_hours(in_period)
    result.new_clients, result.returning_clients = _new_and_returning(in_period, start)
    result.fees = db.session.scalar(
        sa.select(
            sa.func.coalesce(sa.func.sum(FeeCharge.amount - FeeCharge.amount_refunded), 0)
        ).where(
            FeeCharge.status == "succeeded",
            FeeCharge.created_at >= start,
            FeeCharge.created_at < end,
        )
    )
    result.money = takings(first, last, tz, currency)
    result.weekly = (last - first).days > 31
    result.bars = _bars(in_period, first, last, tz, result.weekly)
    return result


def _therapist_hours(in_period) -> list[TherapistHours]:
    """Visits and booked minutes of each therapist (cancelled ones left out), most first.
    Summed here rather than in SQL: date arithmetic differs between the databases, and a
    year of a clinic's visits is a few thousand rows."""
    rows = db.session.execute(
        sa.select(Therapist.id, Therapist.name, Appointment.starts_at, Appointment.ends_at)
        .join(Therapist, Appointment.therapist_id == Therapist.id)
        .where(in_period, Appointment.status != "cancelled")
    ).all()
    visits: dict[int, list] = {}
    for therapist_id, name, starts_at, ends_at in rows:
        entry = visits.setdefault(therapist_id, [name, 0, 0])
        entry[1] += 1
        entry[2] += int((ends_at - starts_at).total_seconds()) // 60
    hours = [TherapistHours(name, count, minutes) for name, count, minutes in visits.values()]
    return sorted(hours, key=lambda h: (-h.minutes, h.name))


def _new_and_returning(in_period, start) -> tuple[int, int]:
    """Clients with a booking in the period: new when they had none before it."""
    clients = (
        sa.select(Appointment.client_id)
        .where(in_period, Appointment.client_id.is_not(None))
        .distinct()
    )
    earlier = sa.select(Appointment.client_id).where(
        Appointment.starts_at < start,
        Appointment.status.in_(BOOKED),
        Appointment.client_id.is_not(None),
    )
    total = db.session.scalar(sa.select(sa.func.count()).select_from(clients.subquery())) or 0
    returning = (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(
                clients.where(Appointment.client_id.in_(earlier)).subquery()
            )
        )
        or 0
    )
    return total - returning, returning


def _bars(in_period, first: date, last: date, tz: ZoneInfo, weekly: bool) -> list[Bar]:
    """Bookings per local day (per week from Monday when the period is long)."""
    starts = db.session.scalars(sa.select(Appointment.starts_at).where(in_period))
    counts: dict[date, int] = {}
    for moment in starts:
        day = local_day(moment, tz)
        key = day - timedelta(days=day.weekday()) if weekly else day
        counts[key] = counts.get(key, 0) + 1
    bars, day = [], first - timedelta(days=first.weekday()) if weekly else first
    step = timedelta(days=7 if weekly else 1)
    while day <= last:
        label = f"Week of {day:%b} {day.day}" if weekly else f"{day:%b} {day.day}"
        bars.append(Bar(label, day, counts.get(day, 0)))
        day += step
    return bars


def _origins(in_period) -> tuple[dict[str, int], list[tuple[str, int]]]:
    counts = db.session.execute(
        sa.select(Appointment.origin, sa.func.count())
        .where(in_period, Appointment.source == "online")
        .group_by(Appointment.origin)
    ).all()
    by_kind = dict.fromkeys(origins.KINDS, 0)
    for where, n in counts:
        by_kind[origins.kind(where)] = by_kind.get(origins.kind(where), 0) + n
    pages = sorted(
        ((where, n) for where, n in counts if where and ":" in where), key=lambda p: (-p[1], p[0])
    )
    return {k: n for k, n in by_kind.items() if n}, pages[:TOP_PAGES]
