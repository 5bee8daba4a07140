"""What the clinic sells: services and their bookable options."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinicsite.extensions import db
from clinicsite.models.markdown import renders_markdown, stored_html
from clinicsite.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from clinicsite.models.addons import AddOn


VISIT_MODES = ("studio", "home", "both")


class Service(db.Model):
    __tablename__ = "service"
    __table_args__ = (
        sa.CheckConstraint("buffer_minutes >= 0", name="buffer"),
        sa.CheckConstraint("visit_modes IN ('studio', 'home', 'both')", name="visit_modes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    summary: Mapped[str] = mapped_column(sa.String(300), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")  # Markdown
    description_html: Mapped[str] = stored_html()
    buffer_minutes: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    featured: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    # What a visit holds at a studio that has rooms (models/rooms.py): a room unless
    # `needs_room` is off, of the kind `room_kind` ("" = any), and one item of the studio's
    # equipment named `equipment_needed` ("" = none).
    needs_room: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    room_kind: Mapped[str] = mapped_column(sa.String(60), default="", server_default="")
    equipment_needed: Mapped[str] = mapped_column(sa.String(60), default="", server_default="")
    # Where the visit happens (VISIT_MODES): at a studio, at the client's address in an area
    # that takes home visits (models/areas.py, scheduling/travel.py), or either.
    visit_modes: Mapped[str] = mapped_column(
        sa.String(10), default="studio", server_default="studio"
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    options: Mapped[list[ServiceOption]] = relationship(
        back_populates="service",
        order_by="ServiceOption.position, ServiceOption.duration_minutes",
        cascade="all, delete-orphan",
    )

    add_ons: Mapped[list[AddOn]] = relationship(
        back_populates="service", order_by="AddOn.position, AddOn.name"
    )

    _render_description = renders_markdown("description", "description_html")

    @property
    def at_studio(self) -> bool:
        return self.visit_modes in ("studio", "both")

    @property
    def at_home(self) -> bool:
        return self.visit_modes in ("home", "both")

    @property
    def active_options(self) -> list[ServiceOption]:
        return [o for o in self.options if o.active]

    @property
    def active_add_ons(self) -> list[AddOn]:
        return [a for a in self.add_ons if a.active]

    @property
    def lowest_price(self) -> int | None:
        prices = [o.price for o in self.active_options]
        return min(prices) if prices else None

    @property
    def is_free(self) -> bool:
        return self.lowest_price == 0 and all(o.price == 0 for o in self.active_options)


class ServiceOption(db.Model):
    """One bookable length of a service. Money is in the currency's minor unit."""

    __tablename__ = "service_option"
    __table_args__ = (
        sa.CheckConstraint("duration_minutes > 0", name="duration"),
        sa.CheckConstraint("price >= 0", name="price"),
        sa.CheckConstraint("deposit >= 0 AND deposit <= price", name="deposit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(sa.ForeignKey("service.id"), index=True)
    duration_minutes: Mapped[int]
    price: Mapped[int]
    deposit: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)

    service: Mapped[Service] = relationship(back_populates="options")
