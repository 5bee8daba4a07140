"""Reads of the catalogue that several parts of the site share (the public pages, the booking
flow); no request needed."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from clinicsite.extensions import db
from clinicsite.models import (
    Location,
    Service,
    ServiceOption,
    Therapist,
    WorkingHours,
    therapist_service,
)


def active_services() -> list[Service]:
    return list(
        db.session.scalars(
            sa.select(Service)
            .where(Service.active)
            .order_by(Service.position, Service.name)
            .options(selectinload(Service.options))
        )
    )


def _offered_by_someone_with_hours():
    """Service ids that an active therapist performs and has weekly hours for at an active
    studio: where the booking flow can find a studio, a therapist and a time."""
    return (
        sa.select(therapist_service.c.service_id)
        .join(Therapist, Therapist.id == therapist_service.c.therapist_id)
        .join(WorkingHours, WorkingHours.therapist_id == Therapist.id)
        .join(Location, Location.id == WorkingHours.location_id)
        .where(Therapist.active, Location.active)
    )


def bookable_online_ids() -> set[int]:
    """Ids of the services a client can book online: active, with an active length, and
    performed by an active therapist with weekly hours at an active studio."""
    query = (
        sa.select(Service.id)
        .join(ServiceOption, ServiceOption.service_id == Service.id)
        .where(
            Service.active,
            ServiceOption.active,
            Service.id.in_(_offered_by_someone_with_hours()),
        )
        .distinct()
    )
    return set(db.session.scalars(query))


def online_booking_problems(service: Service) -> list[str]:
    """Why clients cannot book `service` online, in words for the admin (empty: they can)."""
    problems = []
    if not service.active:
        problems.append("it is not active")
    if not service.active_options:
        problems.append("it has no active length")
    performers = db.session.scalars(
        sa.select(Therapist.id)
        .join(therapist_service, therapist_service.c.therapist_id == Therapist.id)
        .where(therapist_service.c.service_id == service.id, Therapist.active)
    ).all()
    if not performers:
        problems.append("no active therapist offers it (tick it on a therapist's page)")
    elif service.id not in set(db.session.scalars(_offered_by_someone_with_hours())):
        problems.append("the therapists who offer it have no weekly hours at an open studio")
    return problems
