"""Structured data (schema.org JSON-LD) shared by the public pages and the blog."""

from __future__ import annotations

from typing import Any

from clinicsite.models import ClinicSettings, Service, ServiceArea
from clinicsite.money import to_decimal_string
from clinicsite.templating import absolute_url
from clinicsite.text import plain_text, truncate

CONTEXT = "https://schema.org"


def business_id() -> str:
    return absolute_url("public.index") + "#business"


def city(area: ServiceArea) -> dict[str, Any]:
    return {"@type": "City", "name": area.name}


def local_business(clinic: ClinicSettings, areas: list[ServiceArea]) -> dict[str, Any]:
    """The clinic as a local business, with the cities it serves."""
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "HealthAndBeautyBusiness",
        "@id": business_id(),
        "name": clinic.name,
        "url": absolute_url("public.index"),
        "areaServed": [city(a) for a in areas],
    }
    if clinic.tagline:
        data["description"] = clinic.tagline
    if clinic.phone:
        data["telephone"] = clinic.phone
    if clinic.email:
        data["email"] = clinic.email
    if clinic.street:
        data["address"] = {
            "@type": "PostalAddress",
            "streetAddress": clinic.street,
            "addressLocality": clinic.city,
            "addressRegion": clinic.state,
            "postalCode": clinic.postal_code,
            "addressCountry": clinic.country,
        }
    return data


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


def breadcrumbs(trail: list[tuple[str, str]]) -> dict[str, Any]:
    """BreadcrumbList from (name, absolute url) pairs, home first."""
    return {
        "@context": CONTEXT,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": i, "name": name, "item": url}
            for i, (name, url) in enumerate(trail, start=1)
        ],
    }
