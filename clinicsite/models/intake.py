"""The health intake: the questions a booking asks (per service or for every service) and
the consent texts a client accepts. A consent text is never edited: a change is a new
version, so an appointment's accepted version still says what the client agreed to."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinicsite.extensions import db
from clinicsite.models.catalogue import Service
from clinicsite.models.types import UTCDateTime, utcnow

# text: free text; choice: one of `options`; yesno: yes or no; date: a calendar date.
QUESTION_KINDS = ("text", "choice", "yesno", "date")


class IntakeQuestion(db.Model):
    """One question of the booking's details step.

    `shown_if` (another question) with `shown_if_answer`: asked only when that question's
    answer is this value. `routes_answer` with `routes_tag`: that answer needs a therapist
    whose qualifications include the tag (e.g. "Yes" to pregnancy needs `prenatal`).
    `key` names the form field of the original fixed questions (pain, conditions,
    pregnant), so links and old bookings keep their meaning."""

    __tablename__ = "intake_question"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('text', 'choice', 'yesno', 'date')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(sa.String(40), unique=True)
    service_id: Mapped[int | None] = mapped_column(sa.ForeignKey("service.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(10), default="text")
    label: Mapped[str] = mapped_column(sa.String(200))
    help: Mapped[str] = mapped_column(sa.String(500), default="")
    options: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    required: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    shown_if_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("intake_question.id", ondelete="SET NULL")
    )
    shown_if_answer: Mapped[str] = mapped_column(sa.String(200), default="")
    routes_answer: Mapped[str] = mapped_column(sa.String(200), default="")
    routes_tag: Mapped[str] = mapped_column(sa.String(40), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    service: Mapped[Service | None] = relationship()
    shown_if: Mapped[IntakeQuestion | None] = relationship(remote_side=[id])

    @property
    def field_name(self) -> str:
        """The form field's name: the original questions keep theirs."""
        return self.key or f"q{self.id}"

    @property
    def choices(self) -> list[str]:
        """The answers offered, in order (a yes-no question offers Yes and No)."""
        return ["Yes", "No"] if self.kind == "yesno" else list(self.options or [])


class ConsentText(db.Model):
    """One version of the consent a client accepts when booking; the newest is current."""

    __tablename__ = "consent_text"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(unique=True)
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(sa.String(200), default="")
