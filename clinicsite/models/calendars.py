"""Outside calendars: a therapist's private iCalendar address and the busy times read from it."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinicsite.extensions import db
from clinicsite.models.therapists import Therapist
from clinicsite.models.types import UTCDateTime, utcnow


class ExternalCalendar(db.Model):
    """One therapist's outside calendar (Google, Apple, Outlook...), read by `flask calendars
    sync`. The address is a secret (whoever has it reads the calendar): pages show it
    masked (calendars/feeds.py). `etag` and `last_modified` are the answer's validators,
    sent back so an unchanged feed costs a 304. `synced_at` is the last fetch that worked
    (a 304 included), `error` what went wrong at the last one, if it did, and `warning`
    what was odd in the last file read (an unknown time zone). The busy rows cover up to
    `covered_until`; past it the next sync reads the whole file again, 304 or not."""

    __tablename__ = "external_calendar"

    id: Mapped[int] = mapped_column(primary_key=True)
    therapist_id: Mapped[int] = mapped_column(sa.ForeignKey("therapist.id"), unique=True)
    url: Mapped[str] = mapped_column(sa.String(2000))
    etag: Mapped[str] = mapped_column(sa.String(500), default="")
    last_modified: Mapped[str] = mapped_column(sa.String(100), default="")
    synced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str] = mapped_column(sa.String(500), default="")
    warning: Mapped[str] = mapped_column(sa.String(300), default="")
    covered_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    therapist: Mapped[Therapist] = relationship()


class ExternalBusy(db.Model):
    """A busy span of a therapist read from their outside calendar (UTC). The rows of a
    calendar are replaced together by each successful sync; online booking avoids them."""

    __tablename__ = "external_busy"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="range"),
        sa.Index("ix_external_busy_therapist_id_starts_at", "therapist_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    calendar_id: Mapped[int] = mapped_column(
        sa.ForeignKey("external_calendar.id", ondelete="CASCADE"), index=True
    )
    # Kept on the row (not only through the calendar) so availability reads one table.
    therapist_id: Mapped[int] = mapped_column(sa.ForeignKey("therapist.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
