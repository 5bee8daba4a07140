"""Reads of the catalogue that several parts of the site share (the public pages, the booking
flow); no request needed."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from clinicsite.extensions import db
from clinicsite.models import Service


def active_services() -> list[Service]:
    return list(
        db.session.scalars(
            sa.select(Service)
            .where(Service.active)
            .order_by(Service.position, Service.name)
            .options(selectinload(Service.options))
        )
    )
