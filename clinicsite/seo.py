"""Structured data (schema.org JSON-LD) shared by the public pages and the blog."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from clinicsite import reference
from clinicsite.extensions import db
from clinicsite.models import (
    ClinicSettings,
    Location,
    Service,
    ServiceArea,
    Therapist,
    WorkingHours,
)
from clinicsite.money import format_money, to_decimal_string
from clinicsite.templating import absolute_url
from clinicsite.text import plain_text, truncate

CONTEXT = "https://schema.org"
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def business_id() -> str:
    return absolute_url("public.index") + "#business"


def city(area: ServiceArea) -> dict[str, Any]:
    return {"@type": "City", "name": area.name}


def business(clinic: ClinicSettings) -> dict[str, Any]:
    """The clinic as one local business, the same on every page that describes it (the
    same `@id`, one `areaServed` with every area): each studio a department with its own
    address, position and opening hours (the span its therapists work there each day)."""
    ref = reference.current()
    areas = [a for r in ref.regions for a in r.areas if a.active]
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "HealthAndBeautyBusiness",
        "@id": business_id(),
        "name": clinic.name,
        "url": absolute_url("public.index"),
        "image": share_image(),
        "logo": absolute_url("static", filename="favicon.svg"),
        "areaServed": [city(a) for a in areas],
    }
    if clinic.tagline:
        data["description"] = clinic.tagline
    if clinic.phone:
        data["telephone"] = clinic.phone
    if clinic.email:
        data["email"] = clinic.email
    if clinic.street:
        data["address"] = address(
            clinic.street, clinic.city, clinic.state, clinic.postal_code, clinic.country
        )
    prices = [o.price for s in ref.services for o in s.active_options if o.price]
    if prices:
        low, high = min(prices), max(prices)
        data["priceRange"] = "–".join(
            dict.fromkeys(format_money(p, clinic.currency) for p in (low, high))
        )
    hours = opening_hours()
    studios = [studio(loc, clinic, hours.get(loc.id, [])) for loc in ref.locations]
    if studios:
        data["department"] = studios
        first = ref.locations[0]
        if first.latitude is not None and first.longitude is not None:
            data["geo"] = geo(first)
    return data


def share_image() -> str:
    """The default picture of link previews and search results (1200 × 630)."""
    return absolute_url("static", filename="img/share.png")


def address(street: str, locality: str, region: str, postal_code: str, country: str) -> dict:
    return {
        "@type": "PostalAddress",
        "streetAddress": street,
        "addressLocality": locality,
        "addressRegion": region,
        "postalCode": postal_code,
        "addressCountry": country,
    }


def geo(location: Location) -> dict[str, Any]:
    return {
        "@type": "GeoCoordinates",
        "latitude": location.latitude,
        "longitude": location.longitude,
    }


def studio(location: Location, clinic: ClinicSettings, hours: list[dict]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@type": "HealthAndBeautyBusiness",
        "@id": absolute_url("public.index") + f"#studio-{location.slug}",
        "name": location.name,
        "address": address(
            location.street, location.city, location.state, location.postal_code, clinic.country
        ),
        "telephone": location.phone or clinic.phone or None,
        "parentOrganization": {"@id": business_id()},
    }
    if location.latitude is not None and location.longitude is not None:
        data["geo"] = geo(location)
    if hours:
        data["openingHoursSpecification"] = hours
    return {k: v for k, v in data.items() if v is not None}


def opening_hours() -> dict[int, list[dict[str, str]]]:
    """Each studio's hours by weekday: from the first of its active therapists' starts to
    the last of their ends (one query)."""
    rows = db.session.execute(
        sa.select(
            WorkingHours.location_id,
            WorkingHours.weekday,
            sa.func.min(WorkingHours.starts_at),
            sa.func.max(WorkingHours.ends_at),
        )
        .join(Therapist, Therapist.id == WorkingHours.therapist_id)
        .where(Therapist.active)
        .group_by(WorkingHours.location_id, WorkingHours.weekday)
        .order_by(WorkingHours.location_id, WorkingHours.weekday)
    ).all()
    hours: dict[int, list[dict[str, str]]] = {}
    for location_id, weekday, opens, closes in rows:
        hours.setdefault(location_id, []).append(
            {
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": f"https://schema.org/{DAYS[weekday]}",
                "opens": f"{opens:%H:%M}",
                "closes": "23:59" if closes <= opens else f"{closes:%H:%M}",
            }
        )
    return hours


def service(
    clinic: ClinicSettings,
    svc: Service,
    areas: list[ServiceArea],
    url: str,
    name: str | None = None,
    description: str | None = None,
) -> dict[str, Any]:
    """A Service with its offers; on an area page `areas` is just that area."""
    return {
        "@context": CONTEXT,
        "@type": "Service",
        "name": name or svc.name,
        "serviceType": svc.name,
        "description": description or svc.summary or truncate(plain_text(svc.description)),
        "url": url,
        "provider": {"@type": "HealthAndBeautyBusiness", "@id": business_id(), "name": clinic.name},
        "areaServed": [city(a) for a in areas],
        "offers": [
            {
                "@type": "Offer",
                "name": f"{option.duration_minutes} minutes",
                "price": to_decimal_string(option.price, clinic.currency),
                "priceCurrency": clinic.currency,
            }
            for option in svc.active_options
        ],
    }
