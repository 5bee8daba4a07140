"""Load the fictional demo clinic from its data files (`content.py`). Creates what is missing,
changes nothing that exists, so running it twice (or after staff edited the content) is
harmless."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from clinicsite import clock
from clinicsite.demo.addons import load_add_ons
from clinicsite.demo.blog import load_blog_demo
from clinicsite.demo.clients import load_demo_clients
from clinicsite.demo.closures import load_closures
from clinicsite.demo.content import DemoContent, load_content
from clinicsite.demo.coupons import load_coupons
from clinicsite.demo.intake import load_intake
from clinicsite.demo.memberships import load_memberships
from clinicsite.demo.newsletter import load_newsletter_demo
from clinicsite.demo.packages import load_packages
from clinicsite.demo.reminders import load_reminders
from clinicsite.demo.rooms import load_rooms
from clinicsite.demo.series import load_series_demo
from clinicsite.demo.waitlist import load_waitlist_demo
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
from clinicsite.money import minor_unit_exponent
from clinicsite.scheduling.travel import area_place, studio_place

DEMO_STAFF_PASSWORD = "clinic-demo-2026"
DEMO_ADMIN_EMAIL = "owner@example.com"


def _by_slug(model, slug: str):
    return db.session.scalar(sa.select(model).where(model.slug == slug))


def _get_or_create(model, slug: str, **fields: Any):
    """Return (row, created)."""
    row = _by_slug(model, slug)
    if row is not None:
        return row, False
    row = model(slug=slug, **fields)
    db.session.add(row)
    return row, True


Count = Callable[[str, bool], None]
SETTINGS_FIELDS = (
    "name",
    "tagline",
    "about",
    "phone",
    "email",
    "street",
    "city",
    "state",
    "postal_code",
    "country",
    "timezone",
    "currency",
)


def load_demo(content: DemoContent | None = None) -> dict[str, int]:
    """Create the demo clinic; return how many rows of each kind were created."""
    standing = content is None
    content = content or load_content()
    created: dict[str, int] = {}
    # One hash shared by the demo accounts: hashing is slow on purpose.
    password_hash = generate_password_hash(DEMO_STAFF_PASSWORD)

    def count(kind: str, was_created: bool) -> None:
        created[kind] = created.get(kind, 0) + int(was_created)

    _settings(content.clinic, count)
    services = _services(content, count)
    load_add_ons(content.services, services, count)
    load_packages(content.packages, services, content.clinic["currency"], count)
    load_memberships(content.memberships, services, content.clinic["currency"], count)
    areas = _areas(content, services, count)
    locations = _locations(content, areas, count)
    load_rooms(content.locations, locations, count)
    _therapists(content, services, locations, password_hash, count)
    _ensure_staff(DEMO_ADMIN_EMAIL, "Clinic Owner", "admin", None, password_hash, count)
    _ensure_staff("editor@example.com", "Blog Editor", "editor", None, password_hash, count)
    load_blog_demo(content, clock.now(), count)
    load_demo_clients(content.clients, clock.now(), count)
    if standing:  # the demo's own clients; a clinic loaded from other content has none
        load_series_demo(clock.now(), count)
    load_waitlist_demo(content.waitlist, clock.now(), count)
    load_coupons(content.coupons, count)
    tz = ZoneInfo(content.clinic["timezone"])
    load_newsletter_demo(content.newsletter, tz, clock.now(), count)
    load_reminders(content.clinic, count)
    load_closures(content.clinic, clock.now(), count)
    load_intake(content.intake, services, count)
    db.session.commit()
    return created


def _settings(clinic: dict[str, Any], count: Count) -> None:
    exists = db.session.get(ClinicSettings, 1) is not None
    if not exists:
        settings = ClinicSettings(id=1, **{k: clinic[k] for k in SETTINGS_FIELDS})
        _gift_cards(settings, clinic.get("gift_cards", {}))
        db.session.add(settings)
    count("settings", not exists)


def _gift_cards(settings: ClinicSettings, gift_cards: dict[str, Any]) -> None:
    """The clinic's optional [gift_cards] table: set amounts and a custom range in whole
    units, and how many months a card lasts (0: never)."""
    if not gift_cards:
        return
    unit = 10 ** minor_unit_exponent(settings.currency or "USD")
    settings.gift_card_amounts = ", ".join(str(int(a)) for a in gift_cards.get("amounts", []))
    settings.gift_card_min = int(gift_cards.get("min", 0)) * unit
    settings.gift_card_max = int(gift_cards.get("max", 0)) * unit
    settings.gift_card_expiry_months = int(gift_cards.get("expiry_months", 0))


def _services(content: DemoContent, count: Count) -> dict[str, Service]:
    services = {}
    for position, s in enumerate(content.services):
        service, new = _get_or_create(
            Service,
            s["slug"],
            name=s["name"],
            summary=s["summary"],
            description=s["description"],
            buffer_minutes=s["buffer_minutes"],
            room_kind=s.get("room_kind", ""),
            equipment_needed=s.get("equipment_needed", ""),
            position=position,
            featured=position < 4,
        )
        if new or service.visit_modes == "studio":  # a demo loaded before home visits too
            service.visit_modes = s.get("visit_modes", "studio")
        if new:
            service.options = [
                ServiceOption(
                    duration_minutes=o["minutes"],
                    price=o["price"],
                    deposit=o["deposit"],
                    position=i,
                )
                for i, o in enumerate(s["options"])
            ]
        services[s["slug"]] = service
        count("services", new)
    db.session.flush()
    return services


def _areas(content: DemoContent, services: dict[str, Service], count: Count):
    areas = {}
    for r_pos, r in enumerate(content.regions):
        region, new = _get_or_create(
            Region, r["slug"], name=r["name"], description=r["description"], position=r_pos
        )
        count("regions", new)
        for a_pos, a in enumerate(r["areas"]):
            area, new = _get_or_create(
                ServiceArea,
                a["slug"],
                name=a["name"],
                region=region,
                intro=a["intro"],
                postal_codes=", ".join(a["postal_codes"]),
                latitude=a["latitude"],
                longitude=a["longitude"],
                position=a_pos,
            )
            if new or not area.home_visits:  # a demo loaded before home visits too
                area.home_visits = a.get("home_visits", False)
                area.outcall_surcharge = a.get("outcall_surcharge", 0)
            if new:
                area.offerings = [
                    AreaService(
                        service=services[slug],
                        body=content.area_service_text.get((a["slug"], slug), ""),
                    )
                    for slug in a["services"]
                ]
            areas[a["slug"]] = area
            count("areas", new)
    db.session.flush()
    return areas


def _locations(content: DemoContent, areas: dict[str, ServiceArea], count: Count):
    locations = {}
    for position, loc in enumerate(content.locations):
        location, new = _get_or_create(
            Location,
            loc["slug"],
            area=areas[loc["area"]] if "area" in loc else None,
            position=position,
            kind=loc.get("kind", "studio"),
            **{k: loc.get(k, LOCATION_FIELDS[k]) for k in LOCATION_FIELDS},
        )
        locations[loc["slug"]] = location
        count("locations", new)
    db.session.flush()
    return locations


# The fields of a location with their value when the content leaves one out (a location of
# home-visit hours has no address).
LOCATION_FIELDS = {
    "name": "",
    "street": "",
    "city": "",
    "state": "",
    "postal_code": "",
    "phone": "",
    "latitude": None,
    "longitude": None,
    "directions": "",
}


def _therapists(content, services, locations, password_hash: str, count: Count) -> None:
    for position, t in enumerate(content.therapists):
        therapist, new = _get_or_create(
            Therapist,
            t["slug"],
            name=t["name"],
            title=t["title"],
            bio=t["bio"],
            photo=t["photo"],
            position=position,
        )
        # Set on a demo loaded before tags existed too (an empty tag list is the default).
        therapist.qualifications = therapist.qualifications or t.get("qualifications", "")
        therapist.home_base = therapist.home_base or _place(t.get("home_base", ""), locations)
        if new:
            therapist.services = [services[slug] for slug in t["services"]]
            therapist.hours = [
                WorkingHours(
                    location=locations[h["location"]],
                    weekday=h["weekday"],
                    starts_at=time.fromisoformat(h["start"]),
                    ends_at=time.fromisoformat(h["end"]),
                )
                for h in t["hours"]
            ]
        count("therapists", new)
        first_name = t["name"].split()[0].lower()
        _ensure_staff(
            f"{first_name}@example.com", t["name"], "therapist", therapist, password_hash, count
        )


def _place(spec: str, locations: dict[str, Location]) -> str:
    """A travel place from the content's "area:<slug>" or "studio:<slug>"."""
    if not spec:
        return ""
    kind, _, slug = spec.partition(":")
    if kind == "studio":
        return studio_place(locations[slug].id)
    return area_place(db.session.scalar(sa.select(ServiceArea.id).filter_by(slug=slug)))


def _ensure_staff(email, name, role, therapist, password_hash, count) -> None:
    exists = db.session.scalar(sa.select(StaffUser.id).where(StaffUser.email == email))
    if exists is None:
        db.session.add(
            StaffUser(
                email=email,
                name=name,
                role=role,
                therapist=therapist,
                password_hash=password_hash,
                session_version=1,
            )
        )
    count("staff", exists is None)
