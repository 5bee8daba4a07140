"""Where the clinic works: regions, the service areas in them and what each offers."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinicsite.extensions import db
from clinicsite.models.catalogue import Service
from clinicsite.models.markdown import renders_markdown, stored_html
from clinicsite.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from clinicsite.models.clinic import Location


class Region(db.Model):
    __tablename__ = "region"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    areas: Mapped[list[ServiceArea]] = relationship(
        back_populates="region", order_by="ServiceArea.position, ServiceArea.name"
    )


class ServiceArea(db.Model):
    """A city or neighbourhood the clinic serves, with a landing page of its own."""

    __tablename__ = "service_area"
    __table_args__ = (sa.CheckConstraint("outcall_surcharge >= 0", name="outcall_surcharge"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("region.id"), index=True)
    intro: Mapped[str] = mapped_column(sa.Text, default="")  # Markdown
    intro_html: Mapped[str] = stored_html()
    postal_codes: Mapped[str] = mapped_column(sa.String(400), default="")  # comma separated
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)
    # Therapists come to clients here, for the area's services that are offered at home
    # (Service.visit_modes), for the price plus `outcall_surcharge` (minor units).
    home_visits: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    outcall_surcharge: Mapped[int] = mapped_column(default=0, server_default="0")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    region: Mapped[Region] = relationship(back_populates="areas")
    offerings: Mapped[list[AreaService]] = relationship(
        back_populates="area", cascade="all, delete-orphan"
    )
    services: Mapped[list[Service]] = relationship(
        secondary="area_service",
        order_by=(Service.position, Service.name),
        viewonly=True,
    )
    locations: Mapped[list[Location]] = relationship(back_populates="area")

    _render_intro = renders_markdown("intro", "intro_html")

    @property
    def postal_code_list(self) -> list[str]:
        return [c.strip() for c in self.postal_codes.split(",") if c.strip()]

    def visits_at_home(self, service: Service) -> bool:
        """Whether a therapist comes to clients here for `service`."""
        return (
            self.active
            and self.home_visits
            and service.at_home
            and any(s.id == service.id for s in self.services)
        )


class AreaService(db.Model):
    """A service offered in an area; its landing page text lives here."""

    __tablename__ = "area_service"

    area_id: Mapped[int] = mapped_column(sa.ForeignKey("service_area.id"), primary_key=True)
    service_id: Mapped[int] = mapped_column(
        sa.ForeignKey("service.id"), primary_key=True, index=True
    )
    body: Mapped[str] = mapped_column(sa.Text, default="")  # Markdown, specific to the pair
    body_html: Mapped[str] = stored_html()
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    area: Mapped[ServiceArea] = relationship(back_populates="offerings")
    service: Mapped[Service] = relationship()

    _render_body = renders_markdown("body", "body_html")
