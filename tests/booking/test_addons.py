"""Add-ons on a visit: chosen on /book/ after the length, they lengthen the visit (only
times with room for them are offered, by the pages and the API), add to the price, and show
in the emails, the manage page, the calendar file and the staff page."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import AddOn, AppointmentAddOn, Service, Therapist, TimeOff
from tests.support import stripe_fixtures
from tests.support.booking_helpers import (
    CLIENT_DETAILS,
    DISCOVERY,
    NMT,
    TUESDAY,
    appointment,
    appointments,
    clinic_tz,
    extract_hidden_fields,
    flashes,
    ics_event,
    option_id,
    outbox,
    page_html,
    pay_session,
    post_form,
    query_of,
    reschedule_times,
    session_id_from,
    text_of,
    token_from,
)

clock, stub, app, client = stripe_fixtures.FIXTURES

DANA = "dana-okafor"
STUDIO = "culver-city-studio"  # Dana's Tuesdays: 10:00-14:00 and 15:00-19:00
TEN = datetime(2026, 12, 8, 10, 0, tzinfo=clinic_tz())  # Tuesday 10:00 in Los Angeles
BUFFER = timedelta(minutes=15)  # neuromuscular therapy's buffer after each visit


def make_add_on(app, service=NMT, name="Hot stones", minutes=30, price=2500, **fields) -> int:
    with app.app_context():
        found = db.session.scalar(sa.select(Service).filter_by(slug=service))
        add_on = AddOn(service=found, name=name, extra_minutes=minutes, price=price, **fields)
        db.session.add(add_on)
        db.session.commit()
        return add_on.id


def time_off_from(app, start: datetime) -> None:
    """Dana is away from `start` to the end of her Tuesday morning hours."""
    with app.app_context():
        dana = db.session.scalar(sa.select(Therapist).filter_by(slug=DANA))
        db.session.add(TimeOff(therapist=dana, starts_at=start, ends_at=TEN.replace(hour=14)))
        db.session.commit()


def starts(client, query: dict) -> list[datetime]:
    response = client.get("/api/availability", query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)
    return [datetime.fromisoformat(s["start"]) for s in response.get_json()["slots"]]


def offered_on_page(client, query: dict, when: datetime) -> bool:
    """Whether /book/'s list of times for the day links to `when`."""
    html = page_html(client, "/book/", **query).replace("&amp;", "&")
    links = re.findall(r'href="(/book/details\?[^"]*)"', html)
    offered = [datetime.fromisoformat(query_of(link)["start"][0]) for link in links]
    assert all(query_of(link).get("addon", []) == query["addon"] for link in links)
    return when in offered


def api_query(app, *add_ons: int, **more) -> dict:
    query = {"service": NMT, "date": TUESDAY, "therapist": DANA, **more}
    query["option"] = str(option_id(app, NMT, 60))
    return {**query, "addon": [str(i) for i in add_ons]}


def book_query(app, *add_ons: int, **more) -> dict:
    return {
        "service": NMT,
        "option": str(option_id(app, NMT, 60)),
        "extras": "1",
        "addon": [str(i) for i in add_ons],
        "location": STUDIO,
        "therapist": DANA,
        **more,
    }


def book(client, app, *add_ons: int, start: datetime = TEN, service=NMT, minutes=60):
    query = {
        **book_query(app, *add_ons),
        "service": service,
        "option": str(option_id(app, service, minutes)),
        "start": start.isoformat(),
    }
    page = client.get("/book/details", query_string=query)
    assert page.status_code == 200, flashes(page.get_data(as_text=True))
    html = page.get_data(as_text=True)
    fields = extract_hidden_fields(html)
    data = {**fields, **CLIENT_DETAILS}
    # The extras are repeated hidden fields, sent back as a browser would.
    return client.post("/book/details", data={**data, "addon": [str(i) for i in add_ons]})


def confirm(client, app, stub, response) -> str:
    assert response.status_code == 303, response.get_data(as_text=True)
    session_id = session_id_from(response.headers["Location"])
    [held] = [a for a in appointments(app) if a["payments"]]
    answer, _ = pay_session(client, stub, session_id)
    assert answer.status_code == 200
    return held["token"]


# -- choosing extras -------------------------------------------------------------------------


def test_extras_are_asked_after_the_length_and_travel_on_in_the_links(client, app):
    stones = make_add_on(app, description="Warm basalt stones on the back.")
    cupping = make_add_on(app, name="Cupping", minutes=15, price=2000)
    query = {"service": NMT, "option": str(option_id(app, NMT, 60))}
    html = page_html(client, "/book/", **query)
    assert "Add extras" in text_of(html)
    assert f'name="addon" value="{stones}"' in html and f'name="addon" value="{cupping}"' in html
    assert "Warm basalt stones on the back." in text_of(html)

    chosen = client.get("/book/", query_string={**query, "extras": "1", "addon": str(stones)})
    assert chosen.status_code == 200
    html = chosen.get_data(as_text=True)
    text = text_of(html)
    assert "Choose a studio" in text
    assert "Hot stones (+30 min), $25" in text and "Total time 1 h 30 min" in text
    # $140 for the hour and $25 for the stones, added up on the server.
    assert "$165 " in text
    assert f"addon={stones}" in html and f"addon={cupping}" not in html


def test_no_extras_ticked_moves_on_at_the_plain_price(client, app):
    make_add_on(app)
    query = {"service": NMT, "option": str(option_id(app, NMT, 60)), "extras": "1"}
    text = text_of(page_html(client, "/book/", **query))
    assert "Choose a studio" in text and "Extras" not in text and "$140 " in text


def test_a_service_without_add_ons_has_no_extras_step(client, app):
    make_add_on(app)  # of neuromuscular therapy, not of the discovery session
    text = text_of(page_html(client, "/book/", service=DISCOVERY))
    assert "Add extras" not in text and "Choose a studio" in text


# -- the longer visit is only offered where it fits ------------------------------------------


def test_a_longer_visit_is_not_offered_where_only_the_hour_is_free(client, app):
    stones = make_add_on(app, minutes=30)
    time_off_from(app, TEN + timedelta(minutes=60) + BUFFER)
    assert TEN in starts(client, api_query(app))
    assert TEN not in starts(client, api_query(app, stones))
    assert not offered_on_page(client, book_query(app, stones, day=TUESDAY), TEN)
    assert offered_on_page(client, book_query(app, day=TUESDAY), TEN)


def test_a_longer_visit_is_offered_where_ninety_minutes_are_free(client, app):
    stones = make_add_on(app, minutes=30)
    time_off_from(app, TEN + timedelta(minutes=90) + BUFFER)
    answer = client.get("/api/availability", query_string=api_query(app, stones)).get_json()
    [first] = [s for s in answer["slots"] if datetime.fromisoformat(s["start"]) == TEN]
    assert datetime.fromisoformat(first["end"]) - TEN == timedelta(minutes=90)
    assert answer["duration_minutes"] == 90
    assert answer["add_ons"] == [
        {"id": stones, "name": "Hot stones", "extra_minutes": 30, "price": 2500}
    ]
    assert offered_on_page(client, book_query(app, stones, day=TUESDAY), TEN)


def test_the_details_form_refuses_a_time_the_longer_visit_does_not_fit(client, app):
    stones = make_add_on(app, minutes=30)
    time_off_from(app, TEN + timedelta(minutes=60) + BUFFER)
    query = {**book_query(app, stones), "start": TEN.isoformat()}
    page = client.get("/book/details", query_string=query)
    assert page.status_code == 422
    assert "That time is not available" in text_of(page.get_data(as_text=True))
    # Without the extra, the hour itself is bookable there.
    assert client.get("/book/details", query_string={**query, "addon": []}).status_code == 200
    assert not appointments(app)


# -- booking with extras ----------------------------------------------------------------------


def test_booking_with_an_add_on_stretches_the_visit_and_adds_to_the_price(client, app, stub):
    stones = make_add_on(app, minutes=30, price=2500)
    token = confirm(client, app, stub, book(client, app, stones))
    booked = appointment(app, token)
    assert booked["status"] == "confirmed"
    assert booked["ends_at"] - booked["starts_at"] == timedelta(minutes=90)
    assert booked["blocks_until"] - booked["ends_at"] == BUFFER
    assert booked["price"] == 14000 + 2500
    assert booked["deposit"] == 3500  # the hour's deposit: extras are paid at the studio
    [paid] = booked["payments"]
    assert paid["amount"] == 3500

    # The therapist is taken for the whole 90 minutes (and the buffer after them).
    free = starts(client, api_query(app))
    assert TEN + timedelta(minutes=60) not in free
    assert TEN + timedelta(minutes=90) + BUFFER in free

    # A later price change does not touch the booking.
    with app.app_context():
        db.session.get(AddOn, stones).price = 9900
        db.session.commit()
        [chosen] = db.session.scalars(sa.select(AppointmentAddOn)).all()
        assert (chosen.price, chosen.extra_minutes, chosen.name) == (2500, 30, "Hot stones")
    page = text_of(page_html(client, f"/booking/{token}"))
    assert "Hot stones" in page and "$165 " in page and "$99" not in page


def test_the_confirmation_email_and_calendar_file_show_the_extras(client, app, stub):
    stones = make_add_on(app, minutes=30, price=2500)
    cupping = make_add_on(app, name="Cupping", minutes=0, price=1500)
    token = confirm(client, app, stub, book(client, app, stones, cupping))
    [confirmation] = [e for e in outbox(app) if e["subject"].startswith("Booked:")]
    assert "Hot stones, +30 minutes, $25" in confirmation["text"]
    assert "Cupping, $15" in confirmation["text"]
    assert "$180" in confirmation["text"]
    event = ics_event(confirmation)
    assert event["DTEND"].dt - event["DTSTART"].dt == timedelta(minutes=90)
    assert "Hot stones (+30 min)" in str(event["DESCRIPTION"])
    download = client.get(f"/booking/{token}.ics").get_data(as_text=True)
    assert "Hot stones" in download


def test_a_visit_with_extras_moves_with_its_full_length(client, app, stub):
    stones = make_add_on(app, minutes=30)
    token = confirm(client, app, stub, book(client, app, stones))
    # Only 60 minutes (and the buffer) free at 15:00: the 90-minute visit cannot move there.
    with app.app_context():
        dana = db.session.scalar(sa.select(Therapist).filter_by(slug=DANA))
        afternoon = TEN.replace(hour=15)
        db.session.add(
            TimeOff(
                therapist=dana,
                starts_at=afternoon + timedelta(minutes=60) + BUFFER,
                ends_at=afternoon.replace(hour=19),
            )
        )
        db.session.commit()
    _, offered = reschedule_times(client, token, TUESDAY)
    offered = [datetime.fromisoformat(o) for o in offered]
    later = TEN.replace(hour=12)
    assert afternoon not in offered and later in offered
    moved = post_form(client, f"/booking/{token}/reschedule?day={TUESDAY}", start=later.isoformat())
    assert moved.status_code == 303
    booked = appointment(app, token)
    assert booked["starts_at"] == later
    assert booked["ends_at"] - booked["starts_at"] == timedelta(minutes=90)
    assert booked["price"] == 14000 + 2500


def test_a_free_session_with_an_extra_is_confirmed_with_the_extra(client, app):
    tea = make_add_on(app, service=DISCOVERY, name="Posture photos", minutes=10, price=0)
    first = starts(
        client,
        {"service": DISCOVERY, "date": TUESDAY, "therapist": DANA, "addon": str(tea)},
    )[0]
    response = book(client, app, tea, start=first, service=DISCOVERY, minutes=20)
    assert response.status_code == 303
    booked = appointment(app, token_from(response))
    assert booked["status"] == "confirmed"
    assert booked["ends_at"] - booked["starts_at"] == timedelta(minutes=30)
    [confirmation] = [e for e in outbox(app) if e["subject"].startswith("Booked:")]
    assert "Posture photos, +10 minutes" in confirmation["text"]


# -- tampered, unknown and inactive add-ons ----------------------------------------------------


@pytest.fixture
def other_service_add_on(app):
    return make_add_on(app, service=DISCOVERY, name="Posture photos", minutes=10, price=0)


@pytest.mark.parametrize("kind", ["text", "unknown", "other service", "inactive", "huge"])
def test_an_add_on_not_offered_is_refused_with_a_message(client, app, kind, other_service_add_on):
    inactive = make_add_on(app, name="Old oil", active=False)
    make_add_on(app)
    raw = {
        "text": "abc",
        "unknown": "999999",
        "other service": str(other_service_add_on),
        "inactive": str(inactive),
        "huge": "9" * 400,
    }[kind]
    query = {**book_query(app), "addon": raw, "day": TUESDAY}
    response = client.get("/book/", query_string=query)
    assert response.status_code == 400
    text = text_of(response.get_data(as_text=True))
    assert "One of those extras is not offered with this service" in text
    assert "Add extras" in text  # asked again

    api = client.get("/api/availability", query_string=api_query(app) | {"addon": raw})
    assert api.status_code == 400 and "addon" in api.get_json()["error"]

    details = client.get("/book/details", query_string={**query, "start": TEN.isoformat()})
    assert details.status_code == 302
    followed = client.get(details.headers["Location"]).get_data(as_text=True)
    assert "One of those extras is not offered with this service" in text_of(followed)


def test_a_tampered_add_on_in_the_posted_form_books_nothing(client, app, other_service_add_on):
    stones = make_add_on(app)
    page = client.get(
        "/book/details", query_string={**book_query(app, stones), "start": TEN.isoformat()}
    )
    fields = extract_hidden_fields(page.get_data(as_text=True))
    data = {**fields, **CLIENT_DETAILS, "addon": [str(stones), str(other_service_add_on)]}
    response = client.post("/book/details", data=data)
    assert response.status_code == 302
    assert not appointments(app)


def test_too_many_add_on_ids_are_refused(client, app):
    stones = make_add_on(app)
    query = {**book_query(app), "addon": [str(stones)] * 21}
    assert client.get("/book/", query_string=query).status_code == 400


# -- the page cache -----------------------------------------------------------------------------


def test_the_page_cache_keeps_each_choice_of_extras_apart(app):
    from urllib.parse import urlencode

    from tests.support.app import queries_for_page

    stones = make_add_on(app, minutes=30, price=2500)
    cupping = make_add_on(app, name="Cupping", minutes=15, price=2000)
    time_off_from(app, TEN + timedelta(minutes=60) + BUFFER)
    base = book_query(app, day=TUESDAY)
    urls = {
        "plain": "/book/?" + urlencode({**base, "addon": []}, doseq=True),
        "stones": "/book/?" + urlencode({**base, "addon": [stones]}, doseq=True),
        "both": "/book/?" + urlencode({**base, "addon": [stones, cupping]}, doseq=True),
    }
    visitor = app.test_client()  # no session: served from the cache once kept
    for _ in range(2):  # rendered, then kept and served again
        pages = {name: text_of(visitor.get(url).text) for name, url in urls.items()}
        assert "Price $140 " in pages["plain"]
        assert "Price $165 " in pages["stones"]
        assert "Price $185 " in pages["both"] and "Total time 1 h 45 min" in pages["both"]
    # Kept: the counters and the bookings, nothing rendered.
    assert queries_for_page(app, visitor, urls["both"], cached=True) == 2
    assert offered_on_page(visitor, {**base, "addon": []}, TEN)
    assert not offered_on_page(visitor, {**base, "addon": [str(stones)]}, TEN)


def test_the_staff_appointment_page_shows_the_extras(client, app, stub, login_as, monkeypatch):
    from werkzeug.security import generate_password_hash

    monkeypatch.setattr(
        "clinicsite.models.staff.generate_password_hash",
        lambda password: generate_password_hash(password, method="pbkdf2:sha256:1"),
    )
    stones = make_add_on(app, minutes=30, price=2500)
    token = confirm(client, app, stub, book(client, app, stones))
    login_as("admin")
    page = text_of(page_html(client, f"/staff/appointments/{appointment(app, token)['id']}"))
    assert "Extras Hot stones (+30 min), $25" in page
    assert "Price $165 " in page
    assert "10:00 AM PST – 11:30 AM PST" in page


def test_a_clients_data_export_lists_the_extras(client, app, stub):
    from clinicsite.clients.data_requests import export
    from clinicsite.models import Appointment

    stones = make_add_on(app, minutes=30, price=2500)
    token = confirm(client, app, stub, book(client, app, stones))
    with app.app_context():
        booked = db.session.scalar(sa.select(Appointment).filter_by(token=token))
        [row] = export(booked.client)["appointments"]
    assert row["extras"] == [{"name": "Hot stones", "extra_minutes": 30, "price": 2500}]
    assert row["price"] == 16500
