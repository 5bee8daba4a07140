"""How long the pure availability function takes for a busy therapist.

Run by hand: `.venv/bin/python -m bench.availability`. Figures go in bench/README.md.
"""

from __future__ import annotations

import random
import statistics
import time as clock
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from clinicsite.scheduling.availability import Interval, Rules, WeeklyHours, free_slots, local_days

LA = ZoneInfo("America/Los_Angeles")


def case(bookings: int):
    rng = random.Random(7)
    days = local_days(date(2026, 2, 1), 60)  # crosses the spring-forward day
    weekly = [
        WeeklyHours(weekday, time(start), time(start + 3), 1 + weekday % 2)
        for weekday in range(7)
        for start in (8, 12, 16)
    ]
    first = datetime(2026, 2, 1, tzinfo=LA).astimezone(UTC)
    busy = []
    for _ in range(bookings):
        start = first + timedelta(minutes=rng.randrange(0, 60 * 24 * 60, 15))
        busy.append(Interval(start, start + timedelta(minutes=rng.choice([45, 60, 75, 90]))))
    rules = Rules(
        duration=timedelta(minutes=60),
        buffer=timedelta(minutes=15),
        step=timedelta(minutes=15),
        min_notice=timedelta(hours=12),
        horizon=timedelta(days=90),
        tz=LA,
    )
    now = datetime(2026, 1, 1, tzinfo=UTC)
    return {"days": days, "weekly": weekly, "busy": busy, "rules": rules, "now": now}


def main() -> None:
    print("| busy intervals | free slots | median ms (20 runs) |")
    print("|---|---|---|")
    for bookings in (0, 100, 500, 2000):
        kwargs = case(bookings)
        timings = []
        for _ in range(20):
            began = clock.perf_counter()
            slots = free_slots(**kwargs)
            timings.append((clock.perf_counter() - began) * 1000)
        print(f"| {bookings} | {len(slots)} | {statistics.median(timings):.1f} |")


if __name__ == "__main__":
    main()
