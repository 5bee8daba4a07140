"""Home visits on top of the test clinic: Neuromuscular Therapy offered at home too, some
areas that take home visits, and a therapist's home-visit hours on Sundays (nobody works at a
studio then), so travel is the only thing between two visits."""

from __future__ import annotations

from datetime import time

import sqlalchemy as sa
from flask import Flask

from clinicsite.extensions import db
from clinicsite.models import Location, Service, ServiceArea, Therapist, TravelTime, WorkingHours
from clinicsite.scheduling.travel import area_place, pair

SUNDAY = "2026-12-13"  # the Sunday after the test clock's Monday 2026-12-07
HOME_AREAS = ("redondo-beach", "santa-monica", "torrance")


def enable_home_visits(
    app: Flask,
    therapist: str = "dana-okafor",
    areas: tuple[str, ...] = HOME_AREAS,
    surcharge: int = 2500,
    hours: tuple[str, str] = ("09:00", "17:00"),
    home_base: str = "",
    minutes: dict[tuple[str, str], int] | None = None,
) -> None:
    """`minutes` sets travel between areas by slug ({("redondo-beach", "santa-monica"): 50});
    other pairs keep their defaults."""
    with app.app_context():
        service = db.session.scalar(sa.select(Service).filter_by(slug="neuromuscular-therapy"))
        service.visit_modes = "both"
        by_slug = {a.slug: a for a in db.session.scalars(sa.select(ServiceArea))}
        for slug in areas:
            by_slug[slug].home_visits = True
            by_slug[slug].outcall_surcharge = surcharge
        mobile = Location(slug="home-visits", name="Home visits", kind="mobile", street="", city="")
        db.session.add(mobile)
        who = db.session.scalar(sa.select(Therapist).filter_by(slug=therapist))
        who.hours.append(
            WorkingHours(
                location=mobile,
                weekday=6,
                starts_at=time.fromisoformat(hours[0]),
                ends_at=time.fromisoformat(hours[1]),
            )
        )
        if home_base:
            who.home_base = area_place(by_slug[home_base].id)
        for (a, b), value in (minutes or {}).items():
            key = pair(area_place(by_slug[a].id), area_place(by_slug[b].id))
            db.session.add(TravelTime(place_a=key[0], place_b=key[1], minutes=value))
        db.session.commit()
