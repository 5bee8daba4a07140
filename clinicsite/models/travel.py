"""Travel minutes between the places a therapist works: service areas (home visits) and
studios. scheduling/travel.py reads them, with defaults for the pairs nobody has set."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from clinicsite.extensions import db
from clinicsite.models.types import UTCDateTime, utcnow


class TravelTime(db.Model):
    """Minutes to travel between two places, either way. A place is "area:<id>" or
    "studio:<id>"; the pair is stored once, the smaller name first (`place_a <= place_b`);
    an area with itself is the travel between two addresses in it."""

    __tablename__ = "travel_time"
    __table_args__ = (
        sa.CheckConstraint("place_a <= place_b", name="ordered"),
        sa.CheckConstraint("minutes >= 0 AND minutes <= 600", name="minutes"),
    )

    place_a: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    place_b: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    minutes: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
