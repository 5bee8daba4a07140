"""What staff see of one client: visits to come and past, no-shows, payments, and the
intake answers they gave over time. Read in a fixed number of queries, however long the
history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from clinicsite.extensions import db
from clinicsite.intake.answers import kept_answers
from clinicsite.models import Appointment, AuditEvent, Client, Payment, appointment_details

# Statuses of a visit still to come (a held one only while its hold lasts).
UPCOMING = ("held", "confirmed")


@dataclass(frozen=True)
class IntakeAnswers:
    """The intake given with one booking: (question as asked, answer) pairs, and the
    consent version accepted (appointment.consent_text)."""

    appointment: Appointment
    answers: list[tuple[str, str]]


@dataclass(frozen=True)
class ClientRecord:
    client: Client
    upcoming: list[Appointment]
    past: list[Appointment]  # newest first, cancelled ones included
    no_shows: list[Appointment]
    payments: list[Payment]
    intake: list[IntakeAnswers]  # newest first
    history: list[AuditEvent]  # what staff did to the record: edits, merges, data requests

    @property
    def paid(self) -> int:
        return sum(p.amount for p in self.payments if p.status in ("paid", "refunded"))

    @property
    def refunded(self) -> int:
        return sum(p.amount_refunded for p in self.payments)


def client_appointments(client: Client) -> list[Appointment]:
    """Every appointment of `client`, oldest first, with what a page shows of each."""
    return list(
        db.session.scalars(
            sa.select(Appointment)
            .where(Appointment.client_id == client.id)
            .options(
                *appointment_details(payments=True),
                selectinload(Appointment.payments).selectinload(Payment.refunds),
                selectinload(Appointment.consent_text),
            )
            .order_by(Appointment.starts_at, Appointment.id)
        )
    )


def client_record(client: Client, now: datetime) -> ClientRecord:
    """The client's page: what is to come, what has been, and what was paid."""
    appointments = client_appointments(client)
    upcoming = [a for a in appointments if _to_come(a, now)]
    past = [
        a
        for a in reversed(appointments)
        if not _to_come(a, now) and a.status not in ("held", "expired")
    ]
    return ClientRecord(
        client=client,
        upcoming=upcoming,
        past=past,
        no_shows=[a for a in past if a.status == "no_show"],
        payments=[p for a in appointments for p in a.payments if p.status != "expired"],
        intake=[
            IntakeAnswers(a, kept_answers(a.intake)) for a in reversed(appointments) if a.intake
        ],
        history=list(
            db.session.scalars(
                sa.select(AuditEvent)
                .where(AuditEvent.subject_type == "client", AuditEvent.subject_id == client.id)
                .order_by(AuditEvent.created_at, AuditEvent.id)
            )
        ),
    )


def _to_come(appointment: Appointment, now: datetime) -> bool:
    if appointment.status not in UPCOMING or appointment.starts_at < now:
        return False
    held_out = appointment.status == "held" and appointment.hold_expires_at is not None
    return not (held_out and appointment.hold_expires_at <= now)


def search(query: str, phone_digits: str | None):
    """Clients whose name or email contains `query`, or whose phone contains
    `phone_digits` (clients/normalise.phone_search_digits), newest first; a select to
    paginate. An empty query lists everyone."""
    select = sa.select(Client).order_by(Client.created_at.desc(), Client.id.desc())
    query = query.strip()
    if not query:
        return select
    words = _like(query.lower())
    conditions = [
        sa.func.lower(Client.name).like(words, escape="\\"),
        Client.email_key.like(words, escape="\\"),
    ]
    if phone_digits:
        conditions.append(Client.phone_key.like(_like(phone_digits), escape="\\"))
    return select.where(sa.or_(*conditions))


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def visit_counts(clients: list[Client]) -> dict[int, int]:
    """How many visits (not cancelled or expired) each client has had or booked."""
    if not clients:
        return {}
    rows = db.session.execute(
        sa.select(Appointment.client_id, sa.func.count())
        .where(
            Appointment.client_id.in_([c.id for c in clients]),
            Appointment.status.in_(("confirmed", "completed", "no_show")),
        )
        .group_by(Appointment.client_id)
    )
    return {client_id: count for client_id, count in rows}
