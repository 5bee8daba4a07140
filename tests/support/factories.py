"""Build rows for tests. Each function needs an app context and leaves committing to the
caller; unique slugs come from a counter."""

from __future__ import annotations

import itertools
from datetime import time

from clinicsite.extensions import db
from clinicsite.models import (
    AreaService,
    ClinicSettings,
    Location,
    Region,
    Service,
    ServiceArea,
    ServiceOption,
    StaffUser,
    Therapist,
    WorkingHours,
)

_seq = itertools.count(1)

# Every Markdown column that public pages show, each stored rendered in `<column>_html`.
MARKDOWN_COLUMNS = (
    (Service, "description"),
    (ServiceArea, "intro"),
    (AreaService, "body"),
    (Therapist, "bio"),
    (ClinicSettings, "about"),
)


def make_clinic(**fields) -> ClinicSettings:
    clinic = db.session.get(ClinicSettings, 1)
    if clinic is None:
        values = dict(
            id=1,
            name="Test Clinic",
            tagline="Hands-on care",
            phone="310-555-0100",
            email="clinic@example.com",
            street="1 Test Street",
            city="Torrance",
            state="CA",
            postal_code="90501",
            timezone="America/Los_Angeles",
            currency="USD",
        )
        values.update(fields)
        clinic = ClinicSettings(**values)
        db.session.add(clinic)
    return clinic


def make_service(name: str | None = None, options=((60, 12000, 3000),), **fields) -> Service:
    n = next(_seq)
    name = name or f"Service {n}"
    service = Service(
        slug=fields.pop("slug", f"service-{n}"),
        name=name,
        summary=fields.pop("summary", f"Summary of {name}."),
        description=fields.pop("description", f"About **{name}**."),
        position=n,
        **fields,
    )
    service.options = [
        ServiceOption(duration_minutes=d, price=p, deposit=dep) for d, p, dep in options
    ]
    db.session.add(service)
    return service


def make_region(**fields) -> Region:
    n = next(_seq)
    region = Region(
        slug=fields.pop("slug", f"region-{n}"), name=fields.pop("name", f"Region {n}"), **fields
    )
    db.session.add(region)
    return region


def make_area(region: Region | None = None, services=(), **fields) -> ServiceArea:
    n = next(_seq)
    area = ServiceArea(
        slug=fields.pop("slug", f"area-{n}"),
        name=fields.pop("name", f"Area {n}"),
        region=region or make_region(),
        intro=fields.pop("intro", "An area we serve."),
        postal_codes=fields.pop("postal_codes", "90000"),
        position=n,
        **fields,
    )
    area.offerings = [AreaService(service=s, body=f"{s.name} near {area.name}.") for s in services]
    db.session.add(area)
    return area


def make_location(area: ServiceArea | None = None, **fields) -> Location:
    n = next(_seq)
    location = Location(
        slug=fields.pop("slug", f"studio-{n}"),
        name=fields.pop("name", f"Studio {n}"),
        area=area,
        street=fields.pop("street", f"{n} Main Street"),
        city=fields.pop("city", "Torrance"),
        state="CA",
        postal_code="90501",
        **fields,
    )
    db.session.add(location)
    return location


def make_therapist(services=(), hours=(), **fields) -> Therapist:
    """`hours` are (location, weekday, "09:00", "17:00") tuples."""
    n = next(_seq)
    therapist = Therapist(
        slug=fields.pop("slug", f"therapist-{n}"),
        name=fields.pop("name", f"Therapist {n}"),
        title=fields.pop("title", "Licensed Massage Therapist"),
        position=n,
        **fields,
    )
    therapist.services = list(services)
    therapist.hours = [
        WorkingHours(
            location=loc, weekday=wd, starts_at=time.fromisoformat(a), ends_at=time.fromisoformat(b)
        )
        for loc, wd, a, b in hours
    ]
    db.session.add(therapist)
    return therapist


def make_staff(role: str = "admin", password: str = "correct horse battery", **fields) -> StaffUser:
    n = next(_seq)
    user = StaffUser(
        email=fields.pop("email", f"staff{n}@example.com"),
        name=fields.pop("name", f"Staff {n}"),
        role=role,
        **fields,
    )
    user.set_password(password)
    db.session.add(user)
    return user
