"""Reads for the public pages.

Each function issues a fixed number of queries whatever the size of the catalogue:
collections a template loops over are loaded with selectinload. The lists every page shows
(services, regions, therapists, studios) come from the per-process snapshot of
clinicsite/reference.py: for rendering only, never to attach to a new row.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from flask import abort

from clinicsite import reference
from clinicsite.models import (
    AreaService,
    Location,
    Region,
    Service,
    ServiceArea,
    Therapist,
)


def active_services() -> list[Service]:
    """Active services with their options, from the per-process snapshot (for reading)."""
    return list(reference.current().services)


def featured_services(limit: int = 4) -> list[Service]:
    services = active_services()
    featured = [s for s in services if s.featured]
    return (featured or services)[:limit]


def regions_with_areas() -> list[Region]:
    return [r for r in reference.current().regions if any(a.active for a in r.areas)]


def active_therapists() -> list[Therapist]:
    return list(reference.current().therapists)


def active_locations() -> list[Location]:
    return list(reference.current().locations)


def service_or_404(slug: str) -> Service:
    service = reference.current().service(slug)
    if service is None:
        abort(404)
    return service


def areas_offering(service: Service) -> list[ServiceArea]:
    """The active areas that offer `service`, in their own order (region aside)."""
    areas = [
        a
        for r in reference.current().regions
        for a in r.areas
        if a.active and any(s.id == service.id for s in a.services)
    ]
    return sorted(areas, key=lambda a: (a.position, a.name))


def therapists_performing(service_ids: list[int]) -> list[Therapist]:
    wanted = set(service_ids)
    return [t for t in reference.current().therapists if any(s.id in wanted for s in t.services)]


def area_or_404(slug: str) -> ServiceArea:
    area = reference.current().area(slug)
    if area is None:
        abort(404)
    return area


def area_service_or_404(area_slug: str, service_slug: str) -> AreaService:
    area = reference.current().area(area_slug)
    offering = next(
        (
            o
            for o in (area.offerings if area is not None else ())
            if o.service.active and o.service.slug == service_slug
        ),
        None,
    )
    if offering is None:
        abort(404)
    return offering


def therapist_or_404(slug: str) -> Therapist:
    therapist = reference.current().therapist(slug)
    if therapist is None:
        abort(404)
    return therapist


@dataclass(frozen=True)
class NearestStudio:
    location: Location
    miles: float | None  # None when coordinates are missing


def nearest_studio(area: ServiceArea, locations: list[Location]) -> NearestStudio | None:
    """The studio closest to an area: by distance when both have coordinates, else one
    in the same area, else one in the same region, else the first."""
    if not locations:
        return None
    if area.latitude is not None and area.longitude is not None:
        measured = [
            (_miles(area.latitude, area.longitude, loc.latitude, loc.longitude), loc)
            for loc in locations
            if loc.latitude is not None and loc.longitude is not None
        ]
        if measured:
            miles, loc = min(measured, key=lambda pair: pair[0])
            return NearestStudio(loc, round(miles, 1))
    for loc in locations:
        if loc.area_id == area.id:
            return NearestStudio(loc, None)
    for loc in locations:
        if loc.area is not None and loc.area.region_id == area.region_id:
            return NearestStudio(loc, None)
    return NearestStudio(locations[0], None)


def studio_offers(location: Location, service: Service, performers: list[Therapist]) -> bool:
    """Whether the booking steps offer `service` at the studio: visits there, and one of
    its `performers` has weekly hours there (booking/selection.py's `locations_for`)."""
    return service.at_studio and any(
        h.location_id == location.id for t in performers for h in t.hours
    )


def _miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine) in miles."""
    r = 3958.8
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(h))
