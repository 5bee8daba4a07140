"""Syncing outside calendars: fetch each address, read its busy times, replace the rows.

Safe from cron, and twice at once: nothing is locked while a feed downloads, and the
replacement (delete the calendar's rows, insert the new ones, note the validators) runs
under the therapist's booking lock and the calendar's row lock in one transaction, so
readers see the old set or the new one, never a mix, and two syncs of one feed cannot
leave both sets behind. A failed fetch
or an unreadable file keeps the busy times there were and records the error.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from clinicsite.calendars.fetching import FetchError, Limits, fetch
from clinicsite.calendars.parsing import FeedUnreadable, busy_spans
from clinicsite.extensions import db
from clinicsite.models import ExternalBusy, ExternalCalendar
from clinicsite.scheduling.holds import lock_therapists

# Busy times are read this far past the booking horizon, so an unchanged feed (304) can
# be trusted for that long before the whole file is read again for the days coming in.
SPARE = timedelta(days=7)


@dataclass(frozen=True)
class Outcome:
    """What one sync did: `status` is changed, unchanged or failed."""

    therapist: str
    status: str
    busy: int = 0
    message: str = ""

    @property
    def failed(self) -> bool:
        return self.status == "failed"


def sync_all(limits: Limits, tz: ZoneInfo, horizon_days: int, now: datetime) -> list[Outcome]:
    """Sync every therapist's calendar, one after another; one failing stops no other."""
    ids = db.session.scalars(sa.select(ExternalCalendar.id).order_by(ExternalCalendar.id)).all()
    db.session.commit()
    return [sync_one(i, limits, tz, horizon_days, now) for i in ids]


def sync_one(
    calendar_id: int, limits: Limits, tz: ZoneInfo, horizon_days: int, now: datetime
) -> Outcome:
    """Fetch and read one calendar over [now, now + horizon + SPARE) and commit."""
    calendar = db.session.scalar(
        sa.select(ExternalCalendar)
        .where(ExternalCalendar.id == calendar_id)
        .options(joinedload(ExternalCalendar.therapist))
    )
    if calendar is None:
        return Outcome("?", "failed", message="The calendar was removed meanwhile.")
    name, url, therapist_id = calendar.therapist.name, calendar.url, calendar.therapist_id
    start, end = now, now + timedelta(days=horizon_days) + SPARE
    # Validators only while the rows still reach the horizon: else the whole file is read.
    fresh = calendar.covered_until is not None and calendar.covered_until >= end - SPARE
    etag, modified = (calendar.etag, calendar.last_modified) if fresh else ("", "")
    db.session.commit()  # no transaction stays open while the feed downloads
    try:
        fetched = fetch(url, limits, etag, modified)
        busy = None if fetched.body is None else busy_spans(fetched.body, start, end, tz)
    except (FetchError, FeedUnreadable) as error:
        _record_failure(calendar_id, url, str(error), now)
        return Outcome(name, "failed", message=str(error))
    if busy is not None:
        # New busy times change what the therapist can be booked for: the booking lock
        # (taken first, as staff pages take it before the calendar's row) orders this with
        # bookings, and its counter renews the cached availability (booking/api.py).
        lock_therapists(therapist_id)
    if not _lock(calendar_id, url, now):
        db.session.rollback()
        return Outcome(name, "failed", message="The address changed while it was read.")
    calendar = db.session.get(ExternalCalendar, calendar_id, populate_existing=True)
    calendar.synced_at, calendar.error = now, ""
    calendar.etag, calendar.last_modified = fetched.etag, fetched.last_modified
    if busy is None:
        count = db.session.scalar(
            sa.select(sa.func.count()).where(ExternalBusy.calendar_id == calendar_id)
        )
        db.session.commit()
        return Outcome(name, "unchanged", count)
    db.session.execute(sa.delete(ExternalBusy).where(ExternalBusy.calendar_id == calendar_id))
    db.session.add_all(
        ExternalBusy(calendar_id=calendar_id, therapist_id=therapist_id, starts_at=s, ends_at=e)
        for s, e in busy.spans
    )
    calendar.warning, calendar.covered_until = busy.warning, end
    db.session.commit()
    return Outcome(name, "changed", len(busy.spans), busy.warning)


def _lock(calendar_id: int, url: str, now: datetime) -> bool:
    """Take the calendar's row lock (the UPDATE holds it until commit; on SQLite it starts
    the write transaction). False when the calendar is gone or its address changed."""
    result = db.session.execute(
        sa.update(ExternalCalendar)
        .where(ExternalCalendar.id == calendar_id, ExternalCalendar.url == url)
        .values(checked_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _record_failure(calendar_id: int, url: str, message: str, now: datetime) -> None:
    if _lock(calendar_id, url, now):
        db.session.execute(
            sa.update(ExternalCalendar)
            .where(ExternalCalendar.id == calendar_id)
            .values(error=message[:500])
            .execution_options(synchronize_session=False)
        )
    db.session.commit()
