"""Area and service pages, and the availability API, issue the same number of queries for
3 or 300 services and areas."""

from __future__ import annotations

from datetime import date

import pytest

from clinicsite.extensions import db
from tests.support.factories import (
    make_area,
    make_clinic,
    make_location,
    make_region,
    make_service,
    make_therapist,
)


def build_catalogue(app, size: int) -> dict[str, str]:
    """`size` services and `size` areas; the last area (the one whose pages are measured)
    offers every service, the others two each."""
    with app.app_context():
        make_clinic()
        services = [
            make_service(options=((30, 6000, 1500), (60, 11000, 3000))) for _ in range(size)
        ]
        regions = [make_region(), make_region()]
        areas = [
            make_area(
                region=regions[i % 2],
                services=services if i == size - 1 else services[i % size : i % size + 2],
                latitude=33.8 + i / 1000,
                longitude=-118.4,
            )
            for i in range(size)
        ]
        studio = make_location(area=areas[0], latitude=33.86, longitude=-118.39)
        make_location(area=areas[-1], latitude=34.0, longitude=-118.4)
        for i in range(3):
            make_therapist(services=services[i::3], hours=[(studio, i, "09:00", "17:00")])
        db.session.commit()
        return {"service": services[-1].slug, "area": areas[-1].slug}


PAGES = {
    "home": lambda s: "/",
    "services": lambda s: "/services/",
    "service": lambda s: f"/services/{s['service']}",
    "areas": lambda s: "/areas/",
    "area": lambda s: f"/areas/{s['area']}",
    "area_service": lambda s: f"/areas/{s['area']}/{s['service']}",
    "therapists": lambda s: "/therapists/",
    "sitemap": lambda s: "/sitemap.xml",
    "availability": lambda s: (
        f"/api/availability?service={s['service']}&date={date.today().isoformat()}&days=14"
    ),
}
# The API reads services, therapists, their weekly hours and the rooms from the reference
# snapshot: the counter, then one query each for extra hours, time off, bookings, outside
# calendars, closures and booked rooms (the last only where a studio lists rooms).
API_BUDGET = 7


def queries_for(migrated, size: int, page: str) -> int:
    from tests.support.app import make_app, queries_for_page, wipe

    app = make_app(migrated)
    try:
        slugs = build_catalogue(app, size)
        return queries_for_page(app, app.test_client(), PAGES[page](slugs))
    finally:
        wipe(app)


@pytest.mark.parametrize("page", sorted(PAGES))
def test_query_count_does_not_grow_with_the_catalogue(migrated, page):
    small = queries_for(migrated, 3, page)
    large = queries_for(migrated, 300, page)
    assert small == large, f"{page}: {small} queries with 3, {large} with 300"
    assert small <= (API_BUDGET if page == "availability" else 16)
