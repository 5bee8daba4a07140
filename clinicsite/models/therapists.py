"""Therapists: public profiles, the services they perform and their weekly hours."""

from __future__ import annotations

from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinicsite.extensions import db
from clinicsite.models.catalogue import Service
from clinicsite.models.clinic import Location
from clinicsite.models.markdown import renders_markdown, stored_html
from clinicsite.models.types import UTCDateTime, utcnow

therapist_service = sa.Table(
    "therapist_service",
    db.metadata,
    sa.Column("therapist_id", sa.ForeignKey("therapist.id"), primary_key=True),
    sa.Column("service_id", sa.ForeignKey("service.id"), primary_key=True, index=True),
)


class Therapist(db.Model):
    __tablename__ = "therapist"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    bio: Mapped[str] = mapped_column(sa.Text, default="")  # Markdown
    bio_html: Mapped[str] = stored_html()
    photo: Mapped[str] = mapped_column(sa.String(200), default="")  # under static/img/therapists
    # An uploaded portrait (staff/catalogue/portrait.py), served from /media/; shown
    # instead of `photo` when set.
    portrait: Mapped[str | None] = mapped_column(sa.String(200))
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Bumped by every booking write of this therapist: the UPDATE takes the row lock that
    # serialises them (see scheduling/holds.py).
    schedule_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # Secret of the therapist's calendar feed (/calendar/<token>.ics); None: no feed.
    feed_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    # Training tags, space-separated (e.g. "prenatal"): an intake answer may need one.
    qualifications: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    # Where the therapist sets out from for home visits, a travel place ("area:<id>" or
    # "studio:<id>", scheduling/travel.py; "" = not set): the first visit of a stretch of
    # home-visit hours leaves the travel time from there.
    home_base: Mapped[str] = mapped_column(sa.String(40), default="", server_default="")

    services: Mapped[list[Service]] = relationship(
        secondary=therapist_service, order_by=(Service.position, Service.name)
    )
    hours: Mapped[list[WorkingHours]] = relationship(
        back_populates="therapist",
        order_by="WorkingHours.weekday, WorkingHours.starts_at",
        cascade="all, delete-orphan",
    )

    _render_bio = renders_markdown("bio", "bio_html")

    @property
    def qualification_tags(self) -> set[str]:
        return set(self.qualifications.lower().split())


class WorkingHours(db.Model):
    """A weekly range of local wall-clock time at one studio (weekday 0 is Monday)."""

    __tablename__ = "working_hours"
    __table_args__ = (
        sa.CheckConstraint("weekday >= 0 AND weekday <= 6", name="weekday"),
        # An end at or before the start is on the next day (22:00-02:00; 00:00 is 24:00).
        sa.CheckConstraint("ends_at <> starts_at", name="range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    therapist_id: Mapped[int] = mapped_column(sa.ForeignKey("therapist.id"), index=True)
    location_id: Mapped[int] = mapped_column(sa.ForeignKey("location.id"), index=True)
    weekday: Mapped[int]
    starts_at: Mapped[time]
    ends_at: Mapped[time]

    therapist: Mapped[Therapist] = relationship(back_populates="hours")
    location: Mapped[Location] = relationship()


class TimeOff(db.Model):
    """A period in which a therapist takes no appointments (UTC)."""

    __tablename__ = "time_off"
    __table_args__ = (sa.CheckConstraint("ends_at > starts_at", name="range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    therapist_id: Mapped[int] = mapped_column(sa.ForeignKey("therapist.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(sa.String(200), default="")

    therapist: Mapped[Therapist] = relationship()


class ExtraHours(db.Model):
    """One-off working hours on a local date, on top of the weekly hours."""

    __tablename__ = "extra_hours"
    # An end at or before the start is on the next day, as for WorkingHours.
    __table_args__ = (sa.CheckConstraint("ends_at <> starts_at", name="range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    therapist_id: Mapped[int] = mapped_column(sa.ForeignKey("therapist.id"), index=True)
    location_id: Mapped[int] = mapped_column(sa.ForeignKey("location.id"), index=True)
    day: Mapped[date] = mapped_column(sa.Date)
    starts_at: Mapped[time]
    ends_at: Mapped[time]

    therapist: Mapped[Therapist] = relationship()
    location: Mapped[Location] = relationship()
