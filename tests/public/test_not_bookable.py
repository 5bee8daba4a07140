"""A service nobody can be booked for online (issue 15): its public pages offer no Book
button leading to a dead end, the booking flow does not list it, and the admin is told why
on the service's staff page."""

from __future__ import annotations

import html as html_lib

import pytest
import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import Location, Service
from tests.support.factories import make_service, make_therapist


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return html_lib.unescape(response.get_data(as_text=True))


@pytest.fixture
def cupping(clinic):
    """A new active service with a length but no therapist yet."""
    with clinic.app_context():
        service = make_service("Cupping Therapy", slug="cupping-therapy")
        db.session.commit()
        return service.id


def test_a_service_no_therapist_offers_has_no_book_button(clinic, client, cupping):
    service_page = page(client, "/services/cupping-therapy")
    assert "/book/?service=cupping-therapy" not in service_page
    assert "Cupping Therapy cannot be booked online at the moment" in service_page
    assert 'href="/contact?service=cupping-therapy"' in service_page
    assert "cupping-therapy" not in page(client, "/book/").split("<main", 1)[1].split("</main>")[0]


def test_a_bookable_service_keeps_its_book_button(clinic, client):
    service_page = page(client, "/services/neuromuscular-therapy")
    assert "/book/?service=neuromuscular-therapy" in service_page
    assert "cannot be booked online" not in service_page


def test_a_therapist_with_hours_makes_it_bookable(clinic, client, cupping):
    with clinic.app_context():
        studio = db.session.scalar(sa.select(Location).filter_by(slug="hermosa-beach-studio"))
        make_therapist([db.session.get(Service, cupping)], [(studio, 2, "09:00", "12:00")])
        db.session.commit()
    assert "/book/?service=cupping-therapy" in page(client, "/services/cupping-therapy")


@pytest.mark.parametrize(
    ("hours", "reason"),
    [
        (None, "no active therapist offers it"),
        ([], "the therapists who offer it have no weekly hours at an open studio"),
    ],
)
def test_the_admin_is_told_why_clients_cannot_book_it(
    clinic, client, login_as, cupping, hours, reason
):
    if hours is not None:
        with clinic.app_context():
            make_therapist([db.session.get(Service, cupping)], hours)
            db.session.commit()
    login_as("admin")
    staff_page = page(client, f"/staff/catalogue/services/{cupping}")
    assert "Clients cannot book Cupping Therapy online" in staff_page
    assert reason in staff_page


def test_the_admin_sees_no_warning_for_a_bookable_service(clinic, client, login_as):
    with clinic.app_context():
        service_id = db.session.scalar(
            sa.select(Service.id).filter_by(slug="neuromuscular-therapy")
        )
    login_as("admin")
    assert "cannot book" not in page(client, f"/staff/catalogue/services/{service_id}")
