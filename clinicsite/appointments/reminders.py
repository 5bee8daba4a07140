"""Reminders, as the clinic's rules say (ReminderRule: hours before, email or text).

Each (appointment, rule, start time) is sent exactly once: a run first *claims* it by
inserting its ReminderSent row (the unique key lets one of any racing runs win), in a
transaction that also locks the appointment row and checks it is still confirmed at that
time, so a cancellation that committed first stops it and one that comes later waits.
An email is queued in the outbox in that same transaction (delivered by `flask outbox
send`). A text is claimed as "sending", committed, then handed to the gateway and marked
sent or failed: a run that dies in between leaves it "sending" and nobody is texted twice.

When a reminder goes is `reminder_timing`'s rule (quiet hours move it). A reminder whose
time passed before the appointment was booked or last moved is not sent: the
confirmation (or the rescheduling email) has just gone out. The email names the day as
it is when sent ("today", "tomorrow", "on Wednesday 9 December"), so its words are true
whichever rule sends it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from clinicsite import audit, notifications, timefmt
from clinicsite.appointments.reminder_timing import QuietHours, day_words, may_send_now
from clinicsite.extensions import db
from clinicsite.models import Appointment, ClinicSettings, appointment_details
from clinicsite.models.reminders import ReminderRule, ReminderSent, SmsOptOut
from clinicsite.phones import phone_key
from clinicsite.sms import SmsError, SmsGateway
from clinicsite.sms.optouts import is_opted_out

MAX_ERROR_LENGTH = 300
# Quiet hours can move a reminder at most a day earlier than its rule says.
QUIET_SLACK = timedelta(days=1)


@dataclass
class ReminderReport:
    emailed: int = 0
    texted: int = 0
    failed: int = 0

    def __str__(self) -> str:
        return f"sent {self.emailed} email and {self.texted} text reminders, {self.failed} failed"


def quiet_hours(clinic: ClinicSettings) -> QuietHours:
    return QuietHours(clinic.quiet_start, clinic.quiet_end, clinic.tz)


def send_due(
    clinic: ClinicSettings,
    now: datetime,
    sms: SmsGateway | None,
    manage_url: Callable[[Appointment], str],
) -> ReminderReport:
    """Send every reminder whose time has come; commits as it goes. `sms` None: texts are
    off (text rules send nothing). `manage_url` gives a text's manage link."""
    report = ReminderReport()
    rules = db.session.scalars(
        sa.select(ReminderRule).where(ReminderRule.active).order_by(ReminderRule.id)
    ).all()
    if not rules:
        return report
    quiet = quiet_hours(clinic)
    horizon = timedelta(hours=max(r.hours_before for r in rules)) + QUIET_SLACK
    appointments = db.session.scalars(
        sa.select(Appointment)
        .where(
            Appointment.status == "confirmed",
            Appointment.starts_at > now,
            Appointment.starts_at <= now + horizon,
        )
        .order_by(Appointment.starts_at)
        .options(*appointment_details())
    ).all()
    done = _already_sent([a.id for a in appointments])
    stopped = _opted_out(appointments, clinic) if sms is not None else set()
    due = [
        (appointment, rule)
        for appointment in appointments
        for rule in rules
        if (appointment.id, rule.id, appointment.starts_at) not in done
        and _reachable(appointment, rule, clinic, sms, stopped)
        and may_send_now(
            appointment.starts_at, rule.hours_before, quiet, now, _booked_at(appointment)
        )
    ]
    plan = [(a.id, a.starts_at, r.id, r.channel, r.hours_before) for a, r in due]
    db.session.commit()  # end the read; each claim is its own short transaction
    for appointment_id, starts_at, rule_id, channel, hours in plan:
        if channel == "email":
            if _email(appointment_id, starts_at, rule_id, clinic, now):
                report.emailed += 1
        else:
            outcome = _text(appointment_id, starts_at, rule_id, hours, clinic, now, sms, manage_url)
            if outcome == "sent":
                report.texted += 1
            elif outcome == "failed":
                report.failed += 1
    return report


def _booked_at(appointment: Appointment) -> datetime | None:
    stamps = [t for t in (appointment.confirmed_at, appointment.moved_at) if t is not None]
    return max(stamps) if stamps else None


def _already_sent(appointment_ids: list[int]) -> set[tuple[int, int | None, datetime]]:
    if not appointment_ids:
        return set()
    rows = db.session.execute(
        sa.select(ReminderSent.appointment_id, ReminderSent.rule_id, ReminderSent.starts_at).where(
            ReminderSent.appointment_id.in_(appointment_ids)
        )
    ).all()
    return {(a, r, s) for a, r, s in rows}


def _opted_out(appointments: list[Appointment], clinic: ClinicSettings) -> set[str]:
    """The numbers among these appointments' that texted STOP, in one query."""
    numbers = {phone_key(a.client_phone, clinic.country) for a in appointments if a.sms_consent}
    numbers.discard(None)
    if not numbers:
        return set()
    return set(db.session.scalars(sa.select(SmsOptOut.phone).where(SmsOptOut.phone.in_(numbers))))


def _reachable(
    appointment: Appointment,
    rule: ReminderRule,
    clinic: ClinicSettings,
    sms: SmsGateway | None,
    stopped: set[str],
) -> bool:
    """Whether this rule's channel can reach this client at all."""
    if rule.channel == "email":
        return bool(appointment.client_email)
    if sms is None or not appointment.sms_consent:
        return False
    number = phone_key(appointment.client_phone, clinic.country)
    return number is not None and number not in stopped


def _claim(
    appointment_id: int,
    starts_at: datetime,
    rule_id: int,
    channel: str,
    status: str,
    recipient: str,
    now: datetime,
) -> Appointment | None:
    """Lock the appointment (still confirmed at `starts_at`?) and insert the reminder's
    row unless it exists. The appointment when this run won; else None (rolled back)."""
    locked = db.session.execute(
        sa.update(Appointment)
        .where(
            Appointment.id == appointment_id,
            Appointment.status == "confirmed",
            Appointment.starts_at == starts_at,
        )
        .values(status=Appointment.status, updated_at=Appointment.updated_at)
        .execution_options(synchronize_session=False)
    )
    if locked.rowcount != 1:
        db.session.rollback()
        return None
    values = {
        "appointment_id": appointment_id,
        "rule_id": rule_id,
        "channel": channel,
        "starts_at": starts_at,
        "status": status,
        "recipient": recipient[:254],
        "error": "",
        "provider_id": "",
        "sent_at": now,
    }
    dialect = db.session.get_bind(mapper=ReminderSent).dialect.name
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect]
    new_id = db.session.scalar(
        insert(ReminderSent)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["appointment_id", "rule_id", "starts_at"])
        .returning(ReminderSent.id)
    )
    if new_id is None:
        db.session.rollback()
        return None
    return db.session.get(Appointment, appointment_id, populate_existing=True)


def _email(
    appointment_id: int, starts_at: datetime, rule_id: int, clinic: ClinicSettings, now: datetime
) -> bool:
    appointment = db.session.get(Appointment, appointment_id)
    recipient = appointment.client_email if appointment else ""
    appointment = _claim(appointment_id, starts_at, rule_id, "email", "sent", recipient, now)
    if appointment is None:
        return False
    notifications.reminder(appointment, day=day_words(starts_at, now, clinic.tz), rule_id=rule_id)
    rule = db.session.get(ReminderRule, rule_id)
    audit.record(appointment, "reminder sent", audit.SYSTEM, note=_note(rule, recipient))
    db.session.commit()
    return True


def _text(
    appointment_id: int,
    starts_at: datetime,
    rule_id: int,
    hours: int,
    clinic: ClinicSettings,
    now: datetime,
    sms: SmsGateway | None,
    manage_url: Callable[[Appointment], str],
) -> str | None:
    """ "sent", "failed", or None when another run (or a cancellation) got there first."""
    assert sms is not None
    appointment = db.session.get(Appointment, appointment_id)
    number = phone_key(appointment.client_phone if appointment else "", clinic.country) or ""
    if is_opted_out(number):  # a STOP that came in since this run looked
        return None
    appointment = _claim(appointment_id, starts_at, rule_id, "sms", "sending", number, now)
    if appointment is None:
        return None
    body = text_body(appointment, clinic, now, manage_url(appointment))
    db.session.commit()
    error, provider_id = "", ""
    try:
        provider_id = sms.send(
            number, body, f"{appointment_id}-{rule_id}-{starts_at:%Y%m%dT%H%M}Z"
        ).provider_id
    except SmsError as exc:
        error = " ".join(str(exc).split())[:MAX_ERROR_LENGTH] or type(exc).__name__
    status = "failed" if error else "sent"
    db.session.execute(
        sa.update(ReminderSent)
        .where(
            ReminderSent.appointment_id == appointment_id,
            ReminderSent.rule_id == rule_id,
            ReminderSent.starts_at == starts_at,
        )
        .values(status=status, error=error, provider_id=provider_id[:64])
        .execution_options(synchronize_session=False)
    )
    appointment = db.session.get(Appointment, appointment_id)
    rule = db.session.get(ReminderRule, rule_id)
    note = _note(rule, number) + (f": {error}" if error else "")
    audit.record(appointment, f"reminder {status}", audit.SYSTEM, note=note)
    db.session.commit()
    return status


def _note(rule: ReminderRule | None, recipient: str) -> str:
    return f"{rule.label if rule else 'Reminder'} to {recipient}"


def text_body(appointment: Appointment, clinic: ClinicSettings, now: datetime, link: str) -> str:
    """A reminder as a text: short, the time in the clinic's zone, the manage link, STOP."""
    tz = clinic.tz
    day = day_words(appointment.starts_at, now, tz)
    at = timefmt.clock_with_zone(appointment.starts_at, tz)
    return (
        f"{clinic.name}: reminder of your {appointment.service.name} with "
        f"{appointment.therapist.name} {day} at {at}, "
        f"{'at your address' if appointment.at_home else appointment.location.name}. "
        f"Change or cancel: {link} Reply STOP to stop texts."
    )


def queue_reminders() -> int:
    """The email reminders due now, as `flask reminders send` queues them, with texts off
    (sending texts needs a gateway: `send_due`); how many were queued."""
    from clinicsite import clock
    from clinicsite.clinic import get_clinic
    from clinicsite.notifications import site_links

    links = site_links()
    report = send_due(get_clinic(), clock.now(), None, lambda a: links.manage(a.token))
    return report.emailed
