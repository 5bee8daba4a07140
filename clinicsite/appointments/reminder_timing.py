"""When a reminder goes out: pure functions, no Flask, no database.

A rule says "`hours_before` the appointment": that instant is the reminder's *due* time.
Quiet hours (local wall-clock, for example 21:00 to 08:00, crossing midnight) move it:

1. due outside quiet hours: it goes when due;
2. due inside them: it waits for the end of those quiet hours, if that is still before the
   appointment starts;
3. otherwise (an early-morning appointment) it goes earlier instead, at the last minute
   before those quiet hours began.

Wall-clock times that do not exist (the hour skipped in spring) are read with the offset
before the change, so 02:30 on that night means 03:30 of the new offset; a repeated hour
(autumn) reads as its first occurrence. A quiet time is [start, end): 21:00 is quiet,
08:00 is not. Equal start and end mean no quiet hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# Case 3 sends this long before quiet hours begin, so a run every minute still sees it.
EARLY_LEAD = timedelta(minutes=1)


@dataclass(frozen=True)
class QuietHours:
    start: time
    end: time
    tz: ZoneInfo

    @property
    def crosses_midnight(self) -> bool:
        return self.end < self.start

    def is_quiet(self, moment: datetime) -> bool:
        """Whether `moment` (aware) reads as a quiet local time."""
        local = moment.astimezone(self.tz).time().replace(tzinfo=None)
        if self.start == self.end:
            return False
        if self.crosses_midnight:
            return local >= self.start or local < self.end
        return self.start <= local < self.end

    def window(self, moment: datetime) -> tuple[datetime, datetime]:
        """The quiet hours containing `moment` (which must be quiet), as UTC instants."""
        local = moment.astimezone(self.tz)
        day = local.date()
        if self.crosses_midnight:
            if local.time().replace(tzinfo=None) >= self.start:
                first, last = day, day + timedelta(days=1)
            else:
                first, last = day - timedelta(days=1), day
        else:
            first = last = day
        return self.instant(first, self.start), self.instant(last, self.end)

    def instant(self, day: date, reading: time) -> datetime:
        """The UTC instant `reading` on local `day` names (see the module's rule)."""
        return wall_clock(day, reading, self.tz)


def wall_clock(day: date, reading: time, tz: ZoneInfo) -> datetime:
    """A local reading as UTC: a skipped reading is taken with the offset before the gap,
    a repeated one as its first occurrence (fold=0 does both)."""
    return datetime.combine(day, reading, tzinfo=tz).astimezone(UTC)


def send_time(starts_at: datetime, hours_before: int, quiet: QuietHours) -> datetime:
    """When the reminder `hours_before` an appointment starting at `starts_at` goes out."""
    due = starts_at - timedelta(hours=hours_before)
    if not quiet.is_quiet(due):
        return due
    began, ends = quiet.window(due)
    if ends < starts_at:
        return ends
    return began - EARLY_LEAD


def may_send_now(
    starts_at: datetime,
    hours_before: int,
    quiet: QuietHours,
    now: datetime,
    booked_at: datetime | None,
) -> bool:
    """Whether a run at `now` sends this reminder: its time has come, the appointment has
    not started, `now` is not quiet (a run late by hours still sends nothing at night), and
    the appointment was booked (or last moved) before the reminder's time: a booking made
    after it has just had its confirmation."""
    at = send_time(starts_at, hours_before, quiet)
    if booked_at is not None and booked_at > at:
        return False
    return at <= now < starts_at and not quiet.is_quiet(now)


def day_words(starts_at: datetime, now: datetime, tz: ZoneInfo) -> str:
    """How a reminder sent at `now` names the appointment's day: "today", "tomorrow", or
    "on Wednesday 9 December"; true by the clinic's calendar whenever it goes."""
    day, today = starts_at.astimezone(tz).date(), now.astimezone(tz).date()
    if day == today:
        return "today"
    if day == today + timedelta(days=1):
        return "tomorrow"
    return f"on {day:%A} {day.day} {day:%B}"
