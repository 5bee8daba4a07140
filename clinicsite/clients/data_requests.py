"""A client's requests about their data: a copy of everything held about them (JSON or
CSV, handed over by staff), and deletion, which anonymises them but keeps the money
records (amounts paid and refunded stay, for the accounts). Both are audited."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from clinicsite import audit
from clinicsite.audit import Actor
from clinicsite.clients.details import ClientError
from clinicsite.clients.records import client_appointments
from clinicsite.extensions import db
from clinicsite.memberships import members
from clinicsite.models import Appointment, AuditEvent, Client, OutboxEmail
from clinicsite.packages import sessions as package_sessions
from clinicsite.text import spreadsheet_safe

ANONYMISED_NAME = "Anonymised client"

CSV_COLUMNS = (
    "client_id",
    "client_name",
    "client_email",
    "client_phone",
    "client_notes_by_staff",
    "appointment_id",
    "service",
    "length_minutes",
    "therapist",
    "studio",
    "starts_at",
    "ends_at",
    "status",
    "source",
    "name_given",
    "email_given",
    "phone_given",
    "notes_given",
    "intake",
    "staff_notes",
    "price",
    "deposit",
    "currency",
    "paid",
    "refunded",
)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def export(client: Client) -> dict[str, Any]:
    """Everything held about the client, as plain JSON-ready values."""
    return {
        "client": {
            "id": client.id,
            "name": client.name,
            "email": client.email,
            "phone": client.phone,
            "notes": client.notes,
            "created_at": _iso(client.created_at),
            "anonymised_at": _iso(client.anonymised_at),
        },
        "appointments": [_appointment(a) for a in client_appointments(client)],
    }


def _appointment(a: Appointment) -> dict[str, Any]:
    return {
        "id": a.id,
        "service": a.service.name,
        "length_minutes": a.option.duration_minutes,
        "extras": [
            {"name": x.name, "extra_minutes": x.extra_minutes, "price": x.price} for x in a.add_ons
        ],
        "therapist": a.therapist.name,
        "studio": a.location.name,
        "visit_address": a.home_address,  # "" at a studio
        "starts_at": _iso(a.starts_at),
        "ends_at": _iso(a.ends_at),
        "status": a.status,
        "source": a.source,
        "name_given": a.client_name,
        "email_given": a.client_email,
        "phone_given": a.client_phone,
        "notes_given": a.client_notes,
        "intake": a.intake or {},
        "staff_notes": a.staff_notes,
        "price": a.price,
        "deposit": a.deposit,
        "currency": a.currency,
        "booked_at": _iso(a.created_at),
        "cancelled_at": _iso(a.cancelled_at),
        "payments": [
            {
                "provider": p.provider,
                "amount": p.amount,
                "amount_refunded": p.amount_refunded,
                "currency": p.currency,
                "status": p.status,
                "paid_at": _iso(p.paid_at),
                "refunds": [
                    {"amount": r.amount, "reason": r.reason, "created_at": _iso(r.created_at)}
                    for r in p.refunds
                ],
            }
            for p in a.payments
        ],
    }


def export_json(client: Client, actor: Actor) -> str:
    """The export as a JSON document; the request is audited (committed)."""
    data = export(client)
    _audit_export(client, actor, "json")
    return json.dumps(data, indent=2, ensure_ascii=False)


def export_csv(client: Client, actor: Actor) -> str:
    """The export as CSV, one row per appointment (the client's own fields repeated; one
    row with them alone when there is no appointment). Cells a spreadsheet would run as a
    formula are quoted with a leading apostrophe."""
    data = export(client)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    person = data["client"]
    head = [person["id"], person["name"], person["email"], person["phone"], person["notes"]]
    for a in data["appointments"] or [None]:
        writer.writerow([spreadsheet_safe(v) for v in head + _csv_tail(a)])
    _audit_export(client, actor, "csv")
    return out.getvalue()


def _csv_tail(a: dict[str, Any] | None) -> list[Any]:
    if a is None:
        return [""] * (len(CSV_COLUMNS) - 5)
    paid = sum(p["amount"] for p in a["payments"] if p["status"] in ("paid", "refunded"))
    refunded = sum(p["amount_refunded"] for p in a["payments"])
    fields = [c for c in CSV_COLUMNS[5:] if c not in ("appointment_id", "paid", "refunded")]
    values = [json.dumps(a[c]) if c == "intake" else a[c] for c in fields]
    return [a["id"], *values, paid, refunded]


def _audit_export(client: Client, actor: Actor, kind: str) -> None:
    audit.record_change("client", client.id, "data exported", actor, note=kind)
    db.session.commit()


def anonymise(client: Client, actor: Actor, now: datetime) -> int:
    """Erase the client's personal data, keep the records: the name, email, phone and
    notes of the client and of every appointment, their intake answers, the emails sent
    to them and the details in their audit history are removed; amounts paid and refunded
    stay. Commits; returns how many appointments were anonymised."""
    if client.anonymised_at is not None:
        raise ClientError("This client was already anonymised.")
    appointments = client_appointments(client)
    addresses = {a.client_email.strip().lower() for a in appointments if a.client_email}
    addresses |= {client.email_key} if client.email_key else set()
    for a in appointments:
        _blank_appointment(a)
    package_sessions.anonymise_buyer(client.id, ANONYMISED_NAME)
    members.anonymise_member(client.id, ANONYMISED_NAME)
    _scrub_history(client, appointments)
    if addresses:
        db.session.execute(
            sa.delete(OutboxEmail).where(sa.func.lower(OutboxEmail.to_address).in_(addresses))
        )
    client.name, client.notes = ANONYMISED_NAME, ""
    client.email = client.email_key = client.phone = client.phone_key = None
    client.anonymised_at = now
    audit.record_change(
        "client", client.id, "anonymised", actor, after={"appointments": len(appointments)}
    )
    db.session.commit()
    return len(appointments)


def _blank_appointment(a: Appointment) -> None:
    a.client_name, a.client_email, a.client_phone = ANONYMISED_NAME, "", ""
    a.client_notes, a.staff_notes, a.intake = "", "", {}
    a.visit_address = a.visit_postal_code = ""  # the area stays: the visit's travel
    a.client_address_key = a.client_email_key = a.client_device_key = None


def _scrub_history(client: Client, appointments: list[Appointment]) -> None:
    """Audit events keep what happened and who did it, not the personal details."""
    about_client = sa.and_(AuditEvent.subject_type == "client", AuditEvent.subject_id == client.id)
    ids = [a.id for a in appointments]
    about_visits = sa.and_(AuditEvent.subject_type == "appointment", AuditEvent.subject_id.in_(ids))
    events = sa.select(AuditEvent).where(sa.or_(about_client, about_visits))
    for event in db.session.scalars(events):
        event.before = {k: v for k, v in (event.before or {}).items() if k not in PERSONAL}
        event.after = {k: v for k, v in (event.after or {}).items() if k not in PERSONAL}
        if event.subject_type == "client":
            event.note = ""


# Fields of audit snapshots that carry personal details.
PERSONAL = {"name", "email", "phone", "staff_notes", "duplicate", "notes"}
