"""Money taken at the studio (the balance of a visit, a tip) and a day's close-out.

A studio payment is never deleted: a mistake is voided (who, when, why), so the day's
takings and the appointment's page always show what happened."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinicsite.extensions import db
from clinicsite.models.booking import Appointment
from clinicsite.models.staff import StaffUser
from clinicsite.models.types import UTCDateTime, utcnow

# How the client paid at the studio, as the staff form offers them and the check constraint
# below admits them: a gift card's code or a package's session draws from it (issue 14).
STUDIO_METHODS = ("card_terminal", "cash", "other", "gift_card", "package")


class StudioPayment(db.Model):
    __tablename__ = "studio_payment"
    __table_args__ = (
        sa.CheckConstraint("amount >= 0 AND tip >= 0 AND amount + tip > 0", name="amounts"),
        sa.CheckConstraint(
            "method IN ('card_terminal', 'cash', 'other', 'gift_card', 'package')", name="method"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int] = mapped_column(sa.ForeignKey("appointment.id"), index=True)
    amount: Mapped[int]  # towards the price, in the currency's minor unit
    tip: Mapped[int] = mapped_column(default=0)  # on top of the price; never owed
    currency: Mapped[str] = mapped_column(sa.String(3))
    method: Mapped[str] = mapped_column(sa.String(20))
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_user.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_user.id"))
    void_reason: Mapped[str] = mapped_column(sa.String(500), default="")

    appointment: Mapped[Appointment] = relationship()
    recorded_by: Mapped[StaffUser | None] = relationship(foreign_keys=[recorded_by_id])
    voided_by: Mapped[StaffUser | None] = relationship(foreign_keys=[voided_by_id])

    @property
    def voided(self) -> bool:
        return self.voided_at is not None


class DayClose(db.Model):
    """A day's takings closed out by an admin: the totals as they stood. Reopening keeps
    the row (who, when) so the history of a day's close-outs stays readable."""

    __tablename__ = "day_close"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, index=True)  # the clinic's local date
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_user.id"))
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    totals: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopened_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_user.id"))

    closed_by: Mapped[StaffUser | None] = relationship(foreign_keys=[closed_by_id])
    reopened_by: Mapped[StaffUser | None] = relationship(foreign_keys=[reopened_by_id])
