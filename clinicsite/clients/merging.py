"""Merging a duplicate client into the one to keep: the same person booked twice under
different details (a new email, a phone booking without one)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from clinicsite import audit
from clinicsite.audit import Actor
from clinicsite.clients.details import ClientError, snapshot
from clinicsite.extensions import db
from clinicsite.models import Client


def merge(keep: Client, duplicate: Client, actor: Actor, now: datetime) -> int:
    """Move everything of `duplicate` to `keep` and delete the duplicate; commit. `keep`
    gains the contact details it lacked and the duplicate's notes after its own. Returns
    how many appointments moved. Raises ClientError for a client merged with itself or an
    anonymised one."""
    if keep.id == duplicate.id:
        raise ClientError("Choose another client: a client cannot be merged with itself.")
    if keep.anonymised_at is not None or duplicate.anonymised_at is not None:
        raise ClientError("An anonymised client cannot be merged.")
    before = {**snapshot(keep), "duplicate": {"id": duplicate.id, **snapshot(duplicate)}}
    moved = _move_references(duplicate.id, keep.id)
    _take_details(keep, duplicate)
    db.session.delete(duplicate)
    audit.record_change(
        "client",
        keep.id,
        "merged",
        actor,
        before,
        {**snapshot(keep), "appointments_moved": moved},
        note=f"client #{duplicate.id} merged into this one on {now:%Y-%m-%d}",
    )
    db.session.commit()
    return moved


def _move_references(old_id: int, new_id: int) -> int:
    """Point every row that refers to a client (appointments, and whatever other tables
    gain a client later) from `old_id` to `new_id`; returns the appointments moved."""
    moved = 0
    for table in db.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name != "client" or table.name == "client":
                continue
            column = fk.parent
            result = db.session.execute(
                sa.update(table).where(column == old_id).values({column.name: new_id})
            )
            if table.name == "appointment":
                moved += result.rowcount
    db.session.expire_all()
    return moved


def _take_details(keep: Client, duplicate: Client) -> None:
    if keep.email_key is None and duplicate.email_key is not None:
        keep.email, keep.email_key = duplicate.email, duplicate.email_key
    if keep.phone_key is None and duplicate.phone_key is not None:
        keep.phone, keep.phone_key = duplicate.phone, duplicate.phone_key
    if duplicate.notes.strip():
        keep.notes = "\n\n".join(n for n in (keep.notes.strip(), duplicate.notes.strip()) if n)
