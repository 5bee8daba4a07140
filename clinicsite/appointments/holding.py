"""Holding a time: the first step of every booking, online, by phone or recorded afterwards."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from clinicsite import audit, notifications
from clinicsite.appointments import limits
from clinicsite.appointments.limits import ClientKeys, LimitReached
from clinicsite.audit import CLIENT, Actor
from clinicsite.calendars.busy import refuse_if_busy_elsewhere
from clinicsite.clients import matching
from clinicsite.extensions import db
from clinicsite.models import (
    AddOn,
    Appointment,
    AppointmentAddOn,
    ClinicSettings,
    Location,
    ServiceArea,
    ServiceOption,
    Therapist,
)
from clinicsite.phones import region_for
from clinicsite.scheduling.closures import refuse_if_closed
from clinicsite.scheduling.holds import SlotTaken, claim


@dataclass
class ClientDetails:
    name: str
    email: str
    phone: str = ""
    notes: str = ""
    intake: dict[str, Any] = field(default_factory=dict)
    consent_text_id: int | None = None  # the consent version accepted, if one was asked
    # Ticked "Text me reminders" (recorded with the time it was given).
    sms_consent: bool = False


@dataclass(frozen=True)
class HoldRequest:
    """What to hold (an option with a therapist, at a location and time), for whom, and how
    it was asked for.

    `deposit` None means the option's deposit (0: staff waived it); `hold_minutes` None
    means the clinic's; `client_keys` marks an online client, whose limits are checked;
    `afterwards` records a visit whose time has passed (a walk-in entered later);
    `add_ons` are extras of the option's service, checked by the caller: they lengthen
    the visit and add to its price (the deposit stays the option's)."""

    option: ServiceOption
    therapist: Therapist
    location: Location
    starts_at: datetime
    client: ClientDetails
    request_key: str | None = None
    source: str = "online"
    origin: str | None = None  # where an online booking came from (booking/origin.py)
    actor: Actor = CLIENT
    deposit: int | None = None
    hold_minutes: int | None = None
    client_keys: ClientKeys | None = None
    afterwards: bool = False
    add_ons: tuple[AddOn, ...] = ()
    # Runs in the hold's transaction once the time is claimed and the client joined, and
    # may raise to refuse (all rolled back): a coupon takes its use there (coupons/uses.py).
    under_lock: Callable[[Appointment, datetime], None] | None = None
    # Pays for the visit another way than a deposit (a package session drawn, packages/):
    # called with the new appointment inside the hold's transaction; whatever it raises
    # rolls the hold back and reaches the caller. Pass deposit=0 with it.
    paid_by: Callable[[Appointment], object] | None = None
    # A visit at the client's address (pass the mobile location as `location`): the area it
    # is in, checked by the caller to take home visits of the service; its surcharge is
    # added to the price. The address is kept for the therapist.
    visit_area: ServiceArea | None = None
    visit_address: str = ""
    visit_postal_code: str = ""

    @property
    def surcharge(self) -> int:
        return self.visit_area.outcall_surcharge if self.visit_area is not None else 0

    @property
    def deposit_due(self) -> int:
        return self.option.deposit if self.deposit is None else self.deposit

    @property
    def needs_payment(self) -> bool:
        return self.deposit_due > 0


def new_token() -> str:
    return secrets.token_urlsafe(24)


def hold(request: HoldRequest, clinic: ClinicSettings, now: datetime) -> Appointment:
    """Take the time for the client and commit: `held` until the deposit is paid, or
    `confirmed` at once when there is no deposit to pay; either way it joins its client
    record (clients/matching.py), found by email or phone or created. Raises SlotTaken
    (StudioClosed when the time is in a closure of the clinic or of the studio), or
    LimitReached when an online client already has as much as one client may. A visit
    recorded afterwards is confirmed with no email and no reminder."""
    if request.afterwards and request.needs_payment:
        raise ValueError("a visit recorded afterwards has no payment step: pass deposit=0")
    appointment = new_appointment(request, clinic, now)
    _claim(appointment, now, _guard(request, appointment, clinic, now))
    join_client(appointment, request.client, clinic)
    try:  # either hook may refuse by raising: the whole hold is rolled back
        if request.under_lock is not None:
            request.under_lock(appointment, now)
        if request.paid_by is not None:
            request.paid_by(appointment)
    except Exception:
        db.session.rollback()
        raise
    _record(appointment, request)
    db.session.commit()
    return appointment


def join_client(appointment: Appointment, who: ClientDetails, clinic: ClinicSettings) -> None:
    """Attach the appointment to its client record, found by email or phone or created."""
    appointment.client = matching.find_or_create(
        who.name, who.email, who.phone, region=region_for(clinic.country)
    )


def new_appointment(request: HoldRequest, clinic: ClinicSettings, now: datetime) -> Appointment:
    """The appointment `request` asks for, not yet claimed (`claim` puts it on the calendar):
    for callers that claim several under one lock, as a series does."""
    option, needs_payment = request.option, request.needs_payment
    if any(a.service_id != option.service_id for a in request.add_ons):
        raise ValueError("an add-on of another service")
    extra = sum(a.extra_minutes for a in request.add_ons)
    ends_at = request.starts_at + timedelta(minutes=option.duration_minutes + extra)
    client = request.client
    return Appointment(
        token=new_token(),
        request_key=request.request_key,
        service_id=option.service_id,
        option_id=option.id,
        therapist_id=request.therapist.id,
        location_id=request.location.id,
        starts_at=request.starts_at,
        ends_at=ends_at,
        blocks_until=ends_at + timedelta(minutes=option.service.buffer_minutes),
        status="held" if needs_payment else "confirmed",
        hold_expires_at=_hold_expiry(request, clinic, now),
        confirmed_at=None if needs_payment else now,
        price=option.price + sum(a.price for a in request.add_ons) + request.surcharge,
        deposit=request.deposit_due,
        currency=clinic.currency,
        client_name=client.name,
        client_email=client.email,
        client_phone=client.phone,
        client_notes=client.notes,
        intake=client.intake,
        consent_text_id=client.consent_text_id,
        source=request.source,
        origin=request.origin,
        created_at=now,  # the limits count bookings of the last 24 hours by this clock
        # A past visit is never reminded of (the reminder job looks ahead only; this says so).
        reminder_queued_at=now if request.afterwards else None,
        sms_consent=client.sms_consent,
        sms_consent_at=now if client.sms_consent else None,
        add_ons=[
            AppointmentAddOn(add_on=a, name=a.name, price=a.price, extra_minutes=a.extra_minutes)
            for a in request.add_ons
        ],
        visit_area_id=request.visit_area.id if request.visit_area is not None else None,
        visit_address=request.visit_address,
        visit_postal_code=request.visit_postal_code,
        outcall_surcharge=request.surcharge,
    )


def _hold_expiry(request: HoldRequest, clinic: ClinicSettings, now: datetime) -> datetime | None:
    if not request.needs_payment:
        return None
    # One minute over the hold: Stripe wants a Checkout Session to live 30 minutes.
    return now + timedelta(minutes=(request.hold_minutes or clinic.hold_minutes) + 1)


def _guard(
    request: HoldRequest, appointment: Appointment, clinic: ClinicSettings, now: datetime
) -> Callable[[], None] | None:
    """The checks that run under the therapist's lock: the time must not be in a closure
    (a visit recorded afterwards is a fact, not a booking), nor, online, in a busy time of
    the therapist's own calendar (staff may book over those), then the client's limits."""
    limits_guard = _limits_guard(request, appointment, clinic, now)
    if request.afterwards:
        return limits_guard

    def guard() -> None:
        refuse_if_closed(appointment.location_id, appointment.starts_at, appointment.ends_at)
        if request.source == "online":
            refuse_if_busy_elsewhere(
                appointment.therapist_id, appointment.starts_at, appointment.blocks_until
            )
        if limits_guard is not None:
            limits_guard()

    return guard


def _limits_guard(
    request: HoldRequest, appointment: Appointment, clinic: ClinicSettings, now: datetime
) -> Callable[[], None] | None:
    """For an online client: stamp the appointment with the client's keys, and return the
    check that runs inside the hold's transaction, after the therapist's lock."""
    keys = request.client_keys
    if keys is None:
        return None
    limits.stamp(appointment, keys)
    return lambda: limits.enforce(keys, not request.needs_payment, clinic, now)


def _claim(appointment: Appointment, now: datetime, guard: Callable[[], None] | None) -> None:
    try:
        claim(appointment, now, guard=guard)
    except (SlotTaken, LimitReached):
        db.session.rollback()
        raise


def _record(appointment: Appointment, request: HoldRequest) -> None:
    if request.afterwards:
        action = "recorded afterwards"
    else:
        action = "held" if request.needs_payment else "booked"
    audit.record(appointment, action, request.actor)
    if not request.needs_payment and not request.afterwards:
        notifications.booking_confirmed(appointment)
