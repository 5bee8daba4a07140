"""Messages sent through the contact form."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinicsite.extensions import db
from clinicsite.models.catalogue import Service
from clinicsite.models.types import UTCDateTime, utcnow


class Inquiry(db.Model):
    __tablename__ = "inquiry"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    email: Mapped[str] = mapped_column(sa.String(254))
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    service_id: Mapped[int | None] = mapped_column(sa.ForeignKey("service.id"), index=True)
    message: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_user.id"))

    service: Mapped[Service | None] = relationship()
