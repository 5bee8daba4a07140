"""Rooms and equipment of a studio: what limits how many visits it holds at once.

A studio with no rooms defined takes as many visits at a time as it has therapists free
(the clinic before rooms existed). Once it has a room, every visit there that needs one
holds a room of the kind its service asks for (scheduling/rooms.py), and a service that
needs equipment uses one of the studio's items of that name for the whole visit.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinicsite.extensions import db
from clinicsite.models.clinic import Location


class Room(db.Model):
    """A treatment room. `kind` is free text matched exactly by a service's `room_kind`
    ("treatment", "prenatal table"); an inactive room takes no new visits."""

    __tablename__ = "room"
    __table_args__ = (sa.UniqueConstraint("location_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(sa.ForeignKey("location.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    kind: Mapped[str] = mapped_column(sa.String(60), default="treatment")
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)

    location: Mapped[Location] = relationship()


class Equipment(db.Model):
    """Items of one kind at a studio (two hot-stone heaters): `count` visits needing it
    may run at once there. Inactive: none may."""

    __tablename__ = "equipment"
    __table_args__ = (
        sa.UniqueConstraint("location_id", "name"),
        sa.CheckConstraint("count >= 0", name="count"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(sa.ForeignKey("location.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(60))
    count: Mapped[int] = mapped_column(default=1)
    active: Mapped[bool] = mapped_column(default=True)

    location: Mapped[Location] = relationship()
