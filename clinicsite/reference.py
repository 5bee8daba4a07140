"""The reference data every public page shows (regions and their areas, the active services,
therapists and studios), and what the availability API reads besides the bookings (each
service's add-ons, the rooms of every studio, the travel times between places), kept per
process and read again only after an edit.

A snapshot is kept with the database's `site` content counter (pagecache/versions.py), which
every edit of these rows bumps in its own transaction, on whatever worker or host. Each
request reads the counter once (one small query, instead of the eight the lists cost) and
uses the snapshot while the counter is the same. The counter is read before the rows: an
edit racing a load leaves a snapshot newer than its counter (loaded again next time), never
older.

The snapshot's objects belong to no session: every attribute a public page reads is loaded
with them, and they are shared by the threads of the process. So they are for reading and
rendering only. Code that writes (a booking, an inquiry naming a service) loads its own rows
through `db.session` (catalogue.py, booking/), never these.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app, g
from sqlalchemy.orm import Session, selectinload

from clinicsite.extensions import db
from clinicsite.models import (
    AreaService,
    Location,
    Region,
    Room,
    Service,
    ServiceArea,
    ServiceOption,
    Therapist,
    TravelTime,
    WorkingHours,
)
from clinicsite.pagecache import versions
from clinicsite.scheduling import travel

EXTENSION = "clinicsite.reference"


@dataclass(frozen=True)
class Reference:
    version: int  # the `site` counter read before the rows were
    regions: tuple[Region, ...]  # every region, its areas (active or not) loaded
    services: tuple[Service, ...]  # active, with their options (each knowing its service), add-ons
    therapists: tuple[Therapist, ...]  # active, with their services, hours and their studios
    locations: tuple[Location, ...]  # active studios, with their area and its region
    travel: travel.TravelTimes  # between every area and studio (scheduling/travel.py)
    mobile: tuple[Location, ...]  # active locations of home-visit hours (never shown)
    mobile_ids: frozenset[int]  # every location of home-visit hours, active or not
    rooms: tuple[Room, ...]  # every room, active or not, in position order

    def area(self, slug: str) -> ServiceArea | None:
        """The active area, with its region, services (and their options) and offerings."""
        return next((a for r in self.regions for a in r.areas if a.active and a.slug == slug), None)

    def service(self, slug: str) -> Service | None:
        return next((s for s in self.services if s.slug == slug), None)

    def therapist(self, slug: str) -> Therapist | None:
        return next((t for t in self.therapists if t.slug == slug), None)

    def performing(self, service_id: int) -> list[Therapist]:
        """The active therapists who perform the service, in page order."""
        return [t for t in self.therapists if any(s.id == service_id for s in t.services)]


class ReferenceCache:
    """One snapshot per app and process; a lock so that threads seeing a new counter at
    once load it once."""

    def __init__(self) -> None:
        self._snapshot: Reference | None = None
        self._lock = threading.Lock()

    def get(self, version: int) -> Reference:
        snapshot = self._snapshot
        if snapshot is not None and snapshot.version == version:
            return snapshot
        with self._lock:
            snapshot = self._snapshot
            if snapshot is None or snapshot.version != version:
                snapshot = self._snapshot = load(version)
            return snapshot

    def clear(self) -> None:
        self._snapshot = None


def load(version: int) -> Reference:
    """Read the reference rows in a session of their own, closed before they are shared
    (closing detaches them with what was loaded; a rollback would expire it all)."""
    with Session(db.engine, expire_on_commit=False) as session:
        regions = session.scalars(
            sa.select(Region)
            .order_by(Region.position, Region.name)
            .options(
                selectinload(Region.areas).options(
                    selectinload(ServiceArea.region),
                    selectinload(ServiceArea.services).selectinload(Service.options),
                    selectinload(ServiceArea.offerings).options(
                        selectinload(AreaService.area), selectinload(AreaService.service)
                    ),
                )
            )
        ).all()
        services = session.scalars(
            sa.select(Service)
            .where(Service.active)
            .order_by(Service.position, Service.name)
            .options(
                selectinload(Service.options).selectinload(ServiceOption.service),
                selectinload(Service.add_ons),
            )
        ).all()
        therapists = session.scalars(
            sa.select(Therapist)
            .where(Therapist.active)
            .order_by(Therapist.position, Therapist.name)
            .options(
                selectinload(Therapist.services).selectinload(Service.options),
                selectinload(Therapist.hours).selectinload(WorkingHours.location),
            )
        ).all()
        everywhere = session.scalars(
            sa.select(Location)
            .where(Location.active)
            .order_by(Location.position, Location.name)
            .options(selectinload(Location.area).selectinload(ServiceArea.region))
        ).all()
        mobile_ids = frozenset(
            session.scalars(sa.select(Location.id).where(Location.kind == "mobile"))
        )
        rooms = session.scalars(sa.select(Room).order_by(Room.position, Room.id)).all()
        rows = session.scalars(sa.select(TravelTime)).all()
        set_minutes = {(row.place_a, row.place_b): row.minutes for row in rows}
    areas = [area for region in regions for area in region.areas]
    studios = [loc for loc in everywhere if not loc.mobile]
    return Reference(
        version,
        tuple(regions),
        tuple(services),
        tuple(therapists),
        tuple(studios),
        travel.TravelTimes(travel_places(areas, studios), set_minutes),
        tuple(loc for loc in everywhere if loc.mobile),
        mobile_ids,
        tuple(rooms),
    )


def travel_places(areas, studios) -> dict[str, travel.Place]:
    """The areas and studios as travel places, with the coordinates the defaults use (a
    studio without its own takes its area's)."""
    places = {
        travel.area_place(a.id): travel.Place(
            travel.area_place(a.id), a.name, a.latitude, a.longitude
        )
        for a in areas
    }
    for loc in studios:
        lat, lon = loc.latitude, loc.longitude
        if (lat is None or lon is None) and loc.area is not None:
            lat, lon = loc.area.latitude, loc.area.longitude
        key = travel.studio_place(loc.id)
        places[key] = travel.Place(key, loc.name, lat, lon)
    return places


def current() -> Reference:
    """The snapshot for this request (the counter read once per request)."""
    if "reference" not in g:
        cache = current_app.extensions.get(EXTENSION)
        if cache is None:
            cache = current_app.extensions[EXTENSION] = ReferenceCache()
        with db.engine.connect() as connection:
            version = versions.read(connection)[versions.SITE]
        g.reference = cache.get(version)
    return g.reference
