"""Which active waitlist entries a freed time suits, in the order they joined."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import Service, ServiceOption, Therapist, WaitlistEntry, therapist_service


def suits(
    entry: WaitlistEntry, therapist_id: int, location_id: int, start: datetime, tz: ZoneInfo
) -> bool:
    """Whether a start (aware UTC) with this therapist at this studio is one the entry waits
    for: its therapist (or any), its studio (or any), a day of its window and weekdays, and a
    local start between its earliest and latest."""
    if entry.therapist_id is not None and entry.therapist_id != therapist_id:
        return False
    if entry.location_id is not None and entry.location_id != location_id:
        return False
    local = start.astimezone(tz)
    if not entry.date_from <= local.date() <= entry.date_to:
        return False
    if not entry.suits_weekday(local.weekday()):
        return False
    return entry.earliest <= local.time().replace(tzinfo=None) <= entry.latest


def local_days(starts_at: datetime, ends_at: datetime, tz: ZoneInfo) -> list[date]:
    """The local days a UTC span touches."""
    first = starts_at.astimezone(tz).date()
    last = max(first, (ends_at - timedelta(microseconds=1)).astimezone(tz).date())
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def candidates(therapist: Therapist, days: list[date]) -> list[WaitlistEntry]:
    """Active entries that could want a time of `therapist` on one of `days`: a service the
    therapist performs, this therapist or any, a window that meets the days; in join order.
    (`suits` then checks each start.)"""
    if not days:
        return []
    performs = sa.select(therapist_service.c.service_id).where(
        therapist_service.c.therapist_id == therapist.id
    )
    return list(
        db.session.scalars(
            sa.select(WaitlistEntry)
            .where(
                WaitlistEntry.status == "active",
                WaitlistEntry.service_id.in_(performs),
                sa.or_(
                    WaitlistEntry.therapist_id.is_(None),
                    WaitlistEntry.therapist_id == therapist.id,
                ),
                WaitlistEntry.date_from <= max(days),
                WaitlistEntry.date_to >= min(days),
            )
            .order_by(WaitlistEntry.created_at, WaitlistEntry.id)
        )
    )


def option_for(entry: WaitlistEntry) -> ServiceOption | None:
    """The length the entry waits for: its own, else the service's shortest active one."""
    if entry.option is not None:
        return entry.option
    return shortest_option(entry.service)


def shortest_option(service: Service) -> ServiceOption | None:
    return min(service.active_options, key=lambda o: (o.duration_minutes, o.id), default=None)
