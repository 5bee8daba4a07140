"""The demo clinic's holidays (clinic.toml's [[closures]]): the next occurrence of each
month-day becomes a whole-day closure of the whole clinic, unless that day is closed already."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import Closure


def next_occurrence(month_day: str, today: date) -> date:
    """'12-25' -> the next December 25 on or after `today`."""
    month, day = (int(part) for part in month_day.split("-"))
    this_year = date(today.year, month, day)
    return this_year if this_year >= today else date(today.year + 1, month, day)


def load_closures(
    clinic: dict[str, Any], now: datetime, count: Callable[[str, bool], None]
) -> None:
    tz = ZoneInfo(clinic["timezone"])
    today = now.astimezone(tz).date()
    for entry in clinic.get("closures", []):
        day = next_occurrence(str(entry["date"]), today)
        start = datetime.combine(day, time(), tzinfo=tz).astimezone(UTC)
        end = datetime.combine(day + timedelta(days=1), time(), tzinfo=tz).astimezone(UTC)
        exists = db.session.scalar(
            sa.select(Closure.id).where(
                Closure.location_id.is_(None), Closure.starts_at == start, Closure.ends_at == end
            )
        )
        if exists is None:
            db.session.add(Closure(starts_at=start, ends_at=end, note=str(entry.get("note", ""))))
        count("closures", exists is None)
