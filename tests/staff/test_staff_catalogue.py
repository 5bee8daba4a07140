"""The admin's catalogue and settings pages: services and their options, regions, areas,
studios, therapists and the clinic's settings. Every change is audited; nothing that an
appointment refers to is deleted; bad input gets a message, never a 500."""

from __future__ import annotations

import html as html_lib
import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import (
    Appointment,
    AreaService,
    AuditEvent,
    ClinicSettings,
    Region,
    Service,
    ServiceArea,
    ServiceOption,
    Therapist,
)
from tests.support.app import csrf_token, session_token
from tests.support.factories import (
    make_area,
    make_clinic,
    make_location,
    make_region,
    make_service,
    make_therapist,
)


@pytest.fixture
def admin(app, client, login_as):
    with app.app_context():
        make_clinic()
        db.session.commit()
    login_as("admin")
    return client


def text(response) -> str:
    """The page with entities decoded, as a reader sees its words."""
    return html_lib.unescape(response.get_data(as_text=True))


def post(client, url: str, data: dict | None = None, token_from: str | None = None):
    """POST `data` with the CSRF token of the form on `token_from` (default: `url`)."""
    token = csrf_token(client, token_from or url)
    return client.post(url, data={**(data or {}), "csrf_token": token})


def input_value(page: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page) or re.search(
        rf'<input[^>]*value="([^"]*)"[^>]*name="{name}"', page
    )
    return match.group(1) if match else None


def textarea_value(page: str, name: str) -> str | None:
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', page, re.S)
    return match.group(1).strip() if match else None


def events(app, subject_type: str | None = None) -> list[AuditEvent]:
    with app.app_context():
        query = sa.select(AuditEvent).order_by(AuditEvent.id)
        if subject_type:
            query = query.where(AuditEvent.subject_type == subject_type)
        return list(db.session.scalars(query))


def one_h1(page: str) -> bool:
    return len(re.findall(r"<h1[ >]", page)) == 1


SERVICE_FIELDS = {
    "name": "Cupping Therapy",
    "slug": "cupping-therapy",
    "summary": "Suction cups that lift tissue and ease tight fascia.",
    "description": "## How it works\n\nGlass cups, **gentle** suction.",
    "buffer_minutes": "15",
    "position": "3",
    "active": "y",
}


def test_admin_creates_a_service_with_options_and_the_public_page_shows_it(app, admin):
    response = post(admin, "/staff/catalogue/services/new", SERVICE_FIELDS)
    assert response.status_code == 302
    with app.app_context():
        service = db.session.scalar(sa.select(Service).filter_by(slug="cupping-therapy"))
        service_id = service.id
        assert (service.buffer_minutes, service.featured, service.active) == (15, False, True)

    edit_url = f"/staff/catalogue/services/{service_id}"
    assert response.headers["Location"] == edit_url
    page = text(admin.get(edit_url))
    assert one_h1(page) and "No active length yet" in page

    new_option = f"/staff/catalogue/services/{service_id}/options/new"
    option = {"duration_minutes": "45", "price": "120.50", "deposit": "30", "position": "0"}
    response = post(admin, new_option, {**option, "active": "y"})
    assert response.status_code == 302 and response.headers["Location"] == edit_url
    with app.app_context():
        saved = db.session.scalar(sa.select(ServiceOption).filter_by(service_id=service_id))
        assert (saved.duration_minutes, saved.price, saved.deposit) == (45, 12050, 3000)
        option_id = saved.id

    public = text(admin.get("/services/cupping-therapy"))
    assert "Cupping Therapy" in public and "$120.50" in public and "$30" in public

    # Edit the service and the option: the public page follows.
    changed = {**SERVICE_FIELDS, "name": "Fire Cupping", "summary": "Warm cups, deep release."}
    assert post(admin, edit_url, changed).status_code == 302
    option_edit = f"/staff/catalogue/options/{option_id}"
    assert input_value(text(admin.get(option_edit)), "price") == "120.50"
    response = post(admin, option_edit, {**option, "price": "135", "active": "y"})
    assert response.status_code == 302
    public = text(admin.get("/services/cupping-therapy"))
    assert "Fire Cupping" in public and "Warm cups, deep release." in public
    assert "$135" in public and "$120.50" not in public

    actions = [(e.subject_type, e.action) for e in events(app) if e.subject_type != "staff_user"]
    assert actions == [
        ("service", "created"),
        ("service_option", "created"),
        ("service", "updated"),
        ("service_option", "updated"),
    ]
    option_events = events(app, "service_option")
    assert option_events[1].before["price"] == 12050 and option_events[1].after["price"] == 13500
    assert events(app, "service")[1].before["name"] == "Cupping Therapy"
    assert events(app, "service")[1].after["name"] == "Fire Cupping"
    assert all(e.actor_id is not None for e in events(app))


@pytest.fixture
def service_id(app, admin) -> int:
    with app.app_context():
        service = make_service(name="Deep Tissue", slug="deep-tissue")
        db.session.commit()
        return service.id


@pytest.mark.parametrize(
    "typed, cents",
    [("120", 12000), ("120.50", 12050), ("120.5", 12050), ("$95", 9500), ("0", 0)],
)
def test_prices_are_typed_in_dollars_and_kept_in_cents(app, admin, service_id, typed, cents):
    url = f"/staff/catalogue/services/{service_id}/options/new"
    data = {"duration_minutes": "30", "price": typed, "deposit": "0", "position": "0"}
    assert post(admin, url, data).status_code == 302
    with app.app_context():
        prices = db.session.scalars(
            sa.select(ServiceOption.price).filter_by(service_id=service_id, duration_minutes=30)
        )
        assert list(prices) == [cents]


@pytest.mark.parametrize(
    "typed, message",
    [
        ("abc", "Please enter an amount like 120 or 120.50."),
        ("-5", "The amount can't be negative."),
        ("12.345", "Please use at most two decimal places."),
        ("1e3", "Please enter an amount like 120 or 120.50."),
        ("", "Please enter a price, like 120."),
        ("99999999999999999999", "Please enter an amount of at most 100,000."),
    ],
)
def test_bad_prices_are_refused_with_a_message_and_kept(app, admin, service_id, typed, message):
    url = f"/staff/catalogue/services/{service_id}/options/new"
    data = {"duration_minutes": "50", "price": typed, "deposit": "0", "position": "0"}
    response = post(admin, url, data)
    assert response.status_code == 422
    page = text(response)
    assert message in page
    assert input_value(page, "price") == typed and input_value(page, "duration_minutes") == "50"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ServiceOption.id))) == 1  # the factory's


def test_a_deposit_above_the_price_is_refused(app, admin, service_id):
    url = f"/staff/catalogue/services/{service_id}/options/new"
    data = {"duration_minutes": "60", "price": "100", "deposit": "100.01", "position": "0"}
    response = post(admin, url, data)
    assert response.status_code == 422
    assert "The deposit can't be more than the price." in text(response)
    assert input_value(text(response), "deposit") == "100.01"


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("duration_minutes", "4", "Please enter a number from 5 to 480 minutes."),
        ("duration_minutes", "481", "Please enter a number from 5 to 480 minutes."),
        ("duration_minutes", "sixty", "Please enter a whole number, like 15."),
        ("position", "1" * 30, "Please enter a number from 0 to 10000."),
    ],
)
def test_option_numbers_are_checked(app, admin, service_id, field, value, message):
    url = f"/staff/catalogue/services/{service_id}/options/new"
    data = {"duration_minutes": "60", "price": "100", "deposit": "0", "position": "0"}
    response = post(admin, url, {**data, field: value})
    assert response.status_code == 422
    assert message in text(response) and input_value(text(response), field) == value


def test_a_duplicate_slug_is_refused_and_what_was_typed_is_kept(app, admin, service_id):
    typed = {**SERVICE_FIELDS, "slug": "deep-tissue", "summary": "Typed <summary> & all"}
    response = post(admin, "/staff/catalogue/services/new", typed)
    assert response.status_code == 422
    page = text(response)
    assert "That slug is already used by Deep Tissue." in page
    assert input_value(page, "name") == "Cupping Therapy"
    assert input_value(page, "slug") == "deep-tissue"
    assert textarea_value(page, "summary") == "Typed <summary> & all"
    assert "Typed &lt;summary&gt; &amp; all" in response.get_data(as_text=True)
    assert textarea_value(page, "description") == SERVICE_FIELDS["description"]
    assert input_value(page, "buffer_minutes") == "15"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Service.id))) == 1
    assert events(app, "service") == []


@pytest.mark.parametrize(
    "url, data, message",
    [
        ("/staff/catalogue/regions/new", {"name": "X", "slug": "taken"}, "by Taken Region."),
        (
            "/staff/catalogue/therapists/new",
            {"name": "X", "slug": "taken", "position": "0"},
            "by Taken Therapist.",
        ),
        (
            "/staff/catalogue/locations/new",
            {"name": "X", "slug": "taken", "street": "1 Main", "city": "Torrance", "position": "0"},
            "by Taken Studio.",
        ),
    ],
)
def test_duplicate_slugs_are_refused_for_every_kind(app, admin, url, data, message):
    with app.app_context():
        make_region(slug="taken", name="Taken Region")
        make_therapist(slug="taken", name="Taken Therapist")
        make_location(slug="taken", name="Taken Studio")
        db.session.commit()
    response = post(admin, url, {"position": "0", **data})
    assert response.status_code == 422
    assert f"That slug is already used {message}" in text(response)


def test_a_slug_taken_between_check_and_save_gets_a_message_not_a_500(
    app, admin, service_id, monkeypatch
):
    # Two admins saving the same slug at once both pass the form's check; the unique
    # constraint refuses the second. Skipping the check plays the slower of the two.
    monkeypatch.setattr(
        "clinicsite.staff.catalogue.forms.CatalogueForm.validate_slug", lambda form, field: None
    )
    response = post(
        admin, "/staff/catalogue/services/new", {**SERVICE_FIELDS, "slug": "deep-tissue"}
    )
    assert response.status_code == 422
    assert "That slug was just taken by another record" in text(response)
    assert input_value(text(response), "name") == "Cupping Therapy"
    assert events(app, "service") == []


@pytest.mark.parametrize(
    "slug", ["Deep-Tissue", "deep tissue", "deep--tissue", "-deep", "tissue-", "déjà", "a/b"]
)
def test_slugs_are_lowercase_letters_digits_and_hyphens(app, admin, slug):
    response = post(admin, "/staff/catalogue/services/new", {**SERVICE_FIELDS, "slug": slug})
    assert response.status_code == 422
    assert "Use lowercase letters, digits and single hyphens" in text(response)
    assert input_value(text(response), "slug") == slug


def test_service_numbers_and_lengths_are_checked(app, admin):
    data = {**SERVICE_FIELDS, "buffer_minutes": "121", "summary": "x" * 301}
    response = post(admin, "/staff/catalogue/services/new", data)
    assert response.status_code == 422
    page = text(response)
    assert "Please enter a number from 0 to 120 minutes." in page
    assert "Please keep it to 300 characters." in page


def area_fields(region_id: int, *service_ids: int, **override) -> dict:
    data = {
        "name": "Hermosa Beach",
        "slug": "hermosa-beach",
        "region_id": str(region_id),
        "intro": "Sun and *sand*.",
        "postal_codes": "90254",
        "latitude": "",
        "longitude": "",
        "active": "y",
        "position": "1",
        "service_ids": [str(i) for i in service_ids],
    }
    data.update(override)
    return data


def test_area_offerings_change_the_area_pages_and_keep_page_texts(app, admin):
    with app.app_context():
        make_clinic()
        region = make_region(name="South Bay")
        massage = make_service(name="Sports Massage", slug="sports-massage")
        cupping = make_service(name="Cupping", slug="cupping")
        area = make_area(region=region, services=[massage], slug="hermosa-beach")
        db.session.commit()
        ids = region.id, massage.id, cupping.id, area.id
        kept_body = area.offerings[0].body
    region_id, massage_id, cupping_id, area_id = ids
    url = f"/staff/catalogue/areas/{area_id}"
    page = text(admin.get(url))
    assert re.search(rf'<input[^>]*checked[^>]*value="{massage_id}"', page)

    response = post(admin, url, area_fields(region_id, massage_id, cupping_id))
    assert response.status_code == 302
    landing = text(admin.get("/areas/hermosa-beach"))
    assert "Sports Massage" in landing and "Cupping" in landing
    assert kept_body in text(admin.get("/areas/hermosa-beach/sports-massage"))
    assert admin.get("/areas/hermosa-beach/cupping").status_code == 200

    # The per-pair page text is edited on a page of its own.
    pair_url = f"/staff/catalogue/areas/{area_id}/services/{cupping_id}"
    response = post(admin, pair_url, {"body": "Cupping by the *pier*."})
    assert response.status_code == 302
    assert "Cupping by the <em>pier</em>." in text(admin.get("/areas/hermosa-beach/cupping"))

    # Dropping the massage removes it from the area; the cupping page keeps its text.
    assert post(admin, url, area_fields(region_id, cupping_id)).status_code == 302
    assert "Sports Massage" not in text(admin.get("/areas/hermosa-beach"))
    assert admin.get("/areas/hermosa-beach/sports-massage").status_code == 404
    assert "Cupping by the <em>pier</em>." in text(admin.get("/areas/hermosa-beach/cupping"))

    audit = events(app, "service_area")
    assert [e.action for e in audit] == ["updated", "offering_updated", "updated"]
    assert audit[0].before["service_ids"] == [massage_id]
    assert audit[0].after["service_ids"] == sorted([massage_id, cupping_id])
    assert audit[1].after == {"service_id": cupping_id, "body": "Cupping by the *pier*."}
    assert audit[2].after["service_ids"] == [cupping_id]


@pytest.mark.parametrize(
    "override, message",
    [
        ({"postal_codes": "90254, 9025, abcde"}, "These are not 5-digit ZIP codes: 9025, abcde."),
        ({"latitude": "91", "longitude": "0"}, "Please enter a number from -90 to 90."),
        ({"latitude": "0", "longitude": "-181"}, "Please enter a number from -180 to 180."),
        ({"latitude": "nan", "longitude": "1"}, "Please enter a number from -90 to 90."),
        ({"latitude": "north", "longitude": "1"}, "Please enter a number, like 33.8847"),
        ({"latitude": "33.86", "longitude": ""}, "Please give both latitude and longitude"),
        ({"region_id": ""}, "Please choose a region."),
        ({"region_id": "abc"}, "Please choose a region from the list."),
        ({"region_id": "99999"}, "Please choose a region from the list."),
        ({"service_ids": ["x"]}, "Please choose services from the list."),
        ({"service_ids": ["99999"]}, "Please choose services from the list."),
        ({"position": "9" * 40}, "Please enter a number from 0 to 10000."),
    ],
)
def test_bad_area_values_get_messages(app, admin, override, message):
    with app.app_context():
        region = make_region()
        db.session.commit()
        region_id = region.id
    data = {**area_fields(region_id), **override}
    response = post(admin, "/staff/catalogue/areas/new", data)
    assert response.status_code == 422
    assert message in text(response)
    assert input_value(text(response), "name") == "Hermosa Beach"


def test_area_zip_codes_are_tidied_and_coordinates_saved(app, admin):
    with app.app_context():
        region = make_region()
        db.session.commit()
        region_id = region.id
    data = area_fields(
        region_id, postal_codes=" 90254,90254 ,90266 ", latitude="33.86", longitude="-118.4"
    )
    assert post(admin, "/staff/catalogue/areas/new", data).status_code == 302
    with app.app_context():
        area = db.session.scalar(sa.select(ServiceArea).filter_by(slug="hermosa-beach"))
        assert area.postal_codes == "90254, 90266"
        assert (area.latitude, area.longitude) == (33.86, -118.4)


def test_admin_creates_a_therapist_with_services_and_a_studio(app, admin, service_id):
    data = {
        "name": "Rosa Lind",
        "slug": "rosa-lind",
        "title": "Licensed Massage Therapist",
        "bio": "Ten years of *sports* massage.",
        "photo": "rosa.jpg",
        "active": "y",
        "position": "2",
        "service_ids": [str(service_id)],
    }
    assert post(admin, "/staff/catalogue/therapists/new", data).status_code == 302
    profile = text(admin.get("/therapists/rosa-lind"))
    assert "Rosa Lind" in profile and "Deep Tissue" in profile and "rosa.jpg" in profile
    with app.app_context():
        therapist = db.session.scalar(sa.select(Therapist).filter_by(slug="rosa-lind"))
        assert [s.id for s in therapist.services] == [service_id]

    response = post(admin, "/staff/catalogue/therapists/new", {**data, "photo": "../x.jpg"})
    assert response.status_code == 422 and "Please give just a file name" in text(response)

    studio = {
        "name": "Torrance Studio",
        "slug": "torrance",
        "area_id": "",
        "street": "1 Main Street",
        "city": "Torrance",
        "state": "CA",
        "postal_code": "90501",
        "phone": "310-555-0100",
        "directions": "Parking behind the building.",
        "active": "y",
        "position": "0",
    }
    response = post(admin, "/staff/catalogue/locations/new", {**studio, "postal_code": "9050"})
    assert response.status_code == 422 and "Please enter a 5-digit ZIP code." in text(response)
    assert post(admin, "/staff/catalogue/locations/new", studio).status_code == 302
    assert [e.after["name"] for e in events(app, "location")] == ["Torrance Studio"]
    assert events(app, "therapist")[0].after["service_ids"] == [service_id]


def booked(app) -> dict[str, int]:
    """A service, option, therapist and studio that one appointment refers to."""
    with app.app_context():
        service = make_service(name="Booked Massage", slug="booked-massage")
        studio = make_location()
        therapist = make_therapist(services=[service], hours=[(studio, 1, "09:00", "17:00")])
        db.session.flush()
        start = datetime(2030, 1, 8, 18, tzinfo=UTC)
        db.session.add(
            Appointment(
                token="t" * 40,
                service=service,
                option=service.options[0],
                therapist=therapist,
                location=studio,
                starts_at=start,
                ends_at=start + timedelta(hours=1),
                blocks_until=start + timedelta(hours=1),
                status="confirmed",
                price=12000,
                deposit=3000,
                currency="USD",
                client_name="Ana Client",
                client_email="ana@example.com",
            )
        )
        db.session.commit()
        return {
            "service": service.id,
            "option": service.options[0].id,
            "therapist": therapist.id,
            "location": studio.id,
        }


def test_deactivating_a_booked_service_hides_it_and_keeps_the_row(app, admin):
    ids = booked(app)
    edit_url = f"/staff/catalogue/services/{ids['service']}"
    page = text(admin.get(edit_url))
    assert "Deactivate" in page and "Delete…" not in page and "1 appointment" in page
    assert "Booked Massage" in text(admin.get("/book/"))

    refused = post(admin, f"{edit_url}/delete", token_from=edit_url)
    assert refused.status_code == 409 and "can't be deleted" in text(refused)

    response = post(admin, f"{edit_url}/deactivate", token_from=edit_url)
    assert response.status_code == 302 and response.headers["Location"] == edit_url
    assert "Inactive: hidden from the site" in text(admin.get(edit_url))
    assert "Booked Massage" not in text(admin.get("/services/"))
    assert admin.get("/services/booked-massage").status_code == 404
    assert "Booked Massage" not in text(admin.get("/book/"))
    assert "could not find that service" in text(admin.get("/book/?service=booked-massage"))
    with app.app_context():
        service = db.session.get(Service, ids["service"])
        assert service is not None and service.active is False
    (event,) = events(app, "service")
    assert event.action == "deactivated"
    assert event.before["active"] is True and event.after["active"] is False


@pytest.mark.parametrize(
    "kind, url",
    [
        ("option", "/staff/catalogue/options/{option}"),
        ("therapist", "/staff/catalogue/therapists/{therapist}"),
        ("location", "/staff/catalogue/locations/{location}"),
    ],
)
def test_booked_options_therapists_and_studios_are_deactivated_not_deleted(app, admin, kind, url):
    ids = booked(app)
    edit_url = url.format(**ids)
    page = text(admin.get(edit_url))
    assert "Deactivate" in page and "Delete…" not in page
    assert post(admin, f"{edit_url}/delete", token_from=edit_url).status_code == 409
    assert post(admin, f"{edit_url}/deactivate", token_from=edit_url).status_code == 302
    model = {"option": ServiceOption, "therapist": Therapist, "location": None}[kind]
    with app.app_context():
        from clinicsite.models import Location

        row = db.session.get(model or Location, ids[kind])
        assert row is not None and row.active is False
        assert db.session.scalar(sa.select(sa.func.count(Appointment.id))) == 1
    if kind == "therapist":
        with app.app_context():
            slug, name = db.session.get(Therapist, ids["therapist"]).slug, row.name
        assert admin.get(f"/therapists/{slug}").status_code == 404
        assert name not in text(admin.get("/book/?service=booked-massage"))


def test_an_unreferenced_region_is_deleted_after_confirmation(app, admin):
    with app.app_context():
        region = make_region(name="Inland Empire")
        db.session.commit()
        region_id = region.id
    edit_url = f"/staff/catalogue/regions/{region_id}"
    page = text(admin.get(edit_url))
    assert "Delete…" in page and "Deactivate" not in page
    confirm = admin.get(f"{edit_url}/delete")
    assert confirm.status_code == 200 and "Inland Empire" in text(confirm)
    response = post(admin, f"{edit_url}/delete")
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/catalogue/regions"
    with app.app_context():
        assert db.session.get(Region, region_id) is None
    (event,) = events(app, "region")
    assert event.action == "deleted" and event.before["name"] == "Inland Empire"
    assert event.after == {}


def test_a_region_with_areas_is_not_deleted(app, admin):
    with app.app_context():
        area = make_area()
        db.session.commit()
        region_id = area.region_id
    url = f"/staff/catalogue/regions/{region_id}/delete"
    assert "can't be deleted" in text(admin.get(url))
    response = post(admin, url, token_from=f"/staff/catalogue/regions/{region_id}")
    assert response.status_code == 409 and "1 area" in text(response)
    with app.app_context():
        assert db.session.get(Region, region_id) is not None
    assert events(app, "region") == []


def test_unreferenced_areas_options_and_services_can_be_deleted(app, admin, service_id):
    with app.app_context():
        area = make_area(services=[])
        option_id = db.session.get(Service, service_id).options[0].id
        db.session.commit()
        area_id = area.id
    for url in (
        f"/staff/catalogue/areas/{area_id}",
        f"/staff/catalogue/options/{option_id}",
        f"/staff/catalogue/services/{service_id}",
    ):
        assert post(admin, f"{url}/delete", token_from=f"{url}/delete").status_code == 302
        assert admin.get(url).status_code == 404
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ServiceOption.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(AreaService.area_id))) == 0
    deleted = [(e.subject_type, e.action) for e in events(app) if e.action == "deleted"]
    assert deleted == [
        ("service_area", "deleted"),
        ("service_option", "deleted"),
        ("service", "deleted"),
    ]


SETTINGS = {
    "name": "Harbour Hands",
    "tagline": "Massage by the sea",
    "about": "We fix *necks*.",
    "phone": "310-555-0111",
    "email": "hello@harbour.example",
    "street": "9 Pier Avenue",
    "city": "Hermosa Beach",
    "state": "CA",
    "postal_code": "90254",
    "country": "us",
    "timezone": "America/Los_Angeles",
    "currency": "usd",
    "cancellation_window_hours": "48",
    "min_notice_hours": "6",
    "horizon_days": "90",
    "slot_step_minutes": "30",
    "hold_minutes": "45",
    "max_holds_per_client": "3",
    "max_bookings_per_client_day": "8",
    "max_free_per_client": "1",
    "waitlist_offer_minutes": "30",
    "max_series_visits": "12",
}


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("timezone", "Mars/Olympus_Mons", "That is not a time zone we know."),
        ("timezone", "", "Please give the clinic's time zone"),
        ("hold_minutes", "10", "Please enter a number from 30 to 1440 minutes."),
        ("slot_step_minutes", "7", "Please choose 5, 10, 15, 20, 30 or 60 minutes."),
        ("slot_step_minutes", "often", "Please choose 5, 10, 15, 20, 30 or 60 minutes."),
        ("currency", "dollars", "Please enter a 3-letter code, like USD."),
        ("cancellation_window_hours", "721", "Please enter a number from 0 to 720 hours."),
        ("min_notice_hours", "-1", "Please enter a number from 0 to 720 hours."),
        ("horizon_days", "0", "Please enter a number from 1 to 365 days."),
        ("horizon_days", "2.5", "Please enter a whole number, like 15."),
        ("email", "not-an-email", "That email address does not look right"),
        ("name", "  ", "Please give a name."),
    ],
)
def test_bad_settings_are_refused_and_typed_values_kept(app, admin, field, value, message):
    response = post(admin, "/staff/settings", {**SETTINGS, field: value})
    assert response.status_code == 422
    page = text(response)
    assert message in page
    assert input_value(page, "name") == (SETTINGS["name"] if field != "name" else "")
    if field not in ("slot_step_minutes", "name"):
        kept = value.upper() if field == "currency" else value
        assert input_value(page, field) == kept
    with app.app_context():
        assert db.session.get(ClinicSettings, 1).name == "Test Clinic"
    assert events(app, "clinic_settings") == []


def test_saved_settings_change_the_public_site(app, admin):
    page = text(admin.get("/staff/settings"))
    assert one_h1(page) and input_value(page, "name") == "Test Clinic"
    response = post(admin, "/staff/settings", SETTINGS)
    assert response.status_code == 302
    home = text(admin.get("/"))
    assert '<h2 id="footer-clinic">Harbour Hands</h2>' in home
    assert "9 Pier Avenue" in home and "Massage by the sea" in home
    with app.app_context():
        clinic = db.session.get(ClinicSettings, 1)
        assert (clinic.currency, clinic.country, clinic.slot_step_minutes) == ("USD", "US", 30)
        assert (clinic.hold_minutes, clinic.cancellation_window_hours) == (45, 48)
    (event,) = events(app, "clinic_settings")
    assert event.action == "updated"
    assert event.before["name"] == "Test Clinic" and event.after["name"] == "Harbour Hands"


def test_settings_row_is_created_when_missing(app, client, login_as):
    login_as("admin")
    page = text(client.get("/staff/settings"))
    assert input_value(page, "hold_minutes") == "30"
    assert post(client, "/staff/settings", SETTINGS).status_code == 302
    with app.app_context():
        assert db.session.get(ClinicSettings, 1).name == "Harbour Hands"
    assert [e.action for e in events(app, "clinic_settings")] == ["created"]


def markdown_editors(app) -> dict[str, tuple[str, dict, str]]:
    """For each Markdown field public pages show: (the staff page editing it, the rest of
    that page's form, the public page showing it)."""
    with app.app_context():
        region = make_region()
        service = make_service(name="Deep Tissue", slug="deep-tissue")
        area = make_area(region=region, services=[service], slug="hermosa-beach")
        therapist = make_therapist(services=[service], name="Rosa Lind", slug="rosa-lind")
        db.session.commit()
        ids = region.id, service.id, area.id, therapist.id
    region_id, service_id, area_id, therapist_id = ids
    therapist_fields = {
        "name": "Rosa Lind",
        "slug": "rosa-lind",
        "title": "Licensed Massage Therapist",
        "active": "y",
        "position": "0",
        "service_ids": [str(service_id)],
    }
    return {
        "description": (
            f"/staff/catalogue/services/{service_id}",
            {**SERVICE_FIELDS, "name": "Deep Tissue", "slug": "deep-tissue"},
            "/services/deep-tissue",
        ),
        "intro": (
            f"/staff/catalogue/areas/{area_id}",
            area_fields(region_id, service_id),
            "/areas/hermosa-beach",
        ),
        "body": (
            f"/staff/catalogue/areas/{area_id}/services/{service_id}",
            {},
            "/areas/hermosa-beach/deep-tissue",
        ),
        "bio": (
            f"/staff/catalogue/therapists/{therapist_id}",
            therapist_fields,
            "/therapists/rosa-lind",
        ),
        "about": ("/staff/settings", SETTINGS, "/"),
    }


@pytest.mark.parametrize("field", ["description", "intro", "body", "bio", "about"])
def test_edited_markdown_is_on_the_public_page_at_once_and_sanitized(app, admin, field):
    """Pages show the HTML stored when the text was saved: saving must store it anew."""
    staff_url, form, public_url = markdown_editors(app)[field]
    before = admin.get(public_url).get_data(as_text=True)
    assert "firm pressure" not in before

    markdown = "Now with **firm pressure**. <script>alert(1)</script> [x](javascript:alert(1))"
    assert post(admin, staff_url, {**form, field: markdown}).status_code == 302
    page = admin.get(public_url).get_data(as_text=True)
    assert "Now with <strong>firm pressure</strong>." in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown as text, not run
    assert "<script>alert(1)" not in page and 'href="javascript' not in page


def protected_urls(app) -> list[tuple[str, str]]:
    """(method, url) of every catalogue and settings route, with ids filled in."""
    urls = []
    for rule in app.url_map.iter_rules():
        if not (rule.endpoint.startswith("staff.catalogue") or rule.endpoint == "staff.settings"):
            continue
        url = rule.rule
        for arg in rule.arguments:
            url = url.replace(f"<int:{arg}>", "1")
        method = "GET" if "GET" in rule.methods else "POST"
        urls.append((method, url))
    return sorted(urls)


def test_every_catalogue_route_is_listed(app):
    urls = protected_urls(app)
    assert len(urls) >= 30
    assert ("GET", "/staff/catalogue") in urls and ("GET", "/staff/settings") in urls
    assert ("POST", "/staff/catalogue/services/1/deactivate") in urls


@pytest.mark.parametrize("role", ["therapist", "editor"])
def test_therapists_and_editors_get_403_everywhere(app, client, login_as, role):
    with app.app_context():
        make_clinic()
        db.session.commit()
    login_as(role)
    token = session_token(client)
    for method, url in protected_urls(app):
        assert client.get(url).status_code in (403, 405), url
        response = client.post(url, data={"csrf_token": token})
        assert response.status_code in (403, 405), url
        if method == "POST":
            assert response.status_code == 403, url


def test_anonymous_users_are_sent_to_the_login_page(app, client):
    for method, url in protected_urls(app):
        response = client.open(url, method=method)
        if method == "POST":
            assert response.status_code == 400, url  # CSRF is checked first
            continue
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/staff/login?next="), url


@pytest.mark.parametrize(
    "url",
    [
        "/staff/catalogue/services/new",
        "/staff/catalogue/regions/new",
        "/staff/settings",
        "/staff/catalogue/services/{service_id}",
        "/staff/catalogue/services/{service_id}/deactivate",
        "/staff/catalogue/services/{service_id}/delete",
    ],
)
def test_posts_without_csrf_token_are_refused(app, admin, service_id, url):
    response = admin.post(url.format(service_id=service_id), data=SERVICE_FIELDS)
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(Service, service_id).active is True
    assert [e for e in events(app) if e.subject_type != "staff_user"] == []


@pytest.mark.parametrize(
    "url",
    [
        "/staff/catalogue/services/999999",
        "/staff/catalogue/services/abc",
        "/staff/catalogue/services/-1",
        "/staff/catalogue/services/0",
        "/staff/catalogue/services/99999999999999999999999",
        "/staff/catalogue/regions/999999/delete",
        "/staff/catalogue/options/99999999999999999999999",
        "/staff/catalogue/areas/999999",
        "/staff/catalogue/areas/{area_id}/services/999999",
        "/staff/catalogue/areas/{area_id}/services/99999999999999999999999",
        "/staff/catalogue/therapists/1.5",
        "/staff/catalogue/locations/999999/delete",
    ],
)
def test_garbage_ids_give_404(app, admin, url):
    with app.app_context():
        area = make_area()
        db.session.commit()
        area_id = area.id
    assert admin.get(url.format(area_id=area_id)).status_code == 404


def test_every_admin_page_renders_with_one_h1(app, admin):
    ids = booked(app)
    with app.app_context():
        area = make_area(services=[db.session.get(Service, ids["service"])])
        db.session.commit()
        area_id, region_id = area.id, area.region_id
    pages = [
        "/staff/catalogue",
        "/staff/settings",
        f"/staff/catalogue/areas/{area_id}/services/{ids['service']}",
        f"/staff/catalogue/services/{ids['service']}/options/new",
        f"/staff/catalogue/options/{ids['option']}",
        f"/staff/catalogue/options/{ids['option']}/delete",
    ]
    for plural, pk in [
        ("services", ids["service"]),
        ("regions", region_id),
        ("areas", area_id),
        ("locations", ids["location"]),
        ("therapists", ids["therapist"]),
    ]:
        base = f"/staff/catalogue/{plural}"
        pages += [base, f"{base}/new", f"{base}/{pk}", f"{base}/{pk}/delete"]
    for url in pages:
        response = admin.get(url)
        assert response.status_code == 200, url
        assert one_h1(text(response)), url
    overview = text(admin.get("/staff/catalogue"))
    for plural in ("services", "regions", "areas", "locations", "therapists"):
        assert f'href="/staff/catalogue/{plural}"' in overview


# -- slugs made from names (issue 15) ---------------------------------------------------------


@pytest.mark.parametrize(
    "url, data, model, expected",
    [
        (
            "/staff/catalogue/services/new",
            {**SERVICE_FIELDS, "name": "Crème Brûlée Massage", "slug": ""},
            Service,
            "creme-brulee-massage",
        ),
        (
            "/staff/catalogue/regions/new",
            {"name": "Inland Empire", "slug": "", "position": "0"},
            Region,
            None,
        ),
        (
            "/staff/catalogue/therapists/new",
            {"name": "Zoë O'Brien", "slug": "", "position": "0"},
            Therapist,
            "zoe-o-brien",
        ),
    ],
)
def test_an_empty_slug_is_made_from_the_name(app, admin, url, data, model, expected):
    response = post(admin, url, data)
    assert response.status_code == 302, text(response)
    with app.app_context():
        row = db.session.scalar(sa.select(model).filter_by(name=data["name"]))
        assert row.slug == (expected or "inland-empire")
        assert row.slug.isascii()


def test_a_made_slug_already_in_use_gets_the_next_number(app, admin):
    with app.app_context():
        make_service("Hot Stone", slug="hot-stone")
        make_service("Hot Stone Two", slug="hot-stone-2")
        db.session.commit()
    data = {**SERVICE_FIELDS, "name": "Hot Stone", "slug": ""}
    assert post(admin, "/staff/catalogue/services/new", data).status_code == 302
    with app.app_context():
        slugs = set(db.session.scalars(sa.select(Service.slug).filter_by(name="Hot Stone")))
        assert slugs == {"hot-stone", "hot-stone-3"}


def test_a_name_without_letters_needs_a_typed_slug(app, admin):
    data = {**SERVICE_FIELDS, "name": "???", "slug": ""}
    response = post(admin, "/staff/catalogue/services/new", data)
    assert response.status_code == 422
    assert "no letters or digits to make a slug from" in text(response)
