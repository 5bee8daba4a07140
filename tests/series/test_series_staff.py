"""Standing appointments in the staff area, as the desk uses them: the booking form (and
what it refuses), the series page with taken visits and their alternatives, and "move this
and later" / "cancel this and later" on a visit's page."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

import pytest
import sqlalchemy as sa

from clinicsite.appointments.holding import hold
from clinicsite.appointments.series import book_series
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.models import Appointment, Series, Therapist
from tests.series.helpers import DESK, FIRST, NOW, first_visit, local, series_visits
from tests.support.booking_helpers import flashes, text_of
from tests.support.staff_helpers import form_token


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr("clinicsite.clock.now", lambda: NOW)


@pytest.fixture
def desk(clinic, client, login_as, frozen):
    login_as("admin")
    return client


def series_form(client, **change) -> dict[str, str]:
    html = client.get("/staff/series/new").get_data(as_text=True)

    def value(label: str) -> str:
        return re.search(rf'<option (?:selected )?value="(\d+)"(?: selected)?>{label}', html)[1]

    data = {
        "csrf_token": form_token(html),
        "option": value("Neuromuscular Therapy, 60 min"),
        "therapist": value("Dana Okafor"),
        "location": value("Saltgrass Hermosa"),
        "date": "2027-02-24",
        "time": "10:00",
        "every_weeks": "1",
        "count": "6",
        "name": "Sam Standing",
        "email": "standing@example.com",
        "phone": "310 555 0177",
    }
    data.update(change)
    return {k: v for k, v in data.items() if v is not None}


def all_series(app) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Series.id)))


def test_booking_six_weekly_visits_shows_them_all_at_ten_across_the_change(clinic, desk):
    response = desk.post("/staff/series/new", data=series_form(desk))
    assert response.status_code == 303
    page = desk.get(response.headers["Location"])
    text = text_of(page.get_data(as_text=True))
    assert "Booked all 6 visits. The client has been emailed the list." in text
    for day in ("February 24", "March 3", "March 10"):
        assert f"Wednesday, {day}, 2027 at 10:00 AM PST" in text
    for day in ("March 17", "March 24", "March 31"):
        assert f"Wednesday, {day}, 2027 at 10:00 AM PDT" in text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"count": "0"}, "A standing appointment has 2 to 26 visits."),
        ({"count": "1000"}, "A standing appointment has 2 to 26 visits."),
        ({"count": "six"}, "Not a valid integer value."),
        ({"count": ""}, "Please say how many visits to book."),
        ({"every_weeks": "0"}, "Repeat every 1 to 12 weeks."),
        ({"every_weeks": "-2"}, "Repeat every 1 to 12 weeks."),
        ({"every_weeks": "99999999999999999999"}, "Repeat every 1 to 12 weeks."),
        ({"date": "2027-02-31"}, "Please give the date as YYYY-MM-DD."),
        ({"date": "2027-02-01"}, "The first visit has to be in the future."),
        ({"date": "9998-12-01", "count": "26"}, "past the end of the calendar"),
        ({"time": "02:30", "date": "2027-03-14"}, "the clocks skip that hour"),
        ({"email": "", "phone": ""}, "Please give the client's phone number or email"),
        ({"option": "999999"}, "Not a valid choice"),
    ],
)
def test_garbage_is_refused_with_a_message_and_nothing_booked(clinic, desk, change, message):
    response = desk.post("/staff/series/new", data=series_form(desk, **change))
    assert response.status_code == 422
    assert message in text_of(response.get_data(as_text=True))
    assert all_series(clinic) == []


def test_the_form_needs_its_csrf_token(clinic, desk):
    response = desk.post("/staff/series/new", data=series_form(desk, csrf_token="forged"))
    assert response.status_code in (400, 422)
    assert all_series(clinic) == []


def test_a_taken_visit_is_listed_with_buttons_that_book_an_alternative(clinic, desk):
    with clinic.app_context():
        taken = replace(first_visit(FIRST + timedelta(weeks=2)), deposit=0)
        hold(replace(taken, client=replace(taken.client, name="Already Here")), get_clinic(), NOW)
    response = desk.post("/staff/series/new", data=series_form(desk))
    html = desk.get(response.headers["Location"]).get_data(as_text=True)
    assert "Booked 5 of 6 visits." in " ".join(flashes(html))
    visit = re.search(r'<li id="visit-3">(.*?)</ul>', html, re.S)[1]
    assert "Not booked: Wednesday, March 10, 2027 at 10:00 AM" in text_of(visit)
    buttons = re.findall(r'name="starts_at" value="([^"]+)"', visit)
    assert buttons, "no alternatives offered"
    location = re.search(r'name="location_id" value="(\d+)"', visit)[1]
    series_url = response.headers["Location"]
    booked = desk.post(
        f"{series_url}/book",
        data={
            "csrf_token": form_token(html),
            "position": "3",
            "starts_at": buttons[0],
            "location_id": location,
        },
    )
    assert booked.status_code == 303
    assert "Visit 3 booked." in flashes(desk.get(series_url).get_data(as_text=True))
    with clinic.app_context():
        [series_id] = all_series(clinic)
        assert [a.series_position for a in series_visits(series_id)] == [1, 2, 3, 4, 5, 6]
    again = desk.post(
        f"{series_url}/book",
        data={"csrf_token": form_token(html), "position": "3", "starts_at": buttons[-1]}
        | {"location_id": location},
    )
    assert "Visit 3 is booked already." in flashes(desk.get(again.headers["Location"]).text)


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"position": "3", "starts_at": "yesterday", "location_id": "1"},
        {"position": "x", "starts_at": "2027-03-10T20:00:00+00:00", "location_id": "1"},
        {"position": "3", "starts_at": "2027-03-10T20:00:00", "location_id": "1"},
    ],
)
def test_booking_an_alternative_with_garbage_is_a_bad_request(clinic, desk, data):
    response = desk.post("/staff/series/new", data=series_form(desk, count="2"))
    html = desk.get(response.headers["Location"]).get_data(as_text=True)
    bad = desk.post(
        f"{response.headers['Location']}/book", data=data | {"csrf_token": form_token(html)}
    )
    assert bad.status_code == 400


def visit_url(app, position: int) -> str:
    with app.app_context():
        [series_id] = all_series(app)
        return f"/staff/appointments/{series_visits(series_id)[position - 1].id}"


def test_move_this_and_later_from_the_third_visit(clinic, desk):
    desk.post("/staff/series/new", data=series_form(desk))
    url = visit_url(clinic, 3)
    html = desk.get(url).get_data(as_text=True)
    assert "Visit 3 of 6." in text_of(html)
    response = desk.post(
        f"{url}/series/move", data={"csrf_token": form_token(html), "weekday": "4", "time": "14:00"}
    )
    assert response.status_code == 303
    assert "Moved 4 visits" in " ".join(flashes(desk.get(url).get_data(as_text=True)))
    with clinic.app_context():
        visits = series_visits(all_series(clinic)[0])
        assert [local(a.starts_at).strftime("%a %H:%M") for a in visits] == [
            "Wed 10:00",
            "Wed 10:00",
            "Thu 14:00",
            "Thu 14:00",
            "Thu 14:00",
            "Thu 14:00",
        ]


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"weekday": "0", "time": "10:00"},
        {"weekday": "8", "time": "10:00"},
        {"weekday": "3", "time": "25:00"},
        {"weekday": "3", "time": "10:00+02:00"},
    ],
)
def test_move_with_garbage_moves_nothing(clinic, desk, data):
    desk.post("/staff/series/new", data=series_form(desk))
    url = visit_url(clinic, 3)
    html = desk.get(url).get_data(as_text=True)
    response = desk.post(f"{url}/series/move", data=data | {"csrf_token": form_token(html)})
    assert response.status_code == 303
    assert "Please choose a day of the week and a time" in " ".join(
        flashes(desk.get(url).get_data(as_text=True))
    )


def test_cancel_this_and_later_from_the_fourth_leaves_the_first_three(clinic, desk):
    desk.post("/staff/series/new", data=series_form(desk))
    url = visit_url(clinic, 4)
    html = desk.get(url).get_data(as_text=True)
    response = desk.post(f"{url}/series/cancel", data={"csrf_token": form_token(html)})
    page = desk.get(response.headers["Location"]).get_data(as_text=True)
    assert "Cancelled 3 visits, this one and the later ones." in flashes(page)
    assert "From Wednesday, March 17, 2027 on" in text_of(page)
    with clinic.app_context():
        statuses = [a.status for a in series_visits(all_series(clinic)[0])]
    assert statuses == ["confirmed"] * 3 + ["cancelled"] * 3


def test_a_therapist_sees_and_moves_their_own_series_but_cannot_cancel_it(
    clinic, client, login_as, frozen
):
    with clinic.app_context():
        dana = db.session.scalar(sa.select(Therapist.id).filter_by(slug="dana-okafor"))
    login_as("therapist", therapist_id=dana)
    html = client.get("/staff/series/new").get_data(as_text=True)
    assert "Lena Marchetti" not in html  # a therapist books only for themselves
    response = client.post("/staff/series/new", data=series_form(client, count="2"))
    assert response.status_code == 303
    assert client.get(response.headers["Location"]).status_code == 200
    url = visit_url(clinic, 1)
    html = client.get(url).get_data(as_text=True)
    assert "Move this and later" in html and "Cancel this and later" not in html
    assert (
        client.post(f"{url}/series/cancel", data={"csrf_token": form_token(html)}).status_code
        == 403
    )
    with clinic.app_context():
        request = first_visit(therapist="lena-marchetti")
        other = book_series(request, 1, 2, DESK, NOW, get_clinic()).series.id
    assert client.get(f"/staff/series/{other}").status_code == 403


@pytest.mark.parametrize("url", ["/staff/series/new", "/staff/series/1"])
def test_editors_and_visitors_are_kept_out(clinic, client, login_as, url):
    assert client.get(url).status_code == 302  # to the login page
    login_as("editor")
    assert client.get(url).status_code == 403


def test_an_unknown_or_huge_series_id_is_not_found(clinic, desk):
    assert desk.get("/staff/series/12345").status_code == 404
    assert desk.get(f"/staff/series/{2**70}").status_code == 404


def test_an_appointment_outside_a_series_has_no_series_forms(clinic, desk):
    with clinic.app_context():
        single = hold(replace(first_visit(), deposit=0), get_clinic(), NOW)
        url = f"/staff/appointments/{single.id}"
        count = db.session.scalar(sa.select(sa.func.count()).select_from(Appointment))
    assert count == 1
    html = desk.get(url).get_data(as_text=True)
    assert "Move this and later" not in html
    desk.post(f"{url}/series/cancel", data={"csrf_token": form_token(html)})
    assert "not part of a standing appointment" in " ".join(
        flashes(desk.get(url).get_data(as_text=True))
    )


def test_the_list_shows_each_series_and_a_therapist_only_their_own(
    clinic, client, login_as, frozen
):
    with clinic.app_context():
        book_series(first_visit(), 1, 2, DESK, NOW, get_clinic())
        request = first_visit(therapist="lena-marchetti")
        book_series(
            replace(request, client=replace(request.client, name="Lena's Client")),
            2,
            3,
            DESK,
            NOW,
            get_clinic(),
        )
        dana = db.session.scalar(sa.select(Therapist.id).filter_by(slug="dana-okafor"))
    login_as("therapist", therapist_id=dana)
    text = text_of(client.get("/staff/series/").get_data(as_text=True))
    assert "Sam Standing" in text and "Every week, 2 visits" in text
    assert "Lena's Client" not in text


def test_the_admin_sees_every_series_in_the_list(clinic, desk):
    with clinic.app_context():
        request = first_visit(therapist="lena-marchetti")
        book_series(request, 2, 3, DESK, NOW, get_clinic())
    text = text_of(desk.get("/staff/series/?page=zz").get_data(as_text=True))
    assert "Sam Standing" in text and "Every 2 weeks, 3 visits" in text
