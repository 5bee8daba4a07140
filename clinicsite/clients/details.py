"""Staff editing a client's contact details and notes."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from clinicsite import audit
from clinicsite.audit import Actor
from clinicsite.clients.normalise import email_key
from clinicsite.extensions import db
from clinicsite.models import Client
from clinicsite.phones import to_e164


class ClientError(ValueError):
    """What cannot be done to a client, said for the staff member who asked."""


class ContactTaken(ClientError):
    """Another client already has this email or phone: merge them instead."""

    def __init__(self, message: str, other: Client):
        super().__init__(message)
        self.other = other


@dataclass(frozen=True)
class ContactDetails:
    name: str
    email: str
    phone: str
    notes: str


def snapshot(client: Client) -> dict[str, str | None]:
    return {"name": client.name, "email": client.email, "phone": client.phone}


def update_details(client: Client, details: ContactDetails, actor: Actor, region: str) -> None:
    """Set the client's details and commit, with an audit event. Raises BadPhone for a
    number that is not one, ContactTaken when another client has the email or phone, and
    ClientError for an anonymised client."""
    if client.anonymised_at is not None:
        raise ClientError("This client's details were anonymised and cannot be edited.")
    e_key, phone = email_key(details.email), to_e164(details.phone, region)
    _refuse_taken(client, Client.email_key, e_key, "email")
    _refuse_taken(client, Client.phone_key, phone, "phone number")
    before = snapshot(client)
    client.name = details.name
    client.email, client.email_key = (details.email.strip() or None), e_key
    client.phone = client.phone_key = phone
    client.notes = details.notes
    audit.record_change("client", client.id, "details edited", actor, before, snapshot(client))
    db.session.commit()


def _refuse_taken(client: Client, column, key: str | None, what: str) -> None:
    if key is None:
        return
    other = db.session.scalar(
        sa.select(Client)
        .where(column == key, Client.id != client.id, Client.anonymised_at.is_(None))
        .limit(1)
    )
    if other is not None:
        raise ContactTaken(
            f"Another client ({other.name}) has that {what}: if they are the same person, "
            "merge them instead.",
            other,
        )
