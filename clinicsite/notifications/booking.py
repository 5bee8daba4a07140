"""The emails a booking sends, queued in the outbox in the same transaction as the change
that causes them (delivered later by `flask outbox send`)."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from clinicsite.appointments.deposit import deposit_of
from clinicsite.clinic import get_clinic
from clinicsite.mail.ics import CalendarEvent, Invitation, appointment_ics, visit_location
from clinicsite.mail.outbox import enqueue
from clinicsite.models import Appointment
from clinicsite.money import format_money
from clinicsite.notifications import recipients
from clinicsite.notifications.links import Links, site_links
from clinicsite.notifications.render import render, setting
from clinicsite.timefmt import long_datetime


def _context(appointment: Appointment, links: Links, **extra) -> dict:
    clinic = get_clinic()
    return {
        "clinic": clinic,
        "appointment": appointment,
        "when": long_datetime(appointment.starts_at, clinic.tz),
        "manage_url": links.manage(appointment.token),
        "book_url": links.book(),
        "money": lambda amount: format_money(amount, appointment.currency),
        # Every sentence about the deposit reads the payment rows, as they are now.
        "deposit": deposit_of(appointment),
        **extra,
    }


def ics_attachment(
    appointment: Appointment,
    cancelled: bool = False,
    download: bool = False,
    links: Links | None = None,
) -> dict:
    """The appointment as an .ics attachment, or (download=True) as the manage page's file.

    Emails carry an invitation (METHOD:REQUEST, or CANCEL, with the client as attendee) so
    the client's calendar updates the event it already has. The download is a plain event
    (METHOD:PUBLISH, no attendee) that calendar apps simply add. The UID names the site's
    host and a digest of the appointment's secret, so another installation, or this one
    with a rebuilt database reusing ids, never collides with an event already in a calendar
    (the digest, not the secret, because a UID is not meant to be private).
    """
    links = links or site_links()
    clinic = get_clinic()
    host = urlsplit(setting("SITE_URL") or "").hostname or "clinicsite.invalid"
    digest = hashlib.sha256(appointment.token.encode()).hexdigest()[:16]
    if download:
        method = "PUBLISH"
    else:
        method = "CANCEL" if cancelled else "REQUEST"
    manage = links.manage(appointment.token)
    event = CalendarEvent(
        uid=f"appointment-{appointment.id}-{digest}@{host}",
        summary=f"{appointment.service.name} with {appointment.therapist.name}",
        description=_extras_line(appointment) + f"Manage or cancel: {manage}",
        location=visit_location(appointment),
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
    kind: str,
    links: Links,
    key: str | None = None,
    ics: dict | None = None,
    to: str | None = None,
    **extra,
) -> None:
    address = to or appointment.client_email
    if not address:
        return  # a client booked by phone without an email address: nothing to send
    email = render(kind, links, **_context(appointment, links, **extra))
    enqueue(
        to=address,
        subject=email.subject,
        text=email.text,
        html=email.html,
        attachments=[ics] if ics else None,
        key=key,
    )


def _notify_therapist(appointment: Appointment, what: str, links: Links) -> None:
    address = recipients.therapist(appointment)
    if address:
        _send(appointment, "therapist_notice", links, to=address, what=what)


def booking_confirmed(appointment: Appointment, links: Links | None = None) -> None:
    """The client's confirmation (with the calendar invitation) and the therapist's notice."""
    links = links or site_links()
    _send(
        appointment,
        "confirmation",
        links,
        key=f"confirmation:{appointment.id}",
        ics=ics_attachment(appointment, links=links),
        my_url=links.my_sign_in(),
    )
    _notify_therapist(appointment, "New booking", links)


def booking_rescheduled(
    appointment: Appointment, previous_start: datetime, links: Links | None = None
) -> None:
    """The client's notice of the new time (with the updated invitation), and the therapist's."""
    links = links or site_links()
    _send(
        appointment,
        "rescheduled",
        links,
        ics=ics_attachment(appointment, links=links),
        previous=long_datetime(previous_start, get_clinic().tz),
    )
    _notify_therapist(appointment, "Moved booking", links)


def booking_cancelled(appointment: Appointment, refunded: int, links: Links | None = None) -> None:
    """The client's cancellation (with the calendar's CANCEL), the refund notice when money
    went back, and the therapist's notice."""
    links = links or site_links()
    _send(
        appointment,
        "cancelled",
        links,
        key=f"cancelled:{appointment.id}",
        ics=ics_attachment(appointment, cancelled=True, links=links),
        refunded=refunded,
        late=_late(appointment),
    )
    if refunded:
        refund_sent(appointment, refunded, links)
    _notify_therapist(appointment, "Cancelled booking", links)


def _late(appointment: Appointment) -> bool:
    """Cancelled inside the policy's window (the deposit is kept under the policy)."""
    cancelled = appointment.cancelled_at
    window = timedelta(hours=get_clinic().cancellation_window_hours)
    return cancelled is not None and appointment.starts_at - cancelled < window


def refund_sent(appointment: Appointment, amount: int, links: Links | None = None) -> None:
    """Tell the client a refund of `amount` is on its way."""
    _send(
        appointment,
        "refund",
        links or site_links(),
        key=f"refund:{appointment.id}:{amount}",
        amount=amount,
    )


def late_payment_refunded(appointment: Appointment, links: Links | None = None) -> None:
    """Tell the client their payment came after the hold ended and is refunded."""
    _send(
        appointment,
        "late_payment",
        links or site_links(),
        key=f"late-payment:{appointment.id}",
        amount=deposit_of(appointment).refunded,
    )


def reminder(
    appointment: Appointment,
    links: Links | None = None,
    day: str = "tomorrow",
    rule_id: int | None = None,
) -> None:
    """A reminder; once per rule and start time, so a moved booking is reminded again.
    `day` names the appointment's day as seen when it is sent ("today", "tomorrow",
    "on Wednesday 9 December": appointments/reminder_timing.day_words)."""
    rule = f"{rule_id}:" if rule_id is not None else ""
    _send(
        appointment,
        "reminder",
        links or site_links(),
        key=f"reminder:{appointment.id}:{rule}{appointment.starts_at.isoformat()}",
        day=day,
    )


def payment_link(appointment: Appointment, url: str, links: Links | None = None) -> None:
    """Ask a client booked by phone to pay the deposit at `url`."""
    _send(
        appointment,
        "payment_link",
        links or site_links(),
        key=f"payment-link:{appointment.id}",
        pay_url=url,
    )


def _extras_line(appointment: Appointment) -> str:
    """'Extras: Hot stones, Cupping (+15 min)' and a new line, or nothing."""
    if not appointment.add_ons:
        return ""
    names = [
        f"{a.name} (+{a.extra_minutes} min)" if a.extra_minutes else a.name
        for a in appointment.add_ons
    ]
    return "Extras: " + ", ".join(names) + "\n"


def balance_receipt(appointment: Appointment, payment, balance, links: Links | None = None) -> None:
    """The client's receipt for `payment` (a StudioPayment just recorded), with what the
    visit cost and what is left to pay as `balance` (appointments/balance.py) has it."""
    from clinicsite.appointments.balance import method_words
    from clinicsite.money import format_amount

    tz = get_clinic().tz
    _send(
        appointment,
        "receipt",
        links or site_links(),
        key=f"receipt:{payment.id}",
        payment=payment,
        method=method_words(payment.method),
        total=lambda amount: format_amount(amount, appointment.currency),
        deposit_kept=balance.deposit.kept,
        paid_before=balance.paid_at_studio - payment.amount,
        owed=balance.owed,
        paid_at=long_datetime(payment.recorded_at, tz),
    )
