"""The emails a booking sends, queued in the outbox in the same transaction as the change
that causes them (delivered later by `flask outbox send`)."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, render_template

from clinicsite.appointments.deposit import deposit_of
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.mail.ics import CalendarEvent, Invitation, appointment_ics
from clinicsite.mail.outbox import enqueue
from clinicsite.models import Appointment, StaffUser
from clinicsite.money import format_money
from clinicsite.templating import absolute_url
from clinicsite.timefmt import long_datetime


def _context(appointment: Appointment, **extra) -> dict:
    clinic = get_clinic()
    return {
        "clinic": clinic,
        "appointment": appointment,
        "when": long_datetime(appointment.starts_at, clinic.tz),
        "manage_url": absolute_url("booking.manage", token=appointment.token),
        "book_url": absolute_url("booking.start"),
        "money": lambda amount: format_money(amount, appointment.currency),
        # Every sentence about the deposit reads the payment rows, as they are now.
        "deposit": deposit_of(appointment),
        **extra,
    }


def ics_attachment(
    appointment: Appointment, cancelled: bool = False, download: bool = False
) -> dict:
    """The appointment as an .ics attachment, or (download=True) as the manage page's file.

    Emails carry an invitation (METHOD:REQUEST, or CANCEL, with the client as attendee) so
    the client's calendar updates the event it already has. The download is a plain event
    (METHOD:PUBLISH, no attendee) that calendar apps simply add. The UID names the site's
    host and a digest of the appointment's secret, so another installation, or this one
    with a rebuilt database reusing ids, never collides with an event already in a calendar
    (the digest, not the secret, because a UID is not meant to be private).
    """
    clinic = get_clinic()
    location = appointment.location
    host = urlsplit(current_app.config.get("SITE_URL") or "").hostname or "clinicsite.invalid"
    digest = hashlib.sha256(appointment.token.encode()).hexdigest()[:16]
    if download:
        method = "PUBLISH"
    else:
        method = "CANCEL" if cancelled else "REQUEST"
    manage = absolute_url("booking.manage", token=appointment.token)
    event = CalendarEvent(
        uid=f"appointment-{appointment.id}-{digest}@{host}",
        summary=f"{appointment.service.name} with {appointment.therapist.name}",
        description=f"Manage or cancel: {manage}",
        location=f"{location.name}, {location.one_line_address}",
        starts_at=appointment.starts_at,
        ends_at=appointment.ends_at,
        sequence=appointment.sequence + (1 if cancelled else 0),
        status="CANCELLED" if cancelled else "CONFIRMED",
        url=manage,
    )
    invitation = Invitation(
        organizer_email=clinic.email or "bookings@example.com",
        organizer_name=clinic.name,
        attendee_email=None if download else appointment.client_email,
        method=method,
    )
    text = appointment_ics(event, invitation, clinic.timezone)
    return {
        "filename": "appointment.ics",
        "content_type": f"text/calendar; method={method}",
        "content": text,
    }


def _send(
    appointment: Appointment,
    template: str,
    subject: str,
    key: str | None = None,
    ics: dict | None = None,
    to: str | None = None,
    **extra,
) -> None:
    address = to or appointment.client_email
    if not address:
        return  # a client booked by phone without an email address: nothing to send
    context = _context(appointment, **extra)
    enqueue(
        to=address,
        subject=subject,
        text=render_template(f"email/{template}.txt", **context),
        html=render_template(f"email/{template}.html", **context),
        attachments=[ics] if ics else None,
        key=key,
    )


def _therapist_address(appointment: Appointment) -> str | None:
    address = db.session.scalar(
        sa.select(StaffUser.email).where(
            StaffUser.therapist_id == appointment.therapist_id, StaffUser.active
        )
    )
    return address or current_app.config.get("STAFF_NOTIFY_EMAIL") or None


def _notify_therapist(appointment: Appointment, what: str) -> None:
    address = _therapist_address(appointment)
    if address:
        _send(
            appointment,
            "therapist_notice",
            f"{what}: {appointment.client_name}, "
            f"{long_datetime(appointment.starts_at, get_clinic().tz)}",
            to=address,
            what=what,
        )


def booking_confirmed(appointment: Appointment) -> None:
    _send(
        appointment,
        "confirmation",
        f"Booked: {appointment.service.name} on "
        f"{long_datetime(appointment.starts_at, get_clinic().tz)}",
        key=f"confirmation:{appointment.id}",
        ics=ics_attachment(appointment),
    )
    _notify_therapist(appointment, "New booking")


def booking_rescheduled(appointment: Appointment, previous_start: datetime) -> None:
    clinic = get_clinic()
    _send(
        appointment,
        "rescheduled",
        f"Moved: {appointment.service.name} is now on "
        f"{long_datetime(appointment.starts_at, clinic.tz)}",
        ics=ics_attachment(appointment),
        previous=long_datetime(previous_start, clinic.tz),
    )
    _notify_therapist(appointment, "Moved booking")


def booking_cancelled(appointment: Appointment, refunded: int) -> None:
    _send(
        appointment,
        "cancelled",
        f"Cancelled: {appointment.service.name}",
        key=f"cancelled:{appointment.id}",
        ics=ics_attachment(appointment, cancelled=True),
        refunded=refunded,
        late=_late(appointment),
    )
    if refunded:
        refund_sent(appointment, refunded)
    _notify_therapist(appointment, "Cancelled booking")


def _late(appointment: Appointment) -> bool:
    """Cancelled inside the policy's window (the deposit is kept under the policy)."""
    cancelled = appointment.cancelled_at
    window = timedelta(hours=get_clinic().cancellation_window_hours)
    return cancelled is not None and appointment.starts_at - cancelled < window


def refund_sent(appointment: Appointment, amount: int) -> None:
    _send(
        appointment,
        "refund",
        f"Refund of your {format_money(amount, appointment.currency)} deposit",
        key=f"refund:{appointment.id}:{amount}",
        amount=amount,
    )


def late_payment_refunded(appointment: Appointment) -> None:
    _send(
        appointment,
        "late_payment",
        "Your payment arrived after the time was taken",
        key=f"late-payment:{appointment.id}",
        amount=deposit_of(appointment).refunded,
    )


def reminder(appointment: Appointment) -> None:
    _send(
        appointment,
        "reminder",
        f"Reminder: {appointment.service.name} tomorrow",
        key=f"reminder:{appointment.id}:{appointment.starts_at.isoformat()}",
    )


def payment_link(appointment: Appointment, url: str) -> None:
    _send(
        appointment,
        "payment_link",
        f"Pay the deposit to confirm your {appointment.service.name}",
        key=f"payment-link:{appointment.id}",
        pay_url=url,
    )
