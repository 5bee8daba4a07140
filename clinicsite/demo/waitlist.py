"""The demo's waitlist entries (content/waitlist.toml), dated from the day they are loaded."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import (
    ClinicSettings,
    Location,
    Service,
    ServiceOption,
    Therapist,
    WaitlistEntry,
)

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def load_waitlist_demo(
    entries: list[dict[str, Any]], now: datetime, count: Callable[[str, bool], None]
) -> None:
    """Add each entry not there yet (known by its email and service)."""
    clinic = db.session.get(ClinicSettings, 1)
    today = now.astimezone(clinic.tz).date()
    for spec in entries:
        service = db.session.scalar(sa.select(Service).filter_by(slug=spec["service"]))
        exists = db.session.scalar(
            sa.select(WaitlistEntry.id).filter_by(email=spec["email"], service_id=service.id)
        )
        if exists is None:
            db.session.add(_entry(spec, service, today, now))
        count("waitlist entries", exists is None)


def _entry(spec: dict[str, Any], service: Service, today, now: datetime) -> WaitlistEntry:
    therapist = None
    if spec["therapist"] != "any":
        therapist = db.session.scalar(sa.select(Therapist).filter_by(slug=spec["therapist"]))
    return WaitlistEntry(
        service=service,
        option=db.session.scalar(
            sa.select(ServiceOption).filter_by(
                service_id=service.id, duration_minutes=spec["minutes"]
            )
        ),
        therapist=therapist,
        location=db.session.scalar(sa.select(Location).filter_by(slug=spec["studio"])),
        date_from=today + timedelta(days=spec["first_day"]),
        date_to=today + timedelta(days=spec["last_day"]),
        earliest=time.fromisoformat(spec["earliest"]),
        latest=time.fromisoformat(spec["latest"]),
        weekdays=sum(1 << WEEKDAYS.index(day) for day in spec["weekdays"]),
        name=spec["name"],
        email=spec["email"],
        phone=spec.get("phone", ""),
        created_at=now - timedelta(days=2),
        status="active",
        withdraw_token=f"demo-waitlist-{spec['email']}",
    )
