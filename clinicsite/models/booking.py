"""Appointments, their payments and refunds, and the webhook events already processed."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

from clinicsite.extensions import db
from clinicsite.models.areas import ServiceArea
from clinicsite.models.catalogue import Service, ServiceOption
from clinicsite.models.clients import Client
from clinicsite.models.clinic import Location
from clinicsite.models.intake import ConsentText
from clinicsite.models.rooms import Room
from clinicsite.models.therapists import Therapist
from clinicsite.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from clinicsite.models.addons import AppointmentAddOn
    from clinicsite.models.series import Series

# held -> confirmed -> completed / no_show / cancelled; held may also end as expired.
STATUSES = ("held", "confirmed", "completed", "no_show", "cancelled", "expired")
# Statuses that keep a therapist's time taken (a held one only until its hold expires).
BLOCKING = ("confirmed", "completed", "no_show")


class Appointment(db.Model):
    __tablename__ = "appointment"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="range"),
        sa.CheckConstraint("blocks_until >= ends_at", name="blocks_until"),
        sa.CheckConstraint(
            "status IN ('held', 'confirmed', 'completed', 'no_show', 'cancelled', 'expired')",
            name="status",
        ),
        sa.CheckConstraint(
            "coupon_discount >= 0 AND coupon_discount <= price", name="coupon_discount"
        ),
        sa.Index("ix_appointment_therapist_time", "therapist_id", "starts_at", "blocks_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The secret in the client's manage link (/booking/<token>).
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    service_id: Mapped[int] = mapped_column(sa.ForeignKey("service.id"), index=True)
    option_id: Mapped[int] = mapped_column(sa.ForeignKey("service_option.id"))
    therapist_id: Mapped[int] = mapped_column(sa.ForeignKey("therapist.id"))
    location_id: Mapped[int] = mapped_column(sa.ForeignKey("location.id"))
    # The room the visit holds (scheduling/rooms.py); None at a studio without rooms.
    room_id: Mapped[int | None] = mapped_column(sa.ForeignKey("room.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # ends_at plus the service's buffer: the therapist is not free again before this.
    blocks_until: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(sa.String(20), index=True)
    hold_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Amounts as they were when booked, in the currency's minor unit.
    price: Mapped[int]
    deposit: Mapped[int]
    currency: Mapped[str] = mapped_column(sa.String(3))

    client_name: Mapped[str] = mapped_column(sa.String(100))
    client_email: Mapped[str] = mapped_column(sa.String(254), index=True)
    client_phone: Mapped[str] = mapped_column(sa.String(40), default="")
    client_notes: Mapped[str] = mapped_column(sa.Text, default="")
    # {"answers": [{"question": id, "label": as asked, "answer": text}], "consent": True}
    # (models/intake.py; bookings before it hold {"pain", "conditions", "pregnant"}).
    intake: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    # The consent text version the client accepted (None: none was asked).
    consent_text_id: Mapped[int | None] = mapped_column(sa.ForeignKey("consent_text.id"))
    staff_notes: Mapped[str] = mapped_column(sa.Text, default="")
    source: Mapped[str] = mapped_column(sa.String(20), default="online")
    # Where an online booking came from ("area:torrance", "post:<slug>", "direct"...;
    # booking/origin.py); None for staff bookings and those made before it was kept.
    origin: Mapped[str | None] = mapped_column(sa.String(200))
    # The client this booking belongs to (clients/matching.py); None only for rows the
    # matching has not reached.
    client_id: Mapped[int | None] = mapped_column(sa.ForeignKey("client.id"), index=True)
    # Who booked online, as keyed hashes (never the address or cookie itself): the client's
    # network, normalised email and device cookie. The per-client limits count by them
    # (appointments/limits.py); staff bookings leave them empty.
    client_address_key: Mapped[str | None] = mapped_column(sa.String(32), index=True)
    client_email_key: Mapped[str | None] = mapped_column(sa.String(32), index=True)
    client_device_key: Mapped[str | None] = mapped_column(sa.String(32), index=True)
    # The booking form's one-time key: a double-clicked submit finds this appointment
    # instead of being told that its own hold took the time.
    request_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    # iCalendar SEQUENCE: goes up on every reschedule so calendars replace the event.
    sequence: Mapped[int] = mapped_column(default=0)

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminder_queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # One visit of a standing appointment (models/series.py), or None.
    series_id: Mapped[int | None] = mapped_column(sa.ForeignKey("series.id"), index=True)
    # Which visit of the series (1 = the first), kept through moves.
    series_position: Mapped[int | None]
    # Text reminders: the client ticked "Text me reminders" (when), and when the start
    # time was last moved (a reminder whose time had passed by then is not sent late).
    sms_consent: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    sms_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    moved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # -- coupons (models/coupons.py): `price` stays the price as booked; the code the client
    # gave and what it took off it (0 without one). The client owes price - coupon_discount.
    coupon_code: Mapped[str | None] = mapped_column(sa.String(32))
    coupon_discount: Mapped[int] = mapped_column(default=0, server_default="0")
    # -- a visit at the client's address (scheduling/travel.py): the area it is in (None: at
    # the studio), the address as the client gave it, and the area's surcharge as booked
    # (already in `price`).
    visit_area_id: Mapped[int | None] = mapped_column(sa.ForeignKey("service_area.id"))
    visit_address: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
    visit_postal_code: Mapped[str] = mapped_column(sa.String(20), default="", server_default="")
    outcall_surcharge: Mapped[int] = mapped_column(default=0, server_default="0")

    service: Mapped[Service] = relationship()
    option: Mapped[ServiceOption] = relationship()
    therapist: Mapped[Therapist] = relationship()
    location: Mapped[Location] = relationship()
    room: Mapped[Room | None] = relationship()
    visit_area: Mapped[ServiceArea | None] = relationship()
    client: Mapped[Client | None] = relationship(back_populates="appointments")
    consent_text: Mapped[ConsentText | None] = relationship()
    payments: Mapped[list[Payment]] = relationship(
        back_populates="appointment", order_by="Payment.id"
    )
    series: Mapped[Series | None] = relationship()
    # The extras chosen (models/addons.py), priced as when booked; in ends_at already.
    add_ons: Mapped[list[AppointmentAddOn]] = relationship(
        order_by="AppointmentAddOn.name", cascade="all, delete-orphan"
    )

    @property
    def price_due(self) -> int:
        """The price less any coupon: what the visit costs the client."""
        return self.price - self.coupon_discount

    @property
    def at_home(self) -> bool:
        return self.visit_area_id is not None

    @property
    def home_address(self) -> str:
        """A home visit's address and postal code in one line ("" at a studio)."""
        if not self.at_home:
            return ""
        return ", ".join(p for p in (self.visit_address, self.visit_postal_code) if p)

    @property
    def where(self) -> str:
        """Where the visit happens, in one line for the client."""
        if self.at_home:
            return f"At your address: {self.home_address}"
        return f"{self.location.name}, {self.location.one_line_address}"

    @property
    def paid_payment(self) -> Payment | None:
        return next((p for p in self.payments if p.status in ("paid", "refunded")), None)


def appointment_details(payments: bool = False) -> list:
    """Loader options for showing appointments: service, length, therapist and studio (and
    the payments, for pages that speak of money), each in one query for the whole list."""
    options = [
        selectinload(Appointment.service),
        selectinload(Appointment.option),
        selectinload(Appointment.therapist),
        selectinload(Appointment.location),
        selectinload(Appointment.room),
    ]
    if payments:
        options.append(selectinload(Appointment.payments))
    return options


class Payment(db.Model):
    """A deposit collected (or being collected) through a payment gateway."""

    __tablename__ = "payment"
    __table_args__ = (
        sa.CheckConstraint(
            "status IN ('pending', 'paid', 'refunded', 'expired', 'failed')", name="status"
        ),
        sa.CheckConstraint("amount_refunded >= 0 AND amount_refunded <= amount", name="refunded"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int] = mapped_column(sa.ForeignKey("appointment.id"), index=True)
    provider: Mapped[str] = mapped_column(sa.String(20))
    checkout_session_id: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    checkout_url: Mapped[str | None] = mapped_column(sa.String(2000))
    payment_intent_id: Mapped[str | None] = mapped_column(sa.String(255), index=True)
    # What we asked for; once the provider reports another amount taken, what it took (the
    # appointment's deposit keeps what was asked), so that refunds add up to it.
    amount: Mapped[int]
    amount_refunded: Mapped[int] = mapped_column(default=0)
    currency: Mapped[str] = mapped_column(sa.String(3))
    status: Mapped[str] = mapped_column(sa.String(20), default="pending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Why staff should look at this payment (money returned automatically, a wrong amount,
    # the provider failing); None once nothing needs them. Listed on the staff dashboard.
    attention: Mapped[str | None] = mapped_column(sa.String(300))
    attention_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    appointment: Mapped[Appointment] = relationship(back_populates="payments")
    refunds: Mapped[list[Refund]] = relationship(back_populates="payment", order_by="Refund.id")


class Refund(db.Model):
    __tablename__ = "refund"

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(sa.ForeignKey("payment.id"), index=True)
    provider_refund_id: Mapped[str] = mapped_column(sa.String(255), unique=True)
    amount: Mapped[int]
    reason: Mapped[str] = mapped_column(sa.String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    payment: Mapped[Payment] = relationship(back_populates="refunds")


class ProcessedEvent(db.Model):
    """A payment provider's webhook event, recorded so that each is handled once."""

    __tablename__ = "processed_event"

    id: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    type: Mapped[str] = mapped_column(sa.String(100))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
