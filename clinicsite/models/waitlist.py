"""The waitlist: clients waiting for a time that suits them, and the freed times offered."""

from __future__ import annotations

from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinicsite.extensions import db
from clinicsite.models.booking import Appointment
from clinicsite.models.catalogue import Service, ServiceOption
from clinicsite.models.clinic import Location
from clinicsite.models.therapists import Therapist
from clinicsite.models.types import UTCDateTime, utcnow

ENTRY_STATUSES = ("active", "booked", "withdrawn", "expired")
OFFER_STATUSES = ("offered", "claimed", "gone", "expired")
EVERY_DAY = 0b1111111  # weekdays mask: bit 0 is Monday


WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class WaitlistEntry(db.Model):
    """A client waiting for `service` (an option, a therapist, a studio, or any) on a day
    between `date_from` and `date_to`, on the weekdays of `weekdays` (bit 0 Monday), starting
    between `earliest` and `latest` local time."""

    __tablename__ = "waitlist_entry"
    __table_args__ = (
        sa.CheckConstraint("date_to >= date_from", name="dates"),
        sa.CheckConstraint("latest >= earliest", name="times"),
        sa.CheckConstraint("weekdays > 0 AND weekdays <= 127", name="weekdays"),
        sa.CheckConstraint("status IN ('active', 'booked', 'withdrawn', 'expired')", name="status"),
        sa.Index("ix_waitlist_entry_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(sa.ForeignKey("service.id"), index=True)
    option_id: Mapped[int | None] = mapped_column(sa.ForeignKey("service_option.id"))
    therapist_id: Mapped[int | None] = mapped_column(sa.ForeignKey("therapist.id"))  # None: any
    location_id: Mapped[int | None] = mapped_column(sa.ForeignKey("location.id"))  # None: any
    date_from: Mapped[date]
    date_to: Mapped[date]
    earliest: Mapped[time]  # local wall-clock, the earliest start that suits
    latest: Mapped[time]  # local wall-clock, the latest start that suits
    weekdays: Mapped[int] = mapped_column(default=EVERY_DAY)
    name: Mapped[str] = mapped_column(sa.String(100))
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    # Offers go by text too when the client ticked "Text me" (and has not texted STOP).
    sms_consent: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    sms_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(sa.String(20), default="active")
    # The secret of the client's withdraw link (/book/waitlist/withdraw/<token>).
    withdraw_token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    service: Mapped[Service] = relationship()
    option: Mapped[ServiceOption | None] = relationship()
    therapist: Mapped[Therapist | None] = relationship()
    location: Mapped[Location | None] = relationship()
    offers: Mapped[list[WaitlistOffer]] = relationship(
        back_populates="entry", order_by="WaitlistOffer.id"
    )

    def suits_weekday(self, weekday: int) -> bool:
        return bool(self.weekdays & (1 << weekday))

    @property
    def weekday_names(self) -> list[str]:
        """The weekdays the entry suits, Monday first: ["Mon", "Wed", "Fri"]."""
        return [name for day, name in enumerate(WEEKDAY_NAMES) if self.suits_weekday(day)]


class WaitlistOffer(db.Model):
    """A freed time offered to one entry. Only a hash of the claim link's secret is kept,
    so a leaked database cannot claim anyone's time."""

    __tablename__ = "waitlist_offer"
    __table_args__ = (
        sa.CheckConstraint("status IN ('offered', 'claimed', 'gone', 'expired')", name="status"),
        sa.Index("ix_waitlist_offer_therapist_start", "therapist_id", "starts_at"),
        sa.Index("ix_waitlist_offer_status_expires", "status", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("waitlist_entry.id"), index=True)
    therapist_id: Mapped[int] = mapped_column(sa.ForeignKey("therapist.id"))
    location_id: Mapped[int] = mapped_column(sa.ForeignKey("location.id"))
    option_id: Mapped[int] = mapped_column(sa.ForeignKey("service_option.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    offered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(sa.String(20), default="offered")
    # The hold the claim made (a second POST of the same claim finds it).
    appointment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("appointment.id"))

    entry: Mapped[WaitlistEntry] = relationship(back_populates="offers")
    therapist: Mapped[Therapist] = relationship()
    location: Mapped[Location] = relationship()
    option: Mapped[ServiceOption] = relationship()
    appointment: Mapped[Appointment | None] = relationship()
