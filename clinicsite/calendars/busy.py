"""The busy times read from outside calendars, read back: for the availability of online
booking, and for the check a booking makes under its therapist's lock."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import ExternalBusy
from clinicsite.scheduling import availability as av
from clinicsite.scheduling.holds import SlotTaken


class BusyElsewhere(SlotTaken):
    """The time meets a busy time of the therapist's own calendar. A SlotTaken, so every
    online path that refuses a taken time refuses this one too."""


def busy_by_therapist(
    therapist_ids: Iterable[int], start: datetime, end: datetime
) -> dict[int, list[av.Interval]]:
    """The outside busy times of the therapists that meet [start, end), in one query."""
    found: dict[int, list[av.Interval]] = defaultdict(list)
    rows = db.session.execute(
        sa.select(ExternalBusy.therapist_id, ExternalBusy.starts_at, ExternalBusy.ends_at).where(
            ExternalBusy.therapist_id.in_(list(therapist_ids)),
            ExternalBusy.starts_at < end,
            ExternalBusy.ends_at > start,
        )
    )
    for therapist_id, busy_start, busy_end in rows:
        found[therapist_id].append(av.Interval(busy_start, busy_end))
    return found


def busy_elsewhere(therapist_id: int, start: datetime, end: datetime) -> bool:
    """Whether [start, end) meets a busy time of the therapist's own calendar."""
    query = sa.select(ExternalBusy.id).where(
        ExternalBusy.therapist_id == therapist_id,
        ExternalBusy.starts_at < end,
        ExternalBusy.ends_at > start,
    )
    return db.session.scalar(query.limit(1)) is not None


def refuse_if_busy_elsewhere(therapist_id: int, start: datetime, end: datetime) -> None:
    """Raise BusyElsewhere when [start, end) meets the therapist's own calendar."""
    if busy_elsewhere(therapist_id, start, end):
        raise BusyElsewhere("busy in the therapist's own calendar")
