"""Where a home visit can go: the areas that take home visits of a service, the area a
postal code belongs to, and, for a code in none of them, the nearest areas that do.

A code is placed on the map with the `zipcodes` package (the US Postal Service's codes with
their coordinates, shipped with it: no network); a code it does not know, or a clinic
outside the US, gets every visited area listed instead of the nearest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa
import zipcodes

from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.models import AreaService, Region, Service, ServiceArea
from clinicsite.scheduling.travel import Place, kilometres

if TYPE_CHECKING:
    from clinicsite.booking.forms import DetailsForm
    from clinicsite.booking.selection import Selection

NEAREST = 3
_POSTAL = re.compile(r"[A-Za-z0-9][A-Za-z0-9 -]{1,10}")


@dataclass(frozen=True)
class Nearby:
    area: ServiceArea
    km: float | None  # None: the code could not be placed


def clean_postal(raw: str) -> str:
    """The code as typed, trimmed and upper-cased; "" for anything that is not one (the
    client is then asked again, never shown an error page)."""
    code = " ".join(raw.split()).upper()
    if not _POSTAL.fullmatch(code):
        return ""
    return code[:5] if re.fullmatch(r"\d{5}-\d{4}", code) else code  # ZIP+4: the ZIP


def visited_areas(service: Service) -> list[ServiceArea]:
    """Active areas where therapists come to clients for `service`, in page order."""
    if not service.at_home:
        return []
    query = (
        sa.select(ServiceArea)
        .join(AreaService, AreaService.area_id == ServiceArea.id)
        .join(Region, Region.id == ServiceArea.region_id)
        .where(
            ServiceArea.active,
            ServiceArea.home_visits,
            AreaService.service_id == service.id,
        )
        .order_by(Region.position, Region.name, ServiceArea.position, ServiceArea.name)
    )
    return list(db.session.scalars(query))


def area_by_slug(slug: str, service: Service) -> ServiceArea | None:
    return next((a for a in visited_areas(service) if a.slug == slug), None)


def area_of_postal(code: str, areas: list[ServiceArea]) -> ServiceArea | None:
    return next((a for a in areas if code in a.postal_code_list), None)


def area_for_postal(code: str, service: Service) -> ServiceArea | None:
    """The visited area whose postal codes include `code`."""
    return area_of_postal(code, visited_areas(service)) if code else None


def locate(code: str) -> Place | None:
    """The code's coordinates, when it is a US ZIP the package knows and the clinic is in
    the US."""
    if get_clinic().country != "US" or not re.fullmatch(r"\d{5}", code):
        return None
    try:
        found = zipcodes.matching(code)
    except (TypeError, ValueError):
        return None
    if not found:
        return None
    return Place(code, found[0]["city"], float(found[0]["lat"]), float(found[0]["long"]))


def nearest(code: str, service: Service, count: int = NEAREST) -> list[Nearby]:
    """The visited areas nearest to `code` (every one, unmeasured, when it cannot be
    placed)."""
    areas = visited_areas(service)
    here = locate(code)
    if here is None:
        return [Nearby(a, None) for a in areas]
    measured = [
        Nearby(a, kilometres(here, Place(a.slug, a.name, a.latitude, a.longitude))) for a in areas
    ]
    measured.sort(key=lambda n: (n.km is None, n.km or 0.0))
    return measured[:count]


def names(areas: list[Nearby]) -> str:
    """ "A, B and C", each with its distance when known."""
    parts = [
        f"{n.area.name} ({n.km * 0.621371:.0f} miles)"
        if n.km is not None and get_clinic().country == "US"
        else f"{n.area.name} ({n.km:.0f} km)"
        if n.km is not None
        else n.area.name
        for n in areas
    ]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def outside_message(code: str, near: list[Nearby]) -> str:
    """Why an address with this code cannot be visited, and where we do go."""
    if not near:
        return "We do not make home visits for this service. Please choose a studio."
    if near[0].km is None:
        return (
            f"We do not come to postal code {code}. We make home visits in {names(near)}. "
            "Please check the code, or choose a studio."
        )
    return (
        f"We do not come to postal code {code}. The nearest areas we visit are "
        f"{names(near)}. Please check the code, or choose a studio."
    )


def areas_for(sel: Selection) -> list[ServiceArea]:
    """The areas the place step offers for a visit at home: none when nobody who performs
    the service (or the therapist asked for) has home-visit hours."""
    from clinicsite.booking.selection import locations_for, works_at

    hours = locations_for(sel.service, "mobile")
    if sel.prefer is not None:
        hours = [loc for loc in hours if works_at(sel.prefer, loc)]
    return visited_areas(sel.service) if hours else []


def check_address(form: DetailsForm, sel: Selection) -> bool:
    """For a visit at home: the street and a postal code of the chosen area, each refusal
    an error on its field naming what would work. True when there is nothing to check."""
    if not sel.at_home or sel.area is None:
        return True
    ok = True
    if not form.visit_address.data:
        _refuse(form.visit_address, "Please give the street address we should come to.")
        ok = False
    code = clean_postal(form.visit_postal_code.data or "")
    if not code:
        _refuse(form.visit_postal_code, "Please give the postal code of the address.")
        return False
    form.visit_postal_code.data = code
    codes = sel.area.postal_code_list
    if codes and code not in codes:
        elsewhere = area_for_postal(code, sel.service)
        if elsewhere is not None:
            _refuse(
                form.visit_postal_code,
                f"{code} is in {elsewhere.name}, not {sel.area.name}, so the times shown "
                f"would not leave the therapist the right travel time. Please change the "
                f"area to {elsewhere.name} (the link beside it in the summary).",
            )
        else:
            form.visit_postal_code.errors.append(outside_message(code, nearest(code, sel.service)))
        return False
    return ok


def _refuse(field, message: str) -> None:
    field.errors = [*field.errors, message]  # a tuple until the form was validated


def hold_args(form: DetailsForm, sel: Selection) -> dict:
    """The HoldRequest fields of a visit at home (none at a studio)."""
    if not sel.at_home:
        return {}
    return {
        "visit_area": sel.area,
        "visit_address": form.visit_address.data,
        "visit_postal_code": form.visit_postal_code.data,
    }
