"""Closures: days and hours when the whole clinic, or one studio, takes no appointments."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinicsite.extensions import db
from clinicsite.models.clinic import Location
from clinicsite.models.types import UTCDateTime, utcnow


class Closure(db.Model):
    """A closed period in UTC (entered as local dates and times, so a daylight-saving day
    keeps its real length). No studio means the whole clinic. `note` is shown to clients;
    existing bookings inside it are not touched (staff are shown them before saving)."""

    __tablename__ = "closure"
    __table_args__ = (sa.CheckConstraint("ends_at > starts_at", name="range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int | None] = mapped_column(sa.ForeignKey("location.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    location: Mapped[Location | None] = relationship()

    def covers(self, location_id: int | None) -> bool:
        """Whether this closure applies at the studio `location_id`."""
        return self.location_id is None or self.location_id == location_id
