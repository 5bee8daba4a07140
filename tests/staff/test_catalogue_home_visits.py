"""The catalogue's home-visit fields (issue 16): where a service happens, an area's home
visits and surcharge, a location of home-visit hours without an address, and a therapist's
home base. Each round-trips through its form, and anything else gets a message and saves
nothing."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import Location, Service, ServiceArea, Therapist
from tests.staff.test_staff_catalogue import area_fields, events, input_value, post, text
from tests.support.factories import (
    make_area,
    make_clinic,
    make_location,
    make_region,
    make_service,
    make_therapist,
)

SERVICE = {"name": "Lymphatic Drainage", "slug": "lymphatic", "buffer_minutes": "0"}
SERVICE |= {"position": "0", "active": "y"}
LOCATION = {"name": "Mobile team", "slug": "mobile", "area_id": "", "position": "0"}
LOCATION |= {"active": "y"}
THERAPIST = {"name": "Rosa Lind", "slug": "rosa-lind", "position": "0", "active": "y"}


@pytest.fixture
def admin(app, client, login_as):
    with app.app_context():
        make_clinic()
        db.session.commit()
    login_as("admin")
    return client


@pytest.fixture
def places(app) -> dict[str, int]:
    """An active area, an inactive one, a studio and a location of home-visit hours."""
    with app.app_context():
        region = make_region()
        active = make_area(region, name="Redondo Beach", slug="redondo")
        gone = make_area(region, name="Old Town", slug="old-town", active=False)
        studio = make_location(name="Pier Studio", slug="pier")
        mobile = make_location(name="Home visits", slug="home", kind="mobile")
        db.session.commit()
        return {
            "region": region.id,
            "area": active.id,
            "inactive": gone.id,
            "studio": studio.id,
            "mobile": mobile.id,
        }


def one(app, model, slug: str):
    with app.app_context():
        return db.session.scalar(sa.select(model).filter_by(slug=slug))


# ---- Where a service happens -------------------------------------------------------------


@pytest.mark.parametrize("mode", ["studio", "home", "both"])
def test_where_a_service_happens_round_trips(app, admin, mode):
    response = post(admin, "/staff/catalogue/services/new", {**SERVICE, "visit_modes": mode})
    assert response.status_code == 302
    service = one(app, Service, "lymphatic")
    assert service.visit_modes == mode
    page = admin.get(f"/staff/catalogue/services/{service.id}").get_data(as_text=True)
    assert re.search(rf'<input checked[^>]*value="{mode}"', page)
    assert events(app, "service")[0].after["visit_modes"] == mode


@pytest.mark.parametrize("mode", ["garage", "", "STUDIO"])
def test_an_unknown_place_for_a_service_is_refused(app, admin, mode):
    response = post(admin, "/staff/catalogue/services/new", {**SERVICE, "visit_modes": mode})
    assert response.status_code == 422
    assert "Please choose where the visit happens" in text(response)
    assert one(app, Service, "lymphatic") is None


def test_the_service_list_says_where_each_happens(app, admin):
    with app.app_context():
        make_service(name="Outcall Sports", visit_modes="home")
        db.session.commit()
    assert "Client's address" in text(admin.get("/staff/catalogue/services"))


# ---- Areas: home visits and the surcharge ------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "minor"), [("20", 2000), ("$15.50", 1550), ("0", 0), ("", 0), (" 7.5 ", 750)]
)
def test_an_area_takes_home_visits_with_a_surcharge_in_dollars(app, admin, places, typed, minor):
    fields = area_fields(places["region"], home_visits="y", outcall_surcharge=typed)
    assert post(admin, "/staff/catalogue/areas/new", fields).status_code == 302
    area = one(app, ServiceArea, "hermosa-beach")
    assert (area.home_visits, area.outcall_surcharge) == (True, minor)
    page = text(admin.get(f"/staff/catalogue/areas/{area.id}"))
    shown = input_value(page, "outcall_surcharge")
    assert shown == ("0" if not minor else f"{minor // 100}.{minor % 100:02d}")
    assert events(app, "service_area")[0].after["outcall_surcharge"] == minor


def test_an_area_left_unticked_takes_no_home_visits(app, admin, places):
    with app.app_context():
        db.session.get(ServiceArea, places["area"]).home_visits = True
        db.session.commit()
    url = f"/staff/catalogue/areas/{places['area']}"
    fields = area_fields(places["region"], name="Redondo Beach", slug="redondo")
    assert post(admin, url, fields).status_code == 302
    assert one(app, ServiceArea, "redondo").home_visits is False
    assert "Home visits" in text(admin.get("/staff/catalogue/areas"))


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-5", "The amount can't be negative."),
        ("lots", "Please enter an amount like 50 or 50.50."),
        ("1.234", "Please use at most two decimal places."),
        ("999999", "Please enter an amount of at most 100,000."),
    ],
)
def test_a_bad_surcharge_is_refused_and_kept(app, admin, places, typed, message):
    fields = area_fields(places["region"], home_visits="y", outcall_surcharge=typed)
    response = post(admin, "/staff/catalogue/areas/new", fields)
    assert response.status_code == 422
    page = text(response)
    assert message in page and input_value(page, "outcall_surcharge") == typed
    assert one(app, ServiceArea, "hermosa-beach") is None


# ---- Locations: studios and home-visit hours ---------------------------------------------


def test_home_visit_hours_need_no_address(app, admin):
    data = {**LOCATION, "kind": "mobile", "street": "", "city": ""}
    assert post(admin, "/staff/catalogue/locations/new", data).status_code == 302
    location = one(app, Location, "mobile")
    assert (location.kind, location.street, location.city) == ("mobile", "", "")
    assert "Home-visit hours: no address" in text(admin.get("/staff/catalogue/locations"))


def test_a_studio_still_needs_its_street_and_city(app, admin):
    data = {**LOCATION, "kind": "studio", "street": "", "city": ""}
    response = post(admin, "/staff/catalogue/locations/new", data)
    assert response.status_code == 422
    page = text(response)
    assert "Please give the street address: clients come to a studio." in page
    assert "Please give the city: clients come to a studio." in page
    assert one(app, Location, "mobile") is None


@pytest.mark.parametrize("kind", ["garage", "MOBILE", ""])
def test_an_unknown_kind_of_location_is_refused(app, admin, kind):
    data = {**LOCATION, "kind": kind, "street": "1 Pier Ave", "city": "Hermosa Beach"}
    response = post(admin, "/staff/catalogue/locations/new", data)
    assert response.status_code == 422
    assert "Please choose a studio or home-visit hours." in text(response)


def test_a_studio_becomes_home_visit_hours_and_keeps_its_fields(app, admin, places):
    url = f"/staff/catalogue/locations/{places['studio']}"
    data = {**LOCATION, "name": "Pier Studio", "slug": "pier", "kind": "mobile"}
    assert post(admin, url, data).status_code == 302
    assert one(app, Location, "pier").mobile
    assert events(app, "location")[0].before["kind"] == "studio"
    assert events(app, "location")[0].after["kind"] == "mobile"


# ---- Therapists: the home base -----------------------------------------------------------


def test_the_home_base_offers_active_areas_and_studios_only(app, admin, places):
    page = text(admin.get("/staff/catalogue/therapists/new"))
    assert f'value="area:{places["area"]}"' in page and "Redondo Beach (area)" in page
    assert f'value="studio:{places["studio"]}"' in page and "Pier Studio (studio)" in page
    assert f'value="area:{places["inactive"]}"' not in page
    assert f'value="studio:{places["mobile"]}"' not in page  # home-visit hours: no place


@pytest.mark.parametrize("which", ["area", "studio", None])
def test_a_home_base_round_trips(app, admin, places, which):
    base = f"{which}:{places[which]}" if which else ""
    response = post(admin, "/staff/catalogue/therapists/new", {**THERAPIST, "home_base": base})
    assert response.status_code == 302
    therapist = one(app, Therapist, "rosa-lind")
    assert therapist.home_base == base
    page = admin.get(f"/staff/catalogue/therapists/{therapist.id}").get_data(as_text=True)
    assert f'<option selected value="{base}">' in page or f'value="{base}" selected' in page
    assert events(app, "therapist")[0].after["home_base"] == base


@pytest.mark.parametrize(
    "base",
    [
        "area:999999",
        "area:{inactive}",
        "studio:{mobile}",
        "studio:{area}x",
        "area:99999999999999999999999",
        "Redondo Beach",
    ],
)
def test_a_home_base_not_in_the_list_is_refused(app, admin, places, base):
    data = {**THERAPIST, "home_base": base.format_map(places)}
    response = post(admin, "/staff/catalogue/therapists/new", data)
    assert response.status_code == 422
    assert "Please choose a home base from the list, or none." in text(response)
    assert one(app, Therapist, "rosa-lind") is None


def test_a_home_base_no_longer_active_is_kept_when_the_form_is_saved(app, admin, places):
    gone = f"area:{places['inactive']}"
    with app.app_context():
        therapist = make_therapist(name="Rosa Lind", slug="rosa-lind", home_base=gone)
        db.session.commit()
        url = f"/staff/catalogue/therapists/{therapist.id}"
    assert "Old Town (no longer active)" in text(admin.get(url))
    assert post(admin, url, {**THERAPIST, "home_base": gone}).status_code == 302
    assert one(app, Therapist, "rosa-lind").home_base == gone
