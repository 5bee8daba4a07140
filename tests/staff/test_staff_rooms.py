"""Staff: rooms and equipment per studio (/staff/rooms/, admins only), the service form's
room kind and equipment, and the room shown on the appointment page and the calendar."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import Equipment, Room, Service
from tests.support.app import csrf_token
from tests.support.booking_helpers import text_of
from tests.support.room_helpers import book, studio_with_rooms


def add_room(client, studio_id, **fields):
    token = csrf_token(client, "/staff/rooms/")
    data = {"csrf_token": token, "room-studio": studio_id, "room-name": "Room 3"}
    data |= {"room-kind": "treatment", "room-position": "2", "room-active": "y"}
    data |= {f"room-{k}": v for k, v in fields.items()}
    return client.post("/staff/rooms/", data=data)


@pytest.mark.parametrize("role", ["therapist", "editor"])
def test_only_admins_open_the_rooms_page(app, client, login_as, role):
    login_as(role)
    assert client.get("/staff/rooms/").status_code == 403


def test_an_admin_adds_a_room_and_sees_it(app, client, login_as):
    studio = studio_with_rooms(app)
    login_as("admin")
    page = text_of(client.get("/staff/rooms/").get_data(as_text=True))
    assert "Pier Studio" in page and "Room 1" in page and "Room 2" in page
    response = add_room(client, studio.location_id, name="Quiet room", kind="prenatal table")
    assert response.status_code == 303
    page = client.get("/staff/rooms/", follow_redirects=True).get_data(as_text=True)
    assert "Added Quiet room (prenatal table) at Pier Studio." in text_of(page)
    with app.app_context():
        room = db.session.scalar(sa.select(Room).filter_by(name="Quiet room"))
        assert (room.kind, room.location_id, room.active) == (
            "prenatal table",
            studio.location_id,
            True,
        )


def test_a_room_name_taken_at_the_studio_is_refused_clearly(app, client, login_as):
    studio = studio_with_rooms(app)
    login_as("admin")
    response = add_room(client, studio.location_id, name="Room 1")
    assert response.status_code == 422
    assert "Pier Studio already has a room named Room 1." in text_of(response.get_data(True))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "Please give the room a name"),
        ({"studio": "abc"}, "Please choose a studio from the list."),
        ({"studio": "99999"}, "Please choose a studio from the list."),
        ({"position": "first"}, "Please enter a whole number"),
        ({"name": "x" * 81}, "Please keep it to 80 characters."),
    ],
)
def test_garbage_in_the_room_form_gets_a_message(app, client, login_as, fields, message):
    studio = studio_with_rooms(app)
    login_as("admin")
    response = add_room(client, studio.location_id, **fields)
    assert response.status_code == 422
    assert message in text_of(response.get_data(True))


def test_the_room_form_needs_its_csrf_token(app, client, login_as):
    studio = studio_with_rooms(app)
    login_as("admin")
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(
        "/staff/rooms/", data={"room-studio": studio.location_id, "room-name": "Sneaky"}
    )
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(sa.select(Room).filter_by(name="Sneaky")) is None


def test_deactivating_a_room_stops_new_bookings_in_it(app, client, login_as):
    studio = studio_with_rooms(app)
    login_as("admin")
    url = f"/staff/rooms/{studio.room_ids[1]}"
    assert "Room 2" in client.get(url).get_data(as_text=True)
    token = csrf_token(client, url)
    response = client.post(
        url,
        data={"csrf_token": token, "room-name": "Room 2", "room-kind": "treatment"}
        | {"room-position": "1"},  # Active left unticked
        follow_redirects=True,
    )
    assert "Saved Room 2." in text_of(response.get_data(True))
    with app.app_context():
        assert db.session.get(Room, studio.room_ids[1]).active is False


def test_an_admin_adds_and_edits_equipment(app, client, login_as):
    studio = studio_with_rooms(app)
    login_as("admin")
    token = csrf_token(client, "/staff/rooms/")
    base = {"csrf_token": token, "equipment-studio": studio.location_id}
    response = client.post(
        "/staff/rooms/equipment",
        data=base
        | {"equipment-name": "hot-stone heater", "equipment-count": "2"}
        | {"equipment-active": "y"},
        follow_redirects=True,
    )
    assert "Added 2 × hot-stone heater at Pier Studio." in text_of(response.get_data(True))
    bad = client.post(
        "/staff/rooms/equipment",
        data=base | {"equipment-name": "towel warmer", "equipment-count": "-3"},
    )
    assert bad.status_code == 422
    assert "Please enter a whole number from 0 to 99." in text_of(bad.get_data(True))
    with app.app_context():
        item = db.session.scalar(sa.select(Equipment))
    url = f"/staff/rooms/equipment/{item.id}"
    client.post(
        url,
        data={"csrf_token": csrf_token(client, url), "equipment-name": "hot-stone heater"}
        | {"equipment-count": "1", "equipment-active": "y"},
    )
    with app.app_context():
        assert db.session.get(Equipment, item.id).count == 1


def test_a_missing_room_is_a_404(app, client, login_as):
    login_as("admin")
    assert client.get("/staff/rooms/424242").status_code == 404
    assert client.get("/staff/rooms/equipment/99999999999999999999").status_code == 404


def test_the_service_form_picks_the_kind_of_room_and_equipment(app, client, login_as):
    studio = studio_with_rooms(
        app, rooms=(("Room 1", "treatment"), ("Bay", "prenatal table")), equipment=(("heater", 1),)
    )
    login_as("admin")
    url = f"/staff/catalogue/services/{studio.service_id}"
    page = client.get(url).get_data(as_text=True)
    assert 'value="prenatal table"' in page and 'value="heater"' in page
    with app.app_context():
        service = db.session.get(Service, studio.service_id)
        data = {
            "csrf_token": csrf_token(client, url),
            "name": service.name,
            "slug": service.slug,
            "buffer_minutes": "15",
            "position": "1",
            "active": "y",
            "needs_room": "y",
            "room_kind": "prenatal table",
            "equipment_needed": "heater",
        }
    response = client.post(url, data=data)
    assert response.status_code in (302, 303), text_of(response.get_data(True))
    with app.app_context():
        service = db.session.get(Service, studio.service_id)
        assert (service.room_kind, service.equipment_needed) == ("prenatal table", "heater")
    bad = client.post(
        url, data=data | {"room_kind": "sauna", "csrf_token": csrf_token(client, url)}
    )
    assert bad.status_code == 422
    assert "Please choose from the list" in text_of(bad.get_data(True))


def test_the_room_shows_on_the_calendar_and_the_appointment_page(app, client, login_as):
    studio = studio_with_rooms(app)
    appointment_id = book(app, studio, 0)
    login_as("admin")
    day = client.get("/staff/calendar/day?date=2026-12-09").get_data(as_text=True)
    assert '<span class="appt-room">Room 1</span>' in day
    page = text_of(client.get(f"/staff/appointments/{appointment_id}").get_data(as_text=True))
    assert "Room Room 1" in page


def test_phone_booking_into_a_full_studio_says_the_rooms_are_taken(
    app, client, login_as, monkeypatch
):
    from tests.support.room_helpers import NOW

    monkeypatch.setattr("clinicsite.clock.now", lambda: NOW)
    studio = studio_with_rooms(app, rooms=(("Room 1", "treatment"),))
    book(app, studio, 0)
    login_as("admin")
    response = client.post(
        "/staff/book",
        data={
            "csrf_token": csrf_token(client, "/staff/book"),
            "option": studio.option_id,
            "therapist": studio.therapist_ids[1],
            "location": studio.location_id,
            "date": "2026-12-09",
            "time": "10:00",
            "name": "Phone Client",
            "email": "phone@example.com",
            "phone": "310 555 0190",
            "payment": "waive",
        },
    )
    assert response.status_code == 422
    assert "At Pier Studio no room is free then: Therapist 2 is free, but the studio is full." in (
        text_of(response.get_data(as_text=True))
    )
