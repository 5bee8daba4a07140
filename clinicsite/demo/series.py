"""The demo clinic's standing appointments (`content/series.toml`), booked through the same
domain function as the front desk's (appointments/series.py). A series already there for
the same client and therapist is left as it is, so loading twice books nothing new."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from clinicsite.appointments.holding import ClientDetails, HoldRequest
from clinicsite.appointments.series import book_series
from clinicsite.audit import SYSTEM
from clinicsite.demo.content import CONTENT_DIR, ContentError, _toml
from clinicsite.extensions import db
from clinicsite.models import ClinicSettings, Location, Series, Service, ServiceOption, Therapist
from clinicsite.scheduling.wallclock import instants


def read_series(directory: Path = CONTENT_DIR) -> list[dict[str, Any]]:
    path = directory / "series.toml"
    return _toml("series.toml", directory)["series"] if path.exists() else []


def load_series_demo(now: datetime, count: Callable[[str, bool], None]) -> None:
    clinic = db.session.get(ClinicSettings, 1)
    for spec in read_series():
        therapist = db.session.scalar(sa.select(Therapist).filter_by(slug=spec["therapist"]))
        if therapist is None:
            raise ContentError(f"series.toml: unknown therapist {spec['therapist']}")
        exists = db.session.scalar(
            sa.select(Series.id).filter_by(
                client_name=spec["client_name"], therapist_id=therapist.id
            )
        )
        if exists is None:
            book_series(
                _first_visit(spec, therapist, clinic, now),
                spec["every_weeks"],
                spec["count"],
                SYSTEM,
                now,
                clinic,
            )
        count("series", exists is None)


def _first_visit(spec, therapist: Therapist, clinic: ClinicSettings, now: datetime):
    option = db.session.scalar(
        sa.select(ServiceOption)
        .join(Service)
        .where(Service.slug == spec["service"], ServiceOption.duration_minutes == spec["minutes"])
    )
    studio = db.session.scalar(sa.select(Location).filter_by(slug=spec["studio"]))
    if option is None or studio is None:
        raise ContentError(f"series.toml: unknown service length or studio in {spec}")
    day = now.astimezone(clinic.tz).date() + timedelta(days=2)
    day += timedelta(days=(spec["weekday"] - day.weekday()) % 7)
    local = datetime.combine(day, time.fromisoformat(spec["time"]))
    client = ClientDetails(
        spec["client_name"], spec["client_email"], spec["client_phone"], spec.get("notes", "")
    )
    return HoldRequest(
        option, therapist, studio, instants(local, clinic.tz)[0], client, source="phone"
    )
