"""Finding the client a booking belongs to, or creating them: every booking, online or by
phone, calls `find_or_create` (from appointments/holding.hold)."""

from __future__ import annotations

import sqlalchemy as sa

from clinicsite.clients.normalise import email_key
from clinicsite.extensions import db
from clinicsite.models import Client
from clinicsite.phones import FALLBACK_REGION, phone_key


def find_or_create(
    name: str, email: str | None, phone: str | None, *, region: str = FALLBACK_REGION
) -> Client:
    """The client with this email, else with this phone number, else a new one; added to
    the session, not committed. A matched client gains the contact details it lacked.

    The email decides first (the same address in any case or spacing is the same person).
    A phone number only matches a client who has no email, or when the booking gives
    none: two people sharing a landline, each with their own email, stay two clients.
    National numbers are read in `region` (the clinic's country)."""
    e_key, p_key = email_key(email), phone_key(phone, region)
    client = _by_email(e_key) or _by_phone(p_key, e_key)
    if client is None:
        client = Client(name=(name or "").strip()[:100], notes="")
        db.session.add(client)
    if client.email_key is None and e_key:
        client.email, client.email_key = (email or "").strip(), e_key
    if client.phone_key is None and p_key:
        client.phone, client.phone_key = p_key, p_key
    db.session.flush()
    return client


def _live():
    return sa.select(Client).where(Client.anonymised_at.is_(None)).order_by(Client.id).limit(1)


def _by_email(key: str | None) -> Client | None:
    if key is None:
        return None
    return db.session.scalar(_live().where(Client.email_key == key))


def _by_phone(key: str | None, e_key: str | None) -> Client | None:
    if key is None:
        return None
    query = _live().where(Client.phone_key == key)
    if e_key is not None:
        query = query.where(Client.email_key.is_(None))
    return db.session.scalar(query)
