"""reminder_timing: when a reminder goes, quiet hours, across the clock changes."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from clinicsite.appointments.reminder_timing import (
    EARLY_LEAD,
    QuietHours,
    day_words,
    may_send_now,
    send_time,
)

LA = ZoneInfo("America/Los_Angeles")
QUIET = QuietHours(time(21), time(8), LA)


def la(*args) -> datetime:
    return datetime(*args, tzinfo=LA).astimezone(UTC)


def test_a_reminder_due_in_the_day_goes_when_due():
    starts = la(2026, 12, 9, 14, 0)
    assert send_time(starts, 24, QUIET) == la(2026, 12, 8, 14, 0)
    assert send_time(starts, 2, QUIET) == la(2026, 12, 9, 12, 0)


def test_a_reminder_due_at_night_waits_for_the_end_of_quiet_hours():
    starts = la(2026, 12, 9, 9, 30)  # 24h before: Tuesday 09:30; 2h before: 07:30 (quiet)
    assert send_time(starts, 2, QUIET) == la(2026, 12, 9, 8, 0)
    late = la(2026, 12, 9, 23, 0)  # 24h before is 23:00 the night before
    assert send_time(late, 24, QUIET) == la(2026, 12, 9, 8, 0)


def test_when_quiet_hours_end_too_late_it_goes_before_they_begin():
    starts = la(2026, 12, 9, 7, 30)  # 2h before is 05:30; quiet ends 08:00, after the start
    assert send_time(starts, 2, QUIET) == la(2026, 12, 8, 21, 0) - EARLY_LEAD


def test_quiet_boundaries_start_is_quiet_end_is_not():
    assert QUIET.is_quiet(la(2026, 12, 8, 21, 0))
    assert not QUIET.is_quiet(la(2026, 12, 8, 20, 59))
    assert QUIET.is_quiet(la(2026, 12, 8, 7, 59))
    assert not QUIET.is_quiet(la(2026, 12, 8, 8, 0))


def test_quiet_hours_inside_one_day_and_none():
    afternoon = QuietHours(time(13), time(14), LA)
    assert afternoon.is_quiet(la(2026, 12, 8, 13, 30))
    assert not afternoon.is_quiet(la(2026, 12, 8, 23, 0))
    assert send_time(la(2026, 12, 8, 15, 30), 2, afternoon) == la(2026, 12, 8, 14, 0)
    never = QuietHours(time(9), time(9), LA)
    assert send_time(la(2026, 12, 9, 3, 0), 2, never) == la(2026, 12, 9, 1, 0)


@pytest.mark.parametrize(
    ("starts", "hours", "expected"),
    [
        # Spring forward, 2026-03-08 (02:00 PST -> 03:00 PDT): the night is an hour shorter.
        # 2h before 09:00 PDT is 07:00 PDT, quiet: it waits for 08:00 PDT (15:00 UTC).
        (datetime(2026, 3, 8, 16, 0, tzinfo=UTC), 2, datetime(2026, 3, 8, 15, 0, tzinfo=UTC)),
        # 24 real hours before Monday 09:00 PDT is Sunday 09:00 PDT (real hours, not
        # wall-clock ones): not quiet, sent then.
        (datetime(2026, 3, 9, 16, 0, tzinfo=UTC), 24, datetime(2026, 3, 8, 16, 0, tzinfo=UTC)),
        # Fall back, 2026-11-01 (02:00 PDT -> 01:00 PST): 2h before 08:30 PST is 06:30 PST;
        # quiet ends 08:00 PST (16:00 UTC).
        (datetime(2026, 11, 1, 16, 30, tzinfo=UTC), 2, datetime(2026, 11, 1, 16, 0, tzinfo=UTC)),
        # 07:30 PST on the long night: 2h before is quiet, 08:00 is too late; it goes at
        # 20:59 PDT the evening before (03:59 UTC).
        (datetime(2026, 11, 1, 15, 30, tzinfo=UTC), 2, datetime(2026, 11, 1, 3, 59, tzinfo=UTC)),
    ],
)
def test_across_the_clock_changes(starts, hours, expected):
    at = send_time(starts, hours, QUIET)
    assert at == expected
    assert not QUIET.is_quiet(at)


def test_every_send_time_of_a_year_is_outside_quiet_hours_and_before_the_start():
    starts = la(2026, 1, 1, 0, 0)
    while starts < la(2027, 1, 1, 0, 0):
        for hours in (2, 24, 48):
            at = send_time(starts, hours, QUIET)
            assert not QUIET.is_quiet(at), (starts, hours)
            assert at < starts
        starts += timedelta(minutes=97)


def test_may_send_now_waits_for_its_time_and_never_sends_at_night_or_late():
    starts = la(2026, 12, 9, 14, 0)
    booked = la(2026, 12, 1, 10, 0)
    assert not may_send_now(starts, 24, QUIET, la(2026, 12, 8, 13, 59), booked)
    assert may_send_now(starts, 24, QUIET, la(2026, 12, 8, 14, 0), booked)
    assert not may_send_now(starts, 24, QUIET, la(2026, 12, 8, 23, 0), booked)  # a late run
    assert may_send_now(starts, 24, QUIET, la(2026, 12, 9, 8, 0), booked)
    assert not may_send_now(starts, 24, QUIET, starts, booked)  # started
    assert not may_send_now(starts, 24, QUIET, la(2026, 12, 9, 9, 0), la(2026, 12, 8, 15, 0))


def test_day_words_name_the_day_as_it_is_when_sent():
    starts = la(2026, 12, 9, 14, 0)  # Wednesday
    assert day_words(starts, la(2026, 12, 9, 8, 0), LA) == "today"
    assert day_words(starts, la(2026, 12, 8, 8, 0), LA) == "tomorrow"
    assert day_words(starts, la(2026, 12, 7, 8, 0), LA) == "on Wednesday 9 December"
