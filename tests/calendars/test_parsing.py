"""Reading feeds into busy spans: recurrence with exceptions and moves, all-day events in
the clinic's days, free and cancelled events, every way a time zone is given, DST."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from clinicsite.calendars.parsing import MAX_OCCURRENCES, FeedUnreadable, busy_spans
from tests.calendars import feeds

LA = ZoneInfo("America/Los_Angeles")
NOW = datetime(2026, 12, 7, 16, tzinfo=UTC)  # Monday 08:00 in Los Angeles


def local(spans) -> list[tuple[str, str]]:
    return [
        (s.astimezone(LA).strftime("%Y-%m-%d %H:%M"), e.astimezone(LA).strftime("%H:%M"))
        for s, e in spans
    ]


def read(data: bytes, days: int = 21, start: datetime = NOW):
    return busy_spans(data, start, start + timedelta(days=days), LA)


def test_google_weekly_event_skips_its_exdate_and_follows_its_moved_occurrence():
    busy = read(feeds.GOOGLE, days=23)
    assert local(busy.spans) == [
        ("2026-12-08 11:00", "12:00"),
        # 2026-12-15 is an EXDATE; 2026-12-22 was moved to the afternoon.
        ("2026-12-22 16:00", "17:00"),
        ("2026-12-29 11:00", "12:00"),
    ]
    assert busy.warning == ""


def test_free_and_cancelled_events_block_nothing():
    # The Google feed's Wednesday has a transparent lunch and a cancelled dentist only.
    busy = read(feeds.GOOGLE)
    assert not [s for s in busy.spans if s[0].astimezone(LA).day == 9]


def test_apple_vtimezone_and_an_all_day_event_that_blocks_the_clinics_whole_day():
    busy = read(feeds.APPLE, days=9)
    assert local(busy.spans) == [
        ("2026-12-08 15:00", "16:00"),
        ("2026-12-09 00:00", "00:00"),
        ("2026-12-15 15:00", "16:00"),
    ]
    day = busy.spans[1]
    assert day[1] - day[0] == timedelta(hours=24)


def test_a_weekly_local_event_keeps_its_wall_clock_time_across_the_spring_change():
    busy = read(feeds.APPLE, days=20, start=datetime(2027, 3, 1, tzinfo=UTC))
    in_utc = [s.strftime("%m-%d %H:%M") for s, _ in busy.spans]
    # 15:00 in Los Angeles: 23:00 UTC in winter, 22:00 UTC once the clocks have gone forward.
    assert in_utc == ["03-02 23:00", "03-09 23:00", "03-16 22:00"]
    assert {s.astimezone(LA).strftime("%H:%M") for s, _ in busy.spans} == {"15:00"}


def test_google_weekly_event_in_utc_follows_local_time_across_the_spring_change():
    # X-WR-TIMEZONE makes Google's UTC-written series a Los Angeles one: 11:00 all along.
    busy = read(feeds.GOOGLE, days=20, start=datetime(2027, 3, 1, tzinfo=UTC))
    assert {s.astimezone(LA).strftime("%H:%M") for s, _ in busy.spans} == {"11:00"}
    assert [s.strftime("%d %H") for s, _ in busy.spans] == ["02 19", "09 19", "16 18"]


def test_an_all_day_event_on_the_fall_back_day_blocks_25_hours():
    data = feeds.ics(
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "BEGIN:VEVENT",
        "UID:day",
        "DTSTART;VALUE=DATE:20261101",
        "END:VEVENT",
        "END:VCALENDAR",
    )
    (span,) = read(data, start=datetime(2026, 10, 30, tzinfo=UTC)).spans
    assert span[1] - span[0] == timedelta(hours=25)
    assert span[0].astimezone(LA).strftime("%H:%M") == "00:00"


def test_outlook_windows_zone_names_are_read_and_an_unknown_one_is_reported():
    busy = read(feeds.OUTLOOK)
    # The Microsoft "free" event is left out.
    assert local(busy.spans) == [("2026-12-10 10:30", "11:30"), ("2026-12-11 09:00", "09:30")]
    assert "Customized Time Zone 7" in busy.warning


def test_a_windows_zone_name_without_its_vtimezone_is_still_understood():
    busy = read(feeds.WINDOWS_NAME_ONLY)
    assert local(busy.spans) == [("2026-12-10 13:00", "14:00")]
    assert busy.warning == ""


def test_floating_times_are_the_clinics_wall_clock_and_an_event_without_length_blocks_nothing():
    busy = read(feeds.FLOATING)
    assert local(busy.spans) == [("2026-12-08 12:00", "13:30")]


def test_overlapping_events_are_merged_and_the_window_is_respected():
    data = feeds.ics(
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "BEGIN:VEVENT",
        "UID:a",
        "DTSTART:20261208T180000Z",
        "DTEND:20261208T200000Z",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:b",
        "DTSTART:20261208T190000Z",
        "DTEND:20261208T210000Z",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:later",
        "DTSTART:20270308T190000Z",
        "DTEND:20270308T210000Z",
        "END:VEVENT",
        "END:VCALENDAR",
    )
    assert local(read(data).spans) == [("2026-12-08 10:00", "13:00")]


@pytest.mark.parametrize(
    "data, words",
    [
        (feeds.GARBAGE, "does not answer with a calendar"),
        (b"", "empty"),
        (feeds.BROKEN, "cannot read"),
        (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n\xff\xfe\x00garbage", "damaged"),
    ],
)
def test_a_malformed_feed_is_an_error_in_words_never_a_crash(data, words):
    with pytest.raises(FeedUnreadable, match=words):
        read(data)


def spam(rule: str, first: str = "20261201T000000Z") -> bytes:
    return feeds.ics(
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "BEGIN:VEVENT",
        "UID:spam",
        f"DTSTART:{first}",
        "DURATION:PT1M",
        f"RRULE:{rule}",
        "END:VEVENT",
        "END:VCALENDAR",
    )


def test_a_rule_that_repeats_every_minute_is_refused_before_it_is_expanded():
    with pytest.raises(FeedUnreadable, match="every minute"):
        read(spam("FREQ=MINUTELY", first="19900101T000000Z"), days=60)


def test_a_rule_that_explodes_into_too_many_events_is_refused():
    with pytest.raises(FeedUnreadable, match=f"{MAX_OCCURRENCES:,}"):
        read(spam("FREQ=HOURLY;BYMINUTE=0,10,20,30,40,50"), days=60)


def test_an_endless_free_series_does_not_keep_the_reader_going():
    data = feeds.ics(
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "BEGIN:VEVENT",
        "UID:free",
        "DTSTART:20261201T000000Z",
        "DTEND:20261201T010000Z",
        "RRULE:FREQ=DAILY",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
        "END:VCALENDAR",
    )
    assert read(data).spans == []
