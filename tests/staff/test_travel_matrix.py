"""Staff: the travel-time matrix (/staff/travel/, admins only): defaults shown as
placeholders, one form that saves, clears or refuses the whole table, and the minutes
availability then reads (reference.current().travel)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from clinicsite import reference
from clinicsite.extensions import db
from clinicsite.models import AuditEvent, Location, ServiceArea, TravelTime
from clinicsite.scheduling.travel import area_place, studio_place
from tests.support.app import csrf_token
from tests.support.booking_helpers import text_of

URL = "/staff/travel/"


@pytest.fixture
def places(clinic):
    """Two areas that take home visits (Manhattan and Hermosa Beach), one that does not
    (Torrance), and the fixture clinic's two studios: their travel places by name."""
    with clinic.app_context():
        areas = {a.slug: a for a in db.session.scalars(sa.select(ServiceArea))}
        for slug in ("manhattan-beach", "hermosa-beach"):
            areas[slug].home_visits = True
        studios = {s.slug: s for s in db.session.scalars(sa.select(Location))}
        db.session.commit()
        return {
            "manhattan": area_place(areas["manhattan-beach"].id),
            "hermosa": area_place(areas["hermosa-beach"].id),
            "torrance": area_place(areas["torrance"].id),
            "hermosa-studio": studio_place(studios["hermosa-beach-studio"].id),
            "culver-studio": studio_place(studios["culver-city-studio"].id),
        }


def name(a: str, b: str) -> str:
    return "|".join(sorted((a, b)))


def stored(app) -> dict[tuple[str, str], int]:
    with app.app_context():
        return {
            (r.place_a, r.place_b): r.minutes for r in db.session.scalars(sa.select(TravelTime))
        }


def post(client, values: dict[str, str], **kwargs):
    return client.post(URL, data={"csrf_token": csrf_token(client, URL)} | values, **kwargs)


def input_of(page: str, field: str) -> str:
    match = re.search(rf'<input[^>]*name="{re.escape(field)}"[^>]*>', page)
    assert match, f"no input {field}"
    return match.group(0)


def test_anonymous_visitors_are_sent_to_log_in(client, places):
    response = client.get(URL)
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["therapist", "editor"])
def test_only_admins_open_or_save_the_matrix(client, login_as, places, role):
    login_as(role)
    assert client.get(URL).status_code == 403
    token = csrf_token(client, "/staff/")
    field = name(places["manhattan"], places["hermosa"])
    response = client.post(URL, data={"csrf_token": token, field: "5"})
    assert response.status_code == 403


def test_the_matrix_shows_defaults_as_placeholders_and_nothing_between_studios(
    app, client, login_as, places
):
    login_as("admin")
    page = client.get(URL).get_data(as_text=True)
    text = text_of(page)
    assert "Manhattan Beach" in text and "Saltgrass Culver City Studio" in text
    assert places["torrance"] not in page  # it takes no home visits
    assert "empty box uses the default" in text
    with app.test_request_context():
        times = reference.current().travel
    for a, b in [
        ("manhattan", "manhattan"),
        ("manhattan", "hermosa"),
        ("hermosa", "culver-studio"),
    ]:
        field = input_of(page, name(places[a], places[b]))
        assert f'placeholder="{times.minutes(places[a], places[b])}"' in field
        assert 'value=""' in field
    studios = name(places["hermosa-studio"], places["culver-studio"])
    assert f'name="{studios}"' not in page
    assert "no travel time between studios" in text


def test_an_admin_sets_clears_and_changes_minutes_in_one_save(app, client, login_as, places):
    login_as("admin")
    across = name(places["manhattan"], places["hermosa"])
    within = name(places["hermosa"], places["hermosa"])
    to_studio = name(places["manhattan"], places["culver-studio"])
    with app.app_context():
        a, b = to_studio.split("|")
        db.session.add(TravelTime(place_a=a, place_b=b, minutes=40))
        db.session.commit()
    response = post(client, {across: "25", within: " 12 ", to_studio: ""}, follow_redirects=True)
    assert "Saved: 3 travel times changed." in text_of(response.get_data(as_text=True))
    assert stored(app) == {
        tuple(across.split("|")): 25,
        tuple(within.split("|")): 12,
    }
    page = response.get_data(as_text=True)
    assert 'value="25"' in input_of(page, across)
    with app.app_context():
        events = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.subject_type == "travel_time")
        ).all()
        changes = {
            "|".join(e.after["pair"]): (e.note, e.action, e.before["minutes"], e.after["minutes"])
            for e in events
        }
    assert changes[within] == ("Within Hermosa Beach", "travel_set", None, 12)
    assert changes[across][1:] == ("travel_set", None, 25)
    assert changes[across][0] in (
        "Manhattan Beach – Hermosa Beach",
        "Hermosa Beach – Manhattan Beach",
    )
    assert changes[to_studio][1:] == ("travel_default", 40, None)

    response = post(client, {across: "25"}, follow_redirects=True)
    assert "Nothing changed" in text_of(response.get_data(as_text=True))


def test_saved_minutes_are_what_availability_reads_next(app, client, login_as, places):
    login_as("admin")
    a, b = places["manhattan"], places["hermosa-studio"]
    assert post(client, {name(a, b): "55"}).status_code == 303
    with app.test_request_context():
        assert reference.current().travel.minutes(a, b) == 55
        assert reference.current().travel.minutes(b, a) == 55
    post(client, {name(a, b): ""})
    with app.test_request_context():
        assert reference.current().travel.minutes(a, b) != 55


@pytest.mark.parametrize("typed", ["soon", "-5", "601", "2.5", "1e3", "٣", "12 min"])
def test_a_wrong_value_saves_nothing_and_says_why_beside_it(app, client, login_as, places, typed):
    login_as("admin")
    good = name(places["manhattan"], places["hermosa"])
    bad = name(places["hermosa"], places["hermosa-studio"])
    response = post(client, {good: "20", bad: typed})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    text = text_of(page)
    assert "Travel times not saved" in text
    assert "Please enter whole minutes from 0 to 600" in text
    field = input_of(page, bad)
    assert 'aria-invalid="true"' in field
    assert 'value="20"' in input_of(page, good)  # what was typed is kept
    assert stored(app) == {}


@pytest.mark.parametrize(
    "field",
    [
        "area:999999|area:999999",  # no such area
        "TORRANCE",
        "{torrance}|{torrance}",  # an area without home visits
        "{culver-studio}|{hermosa-studio}",  # between studios: not offered
    ],
)
def test_a_pair_not_in_the_table_saves_nothing(app, client, login_as, places, field):
    login_as("admin")
    good = name(places["manhattan"], places["hermosa"])
    response = post(client, {good: "20", field.format_map(places): "10"})
    assert response.status_code == 422
    assert "Nothing was saved" in text_of(response.get_data(as_text=True))
    assert stored(app) == {}


def test_the_boundaries_zero_and_six_hundred_are_kept(app, client, login_as, places):
    login_as("admin")
    across = name(places["manhattan"], places["hermosa"])
    within = name(places["manhattan"], places["manhattan"])
    assert post(client, {across: "600", within: "0"}).status_code == 303
    assert sorted(stored(app).values()) == [0, 600]


def test_saving_needs_the_csrf_token(app, client, login_as, places):
    login_as("admin")
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(URL, data={name(places["manhattan"], places["hermosa"]): "20"})
    assert response.status_code == 400
    assert stored(app) == {}


def test_without_home_visit_areas_the_page_says_what_to_do(clinic, client, login_as):
    login_as("admin")
    text = text_of(client.get(URL).get_data(as_text=True))
    assert "No area takes home visits yet" in text


def test_the_menu_links_the_matrix_for_admins_only(client, login_as, places):
    login_as("admin")
    assert f'href="{URL}"' in client.get("/staff/").get_data(as_text=True)
