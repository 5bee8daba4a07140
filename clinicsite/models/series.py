"""Standing appointments: one booking repeated every N weeks, M times (a series)."""

from __future__ import annotations

from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinicsite.extensions import db
from clinicsite.models.catalogue import Service, ServiceOption
from clinicsite.models.clinic import Location
from clinicsite.models.therapists import Therapist
from clinicsite.models.types import UTCDateTime, utcnow

# A standing appointment runs at most half a year of weekly visits.
MAX_COUNT = 26
MAX_EVERY_WEEKS = 12


class Series(db.Model):
    """What was asked for: the same local wall-clock time every `every_weeks` weeks,
    `count` times from `first_date`. The visits themselves are appointments pointing
    here (Appointment.series_id); the ones that were taken when booked never existed."""

    __tablename__ = "series"
    __table_args__ = (
        sa.CheckConstraint(f"every_weeks BETWEEN 1 AND {MAX_EVERY_WEEKS}", name="every_weeks"),
        sa.CheckConstraint(f"count BETWEEN 1 AND {MAX_COUNT}", name="count"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(sa.ForeignKey("service.id"))
    option_id: Mapped[int] = mapped_column(sa.ForeignKey("service_option.id"))
    therapist_id: Mapped[int] = mapped_column(sa.ForeignKey("therapist.id"), index=True)
    location_id: Mapped[int] = mapped_column(sa.ForeignKey("location.id"))
    client_name: Mapped[str] = mapped_column(sa.String(100))
    client_email: Mapped[str] = mapped_column(sa.String(254), default="")
    client_phone: Mapped[str] = mapped_column(sa.String(40), default="")
    every_weeks: Mapped[int]
    count: Mapped[int]
    # The clinic's local wall-clock time and the first day: every visit reads the same.
    local_time: Mapped[time] = mapped_column(sa.Time)
    first_date: Mapped[date] = mapped_column(sa.Date)
    created_by: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The local day of the first visit cancelled with all later ones ("cancel from here").
    cancelled_from: Mapped[date | None] = mapped_column(sa.Date)

    service: Mapped[Service] = relationship()
    option: Mapped[ServiceOption] = relationship()
    therapist: Mapped[Therapist] = relationship()
    location: Mapped[Location] = relationship()
